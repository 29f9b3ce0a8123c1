"""The cadence planner: when each audience's updates are due."""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Mapping
from typing import Any, Final, NamedTuple

import attrs

from incidentkit._frozen import FrozenMap, freeze
from incidentkit._time import check_aware, ensure_utc, to_utc, to_utc_optional
from incidentkit._validators import instance_of, optional
from incidentkit.errors import ValidationError
from incidentkit.incident import Incident
from incidentkit.severity import Severity
from incidentkit.timeline import Audience, Declared, SeverityChanged, StatusUpdatePosted

from ._policy import DEFAULT_CADENCES, FINAL_UPDATE_WITHIN, Cadence, CadencePolicy


__all__ = [
    "BrokenPromise",
    "CadencePlanner",
    "DuePoint",
    "DueReason",
    "Outcome",
]


class DueReason(enum.Enum):
    """Why an update is due when it is."""

    FIRST = "first"
    """The first update after declaring."""
    RHYTHM = "rhythm"
    """The policy's rhythm after the previous update."""
    PROMISE = "promise"
    """The previous update promised the next one sooner than the rhythm."""
    SEVERITY_CHANGE = "severity_change"
    """The severity changed: the new level's first-update window."""
    FINAL = "final"
    """The final update after resolution."""


class Outcome(enum.Enum):
    """What became of a due point."""

    PLANNED = "planned"
    """In a schedule: not happened yet, the plan assumes it goes out on time."""
    PENDING = "pending"
    """In an audit: not due yet."""
    ON_TIME = "on_time"
    """An update went out by the due time."""
    LATE = "late"
    """An update went out, after the due time."""
    MISSED = "missed"
    """No update went out: the time passed, or the incident was resolved first."""


@attrs.frozen(kw_only=True)
class DuePoint:
    """
    One update due for one audience, and (in an audit) what became of it.

    Attributes:
        audience: Who the update is for.
        due_at: When it is due.
        reason: Why it is due then.
        severity: The level whose policy (or promise) set the time.
        outcome: What became of it.
        posted_at: When the update that settled it went out, if one did.

    Example:
        >>> from datetime import datetime, timezone
        >>> from incidentkit import Audience, Severity
        >>> from incidentkit.comms import DuePoint, DueReason, Outcome
        >>> p = DuePoint(audience=Audience.PUBLIC, reason=DueReason.FIRST,
        ...              due_at=datetime(2024, 6, 1, 14, 5, tzinfo=timezone.utc),
        ...              severity=Severity.P1, outcome=Outcome.LATE,
        ...              posted_at=datetime(2024, 6, 1, 14, 9, tzinfo=timezone.utc))
        >>> p.late_by
        datetime.timedelta(seconds=240)
    """

    audience: Audience = attrs.field(validator=instance_of(Audience, "an Audience"))
    due_at: dt.datetime = attrs.field(converter=to_utc, validator=check_aware)
    reason: DueReason = attrs.field(validator=instance_of(DueReason, "a DueReason"))
    severity: Severity = attrs.field(validator=instance_of(Severity, "a Severity"))
    outcome: Outcome = attrs.field(
        default=Outcome.PLANNED, validator=instance_of(Outcome, "an Outcome")
    )
    posted_at: dt.datetime | None = attrs.field(
        default=None, converter=to_utc_optional, validator=check_aware
    )

    @property
    def late_by(self) -> dt.timedelta | None:
        """How late the settling update was, or ``None`` if not late or none."""
        if self.posted_at is None or self.posted_at <= self.due_at:
            return None
        return self.posted_at - self.due_at

    def describe(self) -> str:
        """Return one line: audience, due time, reason and outcome."""
        return (
            f"{self.audience.value} update due {self.due_at:%Y-%m-%d %H:%M} UTC "
            f"({self.reason.value.replace('_', ' ')}): "
            f"{self.outcome.value.replace('_', ' ')}"
        )


@attrs.frozen(kw_only=True)
class BrokenPromise:
    """
    An update promised the next one by a time, and the next came later or not yet.

    Attributes:
        audience: Who the updates were for.
        posted_at: When the promising update went out.
        promised_at: The promised time of the next update.
        next_at: When the next update went out, or ``None`` if none has.

    Example:
        >>> from datetime import datetime, timezone
        >>> from incidentkit import Audience
        >>> from incidentkit.comms import BrokenPromise
        >>> t = datetime(2024, 6, 1, 14, 0, tzinfo=timezone.utc)
        >>> b = BrokenPromise(audience=Audience.PUBLIC, posted_at=t,
        ...                   promised_at=t.replace(minute=20),
        ...                   next_at=t.replace(minute=31))
        >>> b.late_by
        datetime.timedelta(seconds=660)
    """

    audience: Audience = attrs.field(validator=instance_of(Audience, "an Audience"))
    posted_at: dt.datetime = attrs.field(converter=to_utc, validator=check_aware)
    promised_at: dt.datetime = attrs.field(converter=to_utc, validator=check_aware)
    next_at: dt.datetime | None = attrs.field(
        default=None, converter=to_utc_optional, validator=check_aware
    )

    @property
    def late_by(self) -> dt.timedelta | None:
        """How late the next update was, or ``None`` if none has come."""
        return None if self.next_at is None else self.next_at - self.promised_at


class _Due(NamedTuple):
    at: dt.datetime
    reason: DueReason
    severity: Severity


def _due(
    at: dt.datetime, delta: dt.timedelta, reason: DueReason, severity: Severity
) -> _Due | None:
    # Nothing can be due after the last instant a datetime holds (year 9999).
    try:
        return _Due(at + delta, reason, severity)
    except OverflowError:
        return None


class Story(NamedTuple):
    """What the planner reads of an incident, up to a moment."""

    declared_at: dt.datetime
    severity: Severity
    changes: tuple[tuple[dt.datetime, Severity], ...]
    resolved_at: dt.datetime | None
    updates: Mapping[Audience, tuple[StatusUpdatePosted, ...]]


def read_story(incident: Incident, now: dt.datetime | None) -> Story:
    """Read the declaration, severity changes, resolution and updates up to *now*."""
    if not isinstance(incident, Incident):
        raise ValidationError.for_field("incident", "an Incident", incident)
    declared_event = incident.timeline.first(Declared)
    declared_at = incident.declared_at
    if declared_at is None and declared_event is not None:
        declared_at = declared_event.at
    if declared_at is None:
        raise ValidationError.for_field(
            "incident.declared_at", "the time the incident was declared", None
        )
    changes = incident.timeline.of_kind(SeverityChanged)
    if declared_event is not None:
        severity = declared_event.severity
    elif changes:
        severity = changes[0].old
    else:
        severity = incident.severity

    def seen(at: dt.datetime) -> bool:
        return now is None or at <= now

    resolved = incident.resolved_at
    updates = incident.timeline.of_kind(StatusUpdatePosted)
    return Story(
        declared_at=declared_at,
        severity=severity,
        changes=tuple((max(c.at, declared_at), c.new) for c in changes if seen(c.at)),
        resolved_at=resolved if resolved is not None and seen(resolved) else None,
        updates={
            audience: tuple(u for u in updates if u.audience is audience and seen(u.at))
            for audience in Audience
        },
    )


class Run(NamedTuple):
    """One audience's due points and broken promises."""

    points: list[DuePoint]
    promises: list[BrokenPromise]
    required: bool


class _Walk:
    """
    One audience's history walked in time order, settling due points.

    With *now* (an audit), a point still open at the end is missed or pending;
    with *until* (a schedule), updates are assumed to go out exactly when due
    once the recorded ones run out, up to *until*.
    """

    def __init__(
        self,
        audience: Audience,
        story: Story,
        cadence_of: Mapping[Severity, Cadence | None],
    ) -> None:
        self.audience = audience
        self.story = story
        self.cadence_of = cadence_of
        self.severity = story.severity
        self.cadence = cadence_of[story.severity]
        self.last_cadence = self.cadence
        self.required = self.cadence is not None
        self.rhythm: _Due | None = (
            None
            if self.cadence is None
            else _due(
                story.declared_at,
                self.cadence.first_within,
                DueReason.FIRST,
                story.severity,
            )
        )
        self.promise: _Due | None = None
        self.final: _Due | None = None
        self.is_open = True
        self.got_update = False
        self.points: list[DuePoint] = []
        self.promises: list[BrokenPromise] = []
        self.last_promise: tuple[dt.datetime, dt.datetime] | None = None

    def pending(self) -> _Due | None:
        if not self.is_open:
            return self.final
        promise, rhythm = self.promise, self.rhythm
        if promise is not None and (rhythm is None or promise.at < rhythm.at):
            return promise
        return rhythm

    def settle(self, due: _Due, outcome: Outcome, posted: dt.datetime | None) -> None:
        self.points.append(
            DuePoint(
                audience=self.audience,
                due_at=due.at,
                reason=due.reason,
                severity=due.severity,
                outcome=outcome,
                posted_at=posted,
            )
        )

    def posted(
        self, at: dt.datetime, promised: dt.datetime | None, outcome: Outcome | None
    ) -> None:
        due = self.pending()
        if due is not None:
            if outcome is None:
                outcome = Outcome.ON_TIME if at <= due.at else Outcome.LATE
            self.settle(due, outcome, None if outcome is Outcome.PLANNED else at)
        self.got_update = True
        if not self.is_open:
            self.final = None
            return
        cadence = self.cadence
        age = at - self.story.declared_at
        self.rhythm = (
            None
            if cadence is None
            else _due(at, cadence.interval_at(age), DueReason.RHYTHM, self.severity)
        )
        self.promise = (
            None
            if promised is None
            else _Due(promised, DueReason.PROMISE, self.severity)
        )

    def severity_changed(self, at: dt.datetime, severity: Severity) -> None:
        self.severity = severity
        self.cadence = cadence = self.cadence_of[severity]
        if cadence is None:
            # An update already overdue stays due; the rest of the rhythm stops.
            if self.rhythm is not None and self.rhythm.at >= at:
                self.rhythm = None
            return
        self.last_cadence = cadence
        self.required = True
        window = _due(at, cadence.first_within, DueReason.SEVERITY_CHANGE, severity)
        if self.rhythm is None or (window is not None and window.at < self.rhythm.at):
            self.rhythm = window

    def resolved(self, at: dt.datetime) -> None:
        due = self.pending()
        if due is not None and due.at < at:
            self.settle(due, Outcome.MISSED, None)
        self.is_open = False
        self.rhythm = self.promise = None
        if self.got_update or self.required:
            last = self.last_cadence
            within = FINAL_UPDATE_WITHIN if last is None else last.final_within
            self.final = _due(at, within, DueReason.FINAL, self.severity)

    def recorded(self, update: StatusUpdatePosted) -> None:
        at = update.at
        last = self.last_promise
        if last is not None and at > last[1]:
            self.promises.append(
                BrokenPromise(
                    audience=self.audience,
                    posted_at=last[0],
                    promised_at=last[1],
                    next_at=at,
                )
            )
        promised = update.next_update_at
        self.last_promise = None if promised is None else (at, promised)
        self.posted(at, promised, None)

    def run(self, *, now: dt.datetime | None, until: dt.datetime | None) -> Run:
        story = self.story
        events: list[tuple[dt.datetime, int, Any]] = [
            (at, 0, new) for at, new in story.changes
        ]
        if story.resolved_at is not None:
            events.append((story.resolved_at, 1, None))
        updates = story.updates[self.audience]
        events.extend((u.at, 2, u) for u in updates)
        events.sort(key=lambda e: (e[0], e[1]))
        left = len(updates)
        index = 0
        while True:
            upcoming = events[index] if index < len(events) else None
            due = self.pending()
            if (
                until is not None
                and left == 0
                and due is not None
                and due.at <= until
                and (upcoming is None or due.at < upcoming[0])
            ):
                self.posted(due.at, None, Outcome.PLANNED)
                continue
            if upcoming is None:
                break
            index += 1
            at, order, item = upcoming
            if order == 0:
                self.severity_changed(at, item)
            elif order == 1:
                self.resolved(at)
            else:
                left -= 1
                self.recorded(item)
        if now is not None:
            self.close(now)
        return Run(self.points, self.promises, self.required)

    def close(self, now: dt.datetime) -> None:
        due = self.pending()
        if due is not None:
            self.settle(due, Outcome.MISSED if due.at < now else Outcome.PENDING, None)
        last = self.last_promise
        if last is not None and last[1] < now:
            self.promises.append(
                BrokenPromise(
                    audience=self.audience, posted_at=last[0], promised_at=last[1]
                )
            )


def _freeze_policies(
    value: Mapping[Severity, CadencePolicy],
) -> FrozenMap[Severity, CadencePolicy]:
    if not isinstance(value, Mapping):
        return value  # the validator refuses it
    return freeze(value)


def _check_policies(
    _instance: object, _attribute: attrs.Attribute[Any], value: Any
) -> None:
    expected = "a mapping of every Severity to a CadencePolicy"
    if (
        not isinstance(value, Mapping)
        or set(value) != set(Severity)
        or not all(isinstance(p, CadencePolicy) for p in value.values())
    ):
        raise ValidationError.for_field("policies", expected, value)


@attrs.frozen(kw_only=True)
class CadencePlanner:
    """
    Plans when each audience's updates are due, and audits what was posted.

    The cadence of each level comes from *policies* (`DEFAULT_CADENCES`,
    derived from the severities' `ResponsePolicy`), or from *policy* for every
    level when given.  The rules, per audience:

    * the first update is due ``first_within`` of declaring;
    * after each update, the next is due after the gap of the step in force,
      or at the time the update promised if that is sooner (a broken promise
      is a late update);
    * a severity change re-plans from that moment: the next update is due
      within the new level's ``first_within``, unless one was due sooner; a
      level without a cadence for the audience stops its rhythm (a promise,
      and an update already overdue, still stand);
    * at resolution the rhythm stops: a point due before it and not met is
      missed; a final update is due ``final_within`` after it for every
      audience that got updates or had a cadence.  An update posted at the
      very instant of resolution is the final update.

    Each update settles the one point pending when it goes out, so a long
    silence is one late point (see the longest silence in `CadenceReport`).

    Attributes:
        policies: The cadence policy of every severity level.
        policy: One policy for every level, overriding *policies*.

    Example:
        >>> from datetime import datetime, timedelta, timezone
        >>> from incidentkit import Incident, Severity
        >>> from incidentkit.comms import CadencePlanner
        >>> t0 = datetime(2024, 6, 1, 14, 0, tzinfo=timezone.utc)
        >>> inc = Incident.declare("API down", severity=Severity.P1,
        ...                        at=t0, declared_by="ana")
        >>> due = CadencePlanner().next_due(inc, t0 + timedelta(minutes=1))
        >>> {a.value: f"{p.due_at:%H:%M}" for a, p in due.items()}
        {'internal': '14:05', 'public': '14:05'}
    """

    policies: Mapping[Severity, CadencePolicy] = attrs.field(
        factory=lambda: DEFAULT_CADENCES,
        converter=_freeze_policies,
        validator=_check_policies,
    )
    policy: CadencePolicy | None = attrs.field(
        default=None, validator=optional(instance_of(CadencePolicy, "a CadencePolicy"))
    )

    def cadence(self, severity: Severity, audience: Audience) -> Cadence | None:
        """
        Return the cadence of *audience* at *severity*, or ``None``.

        Args:
            severity: The level.
            audience: Internal or public.

        Returns:
            The cadence in force.
        """
        severity = Severity.parse(severity)
        policy = self.policy if self.policy is not None else self.policies[severity]
        return policy.cadence(audience)

    def cadences(self, audience: Audience) -> dict[Severity, Cadence | None]:
        """
        Return the cadence of *audience* at every level.

        Args:
            audience: Internal or public.

        Returns:
            Each `Severity` with its cadence, or ``None`` where none applies.
        """
        return {s: self.cadence(s, audience) for s in Severity}

    def due_points(self, incident: Incident, now: dt.datetime) -> tuple[DuePoint, ...]:
        """
        Return every due point up to *now*, settled, missed or pending.

        Args:
            incident: The incident.
            now: The moment of the audit; later events are not seen.

        Returns:
            The points, ordered by due time (internal first on ties).
        """
        points = [p for run in walk(self, incident, now).values() for p in run.points]
        return tuple(sorted(points, key=_point_order))

    def next_due(
        self, incident: Incident, now: dt.datetime
    ) -> dict[Audience, DuePoint]:
        """
        Return the next update due for each audience that owes one at *now*.

        An overdue update is still the next one due (its outcome is
        ``MISSED`` until one goes out).

        Args:
            incident: The incident.
            now: The moment.

        Returns:
            The due point of each audience, internal first.
        """
        found: dict[Audience, DuePoint] = {}
        for audience, run in walk(self, incident, now).items():
            # Only the walk's last point can be unsettled by an update.
            if run.points and run.points[-1].posted_at is None:
                found[audience] = run.points[-1]
        return found

    def schedule(
        self, incident: Incident, *, until: dt.datetime | None = None
    ) -> tuple[DuePoint, ...]:
        """
        Return the full schedule: the recorded updates, then the plan.

        Points the recorded updates settled keep their outcome; after the last
        recorded update the plan assumes each update goes out exactly when due
        (outcome ``PLANNED``) and makes no promises.

        Args:
            incident: The incident.
            until: Plan up to this instant; for a resolved incident it may be
                left out (the plan ends with the final updates).

        Returns:
            The points in due order; per audience, due times increase.

        Raises:
            ValidationError: If the incident is open and *until* is not given.
        """
        if until is None:
            if incident.resolved_at is None:
                raise ValidationError.for_field(
                    "until", "an instant (the incident is not resolved)", None
                )
            horizon = dt.datetime.max.replace(tzinfo=dt.timezone.utc)
        else:
            horizon = ensure_utc(until, field="until")
        story = read_story(incident, None)
        points = [
            p
            for a in Audience
            for p in _Walk(a, story, self.cadences(a))
            .run(now=None, until=horizon)
            .points
        ]
        return tuple(sorted(points, key=_point_order))


def walk(
    planner: CadencePlanner, incident: Incident, now: dt.datetime
) -> dict[Audience, Run]:
    """The audit walk of every audience (`audit` and the planner use it)."""
    now = ensure_utc(now, field="now")
    story = read_story(incident, now)
    return {
        a: _Walk(a, story, planner.cadences(a)).run(now=now, until=None)
        for a in Audience
    }


_AUDIENCE_ORDER: Final = {a: i for i, a in enumerate(Audience)}


def _point_order(point: DuePoint) -> tuple[dt.datetime, int]:
    return (point.due_at, _AUDIENCE_ORDER[point.audience])
