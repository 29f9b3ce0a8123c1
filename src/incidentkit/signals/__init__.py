"""Golden signals (being built)."""

from ._budget import (
    WORKBOOK_BUDGET_RULES,
    BudgetRule,
    BurnPolicy,
    BurnWindow,
    ErrorBudgetEvaluator,
)
from ._decision import Decision, SignalState, Urgency, WindowValue, format_duration
from ._sketch import (
    DEFAULT_MAX_BUCKETS,
    DEFAULT_RELATIVE_ACCURACY,
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
)
from ._windows import ErrorKind, RollingCounts, RollingSketch, WindowCounts


__all__ = [
    "DEFAULT_MAX_BUCKETS",
    "DEFAULT_RELATIVE_ACCURACY",
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
    "LatencySketch",
    "NoDataPolicy",
    "Notification",
    "NotificationKind",
    "Notifier",
    "Quantile",
    "RollingCounts",
    "RollingSketch",
    "SignalState",
    "Urgency",
    "WindowCounts",
    "WindowValue",
    "format_duration",
]
