"""The fast structuring path is built from the converter's own hooks."""

import copy
import datetime as dt

import attrs
import pytest
from cattrs.errors import ClassValidationError
from cattrs.gen import make_dict_structure_fn
from hypothesis import given
from hypothesis import strategies as st

from incidentkit import Incident, Role, RoleAssignment, Severity, serialization
from incidentkit._fastpath import build
from incidentkit._shape import ShapeError
from incidentkit.errors import ValidationError

from .strategies import incidents


UTC = dt.timezone.utc
T0 = dt.datetime(2024, 6, 1, 12, tzinfo=UTC)


def epoch_hook(value, _):
    # A caller's own datetime format: epoch seconds.
    return dt.datetime.fromtimestamp(value, tz=UTC)


def test_a_datetime_hook_registered_later_is_honoured_by_role_assignments():
    c = serialization.make_converter()
    c.register_structure_hook(dt.datetime, epoch_hook)

    value = c.structure(
        {
            "role": "scribe",
            "person": "ana",
            "assumed_at": T0.timestamp(),
            "relieved_at": None,
        },
        RoleAssignment,
    )

    assert RoleAssignment(Role("scribe"), "ana", T0) == value


def test_a_hook_registered_after_first_use_is_honoured_too():
    c = serialization.make_converter()
    document = {
        "role": "scribe",
        "person": "ana",
        "assumed_at": "2024-06-01T12:00Z",
        "relieved_at": None,
    }
    assert T0 == c.structure(document, RoleAssignment).assumed_at

    c.register_structure_hook(dt.datetime, epoch_hook)

    assert (
        T0
        == c.structure(
            {**document, "assumed_at": T0.timestamp()}, RoleAssignment
        ).assumed_at
    )


def test_a_custom_hook_reaches_incidents_and_their_events():
    c = serialization.make_converter()
    c.register_structure_hook(dt.datetime, epoch_hook)
    inc = Incident.declare("x", severity=Severity.P3, at=T0, declared_by="ana")
    document = serialization.to_dict(inc)
    del document["schema_version"]
    stamp = T0.timestamp()
    document["declared_at"] = document["detected_at"] = stamp
    document["roles"][0]["assumed_at"] = stamp
    for event in document["timeline"]:
        event["at"] = stamp

    assert inc == c.structure(document, Incident)


@attrs.frozen
class Pair:
    name: str
    count: int = 0


def counted(calls):
    def slow(value, _cls):
        calls.append(value)
        return "slow"

    return slow


def fast_pair():
    calls: list[object] = []
    return build(serialization.make_converter(), Pair, counted(calls)), calls


def test_build_structures_good_input_without_the_slow_hook():
    hook, calls = fast_pair()

    assert Pair("a", 2) == hook({"name": "a", "count": 2}, Pair)
    assert [] == calls


@pytest.mark.parametrize(
    "document",
    [
        {"name": 5, "count": 1},  # a field hook refuses
        {"name": "a", "count": 1, "extra": 1},  # an unknown key
    ],
)
def test_build_hands_anything_wrong_to_the_slow_hook(document):
    hook, calls = fast_pair()

    assert "slow" == hook(document, Pair)
    assert [document] == calls


@pytest.mark.parametrize("document", [{"name": "a"}])
def test_build_reports_a_missing_key_even_where_the_class_has_a_default(document):
    hook, _ = fast_pair()

    with pytest.raises(ClassValidationError) as info:
        hook(document, Pair)

    missing = [e for e in info.value.exceptions if isinstance(e, KeyError)]
    assert [{"name", "count"} - document.keys()] == [{e.args[0] for e in missing}]


@pytest.mark.parametrize("document", [[], "x", None, 3])
def test_build_refuses_what_is_not_an_object(document):
    hook, calls = fast_pair()

    with pytest.raises(ShapeError, match="expected an object"):
        hook(document, Pair)
    assert [] == calls


def test_a_bool_for_a_string_is_refused_with_its_path():
    with pytest.raises(
        ValidationError, match=r"\$.title: expected a string \(got True\)"
    ):
        serialization.from_dict(
            {"schema_version": 1, "id": "x", "title": True, "severity": "P3"},
            Incident,
        )


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


def outcome(structure):
    try:
        return structure()
    except Exception as exc:  # noqa: BLE001 - the kind of refusal is compared
        return ("refused", type(exc).__name__)


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
    cattrs_only = make_dict_structure_fn(Incident, c)

    assert outcome(lambda: cattrs_only(copy.deepcopy(document), Incident)) == outcome(
        lambda: c.structure(copy.deepcopy(document), Incident)
    )
