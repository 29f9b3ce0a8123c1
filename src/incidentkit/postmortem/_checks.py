"""The postmortem checks: required and overdue, owned items, suggestions, wording."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Final

from incidentkit._blame import BLAME_RULES, BlameRule, check_blameless
from incidentkit._time import ensure_utc, format_duration
from incidentkit.errors import ValidationError
from incidentkit.findings import Finding, Level, sort_findings
from incidentkit.incident import Incident
from incidentkit.severity import DEFAULT_POLICIES, ResponsePolicy, Severity
from incidentkit.spans import TIME_TO_DETECT, Milestoned
from incidentkit.timeline import (
    MitigationApplied,
    Note,
    SeverityChanged,
    Timeline,
    TimelineEvent,
)

from ._action import ActionCategory


if TYPE_CHECKING:
    from ._model import Postmortem


__all__ = [
    "DEPLOY_WINDOW",
    "LATE_DETECTION",
    "check",
    "check_required",
    "due_at",
    "suggest_actions",
]

LATE_DETECTION: Final[dt.timedelta] = dt.timedelta(minutes=15)
"""
A time to detect above this suggests a monitoring action.

A choice, not a figure from the literature: a quarter of an hour of unseen
impact is long for any service with alerting on its golden signals.
"""
DEPLOY_WINDOW: Final[dt.timedelta] = dt.timedelta(hours=1)
"""A deployment this long before impact began suggests a deployment safeguard."""

_DEPLOY: Final[re.Pattern[str]] = re.compile(
    r"(?i)\b(?:deploy(?:ed|ment|ing)?|releas(?:e|ed|ing)|shipped|roll(?:ed|ing)?"
    r"[\s-]*(?:out|back)|rollback|revert(?:ed)?)\b"
)
_ROLLBACK: Final[re.Pattern[str]] = re.compile(
    r"(?i)\b(?:roll(?:ed|ing)?[\s-]*back|rollback|revert(?:ed)?)\b"
)
_CUSTOMER: Final[re.Pattern[str]] = re.compile(
    r"(?i)\b(?:(?:customers?|users?|clients?)\s+(?:reported|report|complained|noticed)"
    r"|reported\s+by\s+(?:a\s+|an?\s+|the\s+)?(?:customers?|users?|clients?|support)"
    r"|support\s+tickets?)\b"
)
_CUSTOMER_LABELS: Final = ("detected_by", "reported_by", "detection", "source")
_CUSTOMER_VALUES: Final = frozenset(
    {"customer", "customers", "user", "users", "support"}
)
_RUNBOOK: Final[re.Pattern[str]] = re.compile(r"(?i)\b(?:runbook|playbook)\b|https?://")
_ARTICLE: Final = {
    ActionCategory.MONITORING: "a monitoring",
    ActionCategory.DEPLOYMENT_SAFEGUARD: "a deployment-safeguard",
    ActionCategory.ARCHITECTURE: "an architecture",
    ActionCategory.RUNBOOK: "a runbook",
    ActionCategory.OTHER: "an",
}
_WHOLE: Final = frozenset({"all", "total", "everything", "whole", "full"})


def due_at(
    incident: Milestoned, policies: Mapping[Severity, ResponsePolicy] = DEFAULT_POLICIES
) -> dt.datetime | None:
    """
    When *incident*'s postmortem is due: resolution plus the policy's allowance.

    Args:
        incident: The incident (or its record).
        policies: Response policies by severity.

    Returns:
        The due time, or ``None`` when no postmortem is required, the policy
        gives no deadline, or the incident is not resolved yet.
    """
    policy = _policy(policies, incident.severity)
    if (
        policy is None
        or not policy.postmortem_required
        or policy.postmortem_due_within is None
        or incident.resolved_at is None
    ):
        return None
    return incident.resolved_at + policy.postmortem_due_within


def _policy(
    policies: Mapping[Severity, ResponsePolicy], severity: Severity
) -> ResponsePolicy | None:
    if not isinstance(policies, Mapping):
        raise ValidationError.for_field(
            "policies", "a mapping of Severity to ResponsePolicy", policies
        )
    policy = policies.get(severity)
    if policy is not None and not isinstance(policy, ResponsePolicy):
        raise ValidationError.for_field(
            "policies", "a mapping of Severity to ResponsePolicy", policy
        )
    return policy


def check_required(
    incident: Incident | Milestoned,
    postmortem: Postmortem | None,
    *,
    now: dt.datetime,
    policies: Mapping[Severity, ResponsePolicy] = DEFAULT_POLICIES,
) -> tuple[Finding, ...]:
    """
    Check that a postmortem the policy requires exists and is published in time.

    The deadline is measured from resolution
    (``ResponsePolicy.postmortem_due_within``).

    Findings: ``postmortem-missing`` (an error once overdue, a warning before),
    ``postmortem-overdue`` (error: written but not published by the deadline),
    ``postmortem-published-late`` (info).

    Args:
        incident: The incident.
        postmortem: Its postmortem, or ``None`` when there is none.
        now: The instant to judge at.
        policies: Response policies by severity.

    Returns:
        The findings; empty when nothing is required or all is in order.

    Example:
        >>> from datetime import datetime, timedelta, timezone
        >>> from incidentkit import Incident
        >>> from incidentkit.postmortem import check_required
        >>> t0 = datetime(2024, 6, 1, 14, 0, tzinfo=timezone.utc)
        >>> inc = Incident.declare("API down", severity="P1", at=t0,
        ...                        declared_by="ana").resolve(at=t0)
        >>> [f.code for f in check_required(inc, None, now=t0 + timedelta(days=4))]
        ['postmortem-missing']
    """
    now = ensure_utc(now, field="now")
    due = due_at(incident, policies)
    policy = _policy(policies, incident.severity)
    if policy is None or not policy.postmortem_required:
        return ()
    level = incident.severity.value
    found: list[Finding] = []
    when = "" if due is None else f" (due {due.isoformat()})"
    if postmortem is None:
        overdue = due is not None and now > due
        found.append(
            Finding(
                "postmortem-missing",
                f"A {level} incident needs a postmortem and none exists{when}"
                + ("; it is overdue." if overdue else "."),
                Level.ERROR if overdue else Level.WARNING,
                incident.id,
            )
        )
    elif due is not None:
        published = postmortem.published_at
        if published is None and now > due:
            found.append(
                Finding(
                    "postmortem-overdue",
                    f"The postmortem of this {level} incident is not published and "
                    f"was due {due.isoformat()}, {format_duration(now - due)} ago.",
                    Level.ERROR,
                    incident.id,
                )
            )
        elif published is not None and published > due:
            found.append(
                Finding(
                    "postmortem-published-late",
                    f"The postmortem was published {format_duration(published - due)} "
                    f"after it was due ({due.isoformat()}).",
                    Level.INFO,
                    incident.id,
                )
            )
    return tuple(found)


def suggest_actions(
    source: Postmortem | Incident,
    *,
    late_after: dt.timedelta = LATE_DETECTION,
    deploy_window: dt.timedelta = DEPLOY_WINDOW,
) -> tuple[Finding, ...]:
    """
    Suggest action categories from what the incident's record shows.

    One ``info`` finding per category, its code ``suggest-<category>``, naming
    the evidence:

    * ``suggest-monitoring``: detected late (time to detect above *late_after*),
      or first reported by a customer (a label ``detected_by``/``reported_by``
      of ``customer``, ``user`` or ``support``, or a note saying so);
    * ``suggest-deployment-safeguard``: a note or mitigation mentioning a
      deployment within *deploy_window* before impact began, or a rollback;
    * ``suggest-architecture``: one component took everything down (the
      incident reached P1, full outage, with a single named service, or a
      ``blast_radius`` label of ``all``/``total``);
    * ``suggest-runbook``: a mitigation that names no runbook (neither the word
      "runbook"/"playbook" nor a link), so the fix was improvised.

    Args:
        source: A postmortem or an incident.
        late_after: Detection slower than this is late.
        deploy_window: How long before impact a deployment counts.

    Returns:
        The suggestions, in the order above.

    Example:
        >>> from datetime import datetime, timedelta, timezone
        >>> from incidentkit import Incident
        >>> from incidentkit.postmortem import suggest_actions
        >>> t0 = datetime(2024, 6, 1, 14, 0, tzinfo=timezone.utc)
        >>> inc = Incident.declare("API down", severity="P2", at=t0, declared_by="ana",
        ...                        started_at=t0 - timedelta(minutes=40))
        >>> [f.code for f in suggest_actions(inc)]
        ['suggest-monitoring']
    """
    record, timeline = _parts(source)
    return tuple(
        Finding(
            f"suggest-{category.value.replace('_', '-')}",
            f"Consider {_ARTICLE[category]} action: {evidence}.",
            Level.INFO,
            record.id,
        )
        for category, evidence in _suggestions(
            record, timeline, late_after, deploy_window
        )
    )


def _parts(source: object) -> tuple[Milestoned, Timeline]:
    from ._model import Postmortem  # noqa: PLC0415 - the model imports this module

    if isinstance(source, Postmortem):
        return source.incident, source.timeline
    if isinstance(source, Incident):
        return source, source.timeline
    raise ValidationError.for_field("source", "a Postmortem or an Incident", source)


def _text(event: TimelineEvent) -> str | None:
    if isinstance(event, Note):
        return event.text
    if isinstance(event, MitigationApplied):
        return event.action
    return None


def _suggestions(
    record: Milestoned,
    timeline: Timeline,
    late_after: dt.timedelta,
    deploy_window: dt.timedelta,
) -> Iterator[tuple[ActionCategory, str]]:
    monitoring = _monitoring(record, timeline, late_after)
    if monitoring:
        yield ActionCategory.MONITORING, monitoring
    deployment = _deployment(record, timeline, deploy_window)
    if deployment:
        yield ActionCategory.DEPLOYMENT_SAFEGUARD, deployment
    architecture = _architecture(record, timeline)
    if architecture:
        yield ActionCategory.ARCHITECTURE, architecture
    mitigations = timeline.of_kind(MitigationApplied)
    improvised = [m for m in mitigations if not _RUNBOOK.search(m.action)]
    if improvised:
        first = improvised[0]
        evidence = (
            f"the mitigation {first.action!r} at {first.at.isoformat()} names no "
            "runbook, so the fix was improvised"
        )
        yield ActionCategory.RUNBOOK, evidence


def _monitoring(
    record: Milestoned, timeline: Timeline, late_after: dt.timedelta
) -> str | None:
    for name in _CUSTOMER_LABELS:
        value = record.labels.get(name)
        if value is not None and value.strip().lower() in _CUSTOMER_VALUES:
            return (
                f"it was first reported by a {value.strip().lower()} ({name}={value!r})"
            )
    for event in timeline:
        said = _text(event)
        if said is not None and _CUSTOMER.search(said):
            return f"a customer reported it first (the note {said!r})"
    measured = TIME_TO_DETECT.measure(record).duration
    if measured is not None and measured > late_after:
        return (
            f"it was detected late: the time to detect was {format_duration(measured)}"
            f" (more than {format_duration(late_after)})"
        )
    return None


def _deployment(
    record: Milestoned, timeline: Timeline, window: dt.timedelta
) -> str | None:
    start = record.started_at or record.detected_at
    for event in timeline:
        said = _text(event)
        if said is None or not _DEPLOY.search(said):
            continue
        if _ROLLBACK.search(said) and isinstance(event, MitigationApplied):
            return f"service was restored by a rollback ({said!r})"
        if start is not None and start - window <= event.at <= start:
            gap = format_duration(start - event.at) if event.at < start else "0s"
            return f"impact began {gap} after a deployment ({said!r})"
    return None


def _architecture(record: Milestoned, timeline: Timeline) -> str | None:
    radius = record.labels.get("blast_radius", "").strip().lower()
    if radius in _WHOLE:
        return f"one failure took everything down (blast_radius={radius!r})"
    severities = [record.severity]
    severities.extend(e.new for e in timeline.of_kind(SeverityChanged))
    if Severity.P1 in severities and record.service is not None:
        return (
            f"a full outage (P1) traced to one service, {record.service!r}: "
            "consider redundancy so one component cannot take everything down"
        )
    return None


def _pm_texts(postmortem: Postmortem) -> Iterator[tuple[str, str]]:  # noqa: C901
    if postmortem.summary:
        yield "summary", postmortem.summary
    if postmortem.impact:
        yield "impact", postmortem.impact
    for i, item in enumerate(postmortem.went_well):
        yield f"went_well[{i}]", item
    for i, item in enumerate(postmortem.went_badly):
        yield f"went_badly[{i}]", item
    cause = postmortem.root_cause
    if cause.summary:
        yield "root_cause.summary", cause.summary
    for a, chain in enumerate(cause.analyses):
        yield f"root_cause.analyses[{a}].problem", chain.problem
        for s, step in enumerate(chain.steps):
            yield f"root_cause.analyses[{a}].steps[{s}].because", step.because
        if chain.action:
            yield f"root_cause.analyses[{a}].action", chain.action
    if cause.fishbone is not None:
        for factor in cause.fishbone.factors():
            yield f"root_cause.fishbone[{factor.id}]", factor.text
    for i, action in enumerate(postmortem.actions):
        yield f"actions[{i}].title", action.title


def check(
    postmortem: Postmortem,
    now: dt.datetime,
    *,
    policies: Mapping[Severity, ResponsePolicy] = DEFAULT_POLICIES,
    rules: Iterable[BlameRule] = BLAME_RULES,
) -> tuple[Finding, ...]:
    """
    Check a postmortem at *now*: every finding names its subject and says why.

    Findings (code, level):

    * ``postmortem-overdue`` (error), ``postmortem-published-late`` (info): see
      `check_required`;
    * ``action-no-owner``, ``action-no-deadline`` (errors): an item nobody owns,
      or with no date, tends not to happen;
    * ``action-overdue`` (warning): pending after its due day;
    * ``no-action-items`` (warning), ``no-root-cause`` (warning);
    * ``root-cause-link-broken`` (warning): a Five Whys drilled from a factor
      id the Fishbone does not have;
    * blameless-language findings (warnings, the rules' codes) over every text
      of the postmortem, the people it names recognised as people;
    * ``suggest-...`` (info, `suggest_actions`) for categories no action item
      covers yet.

    Args:
        postmortem: The postmortem.
        now: The instant to judge deadlines at (aware).
        policies: Response policies by severity.
        rules: The blameless-language rules.

    Returns:
        The findings, most serious first.

    Example:
        >>> from datetime import datetime, timezone
        >>> from incidentkit import Incident
        >>> from incidentkit.postmortem import ActionItem, Postmortem, check
        >>> t0 = datetime(2024, 6, 1, 14, 0, tzinfo=timezone.utc)
        >>> inc = Incident.declare("API down", severity="P3", at=t0,
        ...                        declared_by="ana").resolve(at=t0)
        >>> pm = Postmortem.draft_from(inc).with_action(ActionItem("Add alert"))
        >>> [f.code for f in check(pm, t0)][:2]
        ['action-no-owner', 'action-no-deadline']
    """
    from ._model import Postmortem  # noqa: PLC0415 - the model imports this module

    if not isinstance(postmortem, Postmortem):
        raise ValidationError.for_field("postmortem", "a Postmortem", postmortem)
    now = ensure_utc(now, field="now")
    rules = tuple(rules)
    found: list[Finding] = list(
        check_required(postmortem.incident, postmortem, now=now, policies=policies)
    )
    found.extend(_action_findings(postmortem, now))
    cause = postmortem.root_cause
    if cause.is_empty:
        found.append(
            Finding(
                "no-root-cause",
                "The root cause is not written yet: map the factors with a "
                "Fishbone and drill into the likely ones with Five Whys.",
                Level.WARNING,
                postmortem.incident_id,
            )
        )
    if cause.fishbone is not None:
        ids = {f.id for f in cause.fishbone.factors()}
        found.extend(
            Finding(
                "root-cause-link-broken",
                f"The Five Whys on {chain.problem!r} was drilled from the factor "
                f"{chain.factor_id!r}, which the Fishbone does not have.",
                Level.WARNING,
                f"root_cause.analyses[{i}]",
            )
            for i, chain in enumerate(cause.analyses)
            if chain.factor_id is not None and chain.factor_id not in ids
        )
    people = postmortem.people
    for where, said in _pm_texts(postmortem):
        found.extend(check_blameless(said, rules=rules, people=people, subject=where))
    covered = {item.category for item in postmortem.actions}
    found.extend(
        f for f in suggest_actions(postmortem) if _category_of(f.code) not in covered
    )
    return sort_findings(found)


def _category_of(code: str) -> ActionCategory:
    return ActionCategory(code.removeprefix("suggest-").replace("-", "_"))


def _action_findings(postmortem: Postmortem, now: dt.datetime) -> Iterator[Finding]:
    if not postmortem.actions:
        yield Finding(
            "no-action-items",
            "There are no action items: root-cause analysis is only useful if it "
            "produces changes.",
            Level.WARNING,
            postmortem.incident_id,
        )
    for i, item in enumerate(postmortem.actions):
        where = f"actions[{i}] {item.title!r}"
        if item.owner is None:
            yield Finding(
                "action-no-owner",
                "The action item has no owner: an item everybody owns, nobody does.",
                Level.ERROR,
                where,
            )
        if item.due is None:
            yield Finding(
                "action-no-deadline",
                "The action item has no deadline: without a date it slips forever.",
                Level.ERROR,
                where,
            )
        if item.is_overdue(now):
            days = (now.date() - item.due).days if item.due else 0
            yield Finding(
                "action-overdue",
                f"The action item was due {item.due} and is still "
                f"{item.status.value.replace('_', ' ')} ({days} day(s) late).",
                Level.WARNING,
                where,
            )
