from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from incidentkit.errors import ValidationError
from incidentkit.signals import (
    NotificationKind,
    Notifier,
    ResourceReading,
    SaturationEvaluator,
    SaturationPolicy,
    SignalState,
    Urgency,
)


T0 = datetime(2024, 6, 1, 12, 0, tzinfo=timezone.utc)
MINUTE = timedelta(minutes=1)


def climb(saturation: SaturationEvaluator, start: float, minutes: int) -> None:
    """One disk reading a minute, rising by one point a minute from *start*."""
    for minute in range(minutes + 1):
        reading = ResourceReading(T0 + minute * MINUTE, "disk", start + 0.01 * minute)
        saturation.observe(reading)


def test_two_close_readings_predict_nothing() -> None:
    saturation = SaturationEvaluator()
    saturation.observe(ResourceReading(T0, "disk", 0.10))
    at = T0 + timedelta(seconds=10)
    saturation.observe(ResourceReading(at, "disk", 0.12))
    decision = saturation.evaluate(at)
    assert decision.state is SignalState.OK
    assert decision.time_to_exhaustion is None
    assert "full in" not in decision.reasons[0]


def test_a_steep_trend_below_the_level_guard_reports_but_does_not_alert() -> None:
    saturation = SaturationEvaluator()
    climb(saturation, 0.10, 20)  # 10 % to 30 % in 20 minutes
    decision = saturation.evaluate(T0 + 20 * MINUTE)
    assert decision.state is SignalState.OK
    # 70 points left at one point a minute: 70 minutes.
    assert decision.time_to_exhaustion is not None
    assert abs(decision.time_to_exhaustion - 70 * MINUTE) < timedelta(seconds=1)


def test_the_same_trend_above_the_level_guard_opens_a_ticket() -> None:
    saturation = SaturationEvaluator()
    climb(saturation, 0.45, 20)  # 45 % to 65 %: full in 35 minutes
    decision = saturation.evaluate(T0 + 20 * MINUTE)
    assert decision.state is SignalState.FIRING
    assert decision.urgency is Urgency.TICKET
    assert "full in 35m" in decision.reasons[0]


def test_a_trend_needs_enough_readings_over_enough_time() -> None:
    saturation = SaturationEvaluator()
    climb(saturation, 0.70, 4)  # five readings, but only four minutes
    decision = saturation.evaluate(T0 + 4 * MINUTE)
    assert decision.state is SignalState.OK
    assert decision.time_to_exhaustion is None


def test_readings_are_kept_for_the_trend_window_not_a_fixed_count() -> None:
    saturation = SaturationEvaluator()
    step = timedelta(seconds=15)
    for i in range(2 * 240 + 1):  # two hours of 15 s scrapes
        saturation.observe(ResourceReading(T0 + i * step, "cpu", 0.5))
    kept = saturation.readings["cpu"]
    # The newest reading and the 240 before it span exactly one hour.
    assert len(kept) == 241
    assert kept[-1].at - kept[0].at == timedelta(hours=1)


def test_resources_not_seen_within_stale_after_are_forgotten() -> None:
    saturation = SaturationEvaluator()
    for pod in range(100):
        saturation.observe(ResourceReading(T0, f"pod-{pod}", 0.5))
    later = T0 + 6 * MINUTE  # stale_after is 5 minutes
    saturation.observe(ResourceReading(later, "pod-100", 0.5))
    assert saturation.evaluate(later).state is SignalState.OK
    assert list(saturation.readings) == ["pod-100"]


def test_trend_span_must_fit_the_trend_window() -> None:
    with pytest.raises(ValidationError, match="'min_trend_span' must be at most"):
        SaturationPolicy(trend_window=5 * MINUTE)


def test_a_trend_needs_at_least_two_readings() -> None:
    with pytest.raises(
        ValidationError, match="'min_trend_readings' must be an integer of at least 2"
    ):
        SaturationPolicy(min_trend_readings=1)


# --- defect 6: a percent passed as a fraction is refused ---------------------


def test_a_percent_passed_as_a_fraction_is_refused() -> None:
    with pytest.raises(ValidationError, match=r"used.*capacity=") as info:
        ResourceReading(T0, "cpu", 80)
    assert info.value.field == "used"
    assert ResourceReading(T0, "cpu", 80, capacity=100).utilisation == 0.8
    assert ResourceReading(T0, "runqueue", 1.5).utilisation == 1.5  # overshoot


# --- defect 4: reading order and silent resources ----------------------------


def test_an_older_reading_does_not_replace_a_newer_one() -> None:
    # Before: disk 95 % then an older 30 % read as 30 %.
    saturation = SaturationEvaluator()
    saturation.observe(ResourceReading(T0, "disk", 0.95))
    saturation.observe(ResourceReading(T0 - MINUTE, "disk", 0.30))
    decision = saturation.evaluate(T0)
    assert decision.windows[0].value == 0.95
    assert decision.state is SignalState.FIRING
    assert [r.at for r in saturation.readings["disk"]] == [T0 - MINUTE, T0]


def test_a_silent_full_disk_never_resolves_the_alert() -> None:
    # Before: the disk was forgotten after stale_after and RESOLVED was sent.
    saturation = SaturationEvaluator()
    notifier = Notifier()
    kinds = []
    states = []
    for minute in range(12):
        at = T0 + minute * MINUTE
        saturation.observe(ResourceReading(at, "cpu", 0.10))
        if minute == 0:
            saturation.observe(ResourceReading(at, "disk", 0.97))
        decision = saturation.evaluate(at)
        states.append(decision.state)
        kinds += [n.kind for n in notifier.process([decision])]
        if minute == 6:
            assert "no fresh reading of disk" in decision.reasons[0]
    assert kinds == [NotificationKind.FIRING, NotificationKind.RESOLVED_NO_DATA]
    assert (
        states
        == [SignalState.FIRING] * 6 + [SignalState.NO_DATA] + [SignalState.OK] * 5
    )
