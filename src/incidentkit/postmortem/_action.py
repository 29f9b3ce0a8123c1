"""Action items: owned, dated changes a postmortem commits to."""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

import attrs

from incidentkit._time import ensure_utc
from incidentkit._validators import instance_of, optional_text, text
from incidentkit.errors import ValidationError


__all__ = ["ActionCategory", "ActionItem", "ActionStatus"]


class ActionCategory(enum.Enum):
    """What kind of change an action item makes (the process's four, and other)."""

    MONITORING = "monitoring"
    """A monitoring gap: alert on the signals that would have caught it."""
    DEPLOYMENT_SAFEGUARD = "deployment_safeguard"
    """Tighter deployment: canaries, automated rollback triggers."""
    ARCHITECTURE = "architecture"
    """An architectural weakness: redundancy where one part took everything down."""
    RUNBOOK = "runbook"
    """A runbook update: write down the fix that had to be improvised."""
    OTHER = "other"
    """Anything else."""


class ActionStatus(enum.Enum):
    """Where an action item stands."""

    OPEN = "open"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    WONT_DO = "wont_do"
    """Decided against, on purpose (say why in the link or title)."""

    @property
    def is_pending(self) -> bool:
        """Whether work is still expected (open or in progress)."""
        return self in {ActionStatus.OPEN, ActionStatus.IN_PROGRESS}


def _check_due(_instance: object, _attribute: attrs.Attribute[Any], value: Any) -> None:
    if value is not None and (
        not isinstance(value, dt.date) or isinstance(value, dt.datetime)
    ):
        raise ValidationError.for_field(
            "due", "a date such as date(2024, 7, 1) (not a datetime)", value
        )


@attrs.frozen
class ActionItem:
    """
    One change a postmortem commits to, owned by a person with a deadline.

    Attributes:
        title: What will be done.
        owner: Who owns it (one person; a team is nobody).
        due: The deadline, a `datetime.date`.
        category: What kind of change it is.
        status: Where it stands.
        link: A ticket or document.

    Example:
        >>> from datetime import date
        >>> from incidentkit.postmortem import ActionCategory, ActionItem
        >>> item = ActionItem("Alert on pool usage", owner="lee",
        ...                   due=date(2024, 7, 1), category=ActionCategory.MONITORING)
        >>> item.status.value
        'open'
    """

    title: str = attrs.field(validator=text)
    owner: str | None = attrs.field(default=None, kw_only=True, validator=optional_text)
    due: dt.date | None = attrs.field(default=None, kw_only=True, validator=_check_due)
    category: ActionCategory = attrs.field(
        default=ActionCategory.OTHER,
        kw_only=True,
        validator=instance_of(ActionCategory, "an ActionCategory"),
    )
    status: ActionStatus = attrs.field(
        default=ActionStatus.OPEN,
        kw_only=True,
        validator=instance_of(ActionStatus, "an ActionStatus"),
    )
    link: str | None = attrs.field(default=None, kw_only=True, validator=optional_text)

    def is_overdue(self, now: dt.datetime) -> bool:
        """
        Whether the item is still pending after its due day ended (in UTC).

        Args:
            now: The instant to judge at (aware).
        """
        now = ensure_utc(now, field="now")
        return self.due is not None and self.status.is_pending and now.date() > self.due
