"""
Who does what during an incident: roles, their tenure, and the checks on them.

Three roles are canonical.  The *incident commander* coordinates (by default whoever
declares the incident, until an explicit hand-off), the *operations lead* does the
hands-on work, and the *communications lead* keeps stakeholders informed (on small
incidents the commander absorbs that role).  Any other role (a scribe, a deputy, a
subject-matter expert, a liaison) is a `Role` with its own name.

Each role has at most one holder at a time; several experts are several roles
(``Role("sme-database")``, ``Role("sme-network")``).

Example:
    >>> from incidentkit import Role
    >>> Role.INCIDENT_COMMANDER
    Role('incident_commander')
    >>> Role("scribe").is_canonical
    False
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from typing import Any, ClassVar, Final

import attrs

from ._time import check_aware, ensure_utc, to_utc, to_utc_optional
from ._validators import instance_of, text
from .errors import ValidationError
from .findings import Finding, Level, sort_findings
from .severity import Severity


__all__ = ["Role", "RoleAssignment", "check_roles", "holder_of"]

_NAME: Final[re.Pattern[str]] = re.compile(r"[a-z][a-z0-9_\-]*\Z")


def _check_name(_instance: object, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not isinstance(value, str) or not _NAME.match(value):
        raise ValidationError.for_field(
            attribute.name,
            "a lowercase name of letters, digits, '_' and '-' (like 'scribe')",
            value,
        )


@attrs.frozen(repr=False)
class Role:
    """
    A responsibility during an incident, identified by its name.

    Attributes:
        name: The role's name: lowercase letters, digits, ``_`` and ``-``.

    Example:
        >>> from incidentkit import Role
        >>> Role("sme-database").title
        'Sme Database'
    """

    INCIDENT_COMMANDER: ClassVar[Role]
    """Coordinates the response; does not do the hands-on work."""
    OPERATIONS_LEAD: ClassVar[Role]
    """Does the hands-on technical work: diagnosis, fixes, rollbacks."""
    COMMUNICATIONS_LEAD: ClassVar[Role]
    """Keeps internal and external stakeholders informed."""

    name: str = attrs.field(validator=_check_name)

    @property
    def title(self) -> str:
        """The name for humans: ``"Incident Commander"``."""
        return self.name.replace("_", " ").replace("-", " ").title()

    @property
    def is_canonical(self) -> bool:
        """Whether this is one of the three roles the process defines."""
        return self.name in _CANONICAL

    def __repr__(self) -> str:
        return f"Role({self.name!r})"

    def __str__(self) -> str:
        return self.name


Role.INCIDENT_COMMANDER = Role("incident_commander")
Role.OPERATIONS_LEAD = Role("operations_lead")
Role.COMMUNICATIONS_LEAD = Role("communications_lead")
_CANONICAL: Final[frozenset[str]] = frozenset(
    {"incident_commander", "operations_lead", "communications_lead"}
)


@attrs.frozen
class RoleAssignment:
    """
    One person holding one role for a while.

    Attributes:
        role: The role.
        person: Who holds it.
        assumed_at: When they took it.
        relieved_at: When they handed it on, or ``None`` while they hold it.

    Example:
        >>> from datetime import datetime, timezone
        >>> from incidentkit import Role, RoleAssignment
        >>> t = datetime(2024, 6, 1, 14, 0, tzinfo=timezone.utc)
        >>> RoleAssignment(Role.OPERATIONS_LEAD, "raj", t).is_active_at(t)
        True
    """

    role: Role = attrs.field(validator=instance_of(Role, "a Role"))
    person: str = attrs.field(validator=text)
    assumed_at: dt.datetime = attrs.field(converter=to_utc, validator=check_aware)
    relieved_at: dt.datetime | None = attrs.field(
        default=None, converter=to_utc_optional, validator=check_aware
    )

    @relieved_at.validator
    def _check_tenure(
        self,
        _attribute: attrs.Attribute[Any],
        value: dt.datetime | None,
    ) -> None:
        if value is not None and value < self.assumed_at:
            raise ValidationError(
                f"'relieved_at' must not be before 'assumed_at' (got relieved_at="
                f"{value.isoformat()}, assumed_at={self.assumed_at.isoformat()})",
                field="relieved_at",
                expected="a time at or after assumed_at",
                got=value,
            )

    @property
    def is_current(self) -> bool:
        """Whether the person still holds the role."""
        return self.relieved_at is None

    def is_active_at(self, at: dt.datetime) -> bool:
        """
        Return whether the person held the role at *at*.

        Tenure is half-open: held from ``assumed_at`` up to, not including,
        ``relieved_at``.

        Args:
            at: An aware instant.

        Returns:
            Whether the role was held then.
        """
        at = ensure_utc(at, field="at")
        return self.assumed_at <= at and (
            self.relieved_at is None or at < self.relieved_at
        )

    def relieve(self, at: dt.datetime) -> RoleAssignment:
        """
        Return this assignment ended at *at*.

        Args:
            at: When the person stopped holding the role.

        Returns:
            A new assignment with ``relieved_at`` set.

        Raises:
            ValidationError: If it has ended already, or *at* is before it began.
        """
        if self.relieved_at is not None:
            raise ValidationError(
                f"{self.person!r} was relieved of {self.role.name!r} already "
                f"(at {self.relieved_at.isoformat()})",
                field="relieved_at",
                expected="a current assignment",
                got=self.relieved_at,
            )
        return attrs.evolve(self, relieved_at=ensure_utc(at, field="at"))


def holder_of(
    assignments: Iterable[RoleAssignment], role: Role, at: dt.datetime | None = None
) -> str | None:
    """
    Return who holds *role*: now (the current holder), or at the instant *at*.

    Args:
        assignments: The assignments to search.
        role: The role.
        at: An instant, or ``None`` for the current holder.

    Returns:
        The person, or ``None`` when nobody holds it.
    """
    for assignment in assignments:
        if assignment.role != role:
            continue
        if (at is None and assignment.is_current) or (
            at is not None and assignment.is_active_at(at)
        ):
            return assignment.person
    return None


def check_roles(
    assignments: Iterable[RoleAssignment],
    *,
    severity: Severity,
    at: dt.datetime,
    hands_on: Iterable[tuple[str, dt.datetime]] = (),
    subject: str = "",
) -> tuple[Finding, ...]:
    """
    Flag the failure modes the roles exist to prevent.

    * ``no-commander`` (error): nobody is in command at *at*.
    * ``commander-hands-on`` (warning, P1 only): the commander also did hands-on
      work (held the operations lead role, or applied a mitigation, per *hands_on*)
      instead of coordinating.
    * ``no-communications-lead`` (error on P1): nobody owns communications.
    * ``commander-owns-communications`` (info on P2): no communications lead, so
      the commander absorbs the role, as the process allows on smaller incidents.

    Args:
        assignments: The incident's role assignments.
        severity: The incident's level.
        at: The instant to check.
        hands_on: ``(person, when)`` pairs of hands-on work, such as mitigations.
        subject: What the findings are about (an incident id).

    Returns:
        The findings, most serious first; empty when all is well.

    Example:
        >>> from datetime import datetime, timezone
        >>> from incidentkit import Role, RoleAssignment, Severity, check_roles
        >>> t = datetime(2024, 6, 1, 14, 0, tzinfo=timezone.utc)
        >>> ic = RoleAssignment(Role.INCIDENT_COMMANDER, "ana", t)
        >>> [f.code for f in check_roles([ic], severity=Severity.P1, at=t)]
        ['no-communications-lead']
    """
    at = ensure_utc(at, field="at")
    assignments = tuple(assignments)
    found: list[Finding] = []
    commander = holder_of(assignments, Role.INCIDENT_COMMANDER, at)
    if commander is None:
        found.append(
            Finding(
                "no-commander",
                "Nobody is in command: without an incident commander nobody "
                "coordinates, delegates or keeps the overall picture.",
                Level.ERROR,
                subject,
            )
        )
    if severity is Severity.P1:
        found.extend(_hands_on_findings(assignments, hands_on, at, subject))
    if holder_of(assignments, Role.COMMUNICATIONS_LEAD, at) is None:
        if severity is Severity.P1:
            found.append(
                Finding(
                    "no-communications-lead",
                    "A P1 has no communications lead: stakeholder updates will "
                    "interrupt the people doing the technical work, or not happen.",
                    Level.ERROR,
                    subject,
                )
            )
        elif severity is Severity.P2 and commander is not None:
            found.append(
                Finding(
                    "commander-owns-communications",
                    f"No communications lead: the incident commander ({commander}) "
                    "owns stakeholder updates, as the process allows on smaller "
                    "incidents.",
                    Level.INFO,
                    subject,
                )
            )
        elif severity is Severity.P2:
            found.append(
                Finding(
                    "no-communications-lead",
                    "A P2 has neither a communications lead nor a commander to "
                    "absorb the role: nobody owns stakeholder updates.",
                    Level.ERROR,
                    subject,
                )
            )
    return sort_findings(found)


def _hands_on_findings(
    assignments: tuple[RoleAssignment, ...],
    hands_on: Iterable[tuple[str, dt.datetime]],
    at: dt.datetime,
    subject: str,
) -> list[Finding]:
    commander = holder_of(assignments, Role.INCIDENT_COMMANDER, at)
    if commander is not None and commander == holder_of(
        assignments, Role.OPERATIONS_LEAD, at
    ):
        return [
            Finding(
                "commander-hands-on",
                f"{commander} is both incident commander and operations lead on a "
                "P1: nobody is coordinating while the hands-on work goes on.",
                Level.WARNING,
                subject,
            )
        ]
    for person, when in hands_on:
        if (
            when <= at
            and holder_of(assignments, Role.INCIDENT_COMMANDER, when) == person
        ):
            return [
                Finding(
                    "commander-hands-on",
                    f"{person} applied a mitigation at {when.isoformat()} while "
                    "incident commander on a P1: the commander should delegate "
                    "hands-on work to the operations lead.",
                    Level.WARNING,
                    subject,
                )
            ]
    return []
