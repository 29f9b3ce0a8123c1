"""Alert states and noise control: debounce, hysteresis, keep-firing, no data."""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable
from typing import Protocol

import attrs

from incidentkit._time import (
    check_aware,
    ensure_utc,
    format_instant,
    to_utc,
    to_utc_optional,
)
from incidentkit._validators import (
    check_non_negative_timedelta,
    check_positive_int,
    check_positive_timedelta,
    instance_of,
)
from incidentkit.errors import ValidationError

from ._decision import Decision, SignalState, Urgency


__all__ = [
    "AlertPolicy",
    "AlertTracker",
    "Condition",
    "NoDataPolicy",
    "Notification",
    "NotificationKind",
    "Notifier",
]


class NoDataPolicy(enum.Enum):
    """
    What a signal without data reports (Grafana's and Datadog's options).

    Example:
        >>> from incidentkit.signals import NoDataPolicy
        >>> NoDataPolicy("keep_last")
        <NoDataPolicy.KEEP_LAST: 'keep_last'>
    """

    NO_DATA = "no_data"
    """Report `SignalState.NO_DATA` (the default: missing data is not health)."""
    OK = "ok"
    """Treat missing data as healthy (for signals that go quiet when idle)."""
    ALERTING = "alerting"
    """Treat missing data as a breach."""
    KEEP_LAST = "keep_last"
    """Keep the last state."""


class Condition(enum.Enum):
    """
    What one evaluation saw, before debouncing.

    Example:
        >>> from incidentkit.signals import Condition
        >>> Condition.HOLD.value
        'hold'
    """

    BREACH = "breach"
    """Past the firing threshold."""
    HOLD = "hold"
    """Between the clear and the firing threshold (hysteresis band)."""
    CLEAR = "clear"
    """Below the clear threshold."""
    NO_DATA = "no_data"
    """No fresh data."""
    INSUFFICIENT_DATA = "insufficient_data"
    """Too little data to judge."""


@attrs.frozen
class AlertPolicy:
    """
    How evaluations become alert states.

    Defaults fire on the first breach and clear on the first clean evaluation,
    which is what the SRE Workbook's multiwindow burn-rate rules expect (their
    short window already provides a fast reset; ch. 5 advises against duration
    clauses). Raise *breaches*/*of_last* for noisy signals: k of the last n
    evaluations, not a timer that a single miss resets (prometheus#7595).

    Attributes:
        breaches: Breaching evaluations (k) needed to fire...
        of_last: ...among the last n evaluations.
        clear_after: Clean evaluations needed to go from recovering to OK.
        keep_firing_for: Stay firing this long after the condition clears
            (Prometheus ``keep_firing_for``), counted from the first clean
            evaluation after the last breach or hold.  Under the default
            `NoDataPolicy.NO_DATA` an open alert also stays open this long
            after its data stops arriving, so missing data never resolves it
            at once; then it goes to `SignalState.NO_DATA`.
        no_data: What to report when data is missing or stale.
        stale_after: Data older than this is missing (Prometheus' 5 m lookback).

    Example:
        >>> from incidentkit.signals import AlertPolicy
        >>> AlertPolicy(breaches=3, of_last=5).of_last
        5
    """

    breaches: int = attrs.field(default=1, validator=check_positive_int)
    of_last: int = attrs.field(default=1, validator=check_positive_int)
    clear_after: int = attrs.field(default=1, validator=check_positive_int)
    keep_firing_for: dt.timedelta = attrs.field(
        default=dt.timedelta(0), validator=check_non_negative_timedelta
    )
    no_data: NoDataPolicy = attrs.field(
        default=NoDataPolicy.NO_DATA,
        validator=instance_of(NoDataPolicy, "a NoDataPolicy"),
    )
    stale_after: dt.timedelta = attrs.field(
        default=dt.timedelta(minutes=5), validator=check_positive_timedelta
    )

    def __attrs_post_init__(self) -> None:
        if self.breaches > self.of_last:
            raise ValidationError.for_field(
                "breaches", f"at most of_last ({self.of_last})", self.breaches
            )


@attrs.define
class AlertTracker:
    """
    The state machine of one signal: feed it conditions, read the state.

    ``OK/PENDING -> FIRING`` when k of the last n evaluations breached;
    ``FIRING -> RECOVERING`` when it clears (after *keep_firing_for*);
    ``RECOVERING -> OK`` after *clear_after* clean evaluations;
    ``RECOVERING -> FIRING`` on a new breach.  A `Condition.HOLD` keeps an open
    alert open (and restarts the *keep_firing_for* timer) and counts as no
    breach otherwise.

    Missing data never resolves an open alert at once.  Under the default
    `NoDataPolicy.NO_DATA`, `Condition.NO_DATA` while firing or recovering
    counts as a hold until *keep_firing_for* has passed since the first
    evaluation without data (Prometheus' ``keep_firing_for`` exists to prevent
    "false resolutions due to lack of data"); after that the state is
    `SignalState.NO_DATA`, which is unknown, not healthy.
    `Condition.INSUFFICIENT_DATA` holds an open alert open.

    Attributes:
        policy: The debounce and no-data policy.
        state: The current state.
        history: Breach flags of the last evaluations (newest last).
        clean: Consecutive clean evaluations while recovering.
        clear_since: When the condition cleared while firing (reset by a
            breach or a hold).
        evaluated_at: The last evaluation time.
        missing_since: When data went missing while an alert was open.

    Example:
        >>> from datetime import datetime, timedelta, timezone
        >>> from incidentkit.signals import AlertPolicy, AlertTracker, Condition
        >>> t = AlertTracker(AlertPolicy(breaches=2, of_last=3))
        >>> now = datetime(2024, 6, 1, tzinfo=timezone.utc)
        >>> seen = [Condition.BREACH, Condition.CLEAR, Condition.BREACH]
        >>> [t.update(c, now + timedelta(minutes=i)).value for i, c in enumerate(seen)]
        ['pending', 'pending', 'firing']
    """

    policy: AlertPolicy = attrs.field(factory=AlertPolicy)
    state: SignalState = SignalState.OK
    history: list[bool] = attrs.field(factory=list)
    clean: int = 0
    clear_since: dt.datetime | None = attrs.field(
        default=None, converter=to_utc_optional, validator=check_aware
    )
    evaluated_at: dt.datetime | None = attrs.field(
        default=None, converter=to_utc_optional, validator=check_aware
    )
    missing_since: dt.datetime | None = attrs.field(
        default=None, converter=to_utc_optional, validator=check_aware
    )

    def update(self, condition: Condition, now: dt.datetime) -> SignalState:
        """
        Advance the state machine by one evaluation and return the new state.

        Args:
            condition: What this evaluation saw.
            now: The evaluation time (aware, not before the last one).

        Returns:
            The new state.

        Raises:
            ValidationError: If *now* is naive or earlier than the last evaluation.
        """
        now = ensure_utc(now, field="now")
        if self.evaluated_at is not None and now < self.evaluated_at:
            raise ValidationError.for_field(
                "now", f"not before the last evaluation {self.evaluated_at}", now
            )
        self.evaluated_at = now
        resolved = self._resolve_missing(condition, now)
        if resolved is None:
            return self.state
        if self.state.is_alerting:
            self._while_alerting(resolved, now)
        else:
            self._while_quiet(resolved)
        return self.state

    def _resolve_missing(
        self, condition: Condition, now: dt.datetime
    ) -> Condition | None:
        if condition is Condition.NO_DATA:
            return self._missing(now)
        self.missing_since = None
        if condition is Condition.INSUFFICIENT_DATA:
            if self.state.is_alerting:
                return Condition.HOLD
            self._reset(SignalState.INSUFFICIENT_DATA)
            return None
        return condition

    def _missing(self, now: dt.datetime) -> Condition | None:
        policy = self.policy.no_data
        if policy is NoDataPolicy.OK:
            return Condition.CLEAR
        if policy is NoDataPolicy.ALERTING:
            return Condition.BREACH
        if policy is NoDataPolicy.KEEP_LAST:
            return None
        return self._hold_then_no_data(now)

    def _hold_then_no_data(self, now: dt.datetime) -> Condition | None:
        """Hold an open alert for *keep_firing_for* without data, then NO_DATA."""
        if self.state.is_alerting:
            if self.missing_since is None:
                self.missing_since = now
            if now - self.missing_since < self.policy.keep_firing_for:
                return Condition.HOLD
        self._reset(SignalState.NO_DATA)
        return None

    def _reset(self, state: SignalState) -> None:
        self.state = state
        self.history.clear()
        self.clean = 0
        self.clear_since = None
        self.missing_since = None

    def _while_alerting(self, condition: Condition, now: dt.datetime) -> None:
        if condition is Condition.BREACH:
            self.state = SignalState.FIRING
            self.clean = 0
            self.clear_since = None
        elif condition is Condition.HOLD:
            self.clean = 0
            self.clear_since = None
        elif self.state is SignalState.FIRING:
            if self.clear_since is None:
                self.clear_since = now
            if now - self.clear_since >= self.policy.keep_firing_for:
                self.state = SignalState.RECOVERING
                self.clean = 0
        else:
            self.clean += 1
            if self.clean >= self.policy.clear_after:
                self._reset(SignalState.OK)

    def _while_quiet(self, condition: Condition) -> None:
        self.history.append(condition is Condition.BREACH)
        del self.history[: -self.policy.of_last]
        breaches = sum(self.history)
        if breaches >= self.policy.breaches:
            self.state = SignalState.FIRING
            self.history.clear()
            self.clear_since = None
        elif breaches:
            self.state = SignalState.PENDING
        else:
            self.state = SignalState.OK


class _Alerting(Protocol):
    @property
    def alerting(self) -> AlertPolicy: ...


def _own_tracker(evaluator: _Alerting) -> AlertTracker:
    return AlertTracker(evaluator.alerting)


OWN_TRACKER = attrs.Factory(_own_tracker, takes_self=True)
"""Default for an evaluator's ``tracker``: a tracker of its own ``alerting`` policy."""


def stale(
    last_seen: dt.datetime | None, now: dt.datetime, policy: AlertPolicy
) -> tuple[Condition, tuple[str, ...]] | None:
    """
    Return the no-data condition and its reason if nothing fresh arrived.

    Data is missing when nothing ever arrived or the last of it is older than
    the policy's *stale_after*; otherwise this returns `None`.
    """
    if last_seen is not None and now - last_seen <= policy.stale_after:
        return None
    since = "" if last_seen is None else f" since {format_instant(last_seen)}"
    return Condition.NO_DATA, (f"no data received{since}",)


class NotificationKind(enum.Enum):
    """
    Why a notification is sent.

    Example:
        >>> from incidentkit.signals import NotificationKind
        >>> NotificationKind.RESOLVED.value
        'resolved'
    """

    FIRING = "firing"
    """A signal started alerting."""
    ESCALATED = "escalated"
    """An open ticket became a page."""
    DEESCALATED = "deescalated"
    """An open page dropped to a ticket: the page's own rules cleared (close
    the page), the ticket stays open."""
    RESOLVED = "resolved"
    """An alert that was notified has cleared."""
    RESOLVED_NO_DATA = "resolved_no_data"
    """An alert that was notified closed because its data stopped arriving
    (after the policy's *keep_firing_for*): no longer known to fire, not known
    to be healthy either.  Close the downstream alert, but look at the source."""
    NO_DATA = "no_data"
    """A signal that was not alerting lost its data."""


@attrs.frozen
class Notification:
    """
    One message to send, built from a decision.

    Attributes:
        kind: Why it is sent.
        signal: The signal.
        urgency: Page or ticket (for firing and escalation).
        at: The evaluation time.
        text: The decision's explanation.

    Example:
        >>> from datetime import datetime, timezone
        >>> from incidentkit.signals import Notification, NotificationKind
        >>> n = Notification(NotificationKind.NO_DATA, "traffic", None,
        ...                  datetime(2024, 6, 1, tzinfo=timezone.utc), "no data")
        >>> n.kind.value
        'no_data'
    """

    kind: NotificationKind
    signal: str
    urgency: Urgency | None
    at: dt.datetime = attrs.field(converter=to_utc, validator=check_aware)
    text: str


@attrs.define
class Notifier:
    """
    Turn a stream of decisions into notifications on state changes only.

    A signal notifies when it starts firing, when a ticket escalates to a page,
    when a notified alert resolves, and when it loses its data; repeats and
    flaps between firing and recovering stay silent.  Every notified alert is
    closed exactly once: by `NotificationKind.RESOLVED` when the signal is OK
    again, or by `NotificationKind.RESOLVED_NO_DATA` when it goes to
    `SignalState.NO_DATA` first (a later OK then sends nothing more).  A ticket
    is suppressed while a page fires for the same objective (Alertmanager's
    inhibition of warnings by criticals; SRE Workbook ch. 5 on alert
    suppression).  A page that drops to a ticket (its own rules cleared, the
    ticket's still fire) sends `NotificationKind.DEESCALATED`.

    Attributes:
        notified: The last notified state and urgency per signal, as
            ``"state"`` or ``"state/urgency"``.
        paging: Objectives with a page firing.

    Example:
        >>> from datetime import datetime, timezone
        >>> from incidentkit.signals import Decision, Notifier, SignalState, Urgency
        >>> now = datetime(2024, 6, 1, tzinfo=timezone.utc)
        >>> firing = Decision("errors", SignalState.FIRING, SignalState.OK, now,
        ...                   Urgency.PAGE, reasons=("burning",))
        >>> notifier = Notifier()
        >>> [n.kind.value for n in notifier.process([firing, firing])]
        ['firing']
        >>> lost = Decision("errors", SignalState.NO_DATA, SignalState.FIRING, now)
        >>> ok = Decision("errors", SignalState.OK, SignalState.NO_DATA, now)
        >>> [n.kind.value for n in notifier.process([lost, ok])]
        ['resolved_no_data']
    """

    notified: dict[str, str] = attrs.field(factory=dict)
    paging: list[str] = attrs.field(factory=list)

    def process(self, decisions: Iterable[Decision]) -> tuple[Notification, ...]:
        """
        Return the notifications these decisions call for, in order.

        Args:
            decisions: Decisions of one or more evaluations, oldest first.

        Returns:
            The notifications to send.
        """
        out: list[Notification] = []
        for decision in decisions:
            self._track_paging(decision)
            kind = self._kind(decision)
            if kind is None:
                continue
            out.append(
                Notification(
                    kind=kind,
                    signal=decision.signal,
                    urgency=decision.urgency,
                    at=decision.evaluated_at,
                    text=decision.explain(),
                )
            )
        return tuple(out)

    def _track_paging(self, decision: Decision) -> None:
        key = decision.objective or decision.signal
        pages = decision.state.is_alerting and decision.urgency is Urgency.PAGE
        if pages and key not in self.paging:
            self.paging.append(key)
        elif (
            not pages
            and key in self.paging
            and (
                decision.urgency is not Urgency.TICKET
                or self.notified.get(decision.signal) == "firing/page"
            )
        ):
            self.paging.remove(key)

    def _alerting(self, decision: Decision, last: str) -> NotificationKind | None:
        urgency = decision.urgency.value if decision.urgency else ""
        self.notified[decision.signal] = f"firing/{urgency}"
        if not last.startswith("firing"):
            return NotificationKind.FIRING
        if last == "firing/ticket" and urgency == "page":
            return NotificationKind.ESCALATED
        if last == "firing/page" and urgency == "ticket":
            return NotificationKind.DEESCALATED
        return None

    def _kind(self, decision: Decision) -> NotificationKind | None:
        last = self.notified.get(decision.signal, "")
        state = decision.state
        key = decision.objective or decision.signal
        if state.is_alerting:
            if decision.urgency is Urgency.TICKET and key in self.paging:
                return None
            return self._alerting(decision, last)
        if state is SignalState.NO_DATA:
            self.notified[decision.signal] = "no_data"
            if last.startswith("firing"):
                return NotificationKind.RESOLVED_NO_DATA
            return None if last == "no_data" else NotificationKind.NO_DATA
        if state is SignalState.OK:
            self.notified[decision.signal] = "ok"
            return NotificationKind.RESOLVED if last.startswith("firing") else None
        return None
