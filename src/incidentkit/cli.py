"""
The ``incidentkit`` command line.

``incidentkit report`` prints the metrics of an incident history: with no path,
the GitHub status history shipped in the package; with paths, incidentkit JSON
or JSON Lines files, or Atlassian Statuspage API v2 payloads.

Example:
    .. code-block:: console

        $ incidentkit report
        $ incidentkit report incidents.jsonl --by quarter --span resolve
        $ incidentkit report statuspage.json --format markdown
        $ incidentkit report --format html -o report.html
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import json
import os
import sys
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import IO, Any, Final, NoReturn, cast

from incidentkit.errors import IncidentKitError
from incidentkit.findings import Finding, Level
from incidentkit.spans import MILESTONES, NAMED_SPANS, IncidentRecord


__all__ = ["main"]

BY_CHOICES: Final = ("severity", "service", "category", "year", "quarter", "month")
SOURCES: Final = ("auto", "incidentkit", "statuspage")
FORMATS: Final = ("table", "json", "markdown", "html")
PROGRESS_EVERY: Final = 10_000
_PEEK: Final = 1 << 20

STATUSPAGE_FIELDS: Final[Mapping[str, str]] = {
    "started_at": "started_at",
    "detected_at": "nothing (Statuspage has no detection time)",
    "declared_at": "created_at",
    "mitigated_at": "monitoring_at, else resolved_at",
    "resolved_at": "resolved_at",
    "acknowledged_at": "nothing (Statuspage has no acknowledgement)",
    "closed_at": "nothing",
}
OWN_FIELDS: Final[Mapping[str, str]] = {name: name for name in MILESTONES}


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line and exit status 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message}\n")


class _InputError(Exception):
    """An input that cannot be read; the message is the one line shown."""


def _parser() -> argparse.ArgumentParser:
    from importlib.metadata import version  # noqa: PLC0415 - only the CLI needs it

    parser = _Parser(
        prog="incidentkit",
        description="Run production incidents well, and learn from them.",
    )
    parser.add_argument(
        "--version",
        action="version",
        version=f"%(prog)s {version('incidentkit')}",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    report = commands.add_parser(
        "report",
        help="metrics of an incident history",
        description=(
            "Summarise how fast incidents were detected, restored and resolved, "
            "per severity or period, with response tiers, recurrence, the trend "
            "between the last two complete periods and data-quality findings. "
            "With no PATH, the GitHub status history shipped with incidentkit."
        ),
    )
    report.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help="incidentkit JSON / JSON Lines or Statuspage files (.gz read too)",
    )
    report.add_argument(
        "--source",
        choices=SOURCES,
        default="auto",
        help="the files' format (default: detected when unambiguous)",
    )
    report.add_argument(
        "--by", choices=BY_CHOICES, default="severity", help="group by (severity)"
    )
    report.add_argument(
        "--span",
        choices=tuple(NAMED_SPANS),
        default="restore",
        help="the duration summarised (restore: impact start to mitigation)",
    )
    report.add_argument(
        "--format",
        choices=FORMATS,
        default="table",
        help="output format (table); html: one self-contained page with charts",
    )
    report.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        help="write the report to FILE (default: standard output)",
    )
    report.add_argument(
        "--tz", default="UTC", help="IANA zone calendar periods are cut in (UTC)"
    )
    report.add_argument(
        "--window",
        type=_days,
        default=dt.timedelta(days=30),
        metavar="DAYS",
        help="recurrence window in days (30)",
    )
    return parser


def _days(text: str) -> dt.timedelta:
    try:
        days = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected a number of days, got {text!r}"
        ) from None
    if not 0 <= days <= 36_500:  # noqa: PLR2004 - a century
        raise argparse.ArgumentTypeError(f"expected 0 to 36500 days, got {text!r}")
    return dt.timedelta(days=days)


def _open(path: Path) -> IO[bytes]:
    if path.suffix == ".gz":
        return cast("IO[bytes]", gzip.open(path, "rb"))
    return path.open("rb")


def _peek(path: Path) -> tuple[object, bool]:
    """The first line parsed as JSON (and True), else the whole small file."""
    with _open(path) as handle:
        head = handle.read(_PEEK)
    try:
        return json.loads(head.split(b"\n", 1)[0]), True
    except (ValueError, RecursionError):
        pass
    if len(head) < _PEEK:
        try:
            return json.loads(head), False
        except (ValueError, RecursionError):
            pass
    return None, False


def _detect(path: Path) -> str:
    value, _ = _peek(path)
    if isinstance(value, dict):
        if "schema_version" in value:
            return "incidentkit"
        if {"incident", "incidents", "page"} & value.keys() or {
            "incident_updates",
            "shortlink",
        } <= value.keys():
            return "statuspage"
    raise _InputError(
        f"{path}: cannot tell whether this is incidentkit or Statuspage data; "
        "pass --source"
    )


def _progress(
    records: Iterable[IncidentRecord], label: str
) -> Iterator[IncidentRecord]:
    if not sys.stderr.isatty():
        yield from records
        return
    count = 0
    for count, record in enumerate(records, start=1):
        if count % PROGRESS_EVERY == 0:
            sys.stderr.write(f"\rreading {label}: {count:,} incidents")
            sys.stderr.flush()
        yield record
    if count >= PROGRESS_EVERY:
        sys.stderr.write("\r" + " " * 60 + "\r")
        sys.stderr.flush()


def _read_own(path: Path) -> list[IncidentRecord]:
    from incidentkit import serialization  # noqa: PLC0415 - loaded when used

    value, by_line = _peek(path)
    with _open(path) as handle:
        if by_line and isinstance(value, dict):
            records = serialization.iter_jsonl(handle, IncidentRecord)
            return list(_progress(records, str(path)))
        return [serialization.loads(handle.read(), IncidentRecord)]


def _read_statuspage(path: Path) -> tuple[list[IncidentRecord], list[Finding]]:
    from incidentkit.interop import statuspage  # noqa: PLC0415

    incidents, findings = statuspage.load(path)
    return [IncidentRecord.of(i) for i in incidents], list(findings)


def _load(
    paths: Sequence[str], source: str
) -> tuple[list[IncidentRecord], list[Finding], str, Mapping[str, str]]:
    if not paths:
        from incidentkit.datasets import github_status  # noqa: PLC0415

        history, found = github_status()
        return (
            [IncidentRecord.of(i) for i in history],
            list(found),
            "the GitHub status history",
            STATUSPAGE_FIELDS,
        )
    records: list[IncidentRecord] = []
    findings: list[Finding] = []
    kinds = set()
    for name in paths:
        path = Path(name)
        try:
            kind = _detect(path) if source == "auto" else source
            kinds.add(kind)
            if kind == "statuspage":
                more, extra = _read_statuspage(path)
                records += more
                findings += extra
            else:
                records += _read_own(path)
        except (OSError, EOFError, IncidentKitError, UnicodeError) as exc:
            raise _InputError(f"{name}: {_first_line(exc)}") from exc
    records = _unique(records, findings)
    if not records:
        first = next(iter(findings), None)
        why = f": {first.subject}: {first.message}" if first is not None else ""
        raise _InputError(f"{', '.join(paths)}: no incident could be read{why}")
    label = ", ".join(paths) if len(paths) <= 2 else f"{len(paths)} files"  # noqa: PLR2004
    fields = STATUSPAGE_FIELDS if kinds == {"statuspage"} else OWN_FIELDS
    return records, findings, label, fields


def _unique(
    records: list[IncidentRecord], findings: list[Finding]
) -> list[IncidentRecord]:
    """Keep the first record of each id; report every later one."""
    seen: set[str] = set()
    kept: list[IncidentRecord] = []
    for record in records:
        if record.id in seen:
            findings.append(
                Finding(
                    "duplicate-id",
                    "an incident with this id was read before; this one is left "
                    "out, the first is kept",
                    Level.WARNING,
                    record.id,
                )
            )
            continue
        seen.add(record.id)
        kept.append(record)
    return kept


def _first_line(exc: BaseException) -> str:
    """One line for *exc*: the heading and the first problem it lists."""
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    text = str(exc).strip() or type(exc).__name__
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    head, rest = lines[0], lines[1:]
    if rest and head.endswith(":"):
        head, rest = f"{head} {rest[0]}", rest[1:]
    return head + (f" (and {len(rest)} more)" if rest else "")


def _report(args: argparse.Namespace) -> int:
    from incidentkit import _report  # noqa: PLC0415
    from incidentkit._time import resolve_zone  # noqa: PLC0415

    try:
        resolve_zone(args.tz, field="--tz")
    except IncidentKitError as exc:
        raise _InputError(_first_line(exc)) from exc
    records, findings, label, fields = _load(args.paths, args.source)
    built = _report.build(
        records,
        findings,
        source=label,
        fields=fields,
        span=NAMED_SPANS[args.span],
        by=args.by,
        tz=args.tz,
        window=args.window,
        charts=args.format == "html",
    )
    render = {
        "table": _report.as_table,
        "json": _report.as_json,
        "markdown": _report.as_markdown,
        "html": _report.as_html,
    }[args.format]
    text = render(built)
    text = text if text.endswith("\n") else text + "\n"
    if args.output is None:
        sys.stdout.write(text)
        return 0
    try:
        Path(args.output).write_text(text, encoding="utf-8")
    except OSError as exc:
        raise _InputError(f"{args.output}: {_first_line(exc)}") from exc
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """
    Run the ``incidentkit`` command line.

    Args:
        argv: The arguments, without the program name; `sys.argv` when ``None``.

    Returns:
        The exit status: 0, or 2 for bad options, unreadable input or an
        unwritable output file.
    """
    parser = _parser()
    args: Any = parser.parse_args(sys.argv[1:] if argv is None else argv)
    if args.command is None:
        parser.print_help()
        return 0
    try:
        return _report(args)
    except _InputError as exc:
        sys.stderr.write(f"incidentkit: error: {exc}\n")
        return 2
    except BrokenPipeError:  # pragma: no cover - `incidentkit report | head`
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
