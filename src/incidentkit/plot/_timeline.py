"""One incident over time: milestones, who held which role, the updates."""

from __future__ import annotations

import datetime as dt
import textwrap
from collections.abc import Callable
from typing import TYPE_CHECKING, Final

from incidentkit._lifecycle import OPEN_STATUSES
from incidentkit._time import format_duration
from incidentkit.incident import Incident
from incidentkit.spans import MILESTONES, TIME_TO_DETECT, TIME_TO_RESTORE, Span
from incidentkit.timeline import StatusUpdatePosted

from ._common import (
    axes,
    check_axes,
    date_axis,
    date_number,
    refuse,
    require_matplotlib,
)


if TYPE_CHECKING:
    import matplotlib.axes


__all__ = ["incident_timeline"]

_SHADED: Final[tuple[tuple[Span, str], ...]] = (
    (TIME_TO_DETECT, "#ff7f0e"),
    (TIME_TO_RESTORE, "#d62728"),
)
_UPDATES: Final = "status updates"
_TITLE_WIDTH: Final = 70  # characters a line; two lines at most


def incident_timeline(
    incident: Incident, *, ax: matplotlib.axes.Axes | None = None
) -> matplotlib.axes.Axes:
    """
    Plot one incident over time, Gantt-style.

    * Each milestone that is set (started, detected, declared, acknowledged,
      mitigated, resolved, closed) is a vertical line, labelled at the top;
      milestones at the same instant share one line, and milestones closer
      together than a fortieth of the time shown share one label.
    * Each role assignment is a bar on its own row (``"incident_commander:
      ana"``), from when it was assumed to when it was relieved; one still
      held runs to the incident's last milestone or event.
    * Status updates are ticks on a row of their own.
    * The time to detect and the time to restore are shaded spans, named with
      their durations in the legend.

    Times are shown in UTC.

    Args:
        incident: The `incidentkit.incident.Incident`.
        ax: The matplotlib axes to draw on.  By default a new pyplot
            figure (a notebook shows it; reach it as ``ax.figure``).

    Returns:
        The axes drawn on.

    Raises:
        ImportError: When matplotlib is missing (``pip install
            'incidentkit[plot]'``).
        ValidationError: When *incident* is not an ``Incident``, or *ax* is
            not an ``Axes``.

    Example:
        >>> from datetime import datetime, timedelta, timezone
        >>> from incidentkit import Incident, Role, plot
        >>> t0 = datetime(2024, 6, 1, 14, 0, tzinfo=timezone.utc)
        >>> inc = Incident.declare("Checkout down", severity="P1", declared_by="ana",
        ...                        at=t0 + timedelta(minutes=9), started_at=t0)
        >>> inc = inc.assign(Role.OPERATIONS_LEAD, "raj", at=t0 + timedelta(minutes=12))
        >>> inc = inc.mitigate(at=t0 + timedelta(minutes=41), how="rolled back")
        >>> ax = plot.incident_timeline(inc)
        >>> [t.get_text() for t in ax.get_yticklabels()]
        ['incident_commander: ana', 'operations_lead: raj', 'status updates']
    """
    require_matplotlib()
    check_axes(ax)
    if not isinstance(incident, Incident):
        raise refuse("incident", "an Incident", incident)
    rows = len({(a.role.name, a.person) for a in incident.roles}) + 1
    ax = axes(ax, size=(10.0, 2.5 + 0.55 * rows))
    _draw(ax, incident)
    return ax


def _instants(incident: Incident) -> list[dt.datetime]:
    found = [getattr(incident, m) for m in MILESTONES]
    found += [e.at for e in incident.timeline]
    found += [a.assumed_at for a in incident.roles]
    found += [a.relieved_at for a in incident.roles]
    return [t for t in found if t is not None]


def _draw(ax: matplotlib.axes.Axes, incident: Incident) -> None:
    num = date_number
    instants = _instants(incident)
    first, last = min(instants), max(instants)
    margin = max((last - first) / 20, dt.timedelta(minutes=1))

    rows = [f"{a.role.name}: {a.person}" for a in incident.roles]
    row_of: dict[str, int] = {}
    for label in rows:
        row_of.setdefault(label, len(row_of))
    updates_row = len(row_of)
    # An open incident's roles are still held: their bars run off the right edge.
    held_to = last + margin if incident.status in OPEN_STATUSES else last
    for assignment in incident.roles:
        end = assignment.relieved_at or held_to
        ax.barh(
            row_of[f"{assignment.role.name}: {assignment.person}"],
            num(end) - num(assignment.assumed_at),
            left=num(assignment.assumed_at),
            height=0.5,
            color="#9467bd" if assignment.relieved_at else "#c5b0d5",
            edgecolor="#9467bd",
            label="role held" if assignment.relieved_at else "role still held",
        )
    updates = incident.timeline.of_kind(StatusUpdatePosted)
    ax.plot(
        [num(u.at) for u in updates],
        [updates_row] * len(updates),
        "|",
        color="#2ca02c",
        markersize=14,
        markeredgewidth=2,
        label=f"status updates ({len(updates)})",
    )
    for span, colour in _SHADED:
        duration = span.measure(incident).duration
        if duration is None:
            continue
        ax.axvspan(
            num(getattr(incident, span.start)),
            num(getattr(incident, span.end)),
            color=colour,
            alpha=0.15,
            label=f"{span.name}: {format_duration(duration)}",
        )
    names = [*row_of, _UPDATES]
    ax.set_yticks(range(len(names)), names)
    ax.set_ylim(len(names) - 0.5, -0.5)
    ax.set_xlim(num(first - margin), num(last + margin))
    longest = _milestones(ax, incident, num)
    date_axis(ax)
    ax.set_xlabel("time (UTC)")
    # Above the milestone names, which stand upright over the axes.
    still = ", still open" if incident.status in OPEN_STATUSES else ""
    title = f"{incident.id}: {incident.title} ({incident.severity.value}{still})"
    ax.set_title(
        "\n".join(textwrap.wrap(title, _TITLE_WIDTH, max_lines=2, placeholder=" ...")),
        pad=8 + 5.2 * longest,
    )
    handles, labels = ax.get_legend_handles_labels()
    unique = dict(zip(labels, handles, strict=True))
    ax.legend(
        unique.values(),
        unique.keys(),
        loc="upper left",
        bbox_to_anchor=(1.01, 1.0),
        fontsize="small",
    )


def _milestones(
    ax: matplotlib.axes.Axes, incident: Incident, num: Callable[[dt.datetime], float]
) -> int:
    """
    Draw the milestones; return the length of the longest label.

    Each milestone has its line; milestones closer together than a fortieth of
    the time shown share one label (at the first), so labels never overlap.
    """
    at: dict[dt.datetime, list[str]] = {}
    for name in MILESTONES:
        instant = getattr(incident, name)
        if instant is not None:
            at.setdefault(instant, []).append(name.removesuffix("_at"))
    low, high = ax.get_xlim()
    close = (high - low) / 40
    labels: list[tuple[float, list[str]]] = []
    for instant, names in sorted(at.items()):
        x = num(instant)
        ax.axvline(x, color="0.35", linewidth=0.8, linestyle="--", label="_milestone")
        if labels and x - labels[-1][0] < close:
            labels[-1][1].extend(names)
        else:
            labels.append((x, list(names)))
    longest = 0
    for x, names in labels:
        longest = max(longest, len(", ".join(names)))
        ax.text(
            x,
            1.01,
            ", ".join(names),
            transform=ax.get_xaxis_transform(),
            rotation=90,
            va="bottom",
            ha="center",
            fontsize="small",
        )
    return longest
