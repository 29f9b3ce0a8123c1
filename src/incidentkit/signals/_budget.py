"""Error-budget burn-rate alerting: multiwindow, multi-burn-rate (SRE Workbook)."""

from __future__ import annotations

import datetime as dt
import math
from typing import Final

import attrs

from incidentkit._time import ensure_utc
from incidentkit._validators import (
    as_tuple,
    check_fraction,
    check_positive,
    check_positive_timedelta,
)
from incidentkit.errors import ValidationError
from incidentkit.findings import Finding, Level, sort_findings

from ._decision import Decision, SignalState, Urgency, WindowValue, format_duration
from ._state import OWN_TRACKER, AlertPolicy, AlertTracker, Condition, stale
from ._windows import RollingCounts, WindowCounts, slot_index


__all__ = [
    "WORKBOOK_BUDGET_RULES",
    "BudgetRule",
    "BurnPolicy",
    "BurnWindow",
    "ErrorBudgetEvaluator",
]

_H: Final[dt.timedelta] = dt.timedelta(hours=1)
_MINUTE: Final[dt.timedelta] = dt.timedelta(minutes=1)
_Fired = tuple["BurnWindow", WindowCounts, WindowCounts]
# A rule, its long and short counts, and whether it holds enough events.
_Measured = tuple["BurnWindow", WindowCounts, WindowCounts, bool]
_THIRTY_DAYS: Final[dt.timedelta] = dt.timedelta(days=30)


@attrs.frozen
class BudgetRule:
    """
    A burn-rate rule stated as a share of the budget spent within a window.

    Attributes:
        fraction: Share of the period's budget that, spent within *long*, fires.
        long: The long window.
        short: The short window that confirms the burn is still going on.
        urgency: Page or ticket.

    Example:
        >>> from datetime import timedelta
        >>> from incidentkit.signals import BudgetRule
        >>> rule = BudgetRule(0.02, timedelta(hours=1), timedelta(minutes=5))
        >>> rule.burn_rate(timedelta(days=30))
        14.4
    """

    fraction: float = attrs.field(validator=check_fraction)
    long: dt.timedelta = attrs.field(validator=check_positive_timedelta)
    short: dt.timedelta = attrs.field(validator=check_positive_timedelta)
    urgency: Urgency = Urgency.PAGE

    def burn_rate(self, period: dt.timedelta) -> float:
        """Return ``fraction * period / long`` (Sloth's ``getBurnRateFactor``)."""
        return round(self.fraction * (period / self.long), 10)


WORKBOOK_BUDGET_RULES: Final[tuple[BudgetRule, ...]] = (
    BudgetRule(0.02, _H, dt.timedelta(minutes=5), Urgency.PAGE),
    BudgetRule(0.05, 6 * _H, dt.timedelta(minutes=30), Urgency.PAGE),
    BudgetRule(0.10, 24 * _H, 2 * _H, Urgency.TICKET),
    BudgetRule(0.10, 72 * _H, 6 * _H, Urgency.TICKET),
)
"""SRE Workbook ch. 5, Table 5-8 and the listed rules: 2 %/1 h and 5 %/6 h page,
10 %/1 d and 10 %/3 d ticket; short windows 1/12 of the long ones."""


@attrs.frozen
class BurnWindow:
    """
    One multiwindow rule: both windows must burn faster than *burn_rate*.

    Attributes:
        long: The long window (precision).
        short: The short window (fast reset).
        burn_rate: The burn-rate threshold.
        urgency: Page or ticket.

    Example:
        >>> from datetime import timedelta
        >>> from incidentkit.signals import BurnWindow
        >>> BurnWindow(timedelta(hours=1), timedelta(minutes=5), 14.4).label
        'page 14.4x over 1h and 5m'
    """

    long: dt.timedelta = attrs.field(validator=check_positive_timedelta)
    short: dt.timedelta = attrs.field(validator=check_positive_timedelta)
    burn_rate: float = attrs.field(validator=check_positive)
    urgency: Urgency = Urgency.PAGE

    @property
    def label(self) -> str:
        """A name such as ``"page 14.4x over 1h and 5m"``."""
        return (
            f"{self.urgency.value} {self.burn_rate:g}x over "
            f"{format_duration(self.long)} and {format_duration(self.short)}"
        )

    def budget_consumed(self, period: dt.timedelta) -> float:
        """Share of the budget spent when it fires: ``burn_rate * long / period``."""
        return self.burn_rate * (self.long / period)


def _check_windows(
    _instance: object, _attribute: object, value: tuple[BurnWindow, ...]
) -> None:
    if (
        not isinstance(value, tuple)
        or not value
        or not all(isinstance(w, BurnWindow) for w in value)
    ):
        raise ValidationError.for_field(
            "windows", "a non-empty tuple of BurnWindow", value
        )
    for window in value:
        if window.short > window.long:
            # The ring is sized for the longest long window: a longer short one
            # could not be measured, and a "confirming" window longer than the
            # one it confirms makes no sense (the Workbook uses 1/12).
            raise ValidationError.for_field(
                "windows",
                "rules whose short window is at most their long window "
                f"({window.label} has a short window longer than its long one)",
                value,
            )


def _check_min_events(_instance: object, _attribute: object, value: int | None) -> None:
    if value is not None and (
        isinstance(value, bool) or not isinstance(value, int) or value < 0
    ):
        raise ValidationError.for_field(
            "min_events", "None or a non-negative integer", value
        )


def _workbook_windows(self: BurnPolicy) -> tuple[BurnWindow, ...]:
    return derive_windows(self.period, WORKBOOK_BUDGET_RULES)


def derive_windows(
    period: dt.timedelta, rules: tuple[BudgetRule, ...]
) -> tuple[BurnWindow, ...]:
    """Turn budget rules into burn-rate windows for *period*."""
    return tuple(
        BurnWindow(rule.long, rule.short, rule.burn_rate(period), rule.urgency)
        for rule in rules
    )


@attrs.frozen
class BurnPolicy:
    """
    Multiwindow, multi-burn-rate alerting rules for an SLO period.

    The default windows are the SRE Workbook's (ch. 5 "Alerting on SLOs",
    approach 6): page at 14.4x over 1 h and 5 m or 6x over 6 h and 30 m, ticket
    at 3x over 1 d and 2 h or 1x over 3 d and 6 h.  For another period they are
    derived from the same budget fractions (``burn = fraction * period / long``),
    so a 28-day period gives 13.44 / 5.6 / 2.8 / 0.933.

    Attributes:
        period: The SLO period (default 30 days).
        windows: The rules (at least one).  When several fire, the decision
            reports the most urgent: a page before a ticket, and among rules
            of the same urgency the one whose long window burns fastest.
        min_events: Rules whose long window holds fewer events are not
            evaluated (`None`: always evaluate, as the Workbook does); a
            non-negative integer.

    Example:
        >>> from datetime import timedelta
        >>> from incidentkit.signals import BurnPolicy
        >>> [w.burn_rate for w in BurnPolicy().windows]
        [14.4, 6.0, 3.0, 1.0]
        >>> [w.burn_rate for w in BurnPolicy(period=timedelta(days=28)).windows]
        [13.44, 5.6, 2.8, 0.9333333333]
    """

    period: dt.timedelta = attrs.field(
        default=_THIRTY_DAYS, validator=check_positive_timedelta
    )
    windows: tuple[BurnWindow, ...] = attrs.field(
        default=attrs.Factory(_workbook_windows, takes_self=True),
        converter=as_tuple,
        validator=_check_windows,
    )
    min_events: int | None = attrs.field(default=None, validator=_check_min_events)

    @classmethod
    def from_budget(
        cls, period: dt.timedelta, rules: tuple[BudgetRule, ...] = WORKBOOK_BUDGET_RULES
    ) -> BurnPolicy:
        """
        Build the windows from budget fractions for *period*.

        Args:
            period: The SLO period.
            rules: Budget rules; the Workbook's by default.

        Returns:
            The policy.

        Example:
            >>> from datetime import timedelta
            >>> from incidentkit.signals import BurnPolicy
            >>> BurnPolicy.from_budget(timedelta(days=7)).windows[0].burn_rate
            3.36
        """
        return cls(period=period, windows=derive_windows(period, rules))

    def validate(
        self, objective: float, *, slot: dt.timedelta = _MINUTE
    ) -> tuple[Finding, ...]:
        """
        Report broken rules, and where one failure fires a rule.

        Errors:

        - ``burn-rule-never-fires``: ``burn_rate * (1 - objective) >= 1``, an
          error ratio above 100 % would be needed.
        - ``burn-rule-spends-whole-budget``: ``burn_rate * long / period > 1``,
          the rule fires only after more than the whole budget is gone (the
          Workbook's rules spend 2 %, 5 %, 10 % and 10 %).
        - ``burn-window-longer-than-period``: a long window longer than the
          SLO period measures budget that is not the period's.
        - ``burn-window-shorter-than-slot`` (error when both windows are at
          most one *slot*): the rolling counts measure whole slots, so both
          windows read the same slots and the rule is no longer multiwindow.

        Warnings: ``burn-short-window-not-shorter`` (short window as long as
        the long one) and ``burn-window-shorter-than-slot`` when only the
        short window is shorter than a slot (it is measured as one slot).
        A short window longer than the long one is refused when the policy is
        built.

        Information, ``single-failure-fires``: a single bad event trips a rule
        unless its long window holds at least
        ``1 / (burn_rate * (1 - objective))`` events (SRE Workbook ch. 5 on
        low-traffic services).

        Args:
            objective: The SLO, e.g. 0.999.
            slot: The slot of the rolling counts the rules are measured on
                (one minute for `ErrorBudgetEvaluator`'s default counts).

        Returns:
            The findings, errors first (`incidentkit.findings.sort_findings`).

        Example:
            >>> from incidentkit.signals import BurnPolicy
            >>> findings = BurnPolicy().validate(0.999)
            >>> findings[0].message[:40]
            'Below 70 requests per 1h, a single failu'
            >>> findings[0].subject
            'page 14.4x over 1h and 5m'

            >>> BurnPolicy().validate(0.90)[0].code
            'burn-rule-never-fires'
        """
        _check_objective(objective)
        if not isinstance(slot, dt.timedelta) or slot <= dt.timedelta(0):
            raise ValidationError.for_field("slot", "a positive timedelta", slot)
        budget = 1.0 - objective
        findings: list[Finding] = []
        for window in self.windows:
            findings.extend(self._window_findings(window, slot))
            threshold = window.burn_rate * budget
            if threshold >= 1.0:
                findings.append(
                    Finding(
                        "burn-rule-never-fires",
                        f"At a {objective:.4g} objective the {window.label} rule needs "
                        f"an error ratio of {threshold:.0%}, which is impossible.",
                        Level.ERROR,
                        window.label,
                    )
                )
                continue
            floor = math.ceil(1.0 / threshold - 1e-9)
            findings.append(
                Finding(
                    "single-failure-fires",
                    f"Below {floor} requests per {format_duration(window.long)}, a "
                    f"single failure fires the {window.label} rule.",
                    Level.INFO,
                    window.label,
                )
            )
        return sort_findings(findings)

    def _window_findings(self, window: BurnWindow, slot: dt.timedelta) -> list[Finding]:
        findings: list[Finding] = []
        period = format_duration(self.period)
        long = format_duration(window.long)
        spent = window.budget_consumed(self.period)
        if window.long > self.period:
            findings.append(
                Finding(
                    "burn-window-longer-than-period",
                    f"The long window {long} is longer than the {period} SLO "
                    "period: it measures budget that is not the period's.",
                    Level.ERROR,
                    window.label,
                )
            )
        if spent > 1.0 + 1e-9:
            findings.append(
                Finding(
                    "burn-rule-spends-whole-budget",
                    f"The {window.label} rule fires only after {spent:.0%} of the "
                    f"{period} error budget is gone (burn_rate {window.burn_rate:g} "
                    f"x {long} / {period}); the Workbook's rules spend 2% to 10%.",
                    Level.ERROR,
                    window.label,
                )
            )
        if window.short == window.long:
            findings.append(
                Finding(
                    "burn-short-window-not-shorter",
                    f"The short window {format_duration(window.short)} should be "
                    f"shorter than the long one (the Workbook uses 1/12).",
                    Level.WARNING,
                    window.label,
                )
            )
        if window.short < slot:
            both = window.long <= slot
            what = (
                f"both windows ({long} and {format_duration(window.short)}) read "
                "the same slot, so the rule is a single window"
                if both
                else f"the short window {format_duration(window.short)} is "
                "measured as one whole slot"
            )
            findings.append(
                Finding(
                    "burn-window-shorter-than-slot",
                    f"The counts have {format_duration(slot)} slots and cannot "
                    f"measure a shorter window: {what}.",
                    Level.ERROR if both else Level.WARNING,
                    window.label,
                )
            )
        return findings


def _check_objective(objective: object) -> None:
    if (
        isinstance(objective, bool)
        or not isinstance(objective, (int, float))
        or not 0 < objective < 1
    ):
        raise ValidationError.for_field(
            "objective", "a fraction strictly between 0 and 1, like 0.999", objective
        )


def _counts_for(self: ErrorBudgetEvaluator) -> RollingCounts:
    longest = max((w.long for w in self.burn.windows), default=_H)
    slot = dt.timedelta(minutes=1)
    return RollingCounts(slot=slot, slots=-(-longest // slot))


def _period_counts_for(self: ErrorBudgetEvaluator) -> RollingCounts:
    return RollingCounts(slot=_H, slots=max(1, -(-self.burn.period // _H)))


def _check_counts(
    instance: ErrorBudgetEvaluator, _attribute: object, value: RollingCounts
) -> None:
    longest = max(w.long for w in instance.burn.windows)
    if not isinstance(value, RollingCounts) or value.horizon < longest:
        raise ValidationError.for_field(
            "counts",
            f"RollingCounts whose horizon covers the longest window "
            f"({format_duration(longest)})",
            value,
        )


def _check_period_counts(
    instance: ErrorBudgetEvaluator, _attribute: object, value: RollingCounts
) -> None:
    period = instance.burn.period
    if not isinstance(value, RollingCounts) or value.horizon < period:
        raise ValidationError.for_field(
            "period_counts",
            "RollingCounts whose horizon covers the period "
            f"({format_duration(period)})",
            value,
        )


def _percent(share: float) -> str:
    return f"{share * 100:.3g}%"


@attrs.frozen
class _Budget:
    """The period's budget: spent, left, and the sentence saying how."""

    consumed: float
    remaining: float
    value: WindowValue
    reason: str


@attrs.define
class ErrorBudgetEvaluator:
    """
    Alert on error-budget burn over exact, event-weighted rolling windows.

    Bad events are explicit failures, implicit failures (wrong content) and
    policy failures (too slow), all counted against one budget
    ``1 - objective``.  The burn rate of a window is its error ratio over the
    budget; a rule fires when both its windows burn faster than its threshold.

    Attributes:
        objective: The SLO, e.g. 0.999.
        burn: The burn-rate rules.
        alerting: Debounce and no-data policy.
        name: The signal name in decisions.
        counts: The rolling counts (one-minute slots up to the longest window).
        tracker: The page alert's state machine (the page rules only).
        urgency: The urgency of the last decision.
        period_counts: Hourly counts over the whole period, for the budget
            spent and left (``budget_consumed``, ``budget_remaining``).
        ticket_tracker: The ticket alert's state machine (the ticket rules
            only).  Page and ticket fire and resolve on their own rules, as in
            Sloth and Pyrra; the decision reports the most urgent open alert,
            and a page that drops to a ticket is a change (`Decision.changed`).

    Example:
        >>> from datetime import datetime, timedelta, timezone
        >>> from incidentkit.signals import ErrorBudgetEvaluator
        >>> errors = ErrorBudgetEvaluator(0.999)
        >>> t0 = datetime(2024, 6, 1, 12, tzinfo=timezone.utc)
        >>> errors.record(t0, good=1000)
        >>> errors.record(t0 + timedelta(minutes=2), explicit=100)
        >>> d = errors.evaluate(t0 + timedelta(minutes=2))
        >>> d.state.value, d.urgency.value, d.rule
        ('firing', 'page', 'page 14.4x over 1h and 5m')
    """

    objective: float = attrs.field(validator=check_fraction)
    burn: BurnPolicy = attrs.field(factory=BurnPolicy)
    alerting: AlertPolicy = attrs.field(factory=AlertPolicy)
    name: str = "errors"
    counts: RollingCounts = attrs.field(
        default=attrs.Factory(_counts_for, takes_self=True), validator=_check_counts
    )
    tracker: AlertTracker = attrs.field(default=OWN_TRACKER)
    urgency: Urgency | None = None
    period_counts: RollingCounts = attrs.field(
        default=attrs.Factory(_period_counts_for, takes_self=True),
        validator=_check_period_counts,
    )
    ticket_tracker: AlertTracker = attrs.field(default=OWN_TRACKER)

    def record(
        self,
        at: dt.datetime,
        *,
        good: float = 0.0,
        explicit: float = 0.0,
        implicit: float = 0.0,
        policy: float = 0.0,
    ) -> None:
        """
        Count requests at *at* (zero counts still say the source is alive).

        Args:
            at: When (aware).
            good: Good requests.
            explicit: Explicit failures.
            implicit: Implicit failures.
            policy: Policy failures (too slow).
        """
        self.counts.add(
            at, good=good, explicit=explicit, implicit=implicit, policy=policy
        )
        self.period_counts.add(
            at, good=good, explicit=explicit, implicit=implicit, policy=policy
        )

    def validate(self) -> tuple[Finding, ...]:
        """
        Check the burn policy against this objective and these counts' slot.

        Returns:
            `BurnPolicy.validate` of *objective*, measured on *counts.slot*.
        """
        return self.burn.validate(self.objective, slot=self.counts.slot)

    @property
    def objective_text(self) -> str:
        """The objective in words, e.g. ``"99.9% good over 30d"``."""
        period = format_duration(self.burn.period)
        return f"{self.objective * 100:.6g}% good over {period}"

    def evaluate(self, now: dt.datetime) -> Decision:
        """
        Evaluate every burn-rate rule at *now* and advance the alert state.

        Args:
            now: The evaluation time (aware).

        Returns:
            The decision.
        """
        now = ensure_utc(now, field="now")
        previous, was = combine(self.tracker.state, self.ticket_tracker.state)
        budget = 1.0 - self.objective
        values, measured = self._measure(now, budget)
        fired = [m[:3] for m in measured if m[3] and _fires(m, budget)]
        # The most urgent rule decides: pages first, then the fastest burn
        # (a stable sort keeps the policy's order among equals).
        fired.sort(
            key=lambda f: (f[0].urgency is not Urgency.PAGE, -_burn(f[1], budget))
        )
        reasons = self._reasons(now, budget, values, measured, fired)
        missing = stale(self.counts.last_seen, now, self.alerting)
        for urgency, tracker in self._trackers():
            mine = [m for m in measured if m[0].urgency is urgency]
            if missing is not None:
                condition = missing[0]
            elif not any(m[3] for m in mine):
                # No rule of this urgency can judge (none, or too few events).
                condition = Condition.INSUFFICIENT_DATA
            elif any(f[0].urgency is urgency for f in fired):
                condition = Condition.BREACH
            else:
                condition = Condition.CLEAR
            tracker.update(condition, now)
        state, self.urgency = combine(self.tracker.state, self.ticket_tracker.state)
        deciding = [f for f in fired if f[0].urgency is self.urgency] or fired
        if self.urgency is Urgency.TICKET and missing is None:
            reasons += (_no_page(budget, measured),)
        spent = self._budget(now, budget)
        tte, tte_reason = self._exhaustion(now, budget, deciding, spent)
        extra = () if spent is None else (spent.value,)
        more = tuple(r for r in (spent and spent.reason, tte_reason) if r)
        return Decision(
            signal=self.name,
            state=state,
            previous=previous,
            previous_urgency=was,
            evaluated_at=now,
            urgency=self.urgency,
            objective=self.objective_text,
            rule=deciding[0][0].label if deciding and state.is_alerting else None,
            windows=values + extra,
            thresholds={w.label: w.burn_rate for w in self.burn.windows},
            budget_consumed=None if spent is None else spent.consumed,
            budget_remaining=None if spent is None else spent.remaining,
            time_to_exhaustion=tte,
            reasons=reasons + more,
        )

    def _budget(self, now: dt.datetime, budget: float) -> _Budget | None:
        """
        The period's budget spent so far, projected from the covered time.

        ``consumed = bad / (budget * expected)`` with
        ``expected = total / covered * period``: the failures of the period
        counted against the requests the period is expected to hold at the rate
        observed so far.  *bad* and *total* come from *period_counts* (hourly
        slots over the period); *covered* is the time from the first minute
        with data to the end of the current minute (from *counts*), at most the
        period.  With the whole period covered this is Sloth's
        ``1 - period_error_budget_remaining``: the period's error ratio over
        the budget.
        """
        first = self.counts.first
        end = slot_index(now, self.counts.slot)
        if first is None or first > end:
            return None
        period = self.burn.period
        covered = min(period, (end - first + 1) * self.counts.slot)
        window = self.period_counts.counts(now, period)
        bad, total = window.bad, window.total
        consumed = 0.0 if total <= 0 else bad * (covered / period) / (budget * total)
        remaining = 1.0 - consumed
        expected = total * (period / covered)
        rate = total / covered.total_seconds()
        p = format_duration(period)
        reason = (
            f"{_percent(remaining)} of the {p} error budget remains "
            f"({_percent(consumed)} spent): {bad:g} bad of an expected "
            f"{expected:.0f} requests ({rate:.4g} req/s over the "
            f"{format_duration(covered)} covered, x {p}), of which the "
            f"{_percent(budget)} budget allows {budget * expected:.0f}"
        )
        ratio = window.error_ratio
        value = WindowValue(
            label=p,
            window=period,
            value=ratio,
            events=total,
            coverage=covered / period,
            burn_rate=None if ratio is None else ratio / budget,
        )
        return _Budget(consumed, remaining, value, reason)

    def _exhaustion(
        self,
        now: dt.datetime,
        budget: float,
        fired: list[_Fired],
        spent: _Budget | None,
    ) -> tuple[dt.timedelta | None, str | None]:
        """
        When the remaining budget runs out at the fastest current burn.

        The burn is the firing rule's short window's, else the shortest
        window's; ``time = max(remaining, 0) * period / burn`` (at burn *b* a
        whole budget lasts ``period / b``: 43 min at 1000x of 30 days).
        """
        if spent is None:
            return None, None
        if fired:
            short = fired[0][2]
        else:
            shortest = min(w.short for w in self.burn.windows)
            short = self.counts.counts(now, shortest)
        burn = _burn(short, budget)
        if burn <= 0:
            return None, None
        left = max(spent.remaining, 0.0)
        seconds = round(left * self.burn.period.total_seconds() / burn)
        tte = dt.timedelta(seconds=seconds)
        p = format_duration(self.burn.period)
        if left <= 0:
            return tte, f"the {p} error budget is exhausted"
        return tte, (
            f"the fastest burn, {burn:.1f}x over {format_duration(short.window)}, "
            f"spends the remaining {_percent(left)} in {_percent(left)} x {p} / "
            f"{burn:.1f}"
        )

    def _trackers(self) -> tuple[tuple[Urgency, AlertTracker], ...]:
        return ((Urgency.PAGE, self.tracker), (Urgency.TICKET, self.ticket_tracker))

    def _measure(
        self, now: dt.datetime, budget: float
    ) -> tuple[tuple[WindowValue, ...], list[_Measured]]:
        values: list[WindowValue] = []
        measured: list[_Measured] = []
        seen: set[dt.timedelta] = set()
        for window in self.burn.windows:
            long = self.counts.counts(now, window.long)
            short = self.counts.counts(now, window.short)
            for counts in (long, short):
                if counts.window not in seen:
                    seen.add(counts.window)
                    values.append(_value(counts, budget))
            evaluable = (
                self.burn.min_events is None or long.total >= self.burn.min_events
            )
            measured.append((window, long, short, evaluable))
        return tuple(values), measured

    def _reasons(
        self,
        now: dt.datetime,
        budget: float,
        values: tuple[WindowValue, ...],
        measured: list[_Measured],
        fired: list[_Fired],
    ) -> tuple[str, ...]:
        missing = stale(self.counts.last_seen, now, self.alerting)
        if missing is not None:
            return missing[1]
        if fired:
            window, long, short = fired[0]
            reason = (
                f"error budget burning {_burn(long, budget):.1f}x over "
                f"{format_duration(window.long)} and {_burn(short, budget):.1f}x over "
                f"{format_duration(window.short)} (threshold {window.burn_rate:g}x; "
                f"{long.bad:g} of {long.total:g} requests bad in "
                f"{format_duration(window.long)})"
            )
            return (reason,)
        if not any(m[3] for m in measured):
            return (f"fewer than {self.burn.min_events} requests in every long window",)
        first = values[0]
        if first.events == 0:
            reason = (
                f"no requests in the last {first.label} (zero traffic, not missing "
                "data): no budget burnt"
            )
            return (reason,)
        reason = (
            f"error budget burning {first.burn_rate or 0.0:.1f}x over {first.label}, "
            "below every rule"
        )
        return (reason,)


def combine(
    page: SignalState, ticket: SignalState
) -> tuple[SignalState, Urgency | None]:
    """
    The state and urgency of the page and ticket alerts, as one decision.

    The most urgent open alert decides: a firing page, a firing ticket, a
    recovering page, a recovering ticket.  Otherwise pending, then no data,
    then OK, and insufficient data only when neither alert can judge; unknown
    (fresh trackers, nothing evaluated yet) only when both are.
    """
    if page is ticket is SignalState.UNKNOWN:
        return SignalState.UNKNOWN, None
    for state in (SignalState.FIRING, SignalState.RECOVERING):
        if page is state:
            return state, Urgency.PAGE
        if ticket is state:
            return state, Urgency.TICKET
    for state in (SignalState.PENDING, SignalState.NO_DATA, SignalState.OK):
        if state in (page, ticket):
            return state, None
    return SignalState.INSUFFICIENT_DATA, None


def _fires(measured: _Measured, budget: float) -> bool:
    window, long, short, _ = measured
    return (
        _burn(long, budget) > window.burn_rate
        and _burn(short, budget) > window.burn_rate
    )


def _no_page(budget: float, measured: list[_Measured]) -> str:
    pages = [
        f"{w.label}: {_burn(long, budget):.1f}x and {_burn(short, budget):.1f}x"
        for w, long, short, _ in measured
        if w.urgency is Urgency.PAGE
    ]
    if not pages:
        return "no page rule fires (the policy has none)"
    return f"no page rule fires ({'; '.join(pages)})"


def _burn(counts: WindowCounts, budget: float) -> float:
    ratio = counts.error_ratio
    return 0.0 if ratio is None else ratio / budget


def _value(counts: WindowCounts, budget: float) -> WindowValue:
    ratio = counts.error_ratio
    return WindowValue(
        label=format_duration(counts.window),
        window=counts.window,
        value=ratio,
        events=counts.total,
        coverage=counts.coverage,
        burn_rate=None if ratio is None else ratio / budget,
    )
