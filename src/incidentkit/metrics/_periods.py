"""Calendar periods (year, quarter, month, ISO week) cut in a named time zone."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Final

import attrs
from dateutil import tz as dateutil_tz
from dateutil.relativedelta import relativedelta

from incidentkit._time import UTC, resolve_zone
from incidentkit.errors import ValidationError


__all__ = ["CALENDAR", "Period", "period_of", "periods_between"]

CALENDAR: Final[tuple[str, ...]] = ("year", "quarter", "month", "week")
"""The calendar groupings `summarize` takes by name."""

_STEP: Final[dict[str, relativedelta]] = {
    "year": relativedelta(years=1),
    "quarter": relativedelta(months=3),
    "month": relativedelta(months=1),
    "week": relativedelta(weeks=1),
}


@attrs.frozen(order=False)
class Period:
    """
    A calendar period: its label and the instants it runs from and to.

    Periods sort by their start.  ``str(period)`` is its label.

    Attributes:
        label: ``"2024"``, ``"2024-Q1"``, ``"2024-01"`` or ``"2024-W05"`` (ISO week).
        start: The first instant in the period (aware, UTC).
        end: The first instant after it (aware, UTC).

    Example:
        >>> from datetime import datetime, timezone
        >>> from incidentkit.metrics import Period
        >>> p = Period.containing(datetime(2024, 2, 10, tzinfo=timezone.utc), "quarter")
        >>> str(p), p.start.isoformat(), p.end.isoformat()
        ('2024-Q1', '2024-01-01T00:00:00+00:00', '2024-04-01T00:00:00+00:00')
    """

    label: str
    start: dt.datetime
    end: dt.datetime

    def __str__(self) -> str:
        return self.label

    def __lt__(self, other: Period) -> bool:
        return (self.start, self.end) < (other.start, other.end)

    def __contains__(self, instant: object) -> bool:
        if not isinstance(instant, dt.datetime):
            return False
        if instant.utcoffset() is None:
            raise ValidationError.for_field("instant", "an aware datetime", instant)
        return self.start <= instant < self.end

    @classmethod
    def containing(
        cls, instant: dt.datetime, unit: str, *, tz: str | dt.tzinfo = "UTC"
    ) -> Period:
        """
        Return the period of *unit* that contains *instant*, cut in the zone *tz*.

        Args:
            instant: An aware datetime.
            unit: ``"year"``, ``"quarter"``, ``"month"`` or ``"week"`` (ISO
                weeks, from Monday).
            tz: An IANA zone name; periods start at local midnight there.

        Returns:
            The period.
        """
        return period_of(instant, _unit(unit), resolve_zone(tz, field="tz"))


def _unit(unit: object) -> str:
    if unit not in CALENDAR:
        raise ValidationError.for_field("by", f"one of {', '.join(CALENDAR)}", unit)
    return str(unit)


def _local_midnight(day: dt.date, zone: dt.tzinfo) -> dt.datetime:
    # A midnight that does not exist (a DST gap) moves forward, as dateutil does.
    local = dateutil_tz.resolve_imaginary(
        dt.datetime(day.year, day.month, day.day, tzinfo=zone)
    )
    return local.astimezone(UTC)


def _label(start: dt.date, unit: str) -> str:
    if unit == "year":
        return f"{start.year}"
    if unit == "quarter":
        return f"{start.year}-Q{(start.month - 1) // 3 + 1}"
    if unit == "month":
        return f"{start.year}-{start.month:02d}"
    year, week, _ = start.isocalendar()
    return f"{year}-W{week:02d}"


def _first_day(local: dt.date, unit: str) -> dt.date:
    if unit == "year":
        return local.replace(month=1, day=1)
    if unit == "quarter":
        return local.replace(month=(local.month - 1) // 3 * 3 + 1, day=1)
    if unit == "month":
        return local.replace(day=1)
    return local - dt.timedelta(days=local.weekday())


def _period(first: dt.date, unit: str, zone: dt.tzinfo) -> Period:
    following = first + _STEP[unit]
    return Period(
        _label(first, unit),
        _local_midnight(first, zone),
        _local_midnight(following, zone),
    )


def period_of(instant: dt.datetime, unit: str, zone: dt.tzinfo) -> Period:
    """The period of *unit* containing *instant* in *zone* (unit already checked)."""
    return _period(_first_day(instant.astimezone(zone).date(), unit), unit, zone)


def periods_between(
    first: Period, last: Period, unit: str, zone: dt.tzinfo
) -> list[Period]:
    """Every period from *first* to *last*, inclusive, none skipped."""
    day = first.start.astimezone(zone).date()
    day = _first_day(day, unit)
    result: list[Period] = []
    while True:
        period = _period(day, unit, zone)
        result.append(period)
        if period.start >= last.start:
            return result
        day += _STEP[unit]


def period_key(unit: str, zone: dt.tzinfo) -> Callable[[dt.datetime], Period]:
    """A function from an instant to its period, remembering recent answers."""
    cache: dict[dt.date, Period] = {}

    def key(instant: dt.datetime) -> Period:
        day = instant.astimezone(zone).date()
        found = cache.get(day)
        if found is None:
            found = cache[day] = _period(_first_day(day, unit), unit, zone)
        return found

    return key
