"""The hand-written SVG charts: the duration distribution and the trend."""

from __future__ import annotations

import datetime as dt
import itertools
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator, Mapping
from types import MappingProxyType

import pytest

from incidentkit import Incident, Severity, metrics
from incidentkit.errors import ValidationError
from incidentkit.render import distribution_svg, trend_svg


SVG = "{http://www.w3.org/2000/svg}"
T0 = dt.datetime(2024, 1, 10, tzinfo=dt.timezone.utc)
M = dt.timedelta(minutes=1)
HOSTILE = "<script>alert(\"x\")</script> & 'quote'"


def parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg)  # noqa: S314 - our own output
    assert root.tag == f"{SVG}svg"
    return root


def of_class(root: ET.Element, cls: str) -> list[ET.Element]:
    return [e for e in root.iter() if e.get("class") == cls]


def texts(root: ET.Element, cls: str) -> list[str]:
    return [e.text or "" for e in of_class(root, cls)]


def check_frame(svg: str, title: str) -> ET.Element:
    root = parse(svg)
    width, height = root.get("width"), root.get("height")
    assert width is not None and height is not None
    assert float(width) > 0 and float(height) > 0
    assert root.get("viewBox") == f"0 0 {width} {height}"
    assert root.get("role") == "img"
    assert (root.get("aria-label") or "").startswith(title)
    assert root.get("fill") == "currentColor"
    assert root.find(f"{SVG}title") is not None
    assert "<script" not in svg and "javascript:" not in svg
    return root


def test_one_path_per_group_with_its_colour_and_legend() -> None:
    svg = distribution_svg(
        {
            "P1": [5 * M, 30 * M, 90 * M],
            "P2": [2 * M, 4 * M],
            "P3": [40 * M],
        }
    )
    root = check_frame(svg, "Duration distribution")
    groups = of_class(root, "group")
    assert [g.get("stroke") for g in groups] == ["#d62728", "#ff7f0e", "#1f77b4"]
    assert len(of_class(root, "ecdf")) == 3
    assert len(of_class(root, "median")) == 3
    assert len(of_class(root, "p90")) == 3
    legend = [t.text for t in root.iter(f"{SVG}text")]
    # Quantiles interpolate linearly: P1's p90 is 30m + 0.8 * 60m = 78m; P2's is
    # 3m48s, shown to the minute from one minute up as the report does.
    assert "P1: n 3, median 30m, p90 1h18m" in legend
    assert "P2: n 2, median 3m, p90 4m" in legend
    assert "P3: n 1, median 40m, p90 40m" in legend


def test_the_time_ticks_are_the_round_durations_that_hold_the_data() -> None:
    root = parse(distribution_svg({"P1": [5 * M, 30 * M, 90 * M]}))
    assert ["1m", "10m", "1h", "8h"] == texts(root, "x-tick")
    assert ["0%", "50%", "90%", "100%"] == texts(root, "y-tick")


def test_a_huge_range_from_a_second_to_a_hundred_days() -> None:
    root = parse(
        distribution_svg({"P2": [dt.timedelta(seconds=1), dt.timedelta(days=100)]})
    )
    expected = ["1s", "10s", "1m", "10m", "1h", "8h", "1d", "1w", "30d", "1y"]
    assert expected == texts(root, "x-tick")
    xs = [float(e.get("x") or "nan") for e in of_class(root, "x-tick")]
    assert xs == sorted(xs) and len(set(xs)) == len(xs)
    assert 56 == xs[0] and 704 == xs[-1]  # the plot's left and right edges


def test_all_durations_equal_and_one_incident() -> None:
    same = parse(distribution_svg({"P3": [dt.timedelta(hours=1)] * 5}))
    # One value on a tick: the axis reaches the decades either side of it.
    assert ["10m", "1h", "8h"] == texts(same, "x-tick")
    (median,) = of_class(same, "median")
    (hour,) = (e for e in of_class(same, "x-tick") if e.text == "1h")
    assert median.get("cx") == hour.get("x")
    one = parse(distribution_svg({"P1": [17 * M]}))
    assert ["10m", "1h"] == texts(one, "x-tick")
    assert 1 == len(of_class(one, "ecdf"))


def test_an_empty_group_is_in_the_legend_but_draws_nothing() -> None:
    root = parse(distribution_svg({"P1": [], "P2": [10 * M, 20 * M]}))
    assert 1 == len(of_class(root, "ecdf"))
    assert "P1: no durations" in [t.text for t in root.iter(f"{SVG}text")]


def test_zero_and_negative_durations_are_left_out_like_the_metrics() -> None:
    root = parse(distribution_svg({"P2": [dt.timedelta(0), -M, 10 * M]}))
    assert "P2: n 1, median 10m, p90 10m" in [t.text for t in root.iter(f"{SVG}text")]


@pytest.mark.parametrize("durations", [{}, {"P1": []}, {"P1": [dt.timedelta(0)]}])
def test_nothing_to_draw_says_so(durations: dict[str, list[dt.timedelta]]) -> None:
    svg = distribution_svg(durations)
    root = check_frame(svg, "Duration distribution")
    assert [] == of_class(root, "ecdf")
    assert "no durations to show" in svg


def test_other_groups_take_the_palette_and_hostile_names_are_escaped() -> None:
    svg = distribution_svg({HOSTILE: [M], "web": [2 * M]}, title=HOSTILE)
    root = check_frame(svg, "<script>")  # the parsed, unescaped text
    assert [g.get("stroke") for g in of_class(root, "group")] == [
        "#2ca02c",
        "#9467bd",
    ]
    assert "<script>" not in svg
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;quote" in svg


def test_the_ecdf_path_has_at_most_one_step_per_half_pixel() -> None:
    many = [dt.timedelta(seconds=60 + i) for i in range(20_000)]
    root = parse(distribution_svg({"P3": many}))
    (path,) = of_class(root, "ecdf")
    assert (path.get("d") or "").count("V") <= 2 * 648 + 1


@pytest.mark.parametrize(
    ("bad", "field"),
    [([M], "durations"), ({"P1": [1.5]}, "durations['P1']")],
)
def test_bad_input_is_one_clear_error(bad: object, field: str) -> None:
    with pytest.raises(ValidationError, match=re.escape(field)):
        distribution_svg(bad)  # type: ignore[arg-type]


def incident(at: dt.datetime, minutes: float | None) -> Incident:
    inc = Incident.declare(
        "Down", severity="P2", declared_by="ana", at=at, started_at=at
    )
    if minutes is not None:
        inc = inc.mitigate(at=at + minutes * M, how="restart")
    return inc


def quarters() -> Mapping[object, metrics.DurationSummary]:
    history = [
        incident(T0, 30),
        incident(T0 + dt.timedelta(days=1), 90),
        incident(T0 + dt.timedelta(days=2), 60),
        # 2024-Q2 has one incident, still open: a bar, no median.
        incident(T0 + dt.timedelta(days=100), None),
        incident(T0 + dt.timedelta(days=200), 45),
        incident(T0 + dt.timedelta(days=201), 51),
    ]
    return metrics.summarize(history, metrics.TIME_TO_RESTORE, by="quarter")


def test_the_trend_has_a_bar_per_period_and_a_median_per_measured_one() -> None:
    svg = trend_svg(quarters())
    root = check_frame(svg, "Median per period")
    assert ["2024-Q1", "2024-Q2", "2024-Q3"] == texts(root, "period")
    bars = of_class(root, "bar")
    assert [b.findtext(f"{SVG}title") for b in bars] == [
        "2024-Q1: 3 incidents",
        "2024-Q2: 1 incidents",
        "2024-Q3: 2 incidents",
    ]
    heights = [float(b.get("height") or "nan") for b in bars]
    assert heights[0] == 80 and heights[1] == pytest.approx(80 / 3, abs=0.1)
    points = [p.findtext(f"{SVG}title") for p in of_class(root, "point")]
    assert points == ["2024-Q1: median 1h (n 3)", "2024-Q3: median 48m (n 2)"]
    # The open quarter breaks the median line and the band in two.
    assert 2 == len(of_class(root, "median"))
    assert 2 == len(of_class(root, "band"))
    assert ["10m", "1h", "8h"] == texts(root, "y-tick")
    assert ["0", "1", "2", "3"] == texts(root, "count-tick")


def test_the_trend_takes_any_mapping_with_string_keys() -> None:
    by_label = {str(k): s for k, s in quarters().items()}

    class Plain(Mapping[object, metrics.DurationSummary]):
        def __getitem__(self, key: object) -> metrics.DurationSummary:
            return by_label[str(key)]

        def __iter__(self) -> Iterator[object]:
            return iter(by_label)

        def __len__(self) -> int:
            return len(by_label)

    for summaries in (MappingProxyType(by_label), Plain()):
        root = parse(trend_svg(summaries))
        assert 3 == len(of_class(root, "bar"))


def test_period_labels_never_overlap_even_pushed_in_from_the_edge() -> None:
    empty = metrics.summarize([], by="severity")[Severity.P1]
    summaries = {f"{2010 + q // 4}-Q{q % 4 + 1}": empty for q in range(56)}

    root = parse(trend_svg(summaries))

    labels = of_class(root, "period")
    spans = sorted(
        (
            float(t.get("x", "0")) - len(t.text or "") * 3.5,
            float(t.get("x", "0")) + len(t.text or "") * 3.5,
        )
        for t in labels
    )
    assert 2 < len(labels) < 56
    # At least a character (7 px of the 12 px font) between two labels.
    assert all(a[1] + 7 <= b[0] for a, b in itertools.pairwise(spans))
    assert all(0 <= a and b <= 720 for a, b in spans)


def test_zero_periods_and_undated_incidents() -> None:
    assert "no periods to show" in trend_svg({})
    undated = metrics.summarize([], metrics.TIME_TO_RESTORE)
    svg = trend_svg({None: undated})
    check_frame(svg, "Median per period")
    assert "no periods to show" in svg


def test_one_period_alone_still_has_its_band() -> None:
    one = {"2024-Q1": next(iter(quarters().values()))}
    root = parse(trend_svg(one))
    (band,) = of_class(root, "band")
    assert 4 == len((band.get("points") or "").split())
    assert 1 == len(of_class(root, "bar"))


def test_a_period_with_no_duration_at_all() -> None:
    open_only = metrics.summarize(
        [incident(T0, None)], metrics.TIME_TO_RESTORE, by="quarter"
    )
    svg = trend_svg(open_only)
    root = parse(svg)
    assert [] == of_class(root, "point")
    assert 1 == len(of_class(root, "bar"))
    assert "no durations" in svg


def test_many_periods_thin_their_labels_and_hostile_labels_are_escaped() -> None:
    summary = next(iter(quarters().values()))
    many = {f"{HOSTILE}{i}": summary for i in range(60)}
    svg = trend_svg(many, title=HOSTILE)
    root = parse(svg)
    assert 60 == len(of_class(root, "bar"))
    labels = of_class(root, "period")
    assert 1 <= len(labels) < 60
    xs = [float(e.get("x") or "nan") for e in labels]
    assert all(0 < x < 720 for x in xs)
    assert "<script>" not in svg


def test_trend_bad_input() -> None:
    with pytest.raises(ValidationError, match="summaries"):
        trend_svg([1, 2])  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match=re.escape("summaries['2024-Q1']")):
        trend_svg({"2024-Q1": 3})  # type: ignore[dict-item]


def test_any_grouping_can_be_drawn_with_its_labels() -> None:
    history = [incident(T0, 30), incident(T0, 90)]
    by = metrics.summarize(history, metrics.TIME_TO_RESTORE, by="severity")
    root = parse(trend_svg(by))
    # Severities have a label of their own, as periods do.
    assert ["P1 (critical)", "P2 (high)", "P3 (low)"] == texts(root, "period")
