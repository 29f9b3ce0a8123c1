from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from incidentkit.errors import ValidationError
from incidentkit.signals import (
    AlertPolicy,
    Condition,
    ErrorBudgetEvaluator,
    GoldenSignals,
    LatencyEvaluator,
    LatencyPolicy,
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
