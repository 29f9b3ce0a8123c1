"""The lifecycle tables, pinned edge by edge against literal lists."""

import datetime as dt
import itertools
from typing import Any

import pytest

from incidentkit import TRANSITIONS, Incident, InvalidTransition, Move, Severity, Status
from incidentkit._invariants import check_status_milestones
from incidentkit._lifecycle import EFFECTS, STATUS_MILESTONES, next_status
from incidentkit.errors import ValidationError
from incidentkit.incident import MILESTONES, OPEN_STATUSES, allowed_moves
from incidentkit.render import state_diagram


T0 = dt.datetime(2024, 6, 1, 14, 0, tzinfo=dt.timezone.utc)
MIN = dt.timedelta(minutes=1)

# Every legal edge, written out by hand: adding or removing one must fail here.
EDGES = [
    ("investigating", "identify", "identified"),
    ("investigating", "mitigate", "monitoring"),
    ("investigating", "resolve", "resolved"),
    ("identified", "mitigate", "monitoring"),
    ("identified", "resolve", "resolved"),
    ("monitoring", "resolve", "resolved"),
    ("monitoring", "reopen", "investigating"),
    ("resolved", "close", "closed"),
    ("resolved", "reopen", "investigating"),
]


def test_the_table_has_exactly_the_listed_edges():
    actual = [
        (status.value, move.value, target.value)
        for status, moves in TRANSITIONS.items()
        for move, target in moves.items()
    ]

    assert EDGES == actual


@pytest.mark.parametrize(("status", "move"), list(itertools.product(Status, Move)))
def test_next_status_follows_the_listed_edges_and_refuses_the_rest(status, move):
    expected = {(s, m): t for s, m, t in EDGES}.get((status.value, move.value))
    if expected is not None:
        assert expected == next_status(status, move).value
        return
    with pytest.raises(InvalidTransition) as info:
        next_status(status, move)

    allowed = tuple(m for s, m, _ in EDGES if s == status.value)
    assert (status.value, move.value, allowed) == (
        info.value.status,
        info.value.move,
        info.value.allowed,
    )


def test_closed_is_final():
    assert () == allowed_moves(Status.CLOSED)


def test_open_statuses_are_the_unresolved_ones():
    assert {Status.INVESTIGATING, Status.IDENTIFIED, Status.MONITORING} == OPEN_STATUSES


def test_effects_are_the_listed_ones():
    actual = [
        (m.value, e.sets, e.fills, e.clears, e.text, e.records, e.text_required)
        for m, e in EFFECTS.items()
    ]

    assert [
        ("identify", (), (), (), "cause", "note", False),
        ("mitigate", ("mitigated_at",), (), (), "how", "mitigation", False),
        ("resolve", ("resolved_at",), ("mitigated_at",), (), "summary", "note", False),
        ("close", ("closed_at",), (), (), None, "note", False),
        ("reopen", (), (), ("mitigated_at", "resolved_at"), "reason", "note", True),
    ] == actual


def test_status_milestones_are_the_listed_ones():
    actual = [(s.value, r.needs, r.forbids) for s, r in STATUS_MILESTONES.items()]

    restored = ("mitigated_at", "resolved_at", "closed_at")
    assert [
        ("investigating", (), restored),
        ("identified", (), restored),
        ("monitoring", ("mitigated_at",), ("resolved_at", "closed_at")),
        ("resolved", ("mitigated_at", "resolved_at"), ("closed_at",)),
        ("closed", restored, ()),
    ] == actual


@pytest.mark.parametrize(("source", "move", "target"), EDGES)
def test_every_edge_leads_from_valid_milestones_to_valid_milestones(
    source, move, target
):
    # Milestones that fit the source status; the move's effect must fit the target.
    rule = STATUS_MILESTONES[Status(source)]
    milestones = dict.fromkeys(MILESTONES)
    milestones.update(dict.fromkeys(rule.needs, T0))
    check_status_milestones(Status(source), milestones)
    effect = EFFECTS[Move(move)]
    milestones.update(dict.fromkeys(effect.clears))
    milestones.update(dict.fromkeys(effect.sets, T0 + MIN))
    for name in effect.fills:
        milestones[name] = milestones[name] or T0 + MIN

    check_status_milestones(Status(target), milestones)


@pytest.mark.parametrize(
    ("status", "milestone"),
    [
        ("investigating", "mitigated_at"),
        ("identified", "mitigated_at"),
        ("monitoring", "resolved_at"),
        ("resolved", "closed_at"),
    ],
)
def test_a_stored_incident_may_not_hold_a_milestone_its_status_forbids(
    status, milestone
):
    fields: dict[str, Any] = {"mitigated_at": T0, "resolved_at": T0, "closed_at": T0}
    needed = STATUS_MILESTONES[Status(status)].needs
    kept = {name: fields[name] for name in (*needed, milestone)}

    with pytest.raises(ValidationError, match=f"'{milestone}' must be None while"):
        Incident(id="x", title="t", severity=Severity.P3, status=Status(status), **kept)


def test_state_diagram_has_exactly_the_listed_edges():
    lines = state_diagram().splitlines()

    assert [
        "stateDiagram-v2",
        "    [*] --> investigating: declare",
        *(f"    {s} --> {t}: {m}" for s, m, t in EDGES),
        "    closed --> [*]",
    ] == lines


@pytest.mark.parametrize(
    ("text", "move"),
    [("mitigate", Move.MITIGATE), (" Resolve ", Move.RESOLVE), ("CLOSE", Move.CLOSE)],
)
def test_move_parse_reads_names_in_any_case(text, move):
    assert move is Move.parse(text)


@pytest.mark.parametrize("bad", ["", "closed", "re-open", 3, None])
def test_move_parse_refuses_anything_else_naming_move(bad):
    with pytest.raises(ValidationError, match=r"^'move' must be a Move or one of"):
        Move.parse(bad)
