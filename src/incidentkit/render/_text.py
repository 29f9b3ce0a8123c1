"""Plain-text pictures: the fishbone as a tree."""

from __future__ import annotations

from incidentkit._rca import Factor, Fishbone

from ._escape import plain


__all__ = ["fishbone_text"]


def fishbone_text(diagram: Fishbone) -> str:
    """
    Return *diagram* as a plain-text tree, for terminals, logs and chat.

    Each label is one line (control characters dropped, white space
    collapsed), so no text can break the tree.  Likely factors are marked
    ``[likely]``; each factor shows its id.

    Args:
        diagram: The fishbone.

    Returns:
        The tree.

    Example:
        >>> from incidentkit.rca import Fishbone
        >>> from incidentkit.render import fishbone_text
        >>> fb = Fishbone(problem="Site down", categories=[])
        >>> fb = fb.add("code changes", "Leaky query", likely=True)
        >>> fb = fb.add("code changes", "No cleanup", under="code-changes.1")
        >>> print(fishbone_text(fb.with_category("process gaps")))
        Site down
        ├── code changes
        │   └── [likely] Leaky query (code-changes.1)
        │       └── No cleanup (code-changes.1.1)
        └── process gaps
            └── (no factors)
    """
    lines = [plain(diagram.problem)]

    def branch(factor: Factor, prefix: str, *, last: bool) -> None:
        mark = "[likely] " if factor.likely else ""
        lines.append(
            f"{prefix}{'└── ' if last else '├── '}{mark}{plain(factor.text)} "
            f"({factor.id})"
        )
        inner = prefix + ("    " if last else "│   ")
        for i, sub in enumerate(factor.sub_factors):
            branch(sub, inner, last=i == len(factor.sub_factors) - 1)

    for c, category in enumerate(diagram.categories):
        last_category = c == len(diagram.categories) - 1
        lines.append(f"{'└── ' if last_category else '├── '}{plain(category.name)}")
        prefix = "    " if last_category else "│   "
        if not category.factors:
            lines.append(f"{prefix}└── (no factors)")
        for i, factor in enumerate(category.factors):
            branch(factor, prefix, last=i == len(category.factors) - 1)
    return "\n".join(lines)
