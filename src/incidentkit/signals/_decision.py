"""The explained outcome of one signal evaluation."""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Mapping

import attrs

from incidentkit._frozen import freeze
from incidentkit._time import check_aware, format_duration, format_instant, to_utc
from incidentkit._validators import as_tuple, tuple_of
from incidentkit.errors import ValidationError


# format_duration lives in incidentkit._time now; it stays importable from here
# for the signals modules that use it.
__all__ = ["Decision", "SignalState", "Urgency", "WindowValue", "format_duration"]


class SignalState(enum.Enum):
    """
    The alert state of a signal (Prometheus rule states plus explicit no-data).

    Example:
        >>> from incidentkit.signals import SignalState
        >>> SignalState("firing").is_alerting
        True
    """

    OK = "ok"
    """Evaluated and healthy."""
    PENDING = "pending"
    """Breaching, but not yet often enough to fire (debounce)."""
    FIRING = "firing"
    """Alerting."""
    RECOVERING = "recovering"
    """Was firing; the condition cleared and is being confirmed."""
    NO_DATA = "no_data"
    """Nothing arrived (or it is stale): unknown, not healthy."""
    INSUFFICIENT_DATA = "insufficient_data"
    """Data arrives but too little to judge (sparse traffic, short history)."""
    UNKNOWN = "unknown"
    """Not evaluated yet: the state of a fresh tracker (after a restart, say).

    The first evaluation's `Decision.previous` is `UNKNOWN`, never a made-up
    `OK`, so "was ok" is only said of a signal that was seen healthy."""

    @property
    def is_alerting(self) -> bool:
        """True for `FIRING` and `RECOVERING`: an alert is open."""
        return self in {SignalState.FIRING, SignalState.RECOVERING}


class Urgency(enum.Enum):
    """
    How a firing signal should reach people (SRE Workbook ch. 5: page or ticket).

    Example:
        >>> from incidentkit.signals import Urgency
        >>> Urgency.PAGE.value
        'page'
    """

    PAGE = "page"
    """Wake somebody up: the budget or the service is in danger now."""
    TICKET = "ticket"
    """Needs attention within working hours."""


@attrs.frozen
class WindowValue:
    """
    One measured value a decision was based on.

    Attributes:
        label: What it is, for example ``"1h"`` or ``"p99 ok"``.
        window: The window it was measured over.
        value: The measurement (a ratio, seconds, requests per second,
            utilisation), or `None` when there was nothing to measure.
        events: How many events it was computed from.
        coverage: Share of the window with data, in ``[0, 1]``.
        burn_rate: The error-budget burn rate, for error windows.

    Example:
        >>> from datetime import timedelta
        >>> from incidentkit.signals import WindowValue
        >>> WindowValue("5m", timedelta(minutes=5), 0.02, 1000.0, 1.0, 20.0).burn_rate
        20.0
    """

    label: str
    window: dt.timedelta
    value: float | None
    events: float = 0.0
    coverage: float = 1.0
    burn_rate: float | None = None


def _frozen_thresholds(value: Mapping[str, float]) -> Mapping[str, float]:
    return freeze(value)


def _same_urgency(decision: Decision) -> Urgency | None:
    return decision.urgency


def frozen_labels(value: object, field: str = "labels") -> Mapping[str, str]:
    """
    Return *value* as a frozen mapping of label names to label values.

    Raises:
        ValidationError: Unless *value* maps non-empty strings to strings.
    """
    if not isinstance(value, Mapping) or not all(
        isinstance(k, str) and k and isinstance(v, str) for k, v in value.items()
    ):
        raise ValidationError.for_field(
            field, "a mapping of non-empty label names to strings", value
        )
    return freeze(dict(value))


@attrs.frozen
class Decision:
    """
    What an evaluator decided, and everything it was based on.

    Attributes:
        signal: ``"latency"``, ``"traffic"``, ``"errors"`` or ``"saturation"``
            (or a name of the caller's choosing).
        state: The state now.
        previous: The state before this evaluation.
        evaluated_at: The evaluation time.
        urgency: Page or ticket while alerting, else `None`.
        objective: What is being protected, e.g. ``"99.9% good over 30d"``;
            a page inhibits tickets of the same objective (and labels, see
            `Notifier.equal`).
        rule: The rule that fired, if any.
        windows: The measured values.
        thresholds: The thresholds they were compared with, by name.
        budget_consumed: Share of the period's error budget spent so far, for
            error budgets.
        time_to_exhaustion: When the budget or resource runs out at the current
            rate, if it is being consumed.
        headroom: Traffic multiple the most constrained resource can take
            before reaching its target utilisation.
        accuracy: Relative accuracy of the quantiles used, if any.
        reasons: Human sentences, most important first.
        budget_remaining: Share of the period's error budget left
            (``1 - budget_consumed``; negative when overspent), for error budgets.
        previous_urgency: The urgency before this evaluation (by default the
            same as *urgency*); a page that drops to a ticket is a change.
        labels: Who the decision is about, as Prometheus labels: at least
            ``service`` when it comes from `GoldenSignals`, plus any the caller
            set.  The `Notifier` keys its state on the signal and the labels,
            so two services with the same objective never share an alert.

    Example:
        >>> from datetime import datetime, timezone
        >>> from incidentkit.signals import Decision, SignalState
        >>> d = Decision("errors", SignalState.OK, SignalState.OK,
        ...              datetime(2024, 6, 1, tzinfo=timezone.utc),
        ...              reasons=("error budget burning 0.2x over 1h",))
        >>> d.changed
        False
        >>> d.explain()
        'errors is ok at 2024-06-01T00:00:00Z: error budget burning 0.2x over 1h.'

    """

    signal: str
    state: SignalState
    previous: SignalState
    evaluated_at: dt.datetime = attrs.field(converter=to_utc, validator=check_aware)
    urgency: Urgency | None = None
    objective: str = ""
    rule: str | None = None
    windows: tuple[WindowValue, ...] = attrs.field(
        default=(),
        converter=as_tuple,
        validator=tuple_of(
            lambda item: isinstance(item, WindowValue), "a tuple of WindowValue"
        ),
    )
    thresholds: Mapping[str, float] = attrs.field(
        factory=dict, converter=_frozen_thresholds
    )
    budget_consumed: float | None = None
    time_to_exhaustion: dt.timedelta | None = None
    headroom: float | None = None
    accuracy: float | None = None
    reasons: tuple[str, ...] = attrs.field(
        default=(),
        converter=as_tuple,
        validator=tuple_of(lambda item: isinstance(item, str), "a tuple of strings"),
    )
    budget_remaining: float | None = None
    previous_urgency: Urgency | None = attrs.field(
        default=attrs.Factory(_same_urgency, takes_self=True)
    )
    labels: Mapping[str, str] = attrs.field(factory=dict, converter=frozen_labels)

    @property
    def changed(self) -> bool:
        """True when this evaluation moved the signal to another state or urgency."""
        return self.state is not self.previous or self.urgency is not (
            self.previous_urgency
        )

    def explain(self) -> str:
        """
        Return a short paragraph saying what was decided and why.

        Example:
            >>> from datetime import datetime, timezone
            >>> from incidentkit.signals import Decision, SignalState, Urgency
            >>> Decision("latency", SignalState.FIRING, SignalState.PENDING,
            ...          datetime(2024, 6, 1, tzinfo=timezone.utc), Urgency.PAGE,
            ...          reasons=("p99 1.8s is above 1s",)).explain()[:50]
            'latency is firing (page) at 2024-06-01T00:00:00Z, '
        """
        head = f"{self.signal} is {self.state.value}"
        if self.urgency is not None and self.state.is_alerting:
            head += f" ({self.urgency.value})"
        head += f" at {format_instant(self.evaluated_at)}"
        if self.changed:
            head += f", was {self.previous.value}"
            was = self.previous_urgency
            if (
                was is not None
                and was is not self.urgency
                and self.previous.is_alerting
            ):
                head += f" ({was.value})"
        parts = list(self.reasons)
        if (
            self.budget_consumed is not None
            and self.budget_consumed > 0
            and self.budget_remaining is None  # else the reasons say it already
        ):
            parts.append(f"{self.budget_consumed:.1%} of the error budget consumed")
        if self.time_to_exhaustion is not None:
            parts.append(
                f"exhausted in {format_duration(self.time_to_exhaustion)} at this rate"
            )
        if self.accuracy is not None:
            parts.append(f"quantiles within {self.accuracy:.0%}")
        body = "; ".join(parts)
        return f"{head}: {body}." if body else f"{head}."

    def _repr_html_(self) -> str:
        """Show it as HTML in a notebook (see `incidentkit.render.html`)."""
        from incidentkit.render import html  # noqa: PLC0415 - lazy

        return html(self)
