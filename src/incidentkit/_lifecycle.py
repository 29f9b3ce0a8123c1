"""
The incident lifecycle: every status, every move, and the one table joining them.

Everything that decides which lifecycle moves are legal lives in this module, in
`TRANSITIONS` (the h11 habit: the state machine is data).  The docs' state diagram
is generated from the same table by `state_diagram`.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

from .errors import InvalidTransition


__all__ = [
    "OPEN_STATUSES",
    "TRANSITIONS",
    "Move",
    "Status",
    "allowed_moves",
    "next_status",
    "state_diagram",
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
    """A lifecycle move: the name of the `Incident` method that makes it."""

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


def state_diagram() -> str:
    """
    Return the lifecycle as a Mermaid ``stateDiagram-v2``, generated from the table.

    Returns:
        Mermaid source text.

    Example:
        >>> from incidentkit.incident import state_diagram
        >>> print(state_diagram().splitlines()[1])
            [*] --> investigating: declare
    """
    lines = ["stateDiagram-v2", "    [*] --> investigating: declare"]
    for status, moves in TRANSITIONS.items():
        lines.extend(
            f"    {status.value} --> {target.value}: {move.value}"
            for move, target in moves.items()
        )
    lines.append(f"    {Status.CLOSED.value} --> [*]")
    return "\n".join(lines)
