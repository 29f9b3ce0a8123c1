import datetime as dt
import subprocess
import sys
from types import MappingProxyType

import pandas as pd
import pytest

from incidentkit import Incident, Severity, frames, metrics
from incidentkit.datasets import github_status
from incidentkit.errors import ValidationError
from incidentkit.incident import Status
from incidentkit.spans import IncidentRecord
from incidentkit.timeline import Timeline


UTC = dt.timezone.utc
PLUS2 = dt.timezone(dt.timedelta(hours=2))
T0 = dt.datetime(2024, 6, 1, 14, 0, tzinfo=UTC)
MIN = dt.timedelta(minutes=1)
# The dtype this pandas gives texts: object on pandas 2, "str" on pandas 3.
TEXT = "str" if int(pd.__version__.split(".")[0]) >= 3 else "object"

BASE_COLUMNS = [
    "id",
    "title",
    "severity",
    "status",
    "service",
    "category",
    "started_at",
    "detected_at",
    "declared_at",
    "acknowledged_at",
    "mitigated_at",
    "resolved_at",
    "closed_at",
    "time_to_detect",
    "time_to_acknowledge",
    "time_to_restore",
    "time_to_resolve",
]
BASE_DTYPES = [
    TEXT,
    TEXT,
    "category",
    TEXT,
    TEXT,
    TEXT,
    *["datetime64[us, UTC]"] * 7,
    *["timedelta64[us]"] * 4,
]


def closed() -> Incident:
    """Closed, every milestone given in UTC+2, labels team and region."""
    t = dt.datetime(2024, 6, 1, 16, 0, tzinfo=PLUS2)  # 14:00 UTC
    inc = Incident.declare(
        "Checkout down",
        severity="P1",
        declared_by="ana",
        at=t + 5 * MIN,
        started_at=t,
        detected_at=t + 3 * MIN,
        service="checkout",
        category="bad-deploy",
        labels={"team": "payments", "region": "eu"},
        id="inc-1",
    )
    inc = inc.acknowledge(at=t + 6 * MIN, by="raj")
    inc = inc.mitigate(at=t + 41 * MIN, how="rolled back")
    inc = inc.resolve(at=t + 90 * MIN)
    return inc.close(at=t + dt.timedelta(days=2))


def still_open() -> Incident:
    """Investigating, no known start, a label only it has."""
    return Incident.declare(
        "Search slow",
        severity="P3",
        declared_by="li",
        at=T0 + dt.timedelta(hours=1),
        labels={"customer": "acme"},
        id="inc-2",
    )


def zero_detect() -> IncidentRecord:
    """Resolved; detected the instant impact began; never acknowledged."""
    return IncidentRecord(
        id="inc-3",
        title="Auth errors",
        severity=Severity.P2,
        status=Status.RESOLVED,
        started_at=T0,
        detected_at=T0,
        declared_at=T0 + 2 * MIN,
        mitigated_at=T0 + 10 * MIN,
        resolved_at=T0 + 30 * MIN,
    )


def three() -> list[Incident | IncidentRecord]:
    return [closed(), still_open(), zero_detect()]


# -- to_records ----------------------------------------------------------------------


def test_records_hold_plain_values_in_the_documented_order():
    rows = frames.to_records(three())
    assert 3 == len(rows)
    columns = [*BASE_COLUMNS, "label.customer", "label.region", "label.team"]
    assert all(columns == list(row) for row in rows)
    first = rows[0]
    assert {
        "id": "inc-1",
        "title": "Checkout down",
        "severity": "P1",
        "status": "closed",
        "service": "checkout",
        "category": "bad-deploy",
        "started_at": dt.datetime(2024, 6, 1, 14, 0, tzinfo=UTC),
        "detected_at": dt.datetime(2024, 6, 1, 14, 3, tzinfo=UTC),
        "declared_at": dt.datetime(2024, 6, 1, 14, 5, tzinfo=UTC),
        "acknowledged_at": dt.datetime(2024, 6, 1, 14, 6, tzinfo=UTC),
        "mitigated_at": dt.datetime(2024, 6, 1, 14, 41, tzinfo=UTC),
        "resolved_at": dt.datetime(2024, 6, 1, 15, 30, tzinfo=UTC),
        "closed_at": dt.datetime(2024, 6, 3, 14, 0, tzinfo=UTC),
        "time_to_detect": dt.timedelta(minutes=3),
        "time_to_acknowledge": dt.timedelta(minutes=3),
        "time_to_restore": dt.timedelta(minutes=41),
        "time_to_resolve": dt.timedelta(minutes=90),
        "label.customer": None,
        "label.region": "eu",
        "label.team": "payments",
    } == first
    assert first["started_at"].tzinfo is UTC


def test_records_leave_open_missing_and_zero_spans_empty():
    _, opened, zero = frames.to_records(three())
    assert "investigating" == opened["status"]
    assert None is opened["started_at"]
    assert [None, None, None, None] == [
        opened["time_to_detect"],
        opened["time_to_acknowledge"],
        opened["time_to_restore"],
        opened["time_to_resolve"],
    ]
    assert "acme" == opened["label.customer"]
    assert None is opened["label.team"]
    assert None is zero["time_to_detect"]  # zero: invalid, not a duration
    assert None is zero["time_to_acknowledge"]  # never acknowledged
    assert dt.timedelta(minutes=10) == zero["time_to_restore"]
    assert dt.timedelta(minutes=30) == zero["time_to_resolve"]
    assert (None, None, None) == (
        zero["label.customer"],
        zero["label.region"],
        zero["label.team"],
    )


def test_records_without_labels_have_no_label_columns():
    assert BASE_COLUMNS == list(frames.to_records([zero_detect()])[0])
    assert [] == frames.to_records([])


# -- to_dataframe --------------------------------------------------------------------


def test_frame_columns_and_dtypes():
    df = frames.to_dataframe(three())
    assert 3 == len(df)
    assert [*BASE_COLUMNS, "label.customer", "label.region", "label.team"] == list(
        df.columns
    )
    assert [*BASE_DTYPES, TEXT, TEXT, TEXT] == [str(t) for t in df.dtypes]
    assert ["P1", "P2", "P3"] == list(df["severity"].cat.categories)
    assert df["severity"].cat.ordered
    assert [0, 1, 2] == list(df.index)


def test_frame_values():
    df = frames.to_dataframe(three())
    assert ["inc-1", "inc-2", "inc-3"] == list(df["id"])
    assert ["P1", "P3", "P2"] == list(df["severity"].astype(str))
    assert ["closed", "investigating", "resolved"] == list(df["status"])
    assert "checkout" == df["service"][0]
    assert [False, True, True] == list(df["service"].isna())
    # Given in UTC+2, stored as UTC.
    assert pd.Timestamp("2024-06-01 14:00", tz="UTC") == df["started_at"][0]
    assert pd.Timestamp("2024-06-03 14:00", tz="UTC") == df["closed_at"][0]
    assert [False, True, False] == list(df["started_at"].isna())
    assert pd.Timedelta(minutes=41) == df["time_to_restore"][0]
    assert pd.Timedelta(minutes=90) == df["time_to_resolve"][0]
    assert pd.Timedelta(minutes=3) == df["time_to_acknowledge"][0]
    assert [False, True, True] == list(df["time_to_detect"].isna())  # open, zero
    assert pd.Timedelta(minutes=10) == df["time_to_restore"][2]
    assert ["eu", None, None] == [None if pd.isna(v) else v for v in df["label.region"]]
    assert [None, "acme", None] == [
        None if pd.isna(v) else v for v in df["label.customer"]
    ]


def test_severity_sorts_worst_first_and_compares_in_order():
    df = frames.to_dataframe(three())
    assert ["inc-1", "inc-3", "inc-2"] == list(df.sort_values("severity")["id"])
    assert ["inc-1", "inc-3"] == list(df[df["severity"] <= "P2"]["id"])


def test_empty_frame_has_the_columns_and_dtypes():
    df = frames.to_dataframe([])
    assert 0 == len(df)
    assert BASE_COLUMNS == list(df.columns)
    assert BASE_DTYPES == [str(t) for t in df.dtypes]


def test_all_none_text_column_keeps_the_text_dtype():
    df = frames.to_dataframe([zero_detect()])
    assert TEXT == str(df["service"].dtype)
    assert TEXT == str(df["category"].dtype)


def test_records_and_incidents_give_the_same_frame():
    incidents = [closed(), still_open()]
    records = [IncidentRecord.of(inc) for inc in incidents]
    pd.testing.assert_frame_equal(
        frames.to_dataframe(incidents), frames.to_dataframe(records)
    )


def test_a_generator_is_read_once():
    df = frames.to_dataframe(inc for inc in three())
    assert ["inc-1", "inc-2", "inc-3"] == list(df["id"])
    assert 3 == len(frames.to_records(inc for inc in three()))


def test_frame_agrees_with_span_measure_on_real_history():
    # The frame's spans are column differences; the records' come from
    # Span.measure, one incident at a time.
    incidents = github_status().incidents
    df = frames.to_dataframe(incidents)
    rows = frames.to_records(incidents)
    assert len(incidents) == len(df)
    for column in frames.SPAN_COLUMNS:
        expected = [row[column] for row in rows]
        got = [None if pd.isna(v) else v.to_pytimedelta() for v in df[column]]
        assert expected == got, column
    assert [row["declared_at"] for row in rows] == [
        v.to_pydatetime() for v in df["declared_at"]
    ]
    labels = [c for c in df.columns if c.startswith("label.")]
    assert labels == sorted(labels)
    assert labels == [c for c in rows[0] if c.startswith("label.")]


@pytest.mark.parametrize(
    ("incidents", "field"),
    [
        ([closed(), still_open(), "inc-3"], "incidents[2]"),
        ([None], "incidents[0]"),
        ([{"id": "x"}], "incidents[0]"),
        ("incidents", "incidents"),
        (42, "incidents"),
        ({"id": "x"}, "incidents"),
        (closed(), "incidents"),
    ],
)
@pytest.mark.parametrize("function", [frames.to_records, frames.to_dataframe])
def test_hostile_input_names_the_position(function, incidents, field):
    with pytest.raises(ValidationError, match=r"Incident or IncidentRecord") as info:
        function(incidents)
    assert field == info.value.field
    bad = incidents if field == "incidents" else incidents[int(field[10:-1])]
    assert bad is info.value.got or bad == info.value.got
    expected = (
        "an iterable of Incident or IncidentRecord values"
        if field == "incidents"
        else "an Incident or IncidentRecord"
    )
    assert expected == info.value.expected


def test_every_incident_keeps_its_value_of_a_shared_label():
    a = Incident.declare(
        "a",
        severity="P3",
        declared_by="ana",
        at=T0,
        labels={"team": "payments", "region": "eu"},
    )
    b = Incident.declare(
        "b", severity="P3", declared_by="ana", at=T0, labels={"team": "search"}
    )
    c = Incident.declare("c", severity="P3", declared_by="ana", at=T0)

    records = frames.to_records([a, b, c])

    assert [("payments", "eu"), ("search", None), (None, None)] == [
        (r["label.team"], r["label.region"]) for r in records
    ]
    df = frames.to_dataframe([a, b, c])
    assert ["payments", "search", None] == [
        None if pd.isna(v) else v for v in df["label.team"]
    ]


def test_the_shortest_span_is_kept_not_taken_for_zero():
    micro = dt.timedelta(microseconds=1)
    inc = Incident.declare(
        "fast", severity="P3", declared_by="ana", at=T0, started_at=T0
    ).mitigate(at=T0 + micro)

    df = frames.to_dataframe([inc])

    assert pd.Timedelta(microseconds=1) == df["time_to_restore"][0]
    assert micro == frames.to_records([inc])[0]["time_to_restore"]


# -- summary_dataframe ---------------------------------------------------------------


def restored(minutes: int, severity: str) -> Incident:
    inc = Incident.declare(
        f"outage {minutes}",
        severity=severity,
        declared_by="ana",
        at=T0,
        started_at=T0,
    )
    return inc.mitigate(at=T0 + minutes * MIN, how="undo")


SUMMARY_DTYPES = ["object", *["int64"] * 4, *["timedelta64[us]"] * 9]


def test_summary_frame_by_severity():
    incidents = [
        restored(10, "P1"),
        restored(20, "P1"),
        restored(30, "P1"),
        restored(40, "P2"),
        still_open(),
    ]
    df = frames.summary_dataframe(metrics.summarize(incidents, by="severity"))
    assert list(frames.SUMMARY_COLUMNS) == list(df.columns)
    assert SUMMARY_DTYPES == [str(t) for t in df.dtypes]
    assert ["P1", "P2", "P3"] == list(df["group"])
    assert [3, 1, 0] == list(df["n"])
    assert [0, 0, 0] == list(df["open"])
    assert [0, 0, 1] == list(df["missing"])  # no start: missing, not open
    assert [0, 0, 0] == list(df["invalid"])
    assert pd.Timedelta(minutes=20) == df["median"][0]
    assert pd.Timedelta(minutes=10) == df["min"][0]
    assert pd.Timedelta(minutes=30) == df["max"][0]
    assert pd.Timedelta(minutes=20) == df["mean"][0]
    assert pd.Timedelta(minutes=28) == df["p90"][0]  # 20 + 0.8 * 10
    assert pd.Timedelta(minutes=40) == df["median"][1]
    assert df["median_ci_low"][1] is pd.NaT  # n == 1: no interval
    assert df["median_ci_low"][0] <= df["median"][0] <= df["median_ci_high"][0]
    assert df.loc[2, "median":"max"].isna().all()


def test_summary_frame_of_one_summary_and_invalid_counts():
    zero = IncidentRecord(
        id="z",
        title="zero",
        severity=Severity.P2,
        status=Status.RESOLVED,
        started_at=T0,
        detected_at=T0,
        mitigated_at=T0,
        resolved_at=T0,
    )
    summary = metrics.summarize([zero, restored(30, "P2")])
    df = frames.summary_dataframe(summary)
    assert 1 == len(df)
    assert None is df["group"][0]
    assert (1, 1) == (df["n"][0], df["invalid"][0])
    assert pd.Timedelta(minutes=30) == df["median"][0]


def test_summary_frame_accepts_any_mapping_and_refuses_the_rest():
    summary = metrics.summarize([restored(30, "P2")])
    df = frames.summary_dataframe(MappingProxyType({"all": summary}))
    assert ["all"] == list(df["group"])
    empty = frames.summary_dataframe({})
    assert (0, list(frames.SUMMARY_COLUMNS)) == (len(empty), list(empty.columns))
    assert SUMMARY_DTYPES == [str(t) for t in empty.dtypes]
    with pytest.raises(
        ValidationError, match=r"'summaries' must be a DurationSummary"
    ) as info:
        frames.summary_dataframe([summary])  # type: ignore[arg-type]
    assert [summary] == info.value.got
    with pytest.raises(
        ValidationError, match=r"\"summaries\['x'\]\" must be a Dur"
    ) as info:
        frames.summary_dataframe({"x": 3})  # type: ignore[dict-item]
    assert 3 == info.value.got


# -- timeline_dataframe --------------------------------------------------------------


def test_timeline_frame_rows():
    inc = still_open().note("pool at 512/512", at=T0 + 70 * MIN, by="raj")
    inc = inc.escalate("P1", at=T0 + 80 * MIN, reason="payments fail")
    df = frames.timeline_dataframe(inc)
    assert list(frames.TIMELINE_COLUMNS) == list(df.columns)
    assert ["datetime64[us, UTC]", TEXT, TEXT, TEXT] == [str(t) for t in df.dtypes]
    assert [
        pd.Timestamp("2024-06-01 15:00", tz="UTC"),
        pd.Timestamp("2024-06-01 15:00", tz="UTC"),
        pd.Timestamp("2024-06-01 15:10", tz="UTC"),
        pd.Timestamp("2024-06-01 15:20", tz="UTC"),
    ] == list(df["at"])
    assert ["declared", "role_assigned", "note", "severity_changed"] == list(df["kind"])
    assert ["li", "li", "raj", None] == [None if pd.isna(v) else v for v in df["by"]]
    assert [
        "declared P3: Search slow",
        "li is Incident Commander",
        "pool at 512/512",
        "escalated P3 → P1 (payments fail)",
    ] == list(df["summary"])
    pd.testing.assert_frame_equal(df, frames.timeline_dataframe(inc.timeline))


def test_timeline_frame_of_an_empty_timeline_and_bad_input():
    df = frames.timeline_dataframe(Timeline())
    assert (0, list(frames.TIMELINE_COLUMNS)) == (len(df), list(df.columns))
    assert ["datetime64[us, UTC]", TEXT, TEXT, TEXT] == [str(t) for t in df.dtypes]
    with pytest.raises(ValidationError) as info:
        frames.timeline_dataframe([])  # type: ignore[arg-type]
    assert ("incident_or_timeline", "an Incident or a Timeline", []) == (
        info.value.field,
        info.value.expected,
        info.value.got,
    )


# -- pandas stays optional -----------------------------------------------------------


def test_pandas_missing_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "pandas", None)
    summary = metrics.summarize([restored(30, "P2")])
    for call in (
        lambda: frames.to_dataframe([closed()]),
        lambda: frames.summary_dataframe(summary),
        lambda: frames.timeline_dataframe(closed()),
    ):
        with pytest.raises(ImportError, match=r"pip install 'incidentkit\[pandas\]'"):
            call()
    assert 1 == len(frames.to_records([closed()]))  # no pandas needed


def test_importing_frames_does_not_import_pandas():
    code = (
        "import sys, incidentkit.frames; "
        "print(sorted(m for m in ('pandas', 'numpy') if m in sys.modules))"
    )
    out = subprocess.run(  # noqa: S603 - this interpreter, fixed arguments
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert "[]" == out.stdout.strip()
