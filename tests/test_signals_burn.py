"""Regression tests for the burn-rate policy checks and the budget accounting."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from incidentkit.errors import ValidationError
from incidentkit.findings import Level
from incidentkit.signals import (
    BurnPolicy,
    BurnWindow,
    ErrorBudgetEvaluator,
    Notifier,
    Urgency,
)


T0 = datetime(2024, 6, 1, 12, 0, tzinfo=timezone.utc)
HOUR = timedelta(hours=1)
MINUTE = timedelta(minutes=1)
SECOND = timedelta(seconds=1)


def _codes(policy: BurnPolicy, objective: float = 0.999) -> list[tuple[str, Level]]:
    return [(f.code, f.level) for f in policy.validate(objective)]


def test_a_rule_that_fires_only_after_the_whole_budget_is_gone_is_an_error() -> None:
    # 14.4x over 3 days spends 14.4 * 3 / 30 = 144 % of the budget before firing.
    rule = BurnWindow(72 * HOUR, 6 * HOUR, 14.4, Urgency.TICKET)
    findings = BurnPolicy(windows=(rule,)).validate(0.999)
    assert (findings[0].code, findings[0].level) == (
        "burn-rule-spends-whole-budget",
        Level.ERROR,
    )
    assert "144%" in findings[0].message
    assert findings[0].subject == "ticket 14.4x over 3d and 6h"


def test_the_workbook_rules_spend_at_most_ten_percent_and_are_not_errors() -> None:
    # 14.4 * 1/720 = 2 %, 6 * 6/720 = 5 %, 3 * 24/720 = 10 %, 1 * 72/720 = 10 %.
    assert {level for _, level in _codes(BurnPolicy())} == {Level.INFO}


def test_a_long_window_longer_than_the_period_is_an_error() -> None:
    rule = BurnWindow(30 * 24 * HOUR, 2 * HOUR, 0.1, Urgency.TICKET)
    policy = BurnPolicy(period=timedelta(days=7), windows=(rule,))
    assert ("burn-window-longer-than-period", Level.ERROR) in _codes(policy)


def test_a_short_window_longer_than_the_long_one_is_refused_at_construction() -> None:
    rule = BurnWindow(HOUR, 2 * HOUR, 14.4)
    with pytest.raises(ValidationError, match="'windows' must be ") as raised:
        BurnPolicy(windows=(rule,))
    assert raised.value.field == "windows"


def test_a_short_window_as_long_as_the_long_one_is_a_warning() -> None:
    rule = BurnWindow(HOUR, HOUR, 14.4)
    assert ("burn-short-window-not-shorter", Level.WARNING) in _codes(
        BurnPolicy(windows=(rule,))
    )


def test_windows_shorter_than_the_slot_are_reported() -> None:
    # On one-minute slots 30 s and 5 s both read the current minute: one window.
    rule = BurnWindow(30 * SECOND, 5 * SECOND, 14.4)
    policy = BurnPolicy(windows=(rule,))
    findings = policy.validate(0.999, slot=MINUTE)
    assert (findings[0].code, findings[0].level) == (
        "burn-window-shorter-than-slot",
        Level.ERROR,
    )
    assert "1m" in findings[0].message
    evaluator = ErrorBudgetEvaluator(0.999, burn=policy)
    assert evaluator.validate()[0].code == "burn-window-shorter-than-slot"


def test_only_the_short_window_below_the_slot_is_a_warning() -> None:
    rule = BurnWindow(HOUR, 30 * SECOND, 14.4)
    findings = BurnPolicy(windows=(rule,)).validate(0.999, slot=MINUTE)
    assert ("burn-window-shorter-than-slot", Level.WARNING) in [
        (f.code, f.level) for f in findings
    ]


def test_findings_are_sorted_errors_first() -> None:
    good = BurnWindow(HOUR, 5 * MINUTE, 14.4)
    broken = BurnWindow(72 * HOUR, 6 * HOUR, 14.4, Urgency.TICKET)
    levels = [f.level for f in BurnPolicy(windows=(good, broken)).validate(0.999)]
    assert levels == [Level.ERROR, Level.INFO, Level.INFO]


def test_budget_consumed_counts_failures_against_the_periods_expected_total() -> None:
    errors = ErrorBudgetEvaluator(0.999)
    errors.record(T0, good=2900, explicit=100)  # 3,000 requests in the first minute
    decision = errors.evaluate(T0 + 30 * SECOND)
    # 3,000 per minute over the 1 covered minute is 129,600,000 requests in 30 days;
    # the 0.1 % budget is 129,600 bad ones, and 100 are 0.0772 % of it.
    assert decision.budget_consumed == pytest.approx(100 / 129_600)
    assert decision.budget_remaining == pytest.approx(1 - 100 / 129_600)
    assert any(
        "100 bad of an expected 129600000 requests" in reason
        for reason in decision.reasons
    )


def test_a_fifteen_minute_partial_outage_in_two_hours_spends_an_eighth() -> None:
    errors = ErrorBudgetEvaluator(0.999)
    for minute in range(120):  # two hours at 100 req/s...
        bad = 2160 if 60 <= minute < 75 else 0  # ...36 % failing for 15 minutes
        errors.record(T0 + minute * MINUTE, good=6000 - bad, explicit=bad)
    decision = errors.evaluate(T0 + 119 * MINUTE)
    # 15 x 2,160 = 32,400 bad; 100 req/s x 30 days = 259,200,000 expected
    # requests, a budget of 259,200 bad: 12.5 % spent.
    assert decision.budget_consumed == pytest.approx(0.125)
    assert decision.budget_remaining == pytest.approx(0.875)
    assert "87.5% of the 30d error budget remains (12.5% spent)" in decision.explain()


def _three_days_then_outage(minutes: int) -> ErrorBudgetEvaluator:
    errors = ErrorBudgetEvaluator(0.999)
    for minute in range(3 * 24 * 60, 0, -1):  # three days at 100 req/s
        errors.record(T0 - minute * MINUTE, good=6000)
    for minute in range(minutes):  # then every request fails
        errors.record(T0 + minute * MINUTE, explicit=6000)
    return errors


def test_time_to_exhaustion_uses_the_fastest_burn_and_the_remaining_budget() -> None:
    errors = _three_days_then_outage(10)
    decision = errors.evaluate(T0 + 9 * MINUTE + 30 * SECOND)
    assert decision.rule == "page 14.4x over 1h and 5m"
    # 60,000 of a 259,200 budget are gone: 76.85 % remains.  The 5 minutes
    # burn at 1000x, which spends a whole budget in 30 d / 1000 = 43.2 min,
    # so the rest lasts 0.7685 x 43.2 min = 1992 s.
    assert decision.budget_consumed == pytest.approx(60_000 / 259_200)
    assert decision.budget_remaining == pytest.approx(199_200 / 259_200)
    assert decision.time_to_exhaustion == timedelta(seconds=1992)
    assert "exhausted in 33m12s at this rate" in decision.explain()
    assert any("76.9% of the 30d error budget remains" in r for r in decision.reasons)


def test_budget_spent_more_than_three_days_ago_still_counts_in_the_period() -> None:
    errors = ErrorBudgetEvaluator(0.999)
    errors.record(T0, good=5000, explicit=1000)
    for minute in range(1, 5 * 24 * 60):  # five days at 100 req/s
        errors.record(T0 + minute * MINUTE, good=6000)
    decision = errors.evaluate(T0 + 5 * 24 * HOUR - MINUTE)
    # The 1,000 failures left the 3-day ring but not the 30-day period:
    # 100 req/s x 30 d is a budget of 259,200 bad.
    assert decision.budget_consumed == pytest.approx(1000 / 259_200)


def test_a_page_resolves_on_its_own_rules_and_the_ticket_stays_open() -> None:
    errors = ErrorBudgetEvaluator(0.999)
    start = T0 - timedelta(days=3)
    for minute in range(3 * 24 * 60):  # three days at 100 req/s
        errors.record(start + minute * MINUTE, good=6000)
    notifier = Notifier()
    sent: list[tuple[float, str, Urgency | None]] = []
    changes: list[tuple[float, str, Urgency | None]] = []
    for tick in range(1, 380 * 6 + 1):  # 10-second ticks for 380 minutes
        now = T0 + tick * 10 * SECOND
        if tick <= 60:  # a 10-minute total outage...
            errors.record(now - 5 * SECOND, explicit=1000)
        else:  # ...then healthy again
            errors.record(now - 5 * SECOND, good=1000)
        if tick > 45 * 6 and tick % 6:
            continue  # after 45 minutes, evaluate once a minute
        decision = errors.evaluate(now)
        minutes = tick / 6
        if decision.changed:
            changes.append((minutes, decision.state.value, decision.urgency))
        sent.extend(
            (minutes, n.kind.value, n.urgency) for n in notifier.process([decision])
        )
        if minutes == 39.0:
            deescalated = decision
    page, ticket = Urgency.PAGE, Urgency.TICKET
    # The 1 h window needs 1.44 % of 360,000 requests bad, 5,184: six ticks (60 s).
    # The 5 m window of the first page rule is clean from 12:14, the 30 m window
    # of the second from 12:39 (the last bad minute is 12:09): the page is over
    # at +39 min.  The ticket's 6 h window is clean from 18:09 (+369 min).
    # (1 / 6 is the first tick, 10 s in.)
    # The first evaluation leaves the unknown state (silently); the ticket
    # resolves on its first clean evaluation, as Prometheus does.
    assert changes == [
        (1 / 6, "ok", None),
        (1.0, "firing", page),
        (39.0, "firing", ticket),
        (369.0, "ok", None),
    ]
    assert sent == [
        (1.0, "firing", page),
        (39.0, "deescalated", ticket),
        (369.0, "resolved", None),
    ]
    assert deescalated.previous_urgency is page
    assert deescalated.rule == "ticket 3x over 1d and 2h"
    assert "was firing (page)" in deescalated.explain()
    assert any(
        reason.startswith("no page rule fires") for reason in deescalated.reasons
    )
