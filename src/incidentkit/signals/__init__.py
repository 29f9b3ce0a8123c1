"""Golden signals (being built)."""

from ._sketch import (
    DEFAULT_MAX_BUCKETS,
    DEFAULT_RELATIVE_ACCURACY,
    LatencySketch,
    Quantile,
)
from ._windows import ErrorKind, RollingCounts, RollingSketch, WindowCounts


__all__ = [
    "DEFAULT_MAX_BUCKETS",
    "DEFAULT_RELATIVE_ACCURACY",
    "ErrorKind",
    "LatencySketch",
    "Quantile",
    "RollingCounts",
    "RollingSketch",
    "WindowCounts",
]
