"""
Exact, event-weighted rolling windows over a ring of time slots.

Time is cut into slots of a fixed length counted from the Unix epoch; a window
of length ``w`` at ``now`` is the ``ceil(w / slot)`` slots ending with the slot
that holds ``now`` (so it reaches back between ``w - slot`` and ``w``).  Counts
are sums of event weights, never averages of ratios (the "averaging an
average" problem of sloth#332), and memory is the ring: it does not grow with
traffic.
"""

from __future__ import annotations

import datetime as dt
import enum
import math
from collections.abc import Iterator
from typing import ClassVar, Final

import attrs

from incidentkit._time import check_aware, ensure_utc, to_utc
from incidentkit._validators import (
    check_positive_timedelta,
)
from incidentkit.errors import ValidationError

from ._sketch import (
    DEFAULT_RELATIVE_ACCURACY,
    LatencySketch,
    check_accuracy,
    check_value,
)


__all__ = ["MAX_SLOTS", "ErrorKind", "RollingCounts", "RollingSketch", "WindowCounts"]

MAX_SLOTS: Final[int] = 1_000_000
"""Default of `RollingCounts.MAX_SLOTS` and `RollingSketch.MAX_SLOTS`.

A million one-minute slots is almost two years; the ring takes ~40 MB as
`RollingCounts`.  Larger rings are refused before anything is allocated;
assign a larger value to the class attribute to allow them.
"""

EPOCH: Final[dt.datetime] = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)
_FIRST_INSTANT: Final[dt.datetime] = dt.datetime.min.replace(tzinfo=dt.timezone.utc)
_LAST_INSTANT: Final[dt.datetime] = dt.datetime.max.replace(tzinfo=dt.timezone.utc)
_EMPTY: Final[int] = -(2**62)
_MINUTE: Final[dt.timedelta] = dt.timedelta(minutes=1)
DEFAULT_MAX_SKEW: Final[dt.timedelta] = dt.timedelta(minutes=5)
"""Default *max_skew* of the rings: Prometheus' 5 m staleness lookback.

An event dated further than this past the ring's clock (the latest evaluation
time it was asked about, or the *now* passed to ``add``) is counted as
`RollingCounts.future` and never moves the ring: one clock-skewed host must not
evict real data.  Data that arrived before the ring knew any time leaves it at
the first evaluation it is ahead of.  Five minutes is the default
*stale_after* of `AlertPolicy` (Prometheus' lookback).
"""


class ErrorKind(enum.Enum):
    """
    Why a request counts as bad (SRE book ch. 6, "Monitoring Distributed Systems").

    Example:
        >>> from incidentkit.signals import ErrorKind
        >>> ErrorKind("implicit")
        <ErrorKind.IMPLICIT: 'implicit'>
    """

    EXPLICIT = "explicit"
    """It failed outright (an HTTP 500, an exception)."""
    IMPLICIT = "implicit"
    """It claimed success but the content was wrong (found by end-to-end checks)."""
    POLICY = "policy"
    """It succeeded, but slower than the promised latency."""


def _check_weight(field: str, value: float) -> None:
    if (
        isinstance(value, bool)
        or not isinstance(value, (int, float))
        or not (0 <= value < math.inf)
    ):
        raise ValidationError.for_field(field, "a finite, non-negative count", value)


_COUNT_FIELDS: Final[tuple[str, ...]] = ("good", "explicit", "implicit", "policy")
_RING_FIELDS: Final[tuple[str, ...]] = ("ids", *_COUNT_FIELDS)


def _is_count(value: object) -> bool:
    return (value.__class__ is float or value.__class__ is int) and (
        0 <= value < math.inf
    )


def _check_dropped(value: object, field: str = "dropped") -> None:
    if (
        isinstance(value, bool)
        or not isinstance(value, (int, float))
        or not 0 <= value < math.inf
    ):
        raise ValidationError.for_field(field, "a finite, non-negative count", value)


def _check_times(self: RollingCounts | RollingSketch, held: list[int]) -> None:
    """*last_seen* is in the newest held slot or later; *clock* is aware."""
    if self.clock is not None:
        self.clock = ensure_utc(self.clock, field="clock")
    if self.last_seen is not None:
        self.last_seen = ensure_utc(self.last_seen, field="last_seen")
    newest = max(held, default=None)
    if newest is None:
        return
    if self.last_seen is None or slot_index(self.last_seen, self.slot) < newest:
        raise ValidationError.for_field(
            "last_seen",
            f"a time in the newest slot held ({newest}) or later",
            self.last_seen,
        )


def _reference(
    self: RollingCounts | RollingSketch, now: dt.datetime | None
) -> dt.datetime | None:
    """
    The time the ring trusts: *now*, else the newest of its clock and data.

    Until the ring knows a time (from `counts`, `window` or an explicit
    *now*) it trusts nothing: its newest data may be from a skewed clock.
    """
    if now is None:
        if self.clock is None:
            return None
        now = self.clock
    if self.last_seen is not None and self.last_seen > now:
        return self.last_seen
    return now


def _too_far_ahead(
    self: RollingCounts | RollingSketch, at: dt.datetime, reference: dt.datetime | None
) -> bool:
    if reference is None:
        return False
    try:
        limit = reference + self.max_skew
    except OverflowError:
        return False
    return at > limit


def _too_late(
    self: RollingCounts | RollingSketch, index: int, reference: dt.datetime | None
) -> bool:
    """Whether slot *index* is older than the ring's horizon behind *reference*."""
    if reference is None:
        return False
    return index <= slot_index(reference, self.slot) - self.slots


def _check_ring(field: str, value: object, slots: int) -> None:
    """Require a list of *slots* entries (state loaded from JSON is checked)."""
    if not isinstance(value, list) or len(value) != slots:
        got = len(value) if isinstance(value, list) else value
        raise ValidationError.for_field(
            field, f"a list with one entry per slot, {slots} entries", got
        )


def _index_range(slot: dt.timedelta) -> tuple[int, int]:
    """The slot indices of the datetimes Python can represent."""
    return slot_index(_FIRST_INSTANT, slot), slot_index(_LAST_INSTANT, slot)


def _check_ids(ids: list[int], slots: int, slot: dt.timedelta) -> list[int]:
    """
    Require each position to hold `_EMPTY` or a slot index that maps to it.

    Returns the positions that hold data.
    """
    low, high = _index_range(slot)
    used = []
    for position, index in enumerate(ids):
        if index.__class__ is not int:
            raise ValidationError.for_field("ids", "slot indices (integers)", index)
        if index == _EMPTY:
            continue
        if not low <= index <= high or index % slots != position:
            raise ValidationError.for_field(
                "ids",
                f"{_EMPTY} or a slot index from {low} to {high} that is "
                f"{position} modulo slots ({slots}) at position {position}",
                index,
            )
        used.append(position)
    return used


def _check_first(first: object, ids: list[int], used: list[int]) -> None:
    if first is None:
        if used:
            raise ValidationError.for_field(
                "first", "the first slot index with data (the ring holds data)", None
            )
        return
    if first.__class__ is not int:
        raise ValidationError.for_field("first", "None or a slot index", first)
    earliest = min((ids[position] for position in used), default=None)
    if earliest is None or first > earliest:
        raise ValidationError.for_field(
            "first",
            f"None or at most the earliest slot index held ({earliest})",
            first,
        )


def _checked_slots(self: RollingCounts | RollingSketch) -> int:
    """Check *slots* before a default ring of that size is allocated."""
    slots = self.slots
    limit = type(self).MAX_SLOTS
    if slots.__class__ is not int or not 1 <= slots <= limit:
        raise ValidationError.for_field(
            "slots",
            f"a positive integer of at most {type(self).__name__}.MAX_SLOTS ({limit})",
            slots,
        )
    return slots


def slot_index(at: dt.datetime, slot: dt.timedelta) -> int:
    """Return the index of the slot holding *at* (exact integer arithmetic)."""
    return (at - EPOCH) // slot


def slots_for(window: dt.timedelta, slot: dt.timedelta, ring: int, field: str) -> int:
    """Return how many slots *window* spans, checking it fits in the ring."""
    if not isinstance(window, dt.timedelta) or window <= dt.timedelta(0):
        raise ValidationError.for_field(field, "a positive timedelta", window)
    count = -(-window // slot)
    if count > ring:
        raise ValidationError.for_field(
            field, f"at most the ring's horizon {slot * ring}", window
        )
    return count


@attrs.frozen
class WindowCounts:
    """
    Event counts of one window, by outcome.

    Attributes:
        window: The window's length.
        end: The evaluation time the window ends at.
        good: Good events.
        explicit: Explicit failures.
        implicit: Implicit failures (success code, wrong content).
        policy: Policy failures (too slow).
        coverage: Share of the window since the first data, in ``[0, 1]``.

    Example:
        >>> from datetime import datetime, timedelta, timezone
        >>> from incidentkit.signals import WindowCounts
        >>> end = datetime(2024, 6, 1, tzinfo=timezone.utc)
        >>> c = WindowCounts(timedelta(hours=1), end, good=990.0, explicit=6.0,
        ...                  implicit=3.0, policy=1.0, coverage=1.0)
        >>> c.total, c.bad, c.error_ratio
        (1000.0, 10.0, 0.01)
    """

    window: dt.timedelta
    end: dt.datetime = attrs.field(converter=to_utc, validator=check_aware)
    good: float = 0.0
    explicit: float = 0.0
    implicit: float = 0.0
    policy: float = 0.0
    coverage: float = 0.0

    @property
    def bad(self) -> float:
        """All failures: explicit, implicit and policy."""
        return self.explicit + self.implicit + self.policy

    @property
    def total(self) -> float:
        """All events."""
        return self.good + self.bad

    @property
    def error_ratio(self) -> float | None:
        """Bad over total, or `None` when the window holds no events."""
        total = self.total
        return self.bad / total if total > 0 else None


def _ring(self: RollingCounts | RollingSketch) -> list[int]:
    return [_EMPTY] * _checked_slots(self)


def _zeros(self: RollingCounts) -> list[float]:
    return [0.0] * _checked_slots(self)


@attrs.define(on_setattr=attrs.setters.NO_OP)
class RollingCounts:
    """
    Exact rolling counts of good and bad events, by kind, in a ring of slots.

    Two counters with the same slot and size merge exactly, so partial counts
    built on many workers combine in a reduce step.

    Attributes:
        slot: Length of one slot (default one minute).
        slots: Ring size; ``slot * slots`` is the longest window (default 3 days).
        ids: The absolute slot index each ring position holds.
        good: Good events per position.
        explicit: Explicit failures per position.
        implicit: Implicit failures per position.
        policy: Policy failures per position.
        first: The first slot index that received data, if any.
        last_seen: The latest time data arrived for.
        dropped: Events that arrived too late for the ring (older than its
            horizon behind the newest data) and were not counted.
        max_skew: How far past *clock* (or the *now* given to `add`) an event
            may be dated (default ``DEFAULT_MAX_SKEW``, 5 minutes).
        clock: The latest evaluation time `counts` was asked about, if any.
        future: Events dated more than *max_skew* past the clock, not counted
            (reported so a skewed source is visible).

    Example:
        >>> from datetime import datetime, timedelta, timezone
        >>> from incidentkit.signals import RollingCounts
        >>> t0 = datetime(2024, 6, 1, 12, 0, tzinfo=timezone.utc)
        >>> counts = RollingCounts()
        >>> counts.add(t0, good=98, explicit=2)
        >>> counts.add(t0 + timedelta(minutes=10), good=100)
        >>> w = counts.counts(t0 + timedelta(minutes=10), timedelta(minutes=5))
        >>> w.good, w.bad
        (100.0, 0.0)
        >>> counts.counts(t0 + timedelta(minutes=10), timedelta(hours=1)).error_ratio
        0.01
    """

    slot: dt.timedelta = attrs.field(
        default=_MINUTE, validator=check_positive_timedelta
    )
    MAX_SLOTS: ClassVar[int] = MAX_SLOTS
    """The largest ring accepted (by the constructor and from JSON)."""

    slots: int = attrs.field(default=3 * 24 * 60)
    ids: list[int] = attrs.field(default=attrs.Factory(_ring, takes_self=True))
    good: list[float] = attrs.field(default=attrs.Factory(_zeros, takes_self=True))
    explicit: list[float] = attrs.field(default=attrs.Factory(_zeros, takes_self=True))
    implicit: list[float] = attrs.field(default=attrs.Factory(_zeros, takes_self=True))
    policy: list[float] = attrs.field(default=attrs.Factory(_zeros, takes_self=True))
    first: int | None = None
    last_seen: dt.datetime | None = None
    dropped: float = 0.0
    max_skew: dt.timedelta = attrs.field(
        default=DEFAULT_MAX_SKEW, validator=check_positive_timedelta
    )
    clock: dt.datetime | None = None
    future: float = 0.0

    def __attrs_post_init__(self) -> None:
        # State may come from JSON: one pass over the ring checks it all.
        slots = _checked_slots(self)
        for field in _RING_FIELDS:
            _check_ring(field, getattr(self, field), slots)
        used = _check_ids(self.ids, slots, self.slot)
        held = set(used)
        for field in _COUNT_FIELDS:
            values: list[float] = getattr(self, field)
            for position, value in enumerate(values):
                if not _is_count(value) or (value and position not in held):
                    raise ValidationError.for_field(
                        field,
                        "finite, non-negative counts (zero in slots without data)",
                        value,
                    )
        _check_first(self.first, self.ids, used)
        _check_times(self, [self.ids[position] for position in used])
        _check_dropped(self.dropped)
        _check_dropped(self.future, "future")

    @property
    def horizon(self) -> dt.timedelta:
        """The longest window the ring can answer."""
        return self.slot * self.slots

    def add(
        self,
        at: dt.datetime,
        *,
        good: float = 0.0,
        explicit: float = 0.0,
        implicit: float = 0.0,
        policy: float = 0.0,
        now: dt.datetime | None = None,
    ) -> None:
        """
        Count events at *at*; all zero counts still record that data arrived.

        Events older than the ring's horizon behind its newest data are added
        to `dropped`; events dated more than *max_skew* past *now* (or, without
        it, past `clock`) are added to `future`.  Neither moves the ring.

        Args:
            at: When the events happened (aware).
            good: Good events.
            explicit: Explicit failures.
            implicit: Implicit failures.
            policy: Policy failures.
            now: The current time, if the caller knows it (aware); it
                advances `clock`.

        Raises:
            ValidationError: If *at* or *now* is naive or a count is negative.

        Example:
            >>> from datetime import datetime, timezone
            >>> from incidentkit.signals import RollingCounts
            >>> counts = RollingCounts()
            >>> counts.add(datetime(2024, 6, 1, tzinfo=timezone.utc), good=5)
            >>> sum(counts.good)
            5.0
        """
        at = ensure_utc(at, field="at")
        for name, value in (
            ("good", good),
            ("explicit", explicit),
            ("implicit", implicit),
            ("policy", policy),
        ):
            _check_weight(name, value)
        weight = good + explicit + implicit + policy
        if now is not None:
            self._advance(ensure_utc(now, field="now"))
        reference = _reference(self, None)
        if _too_far_ahead(self, at, reference):
            self.future += weight
            return
        index = slot_index(at, self.slot)
        late = _too_late(self, index, reference)
        position = None if late else self._position(index)
        if position is None:
            self.dropped += weight
            return
        sums = (
            self.good[position] + good,
            self.explicit[position] + explicit,
            self.implicit[position] + implicit,
            self.policy[position] + policy,
        )
        if not max(sums) < math.inf:
            raise ValidationError.for_field(
                "good", "counts whose slot totals stay finite", max(sums)
            )
        (
            self.good[position],
            self.explicit[position],
            self.implicit[position],
            self.policy[position],
        ) = sums
        if self.first is None or index < self.first:
            self.first = index
        if self.last_seen is None or at > self.last_seen:
            self.last_seen = at

    def _position(self, index: int) -> int | None:
        position = index % self.slots
        held = self.ids[position]
        if held == index:
            return position
        if held > index:
            return None
        self.ids[position] = index
        self.good[position] = 0.0
        self.explicit[position] = 0.0
        self.implicit[position] = 0.0
        self.policy[position] = 0.0
        return position

    def _positions(self, end: int, count: int) -> Iterator[int]:
        ids = self.ids
        size = self.slots
        for index in range(end - count + 1, end + 1):
            position = index % size
            if ids[position] == index:
                yield position

    def counts(self, now: dt.datetime, window: dt.timedelta) -> WindowCounts:
        """
        Return the counts of the *window* ending at *now*.

        Args:
            now: The evaluation time (aware).
            window: The window length, at most `horizon`.

        Returns:
            The counts and the window's coverage.

        Raises:
            ValidationError: If *now* is naive or *window* does not fit the ring.

        Example:
            >>> from datetime import datetime, timedelta, timezone
            >>> from incidentkit.signals import RollingCounts
            >>> now = datetime(2024, 6, 1, tzinfo=timezone.utc)
            >>> RollingCounts().counts(now, timedelta(hours=1)).coverage
            0.0
        """
        now = ensure_utc(now, field="now")
        count = slots_for(window, self.slot, self.slots, "window")
        self._advance(now)
        end = slot_index(now, self.slot)
        good = explicit = implicit = policy = 0.0
        for position in self._positions(end, count):
            good += self.good[position]
            explicit += self.explicit[position]
            implicit += self.implicit[position]
            policy += self.policy[position]
        return WindowCounts(
            window=window,
            end=now,
            good=good,
            explicit=explicit,
            implicit=implicit,
            policy=policy,
            coverage=self._coverage(end, count),
        )

    def _coverage(self, end: int, count: int) -> float:
        """The share of the window's slots that received data."""
        return sum(1 for _ in self._positions(end, count)) / count

    def _advance(self, now: dt.datetime) -> None:
        """
        Move `clock` to *now*; data dated past it by *max_skew* becomes `future`.

        Only data that arrived before the ring knew any time can be ahead: it
        leaves the ring, and `last_seen` falls back to the newest slot kept.
        """
        if self.clock is not None and now <= self.clock:
            return
        self.clock = now
        self._evict(now)

    def _evict(self, now: dt.datetime) -> None:
        last = self.last_seen
        if last is None or not _too_far_ahead(self, last, now):
            return
        limit = slot_index(now + self.max_skew, self.slot)
        newest = None
        for position, index in enumerate(self.ids):
            if index == _EMPTY:
                continue
            if index > limit:
                self.future += (
                    self.good[position]
                    + self.explicit[position]
                    + self.implicit[position]
                    + self.policy[position]
                )
                self.ids[position] = _EMPTY
                for field in _COUNT_FIELDS:
                    getattr(self, field)[position] = 0.0
            elif newest is None or index > newest:
                newest = index
        self.last_seen = None if newest is None else EPOCH + newest * self.slot
        if newest is None:
            self.first = None
        elif self.first is not None and self.first > newest:
            self.first = newest

    def slot_totals(
        self, start: dt.datetime, end: dt.datetime
    ) -> tuple[float | None, ...]:
        """
        Return the event total of each slot from *start*'s to *end*'s, in order.

        A slot that never received data (not even an empty `add`) is `None`:
        no data, as opposed to zero traffic.

        Args:
            start: A time in the first slot (aware).
            end: A time in the last slot (aware).

        Returns:
            One entry per slot.

        Example:
            >>> from datetime import datetime, timedelta, timezone
            >>> from incidentkit.signals import RollingCounts
            >>> t0 = datetime(2024, 6, 1, tzinfo=timezone.utc)
            >>> counts = RollingCounts()
            >>> counts.add(t0, good=3)
            >>> counts.add(t0 + timedelta(minutes=2))
            >>> counts.slot_totals(t0, t0 + timedelta(minutes=2))
            (3.0, None, 0.0)
        """
        first = slot_index(ensure_utc(start, field="start"), self.slot)
        last = slot_index(ensure_utc(end, field="end"), self.slot)
        totals: list[float | None] = []
        for index in range(first, last + 1):
            position = index % self.slots
            if self.ids[position] == index:
                totals.append(
                    self.good[position]
                    + self.explicit[position]
                    + self.implicit[position]
                    + self.policy[position]
                )
            else:
                totals.append(None)
        return tuple(totals)

    def merge(self, other: RollingCounts) -> None:
        """
        Add *other*'s counts to these, exactly.

        Args:
            other: Counts with the same slot and ring size.

        Raises:
            ValidationError: If the slot or ring size differ.

        Example:
            >>> from datetime import datetime, timezone
            >>> from incidentkit.signals import RollingCounts
            >>> t0 = datetime(2024, 6, 1, tzinfo=timezone.utc)
            >>> a, b = RollingCounts(), RollingCounts()
            >>> a.add(t0, good=1)
            >>> b.add(t0, explicit=1)
            >>> a.merge(b)
            >>> a.counts(t0, a.slot).total
            2.0
        """
        _same_shape(self, other)
        if other.last_seen is not None and (
            self.last_seen is None or other.last_seen > self.last_seen
        ):
            self.last_seen = other.last_seen
        if other.clock is not None and (self.clock is None or other.clock > self.clock):
            self.clock = other.clock
        reference = _reference(self, None)
        accepted_first = None
        late = False
        for position, index in enumerate(other.ids):
            if index == _EMPTY:
                continue
            late_slot = _too_late(self, index, reference)
            mine = None if late_slot else self._position(index)
            if mine is None:
                late = True
                self.dropped += (
                    other.good[position]
                    + other.explicit[position]
                    + other.implicit[position]
                    + other.policy[position]
                )
                continue
            if accepted_first is None or index < accepted_first:
                accepted_first = index
            self.good[mine] += other.good[position]
            self.explicit[mine] += other.explicit[position]
            self.implicit[mine] += other.implicit[position]
            self.policy[mine] += other.policy[position]
        # A first slot that this ring could not take must not widen its history.
        theirs = accepted_first if late else other.first
        if theirs is not None and (self.first is None or theirs < self.first):
            self.first = theirs
        self.dropped += other.dropped
        self.future += other.future
        if self.clock is not None:
            self._evict(self.clock)


def _same_shape(
    mine: RollingCounts | RollingSketch, other: RollingCounts | RollingSketch
) -> None:
    if other.slot != mine.slot:
        raise ValidationError.for_field("other.slot", f"{mine.slot!r}", other.slot)
    if other.slots != mine.slots:
        raise ValidationError.for_field("other.slots", f"{mine.slots}", other.slots)


def _no_sketches(self: RollingSketch) -> list[LatencySketch | None]:
    return [None] * _checked_slots(self)


@attrs.define(on_setattr=attrs.setters.NO_OP)
class RollingSketch:
    """
    Latency quantiles over sliding windows: a ring of per-slot sketches.

    A sketch cannot forget values, so the window slides by dropping whole slots
    (the rotating "age buckets" of Prometheus client summaries).

    Attributes:
        slot: Length of one slot (default one minute).
        slots: Ring size (default 60: windows up to one hour).
        relative_accuracy: The accuracy of every slot's sketch.
        ids: The absolute slot index each ring position holds.
        sketches: The sketch of each position (`None` while unused).
        dropped: Values that arrived too late for the ring and were not
            counted (as in `RollingCounts`).
        last_seen: The latest time a value arrived for.
        max_skew: How far past *clock* (or the *now* given to `add`) a value
            may be dated (default ``DEFAULT_MAX_SKEW``, 5 minutes).
        clock: The latest evaluation time `window` was asked about, if any.
        future: Values dated more than *max_skew* past the clock, not counted.

    Example:
        >>> from datetime import datetime, timedelta, timezone
        >>> from incidentkit.signals import RollingSketch
        >>> t0 = datetime(2024, 6, 1, tzinfo=timezone.utc)
        >>> latencies = RollingSketch()
        >>> latencies.add(t0, 0.2)
        >>> latencies.add(t0 + timedelta(minutes=30), 0.4)
        >>> latencies.window(t0 + timedelta(minutes=30), timedelta(minutes=5)).count
        1.0
    """

    slot: dt.timedelta = attrs.field(
        default=_MINUTE, validator=check_positive_timedelta
    )
    MAX_SLOTS: ClassVar[int] = MAX_SLOTS
    """The largest ring accepted (by the constructor and from JSON)."""

    slots: int = attrs.field(default=60)
    relative_accuracy: float = attrs.field(
        default=DEFAULT_RELATIVE_ACCURACY, validator=check_accuracy
    )
    ids: list[int] = attrs.field(default=attrs.Factory(_ring, takes_self=True))
    sketches: list[LatencySketch | None] = attrs.field(
        default=attrs.Factory(_no_sketches, takes_self=True)
    )
    dropped: float = 0.0
    last_seen: dt.datetime | None = None
    max_skew: dt.timedelta = attrs.field(
        default=DEFAULT_MAX_SKEW, validator=check_positive_timedelta
    )
    clock: dt.datetime | None = None
    future: float = 0.0

    def __attrs_post_init__(self) -> None:
        slots = _checked_slots(self)
        _check_ring("ids", self.ids, slots)
        _check_ring("sketches", self.sketches, slots)
        accuracy = self.relative_accuracy
        for sketch in self.sketches:
            if (
                isinstance(sketch, LatencySketch)
                and sketch.relative_accuracy != accuracy
            ):
                raise ValidationError.for_field(
                    "sketches",
                    f"sketches of the ring's relative_accuracy {accuracy}",
                    sketch.relative_accuracy,
                )
        held = set(_check_ids(self.ids, slots, self.slot))
        for position, sketch in enumerate(self.sketches):
            if (sketch is None) == (position in held) or not (
                sketch is None or isinstance(sketch, LatencySketch)
            ):
                raise ValidationError.for_field(
                    "sketches",
                    "a LatencySketch at each position holding a slot index, "
                    "None elsewhere",
                    sketch,
                )
        _check_times(self, [self.ids[position] for position in held])
        _check_dropped(self.dropped)
        _check_dropped(self.future, "future")

    def add(
        self, at: dt.datetime, value: float, *, now: dt.datetime | None = None
    ) -> None:
        """
        Add one value observed at *at*.

        Late and future values are counted in `dropped` and `future`, as in
        `RollingCounts.add`, and do not move the ring.

        Args:
            at: When (aware).
            value: A non-negative value (seconds).
            now: The current time, if the caller knows it (aware); it
                advances `clock`.

        Raises:
            ValidationError: If *at* or *now* is naive or *value* invalid.

        Example:
            >>> from datetime import datetime, timezone
            >>> from incidentkit.signals import RollingSketch
            >>> RollingSketch().add(datetime(2024, 6, 1, tzinfo=timezone.utc), 0.1)
        """
        at = ensure_utc(at, field="at")
        if now is not None:
            self._advance(ensure_utc(now, field="now"))
        reference = _reference(self, None)
        if _too_far_ahead(self, at, reference):
            check_value(value)
            self.future += 1.0
            return
        index = slot_index(at, self.slot)
        late = _too_late(self, index, reference)
        sketch = None if late else self._sketch(index)
        if sketch is not None:
            sketch.add(value)
            if self.last_seen is None or at > self.last_seen:
                self.last_seen = at
        else:
            check_value(value)
            self.dropped += 1.0

    def add_many(
        self,
        at: dt.datetime,
        values: list[float] | LatencySketch,
        *,
        now: dt.datetime | None = None,
    ) -> None:
        """
        Add many values all observed in the slot of *at*: a list, or a sketch.

        The batch is one event for the ring: late and future batches are
        counted in `dropped` and `future` by their size, as `add` counts one.

        Args:
            at: When (aware).
            values: Non-negative values (seconds), or a sketch of them.
            now: The current time, if the caller knows it (aware).

        Raises:
            ValidationError: If *at* or *now* is naive or a value invalid.

        Example:
            >>> from datetime import datetime, timezone
            >>> from incidentkit.signals import RollingSketch
            >>> ring = RollingSketch()
            >>> ring.add_many(datetime(2024, 6, 1, tzinfo=timezone.utc), [0.1, 0.2])
            >>> ring.last_seen.isoformat()
            '2024-06-01T00:00:00+00:00'
        """
        at = ensure_utc(at, field="at")
        if now is not None:
            self._advance(ensure_utc(now, field="now"))
        if isinstance(values, LatencySketch):
            batch = values
        else:
            batch = LatencySketch(relative_accuracy=self.relative_accuracy)
            batch.add_many(values)  # checks every value
        if not batch.count:
            return
        reference = _reference(self, None)
        if _too_far_ahead(self, at, reference):
            self.future += batch.count
            return
        index = slot_index(at, self.slot)
        sketch = None if _too_late(self, index, reference) else self._sketch(index)
        if sketch is None:
            self.dropped += batch.count
            return
        sketch.merge(batch)
        if self.last_seen is None or at > self.last_seen:
            self.last_seen = at

    def _sketch(self, index: int) -> LatencySketch | None:
        position = index % self.slots
        held = self.ids[position]
        if held == index:
            sketch = self.sketches[position]
            if sketch is not None:
                return sketch
        elif held > index:
            return None
        sketch = LatencySketch(relative_accuracy=self.relative_accuracy)
        self.ids[position] = index
        self.sketches[position] = sketch
        return sketch

    def window(self, now: dt.datetime, window: dt.timedelta) -> LatencySketch:
        """
        Return one sketch of the values in the *window* ending at *now*.

        Args:
            now: The evaluation time (aware).
            window: The window length, at most ``slot * slots``.

        Returns:
            A new sketch (the ring is not changed).

        Example:
            >>> from datetime import datetime, timedelta, timezone
            >>> from incidentkit.signals import RollingSketch
            >>> now = datetime(2024, 6, 1, tzinfo=timezone.utc)
            >>> RollingSketch().window(now, timedelta(minutes=5)).count
            0.0
        """
        count = slots_for(window, self.slot, self.slots, "window")
        now = ensure_utc(now, field="now")
        self._advance(now)
        end = slot_index(now, self.slot)
        merged = LatencySketch(relative_accuracy=self.relative_accuracy)
        for index in range(end - count + 1, end + 1):
            position = index % self.slots
            sketch = self.sketches[position]
            if self.ids[position] == index and sketch is not None:
                merged.merge(sketch)
        return merged

    def merge(self, other: RollingSketch) -> None:
        """
        Add *other*'s values to these, slot by slot, exactly.

        Args:
            other: A ring with the same slot and size.

        Raises:
            ValidationError: If the slot or ring size differ.

        Example:
            >>> from datetime import datetime, timedelta, timezone
            >>> from incidentkit.signals import RollingSketch
            >>> now = datetime(2024, 6, 1, tzinfo=timezone.utc)
            >>> a, b = RollingSketch(), RollingSketch()
            >>> a.add(now, 0.1)
            >>> b.add(now, 0.3)
            >>> a.merge(b)
            >>> a.window(now, timedelta(minutes=1)).count
            2.0
        """
        _same_shape(self, other)
        if other.last_seen is not None and (
            self.last_seen is None or other.last_seen > self.last_seen
        ):
            self.last_seen = other.last_seen
        if other.clock is not None and (self.clock is None or other.clock > self.clock):
            self.clock = other.clock
        reference = _reference(self, None)
        for position, index in enumerate(other.ids):
            theirs = other.sketches[position]
            if index == _EMPTY or theirs is None:
                continue
            late_slot = _too_late(self, index, reference)
            mine = None if late_slot else self._sketch(index)
            if mine is not None:
                mine.merge(theirs)
            else:
                self.dropped += theirs.count
        self.dropped += other.dropped
        self.future += other.future
        if self.clock is not None:
            self._evict(self.clock)

    def _advance(self, now: dt.datetime) -> None:
        if self.clock is None or now > self.clock:
            self.clock = now
            self._evict(now)

    def _evict(self, now: dt.datetime) -> None:
        """Values dated past *now* by *max_skew* leave the ring as `future`."""
        last = self.last_seen
        if last is None or not _too_far_ahead(self, last, now):
            return
        limit = slot_index(now + self.max_skew, self.slot)
        newest = None
        for position, index in enumerate(self.ids):
            sketch = self.sketches[position]
            if index == _EMPTY or sketch is None:
                continue
            if index > limit:
                self.future += sketch.count
                self.ids[position] = _EMPTY
                self.sketches[position] = None
            elif newest is None or index > newest:
                newest = index
        self.last_seen = None if newest is None else EPOCH + newest * self.slot
