"""
The incident: one immutable value holding everything known about it.

Every change returns a new `Incident` (the old one is untouched), sets the
milestone it implies, and appends the matching event to the timeline.  Lifecycle
moves follow the one table in `TRANSITIONS`; an illegal move raises
`InvalidTransition` naming the status, the move and the allowed moves.

Example:
    >>> from datetime import datetime, timedelta, timezone
    >>> from incidentkit import Incident, Role, Severity
    >>> t0 = datetime(2024, 6, 1, 14, 0, tzinfo=timezone.utc)
    >>> inc = Incident.declare("Checkout errors", severity=Severity.P2,
    ...                        at=t0, declared_by="ana", service="checkout")
    >>> inc = inc.assign(Role.OPERATIONS_LEAD, "raj", at=t0 + timedelta(minutes=3))
    >>> inc = inc.mitigate(at=t0 + timedelta(minutes=41), how="rolled back 2024.06.1")
    >>> inc.status, inc.mitigated_at - inc.detected_at
    (<Status.MONITORING: 'monitoring'>, datetime.timedelta(seconds=2460))
"""

from __future__ import annotations

import datetime as dt
import re
import typing
from collections.abc import Iterable, Mapping
from typing import Any, Final

import attrs

from ._invariants import (
    check_milestone_order,
    check_single_holders,
    check_status_milestones,
)
from ._lifecycle import (
    EFFECTS,
    OPEN_STATUSES,
    STATUS_MILESTONES,
    TRANSITIONS,
    Effect,
    Milestones,
    Move,
    Status,
    allowed_moves,
    next_status,
)
from ._time import check_aware, ensure_utc, to_utc_optional
from ._validators import (
    as_tuple,
    check_labels,
    freeze_labels,
    instance_of,
    optional_text,
    require_text,
    text,
    tuple_of,
)
from .errors import (
    InvalidTransition,
    RoleConflict,
    ValidationError,
)
from .findings import Finding
from .roles import Role, RoleAssignment, check_roles, holder_of
from .severity import Severity
from .spans import MILESTONES
from .timeline import (
    Acknowledged,
    Audience,
    Declared,
    MitigationApplied,
    Note,
    RoleAssigned,
    RoleHandedOff,
    RoleRelieved,
    SeverityChanged,
    StatusChanged,
    StatusUpdatePosted,
    SupportsEvent,
    Timeline,
    TimelineEvent,
)


__all__ = [
    "EFFECTS",
    "MILESTONES",
    "OPEN_STATUSES",
    "STATUS_MILESTONES",
    "TRANSITIONS",
    "Effect",
    "Incident",
    "Milestones",
    "Move",
    "Status",
    "allowed_moves",
]

_SLUG: Final[re.Pattern[str]] = re.compile(r"[^a-z0-9]+")


def _roles(values: Iterable[RoleAssignment]) -> tuple[RoleAssignment, ...]:
    # Typed for callers; anything but an iterable is left to the validator.
    return typing.cast("tuple[RoleAssignment, ...]", as_tuple(values))


def _is_assignment(value: object) -> bool:
    return isinstance(value, RoleAssignment)


def _as_role(value: Role | str) -> Role:
    if isinstance(value, Role):
        return value
    if isinstance(value, str):
        try:
            return Role(value)
        except ValidationError:
            pass
    raise ValidationError.for_field(
        "role", "a Role or a lowercase role name such as 'scribe'", value
    )


def _optional_text(value: object, field: str) -> str | None:
    return None if value is None else require_text(value, field)


@attrs.frozen(kw_only=True)
class Incident:
    """
    A production incident: identity, classification, people, history, milestones.

    Build one with `Incident.declare`, then change it with its methods; each
    returns a new incident.

    Attributes:
        id: A stable identifier.
        title: A short human title.
        severity: How bad it is.
        status: Where it is in its lifecycle.
        service: The affected service (the first half of the recurrence
            fingerprint).
        category: What kind of failure it is, such as ``"connection-leak"``
            (the second half).
        labels: Free-form string labels.
        roles: Who held which role, and when.
        timeline: Everything that happened, in time order.
        started_at: When impact began.
        detected_at: When the problem was detected.
        declared_at: When the incident was declared.
        acknowledged_at: When a responder acknowledged the page.
        mitigated_at: When service was restored (stable again).
        resolved_at: When the cause was fixed.
        closed_at: When follow-up (the postmortem) was done.

    Milestones must be in order: ``started_at <= detected_at <= mitigated_at <=
    resolved_at <= closed_at``, and ``declared_at`` and ``acknowledged_at`` not
    before ``detected_at``.  A violation raises `MilestoneOrderError` naming both.
    """

    id: str = attrs.field(validator=text)
    title: str = attrs.field(validator=text)
    severity: Severity = attrs.field(validator=instance_of(Severity, "a Severity"))
    status: Status = attrs.field(
        default=Status.INVESTIGATING,
        validator=instance_of(Status, "a Status"),
    )
    service: str | None = attrs.field(default=None, validator=optional_text)
    category: str | None = attrs.field(default=None, validator=optional_text)
    labels: Mapping[str, str] = attrs.field(
        factory=dict, converter=freeze_labels, validator=check_labels
    )
    roles: tuple[RoleAssignment, ...] = attrs.field(
        default=(),
        converter=_roles,
        validator=tuple_of(_is_assignment, "a sequence of RoleAssignment values"),
    )
    timeline: Timeline = attrs.field(
        factory=Timeline,
        validator=instance_of(Timeline, "a Timeline"),
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
        check_single_holders(self.roles)

    # -- construction --------------------------------------------------------------

    @classmethod
    def declare(
        cls,
        title: str,
        *,
        severity: Severity | str,
        at: dt.datetime,
        declared_by: str,
        service: str | None = None,
        category: str | None = None,
        detected_at: dt.datetime | None = None,
        started_at: dt.datetime | None = None,
        commander: str | None = None,
        labels: Mapping[str, str] | None = None,
        id: str | None = None,  # noqa: A002 - the field is called id
    ) -> Incident:
        """
        Declare a new incident.

        The declarer becomes incident commander unless *commander* names somebody
        else; they keep the role until an explicit `hand_off`.

        Args:
            title: A short human title.
            severity: The initial severity (a `Severity`, or what
                `Severity.parse` reads, such as ``"p1"``).
            at: When it is declared (aware).
            declared_by: Who declares it.
            service: The affected service.
            category: What kind of failure it is.
            detected_at: When the problem was detected; *at* when not given.
            started_at: When impact began, if known.
            commander: Who takes command; *declared_by* when not given.
            labels: Free-form string labels.
            id: The identifier; derived from *at* and *title* when not given
                (``"20240601-140000-checkout-errors"``), so declaring is
                deterministic.

        Returns:
            The incident, ``INVESTIGATING``, with its commander assigned.
        """
        at = ensure_utc(at, field="at")
        detected = (
            at if detected_at is None else ensure_utc(detected_at, field="detected_at")
        )
        severity = Severity.parse(severity)
        title = require_text(title, "title")
        declared_by = require_text(declared_by, "declared_by")
        lead = require_text(
            declared_by if commander is None else commander, "commander"
        )
        events: list[TimelineEvent] = [
            Declared(at=at, by=declared_by, title=title, severity=severity),
            RoleAssigned(
                at=at, by=declared_by, role=Role.INCIDENT_COMMANDER, person=lead
            ),
        ]
        return cls(
            id=id if id is not None else _derive_id(at, title),
            title=title,
            severity=severity,
            service=service,
            category=category,
            labels={} if labels is None else labels,
            roles=(RoleAssignment(Role.INCIDENT_COMMANDER, lead, at),),
            timeline=Timeline(events),
            started_at=started_at,
            detected_at=detected,
            declared_at=at,
        )

    # -- questions ----------------------------------------------------------------

    @property
    def is_open(self) -> bool:
        """Whether the incident is still being worked (not resolved or closed)."""
        return self.status in OPEN_STATUSES

    @property
    def commander(self) -> str | None:
        """Who is incident commander now, if anybody."""
        return holder_of(self.roles, Role.INCIDENT_COMMANDER)

    @property
    def allowed_moves(self) -> tuple[Move, ...]:
        """The lifecycle moves allowed from the current status."""
        return allowed_moves(self.status)

    def holder(self, role: Role | str, at: dt.datetime | None = None) -> str | None:
        """
        Return who holds *role* now, or at the instant *at*.

        Args:
            role: The role, or its name (``"scribe"``).
            at: An instant, or ``None`` for now.

        Returns:
            The person, or ``None``.

        Raises:
            ValidationError: If *role* is neither a `Role` nor a role name.
        """
        return holder_of(self.roles, _as_role(role), at)

    def milestone(self, name: str) -> dt.datetime | None:
        """
        Return the milestone called *name* (one of `MILESTONES`).

        Args:
            name: Such as ``"mitigated_at"``.

        Returns:
            Its value, or ``None`` when not reached.

        Raises:
            ValidationError: If *name* is not a milestone.
        """
        if name not in MILESTONES:
            raise ValidationError.for_field(
                "name", f"one of {', '.join(MILESTONES)}", name
            )
        value: dt.datetime | None = getattr(self, name)
        return value

    def check_roles(self, now: dt.datetime) -> tuple[Finding, ...]:
        """
        Check the role assignments at *now* (see `incidentkit.roles.check_roles`).

        Mitigations applied by whoever was commander at the time count as the
        commander doing hands-on work.

        Args:
            now: The instant to check.

        Returns:
            The findings, most serious first.
        """
        now = ensure_utc(now, field="now")
        hands_on = [
            (e.by, e.at) for e in self.timeline.of_kind(MitigationApplied) if e.by
        ]
        return check_roles(
            self.roles,
            severity=self.severity,
            at=now,
            hands_on=hands_on,
            subject=self.id,
        )

    # -- people -------------------------------------------------------------------

    def assign(
        self, role: Role | str, person: str, *, at: dt.datetime, by: str | None = None
    ) -> Incident:
        """
        Give *role*, which nobody holds, to *person*.

        Args:
            role: The role, or its name.
            person: Who takes it.
            at: When: not before the declaration, nor while an earlier holder
                still held the role.
            by: Who made the assignment.

        Returns:
            The new incident.

        Raises:
            RoleConflict: If somebody holds the role already (use `hand_off`).
        """
        role = _as_role(role)
        person = require_text(person, "person")
        at = self._check_open("assign a role on", at)
        current = self.holder(role)
        if current is not None:
            raise RoleConflict(role.name, current, person)
        return attrs.evolve(
            self,
            roles=(*self.roles, RoleAssignment(role, person, at)),
            timeline=self.timeline.add(
                RoleAssigned(at=at, by=by, role=role, person=person)
            ),
        )

    def hand_off(
        self, role: Role | str, to: str, *, at: dt.datetime, by: str | None = None
    ) -> Incident:
        """
        Pass *role* from its current holder to *to*.

        Args:
            role: The role, or its name.
            to: Who takes it over.
            at: When: not before the current holder took the role.
            by: Who made the hand-off.

        Returns:
            The new incident.

        Raises:
            ValidationError: If nobody holds the role, or *to* holds it already.
        """
        role = _as_role(role)
        to = require_text(to, "to")
        at = self._check_open("hand off a role on", at)
        self._check_role_time(role, at)
        current = self.holder(role)
        if current is None:
            raise ValidationError.for_field(
                "role", "a role somebody holds (use assign())", role.name
            )
        if current == to:
            raise ValidationError.for_field(
                "to", f"somebody other than {current!r}", to
            )
        roles = (*self._relieved(role, at), RoleAssignment(role, to, at))
        event = RoleHandedOff(
            at=at, by=by, role=role, from_person=current, to_person=to
        )
        return attrs.evolve(self, roles=roles, timeline=self.timeline.add(event))

    def relieve(
        self, role: Role | str, *, at: dt.datetime, by: str | None = None
    ) -> Incident:
        """
        End the current holder's tenure of *role* without a successor.

        The incident commander cannot be relieved this way: command passes only
        through an explicit `hand_off`.

        Args:
            role: The role, or its name.
            at: When: not before the current holder took the role.
            by: Who relieved them.

        Returns:
            The new incident.

        Raises:
            ValidationError: If nobody holds the role, or it is the commander's.
        """
        role = _as_role(role)
        at = self._check_open("relieve a role on", at)
        if role == Role.INCIDENT_COMMANDER:
            raise ValidationError.for_field(
                "role",
                "a role other than incident_commander (use hand_off())",
                role.name,
            )
        current = self.holder(role)
        if current is None:
            raise ValidationError.for_field("role", "a role somebody holds", role.name)
        self._check_role_time(role, at)
        event = RoleRelieved(at=at, by=by, role=role, person=current)
        return attrs.evolve(
            self, roles=self._relieved(role, at), timeline=self.timeline.add(event)
        )

    # -- severity -----------------------------------------------------------------

    def change_severity(
        self,
        severity: Severity | str,
        *,
        at: dt.datetime,
        reason: str | None = None,
        by: str | None = None,
    ) -> Incident:
        """
        Set a new severity, in either direction.

        Args:
            severity: The new level (a `Severity`, or what `Severity.parse` reads).
            at: When: not before the declaration, nor before the last change.
            reason: Why.
            by: Who decided.

        Returns:
            The new incident.

        Raises:
            ValidationError: If the severity does not change, or *at* is out of
                order.
            InvalidTransition: If the incident is no longer open.
        """
        at = self._check_open("change the severity of", at)
        severity = Severity.parse(severity)
        reason = _optional_text(reason, "reason")
        if severity is self.severity:
            raise ValidationError.for_field(
                "severity",
                f"a level other than the current {self.severity.value}",
                severity,
            )
        last = self.timeline.last(SeverityChanged)
        if last is not None:
            _not_before(at, last.at, "the last severity change")
        event = SeverityChanged(
            at=at, by=by, old=self.severity, new=severity, reason=reason
        )
        return attrs.evolve(self, severity=severity, timeline=self.timeline.add(event))

    def escalate(
        self,
        severity: Severity | str,
        *,
        at: dt.datetime,
        reason: str | None = None,
        by: str | None = None,
    ) -> Incident:
        """
        Raise the severity to a *more* severe level (``P2`` to ``P1``).

        Args:
            severity: The new, more severe level.
            at: When.
            reason: Why.
            by: Who decided.

        Returns:
            The new incident.

        Raises:
            ValidationError: If *severity* is not more severe than the current one.
        """
        if not Severity.parse(severity).is_more_severe_than(self.severity):
            raise ValidationError.for_field(
                "severity", f"a level more severe than {self.severity.value}", severity
            )
        return self.change_severity(severity, at=at, reason=reason, by=by)

    def downgrade(
        self,
        severity: Severity | str,
        *,
        at: dt.datetime,
        reason: str | None = None,
        by: str | None = None,
    ) -> Incident:
        """
        Lower the severity to a *less* severe level (``P1`` to ``P2``).

        Args:
            severity: The new, less severe level.
            at: When.
            reason: Why.
            by: Who decided.

        Returns:
            The new incident.

        Raises:
            ValidationError: If *severity* is not less severe than the current one.
        """
        if not self.severity.is_more_severe_than(Severity.parse(severity)):
            raise ValidationError.for_field(
                "severity", f"a level less severe than {self.severity.value}", severity
            )
        return self.change_severity(severity, at=at, reason=reason, by=by)

    # -- record keeping -----------------------------------------------------------

    def acknowledge(self, *, at: dt.datetime, by: str | None = None) -> Incident:
        """
        Record that a responder acknowledged the page.

        The earliest acknowledgement sets ``acknowledged_at``; every one adds an
        event.  An acknowledgement may come before the declaration (the page
        went out first), not before detection nor after the close.

        Args:
            at: When.
            by: Who acknowledged.

        Returns:
            The new incident.
        """
        at = ensure_utc(at, field="at")
        first = self.acknowledged_at
        return attrs.evolve(
            self,
            acknowledged_at=at if first is None else min(first, at),
            timeline=self.timeline.add(Acknowledged(at=at, by=by)),
        )

    def post_update(
        self,
        audience: Audience,
        text: str,
        *,
        at: dt.datetime,
        next_update_at: dt.datetime | None = None,
        by: str | None = None,
    ) -> Incident:
        """
        Record a status update posted to *audience*.

        Args:
            audience: Internal or public.
            text: What it said.
            at: When it was posted: not before the declaration.
            next_update_at: When it promised the next update.
            by: Who posted it.

        Returns:
            The new incident.
        """
        at = ensure_utc(at, field="at")
        self._check_declared_before(at)
        event = StatusUpdatePosted(
            at=at,
            by=by,
            audience=audience,
            text=require_text(text, "text"),
            next_update_at=next_update_at,
        )
        if event.next_update_at is not None and event.next_update_at <= event.at:
            raise ValidationError.for_field(
                "next_update_at",
                f"a time after the update ({event.at.isoformat()})",
                next_update_at,
            )
        return self._appended(event)

    def post(self, update: StatusUpdatePosted | SupportsEvent) -> Incident:
        """
        Record a structured status update, such as an `incidentkit.comms.StatusUpdate`.

        Args:
            update: A `StatusUpdatePosted` event, or a value whose
                ``to_event()`` returns one; posted not before the declaration.

        Returns:
            The new incident.

        Raises:
            ValidationError: If *update* is neither, or is dated too early.

        Example:
            >>> from datetime import datetime, timezone
            >>> from incidentkit import Audience, Incident, Severity
            >>> from incidentkit.timeline import StatusUpdatePosted
            >>> t0 = datetime(2024, 6, 1, 14, 0, tzinfo=timezone.utc)
            >>> inc = Incident.declare("API down", severity=Severity.P1,
            ...                        at=t0, declared_by="ana")
            >>> inc = inc.post(StatusUpdatePosted(
            ...     at=t0, audience=Audience.PUBLIC, text="Investigating."))
            >>> len(inc.timeline.of_kind(StatusUpdatePosted))
            1
        """
        to_event = getattr(update, "to_event", None)
        event = update if to_event is None else to_event()
        if not isinstance(event, StatusUpdatePosted):
            raise ValidationError.for_field(
                "update", "a StatusUpdate or a StatusUpdatePosted event", update
            )
        self._check_declared_before(event.at)
        return self._appended(event)

    def note(self, text: str, *, at: dt.datetime, by: str | None = None) -> Incident:
        """
        Add a free-text note to the timeline.

        Notes may be dated before the declaration: history is often written
        down afterwards.  Adding one does not check the rest of the incident
        again, so a long incident grows at a constant cost per note.

        Args:
            text: The note.
            at: When.
            by: Who wrote it.

        Returns:
            The new incident.
        """
        return self._appended(Note(at=at, by=by, text=require_text(text, "text")))

    def record_mitigation(
        self, action: str, *, at: dt.datetime, by: str | None = None
    ) -> Incident:
        """
        Record a mitigation attempt without claiming service is restored.

        Use `mitigate` once service is stable again.

        Args:
            action: What was done.
            at: When.
            by: Who did it.

        Returns:
            The new incident.
        """
        at = self._check_open("record a mitigation on", at)
        action = require_text(action, "action")
        return self._appended(MitigationApplied(at=at, by=by, action=action))

    # -- lifecycle ----------------------------------------------------------------

    def identify(
        self, *, at: dt.datetime, cause: str | None = None, by: str | None = None
    ) -> Incident:
        """
        The cause is identified: ``INVESTIGATING`` to ``IDENTIFIED``.

        Args:
            at: When.
            cause: What was found, recorded as a note.
            by: Who found it.

        Returns:
            The new incident.
        """
        return self._transition(Move.IDENTIFY, at=at, by=by, text=cause)

    def mitigate(
        self, *, at: dt.datetime, how: str | None = None, by: str | None = None
    ) -> Incident:
        """
        Service is restored: to ``MONITORING``, setting ``mitigated_at``.

        Args:
            at: When service was stable again.
            how: The mitigation, recorded as a `MitigationApplied` event.
            by: Who did it.

        Returns:
            The new incident.
        """
        return self._transition(Move.MITIGATE, at=at, by=by, text=how)

    def resolve(
        self, *, at: dt.datetime, summary: str | None = None, by: str | None = None
    ) -> Incident:
        """
        The cause is fixed: to ``RESOLVED``, setting ``resolved_at``.

        Resolving an incident that was never marked mitigated also sets
        ``mitigated_at``: a fixed cause means service is restored too.

        Args:
            at: When.
            summary: A closing summary, recorded as a note.
            by: Who resolved it.

        Returns:
            The new incident.
        """
        return self._transition(Move.RESOLVE, at=at, by=by, text=summary)

    def close(self, *, at: dt.datetime, by: str | None = None) -> Incident:
        """
        Follow-up is done: ``RESOLVED`` to ``CLOSED``, setting ``closed_at``.

        Args:
            at: When.
            by: Who closed it.

        Returns:
            The new incident.
        """
        return self._transition(Move.CLOSE, at=at, by=by, text=None)

    def reopen(
        self, *, at: dt.datetime, reason: str, by: str | None = None
    ) -> Incident:
        """
        The fix did not hold: back to ``INVESTIGATING``.

        ``mitigated_at`` and ``resolved_at`` are cleared, so restore times measure
        the restoration that lasted; the timeline keeps the whole history.

        Args:
            at: When.
            reason: Why it was reopened, recorded as a note.
            by: Who reopened it.

        Returns:
            The new incident.
        """
        return self._transition(Move.REOPEN, at=at, by=by, text=reason)

    def apply(
        self,
        move: Move | str,
        *,
        at: dt.datetime,
        by: str | None = None,
        cause: str | None = None,
        how: str | None = None,
        summary: str | None = None,
        reason: str | None = None,
    ) -> Incident:
        """
        Make the lifecycle *move* given as a value, as the named method does.

        Suits code that receives the move from a chat command or a webhook: the
        move may be its name (``"mitigate"``), and the text each move records
        travels in the keyword the named method takes (``how=`` for a
        mitigation, ``reason=`` for a reopening, see `EFFECTS`).

        Args:
            move: The move, or its name in any case.
            at: When.
            by: Who made it.
            cause: For ``identify``: what was found.
            how: For ``mitigate``: what restored service.
            summary: For ``resolve``: a closing summary.
            reason: For ``reopen`` (required): why.

        Returns:
            The new incident.

        Raises:
            ValidationError: If *move* names no move, or a text is given that
                the move does not record, or a required one is missing.
            InvalidTransition: If *move* is not allowed from the current status.

        Example:
            >>> from datetime import datetime, timezone
            >>> from incidentkit import Incident, Severity
            >>> t0 = datetime(2024, 6, 1, 14, 0, tzinfo=timezone.utc)
            >>> inc = Incident.declare("API down", severity=Severity.P1,
            ...                        at=t0, declared_by="ana")
            >>> inc.apply("mitigate", at=t0, how="rolled back").status.value
            'monitoring'
        """
        move = Move.parse(move)
        texts = {"cause": cause, "how": how, "summary": summary, "reason": reason}
        wanted = EFFECTS[move].text
        for name, value in texts.items():
            if value is not None and name != wanted:
                takes = f"'{wanted}'" if wanted else "no text"
                raise ValidationError.for_field(
                    name, f"None: the {move.value} move takes {takes}", value
                )
        return self._transition(
            move, at=at, by=by, text=None if wanted is None else texts[wanted]
        )

    # -- internals ----------------------------------------------------------------

    def _transition(
        self, move: Move, *, at: dt.datetime, by: str | None, text: str | None
    ) -> Incident:
        """Make *move*: everything it does comes from `TRANSITIONS` and `EFFECTS`."""
        at = ensure_utc(at, field="at")
        effect = EFFECTS[move]
        status = next_status(self.status, move)
        if effect.text is not None:
            if effect.text_required:
                text = require_text(text, effect.text)
            else:
                text = _optional_text(text, effect.text)
        self._check_not_before_last_move(at)
        changes: dict[str, Any] = dict.fromkeys(effect.clears)
        changes.update(dict.fromkeys(effect.sets, at))
        for name in effect.fills:
            if getattr(self, name) is None:
                changes[name] = at
        timeline = self.timeline
        if text is not None and effect.records == "mitigation":
            timeline = timeline.add(MitigationApplied(at=at, by=by, action=text))
        timeline = timeline.add(
            StatusChanged(at=at, by=by, old=self.status, new=status)
        )
        if text is not None and effect.records == "note":
            timeline = timeline.add(Note(at=at, by=by, text=text))
        return attrs.evolve(self, status=status, timeline=timeline, **changes)

    def _appended(self, event: TimelineEvent) -> Incident:
        # Only the timeline changes, and no invariant joins it to other fields:
        # copy the fields instead of validating the whole incident again.
        new = object.__new__(Incident)
        for name in _FIELDS:
            object.__setattr__(new, name, getattr(self, name))
        object.__setattr__(new, "timeline", self.timeline.add(event))
        return new

    def _check_open(self, what: str, at: dt.datetime) -> dt.datetime:
        if not self.is_open:
            raise InvalidTransition(
                self.status.value, what, [m.value for m in self.allowed_moves]
            )
        at = ensure_utc(at, field="at")
        self._check_declared_before(at)
        return at

    def _check_declared_before(self, at: dt.datetime) -> None:
        if self.declared_at is not None:
            _not_before(at, self.declared_at, "the declaration")

    def _check_role_time(self, role: Role, at: dt.datetime) -> None:
        changes = [
            time
            for a in self.roles
            if a.role == role
            for time in (a.assumed_at, a.relieved_at)
            if time is not None
        ]
        if changes:
            _not_before(at, max(changes), f"the last change of {role.name}")

    def _check_not_before_last_move(self, at: dt.datetime) -> None:
        # Only earlier moves bound a move: an incident may be declared after it
        # was mitigated (for the record), and the milestones check the rest.
        last = self.timeline.last(StatusChanged)
        if last is not None:
            _not_before(at, last.at, "the last lifecycle change")

    def _relieved(self, role: Role, at: dt.datetime) -> tuple[RoleAssignment, ...]:
        return tuple(
            a.relieve(at) if a.role == role and a.is_current else a for a in self.roles
        )

    def _repr_html_(self) -> str:
        """Show it as HTML in a notebook (see `incidentkit.render.html`)."""
        from incidentkit.render import html  # noqa: PLC0415 - lazy

        return html(self)


_FIELDS: Final[tuple[str, ...]] = tuple(a.name for a in attrs.fields(Incident))


def _not_before(at: dt.datetime, floor: dt.datetime, what: str) -> None:
    if at < floor:
        raise ValidationError(
            f"'at' must not be before {what} (got {at.isoformat()}, "
            f"{what.removeprefix('the ')} at {floor.isoformat()})",
            field="at",
            expected=f"a time at or after {floor.isoformat()}",
            got=at,
        )


def _derive_id(at: dt.datetime, title: str) -> str:
    slug = _SLUG.sub("-", title.lower()).strip("-")[:40].rstrip("-") or "incident"
    return f"{at:%Y%m%d-%H%M%S}-{slug}"
