"""
Findings: the explained observations checks and importers report.

A finding is not an error.  Role checks, cadence checks, policy validation and
importers return findings so a caller can show them, count them, or fail on them
as they see fit.  Nothing is dropped silently: an importer that repairs or skips
something says so with a finding.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from typing import Final, SupportsIndex, overload

import attrs

from ._validators import text


__all__ = ["Finding", "Findings", "Level", "sort_findings"]


class Level(enum.Enum):
    """How much a finding matters."""

    INFO = "info"
    """Worth knowing; nothing is wrong."""
    WARNING = "warning"
    """Something is off and may need attention; data may have been repaired."""
    ERROR = "error"
    """Something is wrong: the process was not followed, or data was rejected."""


@attrs.frozen
class Finding:
    """
    One explained observation.

    Attributes:
        code: A stable, machine-readable identifier, such as ``"no-commander"``.
        message: A human sentence saying what was found and why it matters.
        level: How much it matters.
        subject: What it is about: an incident id, a JSON path, a role name.

    Example:
        >>> from incidentkit.findings import Finding, Level
        >>> f = Finding("no-commander", "Nobody is in command.", Level.ERROR, "INC-1")
        >>> str(f)
        'error no-commander [INC-1]: Nobody is in command.'
    """

    code: str = attrs.field(validator=text)
    message: str = attrs.field(validator=text)
    level: Level = Level.WARNING
    subject: str = ""

    def __str__(self) -> str:
        where = f" [{self.subject}]" if self.subject else ""
        return f"{self.level.value} {self.code}{where}: {self.message}"

    def _repr_html_(self) -> str:
        from incidentkit.render import html  # noqa: PLC0415 - lazy

        return html(self)


class Findings(tuple[Finding, ...]):
    """
    The findings of a check, most severe first: a tuple that displays as a table.

    It is a plain ``tuple`` in every other way: equal to a tuple of the same
    findings, with a tuple's ``repr``, and it pickles and serialises as one.
    In a notebook it shows as a table of level, code, subject and message.

    Example:
        >>> from incidentkit.findings import Finding, Findings, Level
        >>> found = Findings([Finding("late", "Update late.", Level.WARNING)])
        >>> found == (Finding("late", "Update late.", Level.WARNING),)
        True
        >>> Findings()
        ()
    """

    __slots__ = ()

    @overload
    def __getitem__(self, index: SupportsIndex) -> Finding: ...
    @overload
    def __getitem__(self, index: slice) -> Findings: ...
    def __getitem__(self, index: SupportsIndex | slice) -> Finding | Findings:
        """One finding, or a slice as `Findings` (so ``found[:5]`` displays too)."""
        if isinstance(index, slice):
            return Findings(super().__getitem__(index))
        return super().__getitem__(index)

    def _repr_html_(self) -> str:
        from incidentkit.render import html  # noqa: PLC0415 - lazy

        return html(self)


_ORDER: Final = {Level.ERROR: 0, Level.WARNING: 1, Level.INFO: 2}


def sort_findings(findings: Iterable[Finding]) -> Findings:
    """
    Return *findings* most severe first (errors, then warnings, then information).

    The sort is stable: findings of one level keep their order.  Every check in
    incidentkit returns its findings in this order.

    Args:
        findings: The findings, in any order.

    Returns:
        The same findings, errors first, as `Findings` (a tuple).

    Example:
        >>> from incidentkit.findings import Finding, Level, sort_findings
        >>> found = [Finding("a", "Minor.", Level.INFO),
        ...          Finding("b", "Bad.", Level.ERROR)]
        >>> [f.code for f in sort_findings(found)]
        ['b', 'a']
    """
    return Findings(sorted(findings, key=_level_rank))


def _level_rank(finding: Finding) -> int:
    return _ORDER[finding.level]
