import pytest

from incidentkit import TRANSITIONS, InvalidTransition, Move, Status
from incidentkit._lifecycle import next_status
from incidentkit.incident import OPEN_STATUSES, allowed_moves, state_diagram


def test_the_happy_path_is_in_the_table():
    path = [
        (Status.INVESTIGATING, Move.IDENTIFY, Status.IDENTIFIED),
        (Status.IDENTIFIED, Move.MITIGATE, Status.MONITORING),
        (Status.MONITORING, Move.RESOLVE, Status.RESOLVED),
        (Status.RESOLVED, Move.CLOSE, Status.CLOSED),
    ]

    for status, move, target in path:
        assert target is next_status(status, move)


def test_every_status_is_in_the_table():
    assert set(Status) == set(TRANSITIONS)


def test_closed_is_final():
    assert () == allowed_moves(Status.CLOSED)


def test_reopening_returns_to_investigating():
    assert Status.INVESTIGATING is next_status(Status.RESOLVED, Move.REOPEN)
    assert Status.INVESTIGATING is next_status(Status.MONITORING, Move.REOPEN)


def test_open_statuses_are_the_unresolved_ones():
    assert {Status.INVESTIGATING, Status.IDENTIFIED, Status.MONITORING} == OPEN_STATUSES


@pytest.mark.parametrize("status", list(Status))
@pytest.mark.parametrize("move", list(Move))
def test_every_move_not_in_the_table_is_refused_naming_the_allowed(status, move):
    if move in TRANSITIONS[status]:
        assert TRANSITIONS[status][move] is next_status(status, move)
        return
    with pytest.raises(InvalidTransition) as info:
        next_status(status, move)

    assert (status.value, move.value) == (info.value.status, info.value.move)
    assert tuple(m.value for m in TRANSITIONS[status]) == info.value.allowed


def test_state_diagram_has_exactly_the_table_edges():
    lines = state_diagram().splitlines()
    edges = {
        tuple(line.strip().replace(" --> ", "|").replace(": ", "|").split("|"))
        for line in lines[1:]
    }
    expected: set[tuple[str, ...]] = {
        (status.value, target.value, move.value)
        for status, moves in TRANSITIONS.items()
        for move, target in moves.items()
    }
    expected |= {("[*]", "investigating", "declare"), ("closed", "[*]")}

    assert "stateDiagram-v2" == lines[0]
    assert expected == edges
