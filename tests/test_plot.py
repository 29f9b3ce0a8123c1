"""incidentkit.plot: what each plot draws, on matplotlib's Agg backend."""

from __future__ import annotations

import datetime as dt
import math
import subprocess
import sys
from collections.abc import Iterator, Mapping

import matplotlib as mpl


mpl.use("Agg")

import attrs
import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib import dates
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.collections import PolyCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle

from incidentkit import (
    Audience,
    Incident,
    Role,
    Severity,
    Status,
    ValidationError,
    metrics,
    plot,
)
from incidentkit.metrics import DurationSummary, Period
from incidentkit.signals import Decision, GoldenSignals, SignalState, WindowValue
from incidentkit.spans import TIME_TO_DETECT, IncidentRecord


UTC = dt.timezone.utc
T0 = dt.datetime(2024, 1, 10, tzinfo=UTC)
MIN = dt.timedelta(minutes=1)


def restored(
    minutes: float,
    *,
    day: int = 0,
    severity: str = "P3",
    service: str | None = None,
    month: int = 1,
) -> IncidentRecord:
    start = T0.replace(month=month) + dt.timedelta(days=day)
    return IncidentRecord(
        id=f"{severity}-{month}-{day}-{minutes}",
        title="outage",
        severity=Severity(severity),
        status=Status.MONITORING,
        service=service,
        started_at=start,
        declared_at=start,
        mitigated_at=start + minutes * MIN,
    )


def sample() -> list[IncidentRecord]:
    """P1: 10m, 30m; P2: nothing usable; P3: 1m, 5m, 1h, plus a zero."""
    zero = restored(0, day=9, severity="P2")
    no_start = IncidentRecord(
        id="nostart",
        title="outage",
        severity=Severity.P3,
        status=Status.MONITORING,
        declared_at=T0,
        mitigated_at=T0 + MIN,
    )
    return [
        restored(10, day=1, severity="P1"),
        restored(30, day=2, severity="P1"),
        restored(1, day=3),
        restored(5, day=4),
        restored(60, day=5),
        zero,
        no_start,
    ]


def legend_texts(ax: Axes) -> list[str]:
    legend = ax.get_legend()
    assert legend is not None
    return [t.get_text() for t in legend.get_texts()]


def lines(ax: Axes, label: str) -> list[Line2D]:
    return [line for line in ax.get_lines() if line.get_label() == label]


def xs(line: Line2D) -> list[float]:
    return [float(v) for v in np.asarray(line.get_xdata(), dtype=float)]


def ys(line: Line2D) -> list[float]:
    return [float(v) for v in np.asarray(line.get_ydata(), dtype=float)]


def name(artist: Artist) -> str:
    return str(artist.get_label())


@pytest.fixture(autouse=True)
def close_figures() -> Iterator[None]:
    yield
    plt.close("all")


# -- the module and its optional dependency -----------------------------------------


def test_importing_the_module_does_not_import_matplotlib():
    code = (
        "import incidentkit, incidentkit.plot, sys; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'matplotlib'))"
    )
    out = subprocess.run(  # noqa: S603 - our own interpreter
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "[]"


def test_a_new_figure_is_a_pyplot_figure_so_notebooks_show_it():
    code = """
import datetime as dt, sys
from incidentkit import Severity, Status, plot
from incidentkit.spans import IncidentRecord
t = dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc)
r = IncidentRecord(id="a", title="a", severity=Severity.P2, status=Status.MONITORING,
                   started_at=t, mitigated_at=t + dt.timedelta(hours=1))
ax = plot.durations([r])
import matplotlib.pyplot as plt
print(plt.get_fignums(), ax.figure is plt.gcf(), type(ax.figure).__name__)
"""
    out = subprocess.run(  # noqa: S603 - our own interpreter
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )
    assert out.stderr == ""
    assert out.stdout.strip() == "[1] True Figure"


def _calls() -> dict[str, object]:
    return {
        "durations": lambda: plot.durations(sample()),
        "trend": lambda: plot.trend(metrics.summarize(sample(), by="month")),
        "incident_timeline": lambda: plot.incident_timeline(checkout()),
        "decisions": lambda: plot.decisions(hand_made_decisions()),
    }


@pytest.mark.parametrize(
    "name", ["durations", "trend", "incident_timeline", "decisions"]
)
def test_missing_matplotlib_names_the_extra(monkeypatch, name):
    call = _calls()[name]
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    with pytest.raises(ImportError, match=r"pip install 'incidentkit\[plot\]'"):
        call()  # type: ignore[operator]


@pytest.mark.parametrize(
    "name", ["durations", "trend", "incident_timeline", "decisions"]
)
def test_each_plot_draws_on_the_axes_given_and_saves_a_png(name, tmp_path):
    figure = Figure()
    ax = figure.add_subplot()
    call = {
        "durations": lambda: plot.durations(sample(), ax=ax),
        "trend": lambda: plot.trend(metrics.summarize(sample(), by="month"), ax=ax),
        "incident_timeline": lambda: plot.incident_timeline(checkout(), ax=ax),
        "decisions": lambda: plot.decisions(hand_made_decisions(), ax=ax),
    }[name]
    assert call() is ax
    assert ax.get_lines()
    assert plt.get_fignums() == []  # the caller's figure only: nothing in pyplot
    target = tmp_path / f"{name}.png"
    figure.savefig(target)
    assert target.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert target.stat().st_size > 1000


@pytest.mark.parametrize(
    "name", ["durations", "trend", "incident_timeline", "decisions"]
)
def test_without_ax_each_plot_makes_its_own_figure(name):
    ax = _calls()[name]()  # type: ignore[operator]
    assert isinstance(ax, Axes)
    assert type(ax.figure) is Figure
    assert ax.figure.axes[0] is ax
    assert plt.get_fignums() == [ax.figure.number]  # one new pyplot figure


@pytest.mark.parametrize("bad", ["axes", 3, plt])
@pytest.mark.parametrize(
    "name", ["durations", "trend", "incident_timeline", "decisions"]
)
def test_an_ax_that_is_not_an_axes_is_refused(name, bad):
    call = {
        "durations": lambda: plot.durations(sample(), ax=bad),
        "trend": lambda: plot.trend(metrics.summarize(sample(), by="month"), ax=bad),
        "incident_timeline": lambda: plot.incident_timeline(checkout(), ax=bad),
        "decisions": lambda: plot.decisions(hand_made_decisions(), ax=bad),
    }[name]
    with pytest.raises(ValidationError, match=r"^'ax' must be a matplotlib Axes") as e:
        call()
    assert e.value.field == "ax"


# -- durations ----------------------------------------------------------------------


def test_durations_draws_one_ecdf_per_severity_with_the_summary_numbers():
    ax = plot.durations(sample())
    assert ax.get_xscale() == "log"
    # P1: median of 10m and 30m is 20m, p90 10 + 0.9 * 20 = 28m; P3 (1m, 5m, 60m):
    # median 5m, p90 at position 1.8: 5 + 0.8 * 55 = 49m.
    assert legend_texts(ax) == [
        "P1 (n 2): median 20m, p90 28m",
        "P2: no durations",
        "P3 (n 3): median 5m, p90 49m",
    ]
    curves = [line for line in ax.get_lines() if not name(line).startswith("_")]
    assert [c.get_color() for c in curves] == ["#d62728", "#ff7f0e", "#1f77b4"]
    p1, p2, p3 = curves
    assert sorted(set(xs(p1))) == [600.0, 1800.0]
    assert len(xs(p2)) == 0
    assert sorted(set(xs(p3))) == [60.0, 300.0, 3600.0]
    medians = lines(ax, "_median")
    assert [(xs(m), ys(m)) for m in medians] == [
        ([1200.0], [0.5]),
        ([300.0], [0.5]),
    ]
    p90s = lines(ax, "_p90")
    assert [xs(m) for m in p90s] == [[1680.0], [2940.0]]
    assert [m.get_color() for m in medians + p90s] == ["#d62728", "#1f77b4"] * 2


def test_durations_labels_the_axes_and_ticks_in_human_durations():
    ax = plot.durations(sample())
    # Data from 1m to 1h: the round durations inside, and one either side.
    assert [t.get_text() for t in ax.get_xticklabels()] == [
        "10s",
        "1m",
        "10m",
        "1h",
        "8h",
    ]
    assert list(ax.get_xticks()) == [10, 60, 600, 3600, 8 * 3600]
    # What could not be measured is said under the axis label.
    assert ax.get_xlabel() == (
        "time to restore (started_at → mitigated_at)\n"
        "5 of 7 incidents measured; "
        "2 without a duration (1 zero, 1 missing a milestone)"
    )
    assert ax.get_ylabel() == "share of incidents with time to restore ≤ x"


def test_durations_in_one_curve_with_another_span():
    incidents = [
        Incident.declare(
            "x",
            severity="P2",
            declared_by="ana",
            at=T0 + m * MIN,
            started_at=T0,
            id=f"x{m}",
        )
        for m in (2, 4, 6)
    ]
    ax = plot.durations(incidents, TIME_TO_DETECT, by=None)
    # declare() without detected_at detects at the declaration: 2m, 4m, 6m.
    assert legend_texts(ax) == ["all (n 3): median 4m, p90 5m36s"]
    assert ax.get_xlabel() == (
        "time to detect (started_at → detected_at)\n3 of 3 incidents measured"
    )


def test_durations_by_none_is_one_curve_of_every_incident():
    ax = plot.durations(sample(), by=None)
    # 1m, 5m, 10m, 30m, 60m: median 10m, p90 at position 3.6: 30 + 0.6 * 30 = 48m.
    assert legend_texts(ax) == ["all (n 5): median 10m, p90 48m"]
    assert len(lines(ax, "_median")) == 1


def test_durations_by_service_colours_groups_apart_and_takes_generators():
    records = [restored(5, day=1, service="api"), restored(50, day=2, service="web")]
    ax = plot.durations((r for r in records), by="service")
    assert legend_texts(ax) == [
        "api (n 1): median 5m, p90 5m",
        "web (n 1): median 50m, p90 50m",
    ]
    curves = [line for line in ax.get_lines() if not name(line).startswith("_")]
    assert [c.get_color() for c in curves] == ["#2ca02c", "#9467bd"]


def test_durations_by_month_matches_summarize():
    records = [restored(5, month=1), restored(7, month=3)]
    ax = plot.durations(records, by="month")
    assert legend_texts(ax) == [
        "2024-01 (n 1): median 5m, p90 5m",
        "2024-02: no durations",
        "2024-03 (n 1): median 7m, p90 7m",
    ]


def test_durations_of_the_github_history():
    from incidentkit import datasets

    incidents, _ = datasets.github_status()
    ax = plot.durations(incidents)
    assert legend_texts(ax) == [
        "P1 (n 2): median 30m16s, p90 41m21s",
        "P2 (n 56): median 1h11m, p90 5h7m",
        "P3 (n 372): median 1h4m40s, p90 3h45m11s",
    ]
    assert ax.get_xlabel().endswith(
        "\n430 of 1,282 incidents measured; 852 without a duration "
        "(836 zero, 16 missing a milestone)"
    )


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"incidents": []}, "incidents"),
        ({"incidents": "P1"}, "incidents"),
        ({"incidents": 3}, "incidents"),
        ({"span": "restore"}, "span"),
        ({"by": "colour"}, "by"),
    ],
)
def test_durations_refuses_bad_arguments(kwargs, field):
    arguments = {"incidents": sample(), **kwargs}
    with pytest.raises(ValidationError) as e:
        plot.durations(**arguments)
    assert e.value.field == field
    assert str(e.value).startswith(f"{field!r} must be")


# -- trend --------------------------------------------------------------------------


def by_month() -> Mapping[Period, DurationSummary]:
    """January: 10m, 20m, 30m; February: none; March: one zero, one 40m."""
    records = [
        restored(10, month=1, day=1),
        restored(20, month=1, day=2),
        restored(30, month=1, day=3),
        restored(0, month=3, day=1),
        restored(40, month=3, day=2),
    ]
    return metrics.summarize(records, by="month")


def twin(ax: Axes) -> Axes:
    others = [a for a in ax.figure.axes if a is not ax]
    assert len(others) == 1
    return others[0]


def test_trend_draws_the_median_its_band_and_the_counts_per_period():
    summaries = by_month()
    ax = plot.trend(summaries)
    assert [t.get_text() for t in ax.get_xticklabels()] == [
        "2024-01",
        "2024-02",
        "2024-03",
    ]
    (median,) = lines(ax, "median time to restore")
    values = ys(median)
    assert values[0] == 1200.0 and math.isnan(values[1]) and values[2] == 2400.0
    bands = [c for c in ax.collections if isinstance(c, PolyCollection)]
    assert len(bands) == 1
    assert bands[0].get_label() == "95% interval of the median"
    counts = twin(ax)
    total, measured = counts.containers
    assert [b.get_height() for b in total] == [3, 0, 2]
    assert [b.get_height() for b in measured] == [3, 0, 1]
    assert counts.get_ylabel() == "incidents"
    assert ax.get_yscale() == "log"
    assert ax.get_title() == "time to restore by period"
    assert legend_texts(ax) == [
        "median time to restore",
        "95% interval of the median",
        "incidents",
        "with a time to restore",
    ]


def test_trend_band_follows_median_ci():
    summaries = by_month()
    january = next(iter(summaries.values()))
    assert january.median_ci is not None
    ax = plot.trend(summaries)
    (band,) = [c for c in ax.collections if isinstance(c, PolyCollection)]
    edge = np.asarray(band.get_paths()[0].vertices, dtype=float)[:, 1]
    low, high = (v.total_seconds() for v in january.median_ci)
    assert min(edge) == pytest.approx(low) and max(edge) == pytest.approx(high)


class Periods(Mapping[Period, DurationSummary]):
    """A Mapping that is not a dict, as another helper may return."""

    def __init__(self, inner: Mapping[Period, DurationSummary]) -> None:
        self.inner = dict(inner)

    def __getitem__(self, key: Period) -> DurationSummary:
        return self.inner[key]

    def __iter__(self) -> Iterator[Period]:
        return iter(self.inner)

    def __len__(self) -> int:
        return len(self.inner)


def test_trend_takes_any_mapping_and_puts_the_verdict_in_the_title():
    before = [restored(m, month=1, day=d) for d, m in enumerate([60, 120] * 3)]
    after = [restored(m, month=3, day=d) for d, m in enumerate([30, 60] * 3)]
    comparison = metrics.compare_periods(before, after)
    assert comparison.ratio == pytest.approx(0.5)
    ax = plot.trend(
        Periods(metrics.summarize(before + after, by="month")), comparison=comparison
    )
    # Log durations differ by ln 2, each side's variance is (ln 2)^2 / 4 * 6 / 5,
    # Welch's df is 10 (t = 2.228): 0.5 * exp(±2.228 * 0.2192) = 0.31 to 0.81.
    assert ax.get_title() == (
        "time to restore: improved (after/before 0.50, 95% CI 0.31-0.81, n 6 vs 6)"
    )
    assert len(twin(ax).containers[0]) == 3


def test_trend_title_says_not_distinguishable():
    before = [restored(m, month=1, day=d) for d, m in enumerate([30, 45, 60, 90])]
    after = [restored(m, month=2, day=d) for d, m in enumerate([25, 50, 70, 80])]
    comparison = metrics.compare_periods(before, after)
    ax = plot.trend(
        metrics.summarize(before + after, by="month"), comparison=comparison
    )
    assert ax.get_title().startswith(
        "time to restore: not distinguishable (after/before "
    )


def test_trend_of_weeks_labels_at_most_24_periods():
    records = [restored(10, day=d) for d in range(0, 350, 7)]
    ax = plot.trend(metrics.summarize(records, by="week"))
    labels = [t.get_text() for t in ax.get_xticklabels()]
    assert len(twin(ax).containers[0]) == 50
    assert labels[:2] == ["2024-W02", "2024-W05"]
    assert len(labels) == 17


@pytest.mark.parametrize(
    ("summaries", "comparison", "field"),
    [
        ({}, None, "summaries"),
        ([], None, "summaries"),
        ("2024", None, "summaries"),
        ("severity", None, "summaries"),
        ("mixed", None, "summaries"),
        ("month", "improved", "comparison"),
        ("month", "detect", "comparison"),
    ],
)
def test_trend_refuses_bad_arguments(summaries, comparison, field):
    if summaries == "severity":
        summaries = metrics.summarize(sample(), by="severity")
    elif summaries == "mixed":
        restore = by_month()
        detect = metrics.summarize([restored(5, month=3)], TIME_TO_DETECT, by="month")
        january, march = next(iter(restore)), next(iter(detect))
        summaries = {january: restore[january], march: detect[march]}
    elif summaries == "month":
        summaries = by_month()
    if comparison == "detect":
        comparison = metrics.compare_periods(sample(), sample(), TIME_TO_DETECT)
    with pytest.raises(ValidationError) as e:
        plot.trend(summaries, comparison=comparison)
    assert e.value.field == field


# -- incident_timeline --------------------------------------------------------------


def checkout() -> Incident:
    t0 = dt.datetime(2024, 6, 3, 9, 0, tzinfo=UTC)
    inc = Incident.declare(
        "Checkout down",
        severity="P1",
        declared_by="ana",
        at=t0 + 12 * MIN,
        detected_at=t0 + 9 * MIN,
        started_at=t0,
        id="inc-42",
    )
    inc = inc.acknowledge(at=t0 + 12 * MIN, by="ana")
    inc = inc.assign(Role.OPERATIONS_LEAD, "raj", at=t0 + 15 * MIN)
    for minutes in (18, 38, 58):
        inc = inc.post_update(Audience.PUBLIC, "Investigating", at=t0 + minutes * MIN)
    inc = inc.hand_off(Role.INCIDENT_COMMANDER, "lee", at=t0 + 45 * MIN)
    inc = inc.mitigate(at=t0 + 62 * MIN, how="rolled back", by="raj")
    return inc.resolve(at=t0 + 95 * MIN)


def num(minutes: float) -> float:
    return float(
        dates.date2num(dt.datetime(2024, 6, 3, 9, 0, tzinfo=UTC) + minutes * MIN)
    )


def test_timeline_rows_are_role_holders_then_status_updates():
    ax = plot.incident_timeline(checkout())
    assert [t.get_text() for t in ax.get_yticklabels()] == [
        "incident_commander: ana",
        "operations_lead: raj",
        "incident_commander: lee",
        "status updates",
    ]
    bars = [bar for container in ax.containers for bar in container]
    extents = [(b.get_x(), b.get_x() + b.get_width(), b.get_y()) for b in bars]
    # ana hands off at 45m; raj and lee still hold their roles: to the last event.
    ends = [v for start, end, _ in extents for v in (start, end)]
    assert ends == pytest.approx([num(12), num(45), num(15), num(95), num(45), num(95)])
    assert [round(y + 0.25) for _, _, y in extents] == [0, 1, 2]


def test_timeline_marks_milestones_updates_and_shaded_spans():
    ax = plot.incident_timeline(checkout())
    assert [t.get_text() for t in ax.texts] == [
        "started",
        "detected",
        "declared, acknowledged",
        "mitigated",
        "resolved",
    ]
    assert [xs(line)[0] for line in lines(ax, "_milestone")] == pytest.approx(
        [num(0), num(9), num(12), num(62), num(95)]
    )
    (updates,) = lines(ax, "status updates (3)")
    assert xs(updates) == pytest.approx([num(18), num(38), num(58)])
    assert ys(updates) == [3, 3, 3]
    spans = {name(p): p for p in ax.patches if name(p).startswith("time")}
    assert sorted(spans) == ["time to detect: 9m", "time to restore: 1h2m"]
    detect = spans["time to detect: 9m"].get_window_extent()
    restore = spans["time to restore: 1h2m"].get_window_extent()
    assert detect.x0 == pytest.approx(restore.x0)
    assert restore.width / detect.width == pytest.approx(62 / 9)
    assert legend_texts(ax) == [
        "status updates (3)",
        "time to detect: 9m",
        "time to restore: 1h2m",
        "role held",
        "role still held",
    ]
    assert ax.get_title() == "inc-42: Checkout down (P1)"
    assert ax.get_xlabel() == "time (UTC)"


def test_thresholds_with_the_same_values_are_one_line_named_once_each():
    twice = [
        attrs.evolve(d, thresholds={"lower 1d": 10.0, "lower": 10.0, "upper": 30.0})
        for d in hand_made_decisions()
    ]

    ax = plot.decisions(twice)

    assert ["lower 1d = lower: 10", "upper: 30"] == [
        name(line)
        for line in ax.get_lines()
        if name(line).startswith(("lower", "upper"))
    ]


def test_decisions_without_values_keep_their_own_time_range():
    empty = [attrs.evolve(d, windows=()) for d in hand_made_decisions()]

    ax = plot.decisions(empty)

    low, high = ax.get_xlim()
    times = [float(dates.date2num(d.evaluated_at)) for d in empty]
    assert low < min(times) and max(times) < high
    assert (high - low) * 24 * 60 < 10


def test_one_decision_is_shown_five_minutes_either_side():
    one = hand_made_decisions()[:1]

    ax = plot.decisions(one)  # no "AutoDateLocator was unable" warning either

    low, high = ax.get_xlim()
    assert (high - low) * 24 * 60 == pytest.approx(10)
    assert (low + high) / 2 == pytest.approx(float(dates.date2num(one[0].evaluated_at)))


def test_timeline_milestones_close_together_share_one_label():
    t0 = dt.datetime(2024, 6, 3, 9, 0, tzinfo=UTC)
    inc = Incident.declare(
        "x",
        severity="P2",
        declared_by="ana",
        at=t0 + 2 * MIN,
        detected_at=t0 + MIN,
        started_at=t0,
    )
    inc = inc.acknowledge(at=t0 + 3 * MIN)
    inc = inc.mitigate(at=t0 + 120 * MIN).resolve(at=t0 + 180 * MIN)

    ax = plot.incident_timeline(inc)

    # 198 minutes shown: labels within a fortieth (about 5 minutes) merge.
    assert [t.get_text() for t in ax.texts] == [
        "started, detected, declared, acknowledged",
        "mitigated",
        "resolved",
    ]
    assert len(lines(ax, "_milestone")) == 6


def test_an_open_incident_says_so_and_its_roles_run_to_the_edge():
    inc = Incident.declare("x", severity="P3", declared_by="ana", at=T0)

    ax = plot.incident_timeline(inc)

    assert ax.get_title().endswith("(P3, still open)")
    (bar,) = ax.patches  # the commander's bar (nothing to shade yet)
    assert isinstance(bar, Rectangle)
    assert bar.get_x() + bar.get_width() == pytest.approx(ax.get_xlim()[1])
    assert bar.get_width() > 0


def test_a_long_title_is_wrapped_on_two_lines_at_most():
    inc = Incident.declare(
        "word " * 40, severity="P2", declared_by="ana", at=T0, id="inc-1"
    )

    title = plot.incident_timeline(inc).get_title()

    assert title.count("\n") == 1
    assert all(len(line) <= 70 for line in title.splitlines())
    assert title.endswith(" ...")


def test_timeline_dates_are_in_utc_whatever_matplotlib_is_set_to():
    with mpl.rc_context({"timezone": "Asia/Kolkata"}):
        ax = plot.incident_timeline(checkout())
        ax.figure.canvas.draw()
        labels = [t.get_text() for t in ax.get_xticklabels()]
    assert labels[:3] == ["09:00", "09:15", "09:30"]


def test_timeline_of_an_incident_with_only_a_declaration():
    inc = Incident.declare("x", severity="P3", declared_by="ana", at=T0)
    ax = plot.incident_timeline(inc)
    assert [t.get_text() for t in ax.texts] == ["detected, declared"]
    assert not [p for p in ax.patches if name(p).startswith("time")]
    assert legend_texts(ax)[0] == "status updates (0)"
    # One instant: a window of a minute either side, so the bar has a place.
    low, high = ax.get_xlim()
    assert (high - low) * 24 * 60 == pytest.approx(2)


def test_timeline_refuses_what_is_not_an_incident():
    with pytest.raises(ValidationError) as e:
        plot.incident_timeline(restored(5))  # type: ignore[arg-type]
    assert e.value.field == "incident"
    assert str(e.value).startswith(
        "'incident' must be an Incident (got IncidentRecord("
    )


# -- decisions ----------------------------------------------------------------------


def at(minute: int) -> dt.datetime:
    return T0 + minute * MIN


def error_decision(
    minute: int, burn: float | None, state: SignalState, previous: SignalState
) -> Decision:
    windows = (
        WindowValue(
            "1h",
            dt.timedelta(hours=1),
            None if burn is None else burn / 1000,
            burn_rate=burn,
        ),
        WindowValue(
            "5m",
            dt.timedelta(minutes=5),
            None if burn is None else burn / 500,
            burn_rate=None if burn is None else 2 * burn,
        ),
    )
    return Decision(
        "errors",
        state,
        previous,
        at(minute),
        windows=windows,
        thresholds={"page": 14.4, "ticket": 6.0},
        objective="99.9% good over 30d",
    )


def hand_made_decisions() -> list[Decision]:
    ok, firing = SignalState.OK, SignalState.FIRING
    return [
        error_decision(2, 20.0, firing, ok),
        error_decision(0, 1.0, ok, SignalState.UNKNOWN),
        error_decision(1, 1.0, ok, ok),
        error_decision(3, None, SignalState.NO_DATA, firing),
    ]


def test_decisions_draw_burn_rates_thresholds_and_state_changes():
    ax = plot.decisions(hand_made_decisions())
    x = [float(dates.date2num(at(m))) for m in range(4)]
    (hour,) = lines(ax, "1h")
    (five,) = lines(ax, "5m")
    assert xs(hour) == pytest.approx(x)
    hour_y = ys(hour)
    assert hour_y[:3] == [1.0, 1.0, 20.0] and math.isnan(hour_y[3])
    assert ys(five)[:3] == [2.0, 2.0, 40.0]
    (page,) = lines(ax, "page: 14.4")
    (ticket,) = lines(ax, "ticket: 6")
    assert ys(page) == [14.4, 14.4]
    assert ys(ticket) == [6.0, 6.0]
    changes = lines(ax, "_state")
    assert [xs(c)[0] for c in changes] == pytest.approx([x[0], x[2], x[3]])
    assert [t.get_text() for t in ax.texts] == ["ok", "firing", "no_data"]
    assert ax.get_ylabel() == "burn rate (x budget)"
    assert ax.get_yscale() == "symlog"
    assert ax.get_title() == "errors: 99.9% good over 30d"
    assert legend_texts(ax) == ["1h", "5m", "page: 14.4", "ticket: 6"]


def latency(minute: int, p99: float, target: float) -> Decision:
    return Decision(
        "latency",
        SignalState.OK,
        SignalState.OK,
        at(minute),
        windows=(
            WindowValue("p99 ok", dt.timedelta(minutes=5), p99),
            WindowValue("slower than 1s", dt.timedelta(minutes=5), 0.02),
        ),
        thresholds={"p99": target},
        labels={"service": "api"},
    )


def test_decisions_without_burn_rates_draw_values_and_moving_thresholds():
    ax = plot.decisions([latency(0, 0.2, 1.0), latency(1, 0.4, 1.5)])
    (p99,) = lines(ax, "p99 ok")
    assert ys(p99) == [0.2, 0.4]
    (target,) = lines(ax, "p99")
    assert ys(target) == [1.0, 1.5]
    assert target.get_drawstyle() == "steps-post"
    assert ax.get_ylabel() == "seconds"
    assert ax.get_yscale() == "linear"
    assert ax.get_title() == "latency (service=api)"
    assert list(ax.texts) == []  # no change of state
    # The share slower than the promise is not in seconds: not on this axis.
    assert not lines(ax, "slower than 1s")


def test_decisions_of_golden_signals_as_the_docs_build_them():
    t0 = dt.datetime(2024, 6, 1, 12, 0, tzinfo=UTC)
    gs = GoldenSignals(service="checkout")
    errors = []
    for second in range(0, 600, 30):
        bad = 0 if second < 300 else 5
        gs.observe_counts(
            t0 + dt.timedelta(seconds=second), good=100 - bad, explicit=bad
        )
        errors.append(gs.evaluate(t0 + dt.timedelta(seconds=second)).errors)
    ax = plot.decisions(errors)
    labels = {w.label for d in errors for w in d.windows}
    assert {name(line) for line in ax.get_lines()} >= labels
    assert "page 14.4x over 1h and 5m: 14.4" in legend_texts(ax)
    assert "firing" in [t.get_text() for t in ax.texts]
    assert ax.get_title() == "errors (service=checkout): 99.9% good over 30d"


@pytest.mark.parametrize("bad", ["empty", "mixed", "services", "not", "text"])
def test_decisions_refuses_bad_arguments(bad):
    values: object = {
        "empty": [],
        "mixed": [latency(0, 0.2, 1.0), *hand_made_decisions()],
        "services": [
            latency(0, 0.2, 1.0),
            Decision(
                "latency",
                SignalState.OK,
                SignalState.OK,
                at(1),
                labels={"service": "web"},
            ),
        ],
        "not": [*hand_made_decisions(), "firing"],
        "text": "errors",
    }[bad]
    with pytest.raises(ValidationError) as e:
        plot.decisions(values)  # type: ignore[arg-type]
    assert e.value.field == "decisions"
    if bad in {"mixed", "services"}:
        assert "of one signal" in str(e.value)
