"""
Spans: the time between two named milestones of an incident.

Every "time to x" is the gap between two milestones (`MILESTONES`),
and vendors disagree about which two.  A `Span` names both ends, so a figure
always says what it measured.  The named spans:

* `TIME_TO_DETECT`: ``started_at`` → ``detected_at``, how long impact went unseen;
* `TIME_TO_ACKNOWLEDGE`: ``detected_at`` → ``acknowledged_at``, how long until a
  responder picked it up;
* `TIME_TO_RESTORE`: ``started_at`` → ``mitigated_at``, how long users were hurt;
* `TIME_TO_RESOLVE`: ``started_at`` → ``resolved_at``, how long until the cause was
  fixed.

A span never falls back to another milestone: when ``started_at`` is unknown the
time to restore is unknown, not measured from the declaration.  `Span.measure`
says why a duration is missing (`Unmeasured`).

Spans live in the core model because metrics and postmortems both use them.

Example:
    >>> from datetime import datetime, timedelta, timezone
    >>> from incidentkit import Incident
    >>> from incidentkit.spans import TIME_TO_DETECT, TIME_TO_RESTORE
    >>> t0 = datetime(2024, 6, 1, 14, 0, tzinfo=timezone.utc)
    >>> inc = Incident.declare("Checkout down", severity="P2", declared_by="ana",
    ...                        at=t0, started_at=t0 - timedelta(minutes=7))
    >>> TIME_TO_DETECT.measure(inc).duration
    datetime.timedelta(seconds=420)
    >>> TIME_TO_RESTORE.measure(inc).reason
    <Unmeasured.OPEN: 'open'>
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Mapping
from typing import Final, Protocol

import attrs

from ._invariants import check_milestone_order, check_status_milestones
from ._lifecycle import STATUS_MILESTONES, Status
from ._time import check_aware, to_utc_optional
from ._validators import (
    check_labels,
    freeze_labels,
    instance_of,
    optional_text,
    text,
)
from .errors import ValidationError
from .severity import Severity


__all__ = [
    "MILESTONES",
    "NAMED_SPANS",
    "TIME_TO_ACKNOWLEDGE",
    "TIME_TO_DETECT",
    "TIME_TO_RESOLVE",
    "TIME_TO_RESTORE",
    "IncidentRecord",
    "Measurement",
    "Milestoned",
    "Span",
    "Unmeasured",
]

MILESTONES: Final[tuple[str, ...]] = (
    "started_at",
    "detected_at",
    "declared_at",
    "acknowledged_at",
    "mitigated_at",
    "resolved_at",
    "closed_at",
)
"""The names of an incident's milestones, in their usual order."""


class Milestoned(Protocol):
    """What metrics read: an `incidentkit.incident.Incident` or an `IncidentRecord`."""

    @property
    def id(self) -> str:
        """A stable identifier."""

    @property
    def title(self) -> str:
        """A short human title."""

    @property
    def severity(self) -> Severity:
        """How bad it is."""

    @property
    def status(self) -> Status:
        """Where it is in its lifecycle."""

    @property
    def service(self) -> str | None:
        """The affected service."""

    @property
    def category(self) -> str | None:
        """What kind of failure it is."""

    @property
    def labels(self) -> Mapping[str, str]:
        """Free-form string labels."""

    @property
    def started_at(self) -> dt.datetime | None:
        """When impact began."""

    @property
    def detected_at(self) -> dt.datetime | None:
        """When the problem was detected."""

    @property
    def declared_at(self) -> dt.datetime | None:
        """When the incident was declared."""

    @property
    def acknowledged_at(self) -> dt.datetime | None:
        """When a responder acknowledged the page."""

    @property
    def mitigated_at(self) -> dt.datetime | None:
        """When service was restored."""

    @property
    def resolved_at(self) -> dt.datetime | None:
        """When the cause was fixed."""

    @property
    def closed_at(self) -> dt.datetime | None:
        """When follow-up was done."""


class Unmeasured(enum.Enum):
    """Why a span has no duration for an incident."""

    OPEN = "open"
    """The end milestone cannot be set yet: the incident has not got that far."""
    MISSING = "missing"
    """A milestone the span needs was never recorded."""
    NEGATIVE = "negative"
    """The end is before the start: the record contradicts itself."""
    ZERO = "zero"
    """
    Both ends are the same instant.  Real incidents take time; a zero almost
    always means a record written after the fact with one time copied into both
    fields (all 832 GitHub status records before 2019 look like this).  A zero
    also has no logarithm, so it would break the geometric mean.
    """


@attrs.frozen
class Measurement:
    """
    One incident's duration over a span, or the reason it has none.

    Attributes:
        duration: The time between the two milestones, when computable.
        reason: Why there is no duration (``None`` when there is one).
        milestone: The milestone that was missing, for ``OPEN`` and ``MISSING``.
    """

    duration: dt.timedelta | None
    reason: Unmeasured | None = None
    milestone: str | None = None


def _milestone(value: object, field: str) -> str:
    if not isinstance(value, str) or value not in MILESTONES:
        raise ValidationError.for_field(
            field, f"one of the milestones {', '.join(MILESTONES)}", value
        )
    return value


def _start(value: object) -> str:
    return _milestone(value, "start")


def _end(value: object) -> str:
    return _milestone(value, "end")


# For each milestone, the statuses in which it cannot be set yet.
_NOT_YET: Final[Mapping[str, frozenset[Status]]] = {
    name: frozenset(s for s, rule in STATUS_MILESTONES.items() if name in rule.forbids)
    for name in MILESTONES
}


@attrs.frozen
class Span:
    """
    The time from one milestone to another.

    Attributes:
        start: The milestone it starts at, such as ``"started_at"``.
        end: The milestone it ends at, such as ``"mitigated_at"``.
        name: What it is called in reports; ``"started_at → mitigated_at"`` when
            not given.

    Example:
        >>> from incidentkit.spans import Span
        >>> Span("declared_at", "resolved_at").name
        'declared_at → resolved_at'
    """

    start: str = attrs.field(converter=_start)
    end: str = attrs.field(converter=_end)
    name: str = attrs.field(
        default=attrs.Factory(
            lambda self: f"{self.start} → {self.end}", takes_self=True
        ),
        validator=text,
    )

    def __attrs_post_init__(self) -> None:
        if self.start == self.end:
            raise ValidationError(
                f"a span needs two different milestones (got {self.start!r} twice)",
                field="end",
                expected="a milestone other than start",
                got=self.end,
            )

    def measure(self, incident: Milestoned) -> Measurement:
        """
        Measure *incident* over this span.

        Args:
            incident: An `incidentkit.incident.Incident` or an `IncidentRecord`.

        Returns:
            The duration, or why there is none: ``OPEN`` when the incident has not
            reached the end milestone yet, ``MISSING`` when a milestone was never
            recorded, ``NEGATIVE`` or ``ZERO`` when the record contradicts itself.
        """
        start = getattr(incident, self.start)
        end = getattr(incident, self.end)
        if start is None:
            return Measurement(None, Unmeasured.MISSING, self.start)
        if end is None:
            reason = (
                Unmeasured.OPEN
                if incident.status in _NOT_YET[self.end]
                else Unmeasured.MISSING
            )
            return Measurement(None, reason, self.end)
        duration: dt.timedelta = end - start
        if duration > _ZERO:
            return Measurement(duration)
        return Measurement(
            None, Unmeasured.ZERO if duration == _ZERO else Unmeasured.NEGATIVE
        )


_ZERO: Final = dt.timedelta(0)

TIME_TO_DETECT: Final = Span("started_at", "detected_at", "time to detect")
"""Impact start → detection: how long the problem went unseen."""
TIME_TO_ACKNOWLEDGE: Final = Span(
    "detected_at", "acknowledged_at", "time to acknowledge"
)
"""Detection → acknowledgement: how long until a responder picked it up."""
TIME_TO_RESTORE: Final = Span("started_at", "mitigated_at", "time to restore")
"""Impact start → mitigation: how long users were affected."""
TIME_TO_RESOLVE: Final = Span("started_at", "resolved_at", "time to resolve")
"""Impact start → resolution: how long until the cause was fixed."""

NAMED_SPANS: Final[Mapping[str, Span]] = {
    "detect": TIME_TO_DETECT,
    "acknowledge": TIME_TO_ACKNOWLEDGE,
    "restore": TIME_TO_RESTORE,
    "resolve": TIME_TO_RESOLVE,
}
"""The named spans by their short name, as the command line takes them."""


@attrs.frozen(kw_only=True)
class IncidentRecord:
    """
    The part of an incident that metrics read: identity, classification, milestones.

    ``serialization.iter_jsonl(path, IncidentRecord)`` (and ``loads``) read these
    straight from incident documents, much faster than whole incidents, checking
    the same rules for these fields (milestone order included) and that the
    ``roles`` and ``timeline`` they skip are arrays; `IncidentRecord.of` takes
    them from an `incidentkit.incident.Incident`.

    Attributes:
        id: A stable identifier.
        title: A short human title.
        severity: How bad it is.
        status: Where it is in its lifecycle.
        service: The affected service.
        category: What kind of failure it is.
        labels: Free-form string labels.
        started_at: When impact began.
        detected_at: When the problem was detected.
        declared_at: When the incident was declared.
        acknowledged_at: When a responder acknowledged the page.
        mitigated_at: When service was restored.
        resolved_at: When the cause was fixed.
        closed_at: When follow-up was done.
    """

    id: str = attrs.field(validator=text)
    title: str = attrs.field(validator=text)
    severity: Severity = attrs.field(validator=instance_of(Severity, "a Severity"))
    status: Status = attrs.field(validator=instance_of(Status, "a Status"))
    service: str | None = attrs.field(default=None, validator=optional_text)
    category: str | None = attrs.field(default=None, validator=optional_text)
    labels: Mapping[str, str] = attrs.field(
        factory=dict, converter=freeze_labels, validator=check_labels
    )
    started_at: dt.datetime | None = attrs.field(
        default=None, converter=to_utc_optional, validator=check_aware
    )
    detected_at: dt.datetime | None = attrs.field(
        default=None, converter=to_utc_optional, validator=check_aware
    )
    declared_at: dt.datetime | None = attrs.field(
        default=None, converter=to_utc_optional, validator=check_aware
    )
    acknowledged_at: dt.datetime | None = attrs.field(
        default=None, converter=to_utc_optional, validator=check_aware
    )
    mitigated_at: dt.datetime | None = attrs.field(
        default=None, converter=to_utc_optional, validator=check_aware
    )
    resolved_at: dt.datetime | None = attrs.field(
        default=None, converter=to_utc_optional, validator=check_aware
    )
    closed_at: dt.datetime | None = attrs.field(
        default=None, converter=to_utc_optional, validator=check_aware
    )

    def __attrs_post_init__(self) -> None:
        milestones = {name: getattr(self, name) for name in MILESTONES}
        check_milestone_order(milestones)
        check_status_milestones(self.status, milestones)

    @classmethod
    def of(cls, incident: Milestoned) -> IncidentRecord:
        """
        Take the record of *incident*.

        Example:
            >>> from datetime import datetime, timezone
            >>> from incidentkit import Incident
            >>> from incidentkit.spans import IncidentRecord
            >>> t0 = datetime(2024, 6, 1, 14, 0, tzinfo=timezone.utc)
            >>> inc = Incident.declare("Checkout down", severity="P2",
            ...                        declared_by="ana", at=t0)
            >>> IncidentRecord.of(inc).declared_at == t0
            True
        """
        return cls(
            id=incident.id,
            title=incident.title,
            severity=incident.severity,
            status=incident.status,
            service=incident.service,
            category=incident.category,
            labels=incident.labels,
            **{name: getattr(incident, name) for name in MILESTONES},
        )
