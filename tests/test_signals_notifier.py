"""Notification routing: repeat_interval, group_by and silences (Alertmanager's)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from incidentkit import serialization
from incidentkit.errors import ValidationError
from incidentkit.signals import (
    Decision,
    Notification,
    NotificationKind,
    Notifier,
    SignalState,
    Silence,
    Urgency,
    group_notifications,
)


T0 = datetime(2024, 6, 1, 12, 0, tzinfo=timezone.utc)
MINUTE = timedelta(minutes=1)
FIRING, OK = SignalState.FIRING, SignalState.OK


def _decision(
    state: SignalState,
    minutes: int,
    *,
    service: str = "a",
    signal: str = "errors",
    urgency: Urgency | None = Urgency.PAGE,
) -> Decision:
    return Decision(
        signal,
        state,
        state,
        T0 + minutes * MINUTE,
        urgency if state.is_alerting else None,
        labels={"service": service},
    )


def _sent(notes: tuple[Notification, ...]) -> list[tuple[str, int]]:
    return [(n.kind.value, int((n.at - T0) / MINUTE)) for n in notes]


# --- repeat_interval ---------------------------------------------------------


def test_repeat_interval_defaults_to_alertmanagers_four_hours() -> None:
    assert Notifier().repeat_interval == timedelta(hours=4)


def test_a_page_that_stays_open_is_repeated_every_repeat_interval() -> None:
    notifier = Notifier(repeat_interval=timedelta(hours=1))
    sent = notifier.process(_decision(FIRING, m) for m in range(0, 151, 30))
    assert _sent(sent) == [("firing", 0), ("reminder", 60), ("reminder", 120)]


def test_the_default_repeats_after_four_hours() -> None:
    sent = Notifier().process(_decision(FIRING, m) for m in range(0, 301, 60))
    assert _sent(sent) == [("firing", 0), ("reminder", 240)]


def test_tickets_are_not_repeated() -> None:
    notifier = Notifier(repeat_interval=timedelta(hours=1))
    sent = notifier.process(
        _decision(FIRING, m, urgency=Urgency.TICKET) for m in range(0, 181, 30)
    )
    assert _sent(sent) == [("firing", 0)]


def test_a_resolved_page_starts_its_reminders_again_when_it_refires() -> None:
    notifier = Notifier(repeat_interval=timedelta(hours=1))
    states = [FIRING, FIRING, OK, FIRING, FIRING, FIRING]  # every 30 min
    sent = notifier.process(_decision(s, 30 * i) for i, s in enumerate(states))
    assert _sent(sent) == [
        ("firing", 0),
        ("resolved", 60),
        ("firing", 90),
        ("reminder", 150),
    ]


def test_no_repeat_interval_never_reminds() -> None:
    notifier = Notifier(repeat_interval=None)
    sent = notifier.process(_decision(FIRING, m) for m in range(0, 24 * 60, 60))
    assert _sent(sent) == [("firing", 0)]


# --- group_by ----------------------------------------------------------------


def test_notifications_of_one_group_come_together() -> None:
    decisions = [
        _decision(FIRING, 0, service="a"),
        _decision(FIRING, 0, service="b"),
        _decision(FIRING, 0, service="a", signal="latency"),
    ]
    sent = Notifier().process(decisions)
    assert [(n.signal, n.group) for n in sent] == [
        ("errors", '{service="a"}'),
        ("latency", '{service="a"}'),
        ("errors", '{service="b"}'),
    ]
    groups = group_notifications(sent)
    assert {g: [n.signal for n in notes] for g, notes in groups.items()} == {
        '{service="a"}': ["errors", "latency"],
        '{service="b"}': ["errors"],
    }


def test_group_by_alertname_groups_a_signal_across_services() -> None:
    decisions = [
        _decision(FIRING, 0, service="a"),
        _decision(FIRING, 0, service="a", signal="latency"),
        _decision(FIRING, 0, service="b"),
    ]
    sent = Notifier(group_by=("alertname",)).process(decisions)
    assert [(n.signal, n.labels["service"], n.group) for n in sent] == [
        ("errors", "a", '{alertname="errors"}'),
        ("errors", "b", '{alertname="errors"}'),
        ("latency", "a", '{alertname="latency"}'),
    ]


def test_no_group_by_keeps_the_decision_order() -> None:
    decisions = [_decision(FIRING, 0, service=s) for s in ("b", "a", "b")]
    decisions[2] = _decision(FIRING, 0, service="b", signal="latency")
    sent = Notifier(group_by=()).process(decisions)
    assert [(n.signal, n.labels["service"], n.group) for n in sent] == [
        ("errors", "b", ""),
        ("errors", "a", ""),
        ("latency", "b", ""),
    ]


# --- silences ----------------------------------------------------------------


def test_a_silence_mutes_until_it_ends_then_a_still_firing_alert_is_sent() -> None:
    notifier = Notifier(silences=(Silence({"service": "a"}, T0 + 30 * MINUTE),))
    decisions = []
    for minute in range(0, 41, 10):
        decisions += [_decision(FIRING, minute), _decision(FIRING, minute, service="b")]
    sent = notifier.process(decisions)
    assert [
        (n.kind.value, n.labels["service"], int((n.at - T0) / MINUTE)) for n in sent
    ] == [
        ("firing", "b", 0),
        ("firing", "a", 30),
    ]


def test_a_silence_matches_alertname_as_the_signal() -> None:
    silence = Silence({"alertname": "latency"}, T0 + 30 * MINUTE)
    sent = Notifier(silences=(silence,)).process(
        [_decision(FIRING, 0), _decision(FIRING, 0, signal="latency")]
    )
    assert [n.signal for n in sent] == ["errors"]


def test_an_alert_that_resolves_while_silenced_is_resolved_after_the_silence() -> None:
    notifier = Notifier()
    assert _sent(notifier.process([_decision(FIRING, 0)])) == [("firing", 0)]
    notifier.silences = (Silence({"service": "a"}, T0 + 30 * MINUTE),)
    sent = notifier.process(_decision(OK, m) for m in (10, 20, 30, 40))
    assert _sent(sent) == [("resolved", 30)]


def test_an_alert_that_fired_and_cleared_within_a_silence_is_never_sent() -> None:
    notifier = Notifier(silences=(Silence({}, T0 + 30 * MINUTE),))
    states = [FIRING, FIRING, OK, OK, OK]  # every 10 min
    assert notifier.process(_decision(s, 10 * i) for i, s in enumerate(states)) == ()


def test_a_silence_ends_exactly_at_ends_at() -> None:
    silence = Silence({"service": "a"}, T0)
    assert silence.mutes({"service": "a"}, T0 - MINUTE)
    assert not silence.mutes({"service": "a"}, T0)
    assert not silence.mutes({"service": "b"}, T0 - MINUTE)


def test_the_notifier_with_silences_round_trips() -> None:
    notifier = Notifier(
        repeat_interval=timedelta(hours=1),
        group_by=("service", "team"),
        silences=(Silence({"service": "a"}, T0 + 30 * MINUTE),),
    )
    notifier.process([_decision(FIRING, 0, service="b")])
    back = serialization.loads(serialization.dumps(notifier), Notifier)
    assert back == notifier
    assert back.reminded == {'errors{service="b"}': T0}


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"repeat_interval": timedelta(0)}, "'repeat_interval' must be a positive"),
        ({"group_by": ("",)}, "'group_by' must be a tuple of non-empty label names"),
        ({"equal": "service"}, "'equal' must be a tuple of non-empty label names"),
        ({"silences": ({"service": "a"},)}, "'silences' must be a tuple of Silence"),
    ],
)
def test_a_bad_notifier_setting_is_refused(
    kwargs: dict[str, object], message: str
) -> None:
    with pytest.raises(ValidationError, match=message):
        Notifier(**kwargs)  # type: ignore[arg-type]


def test_a_bad_silence_is_refused() -> None:
    with pytest.raises(ValidationError, match="'matchers' must be a mapping"):
        Silence(["service"], T0)  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="'ends_at'"):
        Silence({}, datetime(2024, 6, 1))


def test_a_reminder_is_a_notification_kind() -> None:
    assert NotificationKind("reminder") is NotificationKind.REMINDER


def test_process_refuses_what_is_not_a_decision():
    from incidentkit.errors import ValidationError
    from incidentkit.signals import Notifier

    with pytest.raises(ValidationError) as info:
        Notifier().process(["x"])  # type: ignore[list-item]

    assert ("decisions", "x") == (info.value.field, info.value.got)
