"""Are we improving?  Two periods compared on the log scale."""

from __future__ import annotations

import datetime as dt
import enum
import math
from collections.abc import Iterable
from typing import Final

import attrs

from incidentkit.errors import ValidationError
from incidentkit.spans import TIME_TO_RESTORE, Milestoned, Span

from . import _stats
from ._summary import _collect


__all__ = ["Comparison", "Verdict", "compare_periods", "detectable_change"]

_US: Final = dt.timedelta(microseconds=1)
DEFAULT_SD_LOG: Final = 1.25
"""
The spread of log durations assumed when none is given: 1.25, the log-normal fit
of a real company's incident durations (Davidovič's "Company B", fitted by
Benninghoff, *Measuring Incident Duration*, 2025).
"""


class Verdict(enum.Enum):
    """What a comparison of two periods can honestly say."""

    IMPROVED = "improved"
    """Durations are shorter after, and the interval excludes no change."""
    WORSE = "worse"
    """Durations are longer after, and the interval excludes no change."""
    NOT_DISTINGUISHABLE = "not distinguishable"
    """The interval contains 1: the data cannot tell a change from noise."""


@attrs.frozen(kw_only=True)
class Comparison:
    """
    Two periods compared on one span.

    Attributes:
        span: What was measured.
        n_before: Durations used before.
        n_after: Durations used after.
        geometric_mean_before: The typical duration before.
        geometric_mean_after: The typical duration after.
        ratio: ``geometric_mean_after / geometric_mean_before`` (below 1 is
            faster).  ``None`` when a side has no durations.
        ci: The confidence interval of the ratio (Welch's t on log durations);
            ``None`` when a side has fewer than two durations.
        level: The interval's level.
        verdict: `Verdict.NOT_DISTINGUISHABLE` whenever the interval contains 1
            or cannot be computed.
        detectable: The smallest change (as a ratio below 1) these sample
            sizes could detect with 80 % power, at the spread observed;
            ``None`` with fewer than two durations a side, or none that differ.
    """

    span: Span
    n_before: int
    n_after: int
    geometric_mean_before: dt.timedelta | None
    geometric_mean_after: dt.timedelta | None
    ratio: float | None
    ci: tuple[float, float] | None
    level: float
    verdict: Verdict
    detectable: float | None

    def explain(self) -> str:
        """
        Say what the comparison found, in one sentence.

        Example:
            >>> from incidentkit.metrics import Comparison, Verdict
            >>> from incidentkit.spans import TIME_TO_RESTORE
            >>> c = Comparison(span=TIME_TO_RESTORE, n_before=40, n_after=38,
            ...                geometric_mean_before=None, geometric_mean_after=None,
            ...                ratio=0.8, ci=(0.55, 1.16), level=0.95,
            ...                verdict=Verdict.NOT_DISTINGUISHABLE, detectable=0.52)
            >>> print(c.explain())  # doctest: +NORMALIZE_WHITESPACE
            time to restore: not distinguishable
            (after/before 0.80, 95% CI 0.55-1.16, n 40 vs 38)
        """
        head = f"{self.span.name}: {self.verdict.value}"
        if self.ratio is None or self.ci is None:
            return f"{head} (too few durations: n {self.n_before} vs {self.n_after})"
        return (
            f"{head} (after/before {self.ratio:.2f}, {self.level:.0%} CI "
            f"{self.ci[0]:.2f}-{self.ci[1]:.2f}, n {self.n_before} vs {self.n_after})"
        )

    def _repr_html_(self) -> str:
        """Show it as HTML in a notebook (see `incidentkit.render.html`)."""
        from incidentkit.render import html  # noqa: PLC0415 - lazy

        return html(self)


def _logs(incidents: Iterable[Milestoned], span: Span, side: str) -> list[float]:
    # The durations summarize would use: measured, positive, in microseconds.
    durations = _collect(incidents, span, None, None, side)[None].durations
    return [math.log(d) for d in durations]


def _mean_var(values: list[float]) -> tuple[float, float]:
    mean = math.fsum(values) / len(values)
    return mean, math.fsum((v - mean) ** 2 for v in values) / (len(values) - 1)


def compare_periods(
    before: Iterable[Milestoned],
    after: Iterable[Milestoned],
    span: Span = TIME_TO_RESTORE,
    *,
    level: float = 0.95,
) -> Comparison:
    """
    Compare the typical duration of *span* before and after a change.

    The ratio of geometric means with a confidence interval from Welch's t test
    on log durations (durations are close to log-normal, so their logarithms
    are close to normal; Welch does not assume equal spreads).  The verdict is
    ``NOT_DISTINGUISHABLE`` whenever the interval contains 1: with the tens of
    incidents a team has per quarter, that is the usual, honest answer.

    Args:
        before: The incidents of the earlier period.
        after: The incidents of the later period.
        span: What to compare; time to restore by default.
        level: The interval's level.

    Returns:
        The `Comparison`.

    Example:
        >>> from datetime import datetime, timedelta, timezone
        >>> from incidentkit import Incident, metrics
        >>> t0 = datetime(2024, 1, 1, tzinfo=timezone.utc)
        >>> def restored(minutes, day):
        ...     at = t0 + timedelta(days=day)
        ...     inc = Incident.declare("outage", severity="P2", declared_by="ana",
        ...                            at=at, started_at=at, id=f"inc-{day}")
        ...     return inc.mitigate(at=at + timedelta(minutes=minutes), how="rollback")
        >>> h1 = [restored(m, d) for d, m in enumerate([30, 45, 60, 90, 120])]
        >>> h2 = [restored(m, 200 + d) for d, m in enumerate([25, 40, 50, 80, 100])]
        >>> metrics.compare_periods(h1, h2).verdict.value
        'not distinguishable'
    """
    if not isinstance(span, Span):
        raise ValidationError.for_field("span", "a Span", span)
    _fraction("level", level)
    a = _logs(before, span, "before")
    b = _logs(after, span, "after")
    geo_before = _geo(a)
    geo_after = _geo(b)
    ratio = ci = detectable = None
    verdict = Verdict.NOT_DISTINGUISHABLE
    if a and b:
        ratio = math.exp(math.fsum(b) / len(b) - math.fsum(a) / len(a))
    if len(a) > 1 and len(b) > 1:
        mean_a, var_a = _mean_var(a)
        mean_b, var_b = _mean_var(b)
        se2_a, se2_b = var_a / len(a), var_b / len(b)
        se = math.sqrt(se2_a + se2_b)
        difference = mean_b - mean_a
        if se > 0:
            df = (se2_a + se2_b) ** 2 / (
                se2_a**2 / (len(a) - 1) + se2_b**2 / (len(b) - 1)
            )
            t = _stats.t_quantile(1.0 - (1.0 - level) / 2.0, df)
            ci = (math.exp(difference - t * se), math.exp(difference + t * se))
        else:
            ci = (math.exp(difference), math.exp(difference))
        if ci[1] < 1.0:
            verdict = Verdict.IMPROVED
        elif ci[0] > 1.0:
            verdict = Verdict.WORSE
        pooled = math.sqrt(
            (var_a * (len(a) - 1) + var_b * (len(b) - 1)) / (len(a) + len(b) - 2)
        )
        if pooled > 0:
            detectable = detectable_change(len(a), len(b), sd_log=pooled, level=level)
    return Comparison(
        span=span,
        n_before=len(a),
        n_after=len(b),
        geometric_mean_before=geo_before,
        geometric_mean_after=geo_after,
        ratio=ratio,
        ci=ci,
        level=level,
        verdict=verdict,
        detectable=detectable,
    )


def _fraction(name: str, value: object) -> None:
    if (
        isinstance(value, bool)
        or not isinstance(value, (int, float))
        or not 0 < value < 1
    ):
        raise ValidationError.for_field(name, "a number between 0 and 1", value)


def _geo(logs: list[float]) -> dt.timedelta | None:
    if not logs:
        return None
    return dt.timedelta(microseconds=round(math.exp(math.fsum(logs) / len(logs))))


def detectable_change(
    n_before: int,
    n_after: int,
    *,
    sd_log: float = DEFAULT_SD_LOG,
    level: float = 0.95,
    power: float = 0.8,
) -> float:
    """
    The smallest improvement two samples of these sizes could detect.

    Closed form on the log scale (a two-sided test at *level*, with *power*):
    a change by the ratio ``exp(-(z[1 - (1 - level) / 2] + z[power]) * sd_log *
    sqrt(1 / n_before + 1 / n_after))`` or more, ``z`` the normal quantiles.
    With ``power=0.5`` this is the interval's half width.

    Args:
        n_before: Durations before.
        n_after: Durations after.
        sd_log: The standard deviation of log durations; 1.25 (a real company's
            incident history) when not known.
        level: The test's confidence level.
        power: The chance of detecting a change of that size.

    Returns:
        The ratio (after / before) a reduction must reach to be detected: 0.6
        means durations must fall by 40 %.

    Example:
        >>> from incidentkit.metrics import detectable_change
        >>> round(detectable_change(30, 30), 2)   # a quarter each of a busy team
        0.4
        >>> round(detectable_change(1000, 1000), 2)
        0.86
    """
    for name, n in (("n_before", n_before), ("n_after", n_after)):
        if isinstance(n, bool) or not isinstance(n, int) or n < 2:  # noqa: PLR2004
            raise ValidationError.for_field(name, "an integer of at least 2", n)
    if (
        isinstance(sd_log, bool)
        or not isinstance(sd_log, (int, float))
        or not (math.isfinite(sd_log) and sd_log > 0)
    ):
        raise ValidationError.for_field("sd_log", "a positive number", sd_log)
    _fraction("level", level)
    _fraction("power", power)
    z = _stats.normal_quantile(1.0 - (1.0 - level) / 2.0) + _stats.normal_quantile(
        power
    )
    return math.exp(-z * sd_log * math.sqrt(1.0 / n_before + 1.0 / n_after))
