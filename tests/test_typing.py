"""Run-time annotations must resolve: cattrs reads them to build (de)serialisers."""

import importlib
import inspect
import typing

import pytest

import incidentkit


PUBLIC_MODULES = [
    "incidentkit",
    "incidentkit.errors",
    "incidentkit.findings",
    "incidentkit.incident",
    "incidentkit.roles",
    "incidentkit.serialization",
    "incidentkit.severity",
    "incidentkit.testing",
    "incidentkit.timeline",
]


def public_classes():
    seen = {}
    for name in PUBLIC_MODULES:
        module = importlib.import_module(name)
        for attr in module.__all__:
            value = getattr(module, attr)
            if inspect.isclass(value):
                seen[f"{value.__module__}.{value.__qualname__}"] = value
    return sorted(seen.items())


@pytest.mark.parametrize(
    "cls",
    [cls for _, cls in public_classes()],
    ids=[name for name, _ in public_classes()],
)
def test_type_hints_resolve(cls):
    typing.get_type_hints(cls)
    for member_name, member in vars(cls).items():
        if inspect.isfunction(member) and not member_name.startswith("_"):
            typing.get_type_hints(member)


@pytest.mark.parametrize("module", PUBLIC_MODULES)
def test_all_is_sorted_and_complete(module):
    mod = importlib.import_module(module)

    # The order ruff's RUF022 keeps: CONSTANTS, then Classes, then functions.
    def isort_key(name):
        kind = 0 if name.isupper() else 1 if name[:1].isupper() else 2
        return (kind, name)

    assert sorted(mod.__all__, key=isort_key) == list(mod.__all__)
    for name in mod.__all__:
        assert hasattr(mod, name), name


def test_version_comes_from_the_installed_metadata():
    from importlib.metadata import version

    assert version("incidentkit") == incidentkit.__version__


def test_unknown_attributes_raise_attribute_error():
    with pytest.raises(AttributeError, match="has no attribute 'nope'"):
        _ = incidentkit.nope
