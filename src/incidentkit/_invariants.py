"""The cross-field invariants of an incident, checked on every change."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable, Mapping
from typing import Final

from ._lifecycle import Status
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
    if anchor_value is None:
        return
    for name in _AFTER_DETECTION:
        after = milestones[name]
        if after is not None and after < anchor_value:
            raise MilestoneOrderError(anchor, anchor_value, name, after)


def check_status_milestones(
    status: Status, milestones: Mapping[str, dt.datetime | None]
) -> None:
    """Raise `ValidationError` when the milestones contradict the status."""
    needs: list[str] = []
    if status in {Status.MONITORING, Status.RESOLVED, Status.CLOSED}:
        needs.append("mitigated_at")
    if status in {Status.RESOLVED, Status.CLOSED}:
        needs.append("resolved_at")
    if status is Status.CLOSED:
        needs.append("closed_at")
    for name in needs:
        if milestones[name] is None:
            raise ValidationError(
                f"{name!r} must be set when the status is {status.value} (got None)",
                field=name,
                expected=f"a time, since the status is {status.value}",
                got=None,
            )
    forbidden = {
        Status.INVESTIGATING: ("resolved_at", "closed_at"),
        Status.IDENTIFIED: ("resolved_at", "closed_at"),
        Status.MONITORING: ("resolved_at", "closed_at"),
        Status.RESOLVED: ("closed_at",),
    }.get(status, ())
    for name in forbidden:
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
        held.sort(key=_assumed)
        for before, after in itertools.pairwise(held):
            if before.relieved_at is None:
                raise RoleConflict(role.name, before.person, after.person)
            if after.assumed_at < before.relieved_at:
                raise RoleConflict(
                    role.name, before.person, after.person, until=before.relieved_at
                )


def _assumed(assignment: RoleAssignment) -> dt.datetime:
    return assignment.assumed_at
