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
        w = {k: float(weight) if k == kind else 0.0 for k in KINDS}
        counts.add(
            T0 + timedelta(seconds=second),
            good=w["good"],
            explicit=w["explicit"],
            implicit=w["implicit"],
            policy=w["policy"],
        )


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


def test_coverage_is_the_share_of_the_window_slots_that_received_data() -> None:
    counts = RollingCounts()
    counts.add(T0, good=1)
    counts.add(T0 + timedelta(minutes=10))  # alive, no events: still data
    now = T0 + timedelta(minutes=14)
    assert counts.counts(now, timedelta(hours=1)).coverage == 2 / 60
    assert counts.counts(now, timedelta(minutes=5)).coverage == 1 / 5
    assert counts.counts(now, timedelta(minutes=4)).coverage == 0.0
    assert counts.counts(T0 - timedelta(minutes=1), SLOT).coverage == 0.0


# --- defect 1: future-dated events -------------------------------------------


def test_one_event_a_year_ahead_does_not_blind_the_ring() -> None:
    # Before: the year-ahead event took a ring position; every real event of
    # that position was dropped, last_seen stayed a year ahead (always fresh).
    counts = RollingCounts(slot=SLOT, slots=10)
    counts.add(T0, good=1)
    counts.counts(T0, SLOT)  # the ring now knows the time
    counts.add(T0 + timedelta(days=365), good=7)
    for minute in range(1, 30):
        counts.add(T0 + timedelta(minutes=minute), explicit=100)
    now = T0 + timedelta(minutes=29)
    window = counts.counts(now, timedelta(minutes=10))
    assert (window.explicit, window.good, window.coverage) == (1000.0, 0.0, 1.0)
    assert (counts.future, counts.dropped) == (7.0, 0.0)
    assert counts.last_seen == now


def test_a_future_event_before_any_evaluation_leaves_at_the_first() -> None:
    counts = RollingCounts(slot=SLOT, slots=10)
    counts.add(T0 + timedelta(days=365, minutes=3), good=7)
    counts.add(T0, explicit=3)
    window = counts.counts(T0, timedelta(minutes=10))
    assert (window.explicit, window.good) == (3.0, 0.0)
    assert counts.future == 7.0
    assert counts.last_seen == T0  # the start of the newest slot kept
    assert counts.first == slot_of(T0)


def test_an_explicit_now_refuses_future_events_from_the_start() -> None:
    counts = RollingCounts(slot=SLOT, slots=10)
    counts.add(T0 + timedelta(minutes=6), good=2, now=T0)
    counts.add(T0 + timedelta(minutes=5), good=1, now=T0)  # within max_skew
    counts.add(T0 - timedelta(minutes=10), good=8, now=T0)  # older than the ring
    assert (counts.future, counts.dropped, sum(counts.good), counts.first) == (
        2.0,
        8.0,
        1.0,
        slot_of(T0 + timedelta(minutes=5)),
    )
    assert counts.clock == T0


def test_max_skew_is_configurable_and_checked() -> None:
    counts = RollingCounts(slot=SLOT, slots=10, max_skew=timedelta(minutes=1))
    counts.counts(T0, SLOT)
    counts.add(T0 + timedelta(minutes=2), good=1)
    assert counts.future == 1.0
    with pytest.raises(ValidationError, match="max_skew"):
        RollingCounts(max_skew=timedelta(0))


def test_a_rolling_sketch_refuses_future_values_too() -> None:
    ring = RollingSketch(slot=SLOT, slots=10)
    ring.window(T0, SLOT)
    ring.add(T0 + timedelta(days=365), 9.0)
    for minute in range(1, 12):
        ring.add(T0 + timedelta(minutes=minute), 0.1)
    window = ring.window(T0 + timedelta(minutes=11), timedelta(minutes=10))
    assert (window.count, window.maximum) == (10.0, 0.1)
    assert (ring.future, ring.dropped) == (1.0, 0.0)
    early = RollingSketch(slot=SLOT, slots=10)
    early.add(T0 + timedelta(days=365, minutes=3), 9.0)
    early.add(T0, 0.2)
    assert early.window(T0, SLOT).count == 1.0
    assert (early.future, early.last_seen) == (1.0, T0)


def test_future_state_round_trips_and_is_checked() -> None:
    counts = RollingCounts(slot=SLOT, slots=10)
    counts.counts(T0, SLOT)
    counts.add(T0 + timedelta(days=1), good=4)
    counts.add(T0, good=1)
    back = serialization.loads(serialization.dumps(counts), RollingCounts)
    assert back == counts
    assert (back.future, back.clock) == (4.0, T0)
    data = serialization.to_dict(counts)
    for field, value in (("future", -1.0), ("last_seen", None)):
        with pytest.raises(ValidationError, match=field):
            serialization.from_dict(dict(data, **{field: value}), RollingCounts)


# --- defect 2: late events, first and coverage -------------------------------


def test_an_event_older_than_the_ring_is_dropped_and_keeps_first() -> None:
    # Before: dropped == 0, first moved back 25 minutes, coverage 1.0.
    counts = RollingCounts(slot=SLOT, slots=10)
    counts.add(T0 + timedelta(minutes=30), good=1)
    counts.counts(T0 + timedelta(minutes=30), SLOT)  # the ring knows the time
    counts.add(T0 + timedelta(minutes=5), good=4)  # 25 minutes late
    assert (counts.dropped, counts.first) == (4.0, slot_of(T0 + timedelta(minutes=30)))
    window = counts.counts(T0 + timedelta(minutes=30), timedelta(minutes=10))
    assert (window.good, window.coverage) == (1.0, 0.1)


def test_merge_does_not_take_a_first_slot_it_dropped() -> None:
    mine = RollingCounts(slot=SLOT, slots=10)
    mine.add(T0 + timedelta(minutes=30), good=1, now=T0 + timedelta(minutes=30))
    theirs = RollingCounts(slot=SLOT, slots=10)
    theirs.add(T0 + timedelta(minutes=18), good=4)  # too old for mine
    theirs.add(T0 + timedelta(minutes=25), good=2)
    mine.merge(theirs)
    assert (mine.dropped, mine.first) == (4.0, slot_of(T0 + timedelta(minutes=25)))
    window = mine.counts(T0 + timedelta(minutes=30), timedelta(minutes=10))
    assert (window.good, window.coverage) == (3.0, 0.2)


def test_coverage_after_a_two_hour_gap_counts_the_slots_with_data() -> None:
    # Before: 1.0 with 1 of 60 slots filled.
    counts = RollingCounts()
    for minute in range(60):
        counts.add(T0 + timedelta(minutes=minute), good=1)
    now = T0 + timedelta(hours=3)
    counts.add(now, good=1)
    assert counts.counts(now, timedelta(hours=1)).coverage == 1 / 60


def slot_of(at: datetime) -> int:
    return (at - datetime(1970, 1, 1, tzinfo=timezone.utc)) // SLOT


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
