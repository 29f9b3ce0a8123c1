"""
incidentkit: run production incidents well, and learn from them.

The everyday names live here; each concept also has its own module:
`incidentkit.severity`, `incidentkit.roles`, `incidentkit.timeline`,
`incidentkit.incident`, `incidentkit.findings`, `incidentkit.serialization`,
`incidentkit.signals`, `incidentkit.errors` and `incidentkit.testing`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._lifecycle import TRANSITIONS, Move, Status
from ._time import (
    UTC,
    Clock,
    SystemClock,
    ensure_utc,
    format_duration,
    parse_instant,
)
from .errors import (
    IncidentKitError,
    InvalidTransition,
    MilestoneOrderError,
    RemotePayloadError,
    RoleConflict,
    ValidationError,
)
from .findings import Finding, Level
from .incident import MILESTONES, Incident
from .roles import Role, RoleAssignment, check_roles
from .severity import (
    DEFAULT_POLICIES,
    BusinessHours,
    Paging,
    PagingDecision,
    ResponsePolicy,
    Severity,
    when_to_page,
)
from .timeline import Audience, Timeline


if TYPE_CHECKING:
    from . import serialization

    __version__: str

__all__ = [
    "DEFAULT_POLICIES",
    "MILESTONES",
    "TRANSITIONS",
    "UTC",
    "Audience",
    "BusinessHours",
    "Clock",
    "Finding",
    "Incident",
    "IncidentKitError",
    "InvalidTransition",
    "Level",
    "MilestoneOrderError",
    "Move",
    "Paging",
    "PagingDecision",
    "RemotePayloadError",
    "ResponsePolicy",
    "Role",
    "RoleAssignment",
    "RoleConflict",
    "Severity",
    "Status",
    "SystemClock",
    "Timeline",
    "ValidationError",
    "__version__",
    "check_roles",
    "ensure_utc",
    "format_duration",
    "parse_instant",
    "serialization",
    "when_to_page",
]


def __getattr__(name: str) -> object:
    # The wire format (and json) load on first use, keeping `import incidentkit` fast.
    if name == "serialization":
        from importlib import import_module  # noqa: PLC0415

        return import_module(".serialization", __name__)
    if name == "__version__":
        from importlib.metadata import version  # noqa: PLC0415 - slow, rarely needed

        return version("incidentkit")
    msg = f"module 'incidentkit' has no attribute {name!r}"
    raise AttributeError(msg)
