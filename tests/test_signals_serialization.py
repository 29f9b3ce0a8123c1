"""Signal state and decisions survive the wire format: a pipeline can checkpoint."""

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from incidentkit import serialization
from incidentkit.signals import (
    Decision,
    GoldenSignals,
    LatencySketch,
    Request,
    RollingCounts,
    SignalState,
    Urgency,
    WindowValue,
)


UTC = dt.timezone.utc
T0 = dt.datetime(2024, 6, 1, 12, 0, tzinfo=UTC)


def round_trip(value, cls):
    return serialization.loads(serialization.dumps(value), cls)


latencies = st.floats(min_value=0.0, max_value=1e4, allow_nan=False)


@given(st.lists(latencies, max_size=200))
def test_sketch_state_round_trips_and_answers_the_same(values):
    sketch = LatencySketch()
    sketch.add_many(values)

    back = round_trip(sketch, LatencySketch)

    assert sketch == back
    if values:
        assert sketch.quantile(0.99) == back.quantile(0.99)
    back.add(1.0)
    assert sketch.count + 1 == back.count


@given(
    st.lists(
        st.tuples(st.integers(0, 3600), st.integers(0, 5), st.integers(0, 5)),
        max_size=50,
    )
)
def test_rolling_counts_round_trip(records):
    counts = RollingCounts(slot=dt.timedelta(minutes=1), slots=60)
    for second, good, bad in sorted(records):
        counts.add(T0 + dt.timedelta(seconds=second), good=good, explicit=bad)

    back = round_trip(counts, RollingCounts)
    now = T0 + dt.timedelta(hours=1)

    assert counts == back
    assert counts.counts(now, dt.timedelta(minutes=30)) == back.counts(
        now, dt.timedelta(minutes=30)
    )


def test_decisions_round_trip():
    decision = Decision(
        "errors",
        SignalState.FIRING,
        SignalState.OK,
        T0,
        Urgency.PAGE,
        objective="99.9% good over 30d",
        rule="page 14.4x 1h/5m",
        windows=(WindowValue("1h", dt.timedelta(hours=1), 0.02, 72000.0, 1.0, 20.0),),
        thresholds={"burn_rate": 14.4},
        budget_consumed=0.0278,
        time_to_exhaustion=dt.timedelta(hours=35),
        reasons=("error budget burning 20x over 1h and 5m",),
    )

    assert decision == round_trip(decision, Decision)
    assert hash(decision) == hash(round_trip(decision, Decision))


def test_a_whole_pipeline_checkpoints_and_resumes_identically():
    gs = GoldenSignals(objective=0.999, latency_slo=dt.timedelta(seconds=1))
    for second in range(120):
        at = T0 + dt.timedelta(seconds=second)
        gs.observe(Request(at, dt.timedelta(milliseconds=80), ok=second % 7 != 0))
    gs.evaluate(T0 + dt.timedelta(seconds=120))

    resumed = round_trip(gs, GoldenSignals)
    later = T0 + dt.timedelta(seconds=180)
    for pipeline in (gs, resumed):
        pipeline.observe(Request(later, dt.timedelta(seconds=3), ok=False))

    assert [d.state for d in gs.evaluate(later)] == [
        d.state for d in resumed.evaluate(later)
    ]
    assert gs.evaluate(later + dt.timedelta(seconds=10)) == resumed.evaluate(
        later + dt.timedelta(seconds=10)
    )
