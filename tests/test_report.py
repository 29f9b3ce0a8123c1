"""``incidentkit report`` through its entry point, and its figures recomputed here."""

from __future__ import annotations

import datetime as dt
import gzip
import json
import math
import statistics
import subprocess
import sys
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from incidentkit import Incident, serialization
from incidentkit.cli import main


FIXTURES = Path(__file__).parent / "fixtures"
T0 = dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc)


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["report", *args])
    out, err = capsys.readouterr()
    return code, out, err


def report_json(capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, Any]:
    code, out, err = run(capsys, "--format", "json", *args)
    assert (code, err) == (0, "")
    result: dict[str, Any] = json.loads(out)
    return result


def github_rows() -> list[dict[str, Any]]:
    data = resources.files("incidentkit.datasets") / "github_status.jsonl.gz"
    with data.open("rb") as raw, gzip.open(raw, "rt", encoding="utf-8") as lines:
        return [json.loads(line)["incident"] for line in lines]


def parse(text: str | None) -> dt.datetime | None:
    if text is None:
        return None
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


def independent_restore_minutes() -> dict[str, list[float]]:
    """Time to restore per severity, by the documented mapping, written from scratch."""
    severity = {"critical": "P1", "major": "P2", "minor": "P3", "none": "P3"}
    out: dict[str, list[float]] = {"P1": [], "P2": [], "P3": []}
    for row in github_rows():
        created, resolved = parse(row["created_at"]), parse(row["resolved_at"])
        started = parse(row["started_at"])
        mitigated = parse(row["monitoring_at"]) or resolved
        assert created is not None and mitigated is not None and resolved is not None
        if started is not None and (started > created or started > resolved):
            started = None  # documented: an impossible impact start is dropped
        if started is None:
            continue
        minutes = (mitigated - started).total_seconds() / 60
        if minutes > 0:
            out[severity[row["impact"]]].append(minutes)
    return out


def linear(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[round(q * 100) - 1]


def test_the_embedded_history_report_matches_an_independent_computation(
    capsys: pytest.CaptureFixture[str],
) -> None:
    report = report_json(capsys)
    expected = independent_restore_minutes()
    assert report["incidents"] == 1282
    assert report["severities"] == {"P1": 2, "P2": 199, "P3": 1081}
    groups = {g["group"]: g for g in report["groups"]}
    assert list(groups) == ["P1", "P2", "P3"]
    for level, minutes in expected.items():
        got = groups[level]
        assert got["n"] == len(minutes)
        assert math.isclose(
            got["median"] / 60, statistics.median(minutes), abs_tol=1e-6
        )
        assert math.isclose(got["p90"] / 60, linear(minutes, 0.9), abs_tol=1e-5)
        assert math.isclose(
            got["geometric_mean"] / 60, statistics.geometric_mean(minutes), rel_tol=1e-9
        )
        assert math.isclose(got["mean"] / 60, statistics.fmean(minutes), abs_tol=1e-6)
    every = [m for minutes in expected.values() for m in minutes]
    assert report["overall"]["n"] == len(every) == 430
    assert report["tiers"] == {
        "span": "time to restore",
        "under_1h": sum(m < 60 for m in every),
        "from_1h_to_8h": sum(60 <= m < 480 for m in every),
        "over_8h": sum(m >= 480 for m in every),
        "measured": 430,
    }
    # The zeros of the migrated history are counted, not averaged.
    assert report["overall"]["invalid"] == {"zero": 836}
    assert report["overall"]["missing"] == 16


def test_the_embedded_history_table_fits_80_columns(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, err = run(capsys)
    assert (code, err) == (0, "")
    assert max(len(line) for line in out.splitlines()) <= 80
    assert out.startswith("1282 incidents from the GitHub status history")
    assert "time to restore: started_at -> mitigated_at" in out
    assert "statuspage-backfilled (warning): 839 findings" in out
    assert "2023-Q2 (n 26) vs 2023-Q3 (n 48): not distinguishable" in out
    headings = ("response tiers (time to restore)", "recurrence", "trend (quarter)")
    for heading in (*headings, "data quality"):
        assert f"\n{heading}\n" in out


def test_recurrence_falls_back_to_the_service_and_says_so(
    capsys: pytest.CaptureFixture[str],
) -> None:
    r = report_json(capsys)["recurrence"]
    assert (r["fingerprint"], r["keyed"], r["unkeyed"]) == ("service", 1118, 164)
    assert "how busy a service is" in r["note"]
    assert r["groups"][0] == {
        "key": "Git Operations",
        "incidents": 448,
        "recurrences": 419,
    }


@pytest.mark.parametrize(
    "by", ["severity", "service", "category", "year", "quarter", "month"]
)
def test_every_grouping(capsys: pytest.CaptureFixture[str], by: str) -> None:
    report = report_json(capsys, "--by", by)
    assert report["by"] == by
    assert sum(g["n"] for g in report["groups"]) == report["overall"]["n"]
    labels = [g["group"] for g in report["groups"]]
    if by == "year":
        assert labels == [str(y) for y in range(2010, 2024)]
    if by == "month":
        assert labels[0] == "2010-02" and labels[-1] == "2023-10"
        assert len(labels) == 11 + 12 * 12 + 10  # no month skipped
    if by == "category":
        assert labels == ["(none)"]
    code, out, _ = run(capsys, "--by", by)
    assert code == 0 and max(len(line) for line in out.splitlines()) <= 80


@pytest.mark.parametrize(
    ("span", "start", "end"),
    [
        ("restore", "started_at", "mitigated_at"),
        ("resolve", "started_at", "resolved_at"),
        ("detect", "started_at", "detected_at"),
        ("acknowledge", "detected_at", "acknowledged_at"),
    ],
)
def test_every_span(
    capsys: pytest.CaptureFixture[str], span: str, start: str, end: str
) -> None:
    report = report_json(capsys, "--span", span)
    assert (report["span"]["start"], report["span"]["end"]) == (start, end)
    if span in ("detect", "acknowledge"):
        # Statuspage has no detection time: nothing is measured, all is missing.
        assert report["overall"]["n"] == 0
        assert report["overall"]["missing"] == 1282
        assert (
            "no detection time"
            in report["span"]["end_field"] + report["span"]["start_field"]
        )


def test_markdown(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--format", "markdown")
    assert code == 0
    assert out.startswith("# Incident metrics\n")
    assert "| group | n | median | 95% CI | p90 | geo mean | mean | not used |" in out
    assert "\n| P2 | 56 |" in out
    assert "## Data quality" in out


def write_history(path: Path, count: int = 12) -> list[Incident]:
    incidents = []
    for i in range(count):
        at = T0 + dt.timedelta(days=10 * i)
        inc = Incident.declare(
            f"outage {i}",
            severity=["P1", "P2", "P3"][i % 3],
            declared_by="ana",
            at=at,
            started_at=at - dt.timedelta(minutes=5),
            service="web",
            category="config" if i % 2 else "leak",
        )
        if i < count - 1:
            inc = inc.mitigate(at=at + dt.timedelta(minutes=10 + 7 * i), how="undo")
        incidents.append(inc)
    serialization.write_jsonl(incidents, path)
    return incidents


def test_incidentkit_json_lines_and_a_single_document(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    lines = tmp_path / "history.jsonl"
    incidents = write_history(lines)
    report = report_json(capsys, str(lines))
    # Mitigated incidents are still open (monitoring); one is not restored yet.
    assert (report["incidents"], report["open"]) == (12, 12)
    assert report["overall"]["n"] == 11
    assert report["overall"]["open"] == 1
    assert report["span"]["start_field"] == "started_at"
    assert report["findings"] == []
    single = tmp_path / "one.json"
    single.write_text(serialization.dumps(incidents[0], indent=2), encoding="utf-8")
    both = report_json(capsys, str(lines), str(single), "--source", "incidentkit")
    # The single document is the first incident again: counted once, reported.
    assert both["incidents"] == 12
    assert [f["code"] for f in both["findings"]] == ["duplicate-id"]
    gz = tmp_path / "history.jsonl.gz"
    gz.write_bytes(gzip.compress(lines.read_bytes()))
    assert report_json(capsys, str(gz))["incidents"] == 12


def test_statuspage_files(capsys: pytest.CaptureFixture[str]) -> None:
    path = FIXTURES / "statuspage_githubstatus_incidents.json"
    report = report_json(capsys, str(path))
    raw = json.loads(path.read_text(encoding="utf-8"))
    assert report["incidents"] == len(raw["incidents"])
    assert report["span"]["end_field"] == "monitoring_at, else resolved_at"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--by", "colour"], "argument --by: invalid choice: 'colour'"),
        (["--span", "fix"], "argument --span: invalid choice: 'fix'"),
        (["--format", "xml"], "argument --format: invalid choice: 'xml'"),
        (["--window", "soon"], "expected a number of days, got 'soon'"),
        (["--window", "-1"], "expected 0 to 36500 days"),
        (["--frobnicate"], "unrecognized arguments: --frobnicate"),
    ],
)
def test_bad_options_exit_2_with_one_line(
    capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    with pytest.raises(SystemExit) as info:
        main(["report", *args])
    out, err = capsys.readouterr()
    assert info.value.code == 2
    assert out == ""
    assert err.count("\n") == 1 and message in err
    assert err.startswith(("incidentkit report: error: ", "incidentkit: error: "))


def test_bad_time_zone(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "--tz", "Mars/Olympus", "--by", "month")
    assert (code, out) == (2, "")
    assert err.count("\n") == 1 and "Mars/Olympus" in err


@pytest.mark.parametrize(
    ("content", "args", "message"),
    [
        (None, [], "No such file or directory"),
        (
            b"not json at all\n",
            [],
            "cannot tell whether this is incidentkit or Statuspage",
        ),
        (b'{"hello": 1}\n', [], "cannot tell whether"),
        (b"[1, 2]", ["--source", "statuspage"], "expected"),
        (b'{"schema_version": 1, "id": "x"}\n', [], "line 1"),
        (b"\xff\xfe\x00garbage", ["--source", "incidentkit"], ""),
        (b"\x1f\x8b broken gzip", ["--source", "incidentkit"], ""),
    ],
)
def test_unreadable_input_exits_2_with_one_line(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    content: bytes | None,
    args: list[str],
    message: str,
) -> None:
    path = tmp_path / (
        "bad.gz" if content and content.startswith(b"\x1f\x8b") else "bad"
    )
    if content is not None:
        path.write_bytes(content)
    code, out, err = run(capsys, str(path), *args)
    assert (code, out) == (2, "")
    assert err.startswith(f"incidentkit: error: {path}: ")
    assert err.count("\n") == 1
    assert message in err


def test_a_directory_is_unreadable(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, _, err = run(capsys, str(tmp_path))
    assert code == 2 and err.count("\n") == 1


def test_no_traceback_through_the_console_script(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{", encoding="utf-8")
    done = subprocess.run(  # noqa: S603 - our own interpreter, a temporary path
        [sys.executable, "-m", "incidentkit", "report", str(bad)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert done.stderr.count("\n") == 1


def test_the_console_script_runs_the_main_job() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "incidentkit", "report"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""  # no progress indicator when stderr is not a terminal
    assert "time to restore by severity" in done.stdout


def test_progress_on_a_terminal_only(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from incidentkit import cli

    lines = tmp_path / "many.jsonl"
    write_history(lines, count=25)
    monkeypatch.setattr(cli, "PROGRESS_EVERY", 10)
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    code, out, err = run(capsys, str(lines), "--format", "json")
    assert code == 0 and json.loads(out)["incidents"] == 25
    assert f"\rreading {lines}: 10 incidents" in err
    assert f"\rreading {lines}: 20 incidents" in err
    assert err.endswith("\r")  # the count is wiped before the report is printed


def test_tiers_are_always_the_time_to_restore(
    capsys: pytest.CaptureFixture[str],
) -> None:
    restore = report_json(capsys)["tiers"]
    detect = report_json(capsys, "--span", "detect")["tiers"]
    assert restore == detect
    assert (detect["span"], detect["under_1h"], detect["measured"]) == (
        "time to restore",
        203,
        430,
    )


def test_duplicate_ids_are_reported_and_counted_once(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    lines = tmp_path / "history.jsonl"
    write_history(lines, count=4)
    report = report_json(capsys, str(lines), str(lines))
    assert report["incidents"] == 4
    duplicate = next(f for f in report["findings"] if f["code"] == "duplicate-id")
    assert duplicate["count"] == 4 and duplicate["level"] == "warning"


def test_nothing_readable_exits_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    lines = tmp_path / "history.jsonl"
    write_history(lines, count=3)
    code, out, err = run(capsys, str(lines), "--source", "statuspage")
    assert (code, out) == (2, "")
    assert "no incident could be read" in err and err.count("\n") == 1


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("[" * 5000 + "]" * 5000 + "\n", "cannot tell whether"),
        ("null\n", "1 problem in IncidentRecord: $: expected"),
        ('{"schema_version": 1}\n', "required field missing (and 13 more)"),
    ],
)
def test_errors_show_their_first_problem(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, content: str, message: str
) -> None:
    path = tmp_path / "bad.json"
    path.write_text(content, encoding="utf-8")
    source = [] if content.startswith("[") else ["--source", "incidentkit"]
    code, _, err = run(capsys, str(path), *source)
    assert code == 2 and err.count("\n") == 1
    assert message in err, err
