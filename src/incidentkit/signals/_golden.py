"""One façade for the four golden signals."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator

import attrs

from incidentkit._time import check_aware, to_utc
from incidentkit._validators import (
    check_bool,
    check_fraction,
    check_non_negative_timedelta,
    check_positive_timedelta,
)
from incidentkit.errors import ValidationError

from ._budget import BurnPolicy, ErrorBudgetEvaluator
from ._decision import Decision
from ._latency import LatencyEvaluator, LatencyPolicy
from ._saturation import ResourceReading, SaturationEvaluator, SaturationPolicy
from ._state import AlertPolicy
from ._traffic import TrafficEvaluator, TrafficPolicy


__all__ = ["GoldenDecisions", "GoldenSignals", "Request"]


@attrs.frozen
class Request:
    """
    One served request, as the golden signals see it.

    Attributes:
        at: When it completed (aware, normalised to UTC).
        latency: How long it took.
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
    """

    at: dt.datetime = attrs.field(converter=to_utc, validator=check_aware)
    latency: dt.timedelta = attrs.field(validator=check_non_negative_timedelta)
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

    def observe(self, request: Request) -> None:
        """
        Record one request.

        Args:
            request: The request.
        """
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
        Record many requests.

        Args:
            requests: The requests, in any order within the windows.
        """
        for request in requests:
            self.observe(request)

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
        return GoldenDecisions(
            latency=self.latency.evaluate(now),
            traffic=self.traffic.evaluate(now),
            errors=self.errors.evaluate(now),
            saturation=self.saturation.evaluate(now),
        )
