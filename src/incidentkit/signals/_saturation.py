"""Saturation: the most constrained resource, headroom and time to exhaustion."""

from __future__ import annotations

import datetime as dt
import enum
from typing import Final

import attrs

from incidentkit._time import check_aware, ensure_utc, to_utc
from incidentkit.errors import ValidationError

from ._checks import (
    check_fraction,
    check_non_negative,
    check_positive,
    check_positive_int,
    check_positive_timedelta,
)
from ._decision import Decision, Urgency, WindowValue, format_duration
from ._state import AlertPolicy, AlertTracker, Condition


__all__ = ["Headroom", "ResourceReading", "SaturationEvaluator", "SaturationPolicy"]

_HOUR: Final[dt.timedelta] = dt.timedelta(hours=1)
_TWO: Final[float] = 2.0
_TEN_PERCENT: Final[float] = 1.1
_PAGE_RANK: Final[int] = 2
_YEAR_SECONDS: Final[float] = 365 * 86400.0


@attrs.frozen
class ResourceReading:
    """
    How full one resource is at one time.

    Attributes:
        at: When it was read (aware, normalised to UTC).
        resource: Its name: ``"memory"``, ``"cpu"``, ``"connections"``...
        used: How much is used.
        capacity: The ceiling (default 1: *used* is already a fraction).

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
        trend_window: Readings used for the linear trend (``predict_linear``).
        horizon: Predicted exhaustion within this opens a ticket, whatever the
            level (node-exporter's 4 h "filling up" rule).
        page_horizon: Predicted exhaustion within this pages once the warning
            level is reached.
        max_readings: Readings kept per resource (bounded memory).

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
    max_readings: int = attrs.field(default=120, validator=check_positive_int)

    def __attrs_post_init__(self) -> None:
        if self.critical < self.warning:
            raise ValidationError.for_field(
                "critical", f"at least warning ({self.warning})", self.critical
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

    Attributes:
        policy: Thresholds and trend settings.
        alerting: Debounce and no-data policy.
        name: The signal name.
        readings: Recent readings per resource, oldest first (bounded).
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
    tracker: AlertTracker = attrs.field(
        default=attrs.Factory(lambda self: AlertTracker(self.alerting), takes_self=True)
    )

    def observe(self, reading: ResourceReading) -> None:
        """Record one reading (older readings beyond the bound are dropped)."""
        kept = self.readings.setdefault(reading.resource, [])
        kept.append(reading)
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
        assessed = [
            self._assess(name, kept, now)
            for name, kept in sorted(self.readings.items())
            if kept and now - kept[-1].at <= self.alerting.stale_after
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

    def _assess(
        self, name: str, kept: list[ResourceReading], now: dt.datetime
    ) -> _Assessment:
        policy = self.policy
        recent = [r for r in kept if now - r.at <= policy.trend_window]
        utilisation = kept[-1].utilisation
        slope = _slope(recent)
        exhaustion = None
        if slope > 0 and utilisation < 1.0:
            seconds = (1.0 - utilisation) / slope
            # Beyond a year the trend says nothing useful (and overflows).
            if seconds < _YEAR_SECONDS:
                exhaustion = dt.timedelta(seconds=seconds)
        soon = exhaustion is not None and exhaustion <= policy.horizon
        very_soon = exhaustion is not None and exhaustion <= policy.page_horizon
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
