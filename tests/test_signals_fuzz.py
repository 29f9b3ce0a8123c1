"""Mutated signal state either fails with a ValidationError or works fully."""

import datetime as dt
import os
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from incidentkit import serialization
from incidentkit.errors import IncidentKitError
from incidentkit.signals import LatencySketch, RollingCounts, RollingSketch


UTC = dt.timezone.utc
T0 = dt.datetime(2024, 6, 1, 12, tzinfo=UTC)
SLOT = dt.timedelta(minutes=1)

values = st.floats(min_value=0.0, max_value=1e6, allow_nan=False)
hostile = st.one_of(
    st.sampled_from(
        [10**30, -(10**30), 10**6, -1, -1.0, 0.0, 0.5, 1e400, -1e400, 1e308, 5e-324]
    ),
    st.integers(),
    st.floats(allow_nan=False),
    st.none(),
    st.text(max_size=5),
    st.lists(st.integers(0, 3), max_size=3),
    st.dictionaries(st.text(max_size=2), st.integers(0, 3), max_size=2),
    st.booleans(),
)


@st.composite
def sketches(draw: st.DrawFn) -> LatencySketch:
    sketch = LatencySketch(
        relative_accuracy=draw(st.sampled_from([0.01, 0.02, 1e-4, 0.5])),
        max_buckets=draw(st.sampled_from([2, 16, 2048])),
    )
    sketch.add_many(draw(st.lists(values, max_size=30)))
    return sketch


@st.composite
def counts(draw: st.DrawFn) -> RollingCounts:
    ring = RollingCounts(slot=SLOT, slots=draw(st.integers(1, 8)))
    for minute, good, bad in draw(
        st.lists(st.tuples(st.integers(0, 20), values, values), max_size=10)
    ):
        ring.add(T0 + dt.timedelta(minutes=minute), good=good, explicit=bad)
    return ring


@st.composite
def rolling_sketches(draw: st.DrawFn) -> RollingSketch:
    ring = RollingSketch(slot=SLOT, slots=draw(st.integers(1, 4)))
    for minute, value in draw(
        st.lists(st.tuples(st.integers(0, 10), values), max_size=8)
    ):
        ring.add(T0 + dt.timedelta(minutes=minute), value)
    return ring


def leaves(data: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    if isinstance(data, dict):
        found = [path] if path else []
        for key, value in data.items():
            if key != "schema_version":
                found += leaves(value, (*path, key))
        return found
    if isinstance(data, list):
        found = [path]
        for index, value in enumerate(data):
            found += leaves(value, (*path, index))
        return found
    return [path]


def replace(data: Any, path: tuple[Any, ...], value: object) -> object:
    for key in path[:-1]:
        data = data[key]
    old = data[path[-1]]
    data[path[-1]] = value
    return old


def exercise(value: object) -> None:
    if isinstance(value, LatencySketch):
        for q in (0.0, 0.5, 0.99, 1.0):
            estimate = value.quantile(q)
            if estimate is not None:
                assert estimate.lower <= estimate.value <= estimate.upper
                assert estimate.value >= 0.0
        value.fraction_above(1.0)
        value.copy().merge(value)
        value.add(1.0)
        value.add(0.0)
        value.add_many([1e-3, 10.0])
    elif isinstance(value, RollingCounts):
        for window in (value.slot, value.horizon):
            value.counts(T0 + dt.timedelta(minutes=20), window)
        value.slot_totals(T0, T0 + dt.timedelta(minutes=20))
        value.add(T0 + dt.timedelta(minutes=30), good=1.0)
    elif isinstance(value, RollingSketch):
        value.window(T0 + dt.timedelta(minutes=10), value.slot)
        value.window(T0 + dt.timedelta(minutes=10), value.slot * value.slots)
        value.add(T0 + dt.timedelta(minutes=12), 0.25)
    serialization.dumps(value)  # still writable (no infinities)


@settings(
    max_examples=int(os.environ.get("INCIDENTKIT_FUZZ_EXAMPLES", "200")),
    deadline=1000,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(
    state=st.one_of(sketches(), counts(), rolling_sketches()),
    data=st.data(),
    bad=hostile,
)
def test_mutated_state_is_refused_or_fully_usable(
    state: object, data: st.DataObject, bad: object
) -> None:
    cls = type(state)
    document = serialization.to_dict(state)
    path = data.draw(st.sampled_from(leaves(document)), label="path")
    replace(document, path, bad)
    assume(path != ("schema_version",))
    try:
        loaded = serialization.from_dict(document, cls)
    except IncidentKitError as exc:
        message = str(exc)
    else:
        message = ""
    if message:
        assert "unknown error" not in message, message
        assert "unexpected " not in message, message
        return
    written = serialization.to_dict(loaded)
    # An object may omit keys that have defaults; an int read as a float may
    # round (10**30 becomes 1e30), a duration rounds to microseconds: otherwise
    # the document comes back as it was.
    if not isinstance(bad, (dict, int)) and path != ("slot",):
        assert written == document
    assert serialization.to_dict(serialization.from_dict(written, cls)) == written
    assert serialization.from_dict(serialization.to_dict(loaded), cls) == loaded
    exercise(loaded)


def test_nested_sketch_replaced_by_text_is_a_clean_validation_error() -> None:
    ring = RollingSketch(slot=SLOT, slots=1)
    ring.add(T0, 0.1)
    document = serialization.to_dict(ring)
    document["sketches"][0] = "x"
    with pytest.raises(IncidentKitError) as info:
        serialization.from_dict(document, RollingSketch)
    assert "$.sketches[0]: expected an object (got 'x')" in str(info.value)
