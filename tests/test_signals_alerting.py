"""Alert states against Prometheus' rule semantics, unknown start, labels."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from incidentkit import serialization
from incidentkit.errors import ValidationError
from incidentkit.signals import (
    AlertPolicy,
    AlertTracker,
    BurnPolicy,
    BurnWindow,
    Condition,
    Decision,
    GoldenSignals,
    NotificationKind,
    Notifier,
    Request,
    SignalState,
    Urgency,
)


T0 = datetime(2024, 6, 1, 12, 0, tzinfo=timezone.utc)
MINUTE = timedelta(minutes=1)
SECOND = timedelta(seconds=1)

B, C = Condition.BREACH, Condition.CLEAR

# Prometheus' rule states, evaluated once a minute, written out by hand from
# rules/alerting.go: a pending alert becomes firing once it has been active for
# ``for``; a pending alert whose condition is false is dropped at once; a
# firing alert whose condition is false keeps firing while less than
# ``keep_firing_for`` has passed since the first false evaluation and is
# resolved at the first evaluation at or after it.  "ok" is Prometheus'
# inactive.  ``for`` of F minutes at 1/min is ``breaches == of_last == F + 1``.
PROMETHEUS = [
    # (for, keep_firing_for, conditions, states), all at t = 0, 1, 2... min
    pytest.param(0, 0, [B, C, C], ["firing", "ok", "ok"], id="no-for-resolves-at-once"),
    pytest.param(
        0,
        10,
        [B] + [C] * 12,
        ["firing"] * 11 + ["ok", "ok"],
        id="keep_firing_for-10m-resolves-at-t11",
    ),
    pytest.param(
        2,
        0,
        [B, B, B, B, C],
        ["pending", "pending", "firing", "firing", "ok"],
        id="for-2m-fires-at-t2",
    ),
    pytest.param(
        2,
        0,
        [B, B, C, B, B, B],
        ["pending", "pending", "ok", "pending", "pending", "firing"],
        id="a-miss-while-pending-drops-the-alert",
    ),
    pytest.param(
        1,
        3,
        [B, B, C, C, C, C, C],
        ["pending", "firing", "firing", "firing", "firing", "ok", "ok"],
        id="for-1m-keep_firing_for-3m",
    ),
    pytest.param(
        0,
        3,
        [B, C, C, B, C, C, C, C],
        ["firing"] * 7 + ["ok"],
        id="a-breach-restarts-keep_firing_for",
    ),
]


@pytest.mark.parametrize(("hold", "keep", "conditions", "states"), PROMETHEUS)
def test_states_follow_prometheus_rule_semantics(
    hold: int, keep: int, conditions: list[Condition], states: list[str]
) -> None:
    policy = AlertPolicy(
        breaches=hold + 1, of_last=hold + 1, keep_firing_for=keep * MINUTE
    )
    tracker = AlertTracker(policy)
    seen = [tracker.update(c, T0 + i * MINUTE).value for i, c in enumerate(conditions)]
    assert seen == states


def test_the_default_policy_resolves_on_the_first_clean_evaluation() -> None:
    tracker = AlertTracker()
    seen = [tracker.update(c, T0 + i * MINUTE) for i, c in enumerate([B, C, C])]
    assert seen == [SignalState.FIRING, SignalState.OK, SignalState.OK]


def test_clear_after_counts_the_first_clean_evaluation_and_recovers_between() -> None:
    tracker = AlertTracker(AlertPolicy(clear_after=3, keep_firing_for=2 * MINUTE))
    seen = [
        tracker.update(c, T0 + i * MINUTE).value
        for i, c in enumerate([B, C, C, C, C, C])
    ]
    # t1 starts keep_firing_for; t3 is the first clean one at or after it.
    assert seen == ["firing", "firing", "firing", "recovering", "recovering", "ok"]


def test_golden_errors_resolve_on_the_first_clean_evaluation() -> None:
    page = BurnWindow(timedelta(hours=1), 5 * MINUTE, 14.4, Urgency.PAGE)
    gs = GoldenSignals(burn=BurnPolicy(windows=(page,)))
    gs.errors.record(T0, good=900, explicit=100)
    assert gs.evaluate(T0).errors.state is SignalState.FIRING
    # Five healthy minutes later the bad minute has left the 5 m window.
    for minute in range(1, 6):
        gs.errors.record(T0 + minute * MINUTE, good=1000)
    decision = gs.evaluate(T0 + 5 * MINUTE).errors
    assert (decision.previous, decision.state) == (SignalState.FIRING, SignalState.OK)


# --- unknown before the first evaluation ------------------------------------


def test_a_fresh_tracker_is_unknown_not_ok() -> None:
    assert AlertTracker().state is SignalState.UNKNOWN
    assert SignalState.UNKNOWN.value == "unknown"
    assert not SignalState.UNKNOWN.is_alerting


def test_a_fresh_golden_signals_and_notifier_send_nothing_before_data() -> None:
    gs = GoldenSignals()
    notifier = Notifier()
    decisions = list(gs.evaluate(T0))
    assert [(d.previous, d.state) for d in decisions] == [
        (SignalState.UNKNOWN, SignalState.NO_DATA)
    ] * 4
    assert notifier.process(decisions) == ()
    assert notifier.process(gs.evaluate(T0 + MINUTE)) == ()
    assert decisions[0].explain() == (
        "latency is no_data at 2024-06-01T12:00:00Z, was unknown: "
        "no data received; quantiles within 1%."
    )


def test_a_restart_into_a_healthy_service_sends_nothing() -> None:
    gs = GoldenSignals()
    gs.errors.record(T0, good=1000)
    decision = gs.evaluate(T0).errors
    assert (decision.previous, decision.state) == (
        SignalState.UNKNOWN,
        SignalState.OK,
    )
    assert Notifier().process([decision]) == ()


def test_a_signal_seen_healthy_then_silent_reports_no_data_once() -> None:
    gs = GoldenSignals()
    notifier = Notifier()
    gs.errors.record(T0, good=1000)
    assert notifier.process([gs.evaluate(T0).errors]) == ()
    later = T0 + 6 * MINUTE  # stale after 5 minutes
    sent = notifier.process([gs.evaluate(later).errors])
    assert [(n.kind, n.at) for n in sent] == [(NotificationKind.NO_DATA, later)]
    assert notifier.process([gs.evaluate(later + MINUTE).errors]) == ()


def test_unknown_to_firing_is_notified() -> None:
    gs = GoldenSignals(service="checkout")
    gs.errors.record(T0, good=900, explicit=100)
    decision = gs.evaluate(T0).errors
    assert decision.previous is SignalState.UNKNOWN
    sent = Notifier().process([decision])
    assert [(n.kind, n.urgency) for n in sent] == [
        (NotificationKind.FIRING, Urgency.PAGE)
    ]
    assert sent[0].text.startswith(
        "errors is firing (page) at 2024-06-01T12:00:00Z, was unknown: "
    )


def test_the_unknown_state_round_trips() -> None:
    tracker = AlertTracker()
    assert serialization.loads(serialization.dumps(tracker), AlertTracker) == tracker
    decision = GoldenSignals().evaluate(T0).traffic
    back = serialization.loads(serialization.dumps(decision), Decision)
    assert back.previous is SignalState.UNKNOWN
    assert back == decision


# --- labels ------------------------------------------------------------------


def _failing(service: str) -> GoldenSignals:
    gs = GoldenSignals(service=service, labels={"team": "payments"})
    gs.errors.record(T0, good=900, explicit=100)
    return gs


def _healthy(service: str) -> GoldenSignals:
    gs = GoldenSignals(service=service, labels={"team": "payments"})
    gs.errors.record(T0, good=1000)
    return gs


def test_golden_signals_label_all_four_decisions() -> None:
    decisions = _failing("checkout").evaluate(T0)
    assert [dict(d.labels) for d in decisions] == [
        {"team": "payments", "service": "checkout"}
    ] * 4


def test_another_services_recovery_does_not_resolve_a_page() -> None:
    a, b = _failing("a"), _healthy("b")
    notifier = Notifier()
    first = notifier.process([a.evaluate(T0).errors, b.evaluate(T0).errors])
    assert [(n.kind, n.labels["service"]) for n in first] == [
        (NotificationKind.FIRING, "a")
    ]
    # B stays healthy, A stays firing: nothing to say.
    at = T0 + SECOND
    assert notifier.process([a.evaluate(at).errors, b.evaluate(at).errors]) == ()
    assert notifier.notified == {
        'errors{service="a",team="payments"}': "firing/page",
        'errors{service="b",team="payments"}': "ok",
    }


def _ticket(service: str, signal: str = "errors-ticket") -> Decision:
    return Decision(
        signal,
        SignalState.FIRING,
        SignalState.OK,
        T0,
        Urgency.TICKET,
        objective="99.9% good over 30d",
        labels={"service": service},
    )


def _page(service: str) -> Decision:
    return Decision(
        "errors",
        SignalState.FIRING,
        SignalState.OK,
        T0,
        Urgency.PAGE,
        objective="99.9% good over 30d",
        labels={"service": service},
    )


def test_a_page_inhibits_only_the_tickets_of_its_own_service() -> None:
    sent = Notifier().process([_ticket("a"), _ticket("b"), _page("a")])
    # The ticket of A comes first but is judged with A's page of the same
    # evaluation; B's ticket is another service's.
    assert [(n.signal, n.labels["service"]) for n in sent] == [
        ("errors-ticket", "b"),
        ("errors", "a"),
    ]


def test_equal_decides_which_labels_a_page_and_ticket_must_share() -> None:
    sent = Notifier(equal=()).process([_page("a"), _ticket("b")])
    assert [n.signal for n in sent] == ["errors"]


def test_an_inhibited_ticket_is_notified_once_the_page_stops() -> None:
    notifier = Notifier()
    assert [n.signal for n in notifier.process([_page("a"), _ticket("a")])] == [
        "errors"
    ]
    ok = Decision(
        "errors",
        SignalState.OK,
        SignalState.FIRING,
        T0 + MINUTE,
        objective="99.9% good over 30d",
        labels={"service": "a"},
    )
    ticket = Decision(
        "errors-ticket",
        SignalState.FIRING,
        SignalState.FIRING,
        T0 + MINUTE,
        Urgency.TICKET,
        objective="99.9% good over 30d",
        labels={"service": "a"},
    )
    sent = notifier.process([ok, ticket])
    assert [(n.kind, n.signal) for n in sent] == [
        (NotificationKind.RESOLVED, "errors"),
        (NotificationKind.FIRING, "errors-ticket"),
    ]


@pytest.mark.parametrize(
    ("labels", "field"),
    [
        ({"service": "a"}, "labels"),
        ({"": "x"}, "labels"),
        ({"team": 1}, "labels"),
    ],
)
def test_bad_labels_are_refused(labels: dict[str, object], field: str) -> None:
    with pytest.raises(ValidationError, match=rf"'{field}' must be"):
        GoldenSignals(labels=labels)


def test_an_empty_service_is_refused() -> None:
    with pytest.raises(ValidationError, match="'service' must be a non-empty string"):
        GoldenSignals(service="")


def test_labels_round_trip_with_golden_signals() -> None:
    gs = _failing("checkout")
    gs.observe(Request(T0, 0.1))
    back = serialization.loads(serialization.dumps(gs), GoldenSignals)
    assert back.service == "checkout"
    assert back.labels == {"team": "payments"}
    assert list(back.evaluate(T0)) == list(gs.evaluate(T0))
