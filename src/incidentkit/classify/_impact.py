"""What is known about an incident's impact, every fact possibly unknown."""

from __future__ import annotations

import enum
import math
from collections.abc import Mapping
from typing import Any, Final, Union

import attrs

from incidentkit._frozen import FrozenMap, freeze
from incidentkit._validators import instance_of, optional, writable
from incidentkit.errors import ValidationError
from incidentkit.findings import Finding, Level


__all__ = ["FACT_FIELDS", "Fact", "Impact", "Outage", "Scope"]

Fact = Union[str, int, float, bool]  # noqa: UP007 - a runtime alias on Python 3.10
"""The value of a custom fact: text, a number or a yes/no."""


class Scope(enum.Enum):
    """
    Who is affected.

    Example:
        >>> from incidentkit.classify import Scope
        >>> Scope("all_users")
        <Scope.ALL_USERS: 'all_users'>
    """

    ALL_USERS = "all_users"
    """Everybody."""
    LARGE_SEGMENT = "large_segment"
    """A large segment of users (a region, a plan, a platform)."""
    SINGLE_USER = "single_user"
    """One user or account."""
    NONE = "none"
    """Nobody (an internal problem, an optimisation request)."""


class Outage(enum.Enum):
    """
    What kind of outage it is.

    Example:
        >>> from incidentkit.classify import Outage
        >>> Outage("partial").value
        'partial'
    """

    FULL = "full"
    """The service does not work at all."""
    PARTIAL = "partial"
    """Part of the service does not work."""
    DEGRADED = "degraded"
    """The service works, slowly or unreliably."""
    NONE = "none"
    """The service works (a bug, a glitch, a request)."""


def _as_float(value: Any) -> Any:
    """Store whole numbers as floats, so a value reads back as it was written."""
    if isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    return value


def _fraction(_instance: object, attribute: attrs.Attribute[Any], value: Any) -> None:
    if (
        isinstance(value, bool)
        or not isinstance(value, (int, float))
        or not math.isfinite(value)
        or not 0 <= value <= 1
    ):
        raise ValidationError.for_field(
            attribute.name, "a number from 0 to 1, or None", value
        )


_FACT_EXPECTED: Final[str] = (
    "a mapping of non-empty names to text, finite numbers or True/False"
)


def _is_fact(value: object) -> bool:
    if isinstance(value, str):
        return writable(value)
    if isinstance(value, float):
        return math.isfinite(value)
    return isinstance(value, (bool, int))


def _facts(value: object) -> FrozenMap[str, Fact]:
    if isinstance(value, FrozenMap):
        return value
    if not isinstance(value, Mapping) or not all(
        isinstance(k, str) and k.strip() and writable(k) and _is_fact(v)
        for k, v in value.items()
    ):
        raise ValidationError.for_field("facts", _FACT_EXPECTED, value)
    return freeze(dict(value))


_yes_no = optional(instance_of(bool, "True, False or None (unknown)"))


@attrs.frozen(kw_only=True)
class Impact:
    """
    What is known about a problem's impact; ``None`` everywhere means "unknown".

    No fact has a default that pretends to know: a classifier never reads an
    unknown fact as "no".  Custom *facts* let teams write rules over their own
    knowledge (a region, a customer tier).

    Attributes:
        scope: Who is affected (a `Scope`), or ``None``.
        outage: What kind of outage (an `Outage`), or ``None``.
        security_breach: Whether a security breach is active.
        payment_failures: Whether payments are failing.
        peak_traffic: Whether it is a time of peak traffic.
        core_feature: Whether a core feature is affected.
        cosmetic: Whether the problem is only cosmetic.
        optimisation_request: Whether this is a request to optimise, not a fault.
        affected_users: The share of users affected, from 0 to 1.
        affected_requests: The share of requests affected, from 0 to 1.
        facts: Custom facts by name: text, numbers or ``True``/``False``.

    Raises:
        ValidationError: Naming the field, for a value of the wrong kind
            (``"yes"`` for a yes/no fact, ``1.5`` for a share).

    Example:
        >>> from incidentkit.classify import Impact, Outage, Scope
        >>> impact = Impact(scope=Scope.LARGE_SEGMENT, outage=Outage.PARTIAL)
        >>> impact.security_breach is None
        True
        >>> impact.known()
        {'scope': <Scope.LARGE_SEGMENT: 'large_segment'>, \
'outage': <Outage.PARTIAL: 'partial'>}
    """

    scope: Scope | None = attrs.field(
        default=None, validator=optional(instance_of(Scope, "a Scope"))
    )
    outage: Outage | None = attrs.field(
        default=None, validator=optional(instance_of(Outage, "an Outage"))
    )
    security_breach: bool | None = attrs.field(default=None, validator=_yes_no)
    payment_failures: bool | None = attrs.field(default=None, validator=_yes_no)
    peak_traffic: bool | None = attrs.field(default=None, validator=_yes_no)
    core_feature: bool | None = attrs.field(default=None, validator=_yes_no)
    cosmetic: bool | None = attrs.field(default=None, validator=_yes_no)
    optimisation_request: bool | None = attrs.field(default=None, validator=_yes_no)
    affected_users: float | None = attrs.field(
        default=None, converter=_as_float, validator=optional(_fraction)
    )
    affected_requests: float | None = attrs.field(
        default=None, converter=_as_float, validator=optional(_fraction)
    )
    facts: Mapping[str, Fact] = attrs.field(factory=FrozenMap, converter=_facts)

    def known(self) -> dict[str, object]:
        """
        Return the known facts (not ``None``) by field name, custom facts last.

        Returns:
            A new dict; custom facts appear under ``"facts"`` when there are any.
        """
        found: dict[str, object] = {
            name: getattr(self, name)
            for name in _FIELD_NAMES
            if getattr(self, name) is not None
        }
        if self.facts:
            found["facts"] = dict(self.facts)
        return found

    def merge(self, other: Impact) -> Impact:
        """
        Return this impact with *other*'s known facts filled in where this is unknown.

        Known facts of this impact win; custom facts are merged the same way.

        Args:
            other: More facts.

        Returns:
            The combined impact.

        Example:
            >>> from incidentkit.classify import Impact, Outage, Scope
            >>> Impact(scope=Scope.ALL_USERS).merge(Impact(outage=Outage.FULL,
            ...     scope=Scope.NONE)).known()["scope"]
            <Scope.ALL_USERS: 'all_users'>
        """
        if not isinstance(other, Impact):
            raise ValidationError.for_field("other", "an Impact", other)
        changes: dict[str, Any] = {
            name: getattr(other, name)
            for name in _FIELD_NAMES
            if getattr(self, name) is None and getattr(other, name) is not None
        }
        if other.facts:
            changes["facts"] = {**other.facts, **self.facts}
        return attrs.evolve(self, **changes) if changes else self

    def contradictions(self) -> tuple[Finding, ...]:
        """
        Return findings for facts that cannot all be true together.

        Returns:
            One ``contradictory-impact`` warning per pair that contradicts
            (nobody affected but an outage, a full outage that is only
            cosmetic, a share of users that disagrees with the scope).

        Example:
            >>> from incidentkit.classify import Impact, Outage, Scope
            >>> [f.code for f in Impact(scope=Scope.NONE,
            ...                         outage=Outage.FULL).contradictions()]
            ['contradictory-impact']
        """
        return _findings(fact_contradictions(self) + share_contradictions(self))


def fact_contradictions(impact: Impact) -> tuple[str, ...]:
    """The contradictions among the facts of `FACT_FIELDS` (no shares)."""
    found: list[str] = []
    scope, outage = impact.scope, impact.outage
    if scope is Scope.NONE and outage not in {None, Outage.NONE}:
        found.append(f"scope is none (nobody affected) but outage is {outage}")
    if impact.cosmetic is True and outage in {Outage.FULL, Outage.PARTIAL}:
        found.append(f"the problem is only cosmetic but outage is {outage}")
    if scope is Scope.SINGLE_USER and outage in {Outage.FULL, Outage.PARTIAL}:
        found.append(
            f"a single user is affected but outage is {outage} (a service "
            "outage reaches more than one user; one broken account is no outage)"
        )
    if impact.cosmetic is True and impact.core_feature is True:
        found.append("the problem is only cosmetic but a core feature is impaired")
    if impact.optimisation_request is True and outage in {
        Outage.FULL,
        Outage.PARTIAL,
    }:
        found.append(f"an optimisation request but outage is {outage}")
    return tuple(found)


def share_contradictions(impact: Impact) -> tuple[str, ...]:
    """The contradictions between the share of users and the scope."""
    users, scope = impact.affected_users, impact.scope
    if users is None:
        return ()
    found: list[str] = []
    if scope is Scope.NONE and users > 0:
        found.append(f"scope is none but affected_users is {users:g}")
    if scope is Scope.ALL_USERS and users < 1:
        found.append(f"scope is all users but affected_users is {users:g}")
    if users == 0 and scope in {Scope.ALL_USERS, Scope.LARGE_SEGMENT}:
        found.append(f"affected_users is 0 but scope is {scope}")
    return tuple(found)


def _findings(texts: tuple[str, ...]) -> tuple[Finding, ...]:
    return tuple(
        Finding(
            "contradictory-impact",
            f"Contradictory facts: {text}; the classification applies the "
            "rules to both as given: check which is true.",
            Level.WARNING,
            "impact",
        )
        for text in texts
    )


findings_of = _findings


_FIELD_NAMES: Final[tuple[str, ...]] = tuple(
    a.name for a in attrs.fields(Impact) if a.name != "facts"
)

_YES_NO: Final[tuple[bool, ...]] = (False, True)

FACT_FIELDS: Final[Mapping[str, tuple[object, ...]]] = FrozenMap(
    {
        # Mildest first: the unknowns name the mildest assumption that changes the
        # answer ("if a large segment is affected" before "if all users are").
        "scope": tuple(reversed(Scope)),
        "outage": tuple(reversed(Outage)),
        "security_breach": _YES_NO,
        "payment_failures": _YES_NO,
        "peak_traffic": _YES_NO,
        "core_feature": _YES_NO,
        "cosmetic": _YES_NO,
        "optimisation_request": _YES_NO,
    }
)
"""
The facts a `Rule` may declare in ``reads``, with the values tried for each.

The classifier tries these values for the unknown facts a rule reads to find the
``unknowns`` that would change the answer.  Shares and custom facts have no
finite set of values to try, so they never appear among the unknowns.
"""

_PHRASES: Final[Mapping[tuple[str, object], str]] = {
    ("scope", Scope.ALL_USERS): "all users are affected",
    ("scope", Scope.LARGE_SEGMENT): "a large segment of users is affected",
    ("scope", Scope.SINGLE_USER): "a single user is affected",
    ("scope", Scope.NONE): "no user is affected",
    ("outage", Outage.FULL): "the outage is full",
    ("outage", Outage.PARTIAL): "the outage is partial",
    ("outage", Outage.DEGRADED): "performance is degraded",
    ("outage", Outage.NONE): "there is no outage",
    ("security_breach", True): "a security breach is active",
    ("security_breach", False): "no security breach is active",
    ("payment_failures", True): "payments are failing",
    ("payment_failures", False): "payments work",
    ("peak_traffic", True): "it is peak traffic",
    ("peak_traffic", False): "it is not peak traffic",
    ("core_feature", True): "a core feature is affected",
    ("core_feature", False): "no core feature is affected",
    ("cosmetic", True): "the problem is only cosmetic",
    ("cosmetic", False): "the problem is more than cosmetic",
    ("optimisation_request", True): "it is an optimisation request",
    ("optimisation_request", False): "it is not an optimisation request",
}


def phrase(name: str, value: object) -> str:
    """The condition *name* = *value* in words."""
    return _PHRASES[name, value]
