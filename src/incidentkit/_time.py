"""
Aware-UTC time helpers: parsing, normalising and the `Clock` protocol.

Every datetime incidentkit stores is timezone-aware and in UTC.  A naive datetime is
an error unless the caller names the zone it is in (*assume_tz*).
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import re
import sys
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Final, Literal, Protocol, runtime_checkable

from .errors import ValidationError


if TYPE_CHECKING:
    import attrs


__all__ = [
    "UTC",
    "Clock",
    "EpochUnit",
    "SystemClock",
    "ensure_utc",
    "format_duration",
    "format_instant",
    "parse_instant",
    "resolve_zone",
]

UTC: Final[dt.timezone] = dt.timezone.utc
"""The UTC time zone every stored datetime is normalised to."""

EpochUnit = Literal["s", "ms", "us", "ns"]
"""The unit of an epoch number: seconds, milliseconds, microseconds or nanoseconds."""

_EPOCH_DIVISORS: Final[dict[str, int]] = {
    "s": 1,
    "ms": 1_000,
    "us": 1_000_000,
    "ns": 10**9,
}
_EPOCH: Final[dt.datetime] = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)
_AWARE: Final[str] = "a timezone-aware datetime"
_IN_RANGE: Final[str] = "a time whose UTC instant falls within years 1 to 9999"


@runtime_checkable
class Clock(Protocol):
    """
    **Protocol:** something that tells the current time.

    The core never reads the wall clock; functions that need "now" take a
    ``now: datetime`` argument, and long-lived helpers take a `Clock`.
    `incidentkit.testing.FixedClock` is one for tests.
    """

    def now(self) -> dt.datetime:
        """Return the current time as an aware UTC datetime."""
        ...


class SystemClock:
    """
    The wall clock, in UTC: the one place incidentkit reads it.

    Example:
        >>> from incidentkit import SystemClock
        >>> SystemClock().now().tzinfo
        datetime.timezone.utc
    """

    __slots__ = ()

    def now(self) -> dt.datetime:
        """Return the current time as an aware UTC datetime."""
        return dt.datetime.now(tz=UTC)

    def __repr__(self) -> str:
        return "SystemClock()"


_ZONE_EXPECTED: Final[str] = "a known IANA time-zone name"
# ASCII letters, digits, "_", "+", "-"; up to three "/"-separated parts, each
# starting with a letter: every name in the IANA database, and no path ("/x",
# "..", "\\"), no POSIX TZ string ("EST5EDT,M3.2.0,M11.1.0"), nothing overlong.
_ZONE_SHAPE: Final[re.Pattern[str]] = re.compile(
    r"[A-Za-z][A-Za-z0-9_+-]{0,29}(?:/[A-Za-z][A-Za-z0-9_+-]{0,29}){0,2}", re.ASCII
)
# Files in a zoneinfo directory that are not zones: the machine's own zone, the
# POSIX default rules, and the alternative "posix/" and "right/" trees.
_NOT_ZONES: Final[frozenset[str]] = frozenset({"localtime", "posixrules"})
_NOT_ZONE_TREES: Final[tuple[str, ...]] = ("posix/", "right/")


@functools.cache
def _zone_names() -> frozenset[str]:
    """Every zone name zoneinfo knows, plus "UTC"; read once (it walks the disk)."""
    import zoneinfo  # noqa: PLC0415 - walking the database is slow; do it on demand

    found = frozenset(zoneinfo.available_timezones()) - _NOT_ZONES
    # Empty means no system database and no tzdata: names are then checked by
    # shape only, and dateutil resolves them (see resolve_zone).
    return found | {"UTC"} if found else found


def _zone_names_by_folded_case() -> Mapping[str, str]:
    # Only built for an error message, so not worth keeping.
    return {name.casefold(): name for name in _zone_names()}


def _is_zone_name(name: str) -> bool:
    if name == "UTC":  # the default of BusinessHours: no need to read the list
        return True
    names = _zone_names()
    if names:
        return name in names
    return _ZONE_SHAPE.fullmatch(name) is not None and not (
        name in _NOT_ZONES or name.startswith(_NOT_ZONE_TREES)
    )


def _zone_error(field: str, name: str) -> ValidationError:
    shown = repr(name) if len(name) <= 60 else f"{name[:40]!r}... ({len(name)} chars)"  # noqa: PLR2004
    message = (
        f"{field!r} must be {_ZONE_EXPECTED} such as 'Europe/Berlin' (got {shown})"
    )
    stripped = name.strip()
    canonical = _zone_names_by_folded_case().get(stripped.casefold())
    if canonical is not None and stripped != name:
        message += f"; did you mean {canonical!r}? Remove the white space around it"
    elif canonical is not None:
        message += f"; did you mean {canonical!r}? Zone names are case-sensitive"
    elif name.startswith(("/", "\\", ".")) or "/." in name or "\\" in name:
        message += "; zones are IANA names, never file paths"
    return ValidationError(message, field=field, expected=_ZONE_EXPECTED, got=name)


def resolve_zone(zone: str | dt.tzinfo, *, field: str = "zone") -> dt.tzinfo:
    """
    Return the time zone named *zone* (an IANA name such as ``"Europe/Berlin"``).

    Only names in the time-zone database are accepted, exactly as spelled there
    (``zoneinfo.available_timezones()``, read once, plus ``"UTC"``): never a file
    path, and no near-miss either.  Names are case-sensitive, so
    ``"europe/berlin"`` and ``" Europe/Berlin"`` are refused with a hint naming
    ``'Europe/Berlin'``.  Every bad string raises the same `ValidationError`, so
    the error tells nothing about which files exist on the machine.

    `zoneinfo` loads the zone; dateutil is the fallback when it cannot.  On a
    machine with no time-zone database at all (no system one, no ``tzdata``),
    names are checked by shape (letters, digits, ``_+-``, up to three
    ``/``-separated parts; never ``..`` or a leading ``/``) and dateutil resolves
    them.

    Args:
        zone: An IANA zone name, or a `datetime.tzinfo`, returned unchanged.
        field: The name used in the error message.

    Returns:
        The time zone.

    Raises:
        ValidationError: If *zone* is neither a tzinfo nor a known name.

    Example:
        >>> from incidentkit._time import resolve_zone
        >>> str(resolve_zone("Europe/Berlin"))
        'Europe/Berlin'
        >>> resolve_zone("europe/berlin")
        Traceback (most recent call last):
        ...
        incidentkit.errors.ValidationError: 'zone' must be a known IANA time-zone \
name such as 'Europe/Berlin' (got 'europe/berlin'); did you mean 'Europe/Berlin'? \
Zone names are case-sensitive
    """
    if isinstance(zone, dt.tzinfo):
        return zone
    if not isinstance(zone, str):
        raise ValidationError.for_field(
            field, "an IANA time-zone name or a tzinfo", zone
        )
    if not _is_zone_name(zone):
        raise _zone_error(field, zone)
    try:
        import zoneinfo  # noqa: PLC0415 - zoneinfo reads its database lazily anyway

        return zoneinfo.ZoneInfo(zone)
    except (KeyError, ValueError, OSError):  # ZoneInfoNotFoundError is a KeyError
        from dateutil import tz as dateutil_tz  # noqa: PLC0415 - rare fallback

        found = dateutil_tz.gettz(zone)
        if found is None:
            raise _zone_error(field, zone) from None
        return found


def ensure_utc(
    value: dt.datetime,
    *,
    field: str = "value",
    assume_tz: str | dt.tzinfo | None = None,
) -> dt.datetime:
    """
    Return *value* as an aware datetime in UTC.

    Args:
        value: The datetime.
        field: The name used in the error message.
        assume_tz: The zone a naive *value* is in.  Without it, naive is an error.
            Wall times that happen twice (clocks going back) are read as the
            first; wall times that never happen (clocks going forward) are read
            with the offset before the change, as PEP 495 does.

    Returns:
        The same instant, in UTC.

    Raises:
        ValidationError: If *value* is not a datetime, is naive and no
            *assume_tz* is given, or its UTC instant falls outside years 1 to
            9999 (``9999-12-31T23:00-05:00`` is in year 10000 in UTC).

    Example:
        >>> from datetime import datetime
        >>> from incidentkit import ensure_utc
        >>> ensure_utc(datetime(2024, 3, 31, 9, 30), assume_tz="Europe/Berlin")
        datetime.datetime(2024, 3, 31, 7, 30, tzinfo=datetime.timezone.utc)
    """
    if not isinstance(value, dt.datetime):
        raise ValidationError.for_field(field, _AWARE, value)
    if value.tzinfo is None or value.utcoffset() is None:
        if assume_tz is None:
            raise ValidationError(
                f"{field!r} must be {_AWARE} (got {value!r}); naive times are "
                "ambiguous: attach a tzinfo, or name their zone with assume_tz= "
                "in parse_instant() or ensure_utc()",
                field=field,
                expected=_AWARE,
                got=value,
            )
        value = value.replace(tzinfo=resolve_zone(assume_tz, field="assume_tz"))
    if value.tzinfo is UTC:
        return value
    return _astimezone_utc(value, field)


def _astimezone_utc(value: dt.datetime, field: str) -> dt.datetime:
    # Within a day of datetime.min or max, the same instant in UTC may lie in
    # year 0 or 10000, which datetime cannot hold.
    try:
        return value.astimezone(UTC)
    except OverflowError:
        raise ValidationError.for_field(field, _IN_RANGE, value) from None


def parse_instant(
    value: str | float | dt.datetime,
    *,
    field: str = "value",
    assume_tz: str | dt.tzinfo | None = None,
    epoch_unit: EpochUnit | None = None,
) -> dt.datetime:
    """
    Parse an instant from ISO 8601 text, an epoch number or a datetime.

    Text goes through `datetime.fromisoformat` first and `dateutil.parser.isoparse`
    second, so forms such as ``Z``, ``+0000``, one-digit or nine-digit fractions
    (truncated to microseconds) are all accepted.

    Args:
        value: ISO 8601 text, a number of *epoch_unit* since 1970-01-01 UTC, or a
            datetime.
        field: The name used in error messages.
        assume_tz: The zone of naive input; without it, naive input is an error.
        epoch_unit: The unit of a number: ``"s"``, ``"ms"``, ``"us"`` or ``"ns"``.
            Numbers are refused when it is not given, since guessing the unit of
            an epoch number is how timelines end up in 1970 or in the year 50000.

    Returns:
        An aware datetime in UTC.

    Raises:
        ValidationError: If *value* cannot be read as an instant, or its UTC
            instant falls outside years 1 to 9999.

    Example:
        >>> from incidentkit import parse_instant
        >>> parse_instant("2024-06-01T14:02:03.123456789+0200")
        datetime.datetime(2024, 6, 1, 12, 2, 3, 123456, tzinfo=datetime.timezone.utc)
        >>> parse_instant(1717250523000, epoch_unit="ms")
        datetime.datetime(2024, 6, 1, 14, 2, 3, tzinfo=datetime.timezone.utc)
    """
    if isinstance(value, dt.datetime):
        return ensure_utc(value, field=field, assume_tz=assume_tz)
    if isinstance(value, bool):
        raise ValidationError.for_field(field, "an ISO 8601 instant", value)
    if isinstance(value, (int, float)):
        return _from_epoch(value, field=field, unit=epoch_unit)
    if not isinstance(value, str):
        raise ValidationError.for_field(field, "an ISO 8601 instant", value)
    text = value.strip()
    parsed = _parse_iso(text)
    if parsed is None:
        raise ValidationError.for_field(field, "an ISO 8601 instant", value)
    try:
        return ensure_utc(parsed, field=field, assume_tz=assume_tz)
    except ValidationError as exc:
        if exc.expected != _IN_RANGE:
            raise
        # Name the text the caller passed, not the datetime read from it.
        raise ValidationError.for_field(field, _IN_RANGE, value) from None


def format_instant(value: dt.datetime) -> str:
    """
    Format an aware datetime as ISO 8601 in UTC with a ``Z`` suffix.

    Args:
        value: An aware datetime.

    Returns:
        The text, with microseconds only when they are not zero.

    Example:
        >>> from datetime import datetime, timezone
        >>> from incidentkit._time import format_instant
        >>> format_instant(datetime(2024, 6, 1, 14, 2, tzinfo=timezone.utc))
        '2024-06-01T14:02:00Z'
    """
    if value.tzinfo is not UTC:
        value = ensure_utc(value)
    # %-formatting is a third faster than isoformat() and this runs per event.
    fields = (
        value.year,
        value.month,
        value.day,
        value.hour,
        value.minute,
        value.second,
    )
    if value.microsecond:
        return "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ" % (*fields, value.microsecond)  # noqa: UP031
    return "%04d-%02d-%02dT%02d:%02d:%02dZ" % fields  # noqa: UP031


_DURATION_UNITS: Final[tuple[tuple[str, int], ...]] = (
    ("d", 86_400_000_000),
    ("h", 3_600_000_000),
    ("m", 60_000_000),
    ("s", 1_000_000),
)


def format_duration(value: dt.timedelta) -> str:
    """
    Format a duration compactly and unambiguously, for messages.

    * Under a millisecond: whole microseconds, ``"999µs"`` (exact; timedelta
      holds nothing finer).
    * Under a second: whole milliseconds, rounded down, ``"800ms"``,
      ``"999ms"`` for 999.999 ms.
    * Under a minute: seconds with up to three decimals, rounded down to the
      millisecond and without trailing zeros, ``"1s"``, ``"1.5s"``, ``"59.9s"``.
    * A minute or more: days, hours, minutes and seconds, each only when not
      zero and rounded down to the second, ``"1m1s"``, ``"1h"``, ``"1d2h5m"``.
    * Zero is ``"0s"``; a negative duration is the same text with a ``-`` sign,
      ``"-5m"``, ``"-800ms"``.

    Args:
        value: The duration.

    Returns:
        The text.

    Raises:
        ValidationError: If *value* is not a `datetime.timedelta`.

    Example:
        >>> from datetime import timedelta
        >>> from incidentkit import format_duration
        >>> format_duration(timedelta(hours=26, minutes=5))
        '1d2h5m'
        >>> format_duration(timedelta(milliseconds=250))
        '250ms'
        >>> format_duration(timedelta(seconds=-1.5))
        '-1.5s'
    """
    if not isinstance(value, dt.timedelta):
        raise ValidationError.for_field("value", "a timedelta", value)
    # Whole microseconds as an int: exact over timedelta's whole range, which
    # total_seconds() (a float) is not.
    micros = (value.days * 86_400 + value.seconds) * 1_000_000 + value.microseconds
    sign = "-" if micros < 0 else ""
    micros = abs(micros)
    if micros == 0:
        return "0s"
    if micros < 1_000:  # noqa: PLR2004
        return f"{sign}{micros}µs"
    if micros < 1_000_000:  # noqa: PLR2004
        return f"{sign}{micros // 1_000}ms"
    if micros < 60_000_000:  # noqa: PLR2004
        whole, millis = divmod(micros // 1_000, 1_000)
        fraction = f".{millis:03d}".rstrip("0") if millis else ""
        return f"{sign}{whole}{fraction}s"
    parts = []
    for unit, size in _DURATION_UNITS:
        amount, micros = divmod(micros, size)
        if amount:
            parts.append(f"{amount}{unit}")
    return sign + "".join(parts)


def _parse_iso(text: str) -> dt.datetime | None:
    # Python 3.10's fromisoformat reads only what isoformat writes: no "Z".
    fast = text[:-1] + "+00:00" if text.endswith(("Z", "z")) else text
    try:
        return dt.datetime.fromisoformat(fast)
    except ValueError:
        pass
    from dateutil import parser as dateutil_parser  # noqa: PLC0415 - keep import fast

    try:
        return dateutil_parser.isoparse(text)
    except (ValueError, OverflowError):
        return None


def _from_epoch(value: float, *, field: str, unit: EpochUnit | None) -> dt.datetime:
    if unit is None:
        raise ValidationError(
            f"{field!r} must be an ISO 8601 instant (got the number {value!r}); "
            "pass epoch_unit= to read epoch numbers",
            field=field,
            expected="an ISO 8601 instant",
            got=value,
        )
    if unit not in _EPOCH_DIVISORS:
        raise ValidationError.for_field("epoch_unit", "one of s, ms, us, ns", unit)
    if isinstance(value, float) and not math.isfinite(value):
        raise ValidationError.for_field(field, "a finite epoch number", value)
    divisor = _EPOCH_DIVISORS[unit]
    try:
        if isinstance(value, int):
            whole, rest = divmod(value, divisor)
            micros = rest * 1_000_000 // divisor
            return _EPOCH + dt.timedelta(seconds=whole, microseconds=micros)
        return _EPOCH + dt.timedelta(seconds=value / divisor)
    except OverflowError:
        raise ValidationError.for_field(
            field, f"an epoch number in {unit} within years 1-9999", value
        ) from None


_FIRST_INSTANT: Final[dt.datetime] = dt.datetime.min.replace(tzinfo=UTC)
_LAST_INSTANT: Final[dt.datetime] = dt.datetime.max.replace(tzinfo=UTC)


def shift_clamped(value: dt.datetime, delta: dt.timedelta) -> dt.datetime:
    """
    Return *value* + *delta*, held at the first or last instant datetime holds.

    For the bounds of windows and cut-offs near years 1 and 9999: nothing can
    be recorded beyond them, so a window reaching past one ends there.
    """
    try:
        return value + delta
    except OverflowError:
        return _LAST_INSTANT if delta > dt.timedelta(0) else _FIRST_INSTANT


def _fromisoformat_z(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(
        text[:-1] + "+00:00" if text.endswith("Z") else text
    )


fast_instant: Final = (
    dt.datetime.fromisoformat if sys.version_info >= (3, 11) else _fromisoformat_z
)
"""
Parse what `format_instant` writes, at C speed; anything else may raise.

The readers' shared first try: a result whose ``tzinfo`` is `UTC` is final;
anything else (an error, another offset) goes to `parse_instant`.
"""


# --- attrs helpers used by the models -------------------------------------------


def to_utc(value: dt.datetime) -> dt.datetime:
    """
    Normalise an aware datetime to UTC; leave anything else to the validator.

    A converter is not told the field's name, so a datetime whose UTC instant
    falls outside years 1 to 9999 is passed through unchanged too, and
    `check_aware`, which is told it, refuses it naming the field.
    """
    tzinfo = getattr(value, "tzinfo", None)
    if (
        tzinfo is UTC
        or tzinfo is None
        or not isinstance(value, dt.datetime)
        or value.utcoffset() is None
    ):
        return value
    try:
        return value.astimezone(UTC)
    except OverflowError:
        return value


def to_utc_optional(value: dt.datetime | None) -> dt.datetime | None:
    """Like `to_utc`, passing ``None`` through."""
    return None if value is None else to_utc(value)


def check_aware(_instance: object, attribute: attrs.Attribute[Any], value: Any) -> None:
    """
    Validate that *value* is an aware datetime (or ``None`` for optional fields).

    An aware datetime not in UTC here is one `to_utc` could not normalise: its
    UTC instant falls outside years 1 to 9999, and the error says so.
    """
    if getattr(value, "tzinfo", None) is UTC and isinstance(value, dt.datetime):
        return
    if value is None and attribute.default is None:
        return
    if not isinstance(value, dt.datetime) or value.utcoffset() is None:
        raise ValidationError.for_field(attribute.name, _AWARE, value)
    _astimezone_utc(value, attribute.name)
