"""
HTML fragments for notebooks: `html`, the one dispatch.

The incident, its timeline, findings, postmortems and root-cause analyses are
drawn here; the analysis results in ``_html_analysis``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any, Final

from incidentkit._rca import Fishbone, FiveWhys
from incidentkit.classify import Classification
from incidentkit.comms import CadenceReport
from incidentkit.errors import ValidationError
from incidentkit.findings import Finding, Findings
from incidentkit.incident import STATUS_MILESTONES, Incident
from incidentkit.metrics import (
    Comparison,
    DurationSummary,
    Recurrence,
    ResponseTiers,
    Summaries,
)
from incidentkit.postmortem import ActionItem, Postmortem
from incidentkit.roles import RoleAssignment
from incidentkit.signals import Decision, GoldenDecisions
from incidentkit.spans import (
    MILESTONES,
    TIME_TO_DETECT,
    TIME_TO_RESTORE,
    Measurement,
    Unmeasured,
)
from incidentkit.timeline import Event, Timeline

from . import _html_analysis as analysis
from ._html_base import (
    badge,
    card,
    cut,
    duration,
    findings_table,
    fragment,
    items,
    level_badge,
    none,
    pairs,
    table,
    user,
    when,
)
from ._svg import fishbone_svg


__all__ = ["html"]


def html(value: object) -> str:
    """
    Render *value* as an HTML fragment, the way a notebook shows it.

    Supported: `incidentkit.incident.Incident` (a card: severity, status,
    milestones, time to detect and to restore, who holds each role),
    `incidentkit.timeline.Timeline`, `incidentkit.findings.Finding` and
    `incidentkit.findings.Findings`, `incidentkit.classify.Classification`,
    `incidentkit.signals.Decision` and `incidentkit.signals.GoldenDecisions`,
    `incidentkit.comms.CadenceReport`, `incidentkit.metrics.DurationSummary`,
    `incidentkit.metrics.Summaries`, `incidentkit.metrics.Comparison`,
    `incidentkit.metrics.Recurrence`, `incidentkit.metrics.ResponseTiers`,
    `incidentkit.postmortem.Postmortem`, `incidentkit.rca.FiveWhys` and
    `incidentkit.rca.Fishbone` (with its drawing inline).  These values'
    ``_repr_html_`` methods call this function.

    The fragment is one ``<div class="ik">`` with its own scoped ``<style>``
    (classes prefixed ``ik-``) and no JavaScript; text and lines take the host
    page's colours, so it reads in light and dark themes.  All user text is
    escaped (in content and attributes) and isolated in ``<bdi>`` so
    right-to-left text stays in its cell; long words wrap.

    Args:
        value: What to render.

    Returns:
        The HTML fragment.

    Raises:
        ValidationError: If *value* is none of these types.

    Example:
        >>> from incidentkit.rca import FiveWhys
        >>> from incidentkit.render import html
        >>> page = html(FiveWhys(problem="<script> & more"))
        >>> "&lt;script&gt; &amp; more" in page, "<script" in page
        (True, False)
    """
    for kind, render in _RENDERERS:
        if isinstance(value, kind):
            return fragment(render(value))
    raise ValidationError.for_field("value", _SUPPORTED, value)


# -- findings -----------------------------------------------------------------------


def _finding(finding: Finding) -> str:
    return card(
        f'<div class="ik-title">{level_badge(finding.level)} '
        f'<span class="ik-code">{user(finding.code)}</span>'
        + (f" {user(finding.subject)}" if finding.subject else "")
        + "</div>",
        f"<div>{user(finding.message)}</div>",
        accent=finding.level.value,
    )


FINDINGS_SHOWN: Final = 20
"""A longer findings list shows its counts by code and its first ten findings."""


def _findings(found: Findings) -> str:
    count = f"{len(found)} finding{'' if len(found) == 1 else 's'}"
    if len(found) <= FINDINGS_SHOWN:
        return f'<div class="ik-meta">{count}</div>{findings_table(found)}'
    by_code = Counter((f.level, f.code) for f in found)
    counts = table(
        ["Level", "Code", "Count"],
        (
            [level_badge(level), f'<span class="ik-code">{user(code)}</span>', f"{n:,}"]
            for (level, code), n in by_code.most_common()
        ),
    )
    shown = FINDINGS_SHOWN // 2
    return (
        f'<div class="ik-meta">{len(found):,} findings, by code:</div>{counts}'
        f'<div class="ik-meta">The first {shown}:</div>'
        + findings_table(found[:shown])
        + f'<div class="ik-meta">&#8230; and {len(found) - shown:,} more</div>'
    )


# -- the incident -------------------------------------------------------------------

_UNMEASURED: Final[dict[Unmeasured, str]] = {
    Unmeasured.OPEN: "not yet: {milestone} is not reached",
    Unmeasured.MISSING: "not measured: {milestone} was never recorded",
    Unmeasured.NEGATIVE: "not measured: the end is before the start",
    Unmeasured.ZERO: "not measured: both ends are the same instant",
}


def measured(measurement: Measurement) -> str:
    """A duration, or why there is none (``not measured: started_at ...``)."""
    if measurement.duration is not None:
        return duration(measurement.duration)
    reason = measurement.reason or Unmeasured.MISSING
    milestone = measurement.milestone or "a milestone"
    return none(_UNMEASURED[reason].format(milestone=milestone))


def _role(assignment: RoleAssignment) -> list[str]:
    return [
        user(assignment.role.title),
        user(assignment.person),
        when(assignment.assumed_at),
    ]


def roles_table(assignments: tuple[RoleAssignment, ...]) -> str:
    """Who holds which role, since when."""
    return table(
        ["Role", "Person", "Since (UTC)"],
        (_role(a) for a in assignments),
        empty="nobody holds a role",
    )


def _incident(incident: Incident) -> str:
    where = [
        f"status {incident.status.value.replace('_', ' ')}",
        *(
            f"{name} {user(value)}"
            for name, value in (
                ("service", incident.service),
                ("category", incident.category),
            )
            if value is not None
        ),
    ]
    labels = ", ".join(
        f"{user(key)}={user(value)}" for key, value in incident.labels.items()
    )
    # Unset: "not yet" where the status forbids the milestone (an open incident
    # is not resolved yet), else it was never recorded (a resolved incident
    # nobody marked as acknowledged).
    forbidden = STATUS_MILESTONES[incident.status].forbids
    milestones = table(
        ["Milestone", "At (UTC)"],
        (
            [
                name.removesuffix("_at").replace("_", " "),
                when(
                    getattr(incident, name),
                    "not yet" if name in forbidden else "not recorded",
                ),
            ]
            for name in MILESTONES
        ),
    )
    return card(
        f'<div class="ik-title">{badge(incident.severity)} '
        f"{user(incident.title)}</div>",
        f'<div class="ik-meta"><span class="ik-code">{user(incident.id)}</span>'
        f" · {' · '.join(where)}</div>",
        f'<div class="ik-meta">labels: {labels}</div>' if labels else "",
        pairs(
            [
                ("Time to detect", measured(TIME_TO_DETECT.measure(incident))),
                ("Time to restore", measured(TIME_TO_RESTORE.measure(incident))),
            ]
        ),
        '<div class="ik-sub">Milestones</div>',
        milestones,
        '<div class="ik-sub">Roles now</div>',
        roles_table(tuple(a for a in incident.roles if a.is_current)),
        accent=incident.severity.value.lower(),
    )


def _event_row(event: Event) -> list[str]:
    return [
        when(event.at),
        event.kind.replace("_", " "),
        user(event.by) if event.by else "",
        user(event.describe()),
    ]


def timeline_table(timeline: Timeline) -> str:
    """The events: time in UTC, kind, actor and what happened (long ones cut)."""
    rows = cut([_event_row(event) for event in timeline], "events")
    return table(["Time (UTC)", "Kind", "By", "What"], rows, empty="No events.")


def _timeline(timeline: Timeline) -> str:
    count = f"{len(timeline)} event{'' if len(timeline) == 1 else 's'}"
    return (
        f'<div class="ik-title">Timeline</div><div class="ik-meta">{count}</div>'
        + timeline_table(timeline)
    )


# -- root-cause analysis and postmortems ---------------------------------------------


def _evidence(evidence: tuple[str, ...]) -> str:
    if not evidence:
        return ""
    shown = "; ".join(user(e) for e in evidence)
    return f' <span class="ik-meta">(evidence: {shown})</span>'


def _five_whys(chain: FiveWhys) -> str:
    steps = items(
        (
            f"<b>Why?</b> {user(step.question)} <b>Because:</b> "
            f"{user(step.because)}{_evidence(step.evidence)}"
            for step in chain.steps
        ),
        ordered=True,
        empty="No steps yet.",
    )
    link = (
        f'<div class="ik-meta">drilled from the fishbone factor '
        f'<span class="ik-code">{user(chain.factor_id)}</span></div>'
        if chain.factor_id is not None
        else ""
    )
    root = user(chain.root_cause) if chain.root_cause else none("not found yet")
    action = user(chain.action) if chain.action else none("not concluded yet")
    return card(
        f'<div class="ik-title">Five Whys: {user(chain.problem)}</div>',
        link,
        steps,
        pairs([("Root cause", root), ("Action", action)]),
    )


def _fishbone(diagram: Fishbone) -> str:
    count = sum(len(c.factors) for c in diagram.categories)
    likely = sum(1 for f in diagram.factors() if f.likely)
    return card(
        f'<div class="ik-title">Fishbone: {user(diagram.problem)}</div>',
        f'<div class="ik-meta">{len(diagram.categories)} categories, '
        f"{count} factors, {likely} likely</div>",
        f'<div class="ik-figure">{fishbone_svg(diagram)}</div>',
    )


def _action(item: ActionItem) -> list[str]:
    return [
        user(item.title),
        user(item.owner) if item.owner else none(),
        item.due.isoformat() if item.due else none(),
        item.category.value.replace("_", " "),
        item.status.value.replace("_", " "),
        user(item.link) if item.link else "",
    ]


def _postmortem(pm: Postmortem) -> str:
    history = " → ".join(
        f"{badge(severity)} at {when(at)}" for at, severity in pm.severity_history
    )
    facts = [
        ("Incident", f'<span class="ik-code">{user(pm.incident_id)}</span>'),
        ("Status", pm.status.value.replace("_", " ")),
        ("Severity", history),
        ("Service", user(pm.incident.service) if pm.incident.service else none()),
        ("Time to detect", measured(pm.time_to_detect)),
        ("Time to restore", measured(pm.time_to_restore)),
    ]
    if pm.published_at is not None:
        facts.insert(2, ("Published", when(pm.published_at)))
    cause = pm.root_cause
    missing = none("not written yet")
    return card(
        f'<div class="ik-title">{badge(pm.incident.severity)} Postmortem: '
        f"{user(pm.title)}</div>",
        pairs(facts),
        '<div class="ik-sub">Roles</div>',
        roles_table(pm.roles),
        '<div class="ik-sub">What happened</div>',
        f"<p>{user(pm.summary) if pm.summary else missing}</p>",
        '<div class="ik-sub">Impact</div>',
        f"<p>{user(pm.impact) if pm.impact else missing}</p>",
        '<div class="ik-sub">Timeline</div>',
        timeline_table(pm.timeline),
        '<div class="ik-sub">What went well</div>',
        items((user(i) for i in pm.went_well), empty="not written yet"),
        '<div class="ik-sub">What did not go well</div>',
        items((user(i) for i in pm.went_badly), empty="not written yet"),
        '<div class="ik-sub">Root cause</div>',
        f"<p>{user(cause.summary) if cause.summary else missing}</p>",
        _fishbone(cause.fishbone) if cause.fishbone is not None else "",
        *(_five_whys(chain) for chain in cause.analyses),
        '<div class="ik-sub">Action items</div>',
        table(
            ["Action", "Owner", "Due", "Category", "Status", "Link"],
            (_action(i) for i in pm.actions),
            empty="none yet",
        ),
        accent=pm.incident.severity.value.lower(),
    )


_RENDERERS: Final[tuple[tuple[type[Any], Callable[[Any], str]], ...]] = (
    (Incident, _incident),
    (Timeline, _timeline),
    (Finding, _finding),
    (Findings, _findings),
    (Postmortem, _postmortem),
    (FiveWhys, _five_whys),
    (Fishbone, _fishbone),
    (Classification, analysis.classification),
    (Decision, analysis.decision),
    (GoldenDecisions, analysis.golden),
    (CadenceReport, analysis.cadence),
    (DurationSummary, analysis.summary),
    (Summaries, analysis.summaries),
    (Comparison, analysis.comparison),
    (Recurrence, analysis.recurrence),
    (ResponseTiers, analysis.tiers),
)
_SUPPORTED: Final = "one of " + ", ".join(kind.__name__ for kind, _ in _RENDERERS)
