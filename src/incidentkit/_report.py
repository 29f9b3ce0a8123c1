"""
The metrics report ``incidentkit report`` prints: built once, rendered four ways.

`build` computes a plain, JSON-ready structure from incidents and the importer's
findings; `as_table` (an 80-column terminal), `as_markdown`, `as_json` and
`as_html` (a self-contained page with charts) render it.  Every figure comes
from `incidentkit.metrics`.
"""

from __future__ import annotations

import datetime as dt
import html
import json
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, Final

from incidentkit import metrics
from incidentkit._lifecycle import OPEN_STATUSES
from incidentkit._time import format_duration
from incidentkit.findings import Finding
from incidentkit.metrics._summary import when
from incidentkit.spans import IncidentRecord, Span


__all__ = ["as_html", "as_json", "as_markdown", "as_table", "build"]

EXAMPLES: Final = 3
GROUP_WIDTH: Final = 24
TOP_GROUPS: Final = 5
_MINUTE: Final = dt.timedelta(minutes=1)


def _short(value: dt.timedelta | None) -> str:
    """A duration as a report shows it: minutes from one minute up."""
    if value is None:
        return "-"
    if value >= _MINUTE:
        value = round(value / _MINUTE) * _MINUTE
    return format_duration(value)


def _seconds(value: dt.timedelta | None) -> float | None:
    return None if value is None else value.total_seconds()


def _label(key: object) -> str:
    if key is None:
        return "(none)"
    if isinstance(key, tuple):
        return " / ".join("(none)" if k is None else str(k) for k in key)
    return str(getattr(key, "value", key))


def _summary(label: str, s: metrics.DurationSummary) -> dict[str, Any]:
    return {
        "group": label,
        "n": s.n,
        "open": s.open,
        "missing": s.missing,
        "invalid": dict(s.invalid),
        "median": _seconds(s.median),
        "median_ci": None
        if s.median_ci is None
        else [_seconds(v) for v in s.median_ci],
        "p90": _seconds(s.p90),
        "p95": _seconds(s.p95),
        "geometric_mean": _seconds(s.geometric_mean),
        "mean": _seconds(s.mean),
        "max": _seconds(s.max),
    }


def _trend(
    records: Sequence[IncidentRecord], span: Span, unit: str, tz: str
) -> dict[str, Any] | None:
    grouped = metrics.summarize(records, span, by=unit, tz=tz, resamples=1)
    periods = [p for p in grouped if isinstance(p, metrics.Period)]
    if len(periods) < 3:  # noqa: PLR2004 - two complete ones and the current one
        return None
    last, before, after = periods[-1], periods[-3], periods[-2]

    def inside(period: metrics.Period) -> list[IncidentRecord]:
        return [r for r in records if when(r) in period]

    c = metrics.compare_periods(inside(before), inside(after), span)
    return {
        "unit": unit,
        "before": before.label,
        "after": after.label,
        "left_out": last.label,
        "n_before": c.n_before,
        "n_after": c.n_after,
        "ratio": c.ratio,
        "ci": None if c.ci is None else list(c.ci),
        "level": c.level,
        "verdict": c.verdict.value,
        "detectable": c.detectable,
    }


def _recurrence(
    records: Sequence[IncidentRecord], window: dt.timedelta
) -> dict[str, Any]:
    r = metrics.recurrence(records, window=window)
    fingerprint = "service + category"
    note = None
    if not r.keyed:
        r = metrics.recurrence(records, window=window, fingerprint=lambda i: i.service)
        fingerprint = "service"
        note = (
            "no incident has both a service and a category, so this is the same "
            "service again: it measures how busy a service is more than whether "
            "fixes held"
        )
    return {
        "window_days": window / dt.timedelta(days=1),
        "fingerprint": fingerprint,
        "note": note,
        "keyed": r.keyed,
        "unkeyed": r.unkeyed,
        "recurring": r.recurring,
        "rate": r.rate,
        "median_gap": _seconds(r.median_gap),
        "groups": [
            {
                "key": _label(g.key),
                "incidents": g.incidents,
                "recurrences": g.recurrences,
            }
            for g in r.groups[:TOP_GROUPS]
        ],
    }


def _findings(findings: Iterable[Finding]) -> list[dict[str, Any]]:
    by_code: dict[str, list[Finding]] = {}
    for finding in findings:
        by_code.setdefault(finding.code, []).append(finding)
    ordered = sorted(by_code.items(), key=lambda item: (-len(item[1]), item[0]))
    return [
        {
            "code": code,
            "level": items[0].level.value,
            "count": len(items),
            "message": items[0].message,
            "examples": list(dict.fromkeys(f.subject for f in items))[:EXAMPLES],
        }
        for code, items in ordered
    ]


def _charts(
    records: Sequence[IncidentRecord], span: Span, unit: str, tz: str
) -> dict[str, Any]:
    """What the HTML page's charts draw: durations per severity, periods' summaries."""
    durations: dict[str, list[float]] = {}
    for level in sorted({r.severity for r in records}, key=lambda s: s.rank):
        durations[level.value] = []
    for record in records:
        took = span.measure(record).duration
        if took is not None and took > dt.timedelta(0):
            durations[record.severity.value].append(took.total_seconds())
    for values in durations.values():
        values.sort()
    periods = metrics.summarize(records, span, by=unit, tz=tz)
    return {
        "unit": unit,
        "durations": durations,
        "periods": [
            _summary(_label(k), s)
            for k, s in periods.items()
            if isinstance(k, metrics.Period)
        ],
    }


def build(
    incidents: Iterable[IncidentRecord],
    findings: Iterable[Finding],
    *,
    source: str,
    fields: Mapping[str, str],
    span: Span = metrics.TIME_TO_RESTORE,
    by: str = "severity",
    tz: str = "UTC",
    window: dt.timedelta = dt.timedelta(days=30),
    charts: bool = False,
) -> dict[str, Any]:
    """
    Compute the report.

    Args:
        incidents: The history, as records.
        findings: What the importer repaired or rejected.
        source: Where the history came from, for the heading.
        fields: For each milestone, the source field it was read from.
        span: The span summarised.
        by: The grouping (severity, service, category or a calendar unit).
        tz: The zone calendar periods are cut in.
        window: The recurrence window.
        charts: Also the data `as_html` draws (key ``"charts"``): every
            duration per severity, and a summary per period.

    Returns:
        A JSON-ready mapping.
    """
    records = list(incidents)
    grouped = metrics.summarize(records, span, by=by, tz=tz)
    overall = metrics.summarize(records, span)
    # The process defines its tiers on the time to restore, whatever --span is.
    tiers = metrics.response_tiers(records, metrics.TIME_TO_RESTORE)
    dates = [d for d in map(when, records) if d is not None]
    unit = by if by in metrics.CALENDAR else "quarter"
    report: dict[str, Any] = {
        "source": source,
        "incidents": len(records),
        "open": sum(1 for r in records if r.status in OPEN_STATUSES),
        "first": min(dates).isoformat() if dates else None,
        "last": max(dates).isoformat() if dates else None,
        "severities": {
            level.value: n
            for level, n in sorted(
                Counter(r.severity for r in records).items(), key=lambda kv: kv[0].rank
            )
        },
        "span": {
            "name": span.name,
            "start": span.start,
            "end": span.end,
            "start_field": fields.get(span.start, span.start),
            "end_field": fields.get(span.end, span.end),
        },
        "by": by,
        "tz": tz,
        "overall": _summary("all", overall),
        "groups": [_summary(_label(k), s) for k, s in grouped.items()],
        "tiers": {
            "span": tiers.span.name,
            "under_1h": tiers.under_1h,
            "from_1h_to_8h": tiers.from_1h_to_8h,
            "over_8h": tiers.over_8h,
            "measured": tiers.measured,
        },
        "recurrence": _recurrence(records, window),
        "trend": _trend(records, span, unit, tz),
        "findings": _findings(findings),
    }
    if charts:
        report["charts"] = _charts(records, span, unit, tz)
    return report


def as_json(report: Mapping[str, Any]) -> str:
    """The report as indented JSON (durations in seconds)."""
    return json.dumps(report, indent=2, ensure_ascii=False)


def _duration(seconds: float | None) -> str:
    return _short(None if seconds is None else dt.timedelta(seconds=seconds))


def _excluded(row: Mapping[str, Any]) -> str:
    parts = []
    if row["open"]:
        parts.append(f"{row['open']} open")
    if row["missing"]:
        parts.append(f"{row['missing']} missing")
    for reason, count in row["invalid"].items():
        parts.append(f"{count} {reason}")
    return ", ".join(parts) or "-"


_COLUMNS: Final = (
    "group",
    "n",
    "median",
    "95% CI",
    "p90",
    "geo mean",
    "mean",
    "not used",
)


def _rows(report: Mapping[str, Any]) -> list[list[str]]:
    rows = []
    for row in [*report["groups"], report["overall"]]:
        ci = row["median_ci"]
        rows.append(
            [
                row["group"],
                str(row["n"]),
                _duration(row["median"]),
                "-" if ci is None else f"{_duration(ci[0])}-{_duration(ci[1])}",
                _duration(row["p90"]),
                _duration(row["geometric_mean"]),
                _duration(row["mean"]),
                _excluded(row),
            ]
        )
    return rows


def _same(text: str) -> str:
    return text


def _isolated(text: str) -> str:
    # First-strong isolate ... pop directional isolate: right-to-left user text
    # keeps its place in an English line (an HTML page's <bdi>, inside text).
    return f"\u2068{text}\u2069"


def _lines(
    report: Mapping[str, Any], user: Callable[[str], str] = _same
) -> dict[str, list[str]]:
    """
    The report's prose, section by section (shared by every format).

    *user* marks the user text in it (file names, group keys, record ids,
    importer messages): the HTML page isolates them for bidirectional text.
    """
    span = report["span"]
    severities = ", ".join(f"{k} {v}" for k, v in report["severities"].items())
    head = [
        f"{report['incidents']} incidents from {user(report['source'])}"
        + (
            f", {report['first'][:10]} to {report['last'][:10]}"
            if report["first"]
            else ""
        ),
        f"by severity: {severities or '-'}; still open: {report['open']}",
        (
            f"{span['name']}: {span['start']} -> {span['end']} "
            f"(read from {span['start_field']} -> {span['end_field']})"
        ),
        "median and geometric mean lead (durations are heavy-tailed);",
        "the mean is shown for comparison only.  95% CI: bootstrap of the median.",
    ]
    t = report["tiers"]
    measured = t["measured"]

    def share(n: int) -> str:
        return f"{n} ({n / measured:.0%})" if measured else str(n)

    tiers = [
        f"under 1h (top performers): {share(t['under_1h'])}",
        f"1h to 8h (average): {share(t['from_1h_to_8h'])}",
        f"8h or more (no clear process): {share(t['over_8h'])}",
    ]
    r = report["recurrence"]
    rate = "-" if r["rate"] is None else f"{r['rate']:.0%}"
    recurrence = [
        (
            f"same {r['fingerprint']} again within {r['window_days']:g} days: "
            f"{r['recurring']} of {r['keyed']} ({rate}); median gap "
            f"{_duration(r['median_gap'])}; {r['unkeyed']} without a fingerprint"
        ),
    ]
    if r["note"]:
        recurrence.append(f"note: {r['note']}")
    recurrence += [
        f"  {user(g['key'])}: {g['incidents']} incidents, "
        f"{g['recurrences']} recurrences"
        for g in r["groups"]
    ]
    tr = report["trend"]
    if tr is None:
        trend = ["fewer than two complete periods: no trend"]
    else:
        ci = tr["ci"]
        detail = (
            "too few durations to compare"
            if ci is None
            else f"after/before {tr['ratio']:.2f}, {tr['level']:.0%} CI "
            f"{ci[0]:.2f}-{ci[1]:.2f}"
        )
        trend = [
            (
                f"{tr['before']} (n {tr['n_before']}) vs "
                f"{tr['after']} (n {tr['n_after']}): {tr['verdict']}"
            ),
            f"  {detail} (geometric means; {tr['left_out']} left out, in progress)",
        ]
        if tr["detectable"] is not None:
            trend.append(
                "  at these n only a change to "
                f"{tr['detectable']:.2f}x or below would be seen (80% power)"
            )
    quality: list[str] = []
    for f in report["findings"]:
        quality.append(f"{f['code']} ({f['level']}): {f['count']} findings")
        first = f"  {user(f['examples'][0])}: " if f["examples"] else "  "
        quality.append(first + user(f["message"]))
        if len(f["examples"]) > 1:
            quality.append(f"  also {', '.join(map(user, f['examples'][1:]))}, ...")
    quality = quality or ["no findings"]
    return {
        "head": head,
        "tiers": tiers,
        "recurrence": recurrence,
        "trend": trend,
        "quality": quality,
    }


def _wrap(line: str, width: int = 80) -> list[str]:
    """Wrap *line* by words; continuation lines are indented two more spaces."""
    stripped = line.lstrip(" ")
    lead = line[: len(line) - len(stripped)]
    out: list[str] = []
    current = lead
    for word in stripped.split(" "):
        if current.strip() and len(current) + 1 + len(word) > width:
            out.append(current)
            current = lead + "  " + word
        else:
            current = f"{current} {word}" if current.strip() else current + word
    out.append(current)
    return out


def as_table(report: Mapping[str, Any]) -> str:
    """The report as aligned text for an 80-column terminal."""
    lines = _lines(report)
    rows = _rows(report)
    # The table keeps the figures; what each group could not use follows it.
    columns = _COLUMNS[:-1]
    cells = [[_fit(r[0], GROUP_WIDTH), *r[1:-1]] for r in rows]
    widths = [max(len(c), *(len(r[i]) for r in cells)) for i, c in enumerate(columns)]

    def line(row: Sequence[str]) -> str:
        return "  ".join(
            [row[0].ljust(widths[0])]
            + [c.rjust(w) for c, w in zip(row[1:], widths[1:], strict=True)]
        ).rstrip()

    out: list[str] = []
    for text in lines["head"]:
        out += _wrap(text)
    out += ["", f"{report['span']['name']} by {report['by']}", line(columns)]
    out += [line(r) for r in cells]
    unused = [f"{r[0]}: {r[-1]}" for r in rows if r[-1] != "-"]
    if unused:
        out += _wrap("not used: " + "; ".join(unused))
    for title, key in (
        ("response tiers (time to restore)", "tiers"),
        ("recurrence", "recurrence"),
        (f"trend ({(report['trend'] or {}).get('unit', 'quarter')})", "trend"),
        ("data quality", "quality"),
    ):
        out += ["", title]
        for text in lines[key]:
            out += _wrap(text)
    return "\n".join(out) + "\n"


def _fit(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 3] + "..."


def _cell(text: str) -> str:
    # User text (titles, services, importer messages) must not become markup.
    return html.escape(text, quote=False).replace("|", "\\|").replace("`", "\\`")


def as_markdown(report: Mapping[str, Any]) -> str:
    """The report as Markdown."""
    lines = _lines(report)
    out = ["# Incident metrics", ""]
    out += [f"{_cell(t)}  " for t in lines["head"]]
    out += ["", f"## {report['span']['name']} by {report['by']}", ""]
    out.append("| " + " | ".join(_COLUMNS) + " |")
    out.append("|" + "|".join(["---"] + ["---:"] * (len(_COLUMNS) - 2) + ["---"]) + "|")
    out += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in _rows(report)]
    for title, key in (
        ("Response tiers (time to restore)", "tiers"),
        ("Recurrence", "recurrence"),
        ("Trend", "trend"),
        ("Data quality", "quality"),
    ):
        out += ["", f"## {title}", ""]
        out += [f"- {_cell(t.strip())}" for t in lines[key]]
    return "\n".join(out) + "\n"


_NUMERIC: Final = frozenset(range(1, len(_COLUMNS) - 1))


def _seconds_td(seconds: float | None) -> dt.timedelta | None:
    return None if seconds is None else dt.timedelta(seconds=seconds)


def _restored(row: Mapping[str, Any], span: Span) -> metrics.DurationSummary:
    """A report's summary row as a `DurationSummary` again, for the trend chart."""
    ci = row["median_ci"]
    return metrics.DurationSummary(
        span=span,
        n=row["n"],
        missing=row["missing"],
        invalid=dict(row["invalid"]),
        open=row["open"],
        median=_seconds_td(row["median"]),
        p90=_seconds_td(row["p90"]),
        p95=_seconds_td(row["p95"]),
        geometric_mean=_seconds_td(row["geometric_mean"]),
        mean=_seconds_td(row["mean"]),
        min=None,
        max=_seconds_td(row["max"]),
        median_ci=None
        if ci is None
        else (dt.timedelta(seconds=ci[0]), dt.timedelta(seconds=ci[1])),
        ci_level=0.95,
    )


def _figures(report: Mapping[str, Any]) -> tuple[str, str]:
    """The distribution and the trend charts, each in its figure."""
    from incidentkit.render import distribution_svg, trend_svg  # noqa: PLC0415

    charts = report.get("charts")
    if charts is None:
        note = '<p class="note">No chart: the report was built without its data.</p>\n'
        return note, note
    name = report["span"]["name"]
    span = Span(report["span"]["start"], report["span"]["end"], name=name)
    durations = {
        level: [dt.timedelta(seconds=s) for s in values]
        for level, values in charts["durations"].items()
    }
    periods = {row["group"]: _restored(row, span) for row in charts["periods"]}
    distribution = distribution_svg(
        durations, title=f"{name}: distribution by severity"
    )
    trend = trend_svg(periods, title=f"{name}: median per {charts['unit']}")
    first = (
        f'<figure class="distribution">\n{distribution}<figcaption>The share of '
        f"incidents whose {_escape(name)} was at most each duration (log scale), "
        "per severity; zero durations left out.</figcaption>\n</figure>\n"
    )
    second = (
        f'<figure class="trend">\n{trend}<figcaption>The median per '
        f"{_escape(charts['unit'])} with its 95% bootstrap interval (band), and "
        "the incidents in each (bars).</figcaption>\n</figure>\n"
    )
    return first, second


def _escape(text: str) -> str:
    # Escaped, with break points in very long words (a long service name wraps).
    from incidentkit.render._escape import breakable  # noqa: PLC0415

    return breakable(text)


def _items(lines: Sequence[str]) -> list[str]:
    out = ["<ul>"]
    for line in lines:
        sub = ' class="sub"' if line.startswith(" ") else ""
        out.append(f"<li{sub}>{_escape(line)}</li>")
    out.append("</ul>")
    return out


def as_html(report: Mapping[str, Any]) -> str:
    """
    The report as one self-contained HTML page, with its two charts.

    The same sections and figures as `as_table`, plus the duration
    distribution after the summary table and the median per period in the
    trend section (drawn when *report* was built with ``charts=True``).  The
    page has no script and loads nothing; it follows the reader's light or
    dark preference.  All user text is escaped.
    """
    from incidentkit.render._page import page  # noqa: PLC0415

    lines = _lines(report, _isolated)
    distribution, trend = _figures(report)
    out = ["<h1>Incident metrics</h1>"]
    out += [f'<p class="lead">{_escape(t)}</p>' for t in lines["head"]]
    out.append(f"<h2>{_escape(report['span']['name'])} by {_escape(report['by'])}</h2>")
    out.append("<table>")
    out.append(
        "<thead><tr>"
        + "".join(f'<th scope="col">{_escape(c)}</th>' for c in _COLUMNS)
        + "</tr></thead>"
    )
    out.append("<tbody>")
    for row in _rows(report):
        cells = [
            f'<td class="num">{_escape(c)}</td>'
            if i in _NUMERIC
            else f"<td>{_escape(c)}</td>"
            for i, c in enumerate(row)
        ]
        cells[0] = f'<th scope="row"><bdi>{_escape(row[0])}</bdi></th>'
        out.append("<tr>" + "".join(cells) + "</tr>")
    out += ["</tbody>", "</table>", distribution.rstrip("\n")]
    unit = (report["trend"] or {}).get("unit", "quarter")
    for title, key in (
        ("Response tiers (time to restore)", "tiers"),
        ("Recurrence", "recurrence"),
        (f"Trend ({unit})", "trend"),
        ("Data quality", "quality"),
    ):
        out.append(f"<h2>{_escape(title)}</h2>")
        out += _items(lines[key])
        if key == "trend":
            out.append(trend.rstrip("\n"))
    return page(f"Incident metrics: {report['source']}", "\n".join(out) + "\n")
