"""Hostile input: signal state built by hand or read from JSON keeps the invariants."""

import datetime as dt
from typing import Any

import pytest

from incidentkit import serialization
from incidentkit.errors import ValidationError
from incidentkit.signals import (
    AlertTracker,
    BurnPolicy,
    Condition,
    Decision,
    LatencyPolicy,
    Notification,
    NotificationKind,
    PercentileTarget,
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
