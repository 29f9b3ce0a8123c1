"""Saturation: the most constrained resource, headroom and time to exhaustion."""

from __future__ import annotations

import bisect
import datetime as dt
import enum
from typing import Final

import attrs

from incidentkit._time import (
    check_aware,
    ensure_utc,
    format_instant,
    shift_clamped,
    to_utc,
)
from incidentkit._validators import (
    check_at_least_two,
    check_fraction,
    check_non_negative,
    check_positive,
    check_positive_int,
    check_positive_timedelta,
)
from incidentkit.errors import ValidationError

from ._decision import Decision, SignalState, Urgency, WindowValue, format_duration
from ._state import OWN_TRACKER, AlertPolicy, AlertTracker, Condition


__all__ = ["Headroom", "ResourceReading", "SaturationEvaluator", "SaturationPolicy"]

_HOUR: Final[dt.timedelta] = dt.timedelta(hours=1)
_MINUTE: Final[dt.timedelta] = dt.timedelta(minutes=1)
_TWO: Final[float] = 2.0
_TEN_PERCENT: Final[float] = 1.1
_PAGE_RANK: Final[int] = 2
_YEAR_SECONDS: Final[float] = 365 * 86400.0
MAX_OVERSHOOT: Final[float] = 1.5
"""The most *used* may exceed *capacity*, as a multiple (a run queue, a burst).

A reading beyond it is almost always a unit error (a percent passed as a
fraction of the default capacity 1), so it is refused.
"""


@attrs.frozen
class ResourceReading:
    """
    How full one resource is at one time.

    Attributes:
        at: When it was read (aware, normalised to UTC).
        resource: Its name: ``"memory"``, ``"cpu"``, ``"connections"``...
        used: How much is used.
        capacity: The ceiling (default 1: *used* is already a fraction).
            *used* may exceed it by at most ``MAX_OVERSHOOT`` (1.5x); more is
            refused as a unit error (80 with the default capacity is 8000 %).

    Example:
        >>> from datetime import datetime, timezone
        >>> from incidentkit.signals import ResourceReading
        >>> ResourceReading(datetime(2024, 6, 1, tzinfo=timezone.utc), "connections",
        ...                 used=80, capacity=100).utilisation
        0.8
    """

    at: dt.datetime = attrs.field(converter=to_utc, validator=check_aware)
    resource: str
    used: float = attrs.field(validator=check_non_negative)
    capacity: float = attrs.field(default=1.0, validator=check_positive)

    def __attrs_post_init__(self) -> None:
        if self.used > MAX_OVERSHOOT * self.capacity:
            raise ValidationError.for_field(
                "used",
                f"at most {MAX_OVERSHOOT} x capacity ({self.capacity}): pass "
                "capacity= or a fraction",
                self.used,
            )

    @property
    def utilisation(self) -> float:
        """``used / capacity``."""
        return self.used / self.capacity


class Headroom(enum.Enum):
    """
    The SRE book's question: double the traffic, only 10 % more, or struggling?

    Example:
        >>> from incidentkit.signals import Headroom
        >>> Headroom.of(2.5)
        <Headroom.AMPLE: 'ample'>
    """

    AMPLE = "ample"
    """Could take at least double the traffic."""
    LIMITED = "limited"
    """Could take between 10 % and 100 % more."""
    MINIMAL = "minimal"
    """Could take less than 10 % more."""
    STRUGGLING = "struggling"
    """Already past its target: cannot even take the current traffic well."""

    @classmethod
    def of(cls, multiple: float) -> Headroom:
        """Classify a headroom traffic multiple."""
        if multiple >= _TWO:
            return cls.AMPLE
        if multiple >= _TEN_PERCENT:
            return cls.LIMITED
        if multiple >= 1.0:
            return cls.MINIMAL
        return cls.STRUGGLING


@attrs.frozen
class SaturationPolicy:
    """
    Thresholds below the ceiling, because systems degrade before 100 %.

    Attributes:
        warning: Utilisation that opens a ticket (default 0.8).
        critical: Utilisation that pages (default 0.9; node-exporter's
            file-descriptor alerts use 70 % / 90 %, Gregg's USE method flags
            sustained utilisation beyond 60-70 %).
        clear_margin: Hysteresis: clear only below ``warning - clear_margin``.
        target: Utilisation the headroom multiple is computed against
            (``target / utilisation``; 0.8 as in the queueing note of
            research/signals.md section 8.3).
        trend_window: Readings used for the linear trend (``predict_linear``);
            older readings are dropped.
        horizon: Predicted exhaustion within this opens a ticket once
            utilisation is at least *trend_level* (node-exporter's 4 h
            "filling up" rule).
        page_horizon: Predicted exhaustion within this pages once the warning
            level is reached.
        trend_level: Level guard: below this utilisation a trend alone never
            alerts (default 0.6: node-exporter's "filling up" warning needs
            less than 40 % free as well as the prediction).
        min_trend_readings: A trend needs at least this many readings...
        min_trend_span: ...spanning at least this long (defaults 5 readings
            over 10 minutes), so two close readings predict nothing.
        max_readings: Hard cap on the readings kept per resource (bounded
            memory); the default holds the whole *trend_window* at one reading
            every 5 s or slower.  At faster rates the trend spans less.

    The duration clause of the node-exporter rules (``for: 1h``) is the
    evaluator's `AlertPolicy` (*breaches* of the last *of_last* evaluations).

    Example:
        >>> from incidentkit.signals import SaturationPolicy
        >>> SaturationPolicy().critical
        0.9
    """

    warning: float = attrs.field(default=0.8, validator=check_fraction)
    critical: float = attrs.field(default=0.9, validator=check_fraction)
    clear_margin: float = attrs.field(default=0.05, validator=check_non_negative)
    target: float = attrs.field(default=0.8, validator=check_fraction)
    trend_window: dt.timedelta = attrs.field(
        default=_HOUR, validator=check_positive_timedelta
    )
    horizon: dt.timedelta = attrs.field(
        default=4 * _HOUR, validator=check_positive_timedelta
    )
    page_horizon: dt.timedelta = attrs.field(
        default=_HOUR, validator=check_positive_timedelta
    )
    trend_level: float = attrs.field(default=0.6, validator=check_fraction)
    min_trend_readings: int = attrs.field(default=5, validator=check_at_least_two)
    min_trend_span: dt.timedelta = attrs.field(
        default=10 * _MINUTE, validator=check_positive_timedelta
    )
    max_readings: int = attrs.field(default=720, validator=check_positive_int)

    def __attrs_post_init__(self) -> None:
        if self.critical < self.warning:
            raise ValidationError.for_field(
                "critical", f"at least warning ({self.warning})", self.critical
            )
        if self.min_trend_span > self.trend_window:
            raise ValidationError.for_field(
                "min_trend_span",
                f"at most trend_window ({format_duration(self.trend_window)})",
                self.min_trend_span,
            )
        if self.min_trend_readings > self.max_readings:
            raise ValidationError.for_field(
                "min_trend_readings",
                f"at most max_readings ({self.max_readings})",
                self.min_trend_readings,
            )


@attrs.frozen
class _Assessment:
    resource: str
    utilisation: float
    exhaustion: dt.timedelta | None
    rank: int


@attrs.define
class SaturationEvaluator:
    """
    Judge the most constrained resource, with headroom and time to exhaustion.

    A resource alerts on its level (warning, critical) or on a predicted
    exhaustion, and a prediction counts only with a level guard and a long
    enough trend (research/signals.md section 8.2: level AND trend AND
    duration).  A resource without a reading for the alerting policy's
    *stale_after* is forgotten, so memory stays bounded when resource names
    churn (pods).

    Attributes:
        policy: Thresholds and trend settings.
        alerting: Debounce and no-data policy.
        name: The signal name.
        readings: Recent readings per resource, oldest first (bounded by
            *trend_window* and *max_readings*).
        tracker: The alert state machine.

    Example:
        >>> from datetime import datetime, timezone
        >>> from incidentkit.signals import ResourceReading, SaturationEvaluator
        >>> now = datetime(2024, 6, 1, tzinfo=timezone.utc)
        >>> saturation = SaturationEvaluator()
        >>> saturation.observe(ResourceReading(now, "cpu", 0.4))
        >>> saturation.observe(ResourceReading(now, "memory", 0.7))
        >>> d = saturation.evaluate(now)
        >>> d.state.value, round(d.headroom, 2)
        ('ok', 1.14)
    """

    policy: SaturationPolicy = attrs.field(factory=SaturationPolicy)
    alerting: AlertPolicy = attrs.field(factory=AlertPolicy)
    name: str = "saturation"
    readings: dict[str, list[ResourceReading]] = attrs.field(factory=dict)
    tracker: AlertTracker = attrs.field(default=OWN_TRACKER)

    def observe(self, reading: ResourceReading) -> None:
        """
        Record one reading; readings older than the trend window are dropped.

        Args:
            reading: The reading.

        Example:
            >>> from datetime import datetime, timedelta, timezone
            >>> from incidentkit.signals import ResourceReading, SaturationEvaluator
            >>> t0 = datetime(2024, 6, 1, tzinfo=timezone.utc)
            >>> saturation = SaturationEvaluator()
            >>> for minutes in (0, 30, 61):
            ...     at = t0 + timedelta(minutes=minutes)
            ...     saturation.observe(ResourceReading(at, "disk", 0.5))
            >>> len(saturation.readings["disk"])
            2
        """
        kept = self.readings.setdefault(reading.resource, [])
        # Readings arrive out of order: keep them sorted, newest last, so an
        # older reading never replaces a newer one.
        bisect.insort(kept, reading, key=_reading_time)
        cutoff = shift_clamped(kept[-1].at, -self.policy.trend_window)
        old = 0
        for kept_reading in kept:
            if kept_reading.at >= cutoff:
                break
            old += 1
        del kept[:old]
        del kept[: -self.policy.max_readings]

    def evaluate(self, now: dt.datetime) -> Decision:
        """
        Judge every fresh resource at *now*; the most constrained decides.

        Args:
            now: The evaluation time (aware).

        Returns:
            The decision.
        """
        now = ensure_utc(now, field="now")
        previous = self.tracker.state
        stale = [
            name
            for name, kept in self.readings.items()
            if not kept or now - kept[-1].at > self.alerting.stale_after
        ]
        silent = self.tracker.state.is_alerting and any(
            self.readings[name] for name in stale
        )
        if not silent:
            # Forget churned resources (bounded memory), but never while an
            # alert is open: a silent resource must not resolve it.
            for name in stale:
                del self.readings[name]
        assessed = [
            self._assess(name, kept, now)
            for name, kept in sorted(self.readings.items())
            if name not in stale
        ]
        policy = self.policy
        thresholds = {
            "warning": policy.warning,
            "critical": policy.critical,
            "clear": policy.warning - policy.clear_margin,
        }
        if not assessed:
            state = self.tracker.update(Condition.NO_DATA, now)
            return Decision(
                self.name,
                state,
                previous,
                now,
                thresholds=thresholds,
                reasons=("no fresh resource readings",),
            )
        worst = max(assessed, key=lambda a: (a.rank, a.utilisation))
        if silent and not worst.rank:
            return self._silent(now, previous, stale, thresholds)
        fullest = max(assessed, key=lambda a: a.utilisation)
        headroom = policy.target / fullest.utilisation if fullest.utilisation else None
        condition = (
            Condition.BREACH
            if worst.rank
            else Condition.CLEAR
            if worst.utilisation < thresholds["clear"]
            else Condition.HOLD
        )
        state = self.tracker.update(condition, now)
        urgency = Urgency.PAGE if worst.rank == _PAGE_RANK else Urgency.TICKET
        return Decision(
            signal=self.name,
            state=state,
            previous=previous,
            evaluated_at=now,
            urgency=urgency if state.is_alerting else None,
            objective="utilisation below its thresholds",
            windows=tuple(
                WindowValue(a.resource, policy.trend_window, a.utilisation, 1.0)
                for a in assessed
            ),
            thresholds=thresholds,
            time_to_exhaustion=worst.exhaustion,
            headroom=headroom,
            reasons=(self._reason(worst), _headroom_text(fullest, headroom, policy)),
        )

    def _silent(
        self,
        now: dt.datetime,
        previous: SignalState,
        stale: list[str],
        thresholds: dict[str, float],
    ) -> Decision:
        """An open alert with a silent resource: no data, never a resolution."""
        names = ", ".join(sorted(stale))
        state = self.tracker.update(Condition.NO_DATA, now)
        last = max(self.readings[name][-1].at for name in stale)
        return Decision(
            self.name,
            state,
            previous,
            now,
            # A ticket, so a page held open is not re-sent or escalated.
            urgency=Urgency.TICKET if state.is_alerting else None,
            thresholds=thresholds,
            reasons=(
                (
                    f"no fresh reading of {names} (last at {format_instant(last)}) "
                    "while the alert is open: missing data does not resolve it"
                ),
            ),
        )

    def _assess(
        self, name: str, kept: list[ResourceReading], now: dt.datetime
    ) -> _Assessment:
        policy = self.policy
        recent = [r for r in kept if now - r.at <= policy.trend_window]
        utilisation = kept[-1].utilisation
        exhaustion = None
        if (
            len(recent) >= policy.min_trend_readings
            and recent[-1].at - recent[0].at >= policy.min_trend_span
        ):
            slope = _slope(recent)
            if slope > 0 and utilisation < 1.0:
                seconds = (1.0 - utilisation) / slope
                # Beyond a year the trend says nothing useful (and overflows).
                if seconds < _YEAR_SECONDS:
                    exhaustion = dt.timedelta(seconds=seconds)
        soon = very_soon = False
        if exhaustion is not None and utilisation >= policy.trend_level:
            soon = exhaustion <= policy.horizon
            very_soon = exhaustion <= policy.page_horizon
        if utilisation >= policy.critical or (
            very_soon and utilisation >= policy.warning
        ):
            rank = _PAGE_RANK
        elif utilisation >= policy.warning or soon:
            rank = 1
        else:
            rank = 0
        return _Assessment(name, utilisation, exhaustion, rank)

    def _reason(self, worst: _Assessment) -> str:
        text = f"{worst.resource} is the most constrained at {worst.utilisation:.0%}"
        if worst.utilisation >= self.policy.critical:
            text += f", above the critical {self.policy.critical:.0%}"
        elif worst.utilisation >= self.policy.warning:
            text += f", above the warning {self.policy.warning:.0%}"
        if worst.exhaustion is not None:
            text += (
                f"; full in {format_duration(worst.exhaustion)} at the current trend"
            )
        return text


def _headroom_text(
    fullest: _Assessment, headroom: float | None, policy: SaturationPolicy
) -> str:
    if headroom is None:
        return "every resource is idle"
    kind = Headroom.of(headroom)
    target = f"{policy.target:.0%} target"
    if kind is Headroom.AMPLE:
        return (
            f"it could take {headroom:.1f}x the traffic before {fullest.resource} "
            f"reaches its {target}"
        )
    if kind is Headroom.STRUGGLING:
        return f"it is already struggling: {fullest.resource} is past its {target}"
    return (
        f"it could take only about {headroom - 1:.0%} more traffic before "
        f"{fullest.resource} reaches its {target}"
    )


def _reading_time(reading: ResourceReading) -> dt.datetime:
    return reading.at


def _slope(readings: list[ResourceReading]) -> float:
    """Least-squares slope of utilisation per second (Prometheus predict_linear)."""
    if len(readings) < 2:  # noqa: PLR2004
        return 0.0
    origin = readings[0].at
    xs = [(r.at - origin).total_seconds() for r in readings]
    ys = [r.utilisation for r in readings]
    mean_x = sum(xs) / len(xs)
    mean_y = sum(ys) / len(ys)
    sxx = sum((x - mean_x) ** 2 for x in xs)
    if sxx == 0:
        return 0.0
    return sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / sxx
