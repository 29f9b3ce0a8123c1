"""The fast structuring path runs only where validators cover every field."""

import copy
import datetime as dt

import attrs
import cattrs
import pytest
from cattrs.gen import make_dict_structure_fn
from hypothesis import given
from hypothesis import strategies as st

from incidentkit import Incident, Role, Severity, ValidationError, serialization
from incidentkit._fastpath import install
from incidentkit._validators import instance_of, text
from incidentkit.serialization import _structure_timeline
from incidentkit.timeline import Note, Timeline

from .strategies import incidents


UTC = dt.timezone.utc


@attrs.frozen
class Checked:
    name: str = attrs.field(validator=text)
    severity: Severity = attrs.field(validator=instance_of(Severity, "a Severity"))
    role: Role = attrs.field(validator=instance_of(Role, "a Role"))
    at: dt.datetime | None = None
    labels: dict[str, str] = attrs.field(
        factory=dict, validator=instance_of(dict, "a dict")
    )


@attrs.frozen
class Outer:
    items: tuple[Checked, ...] = ()


@attrs.frozen
class Unchecked:
    name: str  # no validator: only cattrs checks the type
    flag: bool = False


@attrs.frozen
class OptionalNumber:
    count: int | None = None


def converter_with_fast_paths(*classes):
    c = serialization.make_converter()
    calls = []
    slow = {cls: c.get_structure_hook(cls) for cls in classes}

    def counting(cls):
        def hook(value, _):
            calls.append(cls)
            return slow[cls](value, cls)

        return hook

    for cls in classes:
        c.register_structure_hook(cls, counting(cls))
    install(
        c,
        datetime=lambda v: c.structure(v, dt.datetime),
        role=lambda v: c.structure(v, Role),
        classes=classes,
        events={"note": Note},
        timeline_hook=c.get_structure_hook(tuple),
    )
    return c, calls


def test_eligible_class_is_built_without_the_cattrs_hook():
    c, calls = converter_with_fast_paths(Checked)

    value = c.structure(
        {
            "name": "db",
            "severity": "P1",
            "role": "scribe",
            "at": "2024-06-01T12:00:00Z",
        },
        Checked,
    )

    assert (
        Checked(
            "db", Severity.P1, Role("scribe"), dt.datetime(2024, 6, 1, 12, tzinfo=UTC)
        )
        == value
    )
    assert [] == calls


def test_nested_eligible_classes_are_built_fast_too():
    c, calls = converter_with_fast_paths(Checked, Outer)

    value = c.structure(
        {"items": [{"name": "db", "severity": "P2", "role": "scribe"}]}, Outer
    )

    assert (Checked("db", Severity.P2, Role("scribe")),) == value.items
    assert [] == calls


def test_a_list_where_an_object_belongs_uses_the_detailed_path():
    c, calls = converter_with_fast_paths(Checked, Outer)

    with pytest.raises(cattrs.ClassValidationError):
        c.structure({"items": {"name": "db"}}, Outer)

    assert Outer in calls


def test_bad_input_falls_back_to_the_detailed_path():
    c, calls = converter_with_fast_paths(Checked)

    with pytest.raises(cattrs.ClassValidationError):
        c.structure({"name": "db", "severity": "P9", "role": "scribe"}, Checked)

    assert [Checked] == calls


@pytest.mark.parametrize("cls", [Unchecked, OptionalNumber])
def test_classes_with_fields_only_cattrs_checks_keep_the_cattrs_hook(cls):
    c, calls = converter_with_fast_paths(cls)

    c.structure({}, cls) if cls is OptionalNumber else c.structure({"name": "x"}, cls)

    assert [cls] == calls


def test_a_bool_for_a_string_is_refused_on_either_path():
    with pytest.raises(
        ValidationError, match=r"\$.title: expected a string \(got True\)"
    ):
        serialization.from_dict({"id": "x", "title": True, "severity": "P3"}, Incident)


json_junk = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: (
        st.lists(inner, max_size=2) | st.dictionaries(st.text(), inner, max_size=2)
    ),
    max_leaves=4,
)


def paths(data, prefix=()):
    yield prefix
    if isinstance(data, dict):
        for key, value in data.items():
            yield from paths(value, (*prefix, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from paths(value, (*prefix, index))


def outcome(build):
    try:
        return build()
    except (ValidationError, cattrs.BaseValidationError, ValueError, TypeError):
        return "refused"


@given(incidents(), st.data())
def test_the_fast_path_accepts_and_refuses_exactly_what_cattrs_does(inc, data):
    c = serialization.make_converter()
    document = serialization.to_dict(inc)
    del document["schema_version"]
    where = data.draw(st.sampled_from(list(paths(document))[1:]))
    parent = document
    for step in where[:-1]:
        parent = parent[step]
    parent[where[-1]] = data.draw(json_junk)
    cattrs_only = make_dict_structure_fn(
        Incident, c, _cattrs_forbid_extra_keys=True, _cattrs_detailed_validation=True
    )
    events = document.get("timeline")

    assert outcome(lambda: cattrs_only(copy.deepcopy(document), Incident)) == outcome(
        lambda: c.structure(copy.deepcopy(document), Incident)
    )
    assert outcome(
        lambda: _structure_timeline(c, copy.deepcopy(events), Timeline)
    ) == outcome(lambda: c.structure(copy.deepcopy(events), Timeline))
