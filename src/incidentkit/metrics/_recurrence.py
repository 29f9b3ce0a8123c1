"""Recurrence, response tiers and downtime cost."""

from __future__ import annotations

import bisect
import datetime as dt
import math
from collections.abc import Callable, Hashable, Iterable, Mapping
from types import MappingProxyType
from typing import Final

import attrs

from incidentkit.errors import ValidationError
from incidentkit.findings import Finding, Level
from incidentkit.spans import TIME_TO_RESTORE, Milestoned, Span, Unmeasured

from ._input import call_user, incidents_of, not_incidents


__all__ = [
    "INDUSTRY_HOURLY_COST",
    "Recurrence",
    "RecurrenceGroup",
    "ResponseTiers",
    "downtime_cost",
    "recurrence",
    "response_tiers",
    "service_and_category",
]

_HOUR: Final = dt.timedelta(hours=1)


def service_and_category(incident: Milestoned) -> tuple[str, str] | None:
    """
    The default recurrence fingerprint: ``(service, category)``.

    ``None`` (no fingerprint) unless both are known: "the same service again" with
    no cause measures how busy a service is, not whether a fix held.
    """
    if incident.service is None or incident.category is None:
        return None
    return (incident.service, incident.category)


@attrs.frozen(kw_only=True)
class RecurrenceGroup:
    """
    The incidents that share one fingerprint.

    Attributes:
        key: The fingerprint.
        incidents: How many incidents have it.
        recurrences: How many of them came back within the window.
        ids: Their ids, in time order.
    """

    key: Hashable
    incidents: int
    recurrences: int
    ids: tuple[str, ...]


@attrs.frozen(kw_only=True)
class Recurrence:
    """
    How often the same kind of incident comes back.

    An incident *recurs* when an earlier one with the same fingerprint was
    resolved at most ``window`` before it started.

    Attributes:
        window: The window.
        keyed: Incidents with a fingerprint and a start (the ones looked at).
        unkeyed: Incidents without a fingerprint, or with no time at all.
        recurring: Keyed incidents that recurred.
        rate: ``recurring / keyed``; ``None`` when nothing is keyed.
        groups: Every fingerprint, most recurrences first.
        gaps: For each recurrence, the time from the earlier one's resolution to
            its start, shortest first.
        recurring_ids: The ids of the incidents that recurred.
        findings: What the caller should know about the input: incidents
            without a fingerprint (a warning when none has one).
    """

    window: dt.timedelta
    keyed: int
    unkeyed: int
    recurring: int
    rate: float | None
    groups: tuple[RecurrenceGroup, ...]
    gaps: tuple[dt.timedelta, ...]
    recurring_ids: tuple[str, ...]
    findings: tuple[Finding, ...] = ()

    @property
    def median_gap(self) -> dt.timedelta | None:
        """The median time between a resolution and the repeat (``None`` if none)."""
        n = len(self.gaps)
        if not n:
            return None
        middle = n // 2
        if n % 2:
            return self.gaps[middle]
        return (self.gaps[middle - 1] + self.gaps[middle]) / 2

    def _repr_html_(self) -> str:
        """Show it as HTML in a notebook (see `incidentkit.render.html`)."""
        from incidentkit.render import html  # noqa: PLC0415 - lazy

        return html(self)


def _started(incident: Milestoned) -> dt.datetime | None:
    return incident.started_at or incident.declared_at


_Member = tuple[dt.datetime, str, "dt.datetime | None"]


def _repeats(
    members: list[_Member],
    window: dt.timedelta,
    gaps: list[dt.timedelta],
    recurring_ids: list[tuple[dt.datetime, str]],
) -> int:
    """Scan one fingerprint's incidents in start order; count the repeats."""
    resolved: list[dt.datetime] = []  # earlier incidents' resolutions, sorted
    repeats = 0
    for start, ident, resolved_at in members:
        position = bisect.bisect_right(resolved, start)
        if position:
            gap = start - resolved[position - 1]
            if gap <= window:
                repeats += 1
                gaps.append(gap)
                recurring_ids.append((start, ident))
        if resolved_at is not None:
            bisect.insort(resolved, resolved_at)
    return repeats


def recurrence(
    incidents: Iterable[Milestoned],
    *,
    window: dt.timedelta = dt.timedelta(days=30),
    fingerprint: Callable[[Milestoned], Hashable | None] = service_and_category,
) -> Recurrence:
    """
    Find the incidents that came back within *window* of an earlier one.

    An incident starts at its ``started_at``, or its ``declared_at`` when impact
    start is unknown; it recurs when an earlier incident (by start) with the
    same fingerprint was resolved no more than *window* before that.  Incidents
    whose fingerprint is ``None`` are counted as ``unkeyed``, never dropped.
    O(n log n).

    Args:
        incidents: The history.
        window: How soon a repeat counts as a recurrence.
        fingerprint: What makes two incidents "the same kind": ``(service,
            category)`` by default; any function returning a hashable or ``None``.

    Returns:
        The `Recurrence`.

    Example:
        >>> from datetime import datetime, timedelta, timezone
        >>> from incidentkit import Incident, metrics
        >>> t0 = datetime(2024, 3, 1, tzinfo=timezone.utc)
        >>> def leak(day):
        ...     at = t0 + timedelta(days=day)
        ...     inc = Incident.declare("pool exhausted", severity="P2",
        ...                            declared_by="ana", at=at, service="db",
        ...                            category="connection-leak")
        ...     inc = inc.mitigate(at=at + timedelta(hours=1), how="restart")
        ...     return inc.resolve(at=at + timedelta(hours=2), summary="patched")
        >>> r = metrics.recurrence([leak(0), leak(10), leak(80)])
        >>> r.recurring, round(r.rate, 2), str(r.gaps[0])
        (1, 0.33, '9 days, 22:00:00')
    """
    if not isinstance(window, dt.timedelta) or window < dt.timedelta(0):
        raise ValidationError.for_field("window", "a non-negative timedelta", window)
    if not callable(fingerprint):
        raise ValidationError.for_field("fingerprint", "a function", fingerprint)
    by_key: dict[Hashable, list[_Member]] = {}
    unkeyed = 0
    for incident in incidents_of(incidents):
        try:
            start = _started(incident)
            member = (start, incident.id, incident.resolved_at)
        except AttributeError:
            not_incidents(incident)
        key = call_user(fingerprint, incident, "fingerprint")
        if key is None or start is None:
            unkeyed += 1
            continue
        by_key.setdefault(key, []).append(member)  # type: ignore[arg-type]
    groups: list[RecurrenceGroup] = []
    gaps: list[dt.timedelta] = []
    recurring_ids: list[tuple[dt.datetime, str]] = []
    for key, members in by_key.items():
        members.sort(key=lambda m: (m[0], m[1]))
        repeats = _repeats(members, window, gaps, recurring_ids)
        groups.append(
            RecurrenceGroup(
                key=key,
                incidents=len(members),
                recurrences=repeats,
                ids=tuple(m[1] for m in members),
            )
        )
    groups.sort(key=lambda g: (-g.recurrences, -g.incidents, str(g.key)))
    keyed = sum(g.incidents for g in groups)
    recurring = len(gaps)
    gaps.sort()
    recurring_ids.sort()
    return Recurrence(
        window=window,
        keyed=keyed,
        unkeyed=unkeyed,
        recurring=recurring,
        rate=recurring / keyed if keyed else None,
        groups=tuple(groups),
        gaps=tuple(gaps),
        recurring_ids=tuple(i for _, i in recurring_ids),
        findings=_unkeyed_findings(unkeyed, keyed, fingerprint),
    )


def _unkeyed_findings(
    unkeyed: int, keyed: int, fingerprint: Callable[..., object]
) -> tuple[Finding, ...]:
    if not unkeyed:
        return ()
    why = (
        " (the default fingerprint needs both a service and a category; "
        "without categories, fingerprint=lambda i: i.service finds the same "
        "service again, which says more about load than about fixes)"
        if fingerprint is service_and_category
        else ""
    )
    return (
        Finding(
            "unkeyed-incidents",
            f"{unkeyed} of {unkeyed + keyed} incidents have no fingerprint or no "
            f"start, so they are counted but not compared{why}.",
            Level.WARNING if not keyed else Level.INFO,
            "fingerprint",
        ),
    )


@attrs.frozen(kw_only=True)
class ResponseTiers:
    """
    How a history splits into the process's three response tiers.

    Restoring service in under an hour is what top performers do; one to eight
    hours is average; eight hours or more usually means there is no clear
    process.

    Attributes:
        span: What was measured (time to restore by default).
        under_1h: Incidents restored in under an hour.
        from_1h_to_8h: From one hour up to (not including) eight.
        over_8h: Eight hours or more.
        missing: Incidents lacking a milestone of the span.
        invalid: Records with a zero or negative duration.
        open: Incidents not restored yet.
    """

    span: Span
    under_1h: int
    from_1h_to_8h: int
    over_8h: int
    missing: int
    invalid: int
    open: int

    @property
    def measured(self) -> int:
        """How many incidents fell in a tier."""
        return self.under_1h + self.from_1h_to_8h + self.over_8h

    def shares(self) -> Mapping[str, float]:
        """
        Each tier's share of the measured incidents (empty when none were).

        Example:
            >>> from incidentkit.metrics import ResponseTiers
            >>> from incidentkit.spans import TIME_TO_RESTORE
            >>> t = ResponseTiers(span=TIME_TO_RESTORE, under_1h=6, from_1h_to_8h=3,
            ...                   over_8h=1, missing=0, invalid=0, open=2)
            >>> dict(t.shares())
            {'under 1h': 0.6, '1h to 8h': 0.3, '8h or more': 0.1}
        """
        total = self.measured
        if not total:
            return MappingProxyType({})
        return MappingProxyType(
            {
                "under 1h": self.under_1h / total,
                "1h to 8h": self.from_1h_to_8h / total,
                "8h or more": self.over_8h / total,
            }
        )

    def _repr_html_(self) -> str:
        """Show it as HTML in a notebook (see `incidentkit.render.html`)."""
        from incidentkit.render import html  # noqa: PLC0415 - lazy

        return html(self)


def response_tiers(
    incidents: Iterable[Milestoned], span: Span = TIME_TO_RESTORE
) -> ResponseTiers:
    """
    Count how many incidents were restored in under 1 hour, 1 to 8, or 8 or more.

    Args:
        incidents: The history.
        span: What to measure; time to restore by default.

    Returns:
        The `ResponseTiers`.

    Example:
        >>> from datetime import datetime, timedelta, timezone
        >>> from incidentkit import Incident, metrics
        >>> t0 = datetime(2024, 6, 1, tzinfo=timezone.utc)
        >>> def restored(hours):
        ...     inc = Incident.declare("outage", severity="P2", declared_by="ana",
        ...                            at=t0, started_at=t0)
        ...     return inc.mitigate(at=t0 + timedelta(hours=hours), how="rollback")
        >>> t = metrics.response_tiers([restored(h) for h in (0.5, 0.75, 2, 12)])
        >>> t.under_1h, t.from_1h_to_8h, t.over_8h
        (2, 1, 1)
    """
    if not isinstance(span, Span):
        raise ValidationError.for_field("span", "a Span", span)
    counts = {"under": 0, "mid": 0, "over": 0}
    missing = invalid = still_open = 0
    eight = 8 * _HOUR
    for incident in incidents_of(incidents):
        try:
            measured = span.measure(incident)
        except AttributeError:
            not_incidents(incident)
        duration = measured.duration
        if duration is None:
            if measured.reason is Unmeasured.OPEN:
                still_open += 1
            elif measured.reason is Unmeasured.MISSING:
                missing += 1
            else:
                invalid += 1
        elif duration < _HOUR:
            counts["under"] += 1
        elif duration < eight:
            counts["mid"] += 1
        else:
            counts["over"] += 1
    return ResponseTiers(
        span=span,
        under_1h=counts["under"],
        from_1h_to_8h=counts["mid"],
        over_8h=counts["over"],
        missing=missing,
        invalid=invalid,
        open=still_open,
    )


INDUSTRY_HOURLY_COST: Final[Mapping[str, float]] = MappingProxyType(
    {
        "consumer-goods": 36_000.0,
        "automotive": 2_300_000.0,
    }
)
"""
Hourly costs of downtime by industry, in US dollars, as examples to start from.

Source: Siemens, *The True Cost of Downtime 2024*: about $36,000 an hour in
consumer goods (fast-moving consumer goods) manufacturing and up to $2.3
million an hour in automotive.  Your own figure is always better: pass it as
``hourly_cost``.
"""


def downtime_cost(
    incident: Milestoned,
    *,
    hourly_cost: float | str,
    impact_fraction: float = 1.0,
    span: Span = TIME_TO_RESTORE,
) -> float | None:
    """
    What an incident's downtime cost: hours of *span* x hourly cost x impact.

    Args:
        incident: The incident.
        hourly_cost: The cost of one hour of full downtime, or a key of
            ``INDUSTRY_HOURLY_COST`` (``"consumer-goods"``, ``"automotive"``).
        impact_fraction: The share of the business affected (1.0 for a full
            outage, 0.25 when a quarter of users could not work).
        span: The downtime; time to restore by default.

    Returns:
        The cost, or ``None`` when the span cannot be measured for *incident*.

    Example:
        >>> from datetime import datetime, timedelta, timezone
        >>> from incidentkit import Incident
        >>> from incidentkit.metrics import downtime_cost
        >>> t0 = datetime(2024, 6, 1, 14, 0, tzinfo=timezone.utc)
        >>> inc = Incident.declare("Line stopped", severity="P1", declared_by="ana",
        ...                        at=t0, started_at=t0)
        >>> inc = inc.mitigate(at=t0 + timedelta(minutes=90), how="failover")
        >>> downtime_cost(inc, hourly_cost="consumer-goods", impact_fraction=0.5)
        27000.0
    """
    if isinstance(hourly_cost, str):
        if hourly_cost not in INDUSTRY_HOURLY_COST:
            raise ValidationError.for_field(
                "hourly_cost",
                f"a number or one of {', '.join(INDUSTRY_HOURLY_COST)}",
                hourly_cost,
            )
        hourly_cost = INDUSTRY_HOURLY_COST[hourly_cost]
    if (
        isinstance(hourly_cost, bool)
        or not isinstance(hourly_cost, (int, float))
        or not (math.isfinite(hourly_cost) and hourly_cost >= 0)
    ):
        raise ValidationError.for_field(
            "hourly_cost", "a non-negative number", hourly_cost
        )
    if (
        isinstance(impact_fraction, bool)
        or not isinstance(impact_fraction, (int, float))
        or not 0 <= impact_fraction <= 1
    ):
        raise ValidationError.for_field(
            "impact_fraction", "a number from 0 to 1", impact_fraction
        )
    if not isinstance(span, Span):
        raise ValidationError.for_field("span", "a Span", span)
    try:
        duration = span.measure(incident).duration
    except AttributeError:
        not_incidents(incident, "incident")
    if duration is None:
        return None
    return duration / _HOUR * float(hourly_cost) * float(impact_fraction)
