"""Cadence policies: when updates are due, per audience, as data."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import Any, Final

import attrs

from incidentkit._validators import (
    as_tuple,
    check_positive_timedelta,
    instance_of,
    optional,
    tuple_of,
)
from incidentkit.errors import ValidationError
from incidentkit.severity import DEFAULT_POLICIES, ResponsePolicy, Severity
from incidentkit.timeline import Audience


__all__ = [
    "DEFAULT_CADENCES",
    "FINAL_UPDATE_WITHIN",
    "PAGERDUTY_PUBLIC_CADENCE",
    "Cadence",
    "CadencePolicy",
    "Step",
]

_MIN: Final[dt.timedelta] = dt.timedelta(minutes=1)

FINAL_UPDATE_WITHIN: Final[dt.timedelta] = 30 * _MIN
"""
How soon after resolution the final update is due for an audience that got
updates while no cadence applied to it (a ``P3`` somebody kept informed).
"""


@attrs.frozen
class Step:
    """
    One stretch of a stepwise rhythm: an update every *every*, until *until*.

    Attributes:
        every: The longest gap allowed between two updates (positive).
        until: How long after the declaration this stretch ends, or ``None``
            for "until resolution" (only the last step of a cadence).

    Example:
        >>> from datetime import timedelta
        >>> from incidentkit.comms import Step
        >>> Step(timedelta(minutes=20), until=timedelta(hours=2)).every
        datetime.timedelta(seconds=1200)
    """

    every: dt.timedelta = attrs.field(validator=check_positive_timedelta)
    until: dt.timedelta | None = attrs.field(
        default=None, validator=optional(check_positive_timedelta)
    )


def _steps(value: Iterable[Step]) -> tuple[Step, ...]:
    # Typed for callers; anything but an iterable is left to the validator.
    return as_tuple(value)  # type: ignore[return-value]


def _is_step(value: object) -> bool:
    return isinstance(value, Step)


def _final_default(cadence: Cadence) -> dt.timedelta:
    return cadence.first_within


@attrs.frozen(kw_only=True)
class Cadence:
    """
    When one audience's updates are due: a first one soon, then a rhythm.

    The rhythm may change with the incident's age (every 20 minutes for the
    first two hours, then hourly): each `Step` but the last ends at an age
    (time since declaration), and the gap allowed after an update is the one
    of the step in force when it was posted.

    Attributes:
        first_within: How soon after declaring (or after a severity change)
            the first update is due.
        steps: The rhythm, at least one step; every step but the last has an
            ``until``, increasing; the last has none.
        final_within: How soon after resolution the final update is due;
            *first_within* when not given.

    Raises:
        ValidationError: Naming the field, for a bad value or step order.

    Example:
        >>> from datetime import timedelta
        >>> from incidentkit.comms import Cadence
        >>> c = Cadence.every(timedelta(minutes=20), first_within=timedelta(minutes=5))
        >>> c = c.with_long_incident_mode(after=timedelta(hours=2),
        ...                               every=timedelta(hours=1))
        >>> c.interval_at(timedelta(minutes=90)), c.interval_at(timedelta(hours=3))
        (datetime.timedelta(seconds=1200), datetime.timedelta(seconds=3600))
    """

    first_within: dt.timedelta = attrs.field(validator=check_positive_timedelta)
    steps: tuple[Step, ...] = attrs.field(
        converter=_steps, validator=tuple_of(_is_step, "a sequence of Step values")
    )
    final_within: dt.timedelta = attrs.field(
        default=attrs.Factory(_final_default, takes_self=True),
        validator=check_positive_timedelta,
    )

    @steps.validator
    def _check_steps(self, _attribute: attrs.Attribute[Any], value: Any) -> None:
        if not value:
            raise ValidationError.for_field("steps", "at least one Step", value)
        *bounded, last = value
        if last.until is not None:
            raise ValidationError.for_field(
                "steps",
                "a last step without 'until' (it lasts until resolution)",
                value,
            )
        ends = [step.until for step in bounded]
        if None in ends or any(a >= b for a, b in itertools.pairwise(ends)):
            raise ValidationError.for_field(
                "steps",
                "steps whose 'until' is set on all but the last, increasing",
                value,
            )

    @classmethod
    def every(
        cls,
        every: dt.timedelta,
        *,
        first_within: dt.timedelta,
        final_within: dt.timedelta | None = None,
    ) -> Cadence:
        """
        Return a cadence with one steady rhythm.

        Args:
            every: The gap allowed between updates.
            first_within: How soon the first update is due.
            final_within: How soon after resolution the final one is due.

        Returns:
            The cadence.

        Example:
            >>> from datetime import timedelta
            >>> from incidentkit.comms import Cadence
            >>> Cadence.every(timedelta(minutes=30),
            ...               first_within=timedelta(minutes=5)).final_within
            datetime.timedelta(seconds=300)
        """
        if final_within is None:
            return cls(first_within=first_within, steps=(Step(every),))
        return cls(
            first_within=first_within, steps=(Step(every),), final_within=final_within
        )

    def with_long_incident_mode(
        self, *, after: dt.timedelta, every: dt.timedelta
    ) -> Cadence:
        """
        Return this cadence relaxed to *every* once the incident is *after* old.

        PagerDuty's guide lets a long incident (over two hours) update less
        often, provided every update still says when the next one comes.

        Args:
            after: The age at which the relaxed rhythm starts; after the ends
                of the existing steps.
            every: The relaxed gap.

        Returns:
            The new cadence.

        Example:
            >>> from datetime import timedelta
            >>> from incidentkit.comms import Cadence
            >>> c = Cadence.every(timedelta(minutes=30),
            ...                   first_within=timedelta(minutes=5))
            >>> len(c.with_long_incident_mode(after=timedelta(hours=2),
            ...                               every=timedelta(hours=1)).steps)
            2
        """
        *bounded, last = self.steps
        steps = (*bounded, Step(last.every, until=after), Step(every))
        return attrs.evolve(self, steps=steps)

    def interval_at(self, age: dt.timedelta) -> dt.timedelta:
        """
        Return the gap allowed after an update posted at *age* (since declaring).

        Args:
            age: The incident's age when the update went out.

        Returns:
            The gap of the step in force.
        """
        for step in self.steps:
            if step.until is None or age < step.until:
                return step.every
        raise AssertionError  # pragma: no cover - the last step has no end


_CADENCE: Final = optional(instance_of(Cadence, "a Cadence"))


@attrs.frozen(kw_only=True)
class CadencePolicy:
    """
    The update cadence of each audience for one severity level.

    An audience without a cadence needs no updates (``P3`` by default).  The
    defaults, `DEFAULT_CADENCES`, are derived from `DEFAULT_POLICIES` with
    `from_response_policy`, so the severity's `ResponsePolicy` stays the one
    source of truth.

    Attributes:
        internal: The internal status page's cadence, or ``None``.
        public: The public status page's cadence, or ``None``.

    Example:
        >>> from incidentkit import Severity
        >>> from incidentkit.comms import DEFAULT_CADENCES
        >>> DEFAULT_CADENCES[Severity.P1].public.first_within
        datetime.timedelta(seconds=300)
        >>> DEFAULT_CADENCES[Severity.P3].public is None
        True
    """

    internal: Cadence | None = attrs.field(default=None, validator=_CADENCE)
    public: Cadence | None = attrs.field(default=None, validator=_CADENCE)

    def cadence(self, audience: Audience) -> Cadence | None:
        """
        Return the cadence of *audience*, or ``None`` when it needs no updates.

        Args:
            audience: Internal or public.

        Returns:
            The cadence.
        """
        if audience is Audience.INTERNAL:
            return self.internal
        if audience is Audience.PUBLIC:
            return self.public
        raise ValidationError.for_field("audience", "an Audience", audience)

    @classmethod
    def from_response_policy(cls, policy: ResponsePolicy) -> CadencePolicy:
        """
        Derive the cadence a `ResponsePolicy` demands.

        A required status page gets a cadence: the first update within
        ``first_update_within``, then every ``internal_update_every`` or
        ``public_update_every``; the final update within ``first_update_within``
        of resolution.

        Args:
            policy: The response policy.

        Returns:
            The cadence policy.

        Raises:
            ValidationError: If a required status page has no first-update
                time or no rhythm.

        Example:
            >>> from incidentkit import DEFAULT_POLICIES, Severity
            >>> from incidentkit.comms import CadencePolicy
            >>> p = CadencePolicy.from_response_policy(DEFAULT_POLICIES[Severity.P2])
            >>> p.internal.steps[0].every
            datetime.timedelta(seconds=1800)
        """
        if not isinstance(policy, ResponsePolicy):
            raise ValidationError.for_field("policy", "a ResponsePolicy", policy)

        def derive(
            required: bool, every: dt.timedelta | None, name: str
        ) -> Cadence | None:
            if not required:
                return None
            first = policy.first_update_within
            if first is None or every is None:
                missing = "first_update_within" if first is None else name
                raise ValidationError.for_field(
                    f"policy.{missing}",
                    "a timedelta: the policy requires that status page",
                    None,
                )
            return Cadence.every(every, first_within=first)

        return cls(
            internal=derive(
                policy.internal_status_page,
                policy.internal_update_every,
                "internal_update_every",
            ),
            public=derive(
                policy.public_status_page,
                policy.public_update_every,
                "public_update_every",
            ),
        )


DEFAULT_CADENCES: Final[Mapping[Severity, CadencePolicy]] = MappingProxyType(
    {
        severity: CadencePolicy.from_response_policy(policy)
        for severity, policy in DEFAULT_POLICIES.items()
    }
)
"""The cadence of each level, derived from `DEFAULT_POLICIES` (read-only)."""

PAGERDUTY_PUBLIC_CADENCE: Final[Cadence] = Cadence(
    first_within=5 * _MIN,
    steps=(Step(20 * _MIN, until=dt.timedelta(hours=2)), Step(60 * _MIN)),
)
"""
PagerDuty's external-communication guide as a cadence: the first post within
5 minutes, then at least every 20 minutes for the first two hours; after that
the long-incident mode here updates hourly (the guide allows fewer updates but
names no interval, so the hour is incidentkit's choice).
"""
