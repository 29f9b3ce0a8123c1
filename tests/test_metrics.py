"""incidentkit.metrics against independent computations written here with the stdlib."""

from __future__ import annotations

import datetime as dt
import math
import random
import statistics

import pytest
from hypothesis import given
from hypothesis import strategies as st

from incidentkit import Incident, Severity, Status, ValidationError, metrics
from incidentkit.metrics import Period, Verdict, _stats
from incidentkit.spans import (
    TIME_TO_DETECT,
    TIME_TO_RESOLVE,
    TIME_TO_RESTORE,
    IncidentRecord,
    Span,
    Unmeasured,
)

from .strategies import incidents as incident_values


UTC = dt.timezone.utc
T0 = dt.datetime(2024, 1, 1, tzinfo=UTC)
US = dt.timedelta(microseconds=1)


def restored(
    us: int,
    *,
    at: dt.datetime = T0,
    severity: Severity = Severity.P2,
    ident: str = "x",
    service: str | None = None,
    category: str | None = None,
) -> IncidentRecord:
    """A resolved record whose time to restore is *us* microseconds."""
    end = at + dt.timedelta(microseconds=us)
    return IncidentRecord(
        id=ident,
        title="t",
        severity=severity,
        status=Status.RESOLVED,
        service=service,
        category=category,
        started_at=at,
        declared_at=at,
        mitigated_at=end,
        resolved_at=end,
    )


# Declared an hour after a rollback had already restored service.
DECLARED_LATE = IncidentRecord(
    id="late",
    title="t",
    severity=Severity.P2,
    status=Status.RESOLVED,
    started_at=T0,
    mitigated_at=T0 + dt.timedelta(minutes=5),
    declared_at=T0 + dt.timedelta(minutes=65),
    resolved_at=T0 + dt.timedelta(minutes=70),
)
DECLARED_TO_MITIGATED = Span("declared_at", "mitigated_at")


def still_open(at: dt.datetime = T0, ident: str = "o") -> IncidentRecord:
    return IncidentRecord(
        id=ident,
        title="t",
        severity=Severity.P2,
        status=Status.INVESTIGATING,
        started_at=at,
        declared_at=at,
    )


def stdlib_quantile(values: list[float], q: float) -> float:
    """The linear rule, from statistics.quantiles(method="inclusive")."""
    if len(values) == 1:
        return values[0]
    cuts = statistics.quantiles(values, n=100, method="inclusive")
    return cuts[round(q * 100) - 1]


durations_us = st.lists(
    st.integers(min_value=1, max_value=40 * 86_400 * 10**6), min_size=1, max_size=60
)


@given(durations_us)
def test_summary_matches_the_standard_library(values: list[int]) -> None:
    records = [restored(v, ident=f"i{i}") for i, v in enumerate(values)]
    s = metrics.summarize(records, TIME_TO_RESTORE, resamples=50)
    seconds = [v / 1e6 for v in values]
    assert s.n == len(values)
    assert (s.missing, dict(s.invalid), s.open) == (0, {}, 0)
    assert s.median is not None and s.p90 is not None and s.p95 is not None
    assert s.geometric_mean is not None and s.mean is not None
    assert abs(s.median.total_seconds() - statistics.median(seconds)) <= 1e-6
    assert abs(s.p90.total_seconds() - stdlib_quantile(seconds, 0.9)) <= 2e-6
    assert abs(s.p95.total_seconds() - stdlib_quantile(seconds, 0.95)) <= 2e-6
    geo = statistics.geometric_mean(seconds)
    assert math.isclose(
        s.geometric_mean.total_seconds(), geo, rel_tol=1e-9, abs_tol=1e-6
    )
    assert abs(s.mean.total_seconds() - statistics.fmean(seconds)) <= 1e-6
    assert s.min == min(values) * US
    assert s.max == max(values) * US


def test_every_incident_is_counted_with_its_reason() -> None:
    no_start = IncidentRecord(
        id="n",
        title="t",
        severity=Severity.P3,
        status=Status.RESOLVED,
        declared_at=T0,
        mitigated_at=T0,
        resolved_at=T0,
    )
    records = [
        restored(60 * 10**6),
        restored(0, ident="zero"),
        DECLARED_LATE,
        still_open(),
        no_start,
    ]
    s = metrics.summarize(records, DECLARED_TO_MITIGATED)
    assert (s.n, s.missing, dict(s.invalid), s.open, s.total) == (
        1,
        0,
        {"negative": 1, "zero": 2},
        1,
        5,
    )
    assert s.median == dt.timedelta(minutes=1)
    restore = metrics.summarize(records, TIME_TO_RESTORE)
    assert (restore.n, restore.missing, dict(restore.invalid)) == (2, 1, {"zero": 1})
    assert s.median_ci is None  # one duration has no interval


def test_span_measure_names_the_reason() -> None:
    assert TIME_TO_RESTORE.measure(still_open()).reason is Unmeasured.OPEN
    assert TIME_TO_RESTORE.measure(still_open()).milestone == "mitigated_at"
    # Acknowledgement can never be "not yet": it is simply missing.
    m = metrics.TIME_TO_ACKNOWLEDGE.measure(still_open())
    assert (m.reason, m.milestone) == (Unmeasured.MISSING, "detected_at")
    assert TIME_TO_DETECT.measure(restored(5)).reason is Unmeasured.MISSING
    assert TIME_TO_RESTORE.measure(restored(0)).reason is Unmeasured.ZERO
    assert DECLARED_TO_MITIGATED.measure(DECLARED_LATE).reason is Unmeasured.NEGATIVE
    assert TIME_TO_RESTORE.measure(restored(7)).duration == 7 * US


def test_no_silent_fallback_to_the_declaration() -> None:
    inc = Incident.declare("x", severity="P2", declared_by="ana", at=T0)
    inc = inc.mitigate(at=T0 + dt.timedelta(hours=1), how="undo")
    s = metrics.summarize([inc], TIME_TO_RESTORE)
    assert (s.n, s.missing, s.median) == (0, 1, None)
    declared = metrics.summarize([inc], Span("declared_at", "mitigated_at"))
    assert declared.median == dt.timedelta(hours=1)


def test_bad_spans_are_refused_naming_the_field() -> None:
    with pytest.raises(ValidationError, match="start") as info:
        Span("begun_at", "resolved_at")
    assert info.value.field == "start"
    with pytest.raises(ValidationError, match="two different milestones"):
        Span("resolved_at", "resolved_at")
    with pytest.raises(ValidationError, match="span"):
        metrics.summarize([], "restore")  # type: ignore[call-overload]


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"by": "colour"}, "by"),
        ({"tz": "Mars/Olympus"}, "tz"),
        ({"ci": 1.5}, "ci"),
        ({"resamples": 0}, "resamples"),
        ({"seed": "x"}, "seed"),
        ({"seed": True}, "seed"),
        ({"censored": True}, "now"),
        ({"censored": "yes", "now": T0}, "censored"),
    ],
)
def test_bad_options_are_refused(kwargs: dict[str, object], field: str) -> None:
    with pytest.raises(ValidationError) as info:
        metrics.summarize([restored(5)], TIME_TO_RESTORE, **kwargs)  # type: ignore[call-overload]
    assert info.value.field == field


def test_by_severity_lists_every_level_most_severe_first() -> None:
    records = [restored(10, severity=Severity.P3), restored(20, severity=Severity.P1)]
    grouped = metrics.summarize(records, TIME_TO_RESTORE, by="severity")
    assert list(grouped) == [Severity.P1, Severity.P2, Severity.P3]
    assert [g.n for g in grouped.values()] == [1, 0, 1]
    assert grouped[Severity.P2].median is None


def test_by_service_sorts_names_and_puts_none_last() -> None:
    records = [
        restored(1, service="web"),
        restored(2, service=None),
        restored(3, service="api"),
        restored(4, service="web"),
    ]
    grouped = metrics.summarize(records, TIME_TO_RESTORE, by="service")
    assert list(grouped) == ["api", "web", None]
    assert [g.n for g in grouped.values()] == [1, 2, 1]


def test_by_any_function() -> None:
    records = [restored(1, ident="a"), restored(2, ident="b"), restored(3, ident="a")]
    grouped = metrics.summarize(records, TIME_TO_RESTORE, by=lambda r: r.id)
    assert {k: v.n for k, v in grouped.items()} == {"a": 2, "b": 1}


def test_months_are_cut_in_the_named_zone_with_empty_months_present() -> None:
    late_january = dt.datetime(2024, 1, 31, 23, 30, tzinfo=UTC)  # 00:30 in Berlin
    april = dt.datetime(2024, 4, 2, tzinfo=UTC)
    records = [restored(5, at=late_january), restored(6, at=april)]
    utc = metrics.summarize(records, TIME_TO_RESTORE, by="month")
    assert [str(p) for p in utc] == ["2024-01", "2024-02", "2024-03", "2024-04"]
    assert [s.n for s in utc.values()] == [1, 0, 0, 1]
    berlin = metrics.summarize(records, TIME_TO_RESTORE, by="month", tz="Europe/Berlin")
    assert [str(p) for p in berlin] == ["2024-02", "2024-03", "2024-04"]
    february = next(iter(berlin))
    assert february.start == dt.datetime(2024, 1, 31, 23, 0, tzinfo=UTC)
    assert february.end == dt.datetime(2024, 2, 29, 23, 0, tzinfo=UTC)


def test_calendar_labels() -> None:
    at = dt.datetime(2021, 1, 2, 12, tzinfo=UTC)  # a Saturday in ISO week 2020-W53
    labels = [str(Period.containing(at, unit)) for unit in metrics.CALENDAR]
    assert labels == ["2021", "2021-Q1", "2021-01", "2020-W53"]
    week = Period.containing(at, "week")
    assert week.start == dt.datetime(2020, 12, 28, tzinfo=UTC)
    assert week.end - week.start == dt.timedelta(days=7)
    assert at in week
    assert week.end not in week


def test_a_period_across_a_dst_change_keeps_local_midnights() -> None:
    march = Period.containing(
        dt.datetime(2024, 3, 15, tzinfo=UTC), "month", tz="America/New_York"
    )
    assert march.start == dt.datetime(2024, 3, 1, 5, tzinfo=UTC)
    assert march.end == dt.datetime(2024, 4, 1, 4, tzinfo=UTC)


def test_bootstrap_is_reproducible_and_contains_the_median() -> None:
    rng = random.Random(  # noqa: S311 - test data
        7
    )
    records = [
        restored(int(rng.lognormvariate(math.log(3.6e9), 1.2)) + 1, ident=str(i))
        for i in range(101)
    ]
    a = metrics.summarize(records, TIME_TO_RESTORE, seed=3)
    b = metrics.summarize(records, TIME_TO_RESTORE, seed=3)
    c = metrics.summarize(records, TIME_TO_RESTORE, seed=4)
    assert a.median_ci == b.median_ci
    assert a.median_ci != c.median_ci
    assert a.median_ci is not None and a.median is not None
    assert a.median_ci[0] <= a.median <= a.median_ci[1]
    wider = metrics.summarize(records, TIME_TO_RESTORE, seed=3, ci=0.99)
    assert wider.median_ci is not None
    assert wider.median_ci[0] <= a.median_ci[0] and a.median_ci[1] <= wider.median_ci[1]


@pytest.mark.parametrize("n", [1, 2, 9, 10, 51])
def test_bootstrap_medians_follow_the_exact_bootstrap_distribution(n: int) -> None:
    # For distinct sorted values and odd n, a resample's median is at most the
    # j-th value exactly when at least m = (n + 1) / 2 draws land at or below
    # it: P = P(Binomial(n, j / n) >= m).  For even n, compare the mean with a
    # brute-force bootstrap (draw and sort) instead.
    values = [10 * (i + 1) for i in range(n)]
    draws = 20_000
    medians = _stats.bootstrap_medians(values, draws, seed=1)
    if n % 2:
        m = (n + 1) // 2
        for j in range(1, n + 1):
            p = j / n
            exact = sum(
                math.comb(n, k) * p**k * (1 - p) ** (n - k) for k in range(m, n + 1)
            )
            observed = sum(x <= values[j - 1] for x in medians) / draws
            assert abs(observed - exact) < 0.015, (j, observed, exact)
    else:
        rng = random.Random(  # noqa: S311 - test data
            2
        )
        brute = [statistics.median(rng.choices(values, k=n)) for _ in range(draws)]
        assert (
            abs(statistics.fmean(medians) - statistics.fmean(brute)) < 0.02 * values[-1]
        )
        assert (
            abs(statistics.pstdev(medians) - statistics.pstdev(brute))
            < 0.03 * values[-1]
        )


def test_kaplan_meier_against_a_hand_worked_example() -> None:
    # Resolved after 1, 3, 5 and 6 hours; two still open, running 2 and 4 hours.
    # S(1) = 5/6; the one running 2h leaves the risk set; S(3) = 5/6 * 3/4 = 0.625;
    # the one running 4h leaves; S(5) = 0.625 * 1/2 = 0.3125 <= 1/2: median 5h.
    now = T0 + dt.timedelta(days=1)
    hour = 3_600 * 10**6
    records = [
        restored(h * hour, at=T0 + dt.timedelta(hours=i), ident=f"r{i}")
        for i, h in enumerate([1, 3, 5, 6])
    ]
    records += [
        still_open(at=now - dt.timedelta(hours=2), ident="o2"),
        still_open(at=now - dt.timedelta(hours=4), ident="o4"),
    ]
    s = metrics.summarize(records, TIME_TO_RESOLVE, censored=True, now=now)
    assert s.censored_median == dt.timedelta(hours=5)
    assert s.median == dt.timedelta(hours=4)  # the resolved ones alone look faster
    assert (s.n, s.open) == (4, 2)
    plain = metrics.summarize(records, TIME_TO_RESOLVE)
    assert plain.censored_median is None


def test_kaplan_meier_median_not_reached() -> None:
    now = T0 + dt.timedelta(days=10)
    records = [restored(5, ident="r")] + [
        still_open(at=now - dt.timedelta(days=i), ident=f"o{i}") for i in range(1, 4)
    ]
    s = metrics.summarize(records, TIME_TO_RESOLVE, censored=True, now=now)
    assert s.censored_median is None
    assert s.open == 3


@pytest.mark.parametrize(
    ("p", "df", "expected"),
    [
        (0.975, 1, 12.706204736174),
        (0.975, 10, 2.228138851986),
        (0.975, 30, 2.042272456301),
        (0.95, 5, 2.015048372669),
        (0.995, 3, 5.840909309733),
    ],
)
def test_t_quantiles_against_tables(p: float, df: float, expected: float) -> None:
    assert math.isclose(_stats.t_quantile(p, df), expected, rel_tol=1e-6)
    assert math.isclose(_stats.t_quantile(1 - p, df), -expected, rel_tol=1e-6)


def _lognormal(n: int, median_minutes: float, seed: int) -> list[int]:
    rng = random.Random(  # noqa: S311 - test data
        seed
    )
    return [
        max(1, int(rng.lognormvariate(math.log(median_minutes * 6e7), 1.25)))
        for _ in range(n)
    ]


def _records(values: list[int], day: int) -> list[IncidentRecord]:
    return [
        restored(v, at=T0 + dt.timedelta(days=day, minutes=i), ident=f"{day}-{i}")
        for i, v in enumerate(values)
    ]


def test_compare_periods_against_welch_by_hand() -> None:
    before = _lognormal(40, 60, 1)
    after = _lognormal(35, 45, 2)
    c = metrics.compare_periods(_records(before, 0), _records(after, 200))
    la = [math.log(v) for v in before]
    lb = [math.log(v) for v in after]
    va, vb = statistics.variance(la) / 40, statistics.variance(lb) / 35
    df = (va + vb) ** 2 / (va**2 / 39 + vb**2 / 34)
    t = _stats.t_quantile(0.975, df)
    diff = statistics.fmean(lb) - statistics.fmean(la)
    assert c.ratio is not None and c.ci is not None
    assert math.isclose(c.ratio, math.exp(diff), rel_tol=1e-12)
    assert math.isclose(c.ci[0], math.exp(diff - t * math.sqrt(va + vb)), rel_tol=1e-9)
    assert math.isclose(c.ci[1], math.exp(diff + t * math.sqrt(va + vb)), rel_tol=1e-9)
    assert (c.n_before, c.n_after) == (40, 35)
    # These samples' interval straddles 1 (checked by hand above): no verdict.
    assert c.ci[0] < 1 < c.ci[1]
    assert c.verdict is Verdict.NOT_DISTINGUISHABLE


def test_verdicts() -> None:
    slow = _records(_lognormal(400, 120, 3), 0)
    fast = _records(_lognormal(400, 30, 4), 300)
    same = _records(_lognormal(400, 120, 5), 600)
    assert metrics.compare_periods(slow, fast).verdict is Verdict.IMPROVED
    assert metrics.compare_periods(fast, slow).verdict is Verdict.WORSE
    c = metrics.compare_periods(slow, same)
    assert c.verdict is Verdict.NOT_DISTINGUISHABLE
    assert c.ci is not None and c.ci[0] < 1 < c.ci[1]
    assert "not distinguishable" in c.explain()


def test_durations_that_do_not_vary() -> None:
    same = [restored(60 * 10**6, ident=str(i)) for i in range(3)]
    c = metrics.compare_periods(same, same)
    assert (c.ratio, c.ci, c.verdict, c.detectable) == (
        1.0,
        (1.0, 1.0),
        Verdict.NOT_DISTINGUISHABLE,
        None,
    )
    slower = [restored(120 * 10**6, ident=str(i)) for i in range(3)]
    c = metrics.compare_periods(same, slower)
    assert c.ratio is not None and math.isclose(c.ratio, 2.0)
    assert c.verdict is Verdict.WORSE


def test_too_few_durations_cannot_be_distinguished() -> None:
    c = metrics.compare_periods([restored(5)], [restored(6), restored(7)])
    assert (c.ci, c.verdict, c.n_before, c.n_after) == (
        None,
        Verdict.NOT_DISTINGUISHABLE,
        1,
        2,
    )
    assert c.ratio is not None
    assert "too few durations" in c.explain()
    empty = metrics.compare_periods([], [])
    assert (empty.ratio, empty.geometric_mean_before) == (None, None)


@pytest.mark.parametrize(
    ("n", "power", "ratio"),
    [
        # Benninghoff's simulated power (Welch t on logs, sd_log 1.25, p < 0.05).
        (100, 0.976, 0.50),
        (100, 0.366, 0.75),
        (1000, 0.47, 0.90),
        (4000, 0.96, 0.90),
    ],
)
def test_detectable_change_reproduces_published_power(
    n: int, power: float, ratio: float
) -> None:
    assert abs(metrics.detectable_change(n, n, power=power) - ratio) < 0.01


def test_detectable_change_half_width_reproduces_davidovic_table_2() -> None:
    # Davidovic's Table 2 (plain durations, sd 316 min, 90 %): n=50 per group
    # gives +-1h44m.  The same closed form on any scale: 1.645 * s * sqrt(2/n).
    half = -math.log(
        metrics.detectable_change(50, 50, sd_log=316, level=0.9, power=0.5)
    )
    assert abs(half - 104) < 0.5


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"n_before": 1}, "n_before"),
        ({"n_after": 2.5}, "n_after"),
        ({"sd_log": 0}, "sd_log"),
        ({"sd_log": math.nan}, "sd_log"),
        ({"level": 1}, "level"),
        ({"power": True}, "power"),
    ],
)
def test_detectable_change_refuses(kwargs: dict[str, object], field: str) -> None:
    args: dict[str, object] = {"n_before": 10, "n_after": 10, **kwargs}
    with pytest.raises(ValidationError) as info:
        metrics.detectable_change(**args)  # type: ignore[arg-type]
    assert info.value.field == field


def brute_force_recurring(
    records: list[IncidentRecord], window: dt.timedelta
) -> set[str]:
    found = set()
    for a in records:
        if a.service is None or a.category is None:
            continue
        start_a = a.started_at or a.declared_at
        assert start_a is not None
        for b in records:
            if b is a or (b.service, b.category) != (a.service, a.category):
                continue
            start_b = b.started_at or b.declared_at
            assert start_b is not None
            earlier = (start_b, b.id) < (start_a, a.id)
            if earlier and b.resolved_at is not None:
                gap = start_a - b.resolved_at
                if dt.timedelta(0) <= gap <= window:
                    found.add(a.id)
    return found


@given(
    st.lists(
        st.tuples(
            st.integers(0, 120),  # start, in days
            st.integers(1, 20 * 24),  # duration, in hours
            st.sampled_from(["db", "web", None]),
            st.sampled_from(["leak", "config"]),
        ),
        max_size=30,
    ),
    st.integers(0, 40),
)
def test_recurrence_against_brute_force(
    rows: list[tuple[int, int, str | None, str]], window_days: int
) -> None:
    records = [
        restored(
            hours * 3_600 * 10**6,
            at=T0 + dt.timedelta(days=day),
            ident=f"i{i}",
            service=service,
            category=category,
        )
        for i, (day, hours, service, category) in enumerate(rows)
    ]
    window = dt.timedelta(days=window_days)
    r = metrics.recurrence(records, window=window)
    expected = brute_force_recurring(records, window)
    assert set(r.recurring_ids) == expected
    assert r.recurring == len(expected) == len(r.gaps)
    assert r.keyed + r.unkeyed == len(records)
    assert r.unkeyed == sum(1 for row in rows if row[2] is None)
    assert sum(g.incidents for g in r.groups) == r.keyed
    assert sum(g.recurrences for g in r.groups) == r.recurring
    assert list(r.gaps) == sorted(r.gaps)


def test_recurrence_with_a_custom_fingerprint_and_median_gap() -> None:
    day = 86_400 * 10**6
    records = [
        restored(day, at=T0, ident="a", service="db"),
        restored(day, at=T0 + dt.timedelta(days=3), ident="b", service="db"),
        restored(day, at=T0 + dt.timedelta(days=8), ident="c", service="db"),
        restored(day, at=T0 + dt.timedelta(days=9), ident="d", service="web"),
    ]
    default = metrics.recurrence(records)
    assert (default.keyed, default.unkeyed, default.rate) == (0, 4, None)
    r = metrics.recurrence(records, fingerprint=lambda x: x.service)
    assert r.recurring_ids == ("b", "c")
    assert r.gaps == (dt.timedelta(days=2), dt.timedelta(days=4))
    assert r.median_gap == dt.timedelta(days=3)
    assert r.rate == 0.5
    assert [(g.key, g.incidents, g.recurrences) for g in r.groups] == [
        ("db", 3, 2),
        ("web", 1, 0),
    ]
    assert metrics.recurrence([]).median_gap is None
    with pytest.raises(ValidationError, match="window"):
        metrics.recurrence(records, window=-dt.timedelta(days=1))
    with pytest.raises(ValidationError, match="fingerprint"):
        metrics.recurrence(records, fingerprint="service")  # type: ignore[arg-type]


def test_response_tiers_split_at_one_and_eight_hours() -> None:
    hour = 3_600 * 10**6
    records = [
        restored(hour - 1, ident="a"),
        restored(hour, ident="b"),
        restored(8 * hour - 1, ident="c"),
        restored(8 * hour, ident="d"),
        restored(0, ident="z"),
        still_open(),
    ]
    t = metrics.response_tiers(records)
    assert (t.under_1h, t.from_1h_to_8h, t.over_8h) == (1, 2, 1)
    assert (t.invalid, t.open, t.missing, t.measured) == (1, 1, 0, 4)
    assert dict(t.shares()) == {"under 1h": 0.25, "1h to 8h": 0.5, "8h or more": 0.25}
    assert dict(metrics.response_tiers([]).shares()) == {}


def test_downtime_cost() -> None:
    two_hours = restored(2 * 3_600 * 10**6)
    assert metrics.downtime_cost(two_hours, hourly_cost=1000) == 2000.0
    assert metrics.downtime_cost(two_hours, hourly_cost="automotive") == 4_600_000.0
    assert metrics.downtime_cost(two_hours, hourly_cost=100, impact_fraction=0.25) == 50
    assert metrics.downtime_cost(still_open(), hourly_cost=100) is None
    assert metrics.INDUSTRY_HOURLY_COST["consumer-goods"] == 36_000
    for kwargs, field in [
        ({"hourly_cost": "retail"}, "hourly_cost"),
        ({"hourly_cost": -1}, "hourly_cost"),
        ({"hourly_cost": math.inf}, "hourly_cost"),
        ({"hourly_cost": 1, "impact_fraction": 2}, "impact_fraction"),
        ({"hourly_cost": 1, "span": "restore"}, "span"),
    ]:
        with pytest.raises(ValidationError) as info:
            metrics.downtime_cost(two_hours, **kwargs)  # type: ignore[arg-type]
        assert info.value.field == field


def test_mttd_and_mttr_return_summaries() -> None:
    inc = Incident.declare(
        "x",
        severity="P1",
        declared_by="ana",
        at=T0 + dt.timedelta(minutes=5),
        started_at=T0,
    )
    inc = inc.mitigate(at=T0 + dt.timedelta(minutes=50), how="undo")
    assert metrics.mttd([inc]).median == dt.timedelta(minutes=5)
    assert metrics.mttr([inc]).median == dt.timedelta(minutes=50)
    assert metrics.mttr([inc]).span is TIME_TO_RESTORE
    with pytest.raises(ValidationError, match="summarize"):
        metrics.mttr([inc], by="severity")


@given(st.lists(incident_values(), max_size=8))
def test_incidents_and_their_records_summarise_alike(incs: list[Incident]) -> None:
    for span in metrics.NAMED_SPANS.values():
        full = metrics.summarize(incs, span, by="severity", resamples=20)
        light = metrics.summarize(
            [IncidentRecord.of(i) for i in incs], span, by="severity", resamples=20
        )
        assert full == light
        assert sum(summary.total for summary in full.values()) == len(incs)


def test_results_round_trip_with_tuple_fingerprints() -> None:
    from incidentkit import serialization

    records = [
        restored(
            5, at=T0 + dt.timedelta(days=d), ident=str(d), service="db", category="x"
        )
        for d in (0, 3)
    ]
    r = metrics.recurrence(records)
    assert r.groups[0].key == ("db", "x")
    assert serialization.loads(serialization.dumps(r), metrics.Recurrence) == r
    with pytest.raises(ValidationError, match="fingerprint"):
        serialization.from_dict(
            {
                "schema_version": 1,
                "key": {"a": 1},
                "incidents": 1,
                "recurrences": 0,
                "ids": [],
            },
            metrics.RecurrenceGroup,
        )


@pytest.mark.parametrize(
    "call",
    [
        metrics.summarize,
        lambda bad: metrics.summarize(bad, by="severity"),
        lambda bad: metrics.compare_periods(bad, [restored(5)]),
        metrics.recurrence,
        metrics.response_tiers,
    ],
    ids=["summarize", "grouped", "compare", "recurrence", "tiers"],
)
@pytest.mark.parametrize("bad", [5, "incidents", [restored(5), "x"], [{"id": 1}]])
def test_what_is_not_incidents_is_refused(call: object, bad: object) -> None:
    with pytest.raises(ValidationError, match="Incident or IncidentRecord") as info:
        call(bad)  # type: ignore[operator]
    assert info.value.field in ("incidents", "before")


def test_downtime_cost_of_something_else() -> None:
    with pytest.raises(ValidationError) as info:
        metrics.downtime_cost("x", hourly_cost=1)  # type: ignore[arg-type]
    assert info.value.field == "incident"


@pytest.mark.parametrize(
    ("ci", "problem"),
    [
        ([1], "$.ci: expected an array of 2 items (got [1])"),
        ([1, 2, 3], "$.ci: expected an array of 2 items (got [1, 2, 3])"),
        ("x", "$.ci: expected an array of 2 items (got 'x')"),
        ([1, "a"], "$.ci[1]: expected a number (got 'a')"),
    ],
)
def test_an_interval_on_the_wire_is_an_array_of_two(ci: object, problem: str) -> None:
    from incidentkit import serialization

    c = metrics.compare_periods(
        [restored(5, ident="a"), restored(9, ident="b")],
        [restored(6, ident="c"), restored(7, ident="d")],
    )
    document = serialization.to_dict(c)
    assert isinstance(document["ci"], list) and len(document["ci"]) == 2
    with pytest.raises(ValidationError) as info:
        serialization.from_dict({**document, "ci": ci}, metrics.Comparison)
    assert problem in str(info.value)


def test_now_must_follow_the_open_incidents_and_needs_censored() -> None:
    records = [restored(5), still_open(at=T0 + dt.timedelta(days=5))]
    with pytest.raises(ValidationError, match="after every open incident") as info:
        metrics.summarize(records, TIME_TO_RESOLVE, censored=True, now=T0)
    assert info.value.field == "now"
    with pytest.raises(ValidationError, match="only with censored=True") as info:
        metrics.summarize(records, TIME_TO_RESOLVE, now=T0)
    assert info.value.field == "now"


@pytest.mark.parametrize("function", [lambda _: 1 / 0, lambda i: [i.id]])
def test_a_failing_key_function_is_an_error_naming_it(function: object) -> None:
    with pytest.raises(ValidationError, match="the by= function failed") as info:
        metrics.summarize([restored(5)], by=function)  # type: ignore[call-overload]
    assert info.value.field == "by"
    with pytest.raises(ValidationError, match="fingerprint= function failed") as info:
        metrics.recurrence([restored(5)], fingerprint=function)  # type: ignore[arg-type]
    assert info.value.field == "fingerprint"


def test_recurrence_says_when_incidents_have_no_fingerprint() -> None:
    r = metrics.recurrence([restored(5, service="db")])
    (finding,) = r.findings
    assert (finding.code, finding.level.value) == ("unkeyed-incidents", "warning")
    assert "lambda i: i.service" in finding.message
    some = metrics.recurrence(
        [restored(5, ident="a", service="db", category="x"), restored(5, ident="b")]
    )
    assert [f.level.value for f in some.findings] == ["info"]
    keyed = metrics.recurrence([restored(5, service="db", category="x")])
    assert keyed.findings == ()


def test_a_naive_instant_is_refused_by_a_period() -> None:
    period = Period.containing(T0, "month")
    with pytest.raises(ValidationError, match="aware"):
        dt.datetime(2024, 1, 2) in period  # noqa: B015 - the test
    assert "2024-01-02" not in period
