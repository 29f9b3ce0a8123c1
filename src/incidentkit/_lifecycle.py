"""
The incident lifecycle: every status, every move, and the tables joining them.

Everything the lifecycle decides lives in this module as data (the h11 habit: the
state machine is tables, not code):

* `TRANSITIONS`: which move is legal from which status, and where it leads;
* `EFFECTS`: what each move does to the milestones, and the text it records;
* `STATUS_MILESTONES`: which milestones each status needs and forbids.

`incidentkit.Incident` makes every move through these tables, and its invariants
check stored incidents against them.  Pictures of the lifecycle are drawn at the
edge (`incidentkit.render.state_diagram`).
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

import attrs

from .errors import InvalidTransition, ValidationError


__all__ = [
    "EFFECTS",
    "OPEN_STATUSES",
    "STATUS_MILESTONES",
    "TRANSITIONS",
    "Effect",
    "Milestones",
    "Move",
    "Status",
    "allowed_moves",
    "next_status",
]


class Status(enum.Enum):
    """
    Where an incident is in its lifecycle.

    ``INVESTIGATING → IDENTIFIED → MONITORING → RESOLVED → CLOSED``, with the
    shortcuts and reopenings listed in `TRANSITIONS`.
    """

    INVESTIGATING = "investigating"
    """Impact is known; the cause is not."""
    IDENTIFIED = "identified"
    """The cause (or at least the failing component) is known."""
    MONITORING = "monitoring"
    """Service is restored (mitigated); watching that it stays so."""
    RESOLVED = "resolved"
    """The cause is fixed."""
    CLOSED = "closed"
    """Follow-up is done (the postmortem, when one is required).  Final."""


class Move(enum.Enum):
    """
    A lifecycle move: the name of the `Incident` method that makes it.

    `Move.parse` reads the names chat bots and webhooks send (``"mitigate"``).
    """

    IDENTIFY = "identify"
    """The cause is found."""
    MITIGATE = "mitigate"
    """Service is restored; sets ``mitigated_at``."""
    RESOLVE = "resolve"
    """The cause is fixed; sets ``resolved_at`` (and ``mitigated_at`` if unset)."""
    CLOSE = "close"
    """Follow-up is done; sets ``closed_at``."""
    REOPEN = "reopen"
    """The fix did not hold; clears ``mitigated_at`` and ``resolved_at``."""

    @classmethod
    def parse(cls, value: Move | str, *, field: str = "move") -> Move:
        """
        Return the move *value* names: a `Move`, or its value in any case.

        Args:
            value: Such as ``Move.MITIGATE`` or ``"mitigate"``.
            field: The parameter name to report in an error.

        Returns:
            The move.

        Raises:
            ValidationError: If *value* names no move.

        Example:
            >>> from incidentkit import Move
            >>> Move.parse(" Resolve ")
            <Move.RESOLVE: 'resolve'>
        """
        if isinstance(value, Move):
            return value
        if isinstance(value, str):
            found = _MOVES.get(value.strip().lower())
            if found is not None:
                return found
        names = ", ".join(repr(m.value) for m in cls)
        raise ValidationError.for_field(field, f"a Move or one of {names}", value)


_MOVES: Final[Mapping[str, Move]] = {m.value: m for m in Move}

TRANSITIONS: Final[Mapping[Status, Mapping[Move, Status]]] = MappingProxyType(
    {
        Status.INVESTIGATING: MappingProxyType(
            {
                Move.IDENTIFY: Status.IDENTIFIED,
                Move.MITIGATE: Status.MONITORING,
                Move.RESOLVE: Status.RESOLVED,
            }
        ),
        Status.IDENTIFIED: MappingProxyType(
            {Move.MITIGATE: Status.MONITORING, Move.RESOLVE: Status.RESOLVED}
        ),
        Status.MONITORING: MappingProxyType(
            {Move.RESOLVE: Status.RESOLVED, Move.REOPEN: Status.INVESTIGATING}
        ),
        Status.RESOLVED: MappingProxyType(
            {Move.CLOSE: Status.CLOSED, Move.REOPEN: Status.INVESTIGATING}
        ),
        Status.CLOSED: MappingProxyType({}),
    }
)
"""Every legal move from every status, and the status it leads to."""


@attrs.frozen
class Effect:
    """
    What one move does besides changing the status.

    Attributes:
        sets: Milestones set to the move's time.
        fills: Milestones set to the move's time only when they are unset.
        clears: Milestones cleared.
        text: The keyword argument whose text the move records (``"cause"``).
        records: How that text is recorded: ``"note"`` or ``"mitigation"``.
        text_required: Whether the move refuses to be made without the text.
    """

    sets: tuple[str, ...] = ()
    fills: tuple[str, ...] = ()
    clears: tuple[str, ...] = ()
    text: str | None = None
    records: str = "note"
    text_required: bool = False


EFFECTS: Final[Mapping[Move, Effect]] = MappingProxyType(
    {
        Move.IDENTIFY: Effect(text="cause"),
        Move.MITIGATE: Effect(sets=("mitigated_at",), text="how", records="mitigation"),
        Move.RESOLVE: Effect(
            sets=("resolved_at",), fills=("mitigated_at",), text="summary"
        ),
        Move.CLOSE: Effect(sets=("closed_at",)),
        Move.REOPEN: Effect(
            clears=("mitigated_at", "resolved_at"), text="reason", text_required=True
        ),
    }
)
"""What every move does to the milestones, and which text it records."""


@attrs.frozen
class Milestones:
    """
    The milestones one status needs (set) and forbids (unset).

    Attributes:
        needs: Milestones that must be set in this status.
        forbids: Milestones that must be unset in this status.
    """

    needs: tuple[str, ...] = ()
    forbids: tuple[str, ...] = ()


_NOT_RESTORED: Final = ("mitigated_at", "resolved_at", "closed_at")

STATUS_MILESTONES: Final[Mapping[Status, Milestones]] = MappingProxyType(
    {
        Status.INVESTIGATING: Milestones(forbids=_NOT_RESTORED),
        Status.IDENTIFIED: Milestones(forbids=_NOT_RESTORED),
        Status.MONITORING: Milestones(
            needs=("mitigated_at",), forbids=("resolved_at", "closed_at")
        ),
        Status.RESOLVED: Milestones(
            needs=("mitigated_at", "resolved_at"), forbids=("closed_at",)
        ),
        Status.CLOSED: Milestones(needs=("mitigated_at", "resolved_at", "closed_at")),
    }
)
"""Which milestones each status needs and forbids."""

OPEN_STATUSES: Final[frozenset[Status]] = frozenset(
    {Status.INVESTIGATING, Status.IDENTIFIED, Status.MONITORING}
)
"""Statuses in which severity changes and role hand-offs are allowed."""


def allowed_moves(status: Status) -> tuple[Move, ...]:
    """
    Return the moves allowed from *status*, in table order.

    Args:
        status: The current status.

    Returns:
        The legal moves (empty for ``CLOSED``).

    Example:
        >>> from incidentkit.incident import Status, allowed_moves
        >>> [m.value for m in allowed_moves(Status.MONITORING)]
        ['resolve', 'reopen']
    """
    return tuple(TRANSITIONS[status])


def next_status(status: Status, move: Move) -> Status:
    """
    Return the status *move* leads to from *status*.

    Args:
        status: The current status.
        move: The attempted move.

    Returns:
        The new status.

    Raises:
        InvalidTransition: If the table has no such move from *status*.
    """
    try:
        return TRANSITIONS[status][move]
    except KeyError:
        raise InvalidTransition(
            status.value, move.value, [m.value for m in allowed_moves(status)]
        ) from None
