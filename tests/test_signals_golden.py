from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from incidentkit.errors import ValidationError
from incidentkit.signals import (
    ErrorBudgetEvaluator,
    GoldenSignals,
    LatencyEvaluator,
    LatencyPolicy,
    Request,
)


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
