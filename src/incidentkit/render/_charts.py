"""
SVG charts of durations, written by hand as text: the distribution and the trend.

Durations are heavy-tailed, so time runs on a logarithmic axis, with ticks at
the durations people think in (1m, 10m, 1h, 8h, 1d, 1w...) that fit the data.
Every text is XML-escaped and drawn in ``currentColor``, so a chart reads on a
light and on a dark page; the severities keep their colours.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from typing import Any, Final

from incidentkit._time import format_duration
from incidentkit.errors import ValidationError
from incidentkit.metrics import DurationSummary
from incidentkit.metrics._stats import quantile

from ._escape import plain, xml


__all__ = ["distribution_svg", "trend_svg"]

SEVERITY_COLOURS: Final[Mapping[str, str]] = {
    "P1": "#d62728",
    "P2": "#ff7f0e",
    "P3": "#1f77b4",
}
"""The colour of each severity; other groups take `PALETTE` in turn."""
PALETTE: Final = ("#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#bcbd22")
FONT: Final = 'font-family="system-ui, sans-serif" font-size="12"'
CHAR_WIDTH: Final = 7.0
"""A generous width of one character of the 12 px font, to keep labels apart."""
WIDTH: Final = 720
LEFT: Final = 56
RIGHT: Final = 16
TOP: Final = 28
PLOT_HEIGHT: Final = 240
LEGEND_LINE: Final = 18
_US: Final = dt.timedelta(microseconds=1)

_SECOND: Final = 1_000_000
TICKS: Final[tuple[tuple[int, str], ...]] = (
    (_SECOND, "1s"),
    (10 * _SECOND, "10s"),
    (60 * _SECOND, "1m"),
    (600 * _SECOND, "10m"),
    (3600 * _SECOND, "1h"),
    (8 * 3600 * _SECOND, "8h"),
    (86400 * _SECOND, "1d"),
    (7 * 86400 * _SECOND, "1w"),
    (30 * 86400 * _SECOND, "30d"),
    (365 * 86400 * _SECOND, "1y"),
)
"""The time axis' possible ticks, in microseconds, and their labels."""


def _fmt(value: float) -> str:
    return f"{value:.1f}".removesuffix(".0")


def _short(microseconds: float) -> str:
    value = dt.timedelta(microseconds=round(microseconds))
    if value >= dt.timedelta(minutes=1):
        value = round(value / dt.timedelta(minutes=1)) * dt.timedelta(minutes=1)
    return format_duration(value)


def _colour(name: str, index: int) -> str:
    return SEVERITY_COLOURS.get(name, PALETTE[index % len(PALETTE)])


class _LogAxis:
    """A logarithmic time axis over whole ticks that hold *low* to *high*."""

    def __init__(self, low: int, high: int, x0: float, x1: float) -> None:
        below = [t for t, _ in TICKS if t <= low]
        above = [t for t, _ in TICKS if t >= high]
        start = float(below[-1] if below else low)
        end = float(above[0] if above else high)
        if start >= end:  # one duration, on a tick: show the ticks either side
            start, end = start / 10, end * 10
        self.start, self.end = math.log(start), math.log(end)
        self.x0, self.x1 = x0, x1
        self.ticks = [(t, label) for t, label in TICKS if start <= t <= end]

    def __call__(self, microseconds: float) -> float:
        share = (math.log(microseconds) - self.start) / (self.end - self.start)
        return self.x0 + share * (self.x1 - self.x0)


def _root(width: float, height: float, title: str, label: str) -> list[str]:
    w, h = _fmt(width), _fmt(height)
    root = (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" '
        f'viewBox="0 0 {w} {h}" role="img" aria-label="{xml(label)}" {FONT} '
        'fill="currentColor">'
    )
    return [root, f"<title>{xml(title)}</title>"]


def _text(
    x: float, y: float, value: str, anchor: str = "start", extra: str = ""
) -> str:
    return (
        f'<text x="{_fmt(x)}" y="{_fmt(y)}" text-anchor="{anchor}"{extra}>'
        f"{xml(value)}</text>"
    )


def _empty(title: str, label: str, message: str) -> str:
    out = _root(WIDTH, 80, title, label)
    out += [_text(WIDTH / 2, 44, message, "middle"), "</svg>"]
    return "\n".join(out) + "\n"


def _time_axis(axis: _LogAxis, top: float, bottom: float) -> list[str]:
    out = ['<g class="x-axis" stroke="currentColor" stroke-opacity="0.25">']
    out += [
        f'<line x1="{_fmt(axis(t))}" y1="{_fmt(top)}" x2="{_fmt(axis(t))}" '
        f'y2="{_fmt(bottom)}"/>'
        for t, _ in axis.ticks
    ]
    out.append("</g>")
    out += [
        _text(axis(t), bottom + 16, label, "middle", ' class="x-tick"')
        for t, label in axis.ticks
    ]
    return out


def _microseconds(name: str, values: Sequence[dt.timedelta]) -> list[int]:
    out = []
    for value in values:
        if not isinstance(value, dt.timedelta):
            raise ValidationError.for_field(
                f"durations[{name!r}]", "a sequence of timedelta", value
            )
        if value > dt.timedelta(0):
            out.append(value // _US)
    out.sort()
    return out


def _ecdf(ordered: Sequence[int], axis: _LogAxis, y: _Linear) -> str:
    """The step path of the empirical CDF, one vertex per pixel column at most."""
    n = len(ordered)
    steps: list[tuple[float, float]] = []  # (x, fraction reached at x)
    for i, value in enumerate(ordered, start=1):
        x = round(axis(value) * 2) / 2
        if steps and steps[-1][0] == x:
            steps[-1] = (x, i / n)
        else:
            steps.append((x, i / n))
    parts = [f"M{_fmt(steps[0][0])},{_fmt(y(0.0))}"]
    for x, fraction in steps:
        parts.append(f"H{_fmt(x)}V{_fmt(y(fraction))}")
    parts.append(f"H{_fmt(axis.x1)}")
    return "".join(parts)


class _Linear:
    def __init__(self, low: float, high: float, y0: float, y1: float) -> None:
        self.low, self.high, self.y0, self.y1 = low, high, y0, y1

    def __call__(self, value: float) -> float:
        span = self.high - self.low
        share = (value - self.low) / span if span else 0.0
        return self.y0 + share * (self.y1 - self.y0)


def distribution_svg(
    durations: Mapping[str, Sequence[dt.timedelta]],
    *,
    title: str = "Duration distribution",
) -> str:
    """
    Draw the distribution of durations per group as an SVG document.

    Each group is one empirical cumulative distribution (the share of its
    incidents that took at most each duration) on a logarithmic time axis,
    with its median and p90 marked (quantiles as `incidentkit.metrics`
    computes them) and a legend line: the group, n, median and p90.  P1, P2
    and P3 keep their colours (red, orange, blue).  Zero and negative
    durations have no logarithm and are left out, as the metrics leave them
    out; a group with none left says so in the legend.

    Args:
        durations: For each group (such as a severity), its durations.
        title: The chart's title, also its accessible name.

    Returns:
        The SVG text.

    Raises:
        ValidationError: A group's durations are not timedeltas.

    Example:
        >>> from datetime import timedelta
        >>> from incidentkit.render import distribution_svg
        >>> svg = distribution_svg({"P1": [timedelta(minutes=m) for m in (5, 30, 90)]})
        >>> svg.count('class="ecdf"'), ">1h<" in svg
        (1, True)
    """
    if not isinstance(durations, Mapping):
        raise ValidationError.for_field(
            "durations", "a mapping of group to durations", durations
        )
    groups = [(plain(str(k)), _microseconds(str(k), v)) for k, v in durations.items()]
    label = f"{title}: " + ", ".join(
        f"{name} n {len(values)}" for name, values in groups
    )
    drawn = [values for _, values in groups if values]
    if not drawn:
        return _empty(title, label, "no durations to show")
    legend_top = TOP + PLOT_HEIGHT + 36
    height = legend_top + LEGEND_LINE * len(groups) + 8
    axis = _LogAxis(
        min(v[0] for v in drawn), max(v[-1] for v in drawn), LEFT, WIDTH - RIGHT
    )
    y = _Linear(0.0, 1.0, TOP + PLOT_HEIGHT, TOP)
    out = _root(WIDTH, height, title, label)
    out.append(_text(LEFT, 16, title, extra=' font-weight="bold"'))
    out += _time_axis(axis, TOP, TOP + PLOT_HEIGHT)
    out.append('<g class="y-axis" stroke="currentColor" stroke-opacity="0.25">')
    for share in (0.0, 0.5, 0.9, 1.0):
        dash = ' stroke-dasharray="4 3"' if share in {0.5, 0.9} else ""
        out.append(
            f'<line x1="{LEFT}" y1="{_fmt(y(share))}" x2="{WIDTH - RIGHT}" '
            f'y2="{_fmt(y(share))}"{dash}/>'
        )
    out.append("</g>")
    for share, name in ((0.0, "0%"), (0.5, "50%"), (0.9, "90%"), (1.0, "100%")):
        out.append(_text(LEFT - 6, y(share) + 4, name, "end", ' class="y-tick"'))
    for index, (name, values) in enumerate(groups):
        colour = _colour(name, index)
        line_y = legend_top + LEGEND_LINE * index
        out.append(
            f'<rect x="{LEFT}" y="{_fmt(line_y - 10)}" width="14" height="10" '
            f'fill="{colour}"/>'
        )
        if not values:
            out.append(_text(LEFT + 20, line_y, f"{name}: no durations"))
            continue
        median, p90 = quantile(values, 0.5), quantile(values, 0.9)
        out.append(
            _text(
                LEFT + 20,
                line_y,
                f"{name}: n {len(values)}, median {_short(median)}, p90 {_short(p90)}",
            )
        )
        out.append(
            f'<g class="group" stroke="{colour}" fill="{colour}">'
            f"<title>{xml(name)}</title>"
        )
        out.append(
            f'<path class="ecdf" d="{_ecdf(values, axis, y)}" fill="none" '
            'stroke-width="2"/>'
        )
        out.append(
            f'<circle class="median" cx="{_fmt(axis(median))}" cy="{_fmt(y(0.5))}" '
            'r="4"/>'
        )
        px, py = axis(p90), y(0.9)
        out.append(
            f'<path class="p90" d="M{_fmt(px)},{_fmt(py - 5)}l5,5l-5,5l-5,-5z"/>'
        )
        out.append("</g>")
    out.append(_text(WIDTH - RIGHT, y(0.5) - 4, "median ●", "end", ' class="mark"'))
    out.append(_text(WIDTH - RIGHT, y(0.9) - 4, "p90 ◆", "end", ' class="mark"'))
    out.append("</svg>")
    return "\n".join(out) + "\n"


def _period_label(key: object) -> str:
    """A period's (or a severity's) label; else an enum's value, or the key as text."""
    return plain(str(getattr(key, "label", None) or getattr(key, "value", key)))


def _count_ticks(top: int) -> list[int]:
    if top <= 0:
        return [0]
    step = 10 ** max(0, len(str(top)) - 1)
    while top / step > 5:  # noqa: PLR2004 - at most five steps
        step *= 2
    return list(range(0, top + 1, step))


def trend_svg(
    summaries: Mapping[Any, DurationSummary],
    *,
    title: str = "Median per period",
) -> str:
    """
    Draw the median per period, its confidence band and the count, as SVG.

    The upper panel is the median of each period on a logarithmic time axis,
    inside its confidence interval (a shaded band); the lower panel is the
    number of incidents in each period (every incident looked at, measured or
    not) as bars.  Periods keep the mapping's order, as
    `incidentkit.metrics.summarize` gives them with ``by="quarter"`` (or any
    calendar unit); a ``None`` key (incidents with no date) is left out.  A
    period with no duration has a bar but no median.

    Args:
        summaries: For each period (a `incidentkit.metrics.Period` or a
            label), its summary.
        title: The chart's title, also its accessible name.

    Returns:
        The SVG text.

    Raises:
        ValidationError: A value is not a `incidentkit.metrics.DurationSummary`.

    Example:
        >>> from datetime import datetime, timedelta, timezone
        >>> from incidentkit import Incident, metrics
        >>> from incidentkit.render import trend_svg
        >>> t0 = datetime(2024, 1, 10, tzinfo=timezone.utc)
        >>> inc = Incident.declare("Down", severity="P2", declared_by="ana",
        ...                        at=t0, started_at=t0)
        >>> inc = inc.mitigate(at=t0 + timedelta(hours=2), how="restart")
        >>> by = metrics.summarize([inc], metrics.TIME_TO_RESTORE, by="quarter")
        >>> svg = trend_svg(by)
        >>> svg.count('class="bar"'), ">2024-Q1<" in svg
        (1, True)
    """
    if not isinstance(summaries, Mapping):
        raise ValidationError.for_field(
            "summaries", "a mapping of period to DurationSummary", summaries
        )
    rows: list[tuple[str, DurationSummary]] = []
    for key, summary in summaries.items():
        if not isinstance(summary, DurationSummary):
            raise ValidationError.for_field(
                f"summaries[{_period_label(key)!r}]", "a DurationSummary", summary
            )
        if key is not None:
            rows.append((_period_label(key), summary))
    label = f"{title}: {len(rows)} periods"
    if not rows:
        return _empty(title, label, "no periods to show")
    bars_top = TOP + PLOT_HEIGHT + 44
    bars_height = 80
    height = bars_top + bars_height + 40
    x0, x1 = LEFT, WIDTH - RIGHT
    pitch = (x1 - x0) / len(rows)
    centre = [x0 + pitch * (i + 0.5) for i in range(len(rows))]
    values = [
        v // _US
        for _, s in rows
        for v in (s.median, *(s.median_ci or ()))
        if v is not None and v > dt.timedelta(0)
    ]
    out = _root(WIDTH, height, title, label)
    out.append(_text(LEFT, 16, title, extra=' font-weight="bold"'))
    out += _median_panel(rows, centre, values)
    top = max(s.total for _, s in rows)
    counts = _Linear(0.0, float(max(top, 1)), bars_top + bars_height, bars_top)
    out.append('<g class="count-axis" stroke="currentColor" stroke-opacity="0.25">')
    for tick in _count_ticks(top):
        out.append(
            f'<line x1="{x0}" y1="{_fmt(counts(tick))}" x2="{x1}" '
            f'y2="{_fmt(counts(tick))}"/>'
        )
    out.append("</g>")
    out += [
        _text(x0 - 6, counts(tick) + 4, str(tick), "end", ' class="count-tick"')
        for tick in _count_ticks(top)
    ]
    out.append(_text(x0, bars_top - 8, "incidents", "start", ' class="unit"'))
    bar = max(1.0, pitch * 0.6)
    for (name, summary), x in zip(rows, centre, strict=True):
        y = counts(summary.total)
        out.append(
            f'<rect class="bar" x="{_fmt(x - bar / 2)}" y="{_fmt(y)}" '
            f'width="{_fmt(bar)}" height="{_fmt(counts(0) - y)}" fill="#7f7f7f" '
            f'fill-opacity="0.6"><title>{xml(name)}: {summary.total} incidents'
            "</title></rect>"
        )
    every = max(1, math.ceil(max(len(n) for n, _ in rows) * CHAR_WIDTH / pitch + 0.3))
    right = -math.inf  # where the last label drawn ends
    for i, ((name, _), x) in enumerate(zip(rows, centre, strict=True)):
        half = len(name) * CHAR_WIDTH / 2
        # Kept inside the drawing, however long the label; a label pushed in
        # from the edge onto the one before it is left out.
        at = max(min(x, WIDTH - half - 2), half + 2)
        if i % every == 0 and at - half >= right + CHAR_WIDTH:
            right = at + half
            out.append(
                _text(
                    at, bars_top + bars_height + 16, name, "middle", ' class="period"'
                )
            )
    out.append("</svg>")
    return "\n".join(out) + "\n"


def _median_panel(
    rows: Sequence[tuple[str, DurationSummary]],
    centre: Sequence[float],
    values: Sequence[int],
) -> list[str]:
    bottom = TOP + PLOT_HEIGHT
    if not values:
        return [_text(WIDTH / 2, TOP + PLOT_HEIGHT / 2, "no durations", "middle")]
    axis = _LogAxis(min(values), max(values), bottom, TOP)  # upwards: a y axis
    out = ['<g class="y-axis" stroke="currentColor" stroke-opacity="0.25">']
    out += [
        f'<line x1="{LEFT}" y1="{_fmt(axis(t))}" x2="{WIDTH - RIGHT}" '
        f'y2="{_fmt(axis(t))}"/>'
        for t, _ in axis.ticks
    ]
    out.append("</g>")
    out += [
        _text(LEFT - 6, axis(t) + 4, name, "end", ' class="y-tick"')
        for t, name in axis.ticks
    ]
    out += _bands(rows, centre, axis)
    out += _median_lines(rows, centre, axis)
    for (name, summary), x in zip(rows, centre, strict=True):
        if summary.median is not None and summary.median > dt.timedelta(0):
            y = axis(summary.median // _US)
            out.append(
                f'<circle class="point" cx="{_fmt(x)}" cy="{_fmt(y)}" r="3" '
                f'fill="#1f77b4"><title>{xml(name)}: median '
                f"{xml(_short(summary.median // _US))} (n {summary.n})</title>"
                "</circle>"
            )
    return out


def _positive(value: dt.timedelta | None) -> bool:
    return value is not None and value > dt.timedelta(0)


def _bands(
    rows: Sequence[tuple[str, DurationSummary]],
    centre: Sequence[float],
    axis: _LogAxis,
) -> list[str]:
    """The confidence band, one polygon per run of periods that have one."""
    runs: list[list[tuple[float, float, float]]] = [[]]
    for (_, summary), x in zip(rows, centre, strict=True):
        ci = summary.median_ci
        if ci is not None and _positive(ci[0]):
            runs[-1].append((x, axis(ci[0] // _US), axis(ci[1] // _US)))
        elif runs[-1]:
            runs.append([])
    out = []
    for run in (r for r in runs if r):
        if len(run) == 1:  # one period alone: a short band around its point
            (x, low, high), half = run[0], 6.0
            run = [(x - half, low, high), (x + half, low, high)]  # noqa: PLW2901
        ring = [(x, high) for x, _, high in run]
        ring += [(x, low) for x, low, _ in reversed(run)]
        points = " ".join(f"{_fmt(x)},{_fmt(y)}" for x, y in ring)
        out.append(
            f'<polygon class="band" points="{points}" fill="#1f77b4" '
            'fill-opacity="0.2" stroke="#1f77b4" stroke-opacity="0.4"/>'
        )
    return out


def _median_lines(
    rows: Sequence[tuple[str, DurationSummary]],
    centre: Sequence[float],
    axis: _LogAxis,
) -> list[str]:
    """The median line, broken where a period has no median."""
    runs: list[list[tuple[float, float]]] = [[]]
    for (_, summary), x in zip(rows, centre, strict=True):
        median = summary.median
        if median is not None and _positive(median):
            runs[-1].append((x, axis(median // _US)))
        elif runs[-1]:
            runs.append([])
    return [
        '<path class="median" d="M'
        + "L".join(f"{_fmt(x)},{_fmt(y)}" for x, y in run)
        + '" fill="none" stroke="#1f77b4" stroke-width="2"/>'
        for run in runs
        if run
    ]
