"""Scenario replays from the issue: each feeds a stream and checks the decisions."""

from __future__ import annotations

import math
from datetime import datetime, timedelta, timezone

from incidentkit.signals import (
    GoldenSignals,
    LatencyEvaluator,
    Notification,
    Notifier,
    Request,
    ResourceReading,
    SaturationEvaluator,
    SaturationPolicy,
    SignalState,
    TrafficEvaluator,
    Urgency,
)


T0 = datetime(2024, 6, 12, 0, 0, tzinfo=timezone.utc)
MINUTE = timedelta(minutes=1)


def diurnal(at: datetime) -> float:
    """Requests per second: 10 at night, rising to 100 at noon."""
    hour = at.hour + at.minute / 60
    if 6 <= hour <= 18:
        return 10 + 90 * math.sin(math.pi * (hour - 6) / 12)
    return 10.0


def traffic_with_history(now: datetime) -> TrafficEvaluator:
    traffic = TrafficEvaluator()
    at = now - timedelta(days=8)
    while at <= now:
        traffic.record(at, diurnal(at) * 60)
        at += MINUTE
    return traffic


def test_night_time_drop_that_matches_last_week_does_not_alarm() -> None:
    night = T0 + timedelta(hours=2)
    decision = traffic_with_history(night).evaluate(night)
    assert decision.state is SignalState.OK
    assert decision.thresholds["baseline"] == 10.0


def test_mid_day_drop_to_thirty_percent_alarms() -> None:
    noon = T0 + timedelta(hours=12)
    traffic = traffic_with_history(noon - timedelta(minutes=16))
    for minute in range(15, -1, -1):
        at = noon - timedelta(minutes=minute)
        traffic.record(at, 0.3 * diurnal(at) * 60)
    decision = traffic.evaluate(noon)
    assert decision.state is SignalState.FIRING
    assert decision.urgency is Urgency.TICKET
    assert "below its band" in decision.reasons[0]


def test_zero_traffic_with_a_live_source_is_a_drop_not_no_data() -> None:
    noon = T0 + timedelta(hours=12)
    traffic = traffic_with_history(noon - timedelta(minutes=16))
    for minute in range(15, -1, -1):
        traffic.record(noon - timedelta(minutes=minute), 0.0)
    decision = traffic.evaluate(noon)
    assert decision.state is SignalState.FIRING
    assert "zero traffic" in decision.reasons[0]


def test_fast_errors_lower_nothing_in_success_latency() -> None:
    latency = LatencyEvaluator()
    for _ in range(200):
        latency.observe(T0, 1.5, ok=True)
    before = latency.evaluate(T0)
    for _ in range(1000):
        latency.observe(T0, 0.010, ok=False)
    after = latency.evaluate(T0 + MINUTE / 2)
    assert before.state is SignalState.FIRING
    assert after.state is SignalState.FIRING
    assert before.windows[0].value == after.windows[0].value
    assert after.windows[0].label == "p99 ok"


def test_slow_errors_are_flagged() -> None:
    latency = LatencyEvaluator()
    for _ in range(200):
        latency.observe(T0, 0.1, ok=True)
    for _ in range(50):
        latency.observe(T0, 5.0, ok=False)
    decision = latency.evaluate(T0)
    assert decision.state is SignalState.FIRING
    assert decision.reasons[0].startswith("failed requests: p99")
    assert "slow error is worse" in decision.reasons[0]
    assert decision.accuracy == 0.01


def test_saturation_creeping_to_85_percent_warns_before_the_ceiling() -> None:
    saturation = SaturationEvaluator()
    decisions = []
    for minute in range(6 * 60 + 60):
        utilisation = min(0.85, 0.5 + 0.35 * minute / 360)
        now = T0 + minute * MINUTE
        saturation.observe(ResourceReading(now, "memory", utilisation))
        saturation.observe(ResourceReading(now, "cpu", 0.3))
        decisions.append((utilisation, saturation.evaluate(now)))
    firing = [(u, d) for u, d in decisions if d.state is SignalState.FIRING]
    first_utilisation, first = firing[0]
    assert first_utilisation < 0.85
    assert first.urgency is Urgency.TICKET
    assert all(d.urgency is not Urgency.PAGE for _, d in decisions)
    last = decisions[-1][1]
    assert last.reasons[0].startswith("memory is the most constrained at 85%")
    assert last.headroom is not None
    assert abs(last.headroom - 0.8 / 0.85) < 1e-9
    assert "already struggling" in last.reasons[1]


def test_headroom_answers_double_or_only_ten_percent_more() -> None:
    saturation = SaturationEvaluator()
    saturation.observe(ResourceReading(T0, "connections", used=40, capacity=100))
    assert "2.0x the traffic" in saturation.evaluate(T0).reasons[1]
    saturation.observe(ResourceReading(T0 + MINUTE, "connections", 72, 100))
    assert "only about 11% more" in saturation.evaluate(T0 + MINUTE).reasons[1]


def test_flapping_input_produces_one_notification_not_dozens() -> None:
    saturation = SaturationEvaluator(SaturationPolicy(horizon=MINUTE))
    notifier = Notifier()
    sent: list[Notification] = []
    changes = 0
    for minute in range(60):
        now = T0 + minute * MINUTE
        level = 0.81 if minute % 2 == 0 else 0.79
        saturation.observe(ResourceReading(now, "cpu", level))
        decision = saturation.evaluate(now)
        changes += decision.changed
        sent.extend(notifier.process([decision]))
    assert [n.kind.value for n in sent] == ["firing"]
    assert changes == 1


def test_no_data_is_reported_as_such_for_every_signal() -> None:
    decisions = GoldenSignals().evaluate(T0)
    assert [d.state for d in decisions] == [SignalState.NO_DATA] * 4
    assert all("no " in d.reasons[0] for d in decisions)


def test_golden_signals_counts_each_kind_of_failure_once() -> None:
    gs = GoldenSignals(objective=0.99, latency_slo=timedelta(milliseconds=500))
    fast = timedelta(milliseconds=100)
    gs.observe_many(
        [
            Request(T0, fast),
            Request(T0, fast, ok=False),
            Request(T0, fast, correct=False),
            Request(T0, timedelta(seconds=2)),
            Request(T0, timedelta(seconds=2), ok=False),
        ]
    )
    window = gs.errors.counts.counts(T0, MINUTE)
    assert (window.good, window.explicit, window.implicit, window.policy) == (
        1.0,
        2.0,
        1.0,
        1.0,
    )
    assert gs.traffic.history.counts(T0, timedelta(minutes=5)).total == 5.0
