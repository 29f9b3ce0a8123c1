"""The postmortem, its action items, and the postmortem's own small lifecycle."""

from __future__ import annotations

import datetime as dt
import enum
import typing
from collections.abc import Iterable, Mapping
from typing import Any, Final

import attrs

from incidentkit._blame import BLAME_RULES, BlameRule
from incidentkit._rca import Fishbone, FiveWhys
from incidentkit._time import check_aware, ensure_utc, to_utc_optional
from incidentkit._validators import (
    as_tuple,
    instance_of,
    optional_text,
    require_text,
    tuple_of,
)
from incidentkit.errors import InvalidTransition, ValidationError
from incidentkit.findings import Finding
from incidentkit.incident import Incident
from incidentkit.roles import RoleAssignment
from incidentkit.severity import DEFAULT_POLICIES, ResponsePolicy, Severity
from incidentkit.spans import (
    TIME_TO_DETECT,
    TIME_TO_RESTORE,
    IncidentRecord,
    Measurement,
)
from incidentkit.timeline import Declared, SeverityChanged, Timeline

from ._action import ActionItem, ActionStatus
from ._checks import check, due_at


__all__ = [
    "TRANSITIONS",
    "Postmortem",
    "PostmortemMove",
    "PostmortemStatus",
    "RootCause",
]


def _analyses(value: object) -> tuple[FiveWhys, ...]:
    return typing.cast("tuple[FiveWhys, ...]", as_tuple(value))


@attrs.frozen(kw_only=True)
class RootCause:
    """
    The root-cause section: a summary, the Fishbone and the Five Whys chains.

    Chains drilled from the Fishbone keep their factor's id (``factor_id``), so
    the link survives serialization; `Postmortem.check` reports a broken one.

    Attributes:
        summary: The root cause in a sentence or two.
        fishbone: The diagram of contributing factors.
        analyses: The Five Whys chains.

    Example:
        >>> from incidentkit.postmortem import RootCause
        >>> RootCause(summary="No connection-pool monitoring").analyses
        ()
    """

    summary: str | None = attrs.field(default=None, validator=optional_text)
    fishbone: Fishbone | None = attrs.field(
        default=None,
        validator=attrs.validators.optional(instance_of(Fishbone, "a Fishbone")),
    )
    analyses: tuple[FiveWhys, ...] = attrs.field(
        default=(),
        converter=_analyses,
        validator=tuple_of(lambda v: isinstance(v, FiveWhys), "a sequence of FiveWhys"),
    )

    @property
    def is_empty(self) -> bool:
        """Whether nothing has been written yet."""
        return self.summary is None and self.fishbone is None and not self.analyses


class PostmortemStatus(enum.Enum):
    """Where a postmortem is: written, reviewed, then published."""

    DRAFT = "draft"
    IN_REVIEW = "in_review"
    PUBLISHED = "published"


class PostmortemMove(enum.Enum):
    """The moves between `PostmortemStatus` values (see `TRANSITIONS`)."""

    SUBMIT = "submit"
    """Draft → in review."""
    REQUEST_CHANGES = "request_changes"
    """In review → draft."""
    PUBLISH = "publish"
    """In review → published."""
    AMEND = "amend"
    """Published → draft, to correct it."""


TRANSITIONS: Final[
    Mapping[PostmortemStatus, Mapping[PostmortemMove, PostmortemStatus]]
] = {
    PostmortemStatus.DRAFT: {PostmortemMove.SUBMIT: PostmortemStatus.IN_REVIEW},
    PostmortemStatus.IN_REVIEW: {
        PostmortemMove.REQUEST_CHANGES: PostmortemStatus.DRAFT,
        PostmortemMove.PUBLISH: PostmortemStatus.PUBLISHED,
    },
    PostmortemStatus.PUBLISHED: {PostmortemMove.AMEND: PostmortemStatus.DRAFT},
}
"""The postmortem's lifecycle: the one table every move goes through."""

_SUBJECT: Final = "a postmortem"


def _texts(value: object) -> tuple[str, ...]:
    return typing.cast("tuple[str, ...]", as_tuple(value))


def _is_text(value: object) -> bool:
    return isinstance(value, str) and value.strip() != ""


def _items(value: object) -> tuple[ActionItem, ...]:
    return typing.cast("tuple[ActionItem, ...]", as_tuple(value))


def _roles(value: object) -> tuple[RoleAssignment, ...]:
    return typing.cast("tuple[RoleAssignment, ...]", as_tuple(value))


@attrs.frozen(kw_only=True)
class Postmortem:
    """
    A blameless postmortem of one incident, from draft to published.

    Start with `Postmortem.draft_from`, which copies what the incident knows
    (its record, timeline and role holders); the spans and the severity history
    are read from them, so they cannot drift.  Each ``with_...`` method returns
    a new postmortem.  Content can change while the postmortem is a draft or
    in review; a published one must be amended first (action items' status can
    be updated at any time: follow-up outlives publication).

    Attributes:
        incident: The incident's identity, classification and milestones.
        timeline: The incident's timeline.
        roles: Who held which role.
        summary: What happened, in a paragraph.
        impact: Who was affected and how.
        went_well: What went well in the response.
        went_badly: What did not.
        root_cause: The root cause, with the Fishbone and the Five Whys.
        actions: The action items.
        status: Draft, in review or published.
        published_at: When it was published.

    Example:
        >>> from datetime import datetime, timezone
        >>> from incidentkit import Incident
        >>> from incidentkit.postmortem import Postmortem
        >>> t0 = datetime(2024, 6, 1, 14, 0, tzinfo=timezone.utc)
        >>> inc = Incident.declare("Checkout down", severity="P1", at=t0,
        ...                        declared_by="ana").resolve(at=t0)
        >>> pm = Postmortem.draft_from(inc)
        >>> pm.incident_id, pm.status.value
        ('20240601-140000-checkout-down', 'draft')
    """

    incident: IncidentRecord = attrs.field(
        validator=instance_of(IncidentRecord, "an IncidentRecord")
    )
    timeline: Timeline = attrs.field(
        factory=Timeline, validator=instance_of(Timeline, "a Timeline")
    )
    roles: tuple[RoleAssignment, ...] = attrs.field(
        default=(),
        converter=_roles,
        validator=tuple_of(
            lambda v: isinstance(v, RoleAssignment), "a sequence of RoleAssignment"
        ),
    )
    summary: str | None = attrs.field(default=None, validator=optional_text)
    impact: str | None = attrs.field(default=None, validator=optional_text)
    went_well: tuple[str, ...] = attrs.field(
        default=(),
        converter=_texts,
        validator=tuple_of(_is_text, "a sequence of non-empty strings"),
    )
    went_badly: tuple[str, ...] = attrs.field(
        default=(),
        converter=_texts,
        validator=tuple_of(_is_text, "a sequence of non-empty strings"),
    )
    root_cause: RootCause = attrs.field(
        factory=RootCause, validator=instance_of(RootCause, "a RootCause")
    )
    actions: tuple[ActionItem, ...] = attrs.field(
        default=(),
        converter=_items,
        validator=tuple_of(
            lambda v: isinstance(v, ActionItem), "a sequence of ActionItem"
        ),
    )
    status: PostmortemStatus = attrs.field(
        default=PostmortemStatus.DRAFT,
        validator=instance_of(PostmortemStatus, "a PostmortemStatus"),
    )
    published_at: dt.datetime | None = attrs.field(
        default=None, converter=to_utc_optional, validator=check_aware
    )

    def __attrs_post_init__(self) -> None:
        titles: set[str] = set()
        for item in self.actions:
            if item.title in titles:
                raise ValidationError.for_field(
                    "actions", "action items with different titles", item.title
                )
            titles.add(item.title)
        if (self.status is PostmortemStatus.PUBLISHED) != (
            self.published_at is not None
        ):
            raise ValidationError.for_field(
                "published_at",
                "a time exactly when the status is published",
                self.published_at,
            )

    # -- construction ---------------------------------------------------------------

    @classmethod
    def draft_from(cls, incident: Incident) -> Postmortem:
        """
        Start a draft from *incident*: its record, timeline and role holders.

        The time to detect and to restore (`incidentkit.spans`), the severity
        history and the role holders are then available on the draft.

        Args:
            incident: The incident, usually resolved.

        Returns:
            A draft postmortem.

        Raises:
            ValidationError: If *incident* is not an `incidentkit.incident.Incident`.
        """
        if not isinstance(incident, Incident):
            raise ValidationError.for_field("incident", "an Incident", incident)
        return cls(
            incident=IncidentRecord.of(incident),
            timeline=incident.timeline,
            roles=incident.roles,
        )

    # -- what the incident says -----------------------------------------------------

    @property
    def incident_id(self) -> str:
        """The incident's id."""
        return self.incident.id

    @property
    def title(self) -> str:
        """The incident's title."""
        return self.incident.title

    @property
    def time_to_detect(self) -> Measurement:
        """Impact start → detection (`incidentkit.spans.TIME_TO_DETECT`)."""
        return TIME_TO_DETECT.measure(self.incident)

    @property
    def time_to_restore(self) -> Measurement:
        """Impact start → mitigation (`incidentkit.spans.TIME_TO_RESTORE`)."""
        return TIME_TO_RESTORE.measure(self.incident)

    @property
    def severity_history(self) -> tuple[tuple[dt.datetime, Severity], ...]:
        """Each severity the incident had, with the time it took effect."""
        steps: list[tuple[dt.datetime, Severity]] = []
        for event in self.timeline:
            if isinstance(event, Declared):
                steps.append((event.at, event.severity))
            elif isinstance(event, SeverityChanged):
                steps.append((event.at, event.new))
        return tuple(steps) or ((self._start, self.incident.severity),)

    @property
    def people(self) -> tuple[str, ...]:
        """Everybody named: role holders, action owners, people in the timeline."""
        names = {a.person for a in self.roles}
        names.update(i.owner for i in self.actions if i.owner)
        names.update(e.by for e in self.timeline if e.by)
        return tuple(sorted(names))

    @property
    def _start(self) -> dt.datetime:
        record = self.incident
        for value in (record.started_at, record.detected_at, record.declared_at):
            if value is not None:
                return value
        return dt.datetime.min.replace(tzinfo=dt.timezone.utc)

    # -- editing ----------------------------------------------------------------

    def with_summary(self, summary: str) -> Postmortem:
        """Return a copy with *summary* as what happened."""
        return self._edited(summary=require_text(summary, "summary"))

    def with_impact(self, impact: str) -> Postmortem:
        """Return a copy with *impact* as who was affected and how."""
        return self._edited(impact=require_text(impact, "impact"))

    def with_went_well(self, *items: str) -> Postmortem:
        """Return a copy with *items* added to what went well."""
        return self._edited(went_well=(*self.went_well, *items))

    def with_went_badly(self, *items: str) -> Postmortem:
        """Return a copy with *items* added to what did not go well."""
        return self._edited(went_badly=(*self.went_badly, *items))

    def with_root_cause(
        self, *parts: FiveWhys | Fishbone | str | RootCause
    ) -> Postmortem:
        """
        Return a copy with the root cause filled in from *parts*.

        A `FiveWhys` is added to the analyses, a `Fishbone` replaces the diagram,
        text replaces the summary, and a `RootCause` replaces the whole section.

        Raises:
            ValidationError: If a part is none of these.
        """
        cause = self.root_cause
        for part in parts:
            if isinstance(part, RootCause):
                cause = part
            elif isinstance(part, FiveWhys):
                cause = attrs.evolve(cause, analyses=(*cause.analyses, part))
            elif isinstance(part, Fishbone):
                cause = attrs.evolve(cause, fishbone=part)
            elif isinstance(part, str):
                cause = attrs.evolve(cause, summary=require_text(part, "summary"))
            else:
                raise ValidationError.for_field(
                    "parts", "FiveWhys, Fishbone, RootCause or text", part
                )
        return self._edited(root_cause=cause)

    def with_action(self, *items: ActionItem) -> Postmortem:
        """
        Return a copy with the action items *items* added.

        Raises:
            ValidationError: If an item is not an `ActionItem`, or a title is
                taken (titles identify items in `update_action`).
        """
        return self._edited(actions=(*self.actions, *items))

    def update_action(
        self, title: str, *, status: ActionStatus | None = None, **changes: Any
    ) -> Postmortem:
        """
        Return a copy with the action item called *title* changed.

        Updating only the *status* is allowed even once published.

        Args:
            title: The item's title.
            status: Its new status.
            changes: Other fields to change (``owner=``, ``due=``, ``link=``...).

        Raises:
            ValidationError: If no item has that title, or a change is invalid.
        """
        if all(item.title != title for item in self.actions):
            raise ValidationError.for_field(
                "title", "the title of one of the action items", title
            )
        if status is not None:
            changes["status"] = status
        actions = tuple(
            attrs.evolve(item, **changes) if item.title == title else item
            for item in self.actions
        )
        if set(changes) == {"status"}:
            return attrs.evolve(self, actions=actions)
        return self._edited(actions=actions)

    # -- lifecycle --------------------------------------------------------------------

    @property
    def allowed_moves(self) -> tuple[PostmortemMove, ...]:
        """The moves allowed from the current status."""
        return tuple(TRANSITIONS[self.status])

    def apply(
        self, move: PostmortemMove | str, *, at: dt.datetime | None = None
    ) -> Postmortem:
        """
        Make *move* (or its name), as `TRANSITIONS` allows.

        Args:
            move: The move.
            at: When: required to publish (it becomes ``published_at``).

        Raises:
            InvalidTransition: If the move is not allowed from the status.
            ValidationError: If *move* names no move, or *at* is missing to
                publish.
        """
        move = _move(move)
        allowed = TRANSITIONS[self.status]
        if move not in allowed:
            raise InvalidTransition(
                self.status.value,
                move.value.replace("_", " "),
                [m.value for m in allowed],
                _SUBJECT,
            )
        published: dt.datetime | None = None
        if allowed[move] is PostmortemStatus.PUBLISHED:
            if at is None:
                raise ValidationError.for_field("at", "the time of publication", at)
            published = ensure_utc(at, field="at")
        return attrs.evolve(self, status=allowed[move], published_at=published)

    def submit(self) -> Postmortem:
        """Send the draft for review."""
        return self.apply(PostmortemMove.SUBMIT)

    def request_changes(self) -> Postmortem:
        """Send it back from review to draft."""
        return self.apply(PostmortemMove.REQUEST_CHANGES)

    def publish(self, *, at: dt.datetime) -> Postmortem:
        """Publish the reviewed postmortem at *at*."""
        return self.apply(PostmortemMove.PUBLISH, at=at)

    def amend(self) -> Postmortem:
        """Reopen a published postmortem as a draft to correct it."""
        return self.apply(PostmortemMove.AMEND)

    def due_at(
        self, policies: Mapping[Severity, ResponsePolicy] | None = None
    ) -> dt.datetime | None:
        """
        When the postmortem is due: resolution plus the policy's allowance.

        Args:
            policies: Response policies by severity;
                `incidentkit.severity.DEFAULT_POLICIES` when not given.

        Returns:
            The due time, or ``None`` when none is required or the incident is
            not resolved.
        """
        return due_at(self.incident, DEFAULT_POLICIES if policies is None else policies)

    def check(
        self,
        now: dt.datetime,
        *,
        policies: Mapping[Severity, ResponsePolicy] | None = None,
        rules: Iterable[BlameRule] | None = None,
    ) -> tuple[Finding, ...]:
        """
        Check the postmortem at *now*; see `incidentkit.postmortem.check`.

        Args:
            now: The instant to judge deadlines at.
            policies: Response policies by severity;
                `incidentkit.severity.DEFAULT_POLICIES` when not given.
            rules: The blameless-language rules;
                `incidentkit.postmortem.BLAME_RULES` when not given.

        Returns:
            The findings, most serious first.
        """
        return check(
            self,
            now,
            policies=DEFAULT_POLICIES if policies is None else policies,
            rules=BLAME_RULES if rules is None else rules,
        )

    def _edited(self, **changes: Any) -> Postmortem:
        if self.status is PostmortemStatus.PUBLISHED:
            raise InvalidTransition(
                self.status.value, "edit", [PostmortemMove.AMEND.value], _SUBJECT
            )
        return attrs.evolve(self, **changes)

    def _repr_html_(self) -> str:
        """Show it as HTML in a notebook (see `incidentkit.render.html`)."""
        from incidentkit.render import html  # noqa: PLC0415 - lazy

        return html(self)

    def _repr_markdown_(self) -> str:
        """Show it as Markdown (see `incidentkit.render.markdown`)."""
        from incidentkit.render import markdown  # noqa: PLC0415 - lazy

        return markdown(self)


def _move(value: object) -> PostmortemMove:
    if isinstance(value, PostmortemMove):
        return value
    if isinstance(value, str):
        try:
            return PostmortemMove(value.lower())
        except ValueError:
            pass
    names = ", ".join(m.value for m in PostmortemMove)
    raise ValidationError.for_field("move", f"one of {names}", value)
