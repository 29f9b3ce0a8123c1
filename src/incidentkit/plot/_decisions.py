"""One signal's decisions over time: its measured values, thresholds, states."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Final

from incidentkit.signals import Decision, SignalState

from ._common import (
    OTHER_COLOURS,
    axes,
    check_axes,
    date_axis,
    date_number,
    refuse,
    require_matplotlib,
)


if TYPE_CHECKING:
    import matplotlib.axes


__all__ = ["decisions"]

_STATE_COLOURS: Final = {
    SignalState.OK: "#2ca02c",
    SignalState.PENDING: "#ff7f0e",
    SignalState.FIRING: "#d62728",
    SignalState.RECOVERING: "#9467bd",
    SignalState.NO_DATA: "#7f7f7f",
    SignalState.INSUFFICIENT_DATA: "#bcbd22",
    SignalState.UNKNOWN: "#7f7f7f",
}
# Latency decisions also carry the share of requests slower than the promise:
# not in seconds, so not on the latency axis.
_OTHER_UNIT: Final = ("slower than",)
_UNITS: Final = {
    "latency": "seconds",
    "traffic": "requests per second",
    "saturation": "utilisation",
    "errors": "error ratio",
}
_WINDOW_COLOURS: Final = ("#1f77b4", *OTHER_COLOURS)
_DASHES: Final = ("--", "-.", ":", (0, (6, 2, 1, 2, 1, 2)), (0, (1, 4)))


def _checked(values: object) -> list[Decision]:
    expected = "a sequence of Decision values of one signal"
    if isinstance(values, (str, bytes, Mapping)) or not isinstance(values, Iterable):
        raise refuse("decisions", expected, values)
    chosen: list[object] = list(values)
    if not chosen:
        raise refuse("decisions", f"{expected}, at least one", chosen)
    if not all(isinstance(d, Decision) for d in chosen):
        raise refuse("decisions", expected, chosen)
    found: list[Decision] = [d for d in chosen if isinstance(d, Decision)]
    keys = {(d.signal, tuple(sorted(d.labels.items()))) for d in found}
    if len(keys) > 1:
        names = sorted(_name(signal, dict(labels)) for signal, labels in keys)
        raise refuse(
            "decisions",
            "decisions of one signal (and one set of labels); plot each on its "
            f"own axes; these are of {', '.join(names)}",
            chosen,
        )
    return sorted(found, key=lambda d: d.evaluated_at)


def _name(signal: str, labels: Mapping[str, str]) -> str:
    if not labels:
        return signal
    return f"{signal} ({', '.join(f'{k}={v}' for k, v in sorted(labels.items()))})"


def decisions(
    decisions: Iterable[Decision], *, ax: matplotlib.axes.Axes | None = None
) -> matplotlib.axes.Axes:
    """
    Plot one signal's decisions over time: its values, thresholds and states.

    * Each window the decisions carry (``"1h"``, ``"5m"``, ``"p99 ok"``,
      ``"rate"``, a resource) is a line over the evaluation times.  When the
      windows carry burn rates (error budgets), the burn rate is drawn, the
      unit the budget rules' thresholds are in; otherwise the value.
    * Each threshold (`incidentkit.signals.Decision.thresholds`) is a dashed
      horizontal line, or a dashed step line when it moves (a traffic
      baseline).
    * Each change of state is a dotted vertical line labelled with the new
      state (the first decision's state too, as it was ``unknown`` before).

    Decisions of several signals, or of one signal for several label sets
    (services), are refused: their values are in different units or about
    different things; plot each on its own axes.

    Args:
        decisions: `incidentkit.signals.Decision` values of one signal, in any
            order (they are drawn in time order).
        ax: The matplotlib axes to draw on.  By default a new pyplot
            figure (a notebook shows it; reach it as ``ax.figure``).

    Returns:
        The axes drawn on.

    Raises:
        ImportError: When matplotlib is missing (``pip install
            'incidentkit[plot]'``).
        ValidationError: For no decisions, values that are not decisions,
            decisions of more than one signal, or a bad *ax*.

    Example:
        >>> from datetime import datetime, timedelta, timezone
        >>> from incidentkit import plot
        >>> from incidentkit.signals import GoldenSignals
        >>> t0 = datetime(2024, 6, 1, 12, 0, tzinfo=timezone.utc)
        >>> gs = GoldenSignals(service="checkout")
        >>> errors = []
        >>> for second in range(0, 600, 30):
        ...     bad = 0 if second < 300 else 5
        ...     gs.observe_counts(t0 + timedelta(seconds=second), good=100 - bad,
        ...                       explicit=bad)
        ...     errors.append(gs.evaluate(t0 + timedelta(seconds=second)).errors)
        >>> ax = plot.decisions(errors)
        >>> ax.get_ylabel()
        'burn rate (x budget)'
    """
    require_matplotlib()
    check_axes(ax)
    chosen = _checked(decisions)
    ax = axes(ax, size=(9.0, 4.5))
    _draw(ax, chosen)
    return ax


def _draw(ax: matplotlib.axes.Axes, chosen: list[Decision]) -> None:
    x = [date_number(d.evaluated_at) for d in chosen]
    burn = any(w.burn_rate is not None for d in chosen for w in d.windows)
    windows: dict[str, list[float]] = {}
    for d in chosen:
        for w in d.windows:
            if not w.label.startswith(_OTHER_UNIT):
                windows.setdefault(w.label, [])
    for label, values in windows.items():
        for d in chosen:
            found = next((w for w in d.windows if w.label == label), None)
            value = None
            if found is not None:
                value = found.burn_rate if burn else found.value
            values.append(math.nan if value is None else value)
    colours = iter(_WINDOW_COLOURS * (len(windows) // len(_WINDOW_COLOURS) + 1))
    for label, values in windows.items():
        ax.plot(x, values, ".-", color=next(colours), label=label)
    _thresholds(ax, chosen, x)
    longest = _states(ax, chosen, x)
    first = chosen[0]
    # The decisions' own time range (matplotlib's default has nothing to go by
    # when no window has a value), five minutes either side of a single one.
    low, high = date_number(first.evaluated_at), date_number(chosen[-1].evaluated_at)
    margin = max((high - low) / 20, 0 if high > low else 5 / 1440)
    ax.set_xlim(low - margin, high + margin)
    date_axis(ax)
    ax.set_xlabel("evaluated at (UTC)")
    if burn:
        # Burn rates span orders of magnitude and start at 0: linear up to 1x.
        ax.set_yscale("symlog", linthresh=1.0)
        ax.set_ylim(bottom=0)
        ax.set_ylabel("burn rate (x budget)")
    else:
        ax.set_ylabel(_UNITS.get(first.signal, "value"))
    title = _name(first.signal, first.labels)
    # Above the state names, which stand upright over the axes.
    ax.set_title(
        f"{title}: {first.objective}" if first.objective else title,
        pad=8 + 5.2 * longest if longest else 6,
    )
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize="small")


def _thresholds(
    ax: matplotlib.axes.Axes, chosen: list[Decision], x: list[float]
) -> None:
    names: dict[str, None] = {}
    for d in chosen:
        names.update(dict.fromkeys(d.thresholds))
    # Thresholds with the same values at every decision are one line, named
    # once for each ("lower 1d = lower"): traffic states its band twice.
    series: dict[tuple[float, ...], list[str]] = {}
    for name in names:
        values = tuple(d.thresholds.get(name, math.nan) for d in chosen)
        series.setdefault(values, []).append(name)
    for i, (values, same) in enumerate(series.items()):
        name = " = ".join(same)
        present = {v for v in values if not math.isnan(v)}
        style = _DASHES[i % len(_DASHES)]
        if len(present) == 1:
            level = present.pop()
            ax.axhline(
                level,
                color="0.35",
                linestyle=style,
                linewidth=0.9,
                label=f"{name}: {level:g}",
            )
        else:
            ax.step(
                x,
                values,
                where="post",
                color="0.35",
                linestyle=style,
                linewidth=0.9,
                label=name,
            )


def _states(ax: matplotlib.axes.Axes, chosen: list[Decision], x: list[float]) -> int:
    """Mark the changes of state; return the length of the longest name."""
    longest = 0
    for at, d in zip(x, chosen, strict=True):
        if d.state is d.previous:
            continue
        colour = _STATE_COLOURS.get(d.state, "0.3")
        ax.axvline(at, color=colour, linestyle=":", linewidth=1.2, label="_state")
        ax.text(
            at,
            1.01,
            d.state.value,
            transform=ax.get_xaxis_transform(),
            rotation=90,
            va="bottom",
            ha="center",
            fontsize="small",
            color=colour,
        )
        longest = max(longest, len(d.state.value))
    return longest
