import datetime as dt
from typing import Any

import attrs
import pytest
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from incidentkit import (
    MILESTONES,
    TRANSITIONS,
    Audience,
    Incident,
    InvalidTransition,
    MilestoneOrderError,
    Move,
    Role,
    RoleConflict,
    Severity,
    Status,
    ValidationError,
    serialization,
)
from incidentkit.timeline import (
    Acknowledged,
    Declared,
    MitigationApplied,
    Note,
    RoleAssigned,
    RoleHandedOff,
    RoleRelieved,
    SeverityChanged,
    StatusChanged,
    StatusUpdatePosted,
)


UTC = dt.timezone.utc
T0 = dt.datetime(2024, 6, 1, 14, 0, tzinfo=UTC)
MIN = dt.timedelta(minutes=1)
IC, OPS, COMMS = Role.INCIDENT_COMMANDER, Role.OPERATIONS_LEAD, Role.COMMUNICATIONS_LEAD


def declare(**kwargs):
    defaults = {"severity": Severity.P2, "at": T0, "declared_by": "ana"}
    return Incident.declare("Checkout errors", **{**defaults, **kwargs})


class TestDeclare:
    def test_the_declarer_takes_command(self):
        inc = declare(service="checkout", category="bad-deploy")

        assert "ana" == inc.commander
        assert Status.INVESTIGATING is inc.status
        assert (T0, T0, None) == (inc.declared_at, inc.detected_at, inc.started_at)
        assert ("checkout", "bad-deploy") == (inc.service, inc.category)
        assert [Declared, RoleAssigned] == [type(e) for e in inc.timeline]
        assert inc.is_open

    def test_someone_else_can_be_named_commander(self):
        inc = declare(commander="lee")

        assert "lee" == inc.commander
        assert "ana" == inc.timeline[1].by

    def test_the_id_is_derived_deterministically(self):
        assert "20240601-140000-checkout-errors" == declare().id
        assert declare().id == declare().id
        assert "INC-42" == declare(id="INC-42").id

    def test_the_id_of_a_title_without_letters(self):
        assert (
            "20240601-140000-incident"
            == Incident.declare(
                "!!!", severity=Severity.P3, at=T0, declared_by="ana"
            ).id
        )

    def test_detection_and_start_may_precede_declaration(self):
        inc = declare(started_at=T0 - 20 * MIN, detected_at=T0 - 5 * MIN, at=T0)

        assert (T0 - 20 * MIN, T0 - 5 * MIN) == (inc.started_at, inc.detected_at)

    def test_declaring_before_detection_is_an_error(self):
        with pytest.raises(
            MilestoneOrderError, match=r"'declared_at' must not be before 'detected_at'"
        ):
            declare(detected_at=T0 + MIN)

    def test_severity_may_be_given_as_text(self):
        assert Severity.P1 is declare(severity="P1").severity

    def test_naive_times_are_errors(self):
        with pytest.raises(ValidationError, match=r"'at' must be a timezone-aware"):
            declare(at=dt.datetime(2024, 6, 1))
        with pytest.raises(ValidationError, match=r"'detected_at' must be a timezone"):
            declare(detected_at=dt.datetime(2024, 6, 1))

    def test_labels_are_frozen_and_hashable(self):
        inc = declare(labels={"team": "payments"})

        assert {"team": "payments"} == inc.labels
        with pytest.raises(TypeError):
            inc.labels["team"] = "x"
        assert hash(inc) == hash(declare(labels={"team": "payments"}))

    def test_labels_must_be_strings(self):
        with pytest.raises(
            ValidationError,
            match=r"'labels' must be a mapping of strings to strings "
            r"\(got \{'n': 1\}\)",
        ):
            declare(labels={"n": 1})


class TestScenario:
    """The chat-ops bot of SCENARIOS.md."""

    def test_the_bots_lines(self):
        inc = Incident.declare(
            "Checkout errors",
            severity=Severity.P2,
            service="checkout",
            detected_at=T0,
            declared_by="ana",
            at=T0 + 2 * MIN,
        )
        inc = inc.assign(OPS, "raj", at=T0 + 3 * MIN)
        inc = inc.escalate(
            Severity.P1, at=T0 + 9 * MIN, reason="payments failing at peak"
        )
        inc = inc.mitigate(at=T0 + 41 * MIN, how="rolled back release 2024.06.1")

        assert Severity.P1 is inc.severity
        assert Status.MONITORING is inc.status
        assert inc.mitigated_at is not None
        assert inc.detected_at is not None
        assert 41 * MIN == inc.mitigated_at - inc.detected_at
        assert "raj" == inc.holder(OPS)
        changed = inc.timeline.of_kind(SeverityChanged)[0]
        assert (Severity.P2, Severity.P1, "payments failing at peak") == (
            changed.old,
            changed.new,
            changed.reason,
        )
        assert "rolled back release 2024.06.1" == (
            inc.timeline.of_kind(MitigationApplied)[0].action
        )


class TestLifecycle:
    def test_full_path_sets_every_milestone_and_event(self):
        inc = (
            declare()
            .acknowledge(at=T0 + MIN, by="raj")
            .identify(at=T0 + 5 * MIN, cause="pool exhausted")
            .mitigate(at=T0 + 10 * MIN)
            .resolve(at=T0 + 60 * MIN, summary="leak fixed")
            .close(at=T0 + 3 * 24 * 60 * MIN)
        )

        assert Status.CLOSED is inc.status
        assert (T0 + MIN, T0 + 10 * MIN, T0 + 60 * MIN) == (
            inc.acknowledged_at,
            inc.mitigated_at,
            inc.resolved_at,
        )
        statuses = [(e.old, e.new) for e in inc.timeline.of_kind(StatusChanged)]
        assert [
            (Status.INVESTIGATING, Status.IDENTIFIED),
            (Status.IDENTIFIED, Status.MONITORING),
            (Status.MONITORING, Status.RESOLVED),
            (Status.RESOLVED, Status.CLOSED),
        ] == statuses
        assert ["pool exhausted", "leak fixed"] == [
            e.text for e in inc.timeline.of_kind(Note)
        ]
        assert not inc.is_open

    def test_changes_leave_the_original_untouched(self):
        inc = declare()

        inc.mitigate(at=T0 + MIN)

        assert Status.INVESTIGATING is inc.status
        assert inc.mitigated_at is None

    def test_resolving_directly_also_marks_service_restored(self):
        inc = declare().resolve(at=T0 + 5 * MIN)

        assert T0 + 5 * MIN == inc.mitigated_at

    def test_resolving_keeps_an_earlier_mitigation_time(self):
        inc = declare().mitigate(at=T0 + MIN).resolve(at=T0 + 5 * MIN)

        assert T0 + MIN == inc.mitigated_at

    def test_reopening_clears_restoration_and_keeps_history(self):
        inc = declare().mitigate(at=T0 + MIN).resolve(at=T0 + 2 * MIN)

        inc = inc.reopen(at=T0 + 3 * MIN, reason="errors are back")

        assert Status.INVESTIGATING is inc.status
        assert (None, None) == (inc.mitigated_at, inc.resolved_at)
        assert "errors are back" == inc.timeline.last(Note).text
        assert 3 == len(inc.timeline.of_kind(StatusChanged))

    def test_illegal_move_names_status_move_and_allowed_moves(self):
        inc = declare().mitigate(at=T0 + MIN)

        with pytest.raises(
            InvalidTransition,
            match=r"cannot identify an incident that is monitoring "
            r"\(allowed: resolve, reopen\)",
        ):
            inc.identify(at=T0 + 2 * MIN)

    def test_closed_is_final(self):
        inc = declare().resolve(at=T0 + MIN).close(at=T0 + 2 * MIN)

        with pytest.raises(InvalidTransition, match="it is final"):
            inc.reopen(at=T0 + 3 * MIN, reason="x")

    def test_a_move_before_the_last_move_is_an_error(self):
        inc = declare().identify(at=T0 + 10 * MIN)

        with pytest.raises(
            ValidationError, match=r"'at' must not be before the last lifecycle change"
        ):
            inc.mitigate(at=T0 + 5 * MIN)

    def test_an_incident_may_be_declared_after_it_was_mitigated(self):
        inc = declare(detected_at=T0 - 10 * MIN).mitigate(at=T0 - 5 * MIN)

        assert (T0 - 5 * MIN, T0) == (inc.mitigated_at, inc.declared_at)
        assert StatusChanged is type(inc.timeline[0])

    def test_a_move_before_detection_is_still_refused(self):
        with pytest.raises(MilestoneOrderError, match="'mitigated_at' must not be"):
            declare().mitigate(at=T0 - MIN)

    def test_a_move_before_detection_is_a_milestone_error(self):
        inc = Incident(id="x", title="t", severity=Severity.P3, detected_at=T0)

        with pytest.raises(
            MilestoneOrderError,
            match=r"'mitigated_at' must not be before 'detected_at'",
        ):
            inc.mitigate(at=T0 - MIN)

    @pytest.mark.parametrize("move", list(Move))
    def test_apply_makes_the_named_move(self, move):
        inc = declare()
        start = {
            Move.IDENTIFY: inc,
            Move.MITIGATE: inc,
            Move.RESOLVE: inc,
            Move.CLOSE: inc.resolve(at=T0 + MIN),
            Move.REOPEN: inc.resolve(at=T0 + MIN),
        }[move]

        reason = "it came back" if move is Move.REOPEN else None
        moved = start.apply(move, at=T0 + 2 * MIN, reason=reason)

        assert TRANSITIONS[start.status][move] is moved.status
        assert move in start.allowed_moves


class TestPeople:
    def test_assign_records_tenure_and_event(self):
        inc = declare().assign(COMMS, "lee", at=T0 + MIN, by="ana")

        assert "lee" == inc.holder(COMMS)
        event = inc.timeline.last(RoleAssigned)
        assert (COMMS, "lee", "ana") == (event.role, event.person, event.by)

    def test_assigning_a_held_role_is_a_conflict(self):
        with pytest.raises(
            RoleConflict, match=r"role 'incident_commander' is held by 'ana'"
        ):
            declare().assign(IC, "raj", at=T0 + MIN)

    def test_hand_off_relieves_the_previous_holder(self):
        inc = declare().hand_off(IC, "lee", at=T0 + 30 * MIN)

        assert "lee" == inc.commander
        assert "ana" == inc.holder(IC, at=T0 + 29 * MIN)
        event = inc.timeline.last(RoleHandedOff)
        assert ("ana", "lee") == (event.from_person, event.to_person)

    def test_hand_off_to_the_holder_is_an_error(self):
        with pytest.raises(
            ValidationError, match=r"'to' must be somebody other than 'ana'"
        ):
            declare().hand_off(IC, "ana", at=T0 + MIN)

    def test_hand_off_of_an_unheld_role_is_an_error(self):
        with pytest.raises(ValidationError, match=r"use assign\(\)"):
            declare().hand_off(OPS, "raj", at=T0 + MIN)

    def test_relieve_without_successor(self):
        inc = (
            declare()
            .assign(Role("scribe"), "mo", at=T0)
            .relieve(Role("scribe"), at=T0 + MIN)
        )

        assert inc.holder(Role("scribe")) is None
        assert "mo" == inc.timeline.last(RoleRelieved).person

    def test_the_commander_is_relieved_only_by_hand_off(self):
        with pytest.raises(ValidationError, match=r"use hand_off\(\)"):
            declare().relieve(IC, at=T0 + MIN)

    def test_relieving_an_unheld_role_is_an_error(self):
        with pytest.raises(
            ValidationError, match="'role' must be a role somebody holds"
        ):
            declare().relieve(OPS, at=T0 + MIN)

    def test_roles_change_only_while_open(self):
        inc = declare().resolve(at=T0 + MIN)

        with pytest.raises(
            InvalidTransition,
            match="cannot assign a role on an incident that is resolved",
        ):
            inc.assign(OPS, "raj", at=T0 + 2 * MIN)

    def test_a_role_cannot_be_taken_while_someone_held_it(self):
        inc = declare().assign(OPS, "raj", at=T0 + 3 * MIN)
        inc = inc.relieve(OPS, at=T0 + 10 * MIN)

        with pytest.raises(
            RoleConflict,
            match=r"role 'operations_lead' was held by 'raj' until "
            r"2024-06-01T14:10:00\+00:00; 'bob' cannot take it before then",
        ):
            inc.assign(OPS, "bob", at=T0 + 5 * MIN)

    def test_a_role_can_be_taken_again_once_free(self):
        inc = declare().assign(OPS, "raj", at=T0 + 3 * MIN)
        inc = inc.relieve(OPS, at=T0 + 10 * MIN).assign(OPS, "bob", at=T0 + 10 * MIN)

        assert "bob" == inc.holder(OPS)
        assert "raj" == inc.holder(OPS, at=T0 + 9 * MIN)

    def test_overlapping_past_tenures_are_refused_at_construction(self):
        from incidentkit import RoleAssignment

        with pytest.raises(RoleConflict, match="was held by 'a' until"):
            Incident(
                id="x",
                title="t",
                severity=Severity.P3,
                roles=(
                    RoleAssignment(OPS, "b", T0 + MIN, T0 + 3 * MIN),
                    RoleAssignment(OPS, "a", T0, T0 + 2 * MIN),
                ),
            )

    def test_two_current_holders_are_refused_at_construction(self):
        from incidentkit import RoleAssignment

        with pytest.raises(RoleConflict):
            Incident(
                id="x",
                title="t",
                severity=Severity.P3,
                roles=(RoleAssignment(IC, "a", T0), RoleAssignment(IC, "b", T0)),
            )

    def test_roles_must_be_assignments(self):
        with pytest.raises(
            ValidationError, match=r"'roles' must be a sequence of RoleAssignment"
        ):
            Incident(id="x", title="t", severity=Severity.P3, roles=("ana",))  # type: ignore[arg-type]

    def test_check_roles_sees_the_commander_mitigating_on_p1(self):
        inc = declare(severity=Severity.P1).assign(COMMS, "lee", at=T0)
        inc = inc.record_mitigation("restarted pods", at=T0 + MIN, by="ana")

        assert ["commander-hands-on"] == [f.code for f in inc.check_roles(T0 + 2 * MIN)]
        assert inc.id == inc.check_roles(T0 + 2 * MIN)[0].subject


class TestSeverity:
    def test_escalate_and_downgrade(self):
        inc = (
            declare()
            .escalate(Severity.P1, at=T0 + MIN)
            .downgrade(Severity.P3, at=T0 + 2 * MIN)
        )

        assert Severity.P3 is inc.severity
        assert 2 == len(inc.timeline.of_kind(SeverityChanged))

    def test_escalate_must_raise(self):
        with pytest.raises(
            ValidationError, match=r"'severity' must be a level more severe than P2"
        ):
            declare().escalate(Severity.P3, at=T0 + MIN)

    def test_downgrade_must_lower(self):
        with pytest.raises(
            ValidationError, match=r"'severity' must be a level less severe than P2"
        ):
            declare().downgrade(Severity.P1, at=T0 + MIN)

    def test_change_must_change(self):
        with pytest.raises(ValidationError, match=r"a level other than the current P2"):
            declare().change_severity(Severity.P2, at=T0 + MIN)

    def test_only_while_open(self):
        with pytest.raises(InvalidTransition, match="cannot change the severity of"):
            declare().resolve(at=T0 + MIN).change_severity(Severity.P1, at=T0 + 2 * MIN)


class TestRecords:
    @pytest.mark.parametrize(
        ("second", "acknowledged_at"),
        [
            # A later acknowledgement only adds an event.
            (T0 + 5 * MIN, T0 + 2 * MIN),
            # One recorded late but made earlier (a delayed webhook) moves it back.
            (T0 + MIN, T0 + MIN),
        ],
        ids=["second-is-later", "second-is-earlier"],
    )
    def test_the_earliest_acknowledgement_wins(self, second, acknowledged_at):
        inc = declare().acknowledge(at=T0 + 2 * MIN, by="raj")

        inc = inc.acknowledge(at=second, by="lee")

        assert acknowledged_at == inc.acknowledged_at
        assert {(T0 + 2 * MIN, "raj"), (second, "lee")} == {
            (e.at, e.by) for e in inc.timeline.of_kind(Acknowledged)
        }

    def test_post_update_records_the_promise(self):
        inc = declare().post_update(
            Audience.PUBLIC, "Investigating", at=T0 + MIN, next_update_at=T0 + 31 * MIN
        )

        update = inc.timeline.last(StatusUpdatePosted)
        assert (Audience.PUBLIC, T0 + 31 * MIN) == (
            update.audience,
            update.next_update_at,
        )

    def test_next_update_must_be_later(self):
        with pytest.raises(
            ValidationError, match=r"'next_update_at' must be a time after"
        ):
            declare().post_update(
                Audience.INTERNAL, "x", at=T0 + MIN, next_update_at=T0
            )

    def test_note(self):
        assert "hi" == declare().note("hi", at=T0).timeline.last(Note).text


class TestInvariants:
    def test_milestone_names(self):
        assert (
            "started_at",
            "detected_at",
            "declared_at",
            "acknowledged_at",
            "mitigated_at",
            "resolved_at",
            "closed_at",
        ) == MILESTONES
        assert T0 == declare().milestone("declared_at")

    def test_unknown_milestone(self):
        with pytest.raises(ValidationError, match=r"'name' must be one of started_at"):
            declare().milestone("fixed_at")

    @pytest.mark.parametrize(
        ("earlier", "later"),
        [
            ("started_at", "detected_at"),
            ("detected_at", "mitigated_at"),
            ("mitigated_at", "resolved_at"),
            ("resolved_at", "closed_at"),
            ("started_at", "closed_at"),
            ("detected_at", "acknowledged_at"),
        ],
    )
    def test_out_of_order_pairs_name_both(self, earlier, later):
        chain = [
            "started_at",
            "detected_at",
            "mitigated_at",
            "resolved_at",
            "closed_at",
        ]
        values: dict[str, Any] = {name: T0 + i * MIN for i, name in enumerate(chain)}
        values[later] = values[earlier] - MIN
        values["status"] = Status.CLOSED

        with pytest.raises(MilestoneOrderError) as info:
            Incident(id="x", title="t", severity=Severity.P3, **values)

        assert (earlier, later) == (info.value.earlier, info.value.later)

    def test_acknowledged_before_start_when_detection_unknown(self):
        with pytest.raises(
            MilestoneOrderError,
            match="'acknowledged_at' must not be before 'started_at'",
        ):
            Incident(
                id="x",
                title="t",
                severity=Severity.P3,
                started_at=T0,
                acknowledged_at=T0 - MIN,
            )

    @pytest.mark.parametrize(
        ("status", "missing"),
        [
            (Status.MONITORING, "mitigated_at"),
            (Status.RESOLVED, "mitigated_at"),
            (Status.CLOSED, "mitigated_at"),
        ],
    )
    def test_status_needs_its_milestones(self, status, missing):
        with pytest.raises(
            ValidationError, match=rf"'{missing}' must be set when the status is"
        ):
            Incident(id="x", title="t", severity=Severity.P3, status=status)

    def test_resolved_needs_resolved_at(self):
        with pytest.raises(
            ValidationError,
            match="'resolved_at' must be set when the status is resolved",
        ):
            Incident(
                id="x",
                title="t",
                severity=Severity.P3,
                status=Status.RESOLVED,
                mitigated_at=T0,
            )

    def test_open_incident_cannot_be_resolved(self):
        with pytest.raises(
            ValidationError,
            match="'resolved_at' must be None while the status is identified",
        ):
            Incident(
                id="x",
                title="t",
                severity=Severity.P3,
                status=Status.IDENTIFIED,
                resolved_at=T0,
            )

    def test_fields_are_validated(self):
        with pytest.raises(
            ValidationError, match=r"'title' must be a non-empty string"
        ):
            Incident(id="x", title="", severity=Severity.P3)
        with pytest.raises(ValidationError, match=r"'severity' must be a Severity"):
            Incident(id="x", title="t", severity="P1")  # type: ignore[arg-type]
        with pytest.raises(
            ValidationError, match=r"'service' must be a non-empty string"
        ):
            Incident(id="x", title="t", severity=Severity.P3, service="")


class IncidentMachine(RuleBasedStateMachine):
    """No sequence of legal moves breaks an incident's invariants."""

    def __init__(self) -> None:
        super().__init__()
        self.inc = declare(started_at=T0 - 5 * MIN)
        self.now = T0

    def tick(self, minutes: int) -> dt.datetime:
        self.now = self.now + minutes * MIN
        return self.now

    def attempt(self, change):
        # A deep snapshot: a refused change must leave the old value as it was.
        before = serialization.dumps(self.inc)
        try:
            self.inc = change()
        except InvalidTransition as exc:
            status = exc.status
            assert before == serialization.dumps(self.inc)
            assert status == self.inc.status.value
        except (RoleConflict, ValidationError):
            assert before == serialization.dumps(self.inc)

    @rule(minutes=st.integers(0, 90), move=st.sampled_from(Move))
    def lifecycle(self, minutes, move):
        at = self.tick(minutes)
        self.attempt(lambda: self.inc.apply(move, at=at))

    @rule(minutes=st.integers(0, 30), severity=st.sampled_from(Severity))
    def severity(self, minutes, severity):
        at = self.tick(minutes)
        self.attempt(lambda: self.inc.change_severity(severity, at=at))

    @rule(
        minutes=st.integers(0, 30),
        role=st.sampled_from([IC, OPS, COMMS, Role("scribe")]),
        person=st.sampled_from(["ana", "raj", "lee"]),
        how=st.sampled_from(["assign", "hand_off", "relieve"]),
    )
    def people(self, minutes, role, person, how):
        at = self.tick(minutes)
        if how == "assign":
            self.attempt(lambda: self.inc.assign(role, person, at=at))
        elif how == "hand_off":
            self.attempt(lambda: self.inc.hand_off(role, person, at=at))
        else:
            self.attempt(lambda: self.inc.relieve(role, at=at))

    @rule(minutes=st.integers(0, 30))
    def records(self, minutes):
        at = self.tick(minutes)
        self.attempt(lambda: self.inc.acknowledge(at=at))
        self.attempt(lambda: self.inc.post_update(Audience.INTERNAL, "update", at=at))

    @precondition(lambda self: self.inc.is_open)
    @rule(minutes=st.integers(0, 30))
    def mitigation_attempt(self, minutes):
        at = self.tick(minutes)
        self.inc = self.inc.record_mitigation("restart", at=at, by="raj")

    @invariant()
    def milestones_in_order(self):
        chain = [
            self.inc.milestone(n)
            for n in (
                "started_at",
                "detected_at",
                "mitigated_at",
                "resolved_at",
                "closed_at",
            )
        ]
        present = [t for t in chain if t is not None]
        assert present == sorted(present)

    @invariant()
    def status_matches_the_last_status_event(self):
        last = self.inc.timeline.last(StatusChanged)
        assert (last.new if last else Status.INVESTIGATING) is self.inc.status

    @invariant()
    def status_and_milestones_agree(self):
        status = self.inc.status
        assert (self.inc.mitigated_at is not None) >= (
            status in {Status.MONITORING, Status.RESOLVED, Status.CLOSED}
        )
        assert (self.inc.resolved_at is not None) == (
            status in {Status.RESOLVED, Status.CLOSED}
        )
        assert (self.inc.closed_at is not None) == (status is Status.CLOSED)

    @invariant()
    def always_exactly_one_commander(self):
        assert self.inc.commander is not None
        current = [a for a in self.inc.roles if a.role == IC and a.is_current]
        assert 1 == len(current)

    @invariant()
    def timeline_is_sorted(self):
        times = [e.at for e in self.inc.timeline]
        assert times == sorted(times)

    @invariant()
    def rebuilding_from_fields_gives_an_equal_incident(self):
        assert self.inc == attrs.evolve(self.inc)


TestIncidentMachine = IncidentMachine.TestCase
