"""One façade for the four golden signals."""

from __future__ import annotations

import datetime as dt
import math
from bisect import bisect_left
from collections.abc import Iterable, Iterator, Mapping
from itertools import compress, islice, repeat
from operator import attrgetter, gt, le, not_
from typing import Final

import attrs

from incidentkit._time import check_aware, ensure_utc, to_utc
from incidentkit._validators import (
    check_bool,
    check_fraction,
    check_positive_timedelta,
)
from incidentkit.errors import ValidationError

from ._budget import BurnPolicy, ErrorBudgetEvaluator
from ._decision import Decision, frozen_labels
from ._latency import LatencyEvaluator, LatencyPolicy
from ._saturation import ResourceReading, SaturationEvaluator, SaturationPolicy
from ._sketch import LatencySketch
from ._state import AlertPolicy
from ._traffic import TrafficEvaluator, TrafficPolicy
from ._windows import EPOCH, RollingSketch


__all__ = ["GoldenDecisions", "GoldenSignals", "Request"]

_SECOND: Final[dt.timedelta] = dt.timedelta(seconds=1)
_AT = attrgetter("at")
_LATENCY_OF = attrgetter("latency")
_OK = attrgetter("ok")
_CORRECT = attrgetter("correct")
_TOTAL_SECONDS = dt.timedelta.total_seconds
_LATENCY: Final[str] = "a non-negative timedelta or number of seconds"


def _as_latency(value: dt.timedelta | float) -> dt.timedelta:
    """Accept float (or int) seconds as well as a timedelta."""
    if isinstance(value, dt.timedelta):
        return value
    if value.__class__ is float or value.__class__ is int:
        if not 0 <= value < math.inf:
            raise ValidationError.for_field("latency", _LATENCY, value)
        return dt.timedelta(seconds=value)
    return value  # type: ignore[return-value]  # refused by the validator


def _check_latency_value(
    _instance: object, _attribute: object, value: dt.timedelta
) -> None:
    if not isinstance(value, dt.timedelta) or value < dt.timedelta(0):
        raise ValidationError.for_field("latency", _LATENCY, value)


@attrs.frozen
class Request:
    """
    One served request, as the golden signals see it.

    Latencies are float seconds in the sketches and windows
    (`LatencySketch.add`, `RollingSketch.add`, `LatencyEvaluator.observe`) and
    a ``timedelta`` here; a request also takes float seconds and
    converts them (``Request(at, 0.08)`` is ``Request(at, timedelta(
    milliseconds=80))``), so either unit can be fed without converting by hand.

    Attributes:
        at: When it completed (aware, normalised to UTC).
        latency: How long it took: a timedelta, or a number of seconds
            (converted to a timedelta).
        ok: False for an explicit failure (an HTTP 5xx, an exception).
        correct: False when it claimed success with the wrong content (an
            implicit failure, found by end-to-end checks).

    Example:
        >>> from datetime import datetime, timedelta, timezone
        >>> from incidentkit.signals import Request
        >>> at = datetime(2024, 6, 1, tzinfo=timezone.utc)
        >>> r = Request(at, timedelta(milliseconds=80))
        >>> r.ok, r.correct
        (True, True)
        >>> Request(at, 0.08).latency == r.latency
        True
    """

    at: dt.datetime = attrs.field(converter=to_utc, validator=check_aware)
    latency: dt.timedelta = attrs.field(
        converter=_as_latency, validator=_check_latency_value
    )
    ok: bool = attrs.field(default=True, validator=check_bool)
    correct: bool = attrs.field(default=True, validator=check_bool)


@attrs.frozen
class GoldenDecisions:
    """
    The four decisions of one evaluation; iterate to get them in order.

    Attributes:
        latency: The latency decision.
        traffic: The traffic decision.
        errors: The error-budget decision.
        saturation: The saturation decision.

    Example:
        >>> from datetime import datetime, timezone
        >>> from incidentkit.signals import GoldenSignals
        >>> now = datetime(2024, 6, 1, tzinfo=timezone.utc)
        >>> [d.signal for d in GoldenSignals().evaluate(now)]
        ['latency', 'traffic', 'errors', 'saturation']
    """

    latency: Decision
    traffic: Decision
    errors: Decision
    saturation: Decision

    def __iter__(self) -> Iterator[Decision]:
        return iter((self.latency, self.traffic, self.errors, self.saturation))

    def _repr_html_(self) -> str:
        """Show it as HTML in a notebook (see `incidentkit.render.html`)."""
        from incidentkit.render import html  # noqa: PLC0415 - lazy

        return html(self)


def _same_objective(objective: float, errors: ErrorBudgetEvaluator) -> None:
    if errors.objective != objective:
        raise ValidationError.for_field(
            "errors.objective",
            f"equal to objective ({objective})",
            errors.objective,
        )


def _same_promise(latency_slo: dt.timedelta, latency: LatencyEvaluator) -> None:
    if latency.policy.promise != latency_slo:
        raise ValidationError.for_field(
            "latency.policy.promise",
            f"equal to latency_slo ({latency_slo!r})",
            latency.policy.promise,
        )


def _check_objective(instance: GoldenSignals, attribute: object, value: float) -> None:
    check_fraction(instance, attribute, value)  # type: ignore[arg-type]
    errors = getattr(instance, "errors", None)
    if errors is not None:
        _same_objective(value, errors)


def _check_errors(
    instance: GoldenSignals, _attribute: object, value: ErrorBudgetEvaluator
) -> None:
    _same_objective(instance.objective, value)


def _check_latency_slo(
    instance: GoldenSignals, attribute: object, value: dt.timedelta
) -> None:
    check_positive_timedelta(instance, attribute, value)  # type: ignore[arg-type]
    latency = getattr(instance, "latency", None)
    if latency is not None:
        _same_promise(value, latency)


def _check_latency(
    instance: GoldenSignals, _attribute: object, value: LatencyEvaluator
) -> None:
    _same_promise(instance.latency_slo, value)


def _check_service(_instance: object, _attribute: object, value: object) -> None:
    if not isinstance(value, str) or not value:
        raise ValidationError.for_field("service", "a non-empty string", value)


def _check_extra_labels(
    _instance: object, _attribute: object, value: Mapping[str, str]
) -> None:
    if "service" in value:
        raise ValidationError.for_field(
            "labels", "labels without 'service' (set service= instead)", dict(value)
        )


def _errors(self: GoldenSignals) -> ErrorBudgetEvaluator:
    return ErrorBudgetEvaluator(self.objective, self.burn, self.alerting)


def _latency(self: GoldenSignals) -> LatencyEvaluator:
    return LatencyEvaluator(LatencyPolicy(promise=self.latency_slo), self.alerting)


def _traffic(self: GoldenSignals) -> TrafficEvaluator:
    return TrafficEvaluator(TrafficPolicy(), self.alerting)


def _saturation(self: GoldenSignals) -> SaturationEvaluator:
    return SaturationEvaluator(SaturationPolicy(), self.alerting)


@attrs.define
class GoldenSignals:
    """
    Feed requests and resource readings; get the four golden-signal decisions.

    Each request counts once for traffic and once for errors: as an explicit
    failure, an implicit failure (wrong content), a policy failure (slower than
    *latency_slo*) or a good request.  Its latency goes to the success or the
    failure sketches.  Nothing reads the clock: `evaluate` takes ``now``.
    Replace an evaluator (for example ``latency=LatencyEvaluator(...)``) to
    change its policy.  *objective* and *latency_slo* must agree with the
    errors evaluator's objective and the latency evaluator's promise (checked
    at construction and on assignment), so "too slow" means one thing.

    Attributes:
        objective: The availability SLO, e.g. 0.999.
        latency_slo: The promised latency.
        alerting: Debounce and no-data policy the default evaluators are
            built with.
        burn: Burn-rate rules the default errors evaluator is built with.
        errors: The error-budget evaluator.
        latency: The latency evaluator.
        traffic: The traffic evaluator.
        saturation: The saturation evaluator.
        service: The ``service`` label of every decision; the `Notifier`
            keys alerts and inhibits tickets by it, so two services never
            share an alert.  Name it; the default ``"default"`` only keeps
            single-service callers working.
        labels: More labels for every decision (``team``, ``region``...);
            ``service`` is set by *service*, not here.

    Example:
        >>> from datetime import datetime, timedelta, timezone
        >>> from incidentkit.signals import GoldenSignals, Request
        >>> t0 = datetime(2024, 6, 1, 12, tzinfo=timezone.utc)
        >>> gs = GoldenSignals(objective=0.999, latency_slo=timedelta(seconds=1))
        >>> gs.observe_many(Request(t0, timedelta(milliseconds=50), ok=False)
        ...                 for _ in range(100))
        >>> gs.evaluate(t0).errors.state.value
        'firing'
    """

    objective: float = attrs.field(default=0.999, validator=_check_objective)
    latency_slo: dt.timedelta = attrs.field(
        default=dt.timedelta(seconds=1), validator=_check_latency_slo
    )
    alerting: AlertPolicy = attrs.field(factory=AlertPolicy)
    burn: BurnPolicy = attrs.field(factory=BurnPolicy)
    errors: ErrorBudgetEvaluator = attrs.field(
        default=attrs.Factory(_errors, takes_self=True), validator=_check_errors
    )
    latency: LatencyEvaluator = attrs.field(
        default=attrs.Factory(_latency, takes_self=True), validator=_check_latency
    )
    traffic: TrafficEvaluator = attrs.field(
        default=attrs.Factory(_traffic, takes_self=True)
    )
    saturation: SaturationEvaluator = attrs.field(
        default=attrs.Factory(_saturation, takes_self=True)
    )
    service: str = attrs.field(default="default", validator=_check_service)
    labels: Mapping[str, str] = attrs.field(
        factory=dict, converter=frozen_labels, validator=_check_extra_labels
    )

    def observe(self, request: Request) -> None:
        """
        Record one request.

        Args:
            request: The request.

        Raises:
            ValidationError: If *request* is not a `Request`.
        """
        if not isinstance(request, Request):
            raise ValidationError.for_field("request", "a Request", request)
        at = request.at
        seconds = request.latency.total_seconds()
        self.latency.observe(at, seconds, ok=request.ok)
        self.traffic.record(at)
        if not request.ok:
            self.errors.record(at, explicit=1.0)
        elif not request.correct:
            self.errors.record(at, implicit=1.0)
        elif request.latency > self.latency.policy.promise:
            self.errors.record(at, policy=1.0)
        else:
            self.errors.record(at, good=1.0)

    def observe_many(self, requests: Iterable[Request]) -> None:
        """
        Record many requests, batched by time slot (as `observe` one by one).

        The requests are cut into the slots of the windows; per slot they are
        counted once and their latencies go into the slot's sketches with
        `LatencySketch.add_many`, so a batch costs a small fraction of
        `observe` per request.  The requests are taken in time order, so the
        windows end up as with `observe` one by one in time order (a sketch's
        floating-point *total* may differ in the last bits); that is also the
        result of `observe` in any order as long as the requests are out of
        order only within the windows.  A request older than a ring's horizon
        behind a newer one, which `observe` would drop as too late, is counted
        here before the newer one.

        Args:
            requests: The requests, in any order.

        Raises:
            ValidationError: If an item is not a `Request`.
        """
        step = self._batch_slot()
        batch = requests if isinstance(requests, list) else list(requests)
        if not all(map(isinstance, batch, repeat(Request))):
            bad = next(r for r in batch if not isinstance(r, Request))
            raise ValidationError.for_field("requests", "Request values", bad)
        if step is None or not batch:
            for request in batch:
                self.observe(request)
            return
        # Attribute reads and conversions run in C (map), not in a Python loop
        # per request; slots are cut by bisecting the sorted completion times.
        ats: list[dt.datetime] = list(map(_AT, batch))
        if not all(map(le, ats, islice(ats, 1, None))):
            order = sorted(range(len(ats)), key=ats.__getitem__)
            batch = [batch[i] for i in order]
            ats = [ats[i] for i in order]
        seconds = list(map(_TOTAL_SECONDS, map(_LATENCY_OF, batch)))
        oks: list[bool] = list(map(_OK, batch))
        wrong = list(map(gt, oks, map(_CORRECT, batch)))  # ok and not correct
        start = 0
        end = len(ats)
        while start < end:
            index = (ats[start] - EPOCH) // step
            stop = bisect_left(ats, EPOCH + (index + 1) * step, start)
            self._apply(
                ats[stop - 1],
                seconds[start:stop],
                oks[start:stop],
                wrong[start:stop],
            )
            start = stop

    def _batch_slot(self) -> dt.timedelta | None:
        """The slot requests are batched by, if every ring's slot is a multiple."""
        slots = (
            self.latency.ok.slot,
            self.latency.failed.slot,
            self.latency.counts.slot,
            self.traffic.history.slot,
            self.errors.counts.slot,
        )
        step = min(slots)
        if any(slot % step for slot in slots):
            return None
        return step

    def _apply(
        self, at: dt.datetime, seconds: list[float], oks: list[bool], wrong: list[bool]
    ) -> None:
        """Record the requests of one slot, latest at *at*."""
        if all(oks):
            ok, failed = seconds, []
        else:
            ok = list(compress(seconds, oks))
            failed = list(compress(seconds, map(not_, oks)))
        implicit = list(compress(seconds, wrong)) if any(wrong) else []
        promise = self.latency.policy.promise / _SECOND
        slow_ok = sum(map(promise.__lt__, ok))
        slow_implicit = sum(map(promise.__lt__, implicit))
        slow_failed = sum(map(promise.__lt__, failed))
        RollingSketch.add_many(self.latency.ok, at, ok)
        RollingSketch.add_many(self.latency.failed, at, failed)
        total = len(seconds)
        slow = slow_ok + slow_failed
        self.latency.counts.add(at, good=float(total - slow), policy=float(slow))
        self.traffic.record(at, float(total))
        policy = slow_ok - slow_implicit
        self.errors.record(
            at,
            good=float(len(ok) - len(implicit) - policy),
            explicit=float(len(failed)),
            implicit=float(len(implicit)),
            policy=float(policy),
        )

    def observe_counts(
        self,
        at: dt.datetime,
        *,
        good: float = 0,
        explicit: float = 0,
        implicit: float = 0,
        policy: float = 0,
        latencies: LatencySketch | Mapping[float, float] | None = None,
        failed_latencies: LatencySketch | Mapping[float, float] | None = None,
    ) -> None:
        """
        Record requests already aggregated upstream (counters and histograms).

        The four counts are disjoint and use the error kinds of `ErrorKind`:
        *good* requests were served correctly within *latency_slo*;
        *explicit* failed (a 5xx); *implicit* claimed success with the wrong
        content; *policy* succeeded, but slower than *latency_slo*.  Their sum
        is the traffic.  Latencies are seconds: a `LatencySketch` (merged), or
        a histogram as a mapping of bucket upper bounds to the count in each
        bucket (not cumulative: subtract neighbouring Prometheus ``le``
        buckets first; the ``+Inf`` bucket has no bound to place its count
        at, so it is refused).  A bucket's count is placed at its upper bound,
        so percentiles are never underestimated; they are as coarse as the
        buckets.  *latencies* are those of successful requests (good,
        implicit and policy), *failed_latencies* those of explicit failures;
        either may be a sample.  All zero counts still say the source is
        alive.

        Args:
            at: When (aware); the counts go to the slots holding *at*.
            good: Good requests.
            explicit: Explicit failures.
            implicit: Implicit failures (wrong content).
            policy: Policy failures (slower than *latency_slo*).
            latencies: Latencies of successful requests, in seconds.
            failed_latencies: Latencies of failed requests, in seconds.

        Raises:
            ValidationError: If *at* is naive, a count is negative or not
                finite, or a histogram bound or count is invalid; nothing is
                recorded then.

        Example:
            >>> from datetime import datetime, timezone
            >>> from incidentkit.signals import GoldenSignals
            >>> gs = GoldenSignals()
            >>> t0 = datetime(2024, 6, 1, 12, tzinfo=timezone.utc)
            >>> gs.observe_counts(t0, good=970, explicit=30,
            ...                   latencies={0.1: 900, 0.25: 60, 0.5: 10})
            >>> gs.evaluate(t0).errors.state.value
            'firing'
        """
        at = ensure_utc(at, field="at")
        counts = {
            "good": good,
            "explicit": explicit,
            "implicit": implicit,
            "policy": policy,
        }
        for name, value in counts.items():
            _check_count(name, value)
        accuracy = self.latency.policy.relative_accuracy
        ok = _as_sketch("latencies", latencies, accuracy)
        failed = _as_sketch("failed_latencies", failed_latencies, accuracy)
        total = good + explicit + implicit + policy
        if ok is not None:
            RollingSketch.add_many(self.latency.ok, at, ok)
        if failed is not None:
            RollingSketch.add_many(self.latency.failed, at, failed)
        self.latency.counts.add(at, good=total - policy, policy=policy)
        self.traffic.record(at, total)
        self.errors.record(
            at, good=good, explicit=explicit, implicit=implicit, policy=policy
        )

    def observe_resource(self, reading: ResourceReading) -> None:
        """
        Record one resource reading for saturation.

        Args:
            reading: The reading.
        """
        self.saturation.observe(reading)

    def heartbeat(self, at: dt.datetime) -> None:
        """
        Record that the request source is alive at *at* but served nothing.

        This is how zero traffic is told apart from missing data.

        Args:
            at: When (aware).
        """
        self.latency.heartbeat(at)
        self.traffic.record(at, 0.0)
        self.errors.record(at)

    def evaluate(self, now: dt.datetime) -> GoldenDecisions:
        """
        Evaluate all four signals at *now* (call once per evaluation tick).

        Args:
            now: The evaluation time (aware).

        Returns:
            The decisions: latency, traffic, errors, saturation.
        """
        labels = {**self.labels, "service": self.service}
        return GoldenDecisions(
            latency=_labelled(self.latency.evaluate(now), labels),
            traffic=_labelled(self.traffic.evaluate(now), labels),
            errors=_labelled(self.errors.evaluate(now), labels),
            saturation=_labelled(self.saturation.evaluate(now), labels),
        )


def _labelled(decision: Decision, labels: Mapping[str, str]) -> Decision:
    return attrs.evolve(decision, labels={**decision.labels, **labels})


def _check_count(name: str, value: object) -> None:
    if (
        isinstance(value, bool)
        or not isinstance(value, (int, float))
        or not 0 <= value < math.inf
    ):
        raise ValidationError.for_field(name, "a finite, non-negative count", value)


def _as_sketch(
    name: str,
    value: LatencySketch | Mapping[float, float] | None,
    accuracy: float,
) -> LatencySketch | None:
    if value is None:
        return None
    if isinstance(value, LatencySketch):
        if value.relative_accuracy != accuracy:
            raise ValidationError.for_field(
                name,
                f"a LatencySketch of the latency policy's relative_accuracy {accuracy}",
                value.relative_accuracy,
            )
        return value
    if not isinstance(value, Mapping):
        raise ValidationError.for_field(
            name,
            "a LatencySketch or a mapping of bucket upper bounds (seconds) to counts",
            value,
        )
    sketch = LatencySketch(relative_accuracy=accuracy)
    for bound, count in value.items():
        if (
            isinstance(bound, bool)
            or not isinstance(bound, (int, float))
            or not 0 <= bound < math.inf
        ):
            raise ValidationError.for_field(
                name, "finite, non-negative bucket upper bounds (seconds)", bound
            )
        _check_count(f"{name}[{bound!r}]", count)
        if count:
            sketch.add(float(bound), float(count))
    return sketch
