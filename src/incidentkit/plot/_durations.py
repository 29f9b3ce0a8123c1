"""The distribution of one span's durations, one ECDF per group."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Mapping
from operator import attrgetter
from typing import TYPE_CHECKING, Any, Final

from incidentkit import metrics
from incidentkit.metrics import CALENDAR, DurationSummary, GroupKey, Period
from incidentkit.severity import Severity
from incidentkit.spans import TIME_TO_RESTORE, Milestoned, Span

from ._common import (
    SEVERITY_COLOURS,
    axes,
    check_axes,
    human,
    label_durations,
    other_colours,
    refuse,
    require_matplotlib,
    seconds,
)


if TYPE_CHECKING:
    import matplotlib.axes


__all__ = ["durations"]

_LEGEND_INSIDE = 5  # groups; more, and the legend goes right of the axes

_ATTRIBUTES: Final = ("severity", "service", "category")


def _key(by: GroupKey | None) -> Callable[[Milestoned], Any]:
    """The group of an incident, as `metrics.summarize` groups it (in UTC)."""
    if by is None:
        return lambda _: None
    if callable(by):
        return by
    if by in _ATTRIBUTES:
        return attrgetter(by)
    if by in CALENDAR:
        unit = by

        def calendar(incident: Milestoned) -> Period | None:
            instant = incident.declared_at or incident.started_at
            return None if instant is None else Period.containing(instant, unit)

        return calendar
    raise refuse(
        "by", f"None, one of {', '.join(_ATTRIBUTES + CALENDAR)}, or a function", by
    )


def _name(key: object) -> str:
    if key is None:
        return "none"
    if isinstance(key, Severity):
        return key.value
    return str(key)


def durations(
    incidents: Iterable[Milestoned],
    span: Span = TIME_TO_RESTORE,
    *,
    by: str | Callable[[Milestoned], Hashable] | None = "severity",
    ax: matplotlib.axes.Axes | None = None,
) -> matplotlib.axes.Axes:
    """
    Plot how long *span* took: an ECDF per group on a log time axis.

    Each group's curve climbs from 0 to 1 through its incidents' durations
    (measured with `incidentkit.spans.Span.measure`); a marker on the curve
    shows its median and its 90th percentile, and the legend gives both, taken
    from `incidentkit.metrics.summarize` so they are the report's numbers.
    Severities keep their colours (P1 red, P2 orange, P3 blue).  A group with
    no durations has no curve; the legend names it with "no durations".  A
    note in the corner counts the incidents without a usable duration.

    Args:
        incidents: `incidentkit.incident.Incident` or
            `incidentkit.spans.IncidentRecord` values, from any iterable.
        span: What to measure; time to restore by default.
        by: ``"severity"`` (default), ``"service"``, ``"category"``, a
            calendar period (``"year"``, ``"quarter"``, ``"month"``,
            ``"week"``, in UTC), a function of an incident, as
            `incidentkit.metrics.summarize` takes them; or ``None`` for one
            curve of every incident.
        ax: The matplotlib axes to draw on.  By default a new pyplot
            figure (a notebook shows it; reach it as ``ax.figure``).

    Returns:
        The axes drawn on.

    Raises:
        ImportError: When matplotlib is missing (``pip install
            'incidentkit[plot]'``).
        ValidationError: For no incidents, a bad *span*, *by* or *ax*.

    Example:
        >>> from incidentkit import datasets, plot
        >>> incidents, _ = datasets.github_status()
        >>> ax = plot.durations(incidents)
        >>> ax.get_xscale(), ax.get_xlabel().splitlines()[0]
        ('log', 'time to restore (started_at → mitigated_at)')
    """
    require_matplotlib()
    check_axes(ax)
    if not isinstance(span, Span):
        raise refuse("span", "a Span", span)
    key = _key(by)
    if isinstance(incidents, (str, bytes, Mapping)) or not isinstance(
        incidents, Iterable
    ):
        raise refuse("incidents", "an iterable of incidents", incidents)
    chosen = list(incidents)
    if not chosen:
        raise refuse("incidents", "at least one incident", chosen)
    if by is None:
        summaries: Mapping[Any, DurationSummary] = {
            None: metrics.summarize(chosen, span)
        }
    else:
        summaries = metrics.summarize(chosen, span, by=by)
    measured: dict[Any, list[float]] = {k: [] for k in summaries}
    for incident in chosen:
        duration = span.measure(incident).duration
        if duration is not None:
            measured.setdefault(key(incident), []).append(seconds(duration))
    rows = 0 if len(summaries) <= _LEGEND_INSIDE else len(summaries)
    ax = axes(ax, size=(9.0, 5.0 + 0.2 * rows))
    _draw(ax, span, summaries, measured, by=by)
    return ax


def _draw(
    ax: matplotlib.axes.Axes,
    span: Span,
    summaries: Mapping[Any, DurationSummary],
    measured: Mapping[Any, list[float]],
    *,
    by: GroupKey | None,
) -> None:
    others = iter(other_colours(len(summaries)))
    every: list[float] = []
    for key, summary in summaries.items():
        name = "all" if by is None else _name(key)
        colour = SEVERITY_COLOURS.get(name) or next(others)
        values = measured.get(key, [])
        if not values or summary.median is None or summary.p90 is None:
            ax.plot([], [], color=colour, label=f"{name}: no durations")
            continue
        every += values
        median, p90 = seconds(summary.median), seconds(summary.p90)
        ax.ecdf(
            values,
            color=colour,
            label=f"{name} (n {summary.n}): median {human(median)}, p90 {human(p90)}",
        )
        ax.plot([median], [0.5], "o", color=colour, label="_median")
        ax.plot([p90], [0.9], "^", color=colour, label="_p90")
    for level, text in ((0.5, "median"), (0.9, "p90")):
        ax.axhline(level, color="0.8", linewidth=0.8, linestyle=":", zorder=0)
        ax.text(
            1.0,
            level,
            f" {text}",
            transform=ax.get_yaxis_transform(),
            va="center",
            ha="left",
            fontsize="small",
            color="0.4",
        )
    label_durations(ax, "x", every)
    ax.set_ylim(0, 1.1)
    ax.set_yticks([0, 0.2, 0.4, 0.6, 0.8, 1.0])
    ax.set_xlabel(f"{span.name} ({span.start} → {span.end})")
    ax.set_ylabel(f"share of incidents with {span.name} ≤ x")
    ax.set_title(f"{span.name[:1].upper()}{span.name[1:]}: distribution")
    total = sum(s.total for s in summaries.values())
    used = sum(s.n for s in summaries.values())
    unusable = total - used
    note = f"{used:,} of {total:,} incident{'' if total == 1 else 's'} measured"
    if unusable:
        whole = _combined(summaries)
        note += f"; {unusable:,} without a duration ({whole})"
    ax.set_xlabel(f"{ax.get_xlabel()}\n{note}")
    # An ECDF rises from the lower left to the upper right: its upper left is
    # empty.  A long legend goes under the axes.
    if len(summaries) <= _LEGEND_INSIDE:
        ax.legend(loc="upper left", fontsize="small")
    else:
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.18), fontsize="small")


def _combined(summaries: Mapping[Any, DurationSummary]) -> str:
    missing = sum(s.missing for s in summaries.values())
    still_open = sum(s.open for s in summaries.values())
    invalid: dict[str, int] = {}
    for summary in summaries.values():
        for reason, count in summary.invalid.items():
            invalid[reason] = invalid.get(reason, 0) + count
    parts = [f"{count:,} {reason}" for reason, count in sorted(invalid.items())]
    if missing:
        parts.append(f"{missing:,} missing a milestone")
    if still_open:
        parts.append(f"{still_open:,} open")
    return ", ".join(parts)
