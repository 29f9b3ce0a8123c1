"""
Root-cause analysis: Fishbone diagrams to map the factors, Five Whys to drill in.

A `Fishbone` maps every contributing factor by category, so nobody settles on
the first plausible explanation; a `FiveWhys` drills into a likely factor until
a concrete, preventable cause appears.  `check_fishbone` and `check_five_whys`
return findings for the ways each goes wrong.

The values themselves are part of the core model (postmortems hold them); this
module is their home.

Example:
    >>> from incidentkit.rca import Fishbone, check_five_whys
    >>> fb = Fishbone(problem="The site went down")
    >>> fb = fb.add("code changes", "New query leaks connections", likely=True)
    >>> chain = (fb.drill("code-changes.1")
    ...          .why("Code review did not catch the missing cleanup")
    ...          .why("There is no automated check for connection leaks")
    ...          .why("Connection-pool monitoring was never prioritised")
    ...          .conclude("Add automated connection-pool monitoring"))
    >>> chain.factor_id, check_five_whys(chain)
    ('code-changes.1', ())
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Final

from ._blame import find_blame
from ._rca import (
    MAX_DEPTH,
    STANDARD_CATEGORIES,
    Category,
    Factor,
    Fishbone,
    FiveWhys,
    Why,
)
from .errors import ValidationError
from .findings import Finding, Level, sort_findings


__all__ = [
    "MAX_DEPTH",
    "MIN_STEPS",
    "STANDARD_CATEGORIES",
    "Category",
    "Factor",
    "Fishbone",
    "FiveWhys",
    "Why",
    "check_fishbone",
    "check_five_whys",
]

MIN_STEPS: Final[int] = 3
"""A chain shorter than this rarely gets past the symptom (five is a guide)."""

_PERSON_STOP: Final[re.Pattern[str]] = re.compile(
    r"(?i:\b(?:human|operator|user|engineer|developer|manual)\s+(?:error|mistake)s?\b"
    r"|\b(?:forgot|forgotten|forget|careless(?:ness)?|negligen(?:t|ce)|mistake"
    r"|oversight|didn't\s+pay\s+attention|wasn't\s+careful|not\s+careful)\b)"
)
# Actions that ask people to try harder instead of changing the system.
_VAGUE_ACTION: Final[re.Pattern[str]] = re.compile(
    r"(?i:\b(?:be\s+(?:more\s+)?careful|more\s+carefully|try\s+harder|pay\s+(?:more\s+)?"
    r"attention|remember\s+to|don't\s+forget|do\s+not\s+forget|be\s+more\s+vigilant"
    r"|stay\s+alert|double-?check\s+next\s+time|retrain|remind)\b)"
)
_WORD: Final[re.Pattern[str]] = re.compile(r"[a-z0-9']+")
_STOPWORDS: Final = frozenset(
    [
        "a",
        "an",
        "the",
        "was",
        "were",
        "is",
        "are",
        "be",
        "been",
        "of",
        "to",
        "in",
        "on",
        "at",
        "for",
        "and",
        "or",
        "because",
        "why",
        "did",
        "it",
        "its",
        "this",
        "that",
        "these",
        "those",
        "so",
        "we",
        "they",
        "there",
    ]
)
_REPEAT: Final[float] = 0.8


def _words(value: str) -> frozenset[str]:
    return frozenset(w for w in _WORD.findall(value.lower()) if w not in _STOPWORDS)


def _repeats(question: str, answer: str) -> bool:
    asked, said = _words(question), _words(answer)
    if said <= asked:  # nothing new: the answer restates the question
        return True
    return len(asked & said) / len(asked | said) >= _REPEAT


def check_five_whys(
    chain: FiveWhys, *, people: Iterable[str] = (), subject: str | None = None
) -> tuple[Finding, ...]:
    """
    Check a Five Whys chain for the ways root-cause analysis goes wrong.

    Findings (code, level):

    * ``five-whys-stops-at-person`` (warning): the root cause is a person ("human
      error", a name, "forgot"), not the system that let the mistake through;
    * ``five-whys-no-action`` (warning): the chain is not concluded with an action;
    * ``five-whys-action-not-actionable`` (warning): the action asks people to
      try harder ("be more careful") instead of changing the system;
    * ``five-whys-too-short`` (warning): fewer than `MIN_STEPS` steps;
    * ``five-whys-circular`` (warning): a step's answer repeats its question
      (it adds no new word, or shares most of them).

    Args:
        chain: The chain.
        people: Names to recognise as people (the role holders, say).
        subject: What the findings are about; the chain's problem by default.

    Returns:
        The findings, most serious first; empty for a sound chain.

    Raises:
        ValidationError: If *chain* is not a `FiveWhys`.

    Example:
        >>> from incidentkit.rca import FiveWhys, check_five_whys
        >>> chain = FiveWhys(problem="Deploy broke login").why("Sam forgot a flag")
        >>> sorted(f.code for f in check_five_whys(chain))
        ['five-whys-no-action', 'five-whys-stops-at-person', 'five-whys-too-short']
    """
    if not isinstance(chain, FiveWhys):
        raise ValidationError.for_field("chain", "a FiveWhys", chain)
    about = chain.problem if subject is None else subject
    found: list[Finding] = []
    root = chain.root_cause
    if root is not None and (
        _PERSON_STOP.search(root) or next(find_blame(root, people=people), None)
    ):
        found.append(
            Finding(
                "five-whys-stops-at-person",
                f"The chain stops at a person ({root!r}); ask once more why the "
                "system let that happen, until the answer is something to change.",
                Level.WARNING,
                about,
            )
        )
    if chain.action is None:
        found.append(
            Finding(
                "five-whys-no-action",
                "The chain has no action: conclude it with the concrete, "
                "preventable change its root cause implies.",
                Level.WARNING,
                about,
            )
        )
    elif _VAGUE_ACTION.search(chain.action):
        found.append(
            Finding(
                "five-whys-action-not-actionable",
                f"The action {chain.action!r} asks people to try harder; name a "
                "change to the system (a check, an alert, a safeguard) instead.",
                Level.WARNING,
                about,
            )
        )
    if len(chain.steps) < MIN_STEPS:
        found.append(
            Finding(
                "five-whys-too-short",
                f"The chain has {len(chain.steps)} step(s); fewer than {MIN_STEPS} "
                "rarely get past the symptom (five is a guide, not a law).",
                Level.WARNING,
                about,
            )
        )
    found.extend(
        Finding(
            "five-whys-circular",
            f"Step {number} answers {step.question!r} with {step.because!r}, "
            "which repeats the question instead of explaining it.",
            Level.WARNING,
            f"{about} (step {number})",
        )
        for number, step in enumerate(chain.steps, 1)
        if _repeats(step.question, step.because)
    )
    return sort_findings(found)


def check_fishbone(diagram: Fishbone) -> tuple[Finding, ...]:
    """
    Check a Fishbone for the "first plausible explanation" trap.

    Findings (code, level):

    * ``fishbone-one-category`` (warning): factors in only one category;
    * ``fishbone-empty`` (warning): no factor at all;
    * ``fishbone-empty-category`` (info): a category without factors, named;
    * ``fishbone-nothing-likely`` (info): factors, none marked likely, so
      nothing says where to drill with Five Whys.

    Args:
        diagram: The diagram.

    Returns:
        The findings, most serious first.

    Raises:
        ValidationError: If *diagram* is not a `Fishbone`.

    Example:
        >>> from incidentkit.rca import Fishbone, check_fishbone
        >>> fb = Fishbone(problem="Slow search").add("code changes", "New ranker")
        >>> [f.code for f in check_fishbone(fb)][:1]
        ['fishbone-one-category']
    """
    if not isinstance(diagram, Fishbone):
        raise ValidationError.for_field("diagram", "a Fishbone", diagram)
    about = diagram.problem
    filled = [c.name for c in diagram.categories if c.factors]
    found: list[Finding] = []
    if not filled:
        found.append(
            Finding(
                "fishbone-empty",
                "The fishbone has no factors yet: fill in every category.",
                Level.WARNING,
                about,
            )
        )
    elif len(filled) == 1:
        found.append(
            Finding(
                "fishbone-one-category",
                f"Only {filled[0]!r} has factors: the first plausible explanation "
                "may be hiding deeper ones; consider every category.",
                Level.WARNING,
                about,
            )
        )
    found.extend(
        Finding(
            "fishbone-empty-category",
            f"The category {c.name!r} has no factors: say what was considered.",
            Level.INFO,
            f"{about} ({c.name})",
        )
        for c in diagram.categories
        if not c.factors
    )
    if filled and not diagram.likely():
        found.append(
            Finding(
                "fishbone-nothing-likely",
                "No factor is marked likely, so nothing says where to drill in "
                "with Five Whys.",
                Level.INFO,
                about,
            )
        )
    return sort_findings(found)
