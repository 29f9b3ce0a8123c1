"""The cadence audit: was every audience told what it was promised, on time?"""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Final

import attrs

from incidentkit._time import check_aware, ensure_utc, format_duration, to_utc
from incidentkit._validators import Validator, instance_of, text, tuple_of
from incidentkit.errors import ValidationError
from incidentkit.findings import Finding, Level, sort_findings
from incidentkit.incident import Incident
from incidentkit.timeline import Audience, StatusUpdatePosted

from ._planner import (
    BrokenPromise,
    CadencePlanner,
    DuePoint,
    Outcome,
    Story,
    read_story,
    walk,
)
from ._update import FINAL_STATUSES


__all__ = [
    "CadenceReport",
    "IncompleteUpdate",
    "LongestSilence",
    "audit",
]

KNOWN: Final[str] = "what we know"
DOING: Final[str] = "what we are doing"
NEXT: Final[str] = "next update time"


def _of(kind: type, expected: str) -> Validator:
    return tuple_of(lambda v: isinstance(v, kind), expected)


@attrs.frozen(kw_only=True)
class IncompleteUpdate:
    """
    A posted update that lacks one of the three required elements.

    Attributes:
        audience: Who it was for.
        at: When it was posted.
        missing: The missing elements: ``"what we know"``, ``"what we are
            doing"``, ``"next update time"``.

    Example:
        >>> from datetime import datetime, timezone
        >>> from incidentkit import Audience
        >>> from incidentkit.comms import IncompleteUpdate
        >>> IncompleteUpdate(audience=Audience.PUBLIC,
        ...                  at=datetime(2024, 6, 1, tzinfo=timezone.utc),
        ...                  missing=("next update time",)).missing
        ('next update time',)
    """

    audience: Audience = attrs.field(validator=instance_of(Audience, "an Audience"))
    at: dt.datetime = attrs.field(converter=to_utc, validator=check_aware)
    missing: tuple[str, ...] = attrs.field(
        validator=_of(str, "a sequence of element names")
    )


@attrs.frozen(kw_only=True)
class LongestSilence:
    """
    The longest stretch without an update to one audience, while open.

    Attributes:
        audience: The audience.
        start: When the silence began (the declaration or an update).
        end: When it ended (an update, the resolution, or the audit's moment).

    Example:
        >>> from datetime import datetime, timezone
        >>> from incidentkit import Audience
        >>> from incidentkit.comms import LongestSilence
        >>> t = datetime(2024, 6, 1, 14, 0, tzinfo=timezone.utc)
        >>> LongestSilence(audience=Audience.PUBLIC, start=t,
        ...                end=t.replace(minute=45)).length
        datetime.timedelta(seconds=2700)
    """

    audience: Audience = attrs.field(validator=instance_of(Audience, "an Audience"))
    start: dt.datetime = attrs.field(converter=to_utc, validator=check_aware)
    end: dt.datetime = attrs.field(converter=to_utc, validator=check_aware)

    @property
    def length(self) -> dt.timedelta:
        """How long the silence lasted."""
        return self.end - self.start


@attrs.frozen(kw_only=True)
class CadenceReport:
    """
    The audit of an incident's status updates at one moment.

    Attributes:
        incident_id: The incident audited.
        at: The moment of the audit.
        points: Every due point, with its outcome (on time, late, missed,
            pending), in due order.
        incomplete: Posted updates lacking a required element.
        broken_promises: Updates whose promised next-update time passed
            before the next update.
        silences: The longest silence of each audience that had a cadence or
            got updates.
        findings: What is wrong, most serious first.

    Example:
        >>> from datetime import datetime, timedelta, timezone
        >>> from incidentkit import Incident, Severity
        >>> from incidentkit.comms import audit
        >>> t0 = datetime(2024, 6, 1, 14, 0, tzinfo=timezone.utc)
        >>> inc = Incident.declare("API down", severity=Severity.P1,
        ...                        at=t0, declared_by="ana")
        >>> report = audit(inc, t0 + timedelta(minutes=10))
        >>> [f.code for f in report.findings]
        ['missed-update', 'silent-channel', 'missed-update', 'silent-channel']
    """

    incident_id: str = attrs.field(validator=text)
    at: dt.datetime = attrs.field(converter=to_utc, validator=check_aware)
    points: tuple[DuePoint, ...] = attrs.field(
        validator=_of(DuePoint, "a sequence of DuePoint values")
    )
    incomplete: tuple[IncompleteUpdate, ...] = attrs.field(
        default=(),
        validator=_of(IncompleteUpdate, "a sequence of IncompleteUpdate values"),
    )
    broken_promises: tuple[BrokenPromise, ...] = attrs.field(
        default=(),
        validator=_of(BrokenPromise, "a sequence of BrokenPromise values"),
    )
    silences: tuple[LongestSilence, ...] = attrs.field(
        default=(),
        validator=_of(LongestSilence, "a sequence of LongestSilence values"),
    )
    findings: tuple[Finding, ...] = attrs.field(
        default=(),
        validator=_of(Finding, "a sequence of Finding values"),
    )

    def count(self, outcome: Outcome) -> int:
        """Return how many due points had *outcome*."""
        return sum(1 for p in self.points if p.outcome is outcome)

    @property
    def late(self) -> tuple[DuePoint, ...]:
        """The points met late."""
        return tuple(p for p in self.points if p.outcome is Outcome.LATE)

    @property
    def missed(self) -> tuple[DuePoint, ...]:
        """The points not met."""
        return tuple(p for p in self.points if p.outcome is Outcome.MISSED)

    @property
    def on_time_ratio(self) -> float | None:
        """
        The share of due points met on time, among those due by now.

        ``None`` when nothing was due yet.
        """
        due = [p for p in self.points if p.outcome is not Outcome.PENDING]
        if not due:
            return None
        return sum(1 for p in due if p.outcome is Outcome.ON_TIME) / len(due)

    def longest_silence(self, audience: Audience) -> dt.timedelta | None:
        """Return the longest silence of *audience*, or ``None`` if not tracked."""
        return next((s.length for s in self.silences if s.audience is audience), None)

    def explain(self) -> str:
        """Return the report as a few human lines."""
        ratio = self.on_time_ratio
        shown = "nothing due yet" if ratio is None else f"{ratio:.0%} on time"
        lines = [
            (
                f"Cadence of {self.incident_id} at {self.at:%Y-%m-%d %H:%M} UTC: "
                f"{len(self.points)} due points, {shown}."
            )
        ]
        lines.extend(
            f"Longest {s.audience.value} silence: {format_duration(s.length)}."
            for s in self.silences
        )
        lines.extend(str(f) for f in self.findings)
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        """Show it as HTML in a notebook (see `incidentkit.render.html`)."""
        from incidentkit.render import html  # noqa: PLC0415 - lazy

        return html(self)


def _when(at: dt.datetime) -> str:
    return f"{at:%Y-%m-%d %H:%M} UTC"


def _missing(update: StatusUpdatePosted, resolved_at: dt.datetime | None) -> list[str]:
    missing = []
    if update.known is None:
        missing.append(KNOWN)
    if update.doing is None:
        missing.append(DOING)
    final = update.status in FINAL_STATUSES or (
        resolved_at is not None and update.at >= resolved_at
    )
    if update.next_update_at is None and not final:
        missing.append(NEXT)
    return missing


def audit(
    incident: Incident, now: dt.datetime, *, planner: CadencePlanner | None = None
) -> CadenceReport:
    """
    Audit the status updates of *incident* as of *now*.

    Events after *now* are not seen.  Findings: ``late-update`` and
    ``missed-update`` per due point, ``broken-promise``, ``incomplete-update``
    for a posted update lacking what we know, what we are doing or (except a
    final update) the next update time, and ``silent-channel`` when a channel
    the policy requires (both, for ``P1`` and ``P2`` by default) got no update
    at all though one was due.

    Args:
        incident: The incident.
        now: The moment of the audit.
        planner: The planner; `CadencePlanner` with the default policies when
            not given.

    Returns:
        The report.

    Example:
        >>> from datetime import datetime, timedelta, timezone
        >>> from incidentkit import Audience, Incident, Severity
        >>> from incidentkit.comms import audit
        >>> t0 = datetime(2024, 6, 1, 14, 0, tzinfo=timezone.utc)
        >>> inc = Incident.declare("Slow search", severity=Severity.P3,
        ...                        at=t0, declared_by="ana")
        >>> audit(inc, t0 + timedelta(hours=1)).on_time_ratio is None
        True
    """
    planner = CadencePlanner() if planner is None else planner
    if not isinstance(planner, CadencePlanner):
        raise ValidationError.for_field("planner", "a CadencePlanner", planner)
    now = ensure_utc(now, field="now")
    runs = walk(planner, incident, now)
    story = read_story(incident, now)
    subject = incident.id
    findings: list[Finding] = []
    points: list[DuePoint] = []
    promises: list[BrokenPromise] = []
    incomplete: list[IncompleteUpdate] = []
    silences: list[LongestSilence] = []
    for audience, run in runs.items():
        updates = story.updates[audience]
        points.extend(run.points)
        promises.extend(run.promises)
        findings.extend(_point_findings(run.points, subject))
        findings.extend(_promise_findings(run.promises, subject))
        for update in updates:
            missing = _missing(update, story.resolved_at)
            if missing:
                incomplete.append(
                    IncompleteUpdate(
                        audience=audience, at=update.at, missing=tuple(missing)
                    )
                )
                findings.append(
                    Finding(
                        "incomplete-update",
                        f"The {audience.value} update of {_when(update.at)} does not "
                        f"say {', '.join(missing)}.",
                        Level.WARNING,
                        subject,
                    )
                )
        if (
            run.required
            and not updates
            and any(p.outcome is not Outcome.PENDING for p in run.points)
        ):
            findings.append(
                Finding(
                    "silent-channel",
                    f"The policy requires {audience.value} status updates for "
                    f"this incident, and none was posted.",
                    Level.ERROR,
                    subject,
                )
            )
        if run.required or updates:
            silences.append(_longest_silence(audience, story, updates, now))
    return CadenceReport(
        incident_id=subject,
        at=now,
        points=tuple(
            sorted(points, key=lambda p: (p.due_at, p.audience is Audience.PUBLIC))
        ),
        incomplete=tuple(incomplete),
        broken_promises=tuple(promises),
        silences=tuple(silences),
        findings=sort_findings(findings),
    )


def _point_findings(points: list[DuePoint], subject: str) -> list[Finding]:
    findings = []
    for point in points:
        reason = point.reason.value.replace("_", " ")
        audience = point.audience.value
        if point.outcome is Outcome.LATE:
            late_by = point.late_by or dt.timedelta(0)
            findings.append(
                Finding(
                    "late-update",
                    f"The {audience} update due {_when(point.due_at)} "
                    f"({reason}) went out {format_duration(late_by)} late.",
                    Level.WARNING,
                    subject,
                )
            )
        elif point.outcome is Outcome.MISSED:
            findings.append(
                Finding(
                    "missed-update",
                    f"No {audience} update went out for the one due "
                    f"{_when(point.due_at)} ({reason}).",
                    Level.ERROR,
                    subject,
                )
            )
    return findings


def _promise_findings(promises: list[BrokenPromise], subject: str) -> list[Finding]:
    findings = []
    for promise in promises:
        came = (
            "none has come yet"
            if promise.next_at is None
            else f"it came at {_when(promise.next_at)}"
        )
        findings.append(
            Finding(
                "broken-promise",
                f"The {promise.audience.value} update of {_when(promise.posted_at)} "
                f"promised the next by {_when(promise.promised_at)}; {came}.",
                Level.WARNING,
                subject,
            )
        )
    return findings


def _longest_silence(
    audience: Audience,
    story: Story,
    updates: tuple[StatusUpdatePosted, ...],
    now: dt.datetime,
) -> LongestSilence:
    declared = story.declared_at
    end = now if story.resolved_at is None else story.resolved_at
    times = sorted([declared, *(u.at for u in updates if declared < u.at < end)])
    times.append(max(end, times[-1]))
    start, stop = max(itertools.pairwise(times), key=lambda pair: pair[1] - pair[0])
    return LongestSilence(audience=audience, start=start, end=max(start, stop))
