"""Duration summaries over a span, whole or grouped."""

from __future__ import annotations

import contextlib
import datetime as dt
import enum
import math
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping
from operator import attrgetter
from typing import Any, Final, overload

import attrs

from incidentkit._frozen import FrozenMap
from incidentkit._lifecycle import STATUS_MILESTONES
from incidentkit._time import ensure_utc, resolve_zone
from incidentkit._validators import check_bool, check_fraction, check_positive_int
from incidentkit.errors import ValidationError
from incidentkit.severity import Severity
from incidentkit.spans import (
    TIME_TO_DETECT,
    TIME_TO_RESTORE,
    Milestoned,
    Span,
    Unmeasured,
)

from . import _stats
from ._input import call_user, incidents_of, not_incidents
from ._periods import CALENDAR, Period, period_key, periods_between


__all__ = [
    "DurationSummary",
    "GroupKey",
    "Summaries",
    "mttd",
    "mttr",
    "summarize",
]

_US: Final = dt.timedelta(microseconds=1)
_ONE_SECOND_US: Final = 1_000_000

GroupKey = str | Callable[[Milestoned], Hashable]
"""What `summarize` groups by: a name (``"severity"``, ``"month"``...) or a function."""

_ATTRIBUTE_GROUPS: Final[tuple[str, ...]] = ("severity", "service", "category")


def _td(microseconds: float) -> dt.timedelta:
    return dt.timedelta(microseconds=round(microseconds))


def when(incident: Milestoned) -> dt.datetime | None:
    """
    When an incident happened, for calendar grouping and recurrence.

    Its declaration time, or its impact start when it has none.
    """
    return incident.declared_at or incident.started_at


@attrs.frozen(kw_only=True)
class DurationSummary:
    """
    What one span measured over a set of incidents.

    Incident durations are heavy-tailed: a few very long incidents move the mean
    far more than any real change does.  The median and the geometric mean (the
    mean of the logarithms, which had the tightest relative confidence intervals
    in Davidovič's study of real incident data) lead; the arithmetic ``mean``
    is there, labelled as a mean, for comparison with tools that report one.

    Quantiles interpolate linearly between order statistics (numpy's and
    pandas' default, ``statistics.quantiles(method="inclusive")``).

    Attributes:
        span: What was measured.
        n: How many incidents had a duration (the ones summarised).
        missing: How many lacked a milestone the span needs.
        invalid: How many records contradict themselves, by reason
            (``"negative"``, ``"zero"``).
        open: How many have not reached the end milestone yet.  Counted, never
            dropped: see ``censored_median``.
        median: The median duration.
        p90: The 90th percentile.
        p95: The 95th percentile.
        geometric_mean: The geometric mean.
        mean: The arithmetic mean (heavy tails make it misleading).
        min: The shortest duration.
        max: The longest duration.
        median_ci: A bootstrap confidence interval for the median (low, high).
        ci_level: The level of ``median_ci``, such as 0.95.
        censored_median: With ``censored=True``: the Kaplan-Meier median, open
            incidents counted as still running at ``now``.  ``None`` otherwise,
            or when fewer than half have ended.

    Every duration is ``None`` when ``n`` is 0; ``median_ci`` also when ``n`` is 1.
    """

    span: Span
    n: int
    missing: int
    invalid: Mapping[str, int]
    open: int
    median: dt.timedelta | None
    p90: dt.timedelta | None
    p95: dt.timedelta | None
    geometric_mean: dt.timedelta | None
    mean: dt.timedelta | None
    min: dt.timedelta | None
    max: dt.timedelta | None
    median_ci: tuple[dt.timedelta, dt.timedelta] | None
    ci_level: float
    censored_median: dt.timedelta | None = None

    @property
    def total(self) -> int:
        """Every incident looked at: ``n + missing + invalid + open``."""
        return self.n + self.missing + sum(self.invalid.values()) + self.open

    def _repr_html_(self) -> str:
        """Show it as HTML in a notebook (see `incidentkit.render.html`)."""
        from incidentkit.render import html  # noqa: PLC0415 - lazy

        return html(self)


class Summaries(Mapping[Any, DurationSummary]):
    """
    One `DurationSummary` per group: what `summarize` returns with ``by=``.

    A read-only mapping from group key (a `Severity`, a service, a `Period`...)
    to its summary, in the order `summarize` documents.  It equals a plain
    ``dict`` of the same items, and in a notebook it shows as a table, one row
    per group.  `span` and `by` say what it was made from.

    Example:
        >>> from incidentkit import Severity, metrics
        >>> grouped = metrics.summarize([], by="severity")
        >>> grouped.by, grouped[Severity.P1].n, grouped == dict(grouped)
        ('severity', 0, True)
        >>> grouped
        <Summaries of time to restore by 'severity': {P1: n=0, P2: n=0, P3: n=0}>
    """

    __slots__ = ("_by", "_items", "_span")

    def __init__(
        self,
        items: Mapping[Any, DurationSummary],
        *,
        span: Span,
        by: str | Callable[[Milestoned], Hashable],
    ) -> None:
        """Hold *items* (copied), the summaries of *span* grouped *by*."""
        self._items: Mapping[Any, DurationSummary] = FrozenMap(dict(items))
        self._span = span
        self._by = by

    @property
    def span(self) -> Span:
        """What was measured."""
        return self._span

    @property
    def by(self) -> str | Callable[[Milestoned], Hashable]:
        """What the incidents were grouped by."""
        return self._by

    def __getitem__(self, key: Any) -> DurationSummary:
        return self._items[key]

    def __iter__(self) -> Iterator[Any]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __repr__(self) -> str:
        by = (
            self._by
            if isinstance(self._by, str)
            else getattr(self._by, "__qualname__", repr(self._by))
        )
        groups = ", ".join(
            f"{key.value if isinstance(key, enum.Enum) else key!s}: n={s.n}"
            for key, s in self._items.items()
        )
        return f"<Summaries of {self._span.name} by {by!r}: {{{groups}}}>"

    def _repr_html_(self) -> str:
        from incidentkit.render import html  # noqa: PLC0415 - lazy

        return html(self)


@attrs.frozen
class _Options:
    ci: float = attrs.field(validator=check_fraction)
    resamples: int = attrs.field(validator=check_positive_int)
    seed: int = attrs.field()
    censored: bool = attrs.field(validator=check_bool)
    now: dt.datetime | None = attrs.field()

    @seed.validator
    def _seed(self, _: attrs.Attribute[Any], value: object) -> None:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValidationError.for_field("seed", "an integer", value)


class _Group:
    __slots__ = ("durations", "invalid", "missing", "open", "running")

    def __init__(self) -> None:
        self.durations: list[int] = []
        self.running: list[int] = []
        self.missing = 0
        self.open = 0
        self.invalid: dict[str, int] = {}

    def add_ended(self, duration: int) -> None:
        if duration > 0:
            self.durations.append(duration)
            return
        reason = (Unmeasured.ZERO if duration == 0 else Unmeasured.NEGATIVE).value
        self.invalid[reason] = self.invalid.get(reason, 0) + 1

    def add_open(self, start: dt.datetime, now: dt.datetime | None) -> None:
        self.open += 1
        if now is not None:
            running = (now - start) // _US
            if running <= 0:
                raise ValidationError(
                    f"now ({now.isoformat()}) must be after every open incident's "
                    f"start (one started {start.isoformat()})",
                    field="now",
                    expected="a time after the open incidents started",
                    got=now,
                )
            self.running.append(running)


def _summary(span: Span, group: _Group, options: _Options) -> DurationSummary:
    values = group.durations
    values.sort()
    n = len(values)
    invalid = FrozenMap(dict(sorted(group.invalid.items())))
    censored = None
    if options.censored and (values or group.running):
        km = _stats.kaplan_meier_median(
            values + group.running, [True] * n + [False] * len(group.running)
        )
        censored = None if km is None else _td(km)
    if not n:
        return DurationSummary(
            span=span,
            n=0,
            missing=group.missing,
            invalid=invalid,
            open=group.open,
            median=None,
            p90=None,
            p95=None,
            geometric_mean=None,
            mean=None,
            min=None,
            max=None,
            median_ci=None,
            ci_level=options.ci,
            censored_median=censored,
        )
    ci = None
    if n > 1:
        medians = _stats.bootstrap_medians(values, options.resamples, options.seed)
        medians.sort()
        tail = (1.0 - options.ci) / 2.0
        ci = (
            _td(_stats.quantile(medians, tail)),  # type: ignore[arg-type]
            _td(_stats.quantile(medians, 1.0 - tail)),  # type: ignore[arg-type]
        )
    log_mean = math.fsum(math.log(v) for v in values) / n
    return DurationSummary(
        span=span,
        n=n,
        missing=group.missing,
        invalid=invalid,
        open=group.open,
        median=_td(_stats.quantile(values, 0.5)),
        p90=_td(_stats.quantile(values, 0.9)),
        p95=_td(_stats.quantile(values, 0.95)),
        geometric_mean=_td(math.exp(log_mean)),
        mean=_td(sum(values) / n),
        min=_td(values[0]),
        max=_td(values[-1]),
        median_ci=ci,
        ci_level=options.ci,
        censored_median=censored,
    )


def _key_function(
    by: GroupKey, zone: dt.tzinfo
) -> tuple[Callable[[Milestoned], Any], str | None]:
    if callable(by):
        return by, None
    if by in _ATTRIBUTE_GROUPS:
        return attrgetter(by), None
    if by in CALENDAR:
        of_instant = period_key(by, zone)

        def calendar(incident: Milestoned) -> Period | None:
            instant = when(incident)
            return None if instant is None else of_instant(instant)

        return calendar, by
    raise ValidationError.for_field(
        "by",
        f"one of {', '.join(_ATTRIBUTE_GROUPS + CALENDAR)}, or a function",
        by,
    )


def _ordered_keys(
    groups: Mapping[Any, _Group], by: GroupKey, unit: str | None, zone: dt.tzinfo
) -> list[Any]:
    keys = list(groups)
    if by == "severity":
        return list(Severity)
    if unit is not None:
        periods = sorted(k for k in keys if k is not None)
        every = periods_between(periods[0], periods[-1], unit, zone) if periods else []
        return every + ([None] if None in groups else [])
    present = [k for k in keys if k is not None]
    # Keys that do not sort keep the order they were first seen in.
    with contextlib.suppress(TypeError):
        present.sort()
    return present + ([None] if None in groups else [])


def _collect(
    incidents: Iterable[Milestoned],
    span: Span,
    key: Callable[[Milestoned], Any] | None,
    now: dt.datetime | None,
    field: str = "incidents",
) -> dict[Any, _Group]:
    ends = attrgetter(span.start, span.end)
    not_yet = frozenset(
        s for s, rule in STATUS_MILESTONES.items() if span.end in rule.forbids
    )
    groups: dict[Any, _Group] = {}
    single = _Group()
    for incident in incidents_of(incidents, field):
        try:
            start, end = ends(incident)
        except AttributeError:
            not_incidents(incident, field)
        if key is None:
            group = single
        else:
            k = call_user(key, incident, "by")
            group = groups.get(k)  # type: ignore[assignment]
            if group is None:
                group = groups[k] = _Group()
        if start is None:
            group.missing += 1
        elif end is not None:
            group.add_ended((end - start) // _US)
        elif incident.status in not_yet:
            group.add_open(start, now)
        else:
            group.missing += 1
    if key is None:
        groups[None] = single
    return groups


@overload
def summarize(
    incidents: Iterable[Milestoned],
    span: Span = ...,
    *,
    by: None = None,
    tz: str | dt.tzinfo = ...,
    ci: float = ...,
    resamples: int = ...,
    seed: int = ...,
    censored: bool = ...,
    now: dt.datetime | None = ...,
) -> DurationSummary: ...
@overload
def summarize(
    incidents: Iterable[Milestoned],
    span: Span = ...,
    *,
    by: GroupKey,
    tz: str | dt.tzinfo = ...,
    ci: float = ...,
    resamples: int = ...,
    seed: int = ...,
    censored: bool = ...,
    now: dt.datetime | None = ...,
) -> Summaries: ...
def summarize(
    incidents: Iterable[Milestoned],
    span: Span = TIME_TO_RESTORE,
    *,
    by: GroupKey | None = None,
    tz: str | dt.tzinfo = "UTC",
    ci: float = 0.95,
    resamples: int = 2000,
    seed: int = 0,
    censored: bool = False,
    now: dt.datetime | None = None,
) -> DurationSummary | Summaries:
    """
    Summarise the durations of *span* over *incidents*.

    One pass over the incidents (any iterable: a list, a generator, a file read
    lazily) and one sort per group.  Every incident is counted somewhere: in
    ``n``, ``missing``, ``invalid`` or ``open``.

    Args:
        incidents: `incidentkit.incident.Incident` or `incidentkit.spans.IncidentRecord`
            values.
        span: What to measure; time to restore by default.
        by: Group by ``"severity"`` (P1 first, every level present),
            ``"service"``, ``"category"`` (sorted, ``None`` last), a calendar
            period (``"year"``, ``"quarter"``, ``"month"``, ``"week"``: keyed by
            `Period`, in time order, empty periods present, by when each incident
            was declared, or its impact start when it has no declaration time),
            or any function of an incident.
        tz: The IANA zone calendar periods are cut in.
        ci: The level of the bootstrap interval for the median.
        resamples: How many bootstrap resamples.
        seed: The bootstrap's seed: the same data and seed give the same interval.
        censored: Also estimate the Kaplan-Meier median with still-open incidents
            as right-censored at *now* (which is then required).
        now: The moment open incidents are measured to, for *censored* (refused
            without it, and when an open incident started after it).

    Returns:
        A `DurationSummary`, or with *by* the `Summaries`: a mapping from
        group to summary.

    Raises:
        ValidationError: For a bad *span*, *by*, *tz*, *ci*, *resamples*, *seed*,
            or *censored* without *now*.

    Example:
        >>> from datetime import datetime, timedelta, timezone
        >>> from incidentkit import Incident, metrics
        >>> t0 = datetime(2024, 6, 1, tzinfo=timezone.utc)
        >>> def one(minutes, day):
        ...     at = t0 + timedelta(days=day)
        ...     inc = Incident.declare(f"outage {day}", severity="P2",
        ...                            declared_by="ana", at=at, started_at=at)
        ...     return inc.mitigate(at=at + timedelta(minutes=minutes), how="undo")
        >>> minutes = [10, 20, 30, 40, 600]
        >>> s = metrics.summarize([one(m, day) for day, m in enumerate(minutes)])
        >>> s.n, str(s.median), str(s.mean)
        (5, '0:30:00', '2:20:00')
    """
    if not isinstance(span, Span):
        raise ValidationError.for_field("span", "a Span", span)
    if now is not None and not censored:
        raise ValidationError(
            "now= is used only with censored=True (open incidents measured to now)",
            field="now",
            expected="None, or censored=True",
            got=now,
        )
    if censored and now is None:
        raise ValidationError(
            "censored=True needs now= (the moment open incidents are measured to)",
            field="now",
            expected="an aware datetime",
            got=None,
        )
    options = _Options(
        ci=ci,
        resamples=resamples,
        seed=seed,
        censored=censored,
        now=None if now is None else ensure_utc(now, field="now"),
    )
    zone = resolve_zone(tz, field="tz")
    key, unit = (None, None) if by is None else _key_function(by, zone)
    groups = _collect(incidents, span, key, options.now if censored else None)
    if by is None:
        return _summary(span, groups[None], options)
    ordered = _ordered_keys(groups, by, unit, zone)
    return Summaries(
        {k: _summary(span, groups.get(k) or _Group(), options) for k in ordered},
        span=span,
        by=by,
    )


def _ungrouped(
    incidents: Iterable[Milestoned], span: Span, options: dict[str, Any]
) -> DurationSummary:
    if "by" in options:
        raise ValidationError(
            "mttd() and mttr() summarise all incidents; group with "
            "summarize(incidents, span, by=...)",
            field="by",
            expected="no grouping",
            got=options["by"],
        )
    result = summarize(incidents, span, **options)
    assert isinstance(result, DurationSummary)  # noqa: S101 - not grouped
    return result


def mttd(incidents: Iterable[Milestoned], **options: Any) -> DurationSummary:
    """
    Summarise the time to detect: `summarize` over `incidentkit.spans.TIME_TO_DETECT`.

    A summary, not one number: read its ``median`` and ``geometric_mean`` first.
    Takes `summarize`'s keyword options except ``by``.

    Example:
        >>> from datetime import datetime, timedelta, timezone
        >>> from incidentkit import Incident, metrics
        >>> t0 = datetime(2024, 6, 1, 14, 0, tzinfo=timezone.utc)
        >>> inc = Incident.declare("Checkout down", severity="P1", declared_by="ana",
        ...                        at=t0 + timedelta(minutes=6), started_at=t0)
        >>> str(metrics.mttd([inc]).median)
        '0:06:00'
    """
    return _ungrouped(incidents, TIME_TO_DETECT, options)


def mttr(incidents: Iterable[Milestoned], **options: Any) -> DurationSummary:
    """
    Summarise the time to restore: `summarize` over `incidentkit.spans.TIME_TO_RESTORE`.

    Impact start to mitigation, the "R" DORA calls time to restore service.
    A summary, not one number: read its ``median`` and ``geometric_mean`` first.
    Takes `summarize`'s keyword options except ``by``.

    Example:
        >>> from datetime import datetime, timedelta, timezone
        >>> from incidentkit import Incident, metrics
        >>> t0 = datetime(2024, 6, 1, 14, 0, tzinfo=timezone.utc)
        >>> inc = Incident.declare("Checkout down", severity="P1", declared_by="ana",
        ...                        at=t0 + timedelta(minutes=6), started_at=t0)
        >>> inc = inc.mitigate(at=t0 + timedelta(minutes=41), how="rolled back")
        >>> s = metrics.mttr([inc])
        >>> s.n, str(s.median), s.span.name
        (1, '0:41:00', 'time to restore')
    """
    return _ungrouped(incidents, TIME_TO_RESTORE, options)
