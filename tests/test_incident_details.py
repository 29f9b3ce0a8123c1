"""Details users rely on: who did what, which field an error names, exact edges."""

import datetime as dt
import json

import cattrs
import pytest

from incidentkit import (
    DEFAULT_POLICIES,
    Audience,
    Incident,
    MilestoneOrderError,
    Move,
    Role,
    RoleAssignment,
    RoleConflict,
    Severity,
    Status,
    ValidationError,
    check_roles,
    serialization,
)
from incidentkit.timeline import (
    Acknowledged,
    Event,
    Note,
    RoleAssigned,
    SeverityChanged,
    Timeline,
)


UTC = dt.timezone.utc
T0 = dt.datetime(2024, 6, 1, 14, 0, tzinfo=UTC)
MIN = dt.timedelta(minutes=1)
NAIVE = dt.datetime(2024, 6, 1, 14, 30)
OPS = Role.OPERATIONS_LEAD


def declare(**kwargs):
    return Incident.declare(
        "Checkout errors", severity=Severity.P2, at=T0, declared_by="ana", **kwargs
    )


def added(before, after):
    """The events *after* has that *before* has not, as (kind, by) pairs."""
    return [(e.kind, e.by) for e in after.timeline][len(before.timeline) :]


class TestWhoDidIt:
    def test_declare_records_the_declarer_on_both_events(self):
        inc = declare(commander="lee")

        assert [("declared", "ana"), ("role_assigned", "ana")] == added(
            Incident(id="x", title="t", severity=Severity.P3), inc
        )
        assert "lee" == inc.commander

    @pytest.mark.parametrize(
        ("change", "kinds"),
        [
            (lambda i: i.assign(OPS, "raj", at=T0 + MIN, by="kim"), ["role_assigned"]),
            (
                lambda i: i.hand_off(
                    Role.INCIDENT_COMMANDER, "lee", at=T0 + MIN, by="kim"
                ),
                ["role_handed_off"],
            ),
            (
                lambda i: i.assign(OPS, "raj", at=T0).relieve(
                    OPS, at=T0 + MIN, by="kim"
                ),
                ["role_relieved"],
            ),
            (
                lambda i: i.escalate(Severity.P1, at=T0 + MIN, reason="r", by="kim"),
                ["severity_changed"],
            ),
            (
                lambda i: i.downgrade(Severity.P3, at=T0 + MIN, reason="r", by="kim"),
                ["severity_changed"],
            ),
            (lambda i: i.acknowledge(at=T0 + MIN, by="kim"), ["acknowledged"]),
            (
                lambda i: i.post_update(Audience.PUBLIC, "x", at=T0 + MIN, by="kim"),
                ["status_update_posted"],
            ),
            (lambda i: i.note("x", at=T0 + MIN, by="kim"), ["note"]),
            (
                lambda i: i.record_mitigation("x", at=T0 + MIN, by="kim"),
                ["mitigation_applied"],
            ),
            (
                lambda i: i.identify(at=T0 + MIN, cause="c", by="kim"),
                ["status_changed", "note"],
            ),
            (
                lambda i: i.mitigate(at=T0 + MIN, how="h", by="kim"),
                ["mitigation_applied", "status_changed"],
            ),
            (
                lambda i: i.resolve(at=T0 + MIN, summary="s", by="kim"),
                ["status_changed", "note"],
            ),
        ],
    )
    def test_every_change_records_who_made_it(self, change, kinds):
        inc = declare()
        if kinds == ["role_relieved"]:
            inc = inc.assign(OPS, "raj", at=T0)

        changed = change(declare())

        assert [(kind, "kim") for kind in kinds] == added(
            inc if kinds == ["role_relieved"] else declare(), changed
        )[-len(kinds) :]

    def test_close_and_reopen_record_who_made_them(self):
        resolved = declare().resolve(at=T0 + MIN)

        closed = resolved.close(at=T0 + 2 * MIN, by="kim")
        reopened = resolved.reopen(at=T0 + 2 * MIN, reason="back", by="kim")

        assert [("status_changed", "kim")] == added(resolved, closed)
        assert [("status_changed", "kim"), ("note", "kim")] == added(resolved, reopened)

    @pytest.mark.parametrize("move", list(Move))
    def test_apply_records_who_made_the_move(self, move):
        start = (
            declare()
            if move is not Move.CLOSE and move is not Move.REOPEN
            else (declare().resolve(at=T0))
        )
        text = {"reason": "back"} if move is Move.REOPEN else {}

        moved = start.apply(move.value, at=T0 + MIN, by="kim", **text)

        assert {"kim"} == {by for _, by in added(start, moved)}


class TestErrorsNameTheField:
    @pytest.mark.parametrize(
        "call",
        [
            lambda i: i.mitigate(at=NAIVE),
            lambda i: i.resolve(at=NAIVE),
            lambda i: i.resolve(at=T0).close(at=NAIVE),
            lambda i: i.acknowledge(at=NAIVE),
            lambda i: i.assign(OPS, "raj", at=NAIVE),
            lambda i: i.note("x", at=NAIVE),
        ],
    )
    def test_a_naive_time_names_at(self, call):
        with pytest.raises(ValidationError) as info:
            call(declare())

        assert ("at", NAIVE) == (info.value.field, info.value.got)

    def test_an_earlier_move_names_at_with_both_times(self):
        inc = declare().identify(at=T0 + 10 * MIN)

        with pytest.raises(ValidationError) as info:
            inc.mitigate(at=T0 + 5 * MIN)

        assert ("at", T0 + 5 * MIN) == (info.value.field, info.value.got)
        assert "a time at or after 2024-06-01T14:10:00+00:00" == info.value.expected

    @pytest.mark.parametrize(
        ("call", "field", "got"),
        [
            (lambda i: i.hand_off(OPS, "raj", at=T0), "role", "operations_lead"),
            (lambda i: i.hand_off(Role.INCIDENT_COMMANDER, "ana", at=T0), "to", "ana"),
            (lambda i: i.relieve(OPS, at=T0), "role", "operations_lead"),
            (
                lambda i: i.relieve(Role.INCIDENT_COMMANDER, at=T0),
                "role",
                "incident_commander",
            ),
            (lambda i: i.change_severity(Severity.P2, at=T0), "severity", Severity.P2),
            (lambda i: i.escalate(Severity.P3, at=T0), "severity", Severity.P3),
            (lambda i: i.downgrade(Severity.P1, at=T0), "severity", Severity.P1),
            (lambda i: i.milestone("fixed_at"), "name", "fixed_at"),
        ],
    )
    def test_each_refusal_names_the_field_and_the_value(self, call, field, got):
        with pytest.raises(ValidationError) as info:
            call(declare())

        assert (field, got) == (info.value.field, info.value.got)

    def test_milestone_lists_the_names_it_takes(self):
        with pytest.raises(ValidationError) as info:
            declare().milestone("fixed_at")

        assert info.value.expected == (
            "one of started_at, detected_at, declared_at, acknowledged_at, "
            "mitigated_at, resolved_at, closed_at"
        )

    def test_a_closed_incident_says_which_change_was_refused(self):
        closed = declare().resolve(at=T0).close(at=T0 + MIN)

        for call, what in [
            (
                lambda: closed.hand_off(Role.INCIDENT_COMMANDER, "lee", at=T0),
                "hand off a role on",
            ),
            (lambda: closed.relieve(OPS, at=T0), "relieve a role on"),
            (lambda: closed.record_mitigation("x", at=T0), "record a mitigation on"),
        ]:
            with pytest.raises(
                Exception, match=f"cannot {what} an incident that is closed"
            ):
                call()

    def test_role_assignment_errors_name_their_fields(self):
        held = RoleAssignment(OPS, "raj", T0)

        with pytest.raises(ValidationError) as early:
            held.relieve(T0 - MIN)
        with pytest.raises(ValidationError) as naive:
            held.relieve(NAIVE)
        with pytest.raises(ValidationError) as asked:
            held.is_active_at(NAIVE)

        assert ("relieved_at", T0 - MIN) == (early.value.field, early.value.got)
        assert "a time at or after assumed_at" == early.value.expected
        assert ["at", "at"] == [naive.value.field, asked.value.field]

    def test_timeline_between_names_start_and_end(self):
        timeline = Timeline([Note(at=T0, text="x")])

        with pytest.raises(ValidationError) as start:
            timeline.between(NAIVE)
        with pytest.raises(ValidationError) as end:
            timeline.between(None, NAIVE)
        with pytest.raises(ValidationError) as event:
            timeline.add("note")  # type: ignore[arg-type]

        assert ["start", "end", "event"] == [
            start.value.field,
            end.value.field,
            event.value.field,
        ]
        assert "note" == event.value.got


class TestEdges:
    def test_a_move_at_the_same_instant_as_the_last_is_accepted(self):
        inc = declare().identify(at=T0 + MIN).mitigate(at=T0 + MIN)

        assert T0 + MIN == inc.mitigated_at

    def test_a_severity_change_at_the_same_instant_as_the_last_is_accepted(self):
        inc = declare().escalate(Severity.P1, at=T0).downgrade(Severity.P2, at=T0)

        assert Severity.P2 is inc.severity

    def test_a_next_update_due_at_the_posting_time_is_refused(self):
        with pytest.raises(ValidationError) as info:
            declare().post_update(Audience.PUBLIC, "x", at=T0, next_update_at=T0)

        assert ("next_update_at", T0) == (info.value.field, info.value.got)

    def test_a_mitigation_at_the_check_instant_counts_as_hands_on(self):
        inc = Incident.declare("Down", severity=Severity.P1, at=T0, declared_by="ana")
        inc = inc.record_mitigation("restart", at=T0 + MIN, by="ana")

        codes = [f.code for f in inc.check_roles(T0 + MIN)]

        assert "commander-hands-on" in codes

    def test_a_mitigation_by_a_former_commander_is_not_hands_on_command(self):
        inc = Incident.declare("Down", severity=Severity.P1, at=T0, declared_by="ana")
        inc = inc.hand_off(Role.INCIDENT_COMMANDER, "lee", at=T0 + MIN)
        inc = inc.record_mitigation("restart", at=T0 + 2 * MIN, by="ana")

        assert "commander-hands-on" not in [
            f.code for f in inc.check_roles(T0 + 3 * MIN)
        ]

    @pytest.mark.parametrize(
        ("title", "slug"),
        [
            (" -- Checkout -- errors -- ", "checkout-errors"),
            ("a" * 39 + " b", "a" * 39),
            ("!!!", "incident"),
            ("x" * 45, "x" * 40),
        ],
    )
    def test_the_derived_id_is_a_clean_slug_of_at_most_forty(self, title, slug):
        inc = Incident.declare(title, severity=Severity.P3, at=T0, declared_by="ana")

        assert f"20240601-140000-{slug}" == inc.id


class TestFindings:
    def test_each_finding_says_what_and_why_about_its_subject(self):
        p1 = Incident.declare(
            "Down", severity=Severity.P1, at=T0, declared_by="ana", id="INC-7"
        )
        p1 = p1.assign(OPS, "ana", at=T0)
        p2 = Incident.declare(
            "Slow", severity=Severity.P2, at=T0, declared_by="ana", id="INC-8"
        )

        found = [
            (f.code, f.level.value, f.subject, f.message) for f in p1.check_roles(T0)
        ]
        info = [
            (f.code, f.level.value, f.subject, f.message) for f in p2.check_roles(T0)
        ]

        assert [
            (
                "no-communications-lead",
                "error",
                "INC-7",
                (
                    "A P1 has no communications lead: stakeholder updates will "
                    "interrupt the people doing the technical work, or not happen."
                ),
            ),
            (
                "commander-hands-on",
                "warning",
                "INC-7",
                (
                    "ana is both incident commander and operations lead on a P1: "
                    "nobody is coordinating while the hands-on work goes on."
                ),
            ),
        ] == found
        assert [
            (
                "commander-owns-communications",
                "info",
                "INC-8",
                (
                    "No communications lead: the incident commander (ana) owns "
                    "stakeholder updates, as the process allows on smaller incidents."
                ),
            )
        ] == info

    def test_nobody_at_all_on_a_p2_is_two_errors_with_their_reasons(self):
        found = check_roles([], severity=Severity.P2, at=T0)

        assert [
            (
                "no-commander",
                (
                    "Nobody is in command: without an incident commander nobody "
                    "coordinates, delegates or keeps the overall picture."
                ),
                "",
            ),
            (
                "no-communications-lead",
                (
                    "A P2 has neither a communications lead nor a commander to absorb "
                    "the role: nobody owns stakeholder updates."
                ),
                "",
            ),
        ] == [(f.code, f.message, f.subject) for f in found]

    def test_a_mitigation_finding_names_the_person_and_the_time(self):
        inc = Incident.declare(
            "Down", severity=Severity.P1, at=T0, declared_by="ana", id="I"
        )
        inc = inc.record_mitigation("restart", at=T0 + MIN, by="ana")

        [hands_on] = [
            f for f in inc.check_roles(T0 + MIN) if f.code == "commander-hands-on"
        ]

        assert (
            "ana applied a mitigation at 2024-06-01T14:01:00+00:00 while incident "
            "commander on a P1: the commander should delegate hands-on work to the "
            "operations lead."
        ) == hands_on.message
        assert "I" == hands_on.subject


class TestWire:
    def test_a_converter_of_ones_own_refuses_unknown_keys(self):
        converter = serialization.make_converter()
        data = serialization.to_dict(RoleAssignment(OPS, "raj", T0))
        del data["schema_version"]

        with pytest.raises(cattrs.ClassValidationError) as info:
            converter.structure({**data, "since": "x"}, RoleAssignment)

        [extra] = info.value.exceptions
        assert isinstance(extra, cattrs.ForbiddenExtraKeysError)
        assert {"since"} == extra.extra_fields

    def test_whole_seconds_are_written_as_integers(self):
        text = serialization.dumps(DEFAULT_POLICIES[Severity.P1])

        assert '"first_update_within":300,' in text
        assert '"internal_update_every":1800,' in text

    def test_fractional_seconds_stay_exact(self):
        data = serialization.to_dict(DEFAULT_POLICIES[Severity.P1])
        data["first_update_within"] = 0.25

        policy = serialization.from_dict(data, type(DEFAULT_POLICIES[Severity.P1]))

        assert dt.timedelta(milliseconds=250) == policy.first_update_within
        assert 0.25 == serialization.to_dict(policy)["first_update_within"]

    def test_indent_pretty_prints_and_the_default_is_compact(self):
        inc = declare()

        assert '"schema_version": 1' in serialization.dumps(inc, indent=2)
        assert '"schema_version":1,' in serialization.dumps(inc)
        assert json.loads(serialization.dumps(inc, indent=2)) == serialization.to_dict(
            inc
        )

    def test_non_ascii_text_is_written_as_it_is(self):
        assert "Zahlungsausfälle" in serialization.dumps(
            declare(service="Zahlungsausfälle")
        )

    def test_an_event_is_written_with_its_kind(self):
        assert serialization.dumps(Note(at=T0, text="x")).startswith(
            '{"schema_version":1,"kind":"note",'
        )

    def test_write_jsonl_writes_utf8_whatever_the_locale(self, tmp_path):
        path = tmp_path / "out.jsonl"
        serialization.write_jsonl([declare(service="Zahlungsausfälle")], path)

        assert "Zahlungsausfälle".encode() in path.read_bytes()


class TestInvariantDetails:
    def test_a_hand_off_at_the_assignment_instant_loads_in_any_order(self):
        inc = declare().assign(OPS, "raj", at=T0 + MIN)
        inc = inc.hand_off(OPS, "kim", at=T0 + MIN)
        data = serialization.to_dict(inc)
        for order in (data["roles"], list(reversed(data["roles"]))):
            loaded = serialization.from_dict({**data, "roles": order}, Incident)

            assert "kim" == loaded.holder(OPS)

    def test_a_milestone_order_error_carries_both_names_and_values(self):
        with pytest.raises(MilestoneOrderError) as info:
            Incident(
                id="x",
                title="t",
                severity=Severity.P3,
                started_at=T0,
                detected_at=T0 - MIN,
            )

        assert ("started_at", T0, "detected_at", T0 - MIN) == (
            info.value.earlier,
            info.value.earlier_value,
            info.value.later,
            info.value.later_value,
        )

    @pytest.mark.parametrize(
        ("fields", "expected"),
        [
            (
                {"detected_at": T0, "acknowledged_at": T0 - MIN},
                ("detected_at", T0, "acknowledged_at", T0 - MIN),
            ),
            (
                {
                    "acknowledged_at": T0 + MIN,
                    "closed_at": T0,
                    "mitigated_at": T0,
                    "resolved_at": T0,
                    "status": "closed",
                },
                ("acknowledged_at", T0 + MIN, "closed_at", T0),
            ),
        ],
    )
    def test_declared_and_acknowledged_lie_between_detection_and_the_close(
        self, fields, expected
    ):
        if "status" in fields:
            fields = {**fields, "status": Status.CLOSED}
        with pytest.raises(MilestoneOrderError) as info:
            Incident(id="x", title="t", severity=Severity.P3, **fields)

        assert expected == (
            info.value.earlier,
            info.value.earlier_value,
            info.value.later,
            info.value.later_value,
        )

    def test_an_acknowledgement_at_the_close_is_allowed(self):
        inc = declare().resolve(at=T0 + MIN).close(at=T0 + 2 * MIN)

        assert T0 + 2 * MIN == inc.acknowledge(at=T0 + 2 * MIN).acknowledged_at

    def test_a_status_milestone_error_names_field_expectation_and_value(self):
        with pytest.raises(ValidationError) as missing:
            Incident(id="x", title="t", severity=Severity.P3, status=Status.MONITORING)
        with pytest.raises(ValidationError) as forbidden:
            Incident(id="x", title="t", severity=Severity.P3, mitigated_at=T0)

        assert (
            "mitigated_at",
            "a time, since the status is monitoring",
            None,
        ) == (missing.value.field, missing.value.expected, missing.value.got)
        assert (
            "mitigated_at",
            "None, since the status is investigating",
            T0,
        ) == (forbidden.value.field, forbidden.value.expected, forbidden.value.got)

    def test_two_open_tenures_of_one_role_name_both_people(self):
        with pytest.raises(RoleConflict) as info:
            Incident(
                id="x",
                title="t",
                severity=Severity.P3,
                roles=(
                    RoleAssignment(OPS, "raj", T0),
                    RoleAssignment(OPS, "kim", T0 + MIN),
                ),
            )

        assert ("operations_lead", "raj", "kim") == (
            info.value.role,
            info.value.holder,
            info.value.wanted,
        )

    def test_roles_that_are_not_assignments_are_named(self):
        with pytest.raises(ValidationError) as info:
            Incident(id="x", title="t", severity=Severity.P3, roles=("ana",))  # type: ignore[arg-type]

        assert ("roles", ("ana",)) == (info.value.field, info.value.got)


class TestTimelineDetails:
    def test_a_timeline_built_whole_knows_its_latest_event_of_each_kind(self):
        first, second = Note(at=T0, text="a"), Note(at=T0 + MIN, text="b")
        ack = Acknowledged(at=T0)
        timeline = Timeline([second, ack, first])

        assert second is timeline.last(Note)
        assert ack is timeline.last(Acknowledged)
        assert first is timeline.first(Note)
        assert None is timeline.last(RoleAssigned)
        assert second is timeline.last(Event)

    def test_last_of_a_base_class_picks_the_latest_of_its_kinds(self):
        timeline = Timeline([Acknowledged(at=T0 + MIN), Note(at=T0, text="a")])

        assert "acknowledged" == timeline.last(Event).kind  # type: ignore[union-attr]

    @pytest.mark.parametrize("events", ["notes", 5, {"a": 1}])
    def test_events_must_be_a_sequence(self, events):
        with pytest.raises(ValidationError) as info:
            Timeline(events)

        assert ("events", "a sequence of events", events) == (
            info.value.field,
            info.value.expected,
            info.value.got,
        )

    def test_a_non_event_is_named_by_its_index(self):
        with pytest.raises(ValidationError) as info:
            Timeline([Note(at=T0, text="a"), "b"])  # type: ignore[list-item]

        assert ("events[1]", "a timeline event", "b") == (
            info.value.field,
            info.value.expected,
            info.value.got,
        )

    def test_a_kind_given_by_name_is_refused_with_a_hint(self):
        with pytest.raises(ValidationError) as info:
            Timeline().last("note")  # type: ignore[arg-type]

        assert ("kind", "an event class such as Note (not its name)", "note") == (
            info.value.field,
            info.value.expected,
            info.value.got,
        )


class TestMoreFieldNames:
    @pytest.mark.parametrize(
        ("call", "field", "got"),
        [
            (
                lambda: Incident.declare(" ", severity="P3", at=T0, declared_by="a"),
                "title",
                " ",
            ),
            (
                lambda: Incident.declare(
                    "t", severity="P3", at=T0, declared_by="a", commander=""
                ),
                "commander",
                "",
            ),
            (lambda: declare().assign(OPS, " ", at=T0), "person", " "),
            (lambda: declare().hand_off(Role.INCIDENT_COMMANDER, "", at=T0), "to", ""),
            (lambda: declare().escalate("P1", at=T0, reason=" "), "reason", " "),
            (lambda: declare().downgrade("P3", at=T0, reason=" "), "reason", " "),
            (lambda: declare().holder(5), "role", 5),
            (lambda: declare(labels={"team": "\ud800"}), "labels", {"team": "\ud800"}),
            (lambda: declare(labels={"\ud800": "x"}), "labels", {"\ud800": "x"}),
            (lambda: declare(labels=[("a", "b")]), "labels", [("a", "b")]),
            (lambda: Move.parse("shut"), "move", "shut"),
        ],
    )
    def test_the_field_and_the_value_are_named(self, call, field, got):
        with pytest.raises(ValidationError) as info:
            call()

        assert (field, got) == (info.value.field, info.value.got)

    def test_expectations_are_said_in_words(self):
        expected = {}
        for name, call in {
            "role": lambda: declare().holder(5),
            "labels": lambda: declare(labels=[("a", "b")]),
            "move": lambda: Move.parse("shut"),
            "how": lambda: declare().apply("close", at=T0, how="x"),
            "reason": lambda: declare().apply("mitigate", at=T0, reason="x"),
        }.items():
            with pytest.raises(ValidationError) as info:
                call()
            expected[name] = info.value.expected

        assert {
            "role": "a Role or a lowercase role name such as 'scribe'",
            "labels": "a mapping of strings to strings",
            "move": (
                "a Move or one of 'identify', 'mitigate', 'resolve', 'close', 'reopen'"
            ),
            "how": "None: the close move takes no text",
            "reason": "None: the mitigate move takes 'how'",
        } == expected

    def test_escalate_and_downgrade_keep_their_reason(self):
        inc = (
            declare()
            .escalate("P1", at=T0, reason="payments")
            .downgrade("P2", at=T0 + MIN, reason="contained")
        )

        assert ["payments", "contained"] == [
            e.reason for e in inc.timeline.of_kind(SeverityChanged)
        ]
