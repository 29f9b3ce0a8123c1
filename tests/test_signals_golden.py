from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from incidentkit.errors import ValidationError
from incidentkit.signals import (
    AlertPolicy,
    Condition,
    ErrorBudgetEvaluator,
    GoldenSignals,
    LatencyEvaluator,
    LatencyPolicy,
    LatencySketch,
    Request,
)
from incidentkit.signals._state import stale


T0 = datetime(2024, 6, 1, 12, 0, tzinfo=timezone.utc)
SECOND = timedelta(seconds=1)


def test_a_latency_evaluator_with_another_promise_is_refused() -> None:
    slower = LatencyEvaluator(LatencyPolicy(promise=2 * SECOND))
    with pytest.raises(
        ValidationError,
        match=r"'latency\.policy\.promise' must be equal to latency_slo",
    ):
        GoldenSignals(latency=slower)


def test_an_errors_evaluator_with_another_objective_is_refused() -> None:
    with pytest.raises(
        ValidationError, match=r"'errors\.objective' must be equal to objective"
    ):
        GoldenSignals(objective=0.99, errors=ErrorBudgetEvaluator(0.999))


def test_replacing_one_side_later_is_refused_too() -> None:
    gs = GoldenSignals()
    with pytest.raises(ValidationError, match="must be equal to latency_slo"):
        gs.latency = LatencyEvaluator(LatencyPolicy(promise=2 * SECOND))
    with pytest.raises(ValidationError, match="must be equal to latency_slo"):
        gs.latency_slo = 2 * SECOND
    with pytest.raises(ValidationError, match="must be equal to objective"):
        gs.objective = 0.99


def test_too_slow_follows_the_latency_evaluators_promise() -> None:
    policy = LatencyPolicy(promise=2 * SECOND, window=timedelta(minutes=1))
    gs = GoldenSignals(latency_slo=2 * SECOND, latency=LatencyEvaluator(policy))
    gs.observe(Request(T0, timedelta(milliseconds=1500)))
    gs.observe(Request(T0, 3 * SECOND))
    window = gs.errors.counts.counts(T0, timedelta(minutes=1))
    assert (window.good, window.policy) == (1.0, 1.0)
    assert gs.latency.counts.counts(T0, timedelta(minutes=1)).policy == 1.0


def test_staleness_is_judged_the_same_way_everywhere() -> None:
    policy = AlertPolicy(stale_after=timedelta(minutes=5))
    assert stale(T0, T0 + timedelta(minutes=5), policy) is None
    assert stale(None, T0, policy) == (Condition.NO_DATA, ("no data received",))
    later = T0 + timedelta(minutes=5, seconds=1)
    expected = (Condition.NO_DATA, ("no data received since 2024-06-01T12:00:00Z",))
    assert stale(T0, later, policy) == expected
    gs = GoldenSignals(alerting=policy)
    gs.heartbeat(T0)
    decisions = gs.evaluate(later)
    reasons = {d.reasons[0] for d in (decisions.latency, decisions.errors)}
    assert reasons == {expected[1][0]}
    assert decisions.traffic.reasons[0] == expected[1][0]


def test_every_evaluator_tracks_with_its_own_alerting_policy() -> None:
    policy = AlertPolicy(breaches=2, of_last=3)
    gs = GoldenSignals(alerting=policy)
    assert [e.tracker.policy for e in (gs.latency, gs.traffic, gs.errors)] == [
        policy
    ] * 3
    assert gs.saturation.tracker.policy is policy


# --- latency units -----------------------------------------------------------


def test_a_request_takes_float_seconds_as_well_as_a_timedelta() -> None:
    assert Request(T0, 0.25).latency == timedelta(milliseconds=250)
    assert Request(T0, 2).latency == 2 * SECOND
    assert Request(T0, 0.25) == Request(T0, timedelta(milliseconds=250))


@pytest.mark.parametrize("bad", [-0.1, float("nan"), float("inf"), True, "0.1"])
def test_a_bad_latency_is_refused_naming_both_units(bad: object) -> None:
    with pytest.raises(
        ValidationError,
        match=r"'latency' must be a non-negative timedelta or number of seconds",
    ):
        Request(T0, bad)  # type: ignore[arg-type]


# --- aggregated input --------------------------------------------------------

MIN = timedelta(minutes=1)


def test_observe_counts_records_counters_and_a_histogram() -> None:
    gs = GoldenSignals()
    gs.observe_counts(
        T0,
        good=950,
        explicit=30,
        implicit=10,
        policy=10,
        latencies={0.1: 900, 0.5: 50, 2.0: 20},
        failed_latencies={0.05: 30},
    )
    window = gs.errors.counts.counts(T0, MIN)
    assert (window.good, window.explicit, window.implicit, window.policy) == (
        950.0,
        30.0,
        10.0,
        10.0,
    )
    assert gs.traffic.history.counts(T0, MIN).good == 1000.0
    latency = gs.latency.counts.counts(T0, MIN)
    assert (latency.good, latency.policy) == (990.0, 10.0)
    ok = gs.latency.ok.window(T0, MIN)
    assert (ok.count, gs.latency.failed.window(T0, MIN).count) == (970.0, 30.0)
    # Rank floor(0.99 * 969) = 959 of 900 x 0.1 s, 50 x 0.5 s, 20 x 2 s: 2 s.
    p99 = ok.quantile(0.99)
    assert p99 is not None
    assert abs(p99.value - 2.0) <= 0.01 * 2.0
    decisions = gs.evaluate(T0)
    assert decisions.latency.state.value == "firing"
    # 50 bad of 1000 is 5 %: a 50x burn of the 0.1 % budget.
    assert decisions.errors.windows[0].burn_rate == pytest.approx(50.0)


def test_observe_counts_takes_a_latency_sketch() -> None:
    gs = GoldenSignals()
    sketch = LatencySketch()
    sketch.add_many([0.1, 0.2, 0.3])
    gs.observe_counts(T0, good=3, latencies=sketch)
    assert gs.latency.ok.window(T0, MIN).count == 3.0
    assert sketch.count == 3.0  # the caller's sketch is merged, not changed


def test_all_zero_counts_say_the_source_is_alive() -> None:
    gs = GoldenSignals()
    gs.observe_counts(T0)
    assert gs.errors.counts.last_seen == T0
    assert gs.traffic.history.counts(T0, MIN).total == 0.0


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"good": -1}, r"'good' must be a finite, non-negative count \(got -1\)"),
        ({"policy": float("inf")}, r"'policy' must be a finite, non-negative count"),
        ({"explicit": True}, r"'explicit' must be a finite, non-negative count"),
        (
            {"latencies": {float("inf"): 3}},
            (
                r"'latencies' must be finite, non-negative bucket upper bounds "
                r"\(seconds\) \(got inf\)"
            ),
        ),
        (
            {"latencies": {0.1: -1}},
            r"'latencies\[0\.1\]' must be a finite, non-negative count \(got -1\)",
        ),
        ({"failed_latencies": [0.1]}, r"'failed_latencies' must be a LatencySketch"),
        (
            {"latencies": LatencySketch(relative_accuracy=0.02)},
            (
                r"'latencies' must be a LatencySketch of the latency policy's "
                r"relative_accuracy 0\.01 \(got 0\.02\)"
            ),
        ),
    ],
)
def test_bad_aggregates_are_refused_and_nothing_is_recorded(
    kwargs: dict[str, object], message: str
) -> None:
    gs = GoldenSignals()
    with pytest.raises(ValidationError, match=message):
        gs.observe_counts(T0, **{"implicit": 5, **kwargs})  # type: ignore[arg-type]
    assert gs.errors.counts.last_seen is None
    assert gs.traffic.history.last_seen is None
    assert gs.latency.ok.window(T0, MIN).count == 0.0


# --- observe_many ------------------------------------------------------------


def test_observe_many_counts_each_kind_per_slot() -> None:
    gs = GoldenSignals()
    gs.observe_many(
        [
            Request(T0 + 61 * SECOND, 1.5, correct=False),  # slow, wrong content
            Request(T0, 0.1),
            Request(T0 + 30 * SECOND, 0.2, ok=False),
            Request(T0 + 62 * SECOND, 1.5),  # slow: a policy error
        ]
    )
    first = gs.errors.counts.counts(T0 + 30 * SECOND, MIN)
    assert (first.good, first.explicit, first.implicit, first.policy) == (
        1.0,
        1.0,
        0.0,
        0.0,
    )
    second = gs.errors.counts.counts(T0 + 62 * SECOND, MIN)
    assert (second.good, second.explicit, second.implicit, second.policy) == (
        0.0,
        0.0,
        1.0,
        1.0,
    )
    assert gs.errors.counts.last_seen == T0 + 62 * SECOND
    both = gs.latency.counts.counts(T0 + 62 * SECOND, 2 * MIN)
    assert (both.good, both.policy) == (2.0, 2.0)
    assert gs.traffic.history.counts(T0 + 62 * SECOND, 2 * MIN).good == 4.0
    ok = gs.latency.ok.window(T0 + 62 * SECOND, 2 * MIN)
    assert (ok.count, ok.minimum, ok.maximum) == (3.0, 0.1, 1.5)


def _stream() -> list[Request]:
    out = []
    for i in range(600):
        at = T0 + timedelta(seconds=(i * 7919) % 300)  # five minutes, shuffled
        latency = timedelta(milliseconds=5 + (i * 37) % 1600)
        out.append(Request(at, latency, ok=i % 13 != 0, correct=i % 17 != 0))
    return out


def _same_state(a: GoldenSignals, b: GoldenSignals) -> None:
    assert a.errors.counts == b.errors.counts
    assert a.traffic.history == b.traffic.history
    assert a.latency.counts == b.latency.counts
    for mine, theirs in (
        (a.latency.ok, b.latency.ok),
        (a.latency.failed, b.latency.failed),
    ):
        assert mine.ids == theirs.ids
        for x, y in zip(mine.sketches, theirs.sketches, strict=True):
            assert (x is None) == (y is None)
            if x is not None and y is not None:
                assert (x.bins, x.offset, x.count, x.minimum, x.maximum) == (
                    y.bins,
                    y.offset,
                    y.count,
                    y.minimum,
                    y.maximum,
                )
                assert x.total == pytest.approx(y.total)


def test_observe_many_ends_where_observe_one_by_one_does() -> None:
    batched, single = GoldenSignals(), GoldenSignals()
    batched.observe_many(iter(_stream()))
    for request in _stream():
        single.observe(request)
    _same_state(batched, single)
    now = T0 + 5 * MIN
    assert list(batched.evaluate(now)) == list(single.evaluate(now))


def test_rings_that_do_not_nest_fall_back_to_one_by_one() -> None:
    from incidentkit.signals import TrafficEvaluator, TrafficPolicy

    def build() -> GoldenSignals:
        gs = GoldenSignals()
        gs.traffic = TrafficEvaluator(TrafficPolicy(slot=90 * SECOND))
        return gs

    batched, single = build(), build()
    batched.observe_many(_stream())
    for request in _stream():
        single.observe(request)
    _same_state(batched, single)


@settings(max_examples=30, deadline=None)
@given(
    st.lists(
        st.tuples(
            # Within four minutes: inside every ring, so no order drops anything.
            st.integers(min_value=0, max_value=239),  # seconds from T0
            st.integers(min_value=0, max_value=5_000_000),  # latency in microseconds
            st.booleans(),
            st.booleans(),
        ),
        max_size=60,
    )
)
def test_observe_many_is_observe_one_by_one_for_any_stream(
    rows: list[tuple[int, int, bool, bool]],
) -> None:
    stream = [
        Request(T0 + timedelta(seconds=s), timedelta(microseconds=us), ok, correct)
        for s, us, ok, correct in rows
    ]
    batched, single = GoldenSignals(), GoldenSignals()
    batched.observe_many(stream)
    for request in stream:
        single.observe(request)
    _same_state(batched, single)


def test_observe_many_sorts_by_time_so_a_late_request_is_not_dropped() -> None:
    late = [Request(T0 + 14 * MIN, 0.1), Request(T0 - SECOND, 0.1)]
    batched, single = GoldenSignals(), GoldenSignals()
    batched.observe_many(late)
    for request in late:
        single.observe(request)
    # One by one, 12:14 took the 5-minute latency ring's slot first and 11:59
    # arrived too late for it; in a batch, 11:59 is counted first.
    assert (single.latency.counts.dropped, batched.latency.counts.dropped) == (1.0, 0.0)
    assert batched.latency.counts.counts(T0 + 14 * MIN, 5 * MIN).total == 1.0
    assert batched.errors.counts == single.errors.counts


def test_observing_what_is_not_a_request_is_refused_naming_it():
    import pytest

    from incidentkit.errors import ValidationError

    gs = GoldenSignals()
    with pytest.raises(ValidationError) as many:
        gs.observe_many([1, 2])  # type: ignore[list-item]
    with pytest.raises(ValidationError) as one:
        gs.observe("fast")  # type: ignore[arg-type]

    assert [("requests", 1), ("request", "fast")] == [
        (many.value.field, many.value.got),
        (one.value.field, one.value.got),
    ]
