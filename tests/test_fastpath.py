"""The fast structuring path runs only where validators cover every field."""

import datetime as dt

import attrs
import cattrs
import pytest

from incidentkit import Incident, Role, Severity, ValidationError, serialization
from incidentkit._fastpath import install
from incidentkit._validators import instance_of, text
from incidentkit.timeline import Note


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
