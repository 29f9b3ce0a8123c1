"""The public namespaces: sorted, complete ``__all__``; metadata; attribute errors."""

import importlib

import pytest

import incidentkit

from .test_public_types import PUBLIC_MODULES


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
