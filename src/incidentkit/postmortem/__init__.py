"""
Blameless postmortems with owned, dated action items.

A `Postmortem` belongs to one incident: `Postmortem.draft_from` copies the
incident's record, timeline and role holders, so the draft already knows the
time to detect and to restore (the spans of `incidentkit.spans`) and the
severity history.  The team adds what happened, the impact, what went well and
what did not, the root cause (the `incidentkit.rca` Fishbone and Five Whys) and
`ActionItem` values, each with an owner, a deadline and a category.  It moves
from draft to review to published through one table, `TRANSITIONS`.

`check` (and `Postmortem.check`) reports what is missing or wrong, each finding
with its reason and subject; `check_blameless` lints any text for wording that
blames a person instead of the system that let the mistake through.

Example:
    >>> from datetime import date, datetime, timedelta, timezone
    >>> from incidentkit import Incident
    >>> from incidentkit.postmortem import (ActionCategory, ActionItem, Postmortem,
    ...                                     check_blameless)
    >>> t0 = datetime(2024, 6, 1, 14, 0, tzinfo=timezone.utc)
    >>> inc = Incident.declare("Site down", severity="P1", at=t0, declared_by="ana",
    ...                        started_at=t0 - timedelta(minutes=9))
    >>> inc = inc.mitigate(at=t0 + timedelta(minutes=30))
    >>> inc = inc.resolve(at=t0 + timedelta(hours=2))
    >>> pm = Postmortem.draft_from(inc).with_action(
    ...     ActionItem("Alert on pool usage", owner="lee", due=date(2024, 7, 1),
    ...                category=ActionCategory.MONITORING))
    >>> pm.time_to_restore.duration
    datetime.timedelta(seconds=2340)
    >>> [f.code for f in check_blameless("Lee forgot to close the connection.")]
    ['person-forgot']
"""

from __future__ import annotations

from incidentkit._blame import BLAME_RULES, BlameRule, check_blameless

from ._action import ActionCategory, ActionItem, ActionStatus
from ._checks import (
    DEPLOY_WINDOW,
    LATE_DETECTION,
    check,
    check_required,
    due_at,
    suggest_actions,
)
from ._model import (
    TRANSITIONS,
    Postmortem,
    PostmortemMove,
    PostmortemStatus,
    RootCause,
)


__all__ = [
    "BLAME_RULES",
    "DEPLOY_WINDOW",
    "LATE_DETECTION",
    "TRANSITIONS",
    "ActionCategory",
    "ActionItem",
    "ActionStatus",
    "BlameRule",
    "Postmortem",
    "PostmortemMove",
    "PostmortemStatus",
    "RootCause",
    "check",
    "check_blameless",
    "check_required",
    "due_at",
    "suggest_actions",
]
