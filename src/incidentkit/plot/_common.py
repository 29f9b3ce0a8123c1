"""What every plot shares: the lazy matplotlib import, the axes, duration ticks."""

from __future__ import annotations

import datetime as dt
import math
import reprlib
from collections.abc import Sequence
from typing import TYPE_CHECKING, Final

from incidentkit._time import UTC, format_duration
from incidentkit.errors import ValidationError


if TYPE_CHECKING:
    import matplotlib.axes


from incidentkit.render import _charts


INSTALL: Final = "pip install 'incidentkit[plot]'"

# The colour of each severity, the same in every plot, page and notebook card.
SEVERITY_COLOURS: Final = _charts.SEVERITY_COLOURS

# Colours for other groups: matplotlib's tab10 without the severities' three.
OTHER_COLOURS: Final = (
    "#2ca02c",
    "#9467bd",
    "#8c564b",
    "#e377c2",
    "#7f7f7f",
    "#bcbd22",
    "#17becf",
)


def other_colours(count: int) -> list[str]:
    """*count* colours for groups that are not severities, none repeated."""
    if count <= len(OTHER_COLOURS):
        return list(OTHER_COLOURS[:count])
    from matplotlib import colormaps, colors  # noqa: PLC0415 - lazy: optional

    # More groups than the palette: evenly spaced hues, all distinct.
    cmap = colormaps["hsv"]
    return [colors.to_hex(cmap(i / count)) for i in range(count)]


# Candidate ticks for a duration axis, in seconds: the round durations people say.
_TICKS: Final[tuple[float, ...]] = (
    1,
    10,
    60,
    600,
    3600,
    8 * 3600,
    86_400,
    7 * 86_400,
    30 * 86_400,
    365 * 86_400,
)

_REPR = reprlib.Repr()
_REPR.maxlist = _REPR.maxtuple = 3
_REPR.maxother = _REPR.maxstring = 80


def require_matplotlib() -> None:
    """
    Import matplotlib, or say how to install it.

    Raises:
        ImportError: Naming the ``plot`` extra, when matplotlib is not installed.
    """
    try:
        import matplotlib as mpl  # noqa: F401, PLC0415 - lazy: an optional dependency
    except ImportError as error:
        raise ImportError(
            f"incidentkit.plot needs matplotlib: {INSTALL} (or pip install matplotlib)"
        ) from error


def refuse(field: str, expected: str, got: object) -> ValidationError:
    """A `ValidationError` whose message shows a short repr of *got*."""
    return ValidationError(
        f"{field!r} must be {expected} (got {_REPR.repr(got)})",
        field=field,
        expected=expected,
        got=got,
    )


def check_axes(ax: object) -> None:
    """Refuse an *ax* that is neither ``None`` nor a matplotlib ``Axes``."""
    from matplotlib.axes import Axes  # noqa: PLC0415 - lazy: optional

    if ax is not None and not isinstance(ax, Axes):
        raise refuse("ax", "a matplotlib Axes, or None for a new figure", ax)


def axes(
    ax: matplotlib.axes.Axes | None, size: tuple[float, float] | None = None
) -> matplotlib.axes.Axes:
    """*ax*, or the axes of a new pyplot figure, *size* inches (a notebook shows it)."""
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt  # noqa: PLC0415 - lazy: optional

    return plt.figure(figsize=size, layout="constrained").add_subplot()


def seconds(value: dt.timedelta) -> float:
    """A duration in seconds, as a float for plotting."""
    return value.total_seconds()


def human(value: float) -> str:
    """A number of seconds as a human duration: ``"1m"``, ``"8h"``, ``"1d"``."""
    return format_duration(dt.timedelta(seconds=value))


def duration_ticks(low: float, high: float) -> list[float]:
    """The round durations that label an axis from *low* to *high* seconds."""
    inside = [t for t in _TICKS if low <= t <= high]
    below = [t for t in _TICKS if t < low]
    above = [t for t in _TICKS if t > high]
    return ([below[-1]] if below else []) + inside + ([above[0]] if above else [])


def label_durations(
    ax: matplotlib.axes.Axes, which: str, values: Sequence[float]
) -> None:
    """Put a log scale with human duration tick labels on the *which* axis."""
    from matplotlib.ticker import NullLocator  # noqa: PLC0415 - lazy: optional

    positive = [v for v in values if v > 0 and math.isfinite(v)]
    ticks = duration_ticks(min(positive), max(positive)) if positive else [60, 3600]
    labels = [human(t) for t in ticks]
    axis = ax.xaxis if which == "x" else ax.yaxis
    if which == "x":
        ax.set_xscale("log")
        ax.set_xticks(ticks, labels)
        ax.set_xlim(ticks[0], ticks[-1])
    else:
        ax.set_yscale("log")
        ax.set_yticks(ticks, labels)
        ax.set_ylim(ticks[0], ticks[-1])
    axis.set_minor_locator(NullLocator())


def date_axis(ax: matplotlib.axes.Axes) -> None:
    """Label the x axis with dates and times in UTC, as concisely as they allow."""
    from matplotlib import dates  # noqa: PLC0415 - lazy: optional

    # matplotlib.dates has no type annotations.
    locator = dates.AutoDateLocator(tz=UTC, maxticks=8)  # type: ignore[no-untyped-call]
    ax.xaxis.set_major_locator(locator)
    formatter = dates.ConciseDateFormatter(locator, tz=UTC)  # type: ignore[no-untyped-call]
    ax.xaxis.set_major_formatter(formatter)


def date_number(instant: dt.datetime) -> float:
    """*instant* as matplotlib's date number (days since its epoch)."""
    from matplotlib import dates  # noqa: PLC0415 - lazy: optional

    return float(dates.date2num(instant))  # type: ignore[no-untyped-call]
