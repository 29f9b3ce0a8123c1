"""
Metrics that tell the truth on real history.

How quickly do we detect, how quickly do we restore service, how often does the
same kind of incident come back, and are we getting better or does it only feel
like it?  Incident durations are heavy-tailed: a handful of long incidents move
a plain mean more than any real change does, so summaries lead with the median
and the geometric mean, give the median a bootstrap confidence interval, count
every incident they could not use, and a comparison of two periods says "not
distinguishable" when the data cannot tell.

* Spans (`TIME_TO_DETECT`, `TIME_TO_ACKNOWLEDGE`, `TIME_TO_RESTORE`,
  `TIME_TO_RESOLVE`, any `Span` between two milestones) come from the core
  model, `incidentkit.spans`.
* `summarize` (and `mttd` / `mttr`): a `DurationSummary`, or one per group.
* `compare_periods` and `detectable_change`: are we improving?
* `recurrence`, `response_tiers`, `downtime_cost`.

Every function reads `incidentkit.incident.Incident` values or the lighter
`incidentkit.spans.IncidentRecord`, from any iterable.

Example:
    >>> from datetime import datetime, timedelta, timezone
    >>> from incidentkit import Incident, metrics
    >>> t0 = datetime(2024, 6, 1, 14, 0, tzinfo=timezone.utc)
    >>> inc = Incident.declare("Checkout down", severity="P1", declared_by="ana",
    ...                        at=t0 + timedelta(minutes=4), started_at=t0)
    >>> inc = inc.mitigate(at=t0 + timedelta(minutes=41), how="rolled back")
    >>> s = metrics.summarize([inc], metrics.TIME_TO_RESTORE)
    >>> s.n, str(s.median)
    (1, '0:41:00')
"""

from __future__ import annotations

from incidentkit.spans import (
    NAMED_SPANS,
    TIME_TO_ACKNOWLEDGE,
    TIME_TO_DETECT,
    TIME_TO_RESOLVE,
    TIME_TO_RESTORE,
    IncidentRecord,
    Measurement,
    Span,
    Unmeasured,
)

from ._compare import (
    DEFAULT_SD_LOG,
    Comparison,
    Verdict,
    compare_periods,
    detectable_change,
)
from ._periods import CALENDAR, Period
from ._recurrence import (
    INDUSTRY_HOURLY_COST,
    Recurrence,
    RecurrenceGroup,
    ResponseTiers,
    downtime_cost,
    recurrence,
    response_tiers,
    service_and_category,
)
from ._summary import DurationSummary, GroupKey, Summaries, mttd, mttr, summarize


__all__ = [
    "CALENDAR",
    "DEFAULT_SD_LOG",
    "INDUSTRY_HOURLY_COST",
    "NAMED_SPANS",
    "TIME_TO_ACKNOWLEDGE",
    "TIME_TO_DETECT",
    "TIME_TO_RESOLVE",
    "TIME_TO_RESTORE",
    "Comparison",
    "DurationSummary",
    "GroupKey",
    "IncidentRecord",
    "Measurement",
    "Period",
    "Recurrence",
    "RecurrenceGroup",
    "ResponseTiers",
    "Span",
    "Summaries",
    "Unmeasured",
    "Verdict",
    "compare_periods",
    "detectable_change",
    "downtime_cost",
    "mttd",
    "mttr",
    "recurrence",
    "response_tiers",
    "service_and_category",
    "summarize",
]
