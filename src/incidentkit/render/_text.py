"""Plain-text pictures: the fishbone as a tree."""

from __future__ import annotations

from collections.abc import Iterator

from incidentkit._rca import Category, Fishbone

from ._escape import plain


__all__ = ["fishbone_text"]


def _last_siblings(category: Category) -> list[bool]:
    """For each factor, whether no later factor shares its parent."""
    seen: set[str | None] = set()
    last = []
    for factor in reversed(category.factors):
        last.append(factor.parent not in seen)
        seen.add(factor.parent)
    return last[::-1]


def _branches(category: Category, prefix: str) -> Iterator[str]:
    # The factors are in outline order: a stack of "is the ancestor last?" flags
    # draws the guides, without recursion.
    ancestors: list[bool] = []
    for (depth, factor), last in zip(
        category.outline(), _last_siblings(category), strict=True
    ):
        del ancestors[depth:]
        guides = "".join("    " if done else "│   " for done in ancestors)
        mark = "[likely] " if factor.likely else ""
        yield (
            f"{prefix}{guides}{'└── ' if last else '├── '}{mark}"
            f"{plain(factor.text)} ({factor.id})"
        )
        ancestors.append(last)


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
    for c, category in enumerate(diagram.categories):
        last_category = c == len(diagram.categories) - 1
        lines.append(f"{'└── ' if last_category else '├── '}{plain(category.name)}")
        prefix = "    " if last_category else "│   "
        if not category.factors:
            lines.append(f"{prefix}└── (no factors)")
        lines.extend(_branches(category, prefix))
    return "\n".join(lines)
