from __future__ import annotations

import math
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from incidentkit import serialization
from incidentkit.errors import ValidationError
from incidentkit.signals import LatencySketch, RollingCounts, RollingSketch


T0 = datetime(2024, 6, 1, 12, 0, tzinfo=timezone.utc)
SLOT = timedelta(minutes=1)
RING = 30
KINDS = ("good", "explicit", "implicit", "policy")

Event = tuple[int, str, int]  # seconds after T0, kind, weight
events_strategy = st.lists(
    st.tuples(
        st.integers(min_value=0, max_value=RING * 60 - 1),
        st.sampled_from(KINDS),
        st.integers(min_value=0, max_value=5),
    ),
    max_size=60,
)


def feed(counts: RollingCounts, events: list[Event]) -> None:
    for second, kind, weight in events:
        counts.add(T0 + timedelta(seconds=second), **{kind: float(weight)})


def brute_force(events: list[Event], now: datetime, minutes: int) -> dict[str, float]:
    """Sum events whose minute is one of the `minutes` minutes ending with now's."""
    end = (now - T0) // SLOT
    sums = dict.fromkeys(KINDS, 0.0)
    for second, kind, weight in events:
        if end - minutes < second // 60 <= end:
            sums[kind] += weight
    return sums


@given(
    events_strategy,
    st.integers(min_value=1, max_value=RING),
    st.integers(min_value=0, max_value=RING * 60 - 1),
)
def test_window_counts_equal_a_brute_force_recount(
    events: list[Event], minutes: int, now_second: int
) -> None:
    latest = max((second for second, _, _ in events), default=0)
    now = T0 + timedelta(seconds=max(now_second, latest))
    counts = RollingCounts(slot=SLOT, slots=RING)
    feed(counts, events)
    window = counts.counts(now, timedelta(minutes=minutes))
    expected = brute_force(events, now, minutes)
    assert expected == {
        "good": window.good,
        "explicit": window.explicit,
        "implicit": window.implicit,
        "policy": window.policy,
    }


@given(events_strategy, events_strategy)
def test_merged_counts_equal_counts_fed_with_both_streams(
    a: list[Event], b: list[Event]
) -> None:
    both = RollingCounts(slot=SLOT, slots=RING)
    feed(both, a + b)
    left = RollingCounts(slot=SLOT, slots=RING)
    feed(left, a)
    right = RollingCounts(slot=SLOT, slots=RING)
    feed(right, b)
    left.merge(right)
    now = T0 + timedelta(minutes=RING - 1)
    for minutes in (1, 7, RING):
        assert both.counts(now, timedelta(minutes=minutes)) == left.counts(
            now, timedelta(minutes=minutes)
        )
    assert both.first == left.first
    assert both.last_seen == left.last_seen


def test_old_slots_are_reused_and_late_events_are_reported_as_dropped() -> None:
    counts = RollingCounts(slot=SLOT, slots=10)
    counts.add(T0, good=5)
    counts.add(T0 + timedelta(minutes=10), good=1)  # reuses T0's position
    counts.add(T0, explicit=2)  # too late: the ring has moved on
    window = counts.counts(T0 + timedelta(minutes=10), timedelta(minutes=10))
    assert (window.good, window.bad) == (1.0, 0.0)
    assert counts.dropped == 2.0
    assert len(counts.ids) == 10


def test_coverage_is_the_share_of_the_window_since_data_began() -> None:
    counts = RollingCounts()
    counts.add(T0, good=1)
    now = T0 + timedelta(minutes=14)
    assert counts.counts(now, timedelta(hours=1)).coverage == pytest.approx(15 / 60)
    assert counts.counts(now, timedelta(minutes=5)).coverage == 1.0
    assert counts.counts(T0 - timedelta(minutes=1), SLOT).coverage == 0.0


def test_zero_traffic_slots_differ_from_slots_without_data() -> None:
    counts = RollingCounts()
    counts.add(T0, good=4)
    counts.add(T0 + timedelta(minutes=2))
    assert counts.slot_totals(T0, T0 + timedelta(minutes=3)) == (4.0, None, 0.0, None)


def test_window_longer_than_the_ring_is_refused() -> None:
    with pytest.raises(ValidationError, match="'window' must be at most"):
        RollingCounts(slots=60).counts(T0, timedelta(hours=2))


def test_naive_times_are_refused_naming_the_field() -> None:
    with pytest.raises(ValidationError, match="'at' must be a timezone-aware"):
        RollingCounts().add(datetime(2024, 6, 1), good=1)


@pytest.mark.parametrize("bad", [-1.0, math.nan, math.inf])
def test_negative_or_non_finite_counts_are_refused(bad: float) -> None:
    with pytest.raises(ValidationError, match="'explicit' must be a finite"):
        RollingCounts().add(T0, explicit=bad)


def test_counts_of_different_shapes_do_not_merge() -> None:
    with pytest.raises(ValidationError, match=r"'other\.slots' must be 10"):
        RollingCounts(slots=10).merge(RollingCounts(slots=20))


@pytest.mark.parametrize(
    ("field", "kwargs"),
    [("slot", {"slot": timedelta(0)}), ("slots", {"slots": 0})],
)
def test_ring_shape_is_validated(field: str, kwargs: dict[str, object]) -> None:
    with pytest.raises(ValidationError, match=f"'{field}' must be a positive"):
        RollingCounts(**kwargs)  # type: ignore[arg-type]


def test_rolling_sketch_window_holds_only_recent_slots() -> None:
    ring = RollingSketch(slot=SLOT, slots=10)
    for minute in range(20):
        ring.add(T0 + timedelta(minutes=minute), 0.001 * (minute + 1))
    last_five = ring.window(T0 + timedelta(minutes=19), timedelta(minutes=5))
    assert last_five.count == 5.0
    assert last_five.minimum == pytest.approx(0.016)
    assert last_five.maximum == pytest.approx(0.020)


def test_rolling_sketches_merge_slot_by_slot() -> None:
    a = RollingSketch(slot=SLOT, slots=10)
    b = RollingSketch(slot=SLOT, slots=10)
    a.add(T0, 0.1)
    b.add(T0, 0.2)
    b.add(T0 + timedelta(minutes=3), 0.3)
    a.merge(b)
    merged = a.window(T0 + timedelta(minutes=3), timedelta(minutes=4))
    assert (merged.count, merged.minimum, merged.maximum) == (3.0, 0.1, 0.3)


@pytest.mark.parametrize("field", ["ids", "good", "explicit", "implicit", "policy"])
def test_counts_state_of_the_wrong_shape_is_refused(field: str) -> None:
    with pytest.raises(
        ValidationError,
        match=rf"'{field}' must be a list with one entry per slot, 3 entries \(got 0\)",
    ):
        RollingCounts(slots=3, **{field: []})  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("first", "7", "None or a slot index"),
        ("dropped", -1.0, "a finite, non-negative count"),
        ("last_seen", datetime(2024, 6, 1), "a timezone-aware"),
    ],
)
def test_counts_scalars_loaded_from_json_are_checked(
    field: str, value: object, expected: str
) -> None:
    with pytest.raises(ValidationError, match=f"'{field}' must be {expected}"):
        RollingCounts(slots=3, **{field: value})  # type: ignore[arg-type]


def test_counts_loaded_from_the_wire_format_are_checked() -> None:
    data = serialization.to_dict(RollingCounts(slots=3))
    assert isinstance(data, dict)
    data["ids"] = []
    with pytest.raises(
        ValidationError, match="'ids' must be a list with one entry per slot, 3"
    ):
        serialization.from_dict(data, RollingCounts)


def test_sketch_ring_state_of_the_wrong_shape_is_refused() -> None:
    with pytest.raises(
        ValidationError, match="'ids' must be a list with one entry per slot, 3"
    ):
        RollingSketch(slots=3, ids=[])
    with pytest.raises(
        ValidationError, match="'sketches' must be a list with one entry per slot, 3"
    ):
        RollingSketch(slots=3, sketches=[None])
    other = LatencySketch(relative_accuracy=0.02)
    with pytest.raises(
        ValidationError, match="'sketches' must be sketches of the ring's relative"
    ):
        RollingSketch(slots=2, sketches=[other, None])
    with pytest.raises(
        ValidationError, match="'relative_accuracy' must be a float from"
    ):
        RollingSketch(relative_accuracy=2.0)


def test_rolling_sketch_counts_late_values_as_dropped() -> None:
    ring = RollingSketch(slot=SLOT, slots=10)
    ring.add(T0, 0.1)
    ring.add(T0 + timedelta(minutes=10), 0.2)  # reuses T0's position
    ring.add(T0, 0.3)  # too late: the ring has moved on
    assert ring.dropped == 1.0
    assert ring.window(T0 + timedelta(minutes=10), timedelta(minutes=10)).count == 1.0
    with pytest.raises(ValidationError, match="'value' must be a finite"):
        ring.add(T0, -1.0)  # checked even when too late to count
    old = RollingSketch(slot=SLOT, slots=10)
    old.add(T0, 0.4)
    old.add(T0, 0.5)
    old.dropped = 3.0
    ring.merge(old)
    assert ring.dropped == 1.0 + 2.0 + 3.0
