import datetime as dt

import pytest

import incidentkit
from incidentkit import ValidationError, format_duration, signals
from incidentkit._time import format_duration as foundation_format_duration
from incidentkit.signals import GoldenSignals, Request


UTC = dt.timezone.utc
td = dt.timedelta


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (td(0), "0s"),
        (td(microseconds=1), "1µs"),
        (td(microseconds=999), "999µs"),
        (td(milliseconds=1), "1ms"),
        (td(microseconds=1_999), "1ms"),
        (td(milliseconds=250), "250ms"),
        (td(milliseconds=800), "800ms"),
        (td(microseconds=999_999), "999ms"),
        (td(seconds=1), "1s"),
        (td(seconds=1, microseconds=999), "1s"),
        (td(seconds=1, milliseconds=1), "1.001s"),
        (td(seconds=1.25), "1.25s"),
        (td(seconds=1.5), "1.5s"),
        (td(seconds=52), "52s"),
        (td(seconds=59.9), "59.9s"),
        (td(seconds=59, microseconds=999_999), "59.999s"),
        (td(seconds=60), "1m"),
        (td(seconds=60.5), "1m"),
        (td(seconds=61), "1m1s"),
        (td(minutes=5), "5m"),
        (td(hours=1), "1h"),
        (td(hours=1, minutes=30), "1h30m"),
        (td(hours=26, minutes=5), "1d2h5m"),
        (td(days=3), "3d"),
        (td(days=3, seconds=1), "3d1s"),
        (td(minutes=-5), "-5m"),
        (td(milliseconds=-800), "-800ms"),
        (td(microseconds=-1), "-1µs"),
        (td(seconds=-1.5), "-1.5s"),
        (td(hours=-26, minutes=-5), "-1d2h5m"),
        (td.max, "999999999d23h59m59s"),
        (td.min, "-999999999d"),
    ],
)
def test_format_duration(value, text):
    assert text == format_duration(value)


@pytest.mark.parametrize("value", [5, 1.5, "5m", None])
def test_only_timedeltas(value):
    with pytest.raises(
        ValidationError, match=r"^'value' must be a timedelta \(got "
    ) as caught:
        format_duration(value)

    assert "value" == caught.value.field


def test_one_function_under_three_names():
    assert foundation_format_duration is incidentkit.format_duration
    assert foundation_format_duration is signals.format_duration
    assert "format_duration" in incidentkit.__all__
    assert "format_duration" in signals.__all__


def test_a_sub_second_promise_reads_as_itself():
    t0 = dt.datetime(2024, 6, 1, 12, tzinfo=UTC)
    golden = GoldenSignals(objective=0.999, latency_slo=td(milliseconds=250))
    for second in range(30):
        golden.observe(Request(t0 + td(seconds=second), td(milliseconds=800)))

    latency = golden.evaluate(t0 + td(seconds=30)).latency

    assert "slower than the promised 250ms" in latency.explain()
