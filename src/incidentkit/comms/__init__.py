"""
Communicate: structured status updates, a cadence planner and an audit.

Silence during an outage does more damage than the outage.  A `StatusUpdate`
says what is known, what is being done and when the next update comes, for
one `Audience`; internal updates add the business impact, the owners and
whether engineering teams stand by.  `Incident.post` records one on the
timeline.

The `CadencePlanner` turns the severity's policy (`DEFAULT_CADENCES`, derived
from `DEFAULT_POLICIES`: a ``P1``'s first update within 5 minutes, public
updates every 20 and internal every 30; nothing required for ``P3``) into due
times per audience, honouring promised next-update times; `audit` checks a
posted history and returns a `CadenceReport`.  `render_text` and
`render_markdown` write updates with times in the audience's zone;
`check_public` flags wording that should stay internal; `to_statuspage`
exports a public update as an Atlassian Statuspage incident update.

Example:
    >>> from datetime import datetime, timedelta, timezone
    >>> from incidentkit import Audience, Incident, Severity, Status
    >>> from incidentkit.comms import CadencePlanner, StatusUpdate
    >>> t0 = datetime(2024, 6, 1, 14, 0, tzinfo=timezone.utc)
    >>> inc = Incident.declare("Checkout errors", severity=Severity.P1,
    ...                        at=t0, declared_by="ana")
    >>> inc = inc.post(StatusUpdate(
    ...     audience=Audience.PUBLIC, at=t0 + timedelta(minutes=4),
    ...     status=Status.INVESTIGATING, known="Some payments fail.",
    ...     doing="We are investigating.",
    ...     next_update_at=t0 + timedelta(minutes=15)))
    >>> due = CadencePlanner().next_due(inc, t0 + timedelta(minutes=6))
    >>> {a.value: f"{p.due_at:%H:%M} {p.outcome.value}" for a, p in due.items()}
    {'internal': '14:05 missed', 'public': '14:15 pending'}
"""

from ._audit import CadenceReport, IncompleteUpdate, LongestSilence, audit
from ._planner import BrokenPromise, CadencePlanner, DuePoint, DueReason, Outcome
from ._policy import (
    DEFAULT_CADENCES,
    FINAL_UPDATE_WITHIN,
    PAGERDUTY_PUBLIC_CADENCE,
    Cadence,
    CadencePolicy,
    Step,
)
from ._public import INTERNAL_HOST_SUFFIXES, check_public
from ._render import (
    STATUS_HEADLINES,
    local_time,
    next_update_phrase,
    render_markdown,
    render_text,
)
from ._statuspage import STATUSPAGE_STATUS, to_statuspage
from ._update import FINAL_STATUSES, StatusUpdate


__all__ = [
    "DEFAULT_CADENCES",
    "FINAL_STATUSES",
    "FINAL_UPDATE_WITHIN",
    "INTERNAL_HOST_SUFFIXES",
    "PAGERDUTY_PUBLIC_CADENCE",
    "STATUSPAGE_STATUS",
    "STATUS_HEADLINES",
    "BrokenPromise",
    "Cadence",
    "CadencePlanner",
    "CadencePolicy",
    "CadenceReport",
    "DuePoint",
    "DueReason",
    "IncompleteUpdate",
    "LongestSilence",
    "Outcome",
    "StatusUpdate",
    "Step",
    "audit",
    "check_public",
    "local_time",
    "next_update_phrase",
    "render_markdown",
    "render_text",
    "to_statuspage",
]
