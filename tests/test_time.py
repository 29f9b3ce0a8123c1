import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from incidentkit import SystemClock, ValidationError, ensure_utc, parse_instant
from incidentkit._time import Clock, format_instant, resolve_zone
from incidentkit.testing import FixedClock

from .strategies import instants


UTC = dt.timezone.utc


class TestParseInstant:
    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("2024-06-01T14:02:03Z", dt.datetime(2024, 6, 1, 14, 2, 3, tzinfo=UTC)),
            ("2024-06-01T14:02:03z", dt.datetime(2024, 6, 1, 14, 2, 3, tzinfo=UTC)),
            (
                "2024-06-01T16:02:03+02:00",
                dt.datetime(2024, 6, 1, 14, 2, 3, tzinfo=UTC),
            ),
            ("2024-06-01T16:02:03+0200", dt.datetime(2024, 6, 1, 14, 2, 3, tzinfo=UTC)),
            ("2024-06-01T14:02:03+0000", dt.datetime(2024, 6, 1, 14, 2, 3, tzinfo=UTC)),
            (
                "2024-06-01T14:02:03.5Z",
                dt.datetime(2024, 6, 1, 14, 2, 3, 500000, tzinfo=UTC),
            ),
            (
                "2024-06-01T14:02:03.12Z",
                dt.datetime(2024, 6, 1, 14, 2, 3, 120000, tzinfo=UTC),
            ),
            (
                "2024-06-01T14:02:03.123456789Z",
                dt.datetime(2024, 6, 1, 14, 2, 3, 123456, tzinfo=UTC),
            ),
            (
                "  2024-06-01T14:02:03Z \n",
                dt.datetime(2024, 6, 1, 14, 2, 3, tzinfo=UTC),
            ),
            ("2024-06-01T09:02-05:00", dt.datetime(2024, 6, 1, 14, 2, tzinfo=UTC)),
        ],
    )
    def test_reads_the_iso_forms_feeds_use(self, text, expected):
        parsed = parse_instant(text)

        assert expected == parsed
        assert UTC is parsed.tzinfo

    @pytest.mark.parametrize(
        ("value", "unit"),
        [
            (1717250523, "s"),
            (1717250523.0, "s"),
            (1717250523000, "ms"),
            (1717250523000000, "us"),
            (1717250523000000000, "ns"),
        ],
    )
    def test_reads_epoch_numbers_in_the_unit_given(self, value, unit):
        assert dt.datetime(2024, 6, 1, 14, 2, 3, tzinfo=UTC) == parse_instant(
            value, epoch_unit=unit
        )

    def test_nanoseconds_keep_microsecond_precision_without_float_error(self):
        assert dt.datetime(2024, 6, 1, 14, 2, 3, 123456, tzinfo=UTC) == parse_instant(
            1717250523123456789, epoch_unit="ns"
        )

    def test_refuses_numbers_without_a_unit(self):
        with pytest.raises(ValidationError, match=r"pass epoch_unit= to read epoch"):
            parse_instant(1717250523)

    def test_refuses_unknown_epoch_unit(self):
        with pytest.raises(ValidationError, match=r"'epoch_unit' must be one of"):
            parse_instant(1, epoch_unit="h")  # type: ignore[arg-type]

    @pytest.mark.parametrize("value", [float("nan"), float("inf")])
    def test_refuses_non_finite_epochs(self, value):
        with pytest.raises(ValidationError, match="a finite epoch number"):
            parse_instant(value, epoch_unit="s")

    def test_refuses_epochs_out_of_range(self):
        with pytest.raises(ValidationError, match="within years 1-9999"):
            parse_instant(10**20, epoch_unit="s")

    def test_naive_text_is_an_error_naming_the_field(self):
        with pytest.raises(
            ValidationError,
            match=r"'started_at' must be a timezone-aware datetime .*attach a tzinfo",
        ) as info:
            parse_instant("2024-06-01T14:02:03", field="started_at")

        assert "started_at" == info.value.field

    def test_naive_text_is_read_in_the_zone_named(self):
        assert dt.datetime(2024, 6, 1, 12, 2, 3, tzinfo=UTC) == parse_instant(
            "2024-06-01T14:02:03", assume_tz="Europe/Berlin"
        )

    @pytest.mark.parametrize(
        "value", ["yesterday", "", "2024-13-01T00:00:00Z", True, None, []]
    )
    def test_garbage_is_an_error_with_the_value(self, value):
        with pytest.raises(
            ValidationError, match=r"'value' must be an ISO 8601 instant"
        ):
            parse_instant(value)

    def test_datetimes_are_normalised(self):
        berlin = dt.timezone(dt.timedelta(hours=2))

        assert dt.datetime(2024, 6, 1, 12, 0, tzinfo=UTC) == parse_instant(
            dt.datetime(2024, 6, 1, 14, 0, tzinfo=berlin)
        )

    @given(instants)
    def test_format_then_parse_is_the_same_instant(self, when):
        text = format_instant(when)

        assert text.endswith("Z")
        assert when == parse_instant(text)


class TestEnsureUtc:
    def test_assume_tz_resolves_wall_time_across_dst(self):
        # 2024-10-27 02:30 happens twice in Berlin; PEP 495 fold=0 is the first.
        first = ensure_utc(dt.datetime(2024, 10, 27, 2, 30), assume_tz="Europe/Berlin")

        assert dt.datetime(2024, 10, 27, 0, 30, tzinfo=UTC) == first

    def test_rejects_non_datetimes(self):
        with pytest.raises(ValidationError, match=r"'when' must be a timezone-aware"):
            ensure_utc("2024-01-01", field="when")  # type: ignore[arg-type]


class TestZones:
    def test_unknown_zone_is_an_error(self):
        with pytest.raises(ValidationError, match=r"'zone' must be a known IANA"):
            resolve_zone("Mars/Olympus_Mons")

    def test_empty_zone_is_an_error(self):
        with pytest.raises(ValidationError, match=r"'zone' must be an IANA"):
            resolve_zone("")

    def test_tzinfo_passes_through(self):
        assert UTC is resolve_zone(UTC)

    def test_falls_back_to_dateutil_when_zoneinfo_cannot(self, monkeypatch):
        import zoneinfo

        def refuse(_name):
            raise zoneinfo.ZoneInfoNotFoundError

        monkeypatch.setattr(zoneinfo, "ZoneInfo", refuse)

        zone = resolve_zone("Europe/Berlin")

        assert dt.timedelta(hours=2) == dt.datetime(2024, 6, 1, tzinfo=zone).utcoffset()


class TestClocks:
    def test_system_clock_is_aware_utc(self):
        clock = SystemClock()

        assert isinstance(clock, Clock)
        assert UTC is clock.now().tzinfo
        assert "SystemClock()" == repr(clock)

    def test_fixed_clock_moves_only_when_told(self):
        start = dt.datetime(2024, 6, 1, 14, 0, tzinfo=UTC)
        clock = FixedClock(start)

        assert isinstance(clock, Clock)
        assert start == clock.now()
        assert start + dt.timedelta(minutes=5) == clock.advance(dt.timedelta(minutes=5))
        clock.set(start)
        assert start == clock.now()

    def test_fixed_clock_refuses_naive_time(self):
        with pytest.raises(
            ValidationError, match=r"'current' must be a timezone-aware"
        ):
            FixedClock(dt.datetime(2024, 6, 1))

    @given(st.datetimes(timezones=st.just(dt.timezone(dt.timedelta(hours=5)))))
    def test_fixed_clock_normalises_to_utc(self, when):
        assert UTC is FixedClock(when).now().tzinfo
