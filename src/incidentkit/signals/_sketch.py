"""
A mergeable relative-error quantile sketch for latencies (DDSketch-style).

The mapping follows Masson, Rim and Lee, "DDSketch: a fast and fully-mergeable
quantile sketch with relative-error guarantees" (PVLDB 12(12), 2019): with
``gamma = (1 + a) / (1 - a)`` a positive value ``v`` falls in bucket
``ceil(log(v) / log(gamma))``, bucket ``k`` covers ``(gamma**(k-1), gamma**k]``
and is represented by ``2 * gamma**k / (1 + gamma)``, which is within the
relative accuracy ``a`` of every value in the bucket.
"""

from __future__ import annotations

import math
import numbers
import sys
from collections import Counter
from collections.abc import Iterable, Sequence
from itertools import repeat
from math import ceil, log
from operator import mul
from typing import Any, ClassVar, Final, NoReturn

import attrs

from incidentkit.errors import ValidationError


__all__ = [
    "DEFAULT_MAX_BUCKETS",
    "DEFAULT_RELATIVE_ACCURACY",
    "MAX_BUCKETS_LIMIT",
    "MAX_RELATIVE_ACCURACY",
    "MIN_RELATIVE_ACCURACY",
    "LatencySketch",
    "Quantile",
]

DEFAULT_RELATIVE_ACCURACY: Final[float] = 0.01
"""1 %: the default of the `ddsketch` package and of the DDSketch paper."""

MIN_RELATIVE_ACCURACY: Final[float] = 1e-4
"""The finest accuracy allowed (0.01 %): 1 us to a year is then ~155,000 buckets.

Finer accuracies buy nothing for latencies (clocks are not that exact) and make
``log(gamma)`` so small that bucket indices lose meaning; 5e-324 divided by zero.
"""

MAX_RELATIVE_ACCURACY: Final[float] = 0.5
"""The coarsest accuracy allowed (50 %: gamma = 3); beyond it a quantile says little."""

DEFAULT_MAX_BUCKETS: Final[int] = 2048
"""The bucket cap of ddsketch's collapsing sketch: at 1 %, 80 us to a year."""

MAX_BUCKETS_LIMIT: Final[int] = 1_000_000
"""The default of `LatencySketch.MAX_BUCKETS_LIMIT`: at most ~8 MB of buckets."""

_TINY: Final[float] = sys.float_info.min
_INF: Final[float] = math.inf
_EMPTY_MIN: Final[float] = sys.float_info.max
_BOUND_SLACK: Final[float] = 1e-12
_SUM_SLACK: Final[float] = 1e-6
"""Relative slack between sums kept apart (count vs bins, total vs extremes)."""


def check_accuracy(
    _instance: object, attribute: attrs.Attribute[Any], value: object
) -> None:
    """Require a relative accuracy in [MIN_RELATIVE_ACCURACY, MAX_RELATIVE_ACCURACY]."""
    if (
        not isinstance(value, float)
        or not MIN_RELATIVE_ACCURACY <= value <= MAX_RELATIVE_ACCURACY
    ):
        raise ValidationError.for_field(
            attribute.alias or attribute.name,
            f"a float from {MIN_RELATIVE_ACCURACY} to {MAX_RELATIVE_ACCURACY}",
            value,
        )


def _check_max_buckets(instance: object, _attribute: object, value: int) -> None:
    limit = type(instance).MAX_BUCKETS_LIMIT  # type: ignore[attr-defined]
    if (
        isinstance(value, bool) or not isinstance(value, int) or not 2 <= value <= limit  # noqa: PLR2004
    ):
        raise ValidationError.for_field(
            "max_buckets",
            f"an integer from 2 to {limit} (LatencySketch.MAX_BUCKETS_LIMIT)",
            value,
        )


def _is_weight(value: object) -> bool:
    """A finite, non-negative int or float (exact classes: no bools)."""
    return (value.__class__ is float or value.__class__ is int) and (
        0.0 <= value < _INF
    )


def _power(gamma: float, key: int) -> float:
    """``gamma ** key``, infinite instead of OverflowError past the largest float."""
    try:
        power: float = gamma ** float(key)
    except OverflowError:
        return _INF
    return power


@attrs.frozen
class Quantile:
    """
    A quantile estimate with the bounds the true value is known to lie in.

    Attributes:
        q: The quantile asked for, in ``[0, 1]``.
        value: The estimate.
        lower: The true quantile is at least this.
        upper: The true quantile is at most this.
        count: How many values (total weight) the sketch held.
        relative_accuracy: The sketch's relative accuracy ``a``.
        guaranteed: False when the value came from a collapsed low bucket, where
            only *lower* and *upper* hold, not the relative accuracy.

    Example:
        >>> from incidentkit.signals import LatencySketch
        >>> sketch = LatencySketch()
        >>> sketch.add_many([0.1, 0.2, 0.3, 0.4])
        >>> p50 = sketch.quantile(0.5)
        >>> round(p50.value, 3), p50.lower <= 0.2 <= p50.upper, p50.count
        (0.2, True, 4.0)
    """

    q: float
    value: float
    lower: float
    upper: float
    count: float
    relative_accuracy: float
    guaranteed: bool = True

    @property
    def relative_error_bound(self) -> float:
        """
        The largest relative error the estimate can have given its bounds.

        The error is relative to the true quantile, which lies somewhere in
        ``[lower, upper]``: the bound is the worse of the two ends,
        ``max((value - lower) / lower, (upper - value) / upper)``, so it holds
        after a collapse too (infinite when *lower* is zero and the estimate
        is not: nothing bounds it then).  Rounded up at the 12th digit.

        Example:
            >>> from incidentkit.signals import Quantile
            >>> Quantile(0.5, 1.0, 0.99, 1.01, 10.0, 0.01).relative_error_bound
            0.010101010102
        """
        value, lower, upper = self.value, self.lower, self.upper
        worst = 0.0
        if upper > value:
            worst = (upper - value) / upper
        if value > lower:
            if lower <= 0.0:
                return math.inf
            worst = max(worst, (value - lower) / lower)
        return math.ceil(worst * 1e12) / 1e12


@attrs.define(on_setattr=attrs.setters.NO_OP)
class LatencySketch:
    """
    A mergeable quantile sketch with a relative-error guarantee and bounded memory.

    Every quantile it answers is within ``relative_accuracy`` of the exact
    quantile (the value of rank ``floor(q * (n - 1))``), whatever the data, as
    long as the values span no more than ``max_buckets`` buckets; beyond that
    the lowest buckets are collapsed (as DDSketch's
    ``LogCollapsingLowestDenseDDSketch`` does), so only the lowest quantiles
    lose accuracy.  Two sketches with the same accuracy merge exactly: the
    merged buckets equal the buckets of one sketch fed with both inputs.

    The state is plain data (a dense list of bucket weights and the index of
    its first bucket), so a sketch can be stored, shipped to another worker
    and merged there.  Do not change the settings after creation.

    Attributes:
        relative_accuracy: ``a``, from ``MIN_RELATIVE_ACCURACY`` (1e-4) to
            ``MAX_RELATIVE_ACCURACY`` (0.5); default 1 % (DDSketch, Masson et
            al. 2019).
        max_buckets: The most buckets kept; default 2048 as in ``ddsketch``, at
            most `MAX_BUCKETS_LIMIT` (a class attribute: assign a larger value
            to `LatencySketch.MAX_BUCKETS_LIMIT` to allow more).
        bins: Weight per bucket, from bucket *offset* upwards.
        offset: The bucket index of ``bins[0]``.
        zero_count: Weight of values equal to zero.
        count: Total weight added.
        total: Sum of the values, weighted (a float: merges may differ in the
            last bits).
        minimum: Smallest value added (the largest float while empty).
        maximum: Largest value added (0 while empty).
        collapsed_to: The highest bucket index that holds values folded in
            from lower buckets, or `None` while nothing was collapsed; a
            quantile from that bucket or below is not `Quantile.guaranteed`.

    Example:
        >>> from incidentkit.signals import LatencySketch
        >>> sketch = LatencySketch()
        >>> for ms in range(1, 1001):
        ...     sketch.add(ms / 1000)
        >>> p99 = sketch.quantile(0.99)
        >>> abs(p99.value - 0.990) <= 0.01 * 0.990
        True
    """

    MAX_BUCKETS_LIMIT: ClassVar[int] = MAX_BUCKETS_LIMIT
    """The largest *max_buckets* accepted (by the constructor and from JSON)."""

    relative_accuracy: float = attrs.field(
        default=DEFAULT_RELATIVE_ACCURACY, validator=check_accuracy
    )
    max_buckets: int = attrs.field(
        default=DEFAULT_MAX_BUCKETS, validator=_check_max_buckets
    )
    bins: list[float] = attrs.field(factory=list)
    offset: int = 0
    zero_count: float = 0.0
    count: float = 0.0
    total: float = 0.0
    minimum: float = _EMPTY_MIN
    maximum: float = 0.0
    collapsed_to: int | None = None
    _multiplier: float = attrs.field(init=False, repr=False, eq=False)
    _gamma: float = attrs.field(init=False, repr=False, eq=False)

    def __attrs_post_init__(self) -> None:
        gamma = (1.0 + self.relative_accuracy) / (1.0 - self.relative_accuracy)
        self._gamma = gamma
        self._multiplier = 1.0 / math.log(gamma)
        self._check_state()

    def _key(self, value: float) -> int:
        """The bucket index of a value above the smallest normal float."""
        return ceil(log(value) * self._multiplier)

    def _check_state(self) -> None:
        """
        Check the whole state in one pass over the buckets.

        State may come from JSON or another worker: it must be one that feeding
        values could have built (up to float rounding in the sums), so every
        query on it works.
        """
        bins = self.bins
        if not isinstance(bins, list) or len(bins) > self.max_buckets:
            got = len(bins) if isinstance(bins, list) else bins
            raise ValidationError.for_field(
                "bins",
                f"a list of at most max_buckets ({self.max_buckets}) buckets",
                got,
            )
        if not all(map(_is_weight, bins)):
            bad = next(weight for weight in bins if not _is_weight(weight))
            raise ValidationError.for_field("bins", "non-negative, finite weights", bad)
        in_bins = math.fsum(bins)
        self._check_offset()
        collapsed = self.collapsed_to
        offset = self.offset
        if collapsed is not None and (
            isinstance(collapsed, bool)
            or not isinstance(collapsed, int)
            or not offset <= collapsed < offset + len(bins)
        ):
            raise ValidationError.for_field(
                "collapsed_to",
                f"None or a kept bucket index ({offset} to {offset + len(bins) - 1})",
                collapsed,
            )
        _check_total("zero_count", self.zero_count)
        _check_total("count", self.count)
        _check_total("total", self.total)
        if self.count < self.zero_count:
            raise ValidationError.for_field(
                "count", f"at least zero_count ({self.zero_count})", self.count
            )
        expected = self.zero_count + in_bins
        if abs(self.count - expected) > _SUM_SLACK * expected:
            raise ValidationError.for_field(
                "count", f"zero_count plus the sum of bins ({expected})", self.count
            )
        if expected == 0.0:
            self._check_empty()
        else:
            self._check_extremes()

    def _check_offset(self) -> None:
        offset = self.offset
        if isinstance(offset, bool) or not isinstance(offset, int):
            raise ValidationError.for_field("offset", "a bucket index", offset)
        # Bucket keys of values from the smallest normal float to the largest,
        # with one bucket of slack on each side for numpy's log.
        low = self._key(_TINY) - 1
        high = self._key(sys.float_info.max) + 1 - max(len(self.bins) - 1, 0)
        if not low <= offset <= high:
            raise ValidationError.for_field(
                "offset",
                f"a bucket index from {low} to {high} "
                f"(relative_accuracy {self.relative_accuracy}, {len(self.bins)} bins)",
                offset,
            )

    def _check_empty(self) -> None:
        for field, value, empty in (
            ("total", self.total, 0.0),
            ("minimum", self.minimum, _EMPTY_MIN),
            ("maximum", self.maximum, 0.0),
        ):
            if value != empty:
                raise ValidationError.for_field(
                    field, f"{empty!r} while the sketch is empty", value
                )

    def _check_extremes(self) -> None:
        """Minimum and maximum lie in the lowest and highest non-empty buckets."""
        low, high = self.minimum, self.maximum
        for field, value in (("minimum", low), ("maximum", high)):
            if not _is_weight(value):
                raise ValidationError.for_field(
                    field, "a finite, non-negative number", value
                )
        if low > high:
            raise ValidationError.for_field("minimum", f"at most maximum ({high})", low)
        used = [index for index, weight in enumerate(self.bins) if weight]
        if self.zero_count:
            if low > _TINY:
                raise ValidationError.for_field(
                    "minimum", "zero (or subnormal) when zero_count is positive", low
                )
        else:
            first = self.offset + used[0]
            collapsed = self.collapsed_to is not None and first <= self.collapsed_to
            if (
                low <= _TINY
                or self._key(low) > first + 1
                or (not collapsed and self._key(low) < first - 1)
            ):
                raise ValidationError.for_field(
                    "minimum",
                    f"a value in the lowest non-empty bucket ({first})",
                    low,
                )
        if used:
            last = self.offset + used[-1]
            if high <= _TINY or abs(self._key(high) - last) > 1:
                raise ValidationError.for_field(
                    "maximum",
                    f"a value in the highest non-empty bucket ({last})",
                    high,
                )
        elif high > _TINY:
            raise ValidationError.for_field(
                "maximum", "zero (or subnormal): only zero_count holds weight", high
            )
        self._check_total_within(low, high)

    def _check_total_within(self, low: float, high: float) -> None:
        """The mean lies between the minimum and the maximum."""
        count = self.count
        if self.zero_count:
            low = 0.0  # zero and subnormal values add nothing to total
        if (
            not (low * count) * (1 - _SUM_SLACK) - _TINY
            <= self.total
            <= ((high * count) * (1 + _SUM_SLACK) + _TINY)
        ):
            raise ValidationError.for_field(
                "total",
                f"between minimum * count and maximum * count ({low * count} to "
                f"{high * count})",
                self.total,
            )

    # --- feeding ---------------------------------------------------------------

    def add(self, value: float, weight: float = 1.0) -> None:
        """
        Add one non-negative value (a latency in seconds, say).

        Args:
            value: A finite, non-negative number.
            weight: How many times to count it; positive and finite.

        Raises:
            ValidationError: If *value* or *weight* is negative, NaN, infinite
                or not a number (booleans are refused).

        Example:
            >>> from incidentkit.signals import LatencySketch
            >>> sketch = LatencySketch()
            >>> sketch.add(0.25, weight=3)
            >>> sketch.count
            3.0
        """
        # Exact class checks first: they are cheap, and they keep bools out.
        if (
            (value.__class__ is float or value.__class__ is int)
            and _TINY < value < _INF
            and (weight.__class__ is float or weight.__class__ is int)
            and 0.0 < weight < _INF
            and self.total + value * weight < _INF
            and self.count + weight < _INF
        ):
            index = ceil(log(value) * self._multiplier) - self.offset
            bins = self.bins
            if 0 <= index < len(bins):
                bins[index] += weight
            else:
                self._put(index + self.offset, float(weight))
            self.count += weight
            self.total += value * weight
            # Plain comparisons: min()/max() calls cost more in this hot path.
            if value < self.minimum:  # noqa: PLR1730
                self.minimum = value
            if value > self.maximum:  # noqa: PLR1730
                self.maximum = value
            return
        self._add_special(value, weight)

    def _add_special(self, value: float, weight: float) -> None:
        _check_weight(weight)
        check_value(value)
        value = float(value) + 0.0  # -0.0 becomes 0.0: never a minimum below zero
        weight = float(weight)
        if not (self.total + value * weight < _INF and self.count + weight < _INF):
            _refuse_overflow("value", value * weight)
        if value > _TINY:  # a float subclass or another real number type
            self.add(value, weight)
            return
        # Zero and subnormal values.
        self.zero_count += weight
        self.count += weight
        self.minimum = min(self.minimum, value)
        self.maximum = max(self.maximum, value)

    def _mark_collapsed(self, key: int) -> None:
        if self.collapsed_to is None or key > self.collapsed_to:
            self.collapsed_to = key

    def _put(self, key: int, weight: float) -> None:
        """Add *weight* to bucket *key*, growing or collapsing the store."""
        bins = self.bins
        if not bins:
            self.offset = key
            bins.append(weight)
            return
        low = self.offset
        high = low + len(bins) - 1
        if key < low:
            if high - key + 1 > self.max_buckets:
                # Below a full store: the collapsed lowest bucket takes it.
                key = high - self.max_buckets + 1
                if weight:
                    self._mark_collapsed(key)
                if key >= low:
                    bins[key - low] += weight
                    return
            bins[0:0] = [0.0] * (low - key)
            self.offset = key
            bins[0] += weight
            return
        if key > high:
            start = key - self.max_buckets + 1
            if start > high:
                # Every kept bucket is below the new range: fold them all into
                # its lowest bucket without materialising the gap.
                below = math.fsum(bins)
                bins[:] = [below] + [0.0] * (key - start)
                self.offset = start
                if below:
                    self._mark_collapsed(start)
                bins[-1] += weight
                return
            bins.extend([0.0] * (key - high))
        bins[key - low] += weight
        self._collapse()

    def _collapse(self) -> None:
        """Fold the buckets below the allowed range into its lowest bucket."""
        bins = self.bins
        extra = len(bins) - self.max_buckets
        if extra <= 0:
            return
        below = math.fsum(bins[:extra])
        folded = below + bins[extra]
        del bins[:extra]
        bins[0] = folded
        self.offset += extra
        if below:
            self._mark_collapsed(self.offset)

    def add_many(self, values: Iterable[float]) -> None:
        """
        Add many values at once, much faster than calling `add` in a loop.

        A numpy array is handled by a vectorised path when the caller has
        imported numpy already; incidentkit never imports it itself.  Nothing is
        added when any value is invalid.

        Args:
            values: Finite, non-negative numbers.

        Raises:
            ValidationError: If any value is negative, NaN, infinite or a bool.

        Example:
            >>> from incidentkit.signals import LatencySketch
            >>> sketch = LatencySketch()
            >>> sketch.add_many([0.1, 0.2, 0.0])
            >>> sketch.count, sketch.zero_count
            (3.0, 1.0)
        """
        numpy = sys.modules.get("numpy")
        if numpy is not None and isinstance(values, numpy.ndarray):
            self._add_array(values)
            return
        seq: Sequence[float] = (
            values if isinstance(values, (list, tuple)) else list(values)
        )
        if not seq:
            return
        try:
            low = min(seq)
            high = max(seq)
            total = sum(seq)
            fast = low > _TINY and high < _INF and math.isfinite(total)
        except TypeError:
            fast = False
        if not fast:
            for value in seq:
                check_value(value)
            for value in seq:
                self.add(value)
            return
        counts = Counter(map(ceil, map(mul, map(log, seq), repeat(self._multiplier))))
        # A bool can only hide in the bucket of 1.0 (key 0): check only then.
        if 0 in counts and bool in set(map(type, seq)):
            for value in seq:
                check_value(value)
        self._absorb(counts.items(), float(len(seq)), total, low, high)

    def _add_array(self, values: object) -> None:
        import numpy as np  # noqa: PLC0415 - only reached when the caller imported it

        if values.dtype == np.bool_:  # type: ignore[attr-defined]
            raise ValidationError.for_field(
                "values", "finite, non-negative numbers", "a boolean array"
            )
        arr = np.asarray(values, dtype=np.float64).ravel()
        if arr.size == 0:
            return
        if not (np.isfinite(arr).all() and (arr > _TINY).all()):
            self.add_many(arr.tolist())
            return
        keys = np.ceil(np.log(arr) * self._multiplier).astype(np.int64)
        base = int(keys.min())
        per_key = np.bincount(keys - base)
        present = np.flatnonzero(per_key)
        items = zip((present + base).tolist(), per_key[present].tolist(), strict=True)
        self._absorb(
            items,
            float(arr.size),
            float(arr.sum()),
            float(arr.min()),
            float(arr.max()),
        )

    def _absorb(
        self,
        items: Iterable[tuple[int, float]],
        count: float,
        total: float,
        low: float,
        high: float,
    ) -> None:
        if not (self.count + count < _INF and self.total + total < _INF):
            _refuse_overflow("values", total)
        pairs = sorted(items)
        if pairs:
            first, last = pairs[0][0], pairs[-1][0]
            # Two puts at the extremes size the store once; then plain adds.
            self._put(last, 0.0)
            self._put(first, 0.0)
            bins = self.bins
            offset = self.offset
            if first < offset:
                self._mark_collapsed(offset)
            for key, weight in pairs:
                index = key - offset
                bins[max(0, index)] += weight
        self.count += count
        self.total += total
        self.minimum = min(self.minimum, low)
        self.maximum = max(self.maximum, high)

    def merge(self, other: LatencySketch) -> None:
        """
        Add *other*'s contents to this sketch, exactly.

        Args:
            other: A sketch with the same relative accuracy.

        Raises:
            ValidationError: If the accuracies differ.

        Example:
            >>> from incidentkit.signals import LatencySketch
            >>> a, b = LatencySketch(), LatencySketch()
            >>> a.add(0.1)
            >>> b.add(0.3)
            >>> a.merge(b)
            >>> a.count, a.maximum
            (2.0, 0.3)
        """
        if other.relative_accuracy != self.relative_accuracy:
            raise ValidationError.for_field(
                "other.relative_accuracy",
                f"{self.relative_accuracy} like the sketch merged into",
                other.relative_accuracy,
            )
        self._absorb(
            (
                (other.offset + index, weight)
                for index, weight in enumerate(other.bins)
                if weight
            ),
            other.count,
            other.total,
            other.minimum,
            other.maximum,
        )
        self.zero_count += other.zero_count
        if other.collapsed_to is not None:
            self._mark_collapsed(max(other.collapsed_to, self.offset))

    def copy(self) -> LatencySketch:
        """
        Return an independent copy.

        Example:
            >>> from incidentkit.signals import LatencySketch
            >>> a = LatencySketch()
            >>> b = a.copy()
            >>> b.add(1.0)
            >>> a.count, b.count
            (0.0, 1.0)
        """
        return LatencySketch(
            relative_accuracy=self.relative_accuracy,
            max_buckets=self.max_buckets,
            bins=list(self.bins),
            offset=self.offset,
            zero_count=self.zero_count,
            count=self.count,
            total=self.total,
            minimum=self.minimum,
            maximum=self.maximum,
            collapsed_to=self.collapsed_to,
        )

    # --- querying --------------------------------------------------------------

    def quantile(self, q: float) -> Quantile | None:
        """
        Estimate the *q*-quantile, with its bounds; `None` when empty.

        The exact quantile is the value of rank ``floor(q * (count - 1))``
        (ranks from 0), the definition of the DDSketch guarantee.

        Args:
            q: The quantile, in ``[0, 1]`` (0.99 for p99).

        Returns:
            The estimate, or `None` if nothing was added.

        Raises:
            ValidationError: If *q* is outside ``[0, 1]``.

        Example:
            >>> from incidentkit.signals import LatencySketch
            >>> LatencySketch().quantile(0.5) is None
            True
        """
        if (
            isinstance(q, bool)
            or not isinstance(q, (int, float))
            or not 0.0 <= q <= 1.0
        ):
            raise ValidationError.for_field("q", "a number in [0, 1]", q)
        if self.count <= 0.0:
            return None
        rank = q * (self.count - 1.0)
        if self.zero_count > rank:
            return Quantile(
                q=float(q),
                value=0.0,
                lower=0.0,
                upper=_TINY,
                count=self.count,
                relative_accuracy=self.relative_accuracy,
            )
        seen = self.zero_count
        bins = self.bins
        index = len(bins) - 1
        for position, weight in enumerate(bins):
            seen += weight
            if seen > rank:
                index = position
                break
        chosen = self.offset + index
        gamma = self._gamma
        upper = _power(gamma, chosen)
        lower = upper / gamma if upper < _INF else _power(gamma, chosen - 1)
        value = 2.0 * upper / (1.0 + gamma)
        collapsed = self.collapsed_to is not None and chosen <= self.collapsed_to
        low = self.minimum if collapsed else lower * (1.0 - _BOUND_SLACK)
        low = max(low, self.minimum)
        high = min(upper * (1.0 + _BOUND_SLACK), self.maximum)
        return Quantile(
            q=float(q),
            value=min(max(value, low), high),
            lower=low,
            upper=high,
            count=self.count,
            relative_accuracy=self.relative_accuracy,
            guaranteed=not collapsed,
        )

    def fraction_above(self, threshold: float) -> float:
        """
        Return the share of the weight certainly above *threshold* (0 when empty).

        Values in the bucket that contains *threshold* (within the relative
        accuracy of it) are counted as not above, so this is a lower bound,
        exact whenever no value lies within ``a`` of the threshold.

        Args:
            threshold: A non-negative number (a promised latency, say).

        Returns:
            A fraction in ``[0, 1]``.

        Raises:
            ValidationError: If *threshold* is negative or not finite.

        Example:
            >>> from incidentkit.signals import LatencySketch
            >>> sketch = LatencySketch()
            >>> sketch.add_many([0.1, 0.2, 2.0, 3.0])
            >>> sketch.fraction_above(1.0)
            0.5
        """
        check_value(threshold, field="threshold")
        if self.count <= 0.0:
            return 0.0
        if threshold >= self.maximum:
            return 0.0
        if threshold < self.minimum:
            return 1.0
        if threshold <= _TINY:
            above = math.fsum(self.bins)
        else:
            limit = ceil(log(threshold) * self._multiplier) - self.offset
            above = math.fsum(self.bins[max(limit + 1, 0) :])
        return min(1.0, above / self.count)

    @property
    def mean(self) -> float | None:
        """
        The mean of the values, or `None` when empty.

        Example:
            >>> from incidentkit.signals import LatencySketch
            >>> sketch = LatencySketch()
            >>> sketch.add_many([1.0, 3.0])
            >>> sketch.mean
            2.0
        """
        return self.total / self.count if self.count > 0.0 else None


def check_value(value: object, field: str = "value") -> None:
    if (
        isinstance(value, bool)
        or not isinstance(value, numbers.Real)
        or not math.isfinite(value)
        or value < 0
    ):
        raise ValidationError.for_field(field, "a finite, non-negative number", value)


def _check_total(field: str, value: object) -> None:
    if (
        isinstance(value, bool)
        or not isinstance(value, (int, float))
        or not 0.0 <= value < _INF
    ):
        raise ValidationError.for_field(field, "a finite, non-negative weight", value)


def _check_weight(weight: object) -> None:
    if (
        isinstance(weight, bool)
        or not isinstance(weight, numbers.Real)
        or not 0 < float(weight) < _INF
    ):
        raise ValidationError.for_field("weight", "a positive, finite number", weight)


def _refuse_overflow(field: str, got: float) -> NoReturn:
    raise ValidationError.for_field(
        field, "values whose sum keeps the sketch's count and total finite", got
    )
