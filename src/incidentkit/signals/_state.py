"""Alert states and noise control: debounce, hysteresis, keep-firing, no data."""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable, Mapping
from typing import Any, Final, Protocol

import attrs

from incidentkit._time import (
    check_aware,
    ensure_utc,
    format_instant,
    to_utc,
    to_utc_optional,
)
from incidentkit._validators import (
    as_tuple,
    check_non_negative_timedelta,
    check_positive_int,
    check_positive_timedelta,
    instance_of,
)
from incidentkit.errors import ValidationError

from ._decision import Decision, SignalState, Urgency, frozen_labels


__all__ = [
    "AlertPolicy",
    "AlertTracker",
    "Condition",
    "NoDataPolicy",
    "Notification",
    "NotificationKind",
    "Notifier",
    "Silence",
    "group_notifications",
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

    Defaults fire on the first breach and resolve on the first clean
    evaluation, which is what the SRE Workbook's multiwindow burn-rate rules
    expect (their short window already provides a fast reset; ch. 5 advises
    against duration clauses), and what a Prometheus rule without ``for`` and
    ``keep_firing_for`` does.  Raise *breaches*/*of_last* for noisy signals: k
    of the last n evaluations, not a timer that a single miss resets
    (prometheus#7595); ``breaches == of_last == n`` is Prometheus' ``for`` of
    ``n - 1`` evaluation intervals.

    Attributes:
        breaches: Breaching evaluations (k) needed to fire...
        of_last: ...among the last n evaluations.
        clear_after: Clean evaluations needed to resolve, counted once
            *keep_firing_for* has passed; the first of them may be the one
            that ends *keep_firing_for*.  With the default 1 a firing alert
            resolves at the first evaluation at or after *keep_firing_for*
            (as Prometheus does); with more, it is `SignalState.RECOVERING`
            in between.
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

    A fresh tracker is `SignalState.UNKNOWN`: nothing was evaluated yet.
    ``PENDING`` while the breaches in the window would let fewer than k more
    fire; with ``breaches == of_last`` (Prometheus' ``for``) any clean
    evaluation makes a pending alert OK again, as in Prometheus;
    ``-> FIRING`` when k of the last n evaluations breached;
    ``FIRING -> OK`` at the first clean evaluation at or after
    *keep_firing_for* (counted from the first clean one), or
    ``FIRING -> RECOVERING -> OK`` when *clear_after* asks for more clean
    evaluations; ``RECOVERING -> FIRING`` on a new breach.  A `Condition.HOLD`
    keeps an open alert open (and restarts the *keep_firing_for* timer) and
    counts as no breach otherwise.

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
        clean: Consecutive clean evaluations counted towards *clear_after*.
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
    state: SignalState = SignalState.UNKNOWN
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
        else:
            if self.state is SignalState.FIRING:
                if self.clear_since is None:
                    self.clear_since = now
                if now - self.clear_since < self.policy.keep_firing_for:
                    return
                self.clean = 0
            # This clean evaluation counts: the first at or after keep_firing_for
            # resolves under the default clear_after=1 (Prometheus' semantics).
            self.clean += 1
            if self.clean >= self.policy.clear_after:
                self._reset(SignalState.OK)
            else:
                self.state = SignalState.RECOVERING

    def _while_quiet(self, condition: Condition) -> None:
        self.history.append(condition is Condition.BREACH)
        del self.history[: -self.policy.of_last]
        breaches = sum(self.history)
        if breaches >= self.policy.breaches:
            self.state = SignalState.FIRING
            self.history.clear()
            self.clear_since = None
        elif self._counts_towards_firing():
            self.state = SignalState.PENDING
        else:
            self.state = SignalState.OK

    def _counts_towards_firing(self) -> bool:
        """True when fewer than k more breaches would fire, thanks to the window's."""
        need = self.policy.breaches
        size = self.policy.of_last
        return any(
            sum((self.history + [True] * more)[-size:]) >= need
            for more in range(1, need)
        )


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
    REMINDER = "reminder"
    """A notified page is still firing after `Notifier.repeat_interval`."""
    RESOLVED = "resolved"
    """An alert that was notified has cleared."""
    RESOLVED_NO_DATA = "resolved_no_data"
    """An alert that was notified closed because its data stopped arriving
    (after the policy's *keep_firing_for*): no longer known to fire, not known
    to be healthy either.  Close the downstream alert, but look at the source."""
    NO_DATA = "no_data"
    """A signal that was seen (not alerting) lost its data."""


def _freeze_labels(value: Mapping[str, str]) -> Mapping[str, str]:
    return frozen_labels(value)


def _freeze_matchers(value: Mapping[str, str]) -> Mapping[str, str]:
    return frozen_labels(value, field="matchers")


def _quoted(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'


def render_labels(labels: Mapping[str, str], names: Iterable[str] | None = None) -> str:
    """
    Render labels as Prometheus does: ``{service="checkout",team="pay"}``.

    Only *names* are rendered when given (a missing label renders empty, as
    Prometheus compares it); the empty set renders as ``""``.
    """
    keys = sorted(labels) if names is None else sorted(set(names))
    if not keys:
        return ""
    inner = ",".join(f"{key}={_quoted(labels.get(key, ''))}" for key in keys)
    return "{" + inner + "}"


def alert_key(decision: Decision) -> str:
    """
    Return the identity of *decision*'s alert: its signal and all its labels.

    Example:
        >>> from datetime import datetime, timezone
        >>> from incidentkit.signals import Decision, SignalState
        >>> from incidentkit.signals._state import alert_key
        >>> d = Decision("errors", SignalState.OK, SignalState.OK,
        ...              datetime(2024, 6, 1, tzinfo=timezone.utc),
        ...              labels={"service": "checkout"})
        >>> alert_key(d)
        'errors{service="checkout"}'
    """
    return decision.signal + render_labels(decision.labels)


def _matchable(decision: Decision) -> dict[str, str]:
    """The labels silences and groups see: the decision's plus ``alertname``."""
    return {**decision.labels, "alertname": decision.signal}


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
        labels: The decision's labels (``service`` and the caller's).
        group: The group it belongs to: the `Notifier.group_by` labels,
            rendered as ``{service="checkout"}`` (empty when not grouped).

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
    labels: Mapping[str, str] = attrs.field(factory=dict, converter=_freeze_labels)
    group: str = ""


@attrs.frozen
class Silence:
    """
    Mute matching notifications until *ends_at* (Alertmanager's silences).

    A silence matches a decision when every matcher equals one of its labels;
    ``alertname`` matches the signal name, as in Alertmanager.  A silenced
    notification is not sent and not remembered, so once the silence has
    ended the notifier sends what is still true: a page still firing is
    notified then, an alert that resolved meanwhile is resolved then.

    Attributes:
        matchers: Label names and the values they must equal (an empty mapping
            matches everything).
        ends_at: When the silence ends (aware); it mutes evaluations before it.

    Example:
        >>> from datetime import datetime, timezone
        >>> from incidentkit.signals import Silence
        >>> end = datetime(2024, 6, 1, tzinfo=timezone.utc)
        >>> s = Silence({"service": "checkout"}, end)
        >>> s.matches({"service": "checkout", "team": "payments"})
        True
    """

    matchers: Mapping[str, str] = attrs.field(converter=_freeze_matchers)
    ends_at: dt.datetime = attrs.field(converter=to_utc, validator=check_aware)

    def matches(self, labels: Mapping[str, str]) -> bool:
        """True when every matcher equals the label of the same name."""
        return all(labels.get(name) == value for name, value in self.matchers.items())

    def mutes(self, labels: Mapping[str, str], at: dt.datetime) -> bool:
        """True when this silence matches *labels* and has not ended at *at*."""
        return at < self.ends_at and self.matches(labels)


def _check_names(
    _instance: object, attribute: attrs.Attribute[Any], value: object
) -> None:
    if not isinstance(value, tuple) or not all(
        isinstance(name, str) and name for name in value
    ):
        raise ValidationError.for_field(
            attribute.name, "a tuple of non-empty label names", value
        )


def _check_repeat(
    _instance: object, attribute: attrs.Attribute[Any], value: object
) -> None:
    if value is not None:
        check_positive_timedelta(_instance, attribute, value)


def _check_silences(
    _instance: object, attribute: attrs.Attribute[Any], value: object
) -> None:
    if not isinstance(value, tuple) or not all(isinstance(s, Silence) for s in value):
        raise ValidationError.for_field(attribute.name, "a tuple of Silence", value)


REPEAT_INTERVAL: Final[dt.timedelta] = dt.timedelta(hours=4)
"""Default `Notifier.repeat_interval`: Alertmanager's ``repeat_interval`` default."""


@attrs.define
class Notifier:
    """
    Turn a stream of decisions into notifications on state changes only.

    A signal notifies when it starts firing, when a ticket escalates to a page,
    when a notified alert resolves, and when a signal that was seen loses its
    data; repeats and flaps between firing and recovering stay silent, except
    for one `NotificationKind.REMINDER` per *repeat_interval* while a page
    stays open.  Every notified alert is closed exactly once: by
    `NotificationKind.RESOLVED` when the signal is OK again, or by
    `NotificationKind.RESOLVED_NO_DATA` when it goes to `SignalState.NO_DATA`
    first (a later OK then sends nothing more).  Nothing is sent for an alert
    that never fired: a change from `SignalState.UNKNOWN` (a fresh tracker,
    after a restart) to OK or no data is silent, as Alertmanager sends nothing
    for alerts it never received firing.

    An alert is its signal and its labels (`Decision.labels`), so the same
    signal of two services are two alerts.  A ticket is inhibited while a page
    fires for the same objective and the same values of the *equal* labels
    (Alertmanager's inhibition rules with ``equal``; SRE Workbook ch. 5 on
    alert suppression); it is notified once the page stops if it still fires.
    A page that drops to a ticket (its own rules cleared, the ticket's still
    fire) sends `NotificationKind.DEESCALATED`.

    Attributes:
        equal: Labels a page and a ticket must share for the page to inhibit
            the ticket (Alertmanager's ``equal``, which has no default); the
            default ``("service",)`` is incidentkit's: a page inhibits only
            its own service's tickets.  ``()`` inhibits across services.
        group_by: Labels that group notifications (Alertmanager's
            ``group_by``; ``alertname`` is the signal): `process` returns the
            notifications of one group next to each other, each with its
            `Notification.group`.  The default ``("service",)`` is
            incidentkit's, one group per service (Alertmanager's default
            route puts everything in one group: ``()`` here).  One `process`
            call is one batch; there is no ``group_wait``/``group_interval``.
        repeat_interval: Send a reminder while a notified page stays open this
            long (Alertmanager's ``repeat_interval``, default 4 h); `None`
            never reminds.  Tickets are not repeated.
        silences: Silences; a silenced notification is sent when the silence
            has ended if it is still true.
        notified: The last notified state and urgency per alert, keyed by
            the signal and its labels (``errors{service="checkout"}``), as
            ``"state"`` or ``"state/urgency"``.
        paging: The inhibition key (objective and *equal* labels) of each
            alert key with a page firing.
        reminded: When each open page was last notified or reminded.

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

    equal: tuple[str, ...] = attrs.field(
        default=("service",), converter=as_tuple, validator=_check_names
    )
    group_by: tuple[str, ...] = attrs.field(
        default=("service",), converter=as_tuple, validator=_check_names
    )
    repeat_interval: dt.timedelta | None = attrs.field(
        default=REPEAT_INTERVAL, validator=_check_repeat
    )
    silences: tuple[Silence, ...] = attrs.field(
        default=(), converter=as_tuple, validator=_check_silences
    )
    notified: dict[str, str] = attrs.field(factory=dict)
    paging: dict[str, str] = attrs.field(factory=dict)
    reminded: dict[str, dt.datetime] = attrs.field(factory=dict)

    def process(self, decisions: Iterable[Decision]) -> tuple[Notification, ...]:
        """
        Return the notifications these decisions call for.

        Decisions of one evaluation time are judged together (a page inhibits
        a ticket of the same evaluation whichever comes first); the
        notifications of one group are returned next to each other, groups in
        the order they first notify, and in decision order within a group.

        Args:
            decisions: Decisions of one or more evaluations, oldest first.

        Returns:
            The notifications to send.

        Raises:
            ValidationError: If an item is not a `Decision`.
        """
        out: list[Notification] = []
        batch: list[Decision] = []
        for decision in decisions:
            if not isinstance(decision, Decision):
                raise ValidationError.for_field(
                    "decisions", "Decision values", decision
                )
            if batch and decision.evaluated_at != batch[0].evaluated_at:
                out.extend(self._evaluation(batch))
                batch = []
            batch.append(decision)
        out.extend(self._evaluation(batch))
        order: dict[str, int] = {}
        for note in out:
            order.setdefault(note.group, len(order))
        return tuple(sorted(out, key=lambda note: order[note.group]))

    def _evaluation(self, batch: list[Decision]) -> list[Notification]:
        for decision in batch:
            self._track_paging(decision)
        out: list[Notification] = []
        for decision in batch:
            note = self._notify(decision)
            if note is not None:
                out.append(note)
        return out

    def _inhibit_key(self, decision: Decision) -> str:
        target = decision.objective or decision.signal
        return target + render_labels(decision.labels, self.equal)

    def _track_paging(self, decision: Decision) -> None:
        key = alert_key(decision)
        if decision.state.is_alerting and decision.urgency is Urgency.PAGE:
            self.paging[key] = self._inhibit_key(decision)
        else:
            self.paging.pop(key, None)

    def _notify(self, decision: Decision) -> Notification | None:
        key = alert_key(decision)
        kind, record = self._kind(decision, key)
        at = decision.evaluated_at
        labels = _matchable(decision)
        if kind is not None and any(s.mutes(labels, at) for s in self.silences):
            return None
        if record is not None:
            self.notified[key] = record
        if kind in {
            NotificationKind.FIRING,
            NotificationKind.ESCALATED,
            NotificationKind.REMINDER,
        }:
            self.reminded[key] = at
        elif record is not None and not record.startswith("firing"):
            self.reminded.pop(key, None)
        if kind is None:
            return None
        return Notification(
            kind=kind,
            signal=decision.signal,
            urgency=decision.urgency,
            at=at,
            text=decision.explain(),
            labels=decision.labels,
            group=render_labels(labels, self.group_by) if self.group_by else "",
        )

    def _kind(  # noqa: PLR0911 - one return per outcome reads best
        self, decision: Decision, key: str
    ) -> tuple[NotificationKind | None, str | None]:
        """The notification *decision* calls for and the state to remember."""
        last = self.notified.get(key, "")
        state = decision.state
        if state.is_alerting:
            return self._alerting(decision, key, last)
        if state is SignalState.NO_DATA:
            if decision.previous is SignalState.UNKNOWN:
                return None, None
            if last.startswith("firing"):
                if decision.changed:
                    return NotificationKind.RESOLVED_NO_DATA, "no_data"
                return None, None
            if last == "no_data" or not decision.changed:
                return None, "no_data"
            return NotificationKind.NO_DATA, "no_data"
        if state is SignalState.OK:
            if last.startswith("firing"):
                return NotificationKind.RESOLVED, "ok"
            return None, "ok"
        return None, None

    def _alerting(
        self, decision: Decision, key: str, last: str
    ) -> tuple[NotificationKind | None, str | None]:
        if decision.urgency is Urgency.TICKET and self._inhibit_key(decision) in set(
            self.paging.values()
        ):
            return None, None
        urgency = decision.urgency.value if decision.urgency else ""
        record = f"firing/{urgency}"
        if not last.startswith("firing"):
            return NotificationKind.FIRING, record
        if last == "firing/ticket" and urgency == "page":
            return NotificationKind.ESCALATED, record
        if last == "firing/page" and urgency == "ticket":
            return NotificationKind.DEESCALATED, record
        if urgency == "page" and self._reminder_due(key, decision.evaluated_at):
            return NotificationKind.REMINDER, record
        return None, record

    def _reminder_due(self, key: str, at: dt.datetime) -> bool:
        if self.repeat_interval is None:
            return False
        since = self.reminded.setdefault(key, at)
        return at - since >= self.repeat_interval


def group_notifications(
    notifications: Iterable[Notification],
) -> dict[str, tuple[Notification, ...]]:
    """
    Return *notifications* by `Notification.group`, groups in first-seen order.

    Example:
        >>> from datetime import datetime, timezone
        >>> from incidentkit.signals import Notification, NotificationKind
        >>> from incidentkit.signals import group_notifications
        >>> at = datetime(2024, 6, 1, tzinfo=timezone.utc)
        >>> firing = NotificationKind.FIRING
        >>> a = Notification(firing, "errors", None, at, "", group="a")
        >>> b = Notification(firing, "latency", None, at, "", group="b")
        >>> groups = group_notifications([a, b, a])
        >>> {group: len(notes) for group, notes in groups.items()}
        {'a': 2, 'b': 1}
    """
    groups: dict[str, list[Notification]] = {}
    for note in notifications:
        groups.setdefault(note.group, []).append(note)
    return {group: tuple(notes) for group, notes in groups.items()}
