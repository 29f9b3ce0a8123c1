"""
Pictures of incidentkit values, drawn at the edge (the core draws nothing).

Example:
    >>> from incidentkit.render import state_diagram
    >>> print(state_diagram().splitlines()[1])
        [*] --> investigating: declare
"""

from __future__ import annotations

from ._lifecycle import TRANSITIONS, Status


__all__ = ["state_diagram"]


def state_diagram() -> str:
    """
    Return the lifecycle as a Mermaid ``stateDiagram-v2``, drawn from the table.

    Every edge of `incidentkit.incident.TRANSITIONS` is one line, so the picture cannot
    drift from the rules.

    Returns:
        Mermaid source text.
    """
    lines = ["stateDiagram-v2", "    [*] --> investigating: declare"]
    for status, moves in TRANSITIONS.items():
        lines.extend(
            f"    {status.value} --> {target.value}: {move.value}"
            for move, target in moves.items()
        )
    lines.append(f"    {Status.CLOSED.value} --> [*]")
    return "\n".join(lines)
