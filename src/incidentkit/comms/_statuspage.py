"""A public update as an Atlassian Statuspage incident update."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, Final

from incidentkit._lifecycle import Status
from incidentkit._validators import require_text
from incidentkit.errors import ValidationError
from incidentkit.timeline import Audience, StatusUpdatePosted

from ._render import _update, render_text
from ._update import StatusUpdate


__all__ = ["STATUSPAGE_STATUS", "to_statuspage"]

STATUSPAGE_STATUS: Final[Mapping[Status, str]] = MappingProxyType(
    {
        Status.INVESTIGATING: "investigating",
        Status.IDENTIFIED: "identified",
        Status.MONITORING: "monitoring",
        Status.RESOLVED: "resolved",
        Status.CLOSED: "postmortem",
    }
)
"""
The Statuspage ``status`` of an update in each lifecycle status.

The first four are the same words.  ``CLOSED`` (follow-up done, the
postmortem written) becomes ``"postmortem"``, the status Statuspage shows
once a postmortem is published; incidentkit's Statuspage importer reads
``"postmortem"`` back as ``RESOLVED``, since a feed does not say the
follow-up is done.
"""


def _stamp(at: dt.datetime) -> str:
    # The API writes milliseconds and "Z": "2026-07-30T10:12:15.489Z".
    at = at.astimezone(dt.timezone.utc)
    return f"{at:%Y-%m-%dT%H:%M:%S}.{at.microsecond // 1000:03d}Z"


def to_statuspage(
    update: StatusUpdate | StatusUpdatePosted,
    *,
    incident_id: str,
    update_id: str | None = None,
    deliver_notifications: bool = True,
    zone: str | dt.tzinfo = "UTC",
) -> dict[str, Any]:
    """
    Return a public update as a Statuspage ``incident_update`` object.

    The keys are those of the public API v2's ``incident_updates[]`` items:
    ``id``, ``status`` (see `STATUSPAGE_STATUS`), ``body`` (the update's text
    as `render_text` writes it, times in *zone*, the page's time zone),
    ``incident_id``, ``created_at``, ``updated_at`` and ``display_at`` (the
    posting time, milliseconds and ``Z``), ``affected_components`` (``None``:
    incidentkit does not track components), ``deliver_notifications``,
    ``custom_tweet`` and ``tweet_id`` (``None``).

    Args:
        update: A public `StatusUpdate`, or its structured timeline event.
        incident_id: The Statuspage incident the update belongs to.
        update_id: The update's id, when Statuspage assigned one already
            (``None`` for a new update).
        deliver_notifications: Whether subscribers are notified.
        zone: The page's IANA time zone.

    Returns:
        The object, ready for ``json.dumps``.

    Raises:
        ValidationError: If the update is internal, or an argument is bad.

    Example:
        >>> from datetime import datetime, timedelta, timezone
        >>> from incidentkit import Audience, Status
        >>> from incidentkit.comms import StatusUpdate, to_statuspage
        >>> t = datetime(2024, 6, 1, 14, 5, tzinfo=timezone.utc)
        >>> u = StatusUpdate(audience=Audience.PUBLIC, at=t, status=Status.IDENTIFIED,
        ...                  known="A faulty release broke card payments.",
        ...                  doing="We are rolling it back.",
        ...                  next_update_at=t + timedelta(minutes=20))
        >>> payload = to_statuspage(u, incident_id="kctbh9vrtdwd")
        >>> payload["status"], payload["display_at"]
        ('identified', '2024-06-01T14:05:00.000Z')
    """
    structured = _update(update)
    if structured.audience is not Audience.PUBLIC:
        raise ValidationError.for_field(
            "update.audience",
            "Audience.PUBLIC (internal updates stay internal)",
            structured.audience,
        )
    incident_id = require_text(incident_id, "incident_id")
    if update_id is not None:
        update_id = require_text(update_id, "update_id")
    if not isinstance(deliver_notifications, bool):
        raise ValidationError.for_field(
            "deliver_notifications", "True or False", deliver_notifications
        )
    stamp = _stamp(structured.at)
    return {
        "id": update_id,
        "status": STATUSPAGE_STATUS[structured.status],
        "body": render_text(structured, zone=zone),
        "incident_id": incident_id,
        "created_at": stamp,
        "updated_at": stamp,
        "display_at": stamp,
        "affected_components": None,
        "deliver_notifications": deliver_notifications,
        "custom_tweet": None,
        "tweet_id": None,
    }
