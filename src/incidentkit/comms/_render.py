"""Update text: plain text and Markdown, with times in the audience's zone."""

from __future__ import annotations

import datetime as dt
import re
from typing import Final

from incidentkit._lifecycle import Status
from incidentkit._time import resolve_zone
from incidentkit.errors import ValidationError
from incidentkit.timeline import Audience, StatusUpdatePosted

from ._update import StatusUpdate


__all__ = [
    "STATUS_HEADLINES",
    "local_time",
    "next_update_phrase",
    "render_markdown",
    "render_text",
]

STATUS_HEADLINES: Final = {
    Status.INVESTIGATING: "Investigating",
    Status.IDENTIFIED: "Cause identified",
    Status.MONITORING: "Fix in place, monitoring",
    Status.RESOLVED: "Resolved",
    Status.CLOSED: "Resolved",
}
"""The headline each status gets in rendered updates (plain words)."""

_MARKDOWN_SPECIAL: Final = re.compile(r"([\\`*_\[\]<>|~])")


def _update(value: StatusUpdate | StatusUpdatePosted) -> StatusUpdate:
    if isinstance(value, StatusUpdatePosted):
        return StatusUpdate.from_event(value)
    if not isinstance(value, StatusUpdate):
        raise ValidationError.for_field(
            "update", "a StatusUpdate or a structured StatusUpdatePosted", value
        )
    return value


def _zone(zone: str | dt.tzinfo) -> dt.tzinfo:
    return resolve_zone(zone, field="zone")


def _local(at: dt.datetime, zone: dt.tzinfo, field: str) -> dt.datetime:
    try:
        return at.astimezone(zone)
    except OverflowError:  # local time in year 0 or 10000
        raise ValidationError.for_field(
            field, f"a time within years 1 to 9999 in {zone}", at
        ) from None


def local_time(at: dt.datetime, zone: str | dt.tzinfo = "UTC") -> str:
    """
    Return *at* as a wall-clock time in *zone*, with its abbreviation and offset.

    The conversion goes through UTC, so times either side of a daylight-saving
    change read correctly (the abbreviation and offset say which side).

    Args:
        at: An aware instant.
        zone: An IANA zone name (or a tzinfo).

    Returns:
        Such as ``"16:05 CEST (UTC+02:00), 1 Jun 2024"``.

    Example:
        >>> from datetime import datetime, timezone
        >>> from incidentkit.comms import local_time
        >>> after_the_change = datetime(2024, 3, 31, 1, 20, tzinfo=timezone.utc)
        >>> local_time(after_the_change, "Europe/Berlin")
        '03:20 CEST (UTC+02:00), 31 Mar 2024'
    """
    if not isinstance(at, dt.datetime) or at.utcoffset() is None:
        raise ValidationError.for_field("at", "an aware datetime", at)
    local = _local(at, _zone(zone), "at")
    return f"{_clock(local)}, {local.day} {local:%b %Y}"


def _clock(local: dt.datetime) -> str:
    offset = local.utcoffset() or dt.timedelta(0)
    sign = "-" if offset < dt.timedelta(0) else "+"
    minutes = abs(offset) // dt.timedelta(minutes=1)
    shown = f"UTC{sign}{minutes // 60:02d}:{minutes % 60:02d}"
    name = local.tzname() or ""
    if not name or not name.isalpha() or name == "UTC":
        return f"{local:%H:%M} {shown}" if name != "UTC" else f"{local:%H:%M} UTC"
    return f"{local:%H:%M} {name} ({shown})"


_MINUTE: Final = 60


def _amount(value: int, unit: str) -> str:
    return f"{value} {unit}" + ("" if value == 1 else "s")


def _duration(delta: dt.timedelta) -> str:
    seconds = int(delta.total_seconds())
    if seconds < _MINUTE:
        return _amount(seconds, "second")
    minutes = (seconds + 30) // 60
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    parts = [
        _amount(n, unit)
        for n, unit in ((days, "day"), (hours, "hour"), (minutes, "minute"))
        if n
    ]
    return " ".join(parts)


def next_update_phrase(
    at: dt.datetime, next_at: dt.datetime, zone: str | dt.tzinfo = "UTC"
) -> str:
    """
    Say when the next update comes: the wait and the wall-clock time in *zone*.

    The wait is real elapsed time (computed in UTC), so "in 30 minutes" is
    right across a daylight-saving change, and the clock time shows the
    zone's abbreviation and offset after the change.  The date is added when
    the next update falls on another local day.

    Args:
        at: When the update is posted.
        next_at: When the next one comes (after *at*).
        zone: The audience's IANA time zone.

    Returns:
        Such as ``"Next update in 30 minutes, at 03:20 CEST (UTC+02:00)."``.

    Example:
        >>> from datetime import datetime, timezone
        >>> from incidentkit.comms import next_update_phrase
        >>> at = datetime(2024, 3, 31, 0, 50, tzinfo=timezone.utc)   # 01:50 CET
        >>> next_update_phrase(at, at.replace(hour=1, minute=20), "Europe/Berlin")
        'Next update in 30 minutes, at 03:20 CEST (UTC+02:00).'
    """
    if next_at <= at:
        raise ValidationError.for_field(
            "next_at", f"a time after {at.isoformat()}", next_at
        )
    tz = _zone(zone)
    here, there = _local(at, tz, "at"), _local(next_at, tz, "next_at")
    day = "" if here.date() == there.date() else f" on {there.day} {there:%b %Y}"
    return f"Next update in {_duration(next_at - at)}, at {_clock(there)}{day}."


def _lines(update: StatusUpdate) -> list[tuple[str, str]]:
    rows = [("What we know", update.known), ("What we are doing", update.doing)]
    if update.audience is Audience.INTERNAL:
        if update.impact is not None:
            rows.append(("Business impact", update.impact))
        if update.owners:
            rows.append(("Owners", ", ".join(update.owners)))
        if update.stand_by is not None:
            rows.append(
                ("Engineering teams", "stand by" if update.stand_by else "stand down")
            )
    return rows


def _closing(update: StatusUpdate, zone: dt.tzinfo) -> str:
    if update.next_update_at is None:
        return "This is the final update."
    return next_update_phrase(update.at, update.next_update_at, zone)


def _title(update: StatusUpdate) -> str:
    headline = STATUS_HEADLINES[update.status]
    if update.audience is Audience.INTERNAL:
        return f"Internal update: {headline}"
    return headline


def render_text(
    update: StatusUpdate | StatusUpdatePosted, *, zone: str | dt.tzinfo = "UTC"
) -> str:
    """
    Render an update as plain text, times in the audience's *zone*.

    Internal updates add the business impact, owners and stand by / stand
    down; public ones say only what we know, what we are doing and when the
    next update comes (see `check_public` for wording that should not go out).

    Args:
        update: The update, or its structured timeline event.
        zone: The audience's IANA time zone.

    Returns:
        The text, one line per element.

    Example:
        >>> from datetime import datetime, timedelta, timezone
        >>> from incidentkit import Audience, Status
        >>> from incidentkit.comms import StatusUpdate, render_text
        >>> t = datetime(2024, 6, 1, 14, 5, tzinfo=timezone.utc)
        >>> u = StatusUpdate(audience=Audience.PUBLIC, at=t,
        ...                  status=Status.INVESTIGATING,
        ...                  known="Some card payments are failing.",
        ...                  doing="We are investigating.",
        ...                  next_update_at=t + timedelta(minutes=20))
        >>> print(render_text(u, zone="Europe/London"))
        Investigating — 15:05 BST (UTC+01:00), 1 Jun 2024
        What we know: Some card payments are failing.
        What we are doing: We are investigating.
        Next update in 20 minutes, at 15:25 BST (UTC+01:00).
    """
    update = _update(update)
    tz = _zone(zone)
    lines = [f"{_title(update)} — {local_time(update.at, tz)}"]
    lines.extend(f"{label}: {value}" for label, value in _lines(update))
    lines.append(_closing(update, tz))
    return "\n".join(lines)


def _escape(value: str) -> str:
    return _MARKDOWN_SPECIAL.sub(r"\\\1", " ".join(value.split()))


def render_markdown(
    update: StatusUpdate | StatusUpdatePosted, *, zone: str | dt.tzinfo = "UTC"
) -> str:
    """
    Render an update as Markdown (what `render_text` says, with headings).

    Text from the update is escaped, so it cannot add headings or links.

    Args:
        update: The update, or its structured timeline event.
        zone: The audience's IANA time zone.

    Returns:
        The Markdown.

    Example:
        >>> from datetime import datetime, timezone
        >>> from incidentkit import Audience, Status
        >>> from incidentkit.comms import StatusUpdate, render_markdown
        >>> t = datetime(2024, 6, 1, 16, 0, tzinfo=timezone.utc)
        >>> u = StatusUpdate(audience=Audience.INTERNAL, at=t, status=Status.RESOLVED,
        ...                  known="Checkout works again.",
        ...                  doing="Writing the postmortem.",
        ...                  stand_by=False)
        >>> print(render_markdown(u))
        ### Internal update: Resolved
        <BLANKLINE>
        *16:00 UTC, 1 Jun 2024*
        <BLANKLINE>
        **What we know:** Checkout works again.
        <BLANKLINE>
        **What we are doing:** Writing the postmortem.
        <BLANKLINE>
        **Engineering teams:** stand down
        <BLANKLINE>
        This is the final update.
    """
    update = _update(update)
    tz = _zone(zone)
    parts = [f"### {_title(update)}", f"*{_escape(local_time(update.at, tz))}*"]
    parts.extend(f"**{label}:** {_escape(value)}" for label, value in _lines(update))
    parts.append(_escape(_closing(update, tz)))
    return "\n\n".join(parts)
