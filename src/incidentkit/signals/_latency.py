"""Latency: success and failure latency kept apart, percentiles with error bounds."""

from __future__ import annotations

import datetime as dt
from typing import Final

import attrs

from incidentkit._time import ensure_utc
from incidentkit._validators import (
    as_tuple,
    check_fraction,
    check_positive_int,
    check_positive_timedelta,
    tuple_of,
)

from ._decision import Decision, Urgency, WindowValue, format_duration
from ._sketch import DEFAULT_RELATIVE_ACCURACY, Quantile, check_accuracy
from ._state import OWN_TRACKER, AlertPolicy, AlertTracker, Condition, stale
from ._windows import RollingCounts, RollingSketch


__all__ = ["LatencyEvaluator", "LatencyPolicy", "PercentileTarget"]

_SECOND: Final[dt.timedelta] = dt.timedelta(seconds=1)
_MINUTE: Final[dt.timedelta] = dt.timedelta(minutes=1)


@attrs.frozen
class PercentileTarget:
    """
    A percentile that must stay at or below a latency.

    Attributes:
        q: The quantile, e.g. 0.99 for p99.
        above: Fire when the percentile is above this.
        clear_below: Clear only when it is back below this (hysteresis);
            `None` means 90 % of *above* (a recovery threshold as in Datadog's
            metric monitors; the 90 % is incidentkit's choice).

    Example:
        >>> from datetime import timedelta
        >>> from incidentkit.signals import PercentileTarget
        >>> PercentileTarget(0.99, timedelta(seconds=1)).clear
        datetime.timedelta(microseconds=900000)
    """

    q: float = attrs.field(validator=check_fraction)
    above: dt.timedelta = attrs.field(validator=check_positive_timedelta)
    clear_below: dt.timedelta | None = None

    @property
    def clear(self) -> dt.timedelta:
        """The clear threshold."""
        return self.clear_below if self.clear_below is not None else self.above * 0.9

    @property
    def name(self) -> str:
        """``"p99"``, ``"p99.9"``..."""
        return f"p{self.q * 100:g}"


def _default_targets(self: LatencyPolicy) -> tuple[PercentileTarget, ...]:
    return (PercentileTarget(0.99, self.promise),)


@attrs.frozen
class LatencyPolicy:
    """
    Latency objectives.

    Attributes:
        promise: The promised latency; slower requests are policy errors (SRE
            book ch. 6: "if you committed to one-second response times, any
            request over one second is an error").
        targets: Percentile thresholds (default: p99 at the promise).
        window: The window percentiles are computed over (default 5 minutes;
            the SRE book suggests a small window such as one minute for p99).
        min_requests: Fewer requests than this in the window are too few to
            judge a percentile.
        relative_accuracy: Accuracy of the quantile sketches.
        urgency: How a latency alert reaches people.

    Example:
        >>> from datetime import timedelta
        >>> from incidentkit.signals import LatencyPolicy
        >>> [t.name for t in LatencyPolicy(promise=timedelta(milliseconds=300)).targets]
        ['p99']
    """

    promise: dt.timedelta = attrs.field(
        default=_SECOND, validator=check_positive_timedelta
    )
    targets: tuple[PercentileTarget, ...] = attrs.field(
        default=attrs.Factory(_default_targets, takes_self=True),
        converter=as_tuple,
        validator=tuple_of(
            lambda item: isinstance(item, PercentileTarget),
            "a tuple of PercentileTarget",
        ),
    )
    window: dt.timedelta = attrs.field(
        default=5 * _MINUTE, validator=check_positive_timedelta
    )
    min_requests: int = attrs.field(default=20, validator=check_positive_int)
    relative_accuracy: float = attrs.field(
        default=DEFAULT_RELATIVE_ACCURACY, validator=check_accuracy
    )
    urgency: Urgency = Urgency.PAGE


def _ring(self: LatencyEvaluator) -> RollingSketch:
    return RollingSketch(
        slot=_MINUTE,
        slots=-(-self.policy.window // _MINUTE),
        relative_accuracy=self.policy.relative_accuracy,
    )


def _counts(self: LatencyEvaluator) -> RollingCounts:
    return RollingCounts(slot=_MINUTE, slots=-(-self.policy.window // _MINUTE))


@attrs.define
class LatencyEvaluator:
    """
    Judge latency percentiles of successful and failed requests separately.

    Failed requests never enter the success percentiles, so a burst of fast
    errors cannot make latency look better; failed requests are judged against
    the same thresholds, because a slow error is worse than a fast one (SRE
    book ch. 6).

    Attributes:
        policy: The latency objectives.
        alerting: Debounce and no-data policy.
        name: The signal name.
        ok: Latencies of successful requests.
        failed: Latencies of failed requests.
        counts: Requests within and beyond the promise.
        tracker: The alert state machine.

    Example:
        >>> from datetime import datetime, timedelta, timezone
        >>> from incidentkit.signals import LatencyEvaluator
        >>> latency = LatencyEvaluator()
        >>> t0 = datetime(2024, 6, 1, tzinfo=timezone.utc)
        >>> for i in range(100):
        ...     latency.observe(t0, 0.1 if i < 90 else 2.0)
        >>> d = latency.evaluate(t0)
        >>> d.state.value, d.reasons[0][:24]
        ('firing', 'successful requests: p99')
    """

    policy: LatencyPolicy = attrs.field(factory=LatencyPolicy)
    alerting: AlertPolicy = attrs.field(factory=AlertPolicy)
    name: str = "latency"
    ok: RollingSketch = attrs.field(default=attrs.Factory(_ring, takes_self=True))
    failed: RollingSketch = attrs.field(default=attrs.Factory(_ring, takes_self=True))
    counts: RollingCounts = attrs.field(default=attrs.Factory(_counts, takes_self=True))
    tracker: AlertTracker = attrs.field(default=OWN_TRACKER)

    def observe(self, at: dt.datetime, seconds: float, ok: bool = True) -> None:
        """
        Record one request's latency.

        Args:
            at: When it completed (aware).
            seconds: Its latency in seconds.
            ok: Whether it succeeded.
        """
        at = ensure_utc(at, field="at")
        (self.ok if ok else self.failed).add(at, seconds)
        slow = seconds > self.policy.promise.total_seconds()
        self.counts.add(at, good=0.0 if slow else 1.0, policy=1.0 if slow else 0.0)

    def heartbeat(self, at: dt.datetime) -> None:
        """Record that the source is alive at *at*, with no requests."""
        self.counts.add(at)

    def evaluate(self, now: dt.datetime) -> Decision:
        """
        Evaluate the percentile targets at *now* and advance the alert state.

        Args:
            now: The evaluation time (aware).

        Returns:
            The decision.
        """
        now = ensure_utc(now, field="now")
        previous = self.tracker.state
        window = self.policy.window
        counts = self.counts.counts(now, window)
        values: list[WindowValue] = []
        reasons: list[str] = []
        conditions: list[Condition] = []
        for kind, ring in (("successful", self.ok), ("failed", self.failed)):
            sketch = ring.window(now, window)
            for target in self.policy.targets:
                estimate = sketch.quantile(target.q)
                label = f"{target.name} {'ok' if kind == 'successful' else 'failed'}"
                values.append(
                    WindowValue(
                        label,
                        window,
                        None if estimate is None else estimate.value,
                        sketch.count,
                        counts.coverage,
                    )
                )
                if estimate is None or sketch.count < self.policy.min_requests:
                    continue
                condition = _judge(estimate, target)
                conditions.append(condition)
                if condition is Condition.BREACH:
                    reasons.append(_breach_reason(kind, target, estimate))
        slow = counts.policy / counts.total if counts.total else None
        values.append(
            WindowValue(
                f"slower than {format_duration(self.policy.promise)}",
                window,
                slow,
                counts.total,
                counts.coverage,
            )
        )
        condition, why = self._condition(now, conditions, counts.total)
        reasons.extend(why)
        if slow:
            reasons.append(
                f"{slow:.1%} of requests slower than the promised "
                f"{format_duration(self.policy.promise)} (counted as policy errors)"
            )
        state = self.tracker.update(condition, now)
        thresholds: dict[str, float] = {}
        for target in self.policy.targets:
            thresholds[target.name] = target.above.total_seconds()
            thresholds[f"{target.name} clear"] = target.clear.total_seconds()
        return Decision(
            signal=self.name,
            state=state,
            previous=previous,
            evaluated_at=now,
            urgency=self.policy.urgency if state.is_alerting else None,
            objective=", ".join(
                f"{t.name} <= {format_duration(t.above)}" for t in self.policy.targets
            ),
            windows=tuple(values),
            thresholds=thresholds,
            accuracy=self.policy.relative_accuracy,
            reasons=tuple(reasons),
        )

    def _condition(
        self, now: dt.datetime, conditions: list[Condition], total: float
    ) -> tuple[Condition, tuple[str, ...]]:
        missing = stale(self.counts.last_seen, now, self.alerting)
        if missing is not None:
            return missing
        if not conditions:
            window = format_duration(self.policy.window)
            reason = (
                f"{total:g} requests in the last {window}, fewer than the "
                f"{self.policy.min_requests} needed for a percentile"
            )
            return Condition.INSUFFICIENT_DATA, (reason,)
        if Condition.BREACH in conditions:
            return Condition.BREACH, ()
        if Condition.HOLD in conditions:
            return Condition.HOLD, (
                "percentiles are between their clear and fire thresholds",
            )
        return Condition.CLEAR, ("every percentile is within its target",)


def _judge(estimate: Quantile, target: PercentileTarget) -> Condition:
    if estimate.value > target.above.total_seconds():
        return Condition.BREACH
    if estimate.value >= target.clear.total_seconds():
        return Condition.HOLD
    return Condition.CLEAR


def _seconds(value: float) -> str:
    return f"{value * 1000:.0f}ms" if value < 1 else f"{value:.3g}s"


def _breach_reason(kind: str, target: PercentileTarget, estimate: Quantile) -> str:
    text = (
        f"{kind} requests: {target.name} {_seconds(estimate.value)} "
        f"(between {_seconds(estimate.lower)} and {_seconds(estimate.upper)}) is "
        f"above {_seconds(target.above.total_seconds())}"
    )
    if kind == "failed":
        text += " (a slow error is worse than a fast one)"
    return text
