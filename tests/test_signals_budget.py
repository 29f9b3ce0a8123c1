from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from incidentkit.errors import ValidationError
from incidentkit.findings import Level
from incidentkit.signals import (
    AlertPolicy,
    AlertTracker,
    BurnPolicy,
    BurnWindow,
    Condition,
    Decision,
    ErrorBudgetEvaluator,
    NoDataPolicy,
    Notification,
    NotificationKind,
    Notifier,
    SignalState,
    Urgency,
)


T0 = datetime(2024, 6, 1, 12, 0, tzinfo=timezone.utc)
SECOND = timedelta(seconds=1)


def test_workbook_burn_rates_for_thirty_days_and_derived_for_28() -> None:
    assert [w.burn_rate for w in BurnPolicy().windows] == [14.4, 6.0, 3.0, 1.0]
    derived = BurnPolicy(period=timedelta(days=28)).windows
    assert [w.burn_rate for w in derived] == pytest.approx(
        [13.44, 5.6, 2.8, 0.9333], 1e-4
    )
    assert [w.urgency for w in derived] == [Urgency.PAGE] * 2 + [Urgency.TICKET] * 2


def test_validation_reports_rules_that_can_never_fire_at_ninety_percent() -> None:
    findings = BurnPolicy().validate(0.90)
    never = [f for f in findings if f.code == "burn-rule-never-fires"]
    # 14.4 x 10 % = 144 % errors and 6 x 10 % = 60 %: only the first is impossible.
    assert [f.subject for f in never] == ["page 14.4x over 1h and 5m"]
    assert never[0].level is Level.ERROR


def test_validation_reports_the_single_failure_floor_per_rule() -> None:
    floors = [
        f.message.split()[1]
        for f in BurnPolicy().validate(0.999)
        if f.code == "single-failure-fires"
    ]
    # 1 / (burn x 0.001): 69.4 -> 70, 166.7 -> 167, 333.3 -> 334, 1000.
    assert floors == ["70", "167", "334", "1000"]


def test_total_outage_at_three_nines_pages_within_about_a_minute() -> None:
    errors = ErrorBudgetEvaluator(0.999)
    start = T0 - timedelta(days=3)
    for minute in range(3 * 24 * 60):  # three healthy days at 10 req/s
        errors.record(start + timedelta(minutes=minute), good=600)
    assert errors.evaluate(T0).state is SignalState.OK
    fired_at = None
    for second in range(1, 121):  # then everything fails, 10 req/s
        now = T0 + second * SECOND
        errors.record(now, explicit=10)
        if second % 10 == 0:
            decision = errors.evaluate(now)
            if decision.state is SignalState.FIRING:
                fired_at = second
                break
    # 1.44 % of an hour of traffic is 52 s of full outage.
    assert fired_at == 60
    assert decision.urgency is Urgency.PAGE
    assert decision.rule == "page 14.4x over 1h and 5m"
    assert decision.changed
    assert "burning" in decision.explain()


def test_zero_traffic_with_fresh_data_is_ok_not_no_data() -> None:
    errors = ErrorBudgetEvaluator(0.999)
    errors.record(T0)  # the source is alive but counted nothing
    decision = errors.evaluate(T0 + timedelta(minutes=1))
    assert decision.state is SignalState.OK
    assert "zero traffic" in decision.reasons[0]


def test_no_data_is_reported_as_such() -> None:
    errors = ErrorBudgetEvaluator(0.999)
    assert errors.evaluate(T0).state is SignalState.NO_DATA
    errors.record(T0, good=100)
    stale = errors.evaluate(T0 + timedelta(minutes=6))
    assert stale.state is SignalState.NO_DATA
    assert "no data received since" in stale.reasons[0]


def test_min_events_turns_a_sparse_service_into_insufficient_data() -> None:
    errors = ErrorBudgetEvaluator(0.999, burn=BurnPolicy(min_events=100))
    errors.record(T0, explicit=1, good=5)
    assert errors.evaluate(T0).state is SignalState.INSUFFICIENT_DATA


def test_k_of_n_debounce_does_not_reset_on_a_single_miss() -> None:
    tracker = AlertTracker(AlertPolicy(breaches=3, of_last=5))
    seen = [Condition.BREACH, Condition.CLEAR, Condition.BREACH, Condition.BREACH]
    states = [tracker.update(c, T0 + i * SECOND) for i, c in enumerate(seen)]
    assert states == [
        SignalState.PENDING,
        SignalState.PENDING,
        SignalState.PENDING,
        SignalState.FIRING,
    ]


def test_keep_firing_for_then_ok() -> None:
    tracker = AlertTracker(AlertPolicy(keep_firing_for=timedelta(minutes=2)))
    tracker.update(Condition.BREACH, T0)
    minute = timedelta(minutes=1)
    assert tracker.update(Condition.CLEAR, T0 + minute) is SignalState.FIRING
    assert tracker.update(Condition.CLEAR, T0 + 2 * minute) is SignalState.FIRING
    # The first evaluation at or after keep_firing_for resolves (Prometheus).
    assert tracker.update(Condition.CLEAR, T0 + 3 * minute) is SignalState.OK


def test_hold_keeps_an_alert_open_and_does_not_start_one() -> None:
    tracker = AlertTracker()
    assert tracker.update(Condition.HOLD, T0) is SignalState.OK
    tracker.update(Condition.BREACH, T0 + SECOND)
    assert tracker.update(Condition.HOLD, T0 + 2 * SECOND) is SignalState.FIRING


@pytest.mark.parametrize(
    ("policy", "expected"),
    [
        (NoDataPolicy.NO_DATA, SignalState.NO_DATA),
        (NoDataPolicy.OK, SignalState.OK),
        (NoDataPolicy.ALERTING, SignalState.FIRING),
        (NoDataPolicy.KEEP_LAST, SignalState.FIRING),
    ],
)
def test_no_data_policy_decides_what_missing_data_means(
    policy: NoDataPolicy, expected: SignalState
) -> None:
    tracker = AlertTracker(AlertPolicy(no_data=policy))
    tracker.update(Condition.BREACH, T0)
    assert tracker.update(Condition.NO_DATA, T0 + SECOND) is expected


def test_evaluations_must_not_go_back_in_time() -> None:
    tracker = AlertTracker()
    tracker.update(Condition.CLEAR, T0)
    with pytest.raises(ValidationError, match="'now' must be not before"):
        tracker.update(Condition.CLEAR, T0 - SECOND)


def test_breaches_cannot_exceed_the_evaluations_they_are_counted_in() -> None:
    with pytest.raises(ValidationError, match="'breaches' must be at most of_last"):
        AlertPolicy(breaches=4, of_last=3)


def test_objective_must_be_a_fraction() -> None:
    with pytest.raises(ValidationError, match="'objective' must be a number strictly"):
        ErrorBudgetEvaluator(99.9)


def test_a_page_suppresses_the_ticket_for_the_same_objective() -> None:
    errors = ErrorBudgetEvaluator(0.999)
    notifier = Notifier()
    for minute in range(60):
        errors.record(T0 + timedelta(minutes=minute), good=600, explicit=60)
    first = errors.evaluate(T0 + timedelta(minutes=59))
    sent = notifier.process([first])
    assert [(n.kind.value, n.urgency) for n in sent] == [("firing", Urgency.PAGE)]
    ticket = type(first)(
        "errors-ticket",
        SignalState.FIRING,
        SignalState.OK,
        first.evaluated_at,
        Urgency.TICKET,
        objective=first.objective,
    )
    assert notifier.process([first, ticket]) == ()


def test_missing_data_holds_an_open_alert_for_keep_firing_for() -> None:
    minute = timedelta(minutes=1)
    tracker = AlertTracker(AlertPolicy(keep_firing_for=10 * minute))
    tracker.update(Condition.BREACH, T0)
    # Data stops at T0 + 1 min; the alert stays open until 10 min have passed.
    assert tracker.update(Condition.NO_DATA, T0 + minute) is SignalState.FIRING
    assert tracker.update(Condition.NO_DATA, T0 + 10 * minute) is SignalState.FIRING
    assert tracker.update(Condition.NO_DATA, T0 + 11 * minute) is SignalState.NO_DATA
    assert tracker.missing_since is None


def test_missing_data_while_recovering_stays_recovering() -> None:
    minute = timedelta(minutes=1)
    policy = AlertPolicy(clear_after=2, keep_firing_for=5 * minute)
    tracker = AlertTracker(policy)
    tracker.update(Condition.BREACH, T0)
    tracker.update(Condition.CLEAR, T0 + minute)
    assert tracker.update(Condition.CLEAR, T0 + 6 * minute) is SignalState.RECOVERING
    assert tracker.update(Condition.NO_DATA, T0 + 7 * minute) is SignalState.RECOVERING
    # The hold reset the clean count: two more clean evaluations are needed.
    assert tracker.update(Condition.CLEAR, T0 + 8 * minute) is SignalState.RECOVERING
    assert tracker.update(Condition.CLEAR, T0 + 9 * minute) is SignalState.OK


def test_returning_data_restarts_the_missing_data_timer() -> None:
    minute = timedelta(minutes=1)
    tracker = AlertTracker(AlertPolicy(keep_firing_for=5 * minute))
    tracker.update(Condition.BREACH, T0)
    tracker.update(Condition.NO_DATA, T0 + minute)
    tracker.update(Condition.BREACH, T0 + 4 * minute)
    # Missing again from T0 + 5 min: held until T0 + 10 min, not T0 + 6 min.
    assert tracker.update(Condition.NO_DATA, T0 + 5 * minute) is SignalState.FIRING
    assert tracker.update(Condition.NO_DATA, T0 + 9 * minute) is SignalState.FIRING
    assert tracker.update(Condition.NO_DATA, T0 + 10 * minute) is SignalState.NO_DATA


def test_a_hold_restarts_keep_firing_for() -> None:
    minute = timedelta(minutes=1)
    tracker = AlertTracker(AlertPolicy(keep_firing_for=2 * minute))
    tracker.update(Condition.BREACH, T0)
    tracker.update(Condition.CLEAR, T0 + minute)  # the timer starts here...
    tracker.update(Condition.HOLD, T0 + 2 * minute)  # ...and is reset here
    assert tracker.update(Condition.CLEAR, T0 + 3 * minute) is SignalState.FIRING
    assert tracker.update(Condition.CLEAR, T0 + 4 * minute) is SignalState.FIRING
    assert tracker.update(Condition.CLEAR, T0 + 5 * minute) is SignalState.OK


def _decision(state: SignalState, previous: SignalState, at: datetime) -> Decision:
    urgency = Urgency.PAGE if state.is_alerting else None
    return Decision("errors", state, previous, at, urgency)


def test_a_notified_alert_whose_data_disappears_is_closed_exactly_once() -> None:
    firing = _decision(SignalState.FIRING, SignalState.OK, T0)
    lost = _decision(SignalState.NO_DATA, SignalState.FIRING, T0 + SECOND)
    still_lost = _decision(SignalState.NO_DATA, SignalState.NO_DATA, T0 + 2 * SECOND)
    back = _decision(SignalState.OK, SignalState.NO_DATA, T0 + 3 * SECOND)
    sent = Notifier().process([firing, lost, still_lost, back])
    assert [n.kind for n in sent] == [
        NotificationKind.FIRING,
        NotificationKind.RESOLVED_NO_DATA,
    ]


def test_a_signal_that_was_not_alerting_reports_lost_data_once() -> None:
    ok = _decision(SignalState.OK, SignalState.OK, T0)
    lost = _decision(SignalState.NO_DATA, SignalState.OK, T0 + SECOND)
    again = _decision(SignalState.NO_DATA, SignalState.NO_DATA, T0 + 2 * SECOND)
    sent = Notifier().process([ok, lost, again])
    assert [n.kind for n in sent] == [NotificationKind.NO_DATA]


def test_a_burning_budget_whose_data_stops_stays_firing_then_closes_once() -> None:
    minute = timedelta(minutes=1)
    errors = ErrorBudgetEvaluator(
        0.999, alerting=AlertPolicy(keep_firing_for=10 * minute)
    )
    notifier = Notifier()
    sent: list[Notification] = []
    states = []
    for tick in range(25):
        now = T0 + tick * minute
        if tick < 5:
            errors.record(now, good=600, explicit=60)
        decision = errors.evaluate(now)
        states.append(decision.state)
        sent.extend(notifier.process([decision]))
    # Last data at T0 + 4 min; stale after 5 min (T0 + 10 min is the first
    # missing evaluation); held for 10 min more, so NO_DATA from T0 + 20 min.
    assert states[:20] == [SignalState.FIRING] * 20
    assert states[20:] == [SignalState.NO_DATA] * 5
    assert [(n.kind, n.at) for n in sent] == [
        (NotificationKind.FIRING, T0),
        (NotificationKind.RESOLVED_NO_DATA, T0 + 20 * minute),
    ]


def test_a_page_level_burn_pages_even_when_ticket_rules_come_first() -> None:
    ticket = BurnWindow(timedelta(hours=6), timedelta(minutes=30), 6.0, Urgency.TICKET)
    page = BurnWindow(timedelta(hours=1), timedelta(minutes=5), 14.4, Urgency.PAGE)
    errors = ErrorBudgetEvaluator(0.999, burn=BurnPolicy(windows=(ticket, page)))
    errors.record(T0, good=900, explicit=100)  # 10 % errors: burn 100x everywhere
    decision = errors.evaluate(T0)
    assert decision.state is SignalState.FIRING
    assert decision.urgency is Urgency.PAGE
    assert decision.rule == "page 14.4x over 1h and 5m"


def test_among_rules_of_one_urgency_the_fastest_burn_decides() -> None:
    hour = timedelta(hours=1)
    slow = BurnWindow(6 * hour, timedelta(minutes=30), 6.0)
    fast = BurnWindow(hour, timedelta(minutes=5), 14.4)
    errors = ErrorBudgetEvaluator(0.999, burn=BurnPolicy(windows=(slow, fast)))
    errors.record(T0 - 3 * hour, good=1000)
    errors.record(T0, good=900, explicit=100)
    decision = errors.evaluate(T0)
    # 1h: 100 of 1000 bad, burn 100x; 6h: 100 of 2000 bad, burn 50x.
    assert decision.rule == "page 14.4x over 1h and 5m"
    assert decision.reasons[0].startswith("error budget burning 100.0x over 1h")


def test_old_failures_leave_the_short_window_first_then_the_long_one() -> None:
    minute = timedelta(minutes=1)
    page = BurnWindow(timedelta(hours=1), timedelta(minutes=5), 14.4)
    errors = ErrorBudgetEvaluator(0.999, burn=BurnPolicy(windows=(page,)))
    errors.record(T0, good=900, explicit=100)  # one bad minute: 10 % errors
    decisions = [errors.evaluate(T0)]
    for tick in range(1, 61):  # then an hour of healthy minutes
        errors.record(T0 + tick * minute, good=1000)
        decisions.append(errors.evaluate(T0 + tick * minute))

    def burn(tick: int, label: str) -> float | None:
        return next(w for w in decisions[tick].windows if w.label == label).burn_rate

    # Until 12:04 the bad minute is in both windows: 100 of 5000 bad is 20x.
    assert decisions[4].state is SignalState.FIRING
    assert burn(4, "5m") == pytest.approx(20.0)
    # At 12:05 it has left the 5 minutes: the page stops, although the hour
    # (100 of 6000 bad, 16.7x) alone is still above the threshold.
    assert decisions[5].state is SignalState.OK
    assert burn(5, "5m") == 0.0
    assert burn(5, "1h") == pytest.approx(16.667, abs=1e-3)
    # The hour still holds it at 12:59 and no longer at 13:00.
    assert burn(59, "1h") == pytest.approx(1.667, abs=1e-3)
    assert burn(60, "1h") == 0.0
    assert decisions[60].state is SignalState.OK


def test_a_policy_needs_at_least_one_window() -> None:
    with pytest.raises(
        ValidationError, match=r"'windows' must be a non-empty tuple of BurnWindow"
    ):
        BurnPolicy(windows=())


@pytest.mark.parametrize("bad", [-1, 1.5, True, "10"])
def test_min_events_must_be_a_non_negative_integer(bad: object) -> None:
    with pytest.raises(
        ValidationError, match="'min_events' must be None or a non-negative integer"
    ):
        BurnPolicy(min_events=bad)  # type: ignore[arg-type]
