"""The structured status update."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Final

import attrs

from incidentkit._lifecycle import Status
from incidentkit._time import check_aware, to_utc, to_utc_optional
from incidentkit._validators import (
    as_tuple,
    check_bool,
    instance_of,
    optional,
    optional_text,
    text,
    tuple_of,
    writable,
)
from incidentkit.errors import ValidationError
from incidentkit.timeline import Audience, StatusUpdatePosted


__all__ = ["FINAL_STATUSES", "StatusUpdate"]

FINAL_STATUSES: Final[frozenset[Status]] = frozenset({Status.RESOLVED, Status.CLOSED})
"""Statuses whose update may be the last one, without a next-update time."""


def _texts(value: Iterable[str]) -> tuple[str, ...]:
    # Typed for callers; anything but an iterable is left to the validator.
    return as_tuple(value)  # type: ignore[return-value]


def _is_text(value: object) -> bool:
    return isinstance(value, str) and bool(value.strip()) and writable(value)


@attrs.frozen(kw_only=True)
class StatusUpdate:
    """
    One status update for one audience: what we know, doing, and what comes next.

    It says what we know, what we are doing, and when the next update comes.

    Internal updates may carry more: the business impact, who owns the
    response, and whether engineering teams should stand by or stand down.
    Public updates may not (those details stay inside the company).

    Attributes:
        audience: Who it is for.
        at: When it was posted (aware; stored in UTC).
        status: The lifecycle status it announces.
        known: What we know.
        doing: What we are doing about it.
        next_update_at: When the next update comes: after *at*.  Required,
            except on a final update (status resolved or closed).
        impact: Internal only: the business impact.
        owners: Internal only: who owns the response (``"raj (operations)"``).
        stand_by: Internal only: ``True`` asks engineering teams to stand by,
            ``False`` to stand down, ``None`` says nothing.
        by: Who posted it.

    Raises:
        ValidationError: Naming the field: a missing element, a next update
            not after the posting time, internal details on a public update.

    Example:
        >>> from datetime import datetime, timedelta, timezone
        >>> from incidentkit import Audience, Status
        >>> from incidentkit.comms import StatusUpdate
        >>> t = datetime(2024, 6, 1, 14, 5, tzinfo=timezone.utc)
        >>> u = StatusUpdate(audience=Audience.PUBLIC, at=t,
        ...                  status=Status.INVESTIGATING,
        ...                  known="Some payments are failing.",
        ...                  doing="We are investigating.",
        ...                  next_update_at=t + timedelta(minutes=20))
        >>> u.next_update_in
        datetime.timedelta(seconds=1200)
        >>> StatusUpdate(audience=Audience.PUBLIC, at=t, status=Status.INVESTIGATING,
        ...              known="Payments fail.", doing="Investigating.")
        Traceback (most recent call last):
        ...
        incidentkit.errors.ValidationError: 'next_update_at' must be a time after \
the update (2024-06-01T14:05:00+00:00): every update but the final one says when \
the next comes (got None)
    """

    audience: Audience = attrs.field(validator=instance_of(Audience, "an Audience"))
    at: dt.datetime = attrs.field(converter=to_utc, validator=check_aware)
    status: Status = attrs.field(validator=instance_of(Status, "a Status"))
    known: str = attrs.field(validator=text)
    doing: str = attrs.field(validator=text)
    next_update_at: dt.datetime | None = attrs.field(
        default=None, converter=to_utc_optional, validator=check_aware
    )
    impact: str | None = attrs.field(default=None, validator=optional_text)
    owners: tuple[str, ...] = attrs.field(
        default=(),
        converter=_texts,
        validator=tuple_of(_is_text, "a sequence of non-empty strings"),
    )
    stand_by: bool | None = attrs.field(default=None, validator=optional(check_bool))
    by: str | None = attrs.field(default=None, validator=optional_text)

    def __attrs_post_init__(self) -> None:
        nxt = self.next_update_at
        if nxt is None and self.status not in FINAL_STATUSES:
            raise ValidationError.for_field(
                "next_update_at",
                f"a time after the update ({self.at.isoformat()}): every update "
                "but the final one says when the next comes",
                None,
            )
        if nxt is not None and nxt <= self.at:
            raise ValidationError.for_field(
                "next_update_at",
                f"a time after the update ({self.at.isoformat()})",
                nxt,
            )
        if self.audience is Audience.PUBLIC:
            for name in ("impact", "owners", "stand_by"):
                value = getattr(self, name)
                if value not in (None, ()):
                    raise ValidationError.for_field(
                        name,
                        "nothing on a public update (internal details stay internal)",
                        value,
                    )

    @property
    def is_final(self) -> bool:
        """Whether this update closes the story (resolved or closed)."""
        return self.status in FINAL_STATUSES

    @property
    def next_update_in(self) -> dt.timedelta | None:
        """How long until the promised next update, or ``None`` on a final one."""
        return None if self.next_update_at is None else self.next_update_at - self.at

    def to_event(self) -> StatusUpdatePosted:
        """
        Return the timeline event recording this update (`Incident.post` uses it).

        The event's free ``text`` is *known* and *doing* joined by a space.

        Returns:
            The event.
        """
        return StatusUpdatePosted(
            at=self.at,
            by=self.by,
            audience=self.audience,
            text=f"{self.known} {self.doing}",
            next_update_at=self.next_update_at,
            status=self.status,
            known=self.known,
            doing=self.doing,
            impact=self.impact,
            owners=self.owners,
            stand_by=self.stand_by,
        )

    @classmethod
    def from_event(cls, event: StatusUpdatePosted) -> StatusUpdate:
        """
        Read an update back from its timeline event.

        Args:
            event: A structured `StatusUpdatePosted` (one written by `to_event`).

        Returns:
            The update.

        Raises:
            ValidationError: If *event* lacks a structured element (a free-text
                update posted with ``post_update``), naming the first missing.

        Example:
            >>> from datetime import datetime, timezone
            >>> from incidentkit import Audience, Status
            >>> from incidentkit.comms import StatusUpdate
            >>> t = datetime(2024, 6, 1, 16, 0, tzinfo=timezone.utc)
            >>> u = StatusUpdate(audience=Audience.PUBLIC, at=t, status=Status.RESOLVED,
            ...                  known="Payments work again.", doing="Nothing more.")
            >>> StatusUpdate.from_event(u.to_event()) == u
            True
        """
        if not isinstance(event, StatusUpdatePosted):
            raise ValidationError.for_field("event", "a StatusUpdatePosted", event)
        status, known, doing = event.status, event.known, event.doing
        if status is None or known is None or doing is None:
            missing = next(
                name
                for name, value in (
                    ("status", status),
                    ("known", known),
                    ("doing", doing),
                )
                if value is None
            )
            raise ValidationError.for_field(
                f"event.{missing}", "a value (a structured update, not free text)", None
            )
        return cls(
            audience=event.audience,
            at=event.at,
            status=status,
            known=known,
            doing=doing,
            next_update_at=event.next_update_at,
            impact=event.impact,
            owners=event.owners,
            stand_by=event.stand_by,
            by=event.by,
        )
