import pickle

import pytest

from incidentkit._frozen import FrozenMap, freeze


def test_behaves_as_a_read_only_mapping():
    m = FrozenMap({"team": "payments", "region": "eu"})

    assert ["team", "region"] == list(m)
    assert 2 == len(m)
    assert "payments" == m["team"]
    assert "{'team': 'payments', 'region': 'eu'}" == repr(m)
    with pytest.raises(TypeError):
        m["team"] = "x"  # type: ignore[index]


def test_hash_is_stable_and_order_free():
    a = FrozenMap({"a": "1", "b": "2"})

    assert hash(a) == hash(a)
    assert hash(a) == hash(FrozenMap({"b": "2", "a": "1"}))


def test_pickles():
    m = FrozenMap({"a": "1"})

    assert m == pickle.loads(pickle.dumps(m))


def test_freeze_is_idempotent():
    m = freeze({"a": "1"})

    assert m is freeze(m)
    assert {} == freeze(None)
