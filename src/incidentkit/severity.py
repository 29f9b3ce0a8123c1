"""
Severity levels, what each level demands, and when to page for it.

incidentkit uses three levels.  ``P1`` is the *most* severe.  Because "P1 < P2" reads
both ways, `Severity` has no ``<`` or ``>``: ask `Severity.is_more_severe_than` or
sort with `Severity.rank` (1 is the most severe).

Example:
    >>> from incidentkit import Severity
    >>> Severity.P1.is_more_severe_than(Severity.P2)
    True
    >>> Severity.most_severe([Severity.P3, Severity.P1, Severity.P2])
    <Severity.P1: 'P1'>
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable, Iterator, Mapping
from types import MappingProxyType
from typing import Any, Final, NoReturn

import attrs

from ._time import UTC, check_aware, ensure_utc, resolve_zone, to_utc_optional
from ._validators import check_bool, check_positive_timedelta, instance_of, optional
from .errors import ValidationError


__all__ = [
    "DEFAULT_POLICIES",
    "BusinessHours",
    "Paging",
    "PagingDecision",
    "ResponsePolicy",
    "Severity",
    "when_to_page",
]


class Severity(enum.Enum):
    """
    How bad an incident is: ``P1`` (critical), ``P2`` (high) or ``P3`` (low).

    * ``P1``: a full outage for all users, an active security breach, or payment
      failures during peak traffic.  Everybody needed responds now.
    * ``P2``: a partial outage, degraded performance for a large segment of users,
      or a core feature impaired.  A rapid response, but it may wait for the working
      day rather than wake people at night.
    * ``P3``: minor bugs, cosmetic glitches, a single user's problem, optimisation
      requests.  It joins the normal work cycle.

    There are deliberately no ``<``/``>`` operators; use `is_more_severe_than`,
    `is_at_least` or `rank`.

    **Reading input.**  One rule, `Severity.parse`, is used wherever a caller
    hands in a level (`incidentkit.incident.Incident.declare`, `change_severity`,
    `escalate`, `downgrade`, `when_to_page`): a `Severity`, or the name
    ``"P1"``, ``"P2"`` or ``"P3"`` in any case, after stripping surrounding white
    space.  Numbers and digit strings (``1``, ``"1"``) are refused: "1" means
    different things on different vendors' ladders.  Anything else raises a
    `ValidationError` naming the parameter.  The enum's own call,
    ``Severity("P1")``, and the wire format take the exact value only, and also
    raise `ValidationError` for anything else.

    Example:
        >>> from incidentkit import Severity
        >>> Severity.parse(" p1")
        <Severity.P1: 'P1'>
        >>> Severity.parse("1")
        Traceback (most recent call last):
        ...
        incidentkit.errors.ValidationError: 'severity' must be a Severity or one \
of 'P1', 'P2', 'P3' (got '1'); bare numbers are ambiguous across vendor ladders \
(SEV1, P1, level 1): write 'P1' if that is the level meant
        >>> Severity("p1")
        Traceback (most recent call last):
        ...
        incidentkit.errors.ValidationError: 'severity' must be one of 'P1', 'P2', \
'P3' (got 'p1'); Severity() takes the exact value, Severity.parse() reads names in \
any case
    """

    P1 = "P1"
    P2 = "P2"
    P3 = "P3"

    @property
    def rank(self) -> int:
        """
        The position in the ladder: 1 for ``P1`` (the most severe), 3 for ``P3``.

        Sorting by ``rank`` lists the most severe first.
        """
        return _RANKS[self]

    @property
    def label(self) -> str:
        """A short human label, such as ``"P1 (critical)"``."""
        return f"{self.value} ({_LABELS[self]})"

    def is_more_severe_than(self, other: Severity) -> bool:
        """
        Return whether this level is strictly worse than *other*.

        Args:
            other: The level to compare with.

        Returns:
            ``True`` for ``P1`` against ``P2``, ``False`` for ``P2`` against ``P1``.
        """
        return self.rank < _as_severity(other).rank

    def is_at_least(self, other: Severity) -> bool:
        """
        Return whether this level is as bad as *other* or worse.

        Args:
            other: The level to compare with.

        Returns:
            ``True`` for ``P1.is_at_least(P2)`` and ``P2.is_at_least(P2)``.
        """
        return self.rank <= _as_severity(other).rank

    @classmethod
    def most_severe(cls, levels: Iterable[Severity]) -> Severity:
        """
        Return the worst of *levels*.

        Args:
            levels: At least one level.

        Returns:
            The most severe level.

        Raises:
            ValidationError: If *levels* is empty.
        """
        found = min(levels, key=lambda s: _as_severity(s).rank, default=None)
        if found is None:
            raise ValidationError.for_field("levels", "at least one severity", [])
        return found

    @classmethod
    def parse(cls, value: str | Severity, *, field: str = "severity") -> Severity:
        """
        Read a level by the one input rule (see the class docstring).

        Args:
            value: A `Severity` (returned unchanged), or ``"P1"``, ``"P2"`` or
                ``"P3"`` in any case, with or without surrounding white space.
            field: The parameter name used in the error message.

        Returns:
            The level.

        Raises:
            ValidationError: For anything else, numbers and digit strings
                included, naming *field*.

        Example:
            >>> from incidentkit import Severity
            >>> Severity.parse(" p2 ")
            <Severity.P2: 'P2'>
        """
        if isinstance(value, Severity):
            return value
        if isinstance(value, str):
            found = _BY_NAME.get(value.strip().upper())
            if found is not None:
                return found
        if _is_bare_number(value):
            raise ValidationError(
                f"{field!r} must be {_PARSE_EXPECTED} (got {value!r}); bare numbers "
                "are ambiguous across vendor ladders (SEV1, P1, level 1): write "
                f"'P{str(value).strip()}' if that is the level meant",
                field=field,
                expected=_PARSE_EXPECTED,
                got=value,
            )
        raise ValidationError.for_field(field, _PARSE_EXPECTED, value)

    @classmethod
    def _missing_(cls, value: object) -> NoReturn:
        # ``Severity(x)`` takes the exact wire values only; say so in incidentkit's
        # error instead of Enum's bare ValueError (ValidationError is a ValueError).
        expected = "one of 'P1', 'P2', 'P3'"
        if isinstance(value, str) and value.strip().upper() in _NAMES:
            raise ValidationError(
                f"'severity' must be {expected} (got {value!r}); Severity() takes "
                "the exact value, Severity.parse() reads names in any case",
                field="severity",
                expected=expected,
                got=value,
            )
        raise ValidationError.for_field("severity", expected, value)


_PARSE_EXPECTED: Final[str] = "a Severity or one of 'P1', 'P2', 'P3'"
_NAMES: Final[frozenset[str]] = frozenset({"P1", "P2", "P3"})
_BY_NAME: Final[Mapping[str, Severity]] = {s.value: s for s in Severity}


def _is_bare_number(value: object) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return value in {1, 2, 3}
    return isinstance(value, str) and value.strip() in {"1", "2", "3"}


_RANKS: Final[Mapping[Severity, int]] = {Severity.P1: 1, Severity.P2: 2, Severity.P3: 3}
_LABELS: Final[Mapping[Severity, str]] = {
    Severity.P1: "critical",
    Severity.P2: "high",
    Severity.P3: "low",
}


def _as_severity(value: object) -> Severity:
    if not isinstance(value, Severity):
        raise ValidationError.for_field("other", "a Severity", value)
    return value


class Paging(enum.Enum):
    """When a level calls for paging the on-call responder."""

    IMMEDIATE = "immediate"
    """Page now, at any hour."""
    BUSINESS_HOURS = "business_hours"
    """Page now during business hours; otherwise at the start of the next ones."""
    WORK_CYCLE = "work_cycle"
    """Do not page: the work joins the normal queue."""


@attrs.frozen(kw_only=True)
class ResponsePolicy:
    """
    What one severity level demands of the response.

    The defaults in `DEFAULT_POLICIES` follow the process incidentkit encodes
    (P1 pages at any hour; P2 is urgent but may wait for business hours; P3 joins the
    work cycle; P1 and P2 need internal and public status pages and a postmortem),
    with timings from PagerDuty's public incident-response guide: first update within
    5 minutes, public updates at least every 20 minutes for a P1, a postmortem
    meeting within 3 calendar days for the most severe level and 5 business days
    (7 calendar days here) for the next one.

    Attributes:
        severity: The level this policy is for (a `Severity`, not text).
        paging: When to page (a `Paging`).
        internal_status_page: Whether an internal status page must be kept
            (``True`` or ``False``; strings and numbers are refused).
        public_status_page: Whether a public status page must be kept.
        first_update_within: How soon after declaring the first update is due.
        internal_update_every: The internal update rhythm.
        public_update_every: The public update rhythm.
        postmortem_required: Whether a postmortem must be written.
        postmortem_due_within: How long after resolution the postmortem is due.

    Raises:
        ValidationError: If a field has the wrong type (``severity="P1"``,
            ``internal_status_page="no"``) or a timedelta is not positive; the
            error names the field.

    Example:
        >>> from incidentkit import DEFAULT_POLICIES, Severity
        >>> DEFAULT_POLICIES[Severity.P1].public_update_every
        datetime.timedelta(seconds=1200)
    """

    severity: Severity = attrs.field(validator=instance_of(Severity, "a Severity"))
    paging: Paging = attrs.field(validator=instance_of(Paging, "a Paging"))
    internal_status_page: bool = attrs.field(validator=check_bool)
    public_status_page: bool = attrs.field(validator=check_bool)
    first_update_within: dt.timedelta | None = attrs.field(
        default=None, validator=optional(check_positive_timedelta)
    )
    internal_update_every: dt.timedelta | None = attrs.field(
        default=None, validator=optional(check_positive_timedelta)
    )
    public_update_every: dt.timedelta | None = attrs.field(
        default=None, validator=optional(check_positive_timedelta)
    )
    postmortem_required: bool = attrs.field(default=False, validator=check_bool)
    postmortem_due_within: dt.timedelta | None = attrs.field(
        default=None, validator=optional(check_positive_timedelta)
    )


_MIN: Final[dt.timedelta] = dt.timedelta(minutes=1)

DEFAULT_POLICIES: Final[Mapping[Severity, ResponsePolicy]] = MappingProxyType(
    {
        Severity.P1: ResponsePolicy(
            severity=Severity.P1,
            paging=Paging.IMMEDIATE,
            internal_status_page=True,
            public_status_page=True,
            first_update_within=5 * _MIN,
            internal_update_every=30 * _MIN,
            public_update_every=20 * _MIN,
            postmortem_required=True,
            postmortem_due_within=dt.timedelta(days=3),
        ),
        Severity.P2: ResponsePolicy(
            severity=Severity.P2,
            paging=Paging.BUSINESS_HOURS,
            internal_status_page=True,
            public_status_page=True,
            first_update_within=15 * _MIN,
            internal_update_every=30 * _MIN,
            public_update_every=30 * _MIN,
            postmortem_required=True,
            postmortem_due_within=dt.timedelta(days=7),
        ),
        Severity.P3: ResponsePolicy(
            severity=Severity.P3,
            paging=Paging.WORK_CYCLE,
            internal_status_page=False,
            public_status_page=False,
        ),
    }
)
"""The default `ResponsePolicy` of each level (read-only)."""


_WEEKDAYS_EXPECTED: Final[str] = (
    "a non-empty set of distinct weekday numbers 0 (Monday) to 6"
)


def _weekdays(value: Iterable[int]) -> frozenset[int]:
    # A converter, so it sees the caller's value before it becomes a set: that is
    # the only place duplicates ([0, 0, 1]) can be told apart.
    if isinstance(value, (str, bytes, Mapping)) or not isinstance(value, Iterable):
        raise ValidationError.for_field("weekdays", _WEEKDAYS_EXPECTED, value)
    days = tuple(value)
    # Show what an iterator held, not the spent iterator.
    shown: object = days if isinstance(value, Iterator) else value
    if any(
        isinstance(d, bool) or not isinstance(d, int) or not 0 <= d <= 6  # noqa: PLR2004
        for d in days
    ):
        raise ValidationError.for_field("weekdays", _WEEKDAYS_EXPECTED, shown)
    unique = frozenset(days)
    if not unique or len(unique) != len(days):
        raise ValidationError.for_field("weekdays", _WEEKDAYS_EXPECTED, shown)
    return unique


def _check_wall_time(
    _instance: object, attribute: attrs.Attribute[Any], value: Any
) -> None:
    # Private for now: _validators.py is being restructured elsewhere.
    if (
        not isinstance(value, dt.time)
        or isinstance(value, dt.datetime)  # not a subclass today; guard anyway
        or value.tzinfo is not None
    ):
        raise ValidationError.for_field(
            attribute.alias or attribute.name,
            "a datetime.time without tzinfo",
            value,
        )


def _check_zone(_instance: object, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not isinstance(value, str):
        raise ValidationError.for_field(attribute.name, "an IANA time-zone name", value)
    resolve_zone(value)


@attrs.frozen
class BusinessHours:
    """
    The working hours of a team, in a named time zone.

    Times are wall-clock times in *zone*, so "09:00 in Europe/Berlin" stays 09:00
    across daylight-saving changes.

    Attributes:
        zone: The IANA time-zone name, spelled exactly as in the time-zone
            database (``"Europe/Berlin"``; case-sensitive, never a file path;
            see `incidentkit.ensure_utc` for the same rule).
        start: When the working day starts: a `datetime.time` without tzinfo.
        end: When it ends (exclusive), after *start*; also without tzinfo.
        weekdays: The working days, 0 (Monday) to 6 (Sunday), given as any
            collection of distinct ints (a list such as ``[0, 0, 1]`` with a day
            twice is refused rather than silently collapsed; bools are refused).
            Stored as a frozenset.

    Raises:
        ValidationError: Naming the field, for any bad value.

    Example:
        >>> from datetime import datetime, timezone
        >>> from incidentkit import BusinessHours
        >>> hours = BusinessHours("Europe/Berlin")
        >>> hours.contains(datetime(2024, 6, 3, 8, 30, tzinfo=timezone.utc))
        True
    """

    zone: str = attrs.field(default="UTC", validator=_check_zone)
    start: dt.time = attrs.field(default=dt.time(9, 0), validator=_check_wall_time)
    end: dt.time = attrs.field(default=dt.time(17, 0), validator=_check_wall_time)
    weekdays: frozenset[int] = attrs.field(
        default=frozenset(range(5)), converter=_weekdays
    )

    @end.validator
    def _check_end(self, attribute: attrs.Attribute[Any], value: Any) -> None:
        if value <= self.start:
            raise ValidationError.for_field(
                attribute.name, f"a time after start ({self.start.isoformat()})", value
            )

    def contains(self, at: dt.datetime) -> bool:
        """
        Return whether *at* falls within business hours.

        Args:
            at: An aware instant.

        Returns:
            Whether it is a working day and a working time in `zone`.
        """
        at = ensure_utc(at, field="at")
        try:
            local = at.astimezone(resolve_zone(self.zone))
        except OverflowError:  # local time in year 0 or 10000
            raise ValidationError.for_field(
                "at", f"a time within years 1 to 9999 in {self.zone}", at
            ) from None
        return (
            local.weekday() in self.weekdays and self.start <= local.time() < self.end
        )

    def next_start(self, at: dt.datetime) -> dt.datetime:
        """
        Return the start of the next working day at or after *at*, in UTC.

        Args:
            at: An aware instant.

        Returns:
            The first working-day start that is not before *at*.
        """
        at = ensure_utc(at, field="at")
        zone = resolve_zone(self.zone)
        try:
            day = at.astimezone(zone).date()
            for offset in range(8):
                candidate = day + dt.timedelta(days=offset)
                if candidate.weekday() not in self.weekdays:
                    continue
                start = dt.datetime.combine(candidate, self.start, tzinfo=zone)
                # A start inside a spring-forward gap does not exist; PEP 495
                # reads it with the offset in force before the jump (fold=0),
                # which lands as far after the jump as the start was after it.
                try:
                    start_utc = start.astimezone(UTC)
                except OverflowError:
                    if start.year == 1:  # before year 1 in UTC: before *at*
                        continue
                    raise
                if start_utc >= at:
                    return start_utc
        except OverflowError:  # the next start would be after year 9999
            pass
        else:
            raise AssertionError  # pragma: no cover - weekdays is never empty
        raise ValidationError.for_field(
            "at",
            f"a time followed by a start of business hours in {self.zone} "
            "within years 1 to 9999",
            at,
        )


@attrs.frozen
class PagingDecision:
    """
    When to page for an incident, and why.

    Attributes:
        page_at: When to page, or ``None`` for "do not page".  Any aware
            datetime is accepted and stored in UTC; a naive one is refused.
        reasons: Human sentences explaining the decision.

    Raises:
        ValidationError: If *page_at* is neither an aware datetime nor ``None``.
    """

    page_at: dt.datetime | None = attrs.field(
        converter=to_utc_optional, validator=optional(check_aware)
    )
    reasons: tuple[str, ...]

    @property
    def pages(self) -> bool:
        """Whether anybody is paged at all."""
        return self.page_at is not None

    def explain(self) -> str:
        """Return the reasons as one paragraph."""
        return " ".join(self.reasons)


def when_to_page(
    severity: Severity,
    at: dt.datetime,
    *,
    hours: BusinessHours | None = None,
    policies: Mapping[Severity, ResponsePolicy] = DEFAULT_POLICIES,
) -> PagingDecision:
    """
    Decide when to page the on-call responder for an incident declared at *at*.

    Args:
        severity: The incident's level.
        at: When it was declared (aware).
        hours: The team's business hours; ``BusinessHours()`` (09:00-17:00 UTC,
            Monday to Friday) when not given.
        policies: The policy of each level.

    Returns:
        The decision, with its reasons.

    Example:
        >>> from datetime import datetime, timezone
        >>> from incidentkit import BusinessHours, Severity, when_to_page
        >>> saturday_night = datetime(2024, 6, 1, 23, 0, tzinfo=timezone.utc)
        >>> when_to_page(Severity.P1, saturday_night).page_at == saturday_night
        True
        >>> berlin = BusinessHours("Europe/Berlin")
        >>> when_to_page(Severity.P2, saturday_night, hours=berlin).page_at.isoformat()
        '2024-06-03T07:00:00+00:00'
    """
    severity = Severity.parse(severity)
    at = ensure_utc(at, field="at")
    hours = BusinessHours() if hours is None else hours
    policy = policies[severity]
    if policy.paging is Paging.IMMEDIATE:
        return PagingDecision(
            at, (f"{severity.label} pages immediately, at any hour.",)
        )
    if policy.paging is Paging.WORK_CYCLE:
        return PagingDecision(
            None, (f"{severity.label} does not page; it joins the normal work cycle.",)
        )
    if hours.contains(at):
        return PagingDecision(
            at,
            (f"{severity.label} pages now, within business hours in {hours.zone}.",),
        )
    start = hours.next_start(at)
    return PagingDecision(
        start,
        (
            (
                f"{severity.label} may wait for business hours: paging at the next "
                f"start of the working day in {hours.zone}, {start.isoformat()}."
            ),
        ),
    )
