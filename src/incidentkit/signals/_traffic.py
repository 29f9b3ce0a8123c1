"""Traffic against a robust seasonal baseline: drops alarm like spikes."""

from __future__ import annotations

import datetime as dt
import enum
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
    instance_of,
    tuple_of,
)

from ._decision import Decision, Urgency, WindowValue, format_duration
from ._state import OWN_TRACKER, AlertPolicy, AlertTracker, Condition, stale
from ._windows import EPOCH, RollingCounts


__all__ = ["TrafficDirection", "TrafficEvaluator", "TrafficPolicy"]

_MINUTE: Final[dt.timedelta] = dt.timedelta(minutes=1)


def _positive_timedelta(value: object) -> bool:
    return isinstance(value, dt.timedelta) and value > dt.timedelta(0)


_DAY: Final[dt.timedelta] = dt.timedelta(days=1)
_WEEK: Final[dt.timedelta] = dt.timedelta(days=7)


class TrafficDirection(enum.Enum):
    """
    Which departures from the band alarm.

    Example:
        >>> from incidentkit.signals import TrafficDirection
        >>> TrafficDirection("below")
        <TrafficDirection.BELOW: 'below'>
    """

    BOTH = "both"
    """Drops and spikes (the default: a drop is as much a symptom as a spike)."""
    ABOVE = "above"
    """Only spikes; traffic below the band is normal."""
    BELOW = "below"
    """Only drops; traffic above the band is normal."""


@attrs.frozen
class TrafficPolicy:
    """
    How traffic is compared with its seasonal baseline.

    The defaults follow the robust strategy of grafana/promql-anomaly-detection
    (``rules/robust.yml``): median and MAD of the same time of day one day and
    one week back, a band of ``2 x MAD`` that is at least ``0.5 x median`` wide,
    and a sparse-traffic filter of 5 requests per minute.

    Each lookback has its own band, from its own samples, and the bands are
    combined as Grafana combines them: the widest band, from the lowest lower
    bound to the highest upper bound.  A lookback of whole weeks compares the
    same weekday, as GitLab's traffic-anomaly rules do; when such a lookback
    expects traffic (its lower bound is above *min_rate*) and the current rate
    is zero or below *min_rate*, that is an outage even if another lookback's
    band reaches zero (a closed weekend, a quiet night).

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
        direction: Which departures alarm: drops and spikes (the default),
            only spikes (`TrafficDirection.ABOVE`) or only drops
            (`TrafficDirection.BELOW`).

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
    direction: TrafficDirection = attrs.field(
        default=TrafficDirection.BOTH,
        validator=instance_of(TrafficDirection, "a TrafficDirection"),
    )


@attrs.frozen
class _Band:
    """One lookback's expectation: its samples' median and band."""

    lookback: dt.timedelta
    samples: int
    median: float
    half: float

    @property
    def label(self) -> str:
        return format_duration(self.lookback)

    @property
    def same_weekday(self) -> bool:
        return self.lookback % _WEEK == dt.timedelta(0)

    @property
    def lower(self) -> float:
        return max(0.0, self.median - self.half)

    @property
    def upper(self) -> float:
        return self.median + self.half

    def describe(self, colon: str = ":") -> str:
        weekday = " (same weekday)" if self.same_weekday else ""
        return (
            f"{self.label} back{weekday}{colon} expected {self.median:.3g} req/s, "
            f"band {self.lower:.3g} to {self.upper:.3g}"
        )


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
        values = [WindowValue("rate", self.policy.window, rate, coverage=coverage)]
        thresholds: dict[str, float] = {}
        condition, reasons = self._judge(now, rate, values, thresholds)
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

    def _baseline_samples(self, now: dt.datetime) -> list[list[float]]:
        """The samples of each lookback (empty before year 1), in policy order."""
        half = self.policy.spread / 2
        seconds = self.policy.slot.total_seconds()
        per_lookback: list[list[float]] = []
        for lookback in self.policy.lookbacks:
            try:
                centre = now - lookback
            except OverflowError:  # before year 1: nothing was recorded then
                per_lookback.append([])
                continue
            totals = self.history.slot_totals(
                shift_clamped(centre, -half), shift_clamped(centre, half)
            )
            per_lookback.append([t / seconds for t in totals if t is not None])
        return per_lookback

    def _band(self, lookback: dt.timedelta, samples: list[float]) -> _Band:
        policy = self.policy
        median = statistics.median(samples)
        mad = statistics.median(abs(s - median) for s in samples)
        half = max(policy.deviations * mad, policy.margin * median, policy.min_band)
        return _Band(lookback, len(samples), median, half)

    def _judge(
        self,
        now: dt.datetime,
        rate: float | None,
        values: list[WindowValue],
        thresholds: dict[str, float],
    ) -> tuple[Condition, tuple[str, ...]]:
        policy = self.policy
        missing = stale(self.history.last_seen, now, self.alerting)
        if missing is not None:
            return missing
        if rate is None:  # fresh data, but none in the window: all after *now*
            return Condition.NO_DATA, ("no data received",)
        samples = self._baseline_samples(now)
        bands: list[_Band] = []
        notes: list[str] = []
        for lookback, found in zip(policy.lookbacks, samples, strict=True):
            if len(found) >= policy.min_samples:
                bands.append(self._band(lookback, found))
            else:
                notes.append(
                    f"{format_duration(lookback)} back: only {len(found)} samples "
                    f"(needs {policy.min_samples}), not used"
                )
        if not bands:
            counts = " and ".join(
                f"{len(found)} from {format_duration(lookback)} back"
                for lookback, found in zip(policy.lookbacks, samples, strict=True)
            )
            reason = (
                f"{rate:.3g} req/s, but only {counts} (needs {policy.min_samples} "
                f"baseline samples from one lookback): not enough history"
            )
            return Condition.INSUFFICIENT_DATA, (reason,)
        for band in bands:
            values.append(
                WindowValue(
                    f"baseline {band.label}",
                    policy.spread,
                    band.median,
                    float(band.samples),
                )
            )
            thresholds.update(
                {
                    f"baseline {band.label}": band.median,
                    f"lower {band.label}": band.lower,
                    f"upper {band.label}": band.upper,
                }
            )
        lower = min(b.lower for b in bands)
        upper = max(b.upper for b in bands)
        baseline = statistics.median(b.median for b in bands)
        thresholds.update({"lower": lower, "upper": upper, "baseline": baseline})
        details = [f"{b.describe()} ({b.samples} samples)" for b in bands] + notes
        condition, verdict = self._verdict(rate, bands, lower, upper)
        return condition, (verdict, *details)

    def _verdict(
        self, rate: float, bands: list[_Band], lower: float, upper: float
    ) -> tuple[Condition, str]:
        policy = self.policy
        if all(b.median < policy.min_rate for b in bands) and rate < policy.min_rate:
            expected = " and ".join(f"{b.median:.3g}" for b in bands)
            return Condition.INSUFFICIENT_DATA, (
                f"sparse traffic: {rate:.3g} req/s against a baseline of "
                f"{expected} req/s, all below {policy.min_rate:.3g} req/s"
            )
        drops = policy.direction is not TrafficDirection.ABOVE
        rises = policy.direction is not TrafficDirection.BELOW
        zero = " (zero traffic while data keeps arriving)" if rate == 0 else ""
        back = " and ".join(b.label for b in bands)
        widest = "the widest of" if len(bands) > 1 else "from"
        band = f"band {lower:.3g} to {upper:.3g} req/s, {widest} {back} back"
        outage = self._outage(rate, bands)
        if drops and outage is not None and rate >= lower:
            return Condition.BREACH, (
                f"traffic {rate:.3g} req/s is below its band{zero}: "
                f"{outage.describe(colon='')}; an outage although the widest band, "
                f"{lower:.3g} to {upper:.3g} req/s, reaches zero"
            )
        if rate < lower or rate > upper:
            where = "below" if rate < lower else "above"
            if (drops and rate < lower) or (rises and rate > upper):
                reason = f"traffic {rate:.3g} req/s is {where} its band{zero}: {band}"
                return Condition.BREACH, reason
            only = "rises" if rises else "drops"
            return Condition.CLEAR, (
                f"traffic {rate:.3g} req/s is {where} its band, but only {only} "
                f"alarm (direction {policy.direction.value}): {band}"
            )
        fraction = policy.clear_fraction
        clear_lower = min(b.median - fraction * b.half for b in bands)
        clear_upper = max(b.median + fraction * b.half for b in bands)
        if (drops and rate < clear_lower) or (rises and rate > clear_upper):
            edge = f"traffic {rate:.3g} req/s near its band edge: {band}"
            return Condition.HOLD, edge
        return Condition.CLEAR, f"traffic {rate:.3g} req/s is normal: {band}"

    def _outage(self, rate: float, bands: list[_Band]) -> _Band | None:
        """The same-weekday band that makes next to no traffic an outage, if any."""
        min_rate = self.policy.min_rate
        if rate > 0 and rate >= min_rate:
            return None
        for band in bands:
            if band.same_weekday and band.lower > min_rate and band.lower > rate:
                return band
        return None
