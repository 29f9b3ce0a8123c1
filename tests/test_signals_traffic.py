"""Traffic against each lookback's own band: weekly seasonality and direction.

Every history here is per-minute counts with flat levels, so the bands can be
computed by hand.  With the default policy (5-minute slots, a 15-minute
window, one hour of spread around 1 d and 7 d back, 2 MADs, a 50 % margin):

* a weekday minute is 1000 requests: a slot holds 5000, 16.6667 req/s; its
  band is 16.6667 +- 8.3333 (the margin wins, the MAD is 0), 8.3333 to 25;
* a weekend minute is 300 requests (30 %): a slot holds 1500, 5 req/s; its
  band is 5 +- 2.5, 2.5 to 7.5.

When the outage starts at 10:00, the 15-minute window holds the slots of
9:50, 9:55 and the current one, so the rate at 10:00 + m is
10000 / (600 + 60 m) for m < 5, then 5000 / (600 + 60 (m - 5)) for m < 10
(8.3333 req/s at 10:05, 7.5758 at 10:06, 5.9524 at 10:09), and 0 from 10:10.
The default `AlertPolicy` fires on the first breach.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta, timezone

import pytest

from incidentkit import serialization
from incidentkit.errors import ValidationError
from incidentkit.signals import (
    SignalState,
    TrafficDirection,
    TrafficEvaluator,
    TrafficPolicy,
)


UTC = timezone.utc
MONDAY = datetime(2024, 6, 10, tzinfo=UTC)
TUESDAY = MONDAY + timedelta(days=1)
MINUTE = timedelta(minutes=1)
WEEKDAY = 1000.0


def weekly(weekend_share: float) -> Callable[[datetime], float]:
    """Requests per minute: 1000 on weekdays, *weekend_share* of that at weekends."""

    def level(at: datetime) -> float:
        return WEEKDAY * (weekend_share if at.weekday() >= 5 else 1.0)

    return level


def with_history(
    until: datetime,
    level: Callable[[datetime], float],
    policy: TrafficPolicy | None = None,
) -> TrafficEvaluator:
    """An evaluator with per-minute counts from 8 days before *until* to before it."""
    traffic = TrafficEvaluator(policy or TrafficPolicy())
    at = until - timedelta(days=8)
    while at < until:
        traffic.record(at, level(at))
        at += MINUTE
    return traffic


def replay_outage(start: datetime, level: Callable[[datetime], float]) -> list[str]:
    """Zero traffic for 60 minutes from *start*; the state after each minute."""
    traffic = with_history(start, level)
    states = []
    for minute in range(60):
        now = start + minute * MINUTE
        traffic.record(now, 0.0)
        states.append(traffic.evaluate(now).state.value)
    return states


def test_monday_outage_fires_when_the_window_holds_only_the_outage() -> None:
    # Sunday's band (2.5 to 7.5) and last Monday's (8.33 to 25) disagree; the
    # widest band is 2.5 to 25.  At 10:09 the rate is 5.95 req/s, inside it;
    # at 10:10 it is 0.  Pooled into one median and MAD (10.83 +- 11.67), the
    # lower bound was 0 and the hour stayed OK.
    states = replay_outage(MONDAY + timedelta(hours=10), weekly(0.3))
    assert states.index("firing") == 10
    assert states[:10] == ["ok"] * 10
    assert states[10:] == ["firing"] * 50


def test_tuesday_outage_still_fires_after_six_minutes() -> None:
    # Both lookbacks are weekdays: the band is 8.33 to 25.  At 10:05 the rate
    # is 8.3333, not below it; at 10:06 it is 7.58.
    states = replay_outage(TUESDAY + timedelta(hours=10), weekly(0.3))
    assert states.index("firing") == 6
    assert states[6:] == ["firing"] * 54


def test_a_normal_monday_stays_ok_all_day() -> None:
    level = weekly(0.3)
    traffic = with_history(MONDAY, level)
    lowers = []
    for step in range(288):
        now = MONDAY + step * 5 * MINUTE
        for minute in range(5):
            traffic.record(now + minute * MINUTE, level(now))
        decision = traffic.evaluate(now + 4 * MINUTE)
        assert decision.state is SignalState.OK, decision.explain()
        lowers.append(decision.thresholds["lower"])
    # Sunday's band is the lowest: never 0, so zero traffic would be below it.
    assert min(lowers) == pytest.approx(2.5)


def test_the_decision_names_each_lookbacks_expectation_and_band() -> None:
    now = MONDAY + timedelta(hours=10, minutes=10)
    traffic = with_history(now - 10 * MINUTE, weekly(0.3))
    for minute in range(11):
        traffic.record(now - 10 * MINUTE + minute * MINUTE, 0.0)
    decision = traffic.evaluate(now)
    assert decision.reasons == (
        (
            "traffic 0 req/s is below its band (zero traffic while data keeps "
            "arriving): band 2.5 to 25 req/s, the widest of 1d and 7d back"
        ),
        "1d back: expected 5 req/s, band 2.5 to 7.5 (13 samples)",
        "7d back (same weekday): expected 16.7 req/s, band 8.33 to 25 (13 samples)",
    )
    assert decision.thresholds == pytest.approx(
        {
            "lower": 2.5,
            "upper": 25.0,
            "baseline": 10 + 5 / 6,
            "baseline 1d": 5.0,
            "lower 1d": 2.5,
            "upper 1d": 7.5,
            "baseline 7d": 50 / 3,
            "lower 7d": 25 / 3,
            "upper 7d": 25.0,
        }
    )
    assert [(w.label, w.value, w.events) for w in decision.windows[1:]] == [
        ("baseline 1d", 5.0, 13.0),
        ("baseline 7d", pytest.approx(50 / 3), 13.0),
    ]


def test_a_lookback_without_traffic_cannot_excuse_an_outage() -> None:
    # Closed at weekends: Sunday's band is 0 to 0.05 and reaches zero, so the
    # widest band does too.  Last Monday expected 16.7 req/s with a band from
    # 8.33: zero traffic on Monday is an outage all the same.
    start = MONDAY + timedelta(hours=10)
    assert replay_outage(start, weekly(0.0)).index("firing") == 10
    traffic = with_history(start, weekly(0.0))
    for minute in range(11):
        traffic.record(start + minute * MINUTE, 0.0)
    decision = traffic.evaluate(start + 10 * MINUTE)
    assert decision.state is SignalState.FIRING
    assert decision.reasons[0] == (
        "traffic 0 req/s is below its band (zero traffic while data keeps "
        "arriving): 7d back (same weekday) expected 16.7 req/s, band 8.33 to 25; "
        "an outage although the widest band, 0 to 25 req/s, reaches zero"
    )


def test_a_closed_saturday_is_not_an_outage() -> None:
    # Friday expected traffic, last Saturday none: Saturday's zero is normal.
    saturday = MONDAY - timedelta(days=2) + timedelta(days=7)
    level = weekly(0.0)
    traffic = with_history(saturday + timedelta(hours=10), level)
    states = []
    for minute in range(60):
        now = saturday + timedelta(hours=10) + minute * MINUTE
        traffic.record(now, level(now))
        states.append(traffic.evaluate(now).state)
    assert states == [SignalState.OK] * 60


def test_direction_below_ignores_a_spike() -> None:
    policy = TrafficPolicy(direction=TrafficDirection.BELOW)
    now = TUESDAY + timedelta(hours=10)
    traffic = with_history(now - 15 * MINUTE, weekly(0.3), policy)
    for minute in range(15, -1, -1):
        traffic.record(now - minute * MINUTE, 3 * WEEKDAY)
    decision = traffic.evaluate(now)
    # The window: 9:50 and 9:55 hold 5 spiking minutes each, 10:00 one.
    assert decision.windows[0].value == (15000 + 15000 + 3000) / 600
    assert decision.state is SignalState.OK
    assert decision.reasons[0] == (
        "traffic 55 req/s is above its band, but only drops alarm (direction "
        "below): band 8.33 to 25 req/s, the widest of 1d and 7d back"
    )
    both = with_history(now - 15 * MINUTE, weekly(0.3))
    for minute in range(15, -1, -1):
        both.record(now - minute * MINUTE, 3 * WEEKDAY)
    assert both.evaluate(now).state is SignalState.FIRING


def test_direction_above_ignores_a_drop() -> None:
    policy = TrafficPolicy(direction=TrafficDirection.ABOVE)
    traffic = with_history(MONDAY + timedelta(hours=10), weekly(0.0), policy)
    states = []
    for minute in range(60):
        now = MONDAY + timedelta(hours=10) + minute * MINUTE
        traffic.record(now, 0.0)
        states.append(traffic.evaluate(now).state)
    assert states == [SignalState.OK] * 60


def test_direction_defaults_to_both_and_round_trips() -> None:
    assert TrafficPolicy().direction is TrafficDirection.BOTH
    policy = TrafficPolicy(direction=TrafficDirection.ABOVE)
    text = serialization.dumps(policy)
    assert '"direction": "above"' in text or '"direction":"above"' in text
    assert serialization.loads(text, TrafficPolicy) == policy


@pytest.mark.parametrize("bad", ["below", None, 1])
def test_direction_refuses_anything_but_a_traffic_direction(bad: object) -> None:
    with pytest.raises(ValidationError) as info:
        TrafficPolicy(direction=bad)  # type: ignore[arg-type]
    assert info.value.field == "direction"


def test_a_lookback_without_enough_history_is_named_and_left_out() -> None:
    now = TUESDAY + timedelta(hours=10)
    traffic = TrafficEvaluator()
    at = now - timedelta(days=2)
    while at <= now:
        traffic.record(at, WEEKDAY)
        at += MINUTE
    decision = traffic.evaluate(now)
    # 9:50 and 9:55 hold 5000 each, 10:00 one minute: 11000 / 600 s.
    assert decision.state is SignalState.OK
    assert decision.reasons == (
        "traffic 18.3 req/s is normal: band 8.33 to 25 req/s, from 1d back",
        "1d back: expected 16.7 req/s, band 8.33 to 25 (13 samples)",
        "7d back: only 0 samples (needs 6), not used",
    )
    empty = TrafficEvaluator()
    empty.record(now, WEEKDAY)
    # One minute's 1000 requests at the very start of a slot: over 1 s at least.
    insufficient = (
        "1e+03 req/s, but only 0 from 1d back and 0 from 7d back (needs 6 "
        "baseline samples from one lookback): not enough history"
    )
    assert empty.evaluate(now).reasons == (insufficient,)
