import datetime as dt
import io
import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from incidentkit import (
    DEFAULT_POLICIES,
    BusinessHours,
    Finding,
    Incident,
    Level,
    PagingDecision,
    ResponsePolicy,
    Role,
    RoleAssignment,
    Severity,
    Status,
    Timeline,
    ValidationError,
    serialization,
)
from incidentkit.timeline import (
    MitigationApplied,
    Note,
    StatusUpdatePosted,
    TimelineEvent,
)

from .strategies import (
    business_hours,
    events,
    findings,
    incidents,
    policies,
    role_assignments,
    timelines,
)


UTC = dt.timezone.utc
FIXTURES = Path(__file__).parent / "fixtures"
T0 = dt.datetime(2024, 6, 1, 14, 0, tzinfo=UTC)


def round_trip(value, cls):
    return serialization.loads(serialization.dumps(value), cls)


class TestRoundTrips:
    @given(incidents())
    def test_incidents(self, inc):
        assert inc == round_trip(inc, Incident)

    @given(events)
    def test_events(self, event):
        assert event == round_trip(event, TimelineEvent)

    @given(timelines)
    def test_timelines(self, tl):
        assert tl == round_trip(tl, Timeline)

    @given(role_assignments())
    def test_role_assignments(self, assignment):
        assert assignment == round_trip(assignment, RoleAssignment)

    @given(policies)
    def test_policies(self, policy):
        assert policy == round_trip(policy, ResponsePolicy)

    @given(business_hours())
    def test_business_hours(self, hours):
        assert hours == round_trip(hours, BusinessHours)

    @given(findings)
    def test_findings(self, finding):
        assert finding == round_trip(finding, Finding)

    @given(st.sampled_from(Severity))
    def test_enums(self, severity):
        assert severity is round_trip(severity, Severity)

    def test_paging_decisions(self):
        decision = PagingDecision(T0, ("P1 pages at once.",))

        assert decision == round_trip(decision, PagingDecision)

    def test_default_policies_as_a_mapping(self):
        data = serialization.to_dict(dict(DEFAULT_POLICIES))

        assert dict(DEFAULT_POLICIES) == serialization.from_dict(
            data, dict[Severity, ResponsePolicy]
        )

    def test_timelines_travel_as_tagged_lists(self):
        tl = Timeline([Note(at=T0, text="x")])

        assert [
            {"kind": "note", "at": "2024-06-01T14:00:00Z", "by": None, "text": "x"}
        ] == (serialization.to_dict(tl))

    def test_durations_travel_as_seconds(self):
        data = serialization.to_dict(DEFAULT_POLICIES[Severity.P1])

        assert 1200 == data["public_update_every"]
        assert 1 == data["schema_version"]

    def test_fractional_durations(self):
        policy = ResponsePolicy(
            severity=Severity.P3,
            paging=DEFAULT_POLICIES[Severity.P3].paging,
            internal_status_page=False,
            public_status_page=False,
            first_update_within=dt.timedelta(seconds=1, microseconds=5),
        )

        assert 1.000005 == serialization.to_dict(policy)["first_update_within"]
        assert policy == round_trip(policy, ResponsePolicy)


class TestGoldenFixture:
    def test_reads_a_hand_written_incident(self):
        inc = serialization.loads(
            (FIXTURES / "incident_v1.json").read_text(encoding="utf-8"), Incident
        )

        assert ("INC-2024-0601", Severity.P1, Status.RESOLVED) == (
            inc.id,
            inc.severity,
            inc.status,
        )
        assert "lee" == inc.commander
        assert "mo" == inc.holder(Role("scribe"))
        # "+02:00" in the file is normalised to UTC.
        assert dt.datetime(2024, 6, 1, 12, 5, tzinfo=UTC) == inc.roles[3].assumed_at
        assert (
            dt.timedelta(minutes=41, milliseconds=500)
            == inc.mitigated_at - inc.detected_at  # type: ignore[operator]
        )
        assert 10 == len(inc.timeline)
        assert (
            "rolled back release 2024.06.1"
            == inc.timeline.of_kind(MitigationApplied)[0].action
        )
        update = inc.timeline.of_kind(StatusUpdatePosted)[0]
        assert dt.datetime(2024, 6, 1, 14, 30, tzinfo=UTC) == update.next_update_at
        assert {"team": "payments", "region": "eu-west-1"} == inc.labels

    def test_writes_what_it_read(self):
        text = (FIXTURES / "incident_v1.json").read_text(encoding="utf-8")
        original = json.loads(text)

        written = serialization.to_dict(serialization.loads(text, Incident))

        original["roles"][3]["assumed_at"] = "2024-06-01T12:05:00Z"
        original["timeline"][6]["at"] = "2024-06-01T14:41:00.500000Z"
        original["timeline"][7]["at"] = "2024-06-01T14:41:00.500000Z"
        original["mitigated_at"] = "2024-06-01T14:41:00.500000Z"
        # The structured fields a status update gained later are written empty.
        original["timeline"][4].update(
            status=None, known=None, doing=None, impact=None, owners=[], stand_by=None
        )
        assert original == written


class TestErrors:
    def data(self):
        return json.loads((FIXTURES / "incident_v1.json").read_text(encoding="utf-8"))

    def problems(self, data, cls=Incident):
        with pytest.raises(ValidationError) as info:
            serialization.from_dict(data, cls)
        return list(info.value.errors)

    def test_naive_datetime_is_reported_with_its_path(self):
        data = self.data()
        data["timeline"][3]["at"] = "2024-06-01T14:09:00"

        expected = (
            "$.timeline[3].at: expected an aware ISO 8601 datetime "
            "(got '2024-06-01T14:09:00')"
        )

        assert [expected] == self.problems(data)

    def test_unknown_event_kind_is_a_clear_message(self):
        data = self.data()
        data["timeline"][2]["kind"] = "pager_fired"

        problems = self.problems(data)

        assert 1 == len(problems)
        assert problems[0].startswith(
            "$.timeline[2]: unknown event kind 'pager_fired'; "
            "expected one of acknowledged,"
        )

    def test_missing_kind(self):
        data = self.data()
        del data["timeline"][0]["kind"]

        assert self.problems(data)[0].startswith(
            "$.timeline[0]: unknown event kind None"
        )

    def test_event_that_is_not_an_object(self):
        data = self.data()
        data["timeline"][0] = "declared"

        assert [
            "$.timeline[0]: expected an event object with a 'kind' (got 'declared')"
        ] == (self.problems(data))

    def test_labels_as_pairs_are_refused_like_any_non_object(self):
        data = self.data()
        data["labels"] = [["team", "payments"]]

        problems = self.problems(data)

        assert 1 == len(problems)
        assert problems[0].startswith("$.labels: ")

    def test_unknown_key_inside_an_event(self):
        data = self.data()
        data["timeline"][4]["channel"] = "#incidents"

        assert ["$.timeline[4]: unknown keys: channel"] == self.problems(data)

    def test_wrong_type_inside_an_event(self):
        data = self.data()
        data["timeline"][9]["text"] = 42

        assert ["$.timeline[9].text: expected a string (got 42)"] == self.problems(data)

    def test_blank_text_inside_an_event_is_refused_by_the_model(self):
        data = self.data()
        data["timeline"][9]["text"] = " "

        problems = self.problems(data)

        assert 1 == len(problems)
        assert problems[0].startswith(
            "$.timeline[9].text: 'text' must be a non-empty string"
        )

    def test_timeline_that_is_not_a_list(self):
        data = self.data()
        data["timeline"] = {}

        assert ["$.timeline: expected an array (got {})"] == self.problems(data)

    def test_unknown_keys_are_rejected(self):
        data = self.data()
        data["owner"] = "ana"
        data["roles"][0]["since"] = "x"

        assert {"$: unknown keys: owner", "$.roles[0]: unknown keys: since"} == set(
            self.problems(data)
        )

    def test_every_problem_is_listed(self):
        data = self.data()
        data["severity"] = "SEV1"
        data["title"] = 7
        del data["id"]
        data["roles"][1]["role"] = "Incident Commander"
        data["labels"]["n"] = 1

        assert {
            "$.severity: expected one of 'P1', 'P2', 'P3' (got 'SEV1')",
            "$.title: expected a string (got 7)",
            "$.id: required field missing",
            (
                "$.roles[1].role: expected a lowercase role name such as 'scribe' "
                "(got 'Incident Commander')"
            ),
            '$.labels["n"]: expected a string (got 1)',
        } == set(self.problems(data))

    def test_the_message_lists_each_problem_on_its_own_line(self):
        data = self.data()
        data["title"] = 5
        del data["severity"]

        with pytest.raises(ValidationError) as info:
            serialization.from_dict(data, Incident)

        assert (
            "2 problems in Incident:\n"
            "  $.title: expected a string (got 5)\n"
            "  $.severity: required field missing"
        ) == str(info.value)

    @pytest.mark.parametrize(
        ("value", "message"),
        [
            ("1200", "expected a duration in seconds (a number) (got '1200')"),
            (True, "expected a duration in seconds (a number) (got True)"),
            (1e300, "within timedelta's range"),
        ],
    )
    def test_durations_must_be_numbers(self, value, message):
        data = serialization.to_dict(DEFAULT_POLICIES[Severity.P1])
        data["public_update_every"] = value

        problems = self.problems(data, ResponsePolicy)

        assert problems[0].startswith("$.public_update_every: ")
        assert message in problems[0]

    def test_booleans_are_strict(self):
        data = serialization.to_dict(DEFAULT_POLICIES[Severity.P1])
        data["postmortem_required"] = "false"

        assert ["$.postmortem_required: expected true or false (got 'false')"] == (
            self.problems(data, ResponsePolicy)
        )

    @pytest.mark.parametrize(
        ("value", "message"),
        [
            (9, "expected a time of day such as '09:00' (got 9)"),
            ("9 o'clock", "expected a time of day such as '09:00'"),
            ("09:00+02:00", "expected a wall-clock time of day without an offset"),
        ],
    )
    def test_times_of_day(self, value, message):
        data = serialization.to_dict(BusinessHours())
        data["start"] = value

        assert message in self.problems(data, BusinessHours)[0]

    def test_weekdays_must_be_integers(self):
        data = serialization.to_dict(BusinessHours())
        data["weekdays"] = [0, True]

        assert ["$.weekdays[1]: expected an integer (got True)"] == self.problems(
            data, BusinessHours
        )

    def test_datetime_must_be_text(self):
        data = self.data()
        data["declared_at"] = 1717250523

        assert [
            "$.declared_at: expected an ISO 8601 datetime string (got 1717250523)"
        ] == (self.problems(data))

    def test_model_invariants_surface_as_validation_errors(self):
        data = self.data()
        data["detected_at"] = "2024-06-01T15:00:00Z"

        problems = self.problems(data)

        assert 1 == len(problems)
        assert "'mitigated_at' must not be before 'detected_at'" in problems[0]

    def test_nested_invariants_keep_their_path(self):
        data = self.data()
        data["roles"][0]["relieved_at"] = "2024-06-01T10:00:00Z"

        assert self.problems(data)[0].startswith(
            "$.roles[0].relieved_at: 'relieved_at' must not be before 'assumed_at'"
        )

    @pytest.mark.parametrize("version", [2, 0, "1", True])
    def test_other_schema_versions_are_refused(self, version):
        data = self.data()
        data["schema_version"] = version

        with pytest.raises(
            ValidationError, match=r"'\$.schema_version' must be the integer 1 \(got"
        ):
            serialization.from_dict(data, Incident)

    def test_schema_version_is_required(self):
        data = self.data()
        del data["schema_version"]

        with pytest.raises(
            ValidationError,
            match=r"'\$.schema_version' must be the integer 1 \(missing\)",
        ):
            serialization.from_dict(data, Incident)

    def test_text_that_is_not_json(self):
        with pytest.raises(
            ValidationError, match=r"not JSON: Expecting value at line 1 column 1"
        ):
            serialization.loads("nope", Incident)

    def test_nan_is_never_written(self):
        from incidentkit.signals import WindowValue

        value = WindowValue("5m", dt.timedelta(minutes=5), float("nan"))

        with pytest.raises(ValidationError, match="cannot write NaN or infinity"):
            serialization.dumps(value)

    @pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
    def test_nan_is_never_read(self, constant):
        with pytest.raises(ValidationError, match=f"not JSON: {constant} is not"):
            serialization.loads(f'{{"code": "x", "message": {constant}}}', Finding)

    def test_date_hooks(self):
        assert dt.date(2024, 7, 1) == serialization.from_dict("2024-07-01", dt.date)
        assert "2024-07-01" == serialization.to_dict(dt.date(2024, 7, 1))
        with pytest.raises(ValidationError, match="expected a date such as"):
            serialization.from_dict("July", dt.date)
        with pytest.raises(ValidationError, match="expected a date such as"):
            serialization.from_dict(20240701, dt.date)


class TestJsonLines:
    def incidents(self, n):
        return [
            Incident.declare(
                f"Incident {i}", severity=Severity.P3, at=T0, declared_by="ana"
            )
            for i in range(n)
        ]

    def test_round_trip_through_a_file(self, tmp_path):
        path = tmp_path / "incidents.jsonl"
        items = self.incidents(3)

        assert 3 == serialization.write_jsonl(items, path)
        assert 3 == len(path.read_text(encoding="utf-8").splitlines())
        assert items == list(serialization.iter_jsonl(path, Incident))
        assert items == list(serialization.iter_jsonl(str(path), Incident))

    def test_streams_from_an_open_file_and_skips_blank_lines(self):
        buffer = io.StringIO()
        serialization.write_jsonl(self.incidents(2), buffer)
        text = buffer.getvalue().replace("\n", "\n\n", 1)

        assert 2 == len(list(serialization.iter_jsonl(io.StringIO(text), Incident)))

    def test_reading_is_lazy(self):
        lines = iter([serialization.dumps(self.incidents(1)[0]) + "\n", "broken\n"])

        reader = serialization.iter_jsonl(lines, Incident)  # type: ignore[arg-type]

        assert "Incident 0" == next(reader).title

    def test_a_bad_line_is_named(self):
        buffer = io.StringIO()
        serialization.write_jsonl(self.incidents(2), buffer)
        lines = buffer.getvalue().splitlines()
        lines[1] = lines[1].replace('"severity":"P3"', '"severity":"P7"', 1)

        with pytest.raises(ValidationError) as info:
            list(serialization.iter_jsonl(io.StringIO("\n".join(lines)), Incident))

        assert str(info.value).startswith("line 2: 1 problem in Incident:")
        assert ("line 2: $.severity: expected one of 'P1', 'P2', 'P3' (got 'P7')",) == (
            info.value.errors
        )


class TestConverter:
    def test_shared_converter_is_reused(self):
        assert serialization.get_converter() is serialization.get_converter()

    def test_make_converter_builds_an_independent_one(self):
        inc = (
            Incident.declare(
                "Checkout errors", severity=Severity.P2, at=T0, declared_by="ana"
            )
            .assign(Role.OPERATIONS_LEAD, "raj", at=T0 + dt.timedelta(minutes=3))
            .mitigate(at=T0 + dt.timedelta(minutes=41), how="rolled back")
        )
        own = serialization.make_converter()

        # It knows every incidentkit type just as the shared one does...
        shared = serialization.get_converter()
        assert shared.unstructure(inc) == own.unstructure(inc)
        assert inc == own.structure(shared.unstructure(inc), Incident)
        # ...and a hook registered on it stays on it.
        own.register_unstructure_hook(Severity, lambda severity: severity.name.lower())
        assert "p2" == own.unstructure(Severity.P2)
        assert "P2" == shared.unstructure(Severity.P2)
        assert '"severity":"P2"' in serialization.dumps(inc)

    def test_unicode_is_kept_readable(self):
        inc = Incident.declare(
            "Zahlungen schlagen fehl ✗", severity=Severity.P1, at=T0, declared_by="zoë"
        )

        assert "Zahlungen schlagen fehl ✗" in serialization.dumps(inc)

    def test_indent(self):
        assert "\n  " in serialization.dumps(Finding("x", "y", Level.INFO), indent=2)


@pytest.mark.parametrize("target", [42, ["x"]])
def test_write_jsonl_refuses_what_it_cannot_write_to(target):
    with pytest.raises(ValidationError) as info:
        serialization.write_jsonl([], target)
    assert info.value.field == "target"
