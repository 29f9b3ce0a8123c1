"""Hostile input: signal state built by hand or read from JSON keeps the invariants."""

import datetime as dt
import sys
import tracemalloc
from typing import Any

import pytest

from incidentkit import serialization
from incidentkit.errors import ValidationError
from incidentkit.signals import (
    MAX_RELATIVE_ACCURACY,
    MAX_SLOTS,
    MIN_RELATIVE_ACCURACY,
    AlertTracker,
    BurnPolicy,
    Condition,
    Decision,
    LatencyPolicy,
    LatencySketch,
    Notification,
    NotificationKind,
    PercentileTarget,
    RollingCounts,
    RollingSketch,
    SignalState,
    TrafficPolicy,
    WindowCounts,
    WindowValue,
)


UTC = dt.timezone.utc
T0 = dt.datetime(2024, 6, 1, 12, 0, tzinfo=UTC)
NAIVE = dt.datetime(2024, 6, 1, 12, 0)
PLUS2 = dt.timezone(dt.timedelta(hours=2))


# --- 1. datetimes are aware and UTC -------------------------------------------------


@pytest.mark.parametrize("field", ["evaluated_at", "clear_since", "missing_since"])
def test_tracker_refuses_naive_datetimes(field):
    kwargs: dict[str, Any] = {field: NAIVE}
    with pytest.raises(ValidationError) as info:
        AlertTracker(**kwargs)
    assert info.value.field == field


@pytest.mark.parametrize("field", ["evaluated_at", "clear_since", "missing_since"])
def test_tracker_converts_datetimes_to_utc(field):
    kwargs: dict[str, Any] = {field: T0.astimezone(PLUS2)}
    tracker = AlertTracker(**kwargs)
    assert getattr(tracker, field).tzinfo is UTC
    assert getattr(tracker, field) == T0


def test_tracker_state_with_naive_time_from_json_is_refused():
    data = serialization.to_dict(AlertTracker())
    data["evaluated_at"] = "2024-06-01T12:00:00"
    with pytest.raises(ValidationError):
        serialization.from_dict(data, AlertTracker)


def test_tracker_with_offset_time_updates():
    tracker = AlertTracker(evaluated_at=T0.astimezone(PLUS2))
    assert tracker.update(Condition.CLEAR, T0) is SignalState.OK


def test_notification_time_is_aware_utc():
    with pytest.raises(ValidationError) as info:
        Notification(NotificationKind.FIRING, "errors", None, NAIVE, "x")
    assert info.value.field == "at"
    n = Notification(NotificationKind.FIRING, "errors", None, T0.astimezone(PLUS2), "x")
    assert n.at.tzinfo is UTC


def test_window_counts_end_is_aware_utc():
    with pytest.raises(ValidationError) as info:
        WindowCounts(dt.timedelta(hours=1), NAIVE)
    assert info.value.field == "end"
    assert WindowCounts(dt.timedelta(hours=1), T0.astimezone(PLUS2)).end.tzinfo is UTC


# --- 2. tuple fields are tuples ------------------------------------------------------


def decision(**kwargs):
    return Decision("errors", SignalState.OK, SignalState.OK, T0, **kwargs)


def test_decision_reasons_list_becomes_a_tuple_and_hashes():
    d = decision(
        reasons=["burning"], windows=[WindowValue("1h", dt.timedelta(hours=1), 0.1)]
    )
    assert d.reasons == ("burning",)
    assert isinstance(d.windows, tuple)
    hash(d)


@pytest.mark.parametrize("bad", ["burning", b"burning", {"burning": 1}, [1], 5])
def test_decision_reasons_refuses_text_and_non_strings(bad):
    with pytest.raises(ValidationError) as info:
        decision(reasons=bad)
    assert info.value.field == "reasons"


@pytest.mark.parametrize("bad", ["1h", {"a": 1}, ["1h"]])
def test_decision_windows_refuses_non_window_values(bad):
    with pytest.raises(ValidationError) as info:
        decision(windows=bad)
    assert info.value.field == "windows"


def test_policy_tuple_fields_convert_lists():
    target = PercentileTarget(0.99, dt.timedelta(seconds=1))
    assert LatencyPolicy(targets=[target]).targets == (target,)
    assert TrafficPolicy(lookbacks=[dt.timedelta(days=1)]).lookbacks == (
        dt.timedelta(days=1),
    )
    window = BurnPolicy().windows[0]
    assert BurnPolicy(windows=[window]).windows == (window,)


@pytest.mark.parametrize(
    ("build", "field"),
    [
        (lambda: LatencyPolicy(targets="p99"), "targets"),
        (lambda: LatencyPolicy(targets=[0.99]), "targets"),
        (lambda: TrafficPolicy(lookbacks="1d"), "lookbacks"),
        (lambda: TrafficPolicy(lookbacks=[86400]), "lookbacks"),
        (lambda: TrafficPolicy(lookbacks=[dt.timedelta(0)]), "lookbacks"),
        (lambda: BurnPolicy(windows="ab"), "windows"),
    ],
)
def test_policy_tuple_fields_refuse_wrong_items(build, field):
    with pytest.raises(ValidationError) as info:
        build()
    assert info.value.field == field


# --- 3. sketch state that loads is usable ------------------------------------------


def sketch_data(values=(0.1, 0.2, 3.0)):
    sketch = LatencySketch()
    sketch.add_many(list(values))
    return serialization.to_dict(sketch)


def refused(data, cls=None):
    with pytest.raises(ValidationError) as info:
        serialization.from_dict({"schema_version": 1, **data}, cls or LatencySketch)
    assert "unknown error" not in str(info.value)
    assert "unexpected " not in str(info.value)
    return str(info.value)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("offset", 100_000),
        ("offset", -(10**22)),
        ("offset", -(10**8)),
        ("count", 5.0),
        ("count", 1.0),
        ("minimum", -1.0),
        ("maximum", -1.0),
        ("minimum", 10.0),
        ("maximum", 0.05),
        ("relative_accuracy", 1e-17),
        ("relative_accuracy", 5e-324),
        ("relative_accuracy", 0.9),
        ("total", float("inf")),
        ("total", -1.0),
        ("total", 1e6),
        ("zero_count", 1.0),
        ("max_buckets", 10**12),
    ],
)
def test_broken_sketch_state_is_refused(field, value):
    data = sketch_data()
    data[field] = value
    assert field in refused(data)


def test_sketch_bins_must_be_finite_non_negative_weights():
    data = sketch_data()
    data["bins"][0] = float("inf")
    assert "bins" in refused(data)
    data["bins"][0] = -5.0
    assert "bins" in refused(data)


def test_sketch_bins_outside_the_accuracy_range_are_refused():
    data = sketch_data([1.0])
    data["offset"] = 40_000  # gamma ** 40_000 is beyond the largest float
    assert "offset" in refused(data)


def test_sketch_empty_markers_must_match_an_empty_sketch():
    data = serialization.to_dict(LatencySketch())
    data["minimum"] = 0.0
    assert "minimum" in refused(data)


def test_sketch_bins_of_the_wrong_type_are_refused_when_built():
    bins: Any
    for bins in ({}, "", (1.0,)):
        with pytest.raises(ValidationError) as info:
            LatencySketch(bins=bins)
        assert info.value.field == "bins"


@pytest.mark.parametrize("accuracy", [1e-17, 5e-324, 0.9, 1e-5])
def test_relative_accuracy_is_bounded_everywhere(accuracy):
    for build in (
        lambda: LatencySketch(relative_accuracy=accuracy),
        lambda: LatencyPolicy(relative_accuracy=accuracy),
        lambda: RollingSketch(relative_accuracy=accuracy),
    ):
        with pytest.raises(ValidationError) as info:
            build()
        assert info.value.field == "relative_accuracy"


@pytest.mark.parametrize("accuracy", [MIN_RELATIVE_ACCURACY, MAX_RELATIVE_ACCURACY])
def test_relative_accuracy_limits_are_usable(accuracy):
    sketch = LatencySketch(relative_accuracy=accuracy)
    sketch.add_many([1e-300, 1e-6, 1.0])
    sketch.add(sys.float_info.max)
    for q in (0.0, 0.5, 1.0):
        estimate = sketch.quantile(q)
        assert estimate is not None
        assert estimate.lower <= estimate.value <= estimate.upper
    back = serialization.from_dict(serialization.to_dict(sketch), LatencySketch)
    assert back == sketch


def test_sketch_totals_stay_finite():
    sketch = LatencySketch()
    sketch.add(1e308)
    with pytest.raises(ValidationError):
        sketch.add(1e308)
    with pytest.raises(ValidationError):
        sketch.add_many([1e308, 1e308])
    assert sketch.count == 1.0
    assert (
        serialization.from_dict(serialization.to_dict(sketch), LatencySketch) == sketch
    )


def test_sketch_spanning_more_than_max_buckets_allocates_only_max_buckets():
    sketch = LatencySketch(relative_accuracy=MIN_RELATIVE_ACCURACY, max_buckets=16)
    sketch.add(1e-300)
    tracemalloc.start()
    try:
        sketch.add(1e300)  # ~6.9 million buckets above the first one
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 100_000
    assert len(sketch.bins) <= 16
    assert sketch.count == 2.0
    assert sketch.collapsed_to is not None
    top = sketch.quantile(1.0)
    assert top is not None
    assert top.upper >= 1e300


def test_sketch_max_buckets_limit_is_overridable(monkeypatch):
    with pytest.raises(ValidationError) as info:
        LatencySketch(max_buckets=LatencySketch.MAX_BUCKETS_LIMIT + 1)
    assert info.value.field == "max_buckets"
    monkeypatch.setattr(LatencySketch, "MAX_BUCKETS_LIMIT", 10**7)
    assert LatencySketch(max_buckets=10**6 + 1).max_buckets == 10**6 + 1


# --- 4. rolling state: bounded sizes, ring invariants ---------------------------------


def counts_data():
    counts = RollingCounts(slots=4)
    counts.add(T0, good=3, explicit=1)
    counts.add(T0 + dt.timedelta(minutes=1), good=2)
    return serialization.to_dict(counts)


def test_huge_slots_are_refused_before_allocating():
    tracemalloc.start()
    try:
        assert "slots" in refused({"slots": 100_000_000}, RollingCounts)
        with pytest.raises(ValidationError) as info:
            RollingSketch(slots=100_000_000)
        assert info.value.field == "slots"
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 1_000_000


@pytest.mark.parametrize("slots", ["60", 60.0, True, 0])
def test_slots_of_the_wrong_type_are_refused_by_the_constructor(slots):
    for cls in (RollingCounts, RollingSketch):
        with pytest.raises(ValidationError) as info:
            cls(slots=slots)
        assert info.value.field == "slots"


def test_slots_limit_is_overridable(monkeypatch):
    monkeypatch.setattr(RollingCounts, "MAX_SLOTS", 10)
    with pytest.raises(ValidationError):
        RollingCounts(slots=11)
    monkeypatch.setattr(RollingCounts, "MAX_SLOTS", MAX_SLOTS * 2)
    assert RollingCounts(slots=MAX_SLOTS + 1).slots == MAX_SLOTS + 1


@pytest.mark.parametrize(
    ("field", "index", "value"),
    [
        ("good", 0, -5.0),
        ("good", 0, float("inf")),
        ("explicit", 1, -1.0),
        ("good", 3, 1.0),  # a count in a slot that never received data
        ("ids", 0, 7),  # not the slot index this position holds
        ("ids", 0, 10**30),  # beyond the datetime range
    ],
)
def test_broken_ring_entries_are_refused(field, index, value):
    data = counts_data()
    data[field][index] = value
    assert field in refused(data, RollingCounts)


@pytest.mark.parametrize(
    ("field", "value"),
    [("first", None), ("first", 10**30), ("dropped", float("inf")), ("dropped", -1.0)],
)
def test_broken_ring_scalars_are_refused(field, value):
    data = counts_data()
    data[field] = value
    assert field in refused(data, RollingCounts)


def test_first_after_the_data_is_refused():
    data = counts_data()
    data["first"] = data["ids"][data["ids"].index(max(data["ids"]))]
    assert "first" in refused(data, RollingCounts)


def test_rolling_counts_stay_finite():
    counts = RollingCounts(slots=4)
    counts.add(T0, good=1e308)
    with pytest.raises(ValidationError):
        counts.add(T0, good=1e308)
    assert (
        serialization.from_dict(serialization.to_dict(counts), RollingCounts) == counts
    )


def test_rolling_sketch_ring_must_pair_ids_and_sketches():
    ring = RollingSketch(slots=2)
    ring.add(T0, 0.3)
    data = serialization.to_dict(ring)
    broken = dict(data, sketches=[None, None])
    assert "sketches" in refused(broken, RollingSketch)
    swapped = list(reversed(data["ids"]))
    assert "ids" in refused(dict(data, ids=swapped), RollingSketch)
    empty = dict(data, ids=[-(2**62), -(2**62)])
    assert "sketches" in refused(empty, RollingSketch)


def test_sketch_of_subnormal_values_round_trips():
    sketch = LatencySketch()
    sketch.add_many([sys.float_info.min, sys.float_info.min])
    back = serialization.from_dict(serialization.to_dict(sketch), LatencySketch)
    assert back == sketch
