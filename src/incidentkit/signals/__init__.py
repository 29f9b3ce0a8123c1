"""
Golden signals: latency, traffic, errors and saturation, with explained alerts.

`GoldenSignals` takes request observations and resource readings and returns
four `Decision` values, each with its state, the numbers it was based on and a
human explanation.  The parts are usable alone: a `LatencySketch` for
mergeable relative-error quantiles, `RollingCounts` for exact rolling windows,
`ErrorBudgetEvaluator` for SRE Workbook burn-rate alerting, `TrafficEvaluator`,
`SaturationEvaluator`, `AlertTracker` and `Notifier` for noise control.

This package depends only on incidentkit's foundation (errors, time helpers,
findings), so an alerting pipeline can use it without the incident model.

Example:
    >>> from datetime import datetime, timedelta, timezone
    >>> from incidentkit.signals import GoldenSignals, Request, SignalState
    >>> t0 = datetime(2024, 6, 1, 12, tzinfo=timezone.utc)
    >>> gs = GoldenSignals(objective=0.999, latency_slo=timedelta(seconds=1))
    >>> gs.observe(Request(t0, timedelta(milliseconds=120)))
    >>> [d.state is SignalState.FIRING for d in gs.evaluate(t0)]
    [False, False, False, False]
"""

from incidentkit._time import format_duration

from ._budget import (
    WORKBOOK_BUDGET_RULES,
    BudgetRule,
    BurnPolicy,
    BurnWindow,
    ErrorBudgetEvaluator,
)
from ._decision import Decision, SignalState, Urgency, WindowValue
from ._golden import GoldenDecisions, GoldenSignals, Request
from ._latency import LatencyEvaluator, LatencyPolicy, PercentileTarget
from ._saturation import (
    Headroom,
    ResourceReading,
    SaturationEvaluator,
    SaturationPolicy,
)
from ._sketch import (
    DEFAULT_MAX_BUCKETS,
    DEFAULT_RELATIVE_ACCURACY,
    MAX_BUCKETS_LIMIT,
    MAX_RELATIVE_ACCURACY,
    MIN_RELATIVE_ACCURACY,
    LatencySketch,
    Quantile,
)
from ._state import (
    AlertPolicy,
    AlertTracker,
    Condition,
    NoDataPolicy,
    Notification,
    NotificationKind,
    Notifier,
    Silence,
    group_notifications,
)
from ._traffic import TrafficDirection, TrafficEvaluator, TrafficPolicy
from ._windows import MAX_SLOTS, ErrorKind, RollingCounts, RollingSketch, WindowCounts


__all__ = [
    "DEFAULT_MAX_BUCKETS",
    "DEFAULT_RELATIVE_ACCURACY",
    "MAX_BUCKETS_LIMIT",
    "MAX_RELATIVE_ACCURACY",
    "MAX_SLOTS",
    "MIN_RELATIVE_ACCURACY",
    "WORKBOOK_BUDGET_RULES",
    "AlertPolicy",
    "AlertTracker",
    "BudgetRule",
    "BurnPolicy",
    "BurnWindow",
    "Condition",
    "Decision",
    "ErrorBudgetEvaluator",
    "ErrorKind",
    "GoldenDecisions",
    "GoldenSignals",
    "Headroom",
    "LatencyEvaluator",
    "LatencyPolicy",
    "LatencySketch",
    "NoDataPolicy",
    "Notification",
    "NotificationKind",
    "Notifier",
    "PercentileTarget",
    "Quantile",
    "Request",
    "ResourceReading",
    "RollingCounts",
    "RollingSketch",
    "SaturationEvaluator",
    "SaturationPolicy",
    "SignalState",
    "Silence",
    "TrafficDirection",
    "TrafficEvaluator",
    "TrafficPolicy",
    "Urgency",
    "WindowCounts",
    "WindowValue",
    "format_duration",
    "group_notifications",
]
