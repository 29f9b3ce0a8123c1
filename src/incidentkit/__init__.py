"""
incidentkit: run production incidents well, and learn from them.

The everyday names live here; each concept also has its own module
(`incidentkit.severity`, `incidentkit.roles`, `incidentkit.timeline`,
`incidentkit.incident`, `incidentkit.serialization`, `incidentkit.signals`).
"""

from __future__ import annotations

from ._time import UTC, Clock, SystemClock, ensure_utc, parse_instant
from .errors import (
    IncidentKitError,
    InvalidTransition,
    MilestoneOrderError,
    RemotePayloadError,
    RoleConflict,
    ValidationError,
)


__all__ = [
    "UTC",
    "Clock",
    "IncidentKitError",
    "InvalidTransition",
    "MilestoneOrderError",
    "RemotePayloadError",
    "RoleConflict",
    "SystemClock",
    "ValidationError",
    "__version__",
    "ensure_utc",
    "parse_instant",
]


def __getattr__(name: str) -> str:
    if name == "__version__":
        from importlib.metadata import version  # noqa: PLC0415 - slow import, rarely needed

        return version("incidentkit")
    msg = f"module 'incidentkit' has no attribute {name!r}"
    raise AttributeError(msg)
