"""Incident documents read as IncidentRecord: fast, and as strict for its fields."""

import copy
import datetime as dt
import io
import json
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from incidentkit import (
    Incident,
    Role,
    Severity,
    Status,
    ValidationError,
    _records_wire,
    parse_instant,
    serialization,
)
from incidentkit.spans import MILESTONES, IncidentRecord

from .strategies import incidents


UTC = dt.timezone.utc
T0 = dt.datetime(2024, 6, 1, 14, 0, tzinfo=UTC)
MIN = dt.timedelta(minutes=1)
RECORD_FIELDS = [field.name for field in attrs.fields(IncidentRecord)]


def good_incident() -> Incident:
    inc = Incident.declare(
        "Checkout errors",
        severity=Severity.P2,
        at=T0,
        declared_by="ana",
        service="checkout",
        category="bad-deploy",
        labels={"team": "payments"},
        started_at=T0 - 5 * MIN,
    )
    inc = inc.acknowledge(at=T0 + MIN, by="raj")
    inc = inc.assign(Role.OPERATIONS_LEAD, "raj", at=T0 + MIN)
    inc = inc.note("rolling back", at=T0 + 2 * MIN)
    inc = inc.mitigate(at=T0 + 30 * MIN, how="rolled back")
    return inc.resolve(at=T0 + 40 * MIN)


def good_document() -> dict[str, Any]:
    data: dict[str, Any] = serialization.to_dict(good_incident())
    return data


def refusal(text: str, cls: type) -> ValidationError:
    with pytest.raises(ValidationError) as info:
        serialization.loads(text, cls)
    return info.value


def assert_refused_alike(document: dict[str, Any]) -> ValidationError:
    """The record reader refuses *document* exactly as the incident reader does."""
    text = json.dumps(document)
    as_incident = refusal(text, Incident)
    as_record = refusal(text, IncidentRecord)

    assert as_incident.errors == as_record.errors
    assert str(as_incident).replace(" in Incident:", " in IncidentRecord:", 1) == str(
        as_record
    )
    assert as_incident.field == as_record.field
    return as_record


class TestReading:
    def test_an_incident_document_reads_as_its_record(self):
        inc = good_incident()

        record = serialization.loads(serialization.dumps(inc), IncidentRecord)

        assert IncidentRecord.of(inc) == record

    def test_a_record_is_written_without_roles_or_timeline(self):
        record = IncidentRecord.of(good_incident())

        data = serialization.to_dict(record)

        assert ["schema_version", *RECORD_FIELDS] == list(data)

    def test_a_record_document_reads_back(self):
        record = IncidentRecord.of(good_incident())

        assert record == serialization.loads(
            serialization.dumps(record), IncidentRecord
        )

    @given(incidents())
    def test_any_incident_document_reads_as_its_record(self, inc):
        text = serialization.dumps(inc)

        assert IncidentRecord.of(inc) == serialization.loads(text, IncidentRecord)

    @given(incidents())
    def test_records_round_trip(self, inc):
        record = IncidentRecord.of(inc)
        text = serialization.dumps(record)

        back = serialization.loads(text, IncidentRecord)

        assert record == back
        assert text == serialization.dumps(back)

    def test_what_is_in_roles_and_timeline_is_not_read(self):
        data = good_document()
        data["roles"] = [1, "x", {"role": "?"}]
        data["timeline"] = [None, {"kind": "nonsense"}]

        record = serialization.from_dict(data, IncidentRecord)

        assert IncidentRecord.of(good_incident()) == record
        with pytest.raises(ValidationError):
            serialization.from_dict(data, Incident)

    def test_iter_jsonl_reads_records(self, tmp_path):
        incs = [good_incident(), attrs.evolve(good_incident(), id="other")]
        path = tmp_path / "incidents.jsonl"
        serialization.write_jsonl(incs, path)

        records = list(serialization.iter_jsonl(path, IncidentRecord))

        assert [IncidentRecord.of(inc) for inc in incs] == records

    def test_iter_jsonl_names_the_bad_line(self):
        data = good_document()
        data["severity"] = "P9"
        source = io.StringIO(
            serialization.dumps(good_incident()) + "\n" + json.dumps(data)
        )

        with pytest.raises(
            ValidationError, match=r"^line 2: 1 problem in IncidentRecord"
        ):
            list(serialization.iter_jsonl(source, IncidentRecord))

    def test_a_datetime_hook_registered_later_is_honoured(self):
        c = serialization.make_converter()
        data = good_document()
        del data["schema_version"]
        c.structure(data, IncidentRecord)  # built once, before the registration
        c.register_structure_hook(
            dt.datetime, lambda value, _: dt.datetime.fromtimestamp(value, tz=UTC)
        )
        for name in MILESTONES:
            if data[name] is not None:
                data[name] = parse_instant(data[name]).timestamp()

        assert IncidentRecord.of(good_incident()) == c.structure(data, IncidentRecord)


class TestRefusals:
    @pytest.mark.parametrize("key", ["roles", "timeline"])
    @pytest.mark.parametrize("value", [None, {}, "[]", 0, True])
    def test_roles_and_timeline_must_be_arrays(self, key, value):
        data = good_document()
        data[key] = value

        error = assert_refused_alike(data)

        assert [f"$.{key}: expected an array (got {value!r})"] == list(error.errors)

    @pytest.mark.parametrize("key", ["roles", "timeline"])
    def test_an_incident_document_needs_both_arrays(self, key):
        data = good_document()
        del data[key]

        error = assert_refused_alike(data)

        assert [f"$.{key}: required field missing"] == list(error.errors)

    def test_unknown_keys_are_refused(self):
        data = good_document()
        data["owner"] = "ana"

        assert ["$: unknown keys: owner"] == list(assert_refused_alike(data).errors)

    def test_unknown_keys_are_refused_in_a_record_document_too(self):
        data = serialization.to_dict(IncidentRecord.of(good_incident()))
        data["owner"] = "ana"

        with pytest.raises(ValidationError) as info:
            serialization.from_dict(data, IncidentRecord)

        assert ["$: unknown keys: owner"] == list(info.value.errors)

    def test_schema_version_is_required(self):
        data = good_document()
        del data["schema_version"]

        with pytest.raises(ValidationError, match=r"schema_version' must be"):
            serialization.from_dict(data, IncidentRecord)

    @pytest.mark.parametrize("value", [[], "x", None, 3])
    def test_a_document_that_is_not_an_object(self, value):
        with pytest.raises(ValidationError, match=r"\$: expected an object"):
            serialization.from_dict(value, IncidentRecord)

    def test_a_record_document_is_refused_like_an_incident_document(self):
        data = serialization.to_dict(IncidentRecord.of(good_incident()))
        data["title"] = " "
        data["closed_at"] = "2020-01-01T00:00:00Z"
        full = good_document()
        full.update(title=" ", closed_at="2020-01-01T00:00:00Z")

        with pytest.raises(ValidationError) as info:
            serialization.from_dict(data, IncidentRecord)

        assert assert_refused_alike(full).errors == info.value.errors


# Bad values for any field: wrong JSON types, blank and unwritable text, dates
# that are naive, malformed or out of range, unknown enum values.
ANY_FIELD: list[object] = [
    None,
    5,
    1.5,
    True,
    "",
    "   ",
    "\ud800",
    [],
    ["x"],
    {},
    {"a": 1},
    "2024-06-01T14:00:00",
    "2024-13-01T00:00:00Z",
    "0001-01-01T00:00:00+01:00",
    "yesterday",
    "P4",
    "closed",
    -1,
]
BY_FIELD: dict[str, list[object]] = {
    "labels": [{"team": 5}, {"team": None}, {"\ud800": "x"}, {"x": "\udfff"}, []],
    "severity": ["p1", "SEV1", "P0"],
    "status": ["Resolved", "open", "investigating", "closed", "monitoring"],
    # Out of order, against the status, or shifted by an offset (still fine).
    "started_at": ["2024-06-01T15:00:00Z", "2024-06-01T14:00:00+02:00"],
    "detected_at": ["2024-06-01T13:00:00Z", "2024-06-01T16:00:00Z"],
    "declared_at": ["2024-06-01T13:00:00Z", "2024-06-02T00:00:00Z"],
    "acknowledged_at": ["2024-06-01T13:50:00Z", "2024-06-01T14:00:00.5-01:00"],
    "mitigated_at": ["2024-06-01T13:00:00Z", "2024-06-01T15:00:00Z"],
    "resolved_at": ["2024-06-01T14:10:00Z", "2030-01-01T00:00:00Z"],
    "closed_at": ["2024-06-01T14:10:00Z", "2024-06-02T00:00:00Z"],
}
MUTATIONS = [
    (name, value)
    for name in RECORD_FIELDS
    for value in [*ANY_FIELD, *BY_FIELD.get(name, [])]
]


def outcome(text: str, cls: type[Incident | IncidentRecord]) -> object:
    try:
        value: Incident | IncidentRecord = serialization.loads(text, cls)
    except ValidationError as exc:
        return ("refused", exc.errors, str(exc).split(":", 1)[1])
    return ("read", IncidentRecord.of(value))


@pytest.mark.parametrize(("name", "value"), MUTATIONS, ids=repr)
def test_a_bad_record_field_is_refused_exactly_as_by_the_incident_reader(name, value):
    data = good_document()
    data[name] = value
    text = json.dumps(data)

    assert outcome(text, Incident) == outcome(text, IncidentRecord)


@pytest.mark.parametrize("name", RECORD_FIELDS)
def test_a_missing_record_field_is_refused_exactly_as_by_the_incident_reader(name):
    data = good_document()
    del data[name]

    # Where the incident has a default, cattrs also checks the rest with it.
    assert f"$.{name}: required field missing" in assert_refused_alike(data).errors


def test_many_problems_at_once_are_listed_alike():
    data = good_document()
    data.update(title=5, severity="P9", labels=[], closed_at="x", extra=1)
    del data["status"]
    del data["service"]

    assert 6 <= len(assert_refused_alike(data).errors)


json_junk = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: (
        st.lists(inner, max_size=2) | st.dictionaries(st.text(), inner, max_size=2)
    ),
    max_leaves=4,
)


@given(
    incidents(),
    st.lists(st.tuples(st.sampled_from(RECORD_FIELDS), json_junk), max_size=3),
    st.lists(st.sampled_from(RECORD_FIELDS), max_size=2),
)
def test_any_broken_record_fields_are_refused_as_by_the_incident_reader(
    inc, changes, removed
):
    data = serialization.to_dict(inc)
    for name, value in changes:
        data[name] = copy.deepcopy(value)
    for name in removed:
        data.pop(name, None)
    text = json.dumps(data)

    assert outcome(text, Incident) == outcome(text, IncidentRecord)


# -- the trusted construction: what it builds, the constructor builds -------------

FIELD_RULES = {
    "id": ("text", None),
    "title": ("text", None),
    "severity": ("instance_of.<locals>.check", None),
    "status": ("instance_of.<locals>.check", None),
    "service": ("optional.<locals>.check", None),
    "category": ("optional.<locals>.check", None),
    "labels": ("check_labels", "freeze_labels"),
    **dict.fromkeys(MILESTONES, ("check_aware", "to_utc_optional")),
}


def test_the_trusted_construction_knows_every_field_and_rule():
    # _records_wire._trusted re-checks these rules itself: a new field or rule on
    # IncidentRecord must be taught to it (and to this table).
    rules = {
        f.name: (
            getattr(f.validator, "__qualname__", None),
            getattr(f.converter, "__qualname__", None),
        )
        for f in attrs.fields(IncidentRecord)
    }

    assert FIELD_RULES == rules
    assert _records_wire.TRUSTED_FIELDS == tuple(rules)


odd_texts = st.sampled_from(["x", " x ", "", "  ", "\x1c", "é", "\ud800", "a\udfffb"])
odd_times = st.none() | st.datetimes(
    min_value=dt.datetime(2024, 1, 1),
    max_value=dt.datetime(2024, 1, 3),
    timezones=st.sampled_from([UTC, dt.timezone(dt.timedelta(hours=2))]),
)


@settings(max_examples=500)
@given(
    st.fixed_dictionaries(
        {
            "id": odd_texts,
            "title": odd_texts,
            "severity": st.sampled_from([*Severity, "P1"]),
            "status": st.sampled_from([*Status, "closed"]),
            "service": st.none() | odd_texts,
            "category": st.none() | odd_texts,
            "labels": st.dictionaries(odd_texts, odd_texts | st.just(None), max_size=2),
            **dict.fromkeys(MILESTONES, odd_times),
        }
    )
)
def test_the_trusted_construction_agrees_with_the_constructor(values):
    def built(make):
        try:
            return ("built", make())
        except ValidationError as exc:
            return ("refused", str(exc))

    in_order = [values[name] for name in _records_wire.TRUSTED_FIELDS]
    trusted = built(lambda: _records_wire._trusted(in_order))
    if trusted != ("built", None):  # None: not sure, the constructor decides
        assert built(lambda: IncidentRecord(**values)) == trusted


@given(incidents())
def test_the_trusted_construction_builds_every_consistent_record(inc):
    record = IncidentRecord.of(inc)
    values = [getattr(record, name) for name in _records_wire.TRUSTED_FIELDS]
    values[6] = dict(values[6])

    assert record == _records_wire._trusted(values)


def test_the_shared_converter_reads_records_inline():
    hook = serialization.get_converter().get_structure_hook(IncidentRecord)
    data = good_document()
    del data["schema_version"]

    assert vars(hook)["inline"]
    assert IncidentRecord.of(good_incident()) == _records_wire._stock(data)


def test_the_inline_path_survives_hooks_being_built_again():
    c = serialization.make_converter()
    c.structure(good_document()["labels"], dict[str, str])
    c.register_structure_hook(Pair, lambda value, _: Pair(*value))  # clears caches

    assert vars(c.get_structure_hook(IncidentRecord))["inline"]


def test_a_converter_with_other_hooks_calls_them_instead():
    c = serialization.make_converter()
    c.register_structure_hook(str, lambda value, _: value.upper())
    data = good_document()
    del data["schema_version"]

    record = c.structure(data, IncidentRecord)

    assert not vars(c.get_structure_hook(IncidentRecord))["inline"]
    assert "CHECKOUT ERRORS" == record.title


@given(incidents())
def test_the_inline_path_agrees_with_the_hooks(inc):
    data = serialization.to_dict(inc)
    del data["schema_version"]

    inline = _records_wire._stock(data)

    assert inline is None or IncidentRecord.of(inc) == inline


@attrs.frozen
class Pair:
    a: int
    b: int
