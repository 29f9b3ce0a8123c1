"""Bad and hostile input: one clear ValidationError with a path, never a bare error."""

import datetime as dt
import io
import json
import threading

import pytest

from incidentkit import (
    Incident,
    IncidentKitError,
    MilestoneOrderError,
    Move,
    Role,
    RoleAssignment,
    Severity,
    Status,
    ValidationError,
    serialization,
)
from incidentkit.timeline import Note, Timeline


UTC = dt.timezone.utc
T0 = dt.datetime(2024, 6, 1, 14, 0, tzinfo=UTC)
MIN = dt.timedelta(minutes=1)


def declare(**kwargs):
    return Incident.declare(
        "Checkout errors", severity=Severity.P2, at=T0, declared_by="ana", **kwargs
    )


def document(inc=None):
    return serialization.to_dict(inc or declare().note("n", at=T0 + MIN))


def refused(data, cls=Incident):
    with pytest.raises(ValidationError) as info:
        serialization.from_dict(data, cls)
    assert "unknown error" not in str(info.value)
    assert "unexpected " not in str(info.value)
    return info.value


# -- back-dated events ---------------------------------------------------------------


class TestOrder:
    def test_a_severity_change_before_the_last_one_is_refused_naming_both(self):
        inc = declare().escalate(Severity.P1, at=T0 + 10 * MIN)

        with pytest.raises(
            ValidationError,
            match=r"'at' must not be before the last severity change \(got "
            r"2024-06-01T14:05:00\+00:00, last severity change at "
            r"2024-06-01T14:10:00\+00:00\)",
        ):
            inc.downgrade(Severity.P2, at=T0 + 5 * MIN)

    @pytest.mark.parametrize(
        "change",
        [
            lambda inc, at: inc.escalate(Severity.P1, at=at),
            lambda inc, at: inc.assign(Role.OPERATIONS_LEAD, "raj", at=at),
            lambda inc, at: inc.hand_off(Role.INCIDENT_COMMANDER, "lee", at=at),
            lambda inc, at: inc.post_update("internal", "hi", at=at),
            lambda inc, at: inc.record_mitigation("restart", at=at),
        ],
    )
    def test_no_change_is_dated_before_the_declaration(self, change):
        with pytest.raises(
            ValidationError,
            match=r"'at' must not be before the declaration \(got "
            r"2024-06-01T13:59:00\+00:00, declaration at 2024-06-01T14:00:00\+00:00\)",
        ):
            change(declare(), T0 - MIN)

    def test_a_hand_off_before_the_holder_took_the_role_is_refused(self):
        inc = declare().assign(Role.OPERATIONS_LEAD, "raj", at=T0 + 10 * MIN)

        with pytest.raises(
            ValidationError, match=r"before the last change of operations_lead"
        ):
            inc.hand_off(Role.OPERATIONS_LEAD, "kim", at=T0 + 5 * MIN)

    def test_an_acknowledgement_after_the_close_is_refused(self):
        inc = declare().resolve(at=T0 + MIN).close(at=T0 + 2 * MIN)

        with pytest.raises(
            MilestoneOrderError,
            match="'closed_at' must not be before 'acknowledged_at'",
        ):
            inc.acknowledge(at=T0 + 3 * MIN)

    def test_a_back_dated_note_is_history_and_is_kept_in_order(self):
        inc = declare().note("first report", at=T0 - 5 * MIN)

        assert ["first report", "declared P2: Checkout errors"] == [
            e.describe() for e in inc.timeline
        ][:2]


# -- the public API --------------------------------------------------------------


class TestPublicAPI:
    @pytest.mark.parametrize(
        ("call", "field"),
        [
            (
                lambda: Incident.declare("t", severity="P2", at=T0, declared_by=""),
                "declared_by",
            ),
            (lambda: declare().mitigate(at=T0, how=""), "how"),
            (lambda: declare().resolve(at=T0).reopen(at=T0, reason=""), "reason"),
            (lambda: declare().check_roles(dt.datetime(2024, 6, 1)), "now"),
            (lambda: declare(labels=["a"]), "labels"),
            (lambda: declare().note(" ", at=T0), "text"),
            (lambda: declare().note("\ud800", at=T0), "text"),
            (lambda: declare().holder(3), "role"),
            (lambda: declare().apply("close!", at=T0), "move"),
            (lambda: declare().apply("mitigate", at=T0, reason="x"), "reason"),
            (lambda: Timeline().of_kind("note"), "kind"),  # type: ignore[arg-type]
        ],
    )
    def test_errors_name_the_parameter_the_caller_passed(self, call, field):
        with pytest.raises(ValidationError) as info:
            call()

        assert field == info.value.field

    def test_holder_accepts_a_role_name(self):
        assert "ana" == declare().holder("incident_commander")

    def test_apply_takes_the_move_name_and_its_text(self):
        inc = declare().apply("Mitigate", at=T0 + MIN, how="rolled back")

        assert Status.MONITORING is inc.status
        assert "mitigation: rolled back" == inc.timeline[-2].describe()

    def test_apply_close_on_a_resolved_incident_closes_it(self):
        inc = declare().resolve(at=T0 + MIN).apply("close", at=T0 + 2 * MIN)

        assert (Status.CLOSED, T0 + 2 * MIN) == (inc.status, inc.closed_at)

    def test_apply_reopen_needs_its_reason(self):
        with pytest.raises(ValidationError, match="'reason' must be a non-empty"):
            declare().resolve(at=T0 + MIN).apply(Move.REOPEN, at=T0 + 2 * MIN)


# -- stored documents ---------------------------------------------------------------


class TestDocuments:
    def test_a_document_that_breaks_the_status_rules_is_refused(self):
        data = document()
        data["mitigated_at"] = "2024-06-01T14:30:00Z"

        with pytest.raises(ValidationError, match="'mitigated_at' must be None while"):
            serialization.from_dict(data, Incident)

    @pytest.mark.parametrize("key", ["status", "labels", "roles", "mitigated_at"])
    def test_every_key_is_required(self, key):
        data = document()
        del data[key]

        assert [f"$.{key}: required field missing"] == list(refused(data).errors)

    @pytest.mark.parametrize("version", [1.0, "1", None, 2])
    def test_schema_version_is_the_integer_one(self, version):
        data = {**document(), "schema_version": version}

        assert "$.schema_version" == refused(data).field

    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("[]", "$: expected an object (got [])"),
            ("null", "$: expected an object (got None)"),
            ('"{}"', "$: expected an object (got '{}')"),
        ],
    )
    def test_a_non_object_document_is_one_problem(self, text, expected):
        with pytest.raises(ValidationError) as info:
            serialization.loads(text, Incident)

        assert [expected] == list(info.value.errors)

    @pytest.mark.parametrize(
        ("text", "message"),
        [
            (b"\xff\xfe{", "not JSON"),
            ("[" * 100_000 + "]" * 100_000, "not JSON: nested too deeply"),
            ("1" * 5000, "not JSON"),
            ('{"a": 1e400}', "beyond a float's range"),
            ('{"a": NaN}', "NaN is not a JSON number"),
            ('{"a": 1, "a": 2}', "the key 'a' appears twice"),
        ],
    )
    def test_text_that_is_not_our_json_is_refused(self, text, message):
        with pytest.raises(ValidationError, match=message):
            serialization.loads(text, Incident)

    @pytest.mark.parametrize(
        ("path", "value", "problem"),
        [
            (("roles",), {}, "$.roles: expected an array (got {})"),
            (("roles",), "", "$.roles: expected an array (got '')"),
            (("timeline",), "aaaa", "$.timeline: expected an array (got 'aaaa')"),
            (("labels",), [], "$.labels: expected an object (got [])"),
            (("roles", 0), "x", "$.roles[0]: expected an object (got 'x')"),
            (("title",), "\ud800", "$.title: expected text without lone surrogates"),
            (("declared_at",), "9999-12-31T23:59:59-14:00", "$.declared_at: expected"),
            (("started_at",), 10**400, "$.started_at: expected an ISO 8601"),
        ],
    )
    def test_a_value_of_the_wrong_shape_is_one_problem_at_its_path(
        self, path, value, problem
    ):
        data = document()
        parent = data
        for step in path[:-1]:
            parent = parent[step]
        parent[path[-1]] = value

        errors = refused(data).errors
        assert 1 == len(errors)
        assert errors[0].startswith(problem)

    def test_every_broken_field_rule_is_listed_with_its_path(self):
        data = {**document(), "id": " ", "title": " "}

        assert [
            "$.id: 'id' must be a non-empty string (got ' ')",
            "$.title: 'title' must be a non-empty string (got ' ')",
        ] == list(refused(data).errors)

    def test_a_label_key_with_an_at_sign_keeps_its_path(self):
        data = document()
        data["labels"] = {"a @ b": 1}

        assert ['$.labels["a @ b"]: expected a string (got 1)'] == list(
            refused(data).errors
        )

    def test_one_problem_fills_field_expected_and_got(self):
        data = {**document(), "title": 5}

        error = refused(data)
        assert ("$.title", "a string", 5) == (error.field, error.expected, error.got)

    def test_thousands_of_bad_events_are_counted_not_all_listed(self):
        data = document()
        data["timeline"] = [{"kind": "note", "at": 1, "by": None, "text": "x"}] * 5000

        error = refused(data)
        assert 21 == len(error.errors)
        assert "more than 20 problems in Incident" in str(error)
        assert len(str(error)) < 5000

    def test_a_huge_string_where_an_array_belongs_is_refused_briefly(self):
        data = {**document(), "roles": "a" * 100_000}

        error = refused(data)
        assert len(str(error)) < 300

    def test_the_role_tenure_check_does_not_depend_on_array_order(self):
        inc = declare().assign(Role.OPERATIONS_LEAD, "raj", at=T0 + MIN)
        inc = inc.relieve(Role.OPERATIONS_LEAD, at=T0 + 2 * MIN)
        inc = inc.assign(Role.OPERATIONS_LEAD, "kim", at=T0 + 2 * MIN)
        data = serialization.to_dict(inc)
        data["roles"].reverse()

        assert set(inc.roles) == set(serialization.from_dict(data, Incident).roles)

    @pytest.mark.parametrize("cls", [Note, RoleAssignment])
    def test_each_public_type_reads_its_own_output(self, cls):
        value = (
            Note(at=T0, text="x")
            if cls is Note
            else RoleAssignment(Role("scribe"), "kim", T0)
        )

        assert value == serialization.loads(serialization.dumps(value), cls)

    def test_a_note_document_is_not_read_as_another_event(self):
        text = serialization.dumps(Note(at=T0, text="x"))

        with pytest.raises(ValidationError, match="'kind' is 'role_assigned'"):
            serialization.loads(text, type(declare().timeline[1]))

    def test_a_type_incidentkit_cannot_read_is_a_validation_error(self):
        with pytest.raises(ValidationError):
            serialization.from_dict({"schema_version": 1}, io.StringIO)

    def test_loads_refuses_a_non_text_argument(self):
        with pytest.raises(ValidationError, match="'text' must be JSON text"):
            serialization.loads(123, Incident)  # type: ignore[arg-type]


# -- JSON Lines ----------------------------------------------------------------------


class TestJsonLines:
    def lines(self):
        return [serialization.dumps(declare(id=f"i{n}")).encode() for n in range(3)]

    def test_invalid_utf8_names_its_line_after_yielding_the_lines_before(
        self, tmp_path
    ):
        path = tmp_path / "incidents.jsonl"
        good = self.lines()
        path.write_bytes(b"\n".join([*good, b'{"id": "\xff"}']) + b"\n")
        read: list[Incident] = []

        with pytest.raises(ValidationError, match=r"^line 4: not UTF-8 text"):
            read.extend(serialization.iter_jsonl(path, Incident))
        assert ["i0", "i1", "i2"] == [inc.id for inc in read]

    @pytest.mark.parametrize(
        "blank", ["\x1c", "\x0b", "\x0c", "\xa0", "\u2028", "\u3000", "\x85"]
    )
    def test_a_line_that_only_looks_blank_is_reported(self, blank):
        source = io.StringIO(f"{self.lines()[0].decode()}\n{blank}\n")

        with pytest.raises(ValidationError, match=r"^line 2: not JSON"):
            list(serialization.iter_jsonl(source, Incident))

    def test_empty_lines_and_json_white_space_are_skipped(self):
        source = io.StringIO(f"\n  \t\r\n{self.lines()[0].decode()}\n\n")

        assert 1 == len(list(serialization.iter_jsonl(source, Incident)))

    def test_a_line_holding_an_array_is_reported_with_its_number(self):
        source = io.StringIO("[]\n")

        with pytest.raises(ValidationError, match=r"^line 1: 1 problem in Incident"):
            list(serialization.iter_jsonl(source, Incident))


# -- the shared converter ------------------------------------------------------------


def test_threads_asking_at_once_get_one_shared_converter(monkeypatch):
    monkeypatch.setattr(serialization, "_shared", None)
    barrier = threading.Barrier(16)
    got = []

    def ask():
        barrier.wait()
        got.append(serialization.get_converter())

    threads = [threading.Thread(target=ask) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert 1 == len({id(c) for c in got})


def test_only_incidentkit_errors_escape_from_odd_json():
    for text in ["{", '"', "[[[", '{"schema_version": 1, "id": []}', "7"]:
        with pytest.raises(IncidentKitError):
            serialization.loads(text, Incident)
    assert json.loads("7") == 7
