"""The cross-field invariants of an incident, checked on every change."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable, Mapping
from typing import Final

from ._lifecycle import STATUS_MILESTONES, Status
from .errors import MilestoneOrderError, RoleConflict, ValidationError
from .roles import Role, RoleAssignment


_CHAIN: Final[tuple[str, ...]] = (
    "started_at",
    "detected_at",
    "mitigated_at",
    "resolved_at",
    "closed_at",
)
_AFTER_DETECTION: Final[tuple[str, ...]] = ("declared_at", "acknowledged_at")


def check_milestone_order(milestones: Mapping[str, dt.datetime | None]) -> None:
    """Raise `MilestoneOrderError` for the first pair of milestones out of order."""
    present: list[tuple[str, dt.datetime]] = []
    for name in _CHAIN:
        value = milestones[name]
        if value is not None:
            present.append((name, value))
    for i, (later, later_value) in enumerate(present):
        for earlier, earlier_value in present[:i]:
            if later_value < earlier_value:
                raise MilestoneOrderError(earlier, earlier_value, later, later_value)
    anchor = "detected_at" if milestones["detected_at"] is not None else "started_at"
    anchor_value = milestones[anchor]
    closed = milestones["closed_at"]
    for name in _AFTER_DETECTION:
        value = milestones[name]
        if value is None:
            continue
        if anchor_value is not None and value < anchor_value:
            raise MilestoneOrderError(anchor, anchor_value, name, value)
        if closed is not None and closed < value:
            raise MilestoneOrderError(name, value, "closed_at", closed)


def check_status_milestones(
    status: Status, milestones: Mapping[str, dt.datetime | None]
) -> None:
    """Raise `ValidationError` when the milestones contradict the status."""
    rule = STATUS_MILESTONES[status]
    for name in rule.needs:
        if milestones[name] is None:
            raise ValidationError(
                f"{name!r} must be set when the status is {status.value} (got None)",
                field=name,
                expected=f"a time, since the status is {status.value}",
                got=None,
            )
    for name in rule.forbids:
        value = milestones[name]
        if value is not None:
            raise ValidationError(
                f"{name!r} must be None while the status is {status.value} "
                f"(got {value.isoformat()})",
                field=name,
                expected=f"None, since the status is {status.value}",
                got=value,
            )


def check_single_holders(roles: Iterable[RoleAssignment]) -> None:
    """Raise `RoleConflict` when two people hold one role at the same moment."""
    tenures: dict[Role, list[RoleAssignment]] = {}
    for assignment in roles:
        if not isinstance(assignment, RoleAssignment):
            raise ValidationError.for_field(
                "roles", "RoleAssignment values", assignment
            )
        tenures.setdefault(assignment.role, []).append(assignment)
    for role, held in tenures.items():
        if len(held) < 2:  # noqa: PLR2004
            continue
        # Order-independent: of tenures starting together, the ended ones first.
        held.sort(key=_tenure_order)
        for before, after in itertools.pairwise(held):
            if before.relieved_at is None:
                raise RoleConflict(role.name, before.person, after.person)
            if after.assumed_at < before.relieved_at:
                raise RoleConflict(
                    role.name, before.person, after.person, until=before.relieved_at
                )


def _tenure_order(
    assignment: RoleAssignment,
) -> tuple[dt.datetime, bool, dt.datetime]:
    relieved = assignment.relieved_at
    return (
        assignment.assumed_at,
        relieved is None,
        assignment.assumed_at if relieved is None else relieved,
    )
