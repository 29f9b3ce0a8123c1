"""Markdown: postmortems, Five Whys, Fishbones and timelines, all user text escaped."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from incidentkit._rca import Factor, Fishbone, FiveWhys
from incidentkit._time import format_duration
from incidentkit.errors import ValidationError
from incidentkit.postmortem import ActionItem, Postmortem
from incidentkit.roles import RoleAssignment
from incidentkit.spans import Measurement
from incidentkit.timeline import Timeline

from ._escape import markdown_cell, markdown_inline


__all__ = ["markdown"]

_MISSING = "*Not written yet.*"


def markdown(value: Postmortem | FiveWhys | Fishbone | Timeline) -> str:
    r"""
    Render *value* as Markdown (CommonMark with GitHub tables).

    A `incidentkit.postmortem.Postmortem` becomes the whole document: the facts
    (severity and its history, the time to detect and to restore, the role
    holders), what happened, the impact, the timeline, what went well and what
    did not, the root cause with its Fishbone and Five Whys, and the action
    items with owners and deadlines.  A `incidentkit.rca.FiveWhys`, a
    `incidentkit.rca.Fishbone` or a `incidentkit.timeline.Timeline` renders
    alone.

    All user text is escaped: it cannot open links, emphasis, code, raw HTML,
    headings or list items, nor end a table cell.

    Args:
        value: What to render.

    Returns:
        The Markdown text, ending with a newline.

    Raises:
        ValidationError: If *value* is none of these types.

    Example:
        >>> from incidentkit.rca import FiveWhys
        >>> from incidentkit.render import markdown
        >>> chain = FiveWhys(problem="Site <b>down</b>").why("Pool | exhausted")
        >>> print(markdown(chain))
        ## Five Whys: Site &lt;b&gt;down&lt;/b&gt;
        <BLANKLINE>
        1. **Why?** Site &lt;b&gt;down&lt;/b&gt; **Because:** Pool \| exhausted
        <BLANKLINE>
        **Root cause:** Pool \| exhausted
        <BLANKLINE>
        **Action:** *Not concluded yet.*
        <BLANKLINE>
    """
    if isinstance(value, Postmortem):
        lines = _postmortem(value)
    elif isinstance(value, FiveWhys):
        lines = _five_whys(value, "##")
    elif isinstance(value, Fishbone):
        lines = _fishbone(value, "##")
    elif isinstance(value, Timeline):
        lines = ["## Timeline", "", *_timeline(value)]
    else:
        raise ValidationError.for_field(
            "value", "a Postmortem, FiveWhys, Fishbone or Timeline", value
        )
    return "\n".join(lines).rstrip("\n") + "\n"


def _time(at: dt.datetime) -> str:
    return at.strftime("%Y-%m-%d %H:%M:%S")


def _measured(measurement: Measurement) -> str:
    if measurement.duration is not None:
        return format_duration(measurement.duration)
    reason = measurement.reason.value if measurement.reason else "unknown"
    missing = f" ({measurement.milestone})" if measurement.milestone else ""
    return f"unknown: {reason}{missing}"


def _role(assignment: RoleAssignment) -> str:
    until = (
        f" to {_time(assignment.relieved_at)}"
        if assignment.relieved_at is not None
        else ""
    )
    return (
        f"{markdown_inline(assignment.role.name.replace('_', ' ').lower())}: "
        f"{markdown_inline(assignment.person)} "
        f"(from {_time(assignment.assumed_at)}{until})"
    )


def _postmortem(pm: Postmortem) -> list[str]:
    history = " → ".join(
        f"{severity.value} at {_time(at)}" for at, severity in pm.severity_history
    )
    roles = "<br>".join(_role(a) for a in pm.roles) or "none recorded"
    facts = [
        ("Incident", markdown_cell(pm.incident_id)),
        ("Status", pm.status.value.replace("_", " ")),
        ("Severity", f"{pm.incident.severity.value} ({history})"),
        ("Service", markdown_cell(pm.incident.service or "not recorded")),
        ("Time to detect", _measured(pm.time_to_detect)),
        ("Time to restore", _measured(pm.time_to_restore)),
        ("Roles", roles),
    ]
    if pm.published_at is not None:
        facts.insert(2, ("Published", _time(pm.published_at)))
    lines = [
        f"# Postmortem: {markdown_inline(pm.title)}",
        "",
        "| | |",
        "| --- | --- |",
        *(f"| {name} | {value} |" for name, value in facts),
        "",
        "## What happened",
        "",
        _paragraph(pm.summary),
        "",
        "## Impact",
        "",
        _paragraph(pm.impact),
        "",
        "## Timeline",
        "",
        *_timeline(pm.timeline),
        "## What went well",
        "",
        *_bullets(pm.went_well),
        "## What did not go well",
        "",
        *_bullets(pm.went_badly),
        "## Root cause",
        "",
    ]
    cause = pm.root_cause
    if cause.is_empty:
        lines.extend([_MISSING, ""])
    if cause.summary is not None:
        lines.extend([markdown_inline(cause.summary), ""])
    if cause.fishbone is not None:
        lines.extend(_fishbone(cause.fishbone, "###"))
    for chain in cause.analyses:
        lines.extend(_five_whys(chain, "###", cause.fishbone))
    lines.extend(["## Action items", "", *_actions(pm.actions)])
    return lines


def _paragraph(value: str | None) -> str:
    return _MISSING if value is None else markdown_inline(value)


def _bullets(items: Iterable[str]) -> list[str]:
    lines = [f"- {markdown_inline(item)}" for item in items]
    return [*(lines or [_MISSING]), ""]


def _timeline(timeline: Timeline) -> list[str]:
    if not timeline:
        return ["*No events.*", ""]
    lines = ["| Time (UTC) | Event | By |", "| --- | --- | --- |"]
    lines.extend(
        f"| {_time(event.at)} | {markdown_cell(event.describe())} "
        f"| {markdown_cell(event.by or '')} |"
        for event in timeline
    )
    return [*lines, ""]


def _five_whys(
    chain: FiveWhys, heading: str, diagram: Fishbone | None = None
) -> list[str]:
    lines = [f"{heading} Five Whys: {markdown_inline(chain.problem)}", ""]
    if chain.factor_id is not None:
        linked = (
            f" ({markdown_inline(diagram.category_of(chain.factor_id).name)})"
            if diagram is not None
            and any(f.id == chain.factor_id for f in diagram.factors())
            else ""
        )
        link = markdown_inline(chain.factor_id)
        lines.extend(
            [
                f"Drilled from the fishbone factor {link}{linked}.",
                "",
            ]
        )
    for number, step in enumerate(chain.steps, 1):
        evidence = (
            f" *(evidence: {'; '.join(markdown_inline(e) for e in step.evidence)})*"
            if step.evidence
            else ""
        )
        lines.append(
            f"{number}. **Why?** {markdown_inline(step.question)} "
            f"**Because:** {markdown_inline(step.because)}{evidence}"
        )
    if not chain.steps:
        lines.append("*No steps yet.*")
    root = markdown_inline(chain.root_cause or "") or "*Not found yet.*"
    action = markdown_inline(chain.action or "") or "*Not concluded yet.*"
    lines.extend(
        [
            "",
            f"**Root cause:** {root}",
            "",
            f"**Action:** {action}",
            "",
        ]
    )
    return lines


def _fishbone(diagram: Fishbone, heading: str) -> list[str]:
    lines = [f"{heading} Fishbone: {markdown_inline(diagram.problem)}", ""]

    def factor_line(factor: Factor, depth: int) -> None:
        mark = " **(likely)**" if factor.likely else ""
        evidence = (
            f" *(evidence: {'; '.join(markdown_inline(e) for e in factor.evidence)})*"
            if factor.evidence
            else ""
        )
        lines.append(
            f"{'  ' * depth}- {markdown_inline(factor.text)}{mark}{evidence} "
            f"<sub>{markdown_inline(factor.id)}</sub>"
        )

    for category in diagram.categories:
        lines.append(f"- **{markdown_inline(category.name)}**")
        if not category.factors:
            lines.append("  - *No factors.*")
        for depth, factor in category.outline():
            factor_line(factor, depth + 1)
    return [*lines, ""]


def _or_none(value: str | None) -> str:
    return "**none**" if value is None else markdown_cell(value)


def _actions(items: Iterable[ActionItem]) -> list[str]:
    rows = [
        f"| {markdown_cell(i.title)} | {_or_none(i.owner)} "
        f"| {i.due.isoformat() if i.due else '**none**'} "
        f"| {i.category.value.replace('_', ' ')} | {i.status.value.replace('_', ' ')} "
        f"| {markdown_cell(i.link or '')} |"
        for i in items
    ]
    if not rows:
        return [_MISSING, ""]
    return [
        "| Action | Owner | Due | Category | Status | Link |",
        "| --- | --- | --- | --- | --- | --- |",
        *rows,
        "",
    ]
