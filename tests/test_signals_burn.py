"""Regression tests for the burn-rate policy checks and the budget accounting."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from incidentkit.errors import ValidationError
from incidentkit.findings import Level
from incidentkit.signals import BurnPolicy, BurnWindow, ErrorBudgetEvaluator, Urgency


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
