"""Mermaid diagrams: the lifecycle state diagram and the fishbone as a flowchart."""

from __future__ import annotations

from incidentkit._lifecycle import TRANSITIONS, Status
from incidentkit._rca import Fishbone

from ._escape import mermaid_label


__all__ = ["fishbone_mermaid", "state_diagram"]


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


def fishbone_mermaid(diagram: Fishbone) -> str:
    """
    Return *diagram* as a Mermaid flowchart: factors → categories → the problem.

    Node ids are generated (``c1``, ``f1_2``...), never taken from user text;
    every label is escaped with Mermaid's entity codes, so quotes, brackets,
    pipes, ``<script>`` and backticks show as written.  Likely factors get the
    ``likely`` class (a thick border) and a ★.

    Args:
        diagram: The fishbone.

    Returns:
        Mermaid source text.

    Example:
        >>> from incidentkit.rca import Fishbone
        >>> from incidentkit.render import fishbone_mermaid
        >>> fb = Fishbone(problem="Site down", categories=[]).add(
        ...     "code changes", 'Query "leaks"', likely=True)
        >>> print(fishbone_mermaid(fb))
        flowchart LR
            head["Site down"]
            c1["code changes"] --> head
            f1_1["★ Query #quot;leaks#quot;"] --> c1
            classDef likely stroke-width:3px
            class f1_1 likely
    """
    lines = ["flowchart LR", f'    head["{mermaid_label(diagram.problem)}"]']
    likely: list[str] = []
    for c, category in enumerate(diagram.categories, 1):
        lines.append(f'    c{c}["{mermaid_label(category.name)}"] --> head')
        nodes: dict[str, str] = {}
        for f, factor in enumerate(category.factors, 1):
            node = nodes[factor.id] = f"f{c}_{f}"
            parent = f"c{c}" if factor.parent is None else nodes[factor.parent]
            mark = "★ " if factor.likely else ""
            label = mermaid_label(factor.text)
            lines.append(f'    {node}["{mark}{label}"] --> {parent}')
            if factor.likely:
                likely.append(node)
    if likely:
        lines.append("    classDef likely stroke-width:3px")
        lines.append(f"    class {','.join(likely)} likely")
    return "\n".join(lines)
