"""Traffic against a robust seasonal baseline: drops alarm like spikes."""

from __future__ import annotations

import datetime as dt
import statistics
from typing import Final

import attrs

from incidentkit._time import ensure_utc, shift_clamped
from incidentkit._validators import (
    as_tuple,
    check_non_negative,
    check_positive,
    check_positive_int,
    check_positive_timedelta,
    tuple_of,
)

from ._decision import Decision, Urgency, WindowValue, format_duration
from ._state import OWN_TRACKER, AlertPolicy, AlertTracker, Condition, stale
from ._windows import EPOCH, RollingCounts


__all__ = ["TrafficEvaluator", "TrafficPolicy"]

_MINUTE: Final[dt.timedelta] = dt.timedelta(minutes=1)


def _positive_timedelta(value: object) -> bool:
    return isinstance(value, dt.timedelta) and value > dt.timedelta(0)


_DAY: Final[dt.timedelta] = dt.timedelta(days=1)


@attrs.frozen
class TrafficPolicy:
    """
    How traffic is compared with its seasonal baseline.

    The defaults follow the robust strategy of grafana/promql-anomaly-detection
    (``rules/robust.yml``): median and MAD of the same time of day one day and
    one week back, a band of ``2 x MAD`` that is at least ``0.5 x median`` wide,
    and a sparse-traffic filter of 5 requests per minute.

    Attributes:
        slot: Resolution of the stored history (default 5 minutes).
        window: The current level is the rate over this window (default 15 m).
        lookbacks: Seasonal offsets (default one day and one week).
        spread: Baseline samples are the slots within this span centred on each
            offset (default one hour).
        deviations: Band half-width in MADs.
        margin: Minimum band half-width as a share of the baseline.
        min_band: Minimum band half-width in requests per second.
        min_rate: Sparse guard: when both baseline and current rate are below
            this (requests per second), traffic is too sparse to judge.
        min_samples: Baseline samples needed.
        clear_fraction: Hysteresis: clear only inside this share of the band.
        urgency: How a traffic alert reaches people (a ticket: anomaly alerts
            are warnings in the Grafana and GitLab rules).

    Example:
        >>> from incidentkit.signals import TrafficPolicy
        >>> round(TrafficPolicy().min_rate * 60, 6)
        5.0
    """

    slot: dt.timedelta = attrs.field(
        default=5 * _MINUTE, validator=check_positive_timedelta
    )
    window: dt.timedelta = attrs.field(
        default=15 * _MINUTE, validator=check_positive_timedelta
    )
    lookbacks: tuple[dt.timedelta, ...] = attrs.field(
        default=(_DAY, 7 * _DAY),
        converter=as_tuple,
        validator=tuple_of(_positive_timedelta, "a tuple of positive timedeltas"),
    )
    spread: dt.timedelta = attrs.field(
        default=60 * _MINUTE, validator=check_positive_timedelta
    )
    deviations: float = attrs.field(default=2.0, validator=check_positive)
    margin: float = attrs.field(default=0.5, validator=check_non_negative)
    min_band: float = attrs.field(default=0.05, validator=check_non_negative)
    min_rate: float = attrs.field(default=5 / 60, validator=check_non_negative)
    min_samples: int = attrs.field(default=6, validator=check_positive_int)
    clear_fraction: float = attrs.field(default=0.8, validator=check_positive)
    urgency: Urgency = Urgency.TICKET


def _history(self: TrafficEvaluator) -> RollingCounts:
    policy = self.policy
    horizon = max(policy.lookbacks, default=_DAY) + policy.spread + policy.window
    return RollingCounts(slot=policy.slot, slots=-(-horizon // policy.slot) + 1)


@attrs.define
class TrafficEvaluator:
    """
    Compare the request rate with the same time one day and one week back.

    A drop alarms like a spike; zero traffic while data keeps arriving is a
    drop, while no data at all is `SignalState.NO_DATA`.

    Attributes:
        policy: The baseline policy.
        alerting: Debounce and no-data policy.
        name: The signal name.
        history: Request counts per slot, kept for the longest lookback.
        tracker: The alert state machine.

    Example:
        >>> from datetime import datetime, timedelta, timezone
        >>> from incidentkit.signals import TrafficEvaluator
        >>> traffic = TrafficEvaluator()
        >>> now = datetime(2024, 6, 8, 12, tzinfo=timezone.utc)
        >>> for minutes in range(0, 8 * 24 * 60, 5):
        ...     traffic.record(now - timedelta(minutes=minutes), 30000)
        >>> traffic.evaluate(now).state.value
        'ok'
    """

    policy: TrafficPolicy = attrs.field(factory=TrafficPolicy)
    alerting: AlertPolicy = attrs.field(factory=AlertPolicy)
    name: str = "traffic"
    history: RollingCounts = attrs.field(
        default=attrs.Factory(_history, takes_self=True)
    )
    tracker: AlertTracker = attrs.field(default=OWN_TRACKER)

    def record(self, at: dt.datetime, requests: float = 1.0) -> None:
        """
        Count *requests* at *at*; zero says "alive, no traffic".

        Args:
            at: When (aware).
            requests: How many requests.
        """
        self.history.add(at, good=requests)

    def evaluate(self, now: dt.datetime) -> Decision:
        """
        Compare the current rate with the seasonal band and advance the state.

        Args:
            now: The evaluation time (aware).

        Returns:
            The decision.
        """
        now = ensure_utc(now, field="now")
        previous = self.tracker.state
        rate, coverage = self._current_rate(now)
        samples = self._baseline_samples(now)
        values = [WindowValue("rate", self.policy.window, rate, coverage=coverage)]
        thresholds: dict[str, float] = {}
        condition, reasons = self._judge(now, rate, samples, values, thresholds)
        state = self.tracker.update(condition, now)
        return Decision(
            signal=self.name,
            state=state,
            previous=previous,
            evaluated_at=now,
            urgency=self.policy.urgency if state.is_alerting else None,
            objective="request rate within its seasonal band",
            windows=tuple(values),
            thresholds=thresholds,
            reasons=reasons,
        )

    def _current_rate(self, now: dt.datetime) -> tuple[float | None, float]:
        counts = self.history.counts(now, self.policy.window)
        first = self.history.first
        if first is None or counts.coverage == 0.0:
            return None, 0.0
        slot = self.policy.slot
        end = (now - EPOCH) // slot
        start_index = max(first, end - (-(-self.policy.window // slot)) + 1)
        elapsed = (now - (EPOCH + start_index * slot)).total_seconds()
        return counts.total / max(elapsed, 1.0), counts.coverage

    def _baseline_samples(self, now: dt.datetime) -> list[float]:
        half = self.policy.spread / 2
        seconds = self.policy.slot.total_seconds()
        samples: list[float] = []
        for lookback in self.policy.lookbacks:
            try:
                centre = now - lookback
            except OverflowError:  # before year 1: nothing was recorded then
                continue
            totals = self.history.slot_totals(
                shift_clamped(centre, -half), shift_clamped(centre, half)
            )
            samples.extend(t / seconds for t in totals if t is not None)
        return samples

    def _judge(  # noqa: PLR0911 - one return per outcome reads best
        self,
        now: dt.datetime,
        rate: float | None,
        samples: list[float],
        values: list[WindowValue],
        thresholds: dict[str, float],
    ) -> tuple[Condition, tuple[str, ...]]:
        policy = self.policy
        missing = stale(self.history.last_seen, now, self.alerting)
        if missing is not None:
            return missing
        if rate is None:  # fresh data, but none in the window: all after *now*
            return Condition.NO_DATA, ("no data received",)
        if len(samples) < policy.min_samples:
            back = " and ".join(format_duration(b) for b in policy.lookbacks)
            reason = (
                f"{rate:.3g} req/s, but only {len(samples)} baseline samples from "
                f"{back} back (needs {policy.min_samples}): not enough history"
            )
            return Condition.INSUFFICIENT_DATA, (reason,)
        median = statistics.median(samples)
        mad = statistics.median(abs(s - median) for s in samples)
        half = max(policy.deviations * mad, policy.margin * median, policy.min_band)
        lower, upper = max(0.0, median - half), median + half
        values.append(
            WindowValue("baseline", policy.spread, median, float(len(samples)))
        )
        thresholds.update({"lower": lower, "upper": upper, "baseline": median})
        if median < policy.min_rate and rate < policy.min_rate:
            reason = (
                f"sparse traffic: {rate:.3g} req/s against a baseline of "
                f"{median:.3g} req/s, both below {policy.min_rate:.3g} req/s"
            )
            return Condition.INSUFFICIENT_DATA, (reason,)
        band = f"expected {median:.3g} req/s, band {lower:.3g} to {upper:.3g}"
        if rate < lower or rate > upper:
            where = "below" if rate < lower else "above"
            zero = " (zero traffic while data keeps arriving)" if rate == 0 else ""
            reason = f"traffic {rate:.3g} req/s is {where} its band{zero}: {band}"
            return Condition.BREACH, (reason,)
        if abs(rate - median) > policy.clear_fraction * half:
            return Condition.HOLD, (
                f"traffic {rate:.3g} req/s near its band edge: {band}",
            )
        return Condition.CLEAR, (f"traffic {rate:.3g} req/s is normal: {band}",)
