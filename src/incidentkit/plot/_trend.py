"""The median of a span period by period, with its interval and the counts."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from incidentkit.metrics import Comparison, DurationSummary, Period

from ._common import axes, check_axes, label_durations, refuse, require_matplotlib


if TYPE_CHECKING:
    import matplotlib.axes


__all__ = ["trend"]

_EXPECTED = (
    "a mapping from Period to DurationSummary, as summarize(..., by=) gives for"
    " 'year', 'quarter', 'month' or 'week'"
)
_MAX_LABELS = 24
_UPRIGHT_LABELS = 8  # more periods than this: slanted labels


def _periods(summaries: object) -> list[tuple[Period, DurationSummary]]:
    if not isinstance(summaries, Mapping):
        raise refuse("summaries", _EXPECTED, summaries)
    items: list[tuple[Any, Any]] = list(summaries.items())
    pairs = [(k, v) for k, v in items if k is not None]
    if not pairs:
        raise refuse("summaries", f"{_EXPECTED}, with at least one period", summaries)
    for k, v in items:
        if (k is not None and not isinstance(k, Period)) or not isinstance(
            v, DurationSummary
        ):
            raise refuse("summaries", _EXPECTED, summaries)
    spans = {v.span for _, v in items}
    if len(spans) > 1:
        raise refuse("summaries", "summaries of one span", summaries)
    return pairs


def trend(
    summaries: Mapping[Period, DurationSummary],
    *,
    comparison: Comparison | None = None,
    ax: matplotlib.axes.Axes | None = None,
) -> matplotlib.axes.Axes:
    """
    Plot a span's median period by period, its interval, and the counts.

    The median of each period is a line on a log duration axis, with its
    bootstrap confidence interval (``median_ci``) as a band; a period without
    durations leaves a gap.  On a second y axis (``ax.figure.axes[-1]`` for a
    new figure), bars count each period's incidents: all of them, and, darker,
    those with a duration.  The periods are labelled by their names
    (``"2024-Q1"``); a group of incidents with no time (``None``) is left out
    and counted in a note.  With *comparison*, the title says its verdict
    (`incidentkit.metrics.Comparison.explain`).

    Args:
        summaries: What ``metrics.summarize(incidents, span, by="year")`` (or
            ``"quarter"``, ``"month"``, ``"week"``) returns: any mapping from
            `incidentkit.metrics.Period` to
            `incidentkit.metrics.DurationSummary`, in time order.
        comparison: A `incidentkit.metrics.Comparison` of two periods of the
            same span, from `incidentkit.metrics.compare_periods`.
        ax: The matplotlib axes to draw on.  By default a new pyplot
            figure (a notebook shows it; reach it as ``ax.figure``).

    Returns:
        The axes the medians are drawn on.

    Raises:
        ImportError: When matplotlib is missing (``pip install
            'incidentkit[plot]'``).
        ValidationError: For empty or mixed *summaries*, a *comparison* that
            is not a `Comparison` of their span, or a bad *ax*.

    Example:
        >>> from incidentkit import datasets, metrics, plot
        >>> incidents, _ = datasets.github_status()
        >>> by_year = metrics.summarize(incidents, by="year")
        >>> ax = plot.trend(by_year)
        >>> [t.get_text() for t in ax.get_xticklabels()][-2:]
        ['2022', '2023']
    """
    require_matplotlib()
    check_axes(ax)
    pairs = _periods(summaries)
    span = pairs[0][1].span
    if comparison is not None and (
        not isinstance(comparison, Comparison) or comparison.span != span
    ):
        raise refuse("comparison", f"a Comparison of {span.name}, or None", comparison)
    ax = axes(ax, size=(9.0, 4.5))
    _draw(ax, pairs, comparison)
    unplaced = summaries.get(None)  # type: ignore[call-overload]
    if isinstance(unplaced, DurationSummary) and unplaced.total:
        ax.text(
            0.01,
            0.99,
            f"{unplaced.total:,} incidents without a time left out",
            transform=ax.transAxes,
            va="top",
            ha="left",
            fontsize="small",
            color="0.3",
        )
    return ax


def _seconds(summary: DurationSummary, which: str) -> float:
    if which == "median":
        value = summary.median
    else:
        ci = summary.median_ci
        value = None if ci is None else ci[0 if which == "low" else 1]
    return math.nan if value is None else value.total_seconds()


def _draw(
    ax: matplotlib.axes.Axes,
    pairs: list[tuple[Period, DurationSummary]],
    comparison: Comparison | None,
) -> None:
    from matplotlib import ticker  # noqa: PLC0415 - lazy: optional

    span = pairs[0][1].span
    x = list(range(len(pairs)))
    labels = [str(p) for p, _ in pairs]
    medians = [_seconds(s, "median") for _, s in pairs]
    low = [_seconds(s, "low") for _, s in pairs]
    high = [_seconds(s, "high") for _, s in pairs]
    counts = ax.twinx()
    counts.bar(x, [s.total for _, s in pairs], color="0.88", label="incidents")
    counts.bar(x, [s.n for _, s in pairs], color="0.7", label=f"with a {span.name}")
    counts.set_ylabel("incidents")
    counts.yaxis.set_major_locator(ticker.MaxNLocator(integer=True))
    # The medians in front of the bars: the twin is drawn behind, see-through.
    ax.set_zorder(counts.get_zorder() + 1)
    ax.patch.set_visible(False)
    level = next((s.ci_level for _, s in pairs), 0.95)
    ax.plot(x, medians, "o-", color="#1f77b4", label=f"median {span.name}")
    ax.fill_between(
        x,
        low,
        high,
        color="#1f77b4",
        alpha=0.2,
        linewidth=0,
        label=f"{level:.0%} interval of the median",
    )
    label_durations(ax, "y", [v for v in medians + low + high if not math.isnan(v)])
    step = max(1, math.ceil(len(x) / _MAX_LABELS))
    ax.set_xticks(
        x[::step],
        labels[::step],
        rotation=45 if len(x) > _UPRIGHT_LABELS else 0,
        ha="right" if len(x) > _UPRIGHT_LABELS else "center",
    )
    ax.set_xlim(-0.6, len(x) - 0.4)
    ax.set_ylabel(span.name)
    ax.set_xlabel("period")
    ax.set_title(
        comparison.explain() if comparison is not None else f"{span.name} by period"
    )
    lines, names = ax.get_legend_handles_labels()
    bars, bar_names = counts.get_legend_handles_labels()
    # Right of the axes: inside, it would cover the tallest bars or the band.
    ax.legend(
        lines + bars,
        names + bar_names,
        loc="upper left",
        bbox_to_anchor=(1.1, 1),
        borderaxespad=0,
        fontsize="small",
    )
