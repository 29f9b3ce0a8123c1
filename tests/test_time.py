import datetime as dt
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from incidentkit import (
    BusinessHours,
    Incident,
    Role,
    RoleAssignment,
    Severity,
    SystemClock,
    ValidationError,
    _time,
    ensure_utc,
    parse_instant,
    when_to_page,
)
from incidentkit._time import Clock, format_instant, resolve_zone
from incidentkit.signals import GoldenSignals, Request, ResourceReading
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


MINUS_5 = dt.timezone(dt.timedelta(hours=-5))
PLUS_1 = dt.timezone(dt.timedelta(hours=1))
IN_RANGE = "a time whose UTC instant falls within years 1 to 9999"
# Each is a valid datetime whose UTC instant lies in year 10000 or year 0.
BEYOND_THE_CALENDAR = [
    dt.datetime(9999, 12, 31, 23, tzinfo=MINUS_5),
    dt.datetime(1, 1, 1, tzinfo=PLUS_1),
    dt.datetime.max.replace(tzinfo=dt.timezone(dt.timedelta(hours=-14))),
    dt.datetime.min.replace(tzinfo=dt.timezone(dt.timedelta(hours=14))),
]


class TestCalendarEdges:
    @pytest.mark.parametrize("value", BEYOND_THE_CALENDAR)
    def test_ensure_utc_names_the_field_and_the_range(self, value):
        with pytest.raises(ValidationError) as info:
            ensure_utc(value, field="at")

        assert f"'at' must be {IN_RANGE} (got {value!r})" == str(info.value)
        assert ("at", IN_RANGE, value) == (
            info.value.field,
            info.value.expected,
            info.value.got,
        )

    def test_assumed_zone_can_push_a_naive_time_out_of_range(self):
        naive = dt.datetime(1, 1, 1)

        with pytest.raises(ValidationError) as info:
            ensure_utc(naive, field="started_at", assume_tz="Europe/Berlin")

        assert "started_at" == info.value.field
        assert IN_RANGE == info.value.expected

    @pytest.mark.parametrize(
        "text", ["9999-12-31T23:00:00-05:00", "0001-01-01T00:00:00+01:00"]
    )
    def test_parse_instant_names_the_field_and_the_text(self, text):
        with pytest.raises(ValidationError) as info:
            parse_instant(text, field="detected_at")

        assert f"'detected_at' must be {IN_RANGE} (got {text!r})" == str(info.value)
        assert text == info.value.got

    def test_parse_instant_of_a_datetime_names_the_field(self):
        with pytest.raises(ValidationError, match=r"^'at' must be a time whose UTC"):
            parse_instant(BEYOND_THE_CALENDAR[0], field="at")

    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            (
                "9999-12-31T23:59:59.999999+00:00",
                dt.datetime.max.replace(tzinfo=UTC),
            ),
            (
                "9999-12-31T18:59:59-05:00",
                dt.datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC),
            ),
            ("0001-01-01T00:00:00-01:00", dt.datetime(1, 1, 1, 1, tzinfo=UTC)),
        ],
    )
    def test_the_last_and_first_instants_still_parse(self, text, expected):
        assert expected == parse_instant(text)

    @pytest.mark.parametrize("value", BEYOND_THE_CALENDAR)
    def test_converted_fields_name_the_field(self, value):
        # The converter is not told the field; the validator is, and says so.
        with pytest.raises(ValidationError) as info:
            FixedClock(value)

        assert f"'current' must be {IN_RANGE} (got {value!r})" == str(info.value)

    def test_the_converter_leaves_what_it_cannot_convert_to_the_validator(self):
        value = BEYOND_THE_CALENDAR[0]

        assert value is _time.to_utc(value)
        assert value is _time.to_utc_optional(value)

    @pytest.mark.parametrize(
        "call",
        [
            lambda at: Incident.declare(
                "API down", severity=Severity.P1, at=at, declared_by="ana"
            ),
            lambda at: _declared().note("later", at=at),
            lambda at: _declared().acknowledge(at=at),
            lambda at: _declared().assign("scribe", "raj", at=at),
            lambda at: _declared().mitigate(at=at),
            lambda at: _declared().check_roles(now=at),
            lambda at: RoleAssignment(Role.OPERATIONS_LEAD, "raj", at),
        ],
        ids=[
            "declare",
            "note",
            "acknowledge",
            "assign",
            "mitigate",
            "check_roles",
            "RoleAssignment",
        ],
    )
    def test_the_model_refuses_them_naming_the_parameter(self, call):
        value = BEYOND_THE_CALENDAR[0]

        with pytest.raises(ValidationError) as info:
            call(value)

        assert IN_RANGE == info.value.expected
        assert info.value.field in {"at", "now", "assumed_at"}


def _declared() -> Incident:
    return Incident.declare(
        "API down",
        severity=Severity.P1,
        at=dt.datetime(2024, 6, 1, 14, tzinfo=UTC),
        declared_by="ana",
    )


BAD_ZONES = [
    "Mars/Olympus_Mons",
    "",
    " ",
    "a" * 300,
    "/etc/passwd",
    "/usr/share/zoneinfo/UTC",
    "/usr/share/zoneinfo/Europe/Berlin",
    "/no/such/file",
    "../x",
    "Europe/../Europe/Berlin",
    "./UTC",
    "Europe\\Berlin",
    "UTC\x00",
    " Europe/Berlin",
    "Europe/Berlin\n",
    "europe/berlin",
    "utc",
    "localtime",
    "posixrules",
    "posix/Europe/Berlin",
    "EST5EDT,M3.2.0,M11.1.0",
    "Europe",
]


@pytest.fixture
def fresh_zone_list():
    _time._zone_names.cache_clear()
    yield
    _time._zone_names.cache_clear()


class TestZones:
    @pytest.mark.parametrize("zone", BAD_ZONES)
    def test_anything_but_a_listed_name_is_one_validation_error(self, zone):
        # Paths, system files, missing files, overlong names and near-misses all
        # fail the same way: no OSError, no TZif ValueError, no dateutil warning
        # (warnings are errors in this suite), so nothing tells which files exist.
        with pytest.raises(ValidationError) as caught:
            resolve_zone(zone)

        assert ("zone", "a known IANA time-zone name", zone) == (
            caught.value.field,
            caught.value.expected,
            caught.value.got,
        )
        assert str(caught.value).startswith("'zone' must be a known IANA")

    def test_a_system_file_and_a_missing_file_read_the_same(self):
        messages = []
        for path in ("/etc/passwd", "/usr/share/zoneinfo/UTC", "/no/such/file"):
            with pytest.raises(ValidationError) as caught:
                resolve_zone(path)
            messages.append(str(caught.value).replace(repr(path), "<path>"))

        assert 1 == len(set(messages))

    @pytest.mark.parametrize(
        ("zone", "hint"),
        [
            ("europe/berlin", "did you mean 'Europe/Berlin'? Zone names are case"),
            ("utc", "did you mean 'UTC'?"),
            (" Europe/Berlin", "did you mean 'Europe/Berlin'? Remove the white"),
            ("/usr/share/zoneinfo/UTC", "names, never file paths"),
            ("../x", "names, never file paths"),
        ],
    )
    def test_near_misses_get_a_hint(self, zone, hint):
        with pytest.raises(ValidationError, match=re.escape(hint)):
            resolve_zone(zone)

    def test_an_overlong_name_is_shortened_in_the_message(self):
        with pytest.raises(ValidationError) as caught:
            resolve_zone("a" * 300)

        assert len(str(caught.value)) < 200
        assert "a" * 300 == caught.value.got

    @pytest.mark.parametrize(
        "zone",
        [
            "UTC",
            "Europe/Berlin",
            "America/Argentina/Buenos_Aires",
            "Etc/GMT+5",
            "Asia/Kolkata",
        ],
    )
    def test_iana_names_resolve(self, zone):
        assert zone == str(resolve_zone(zone))

    def test_the_field_can_be_named(self):
        with pytest.raises(ValidationError, match=r"^'assume_tz' must be a known"):
            resolve_zone("/etc/passwd", field="assume_tz")

    @pytest.mark.parametrize("zone", [3, None, b"UTC"])
    def test_non_text_is_an_error(self, zone):
        with pytest.raises(
            ValidationError, match=r"'zone' must be an IANA time-zone name or a tzinfo"
        ):
            resolve_zone(zone)

    def test_assume_tz_is_checked_the_same_way(self):
        with pytest.raises(ValidationError, match=r"^'assume_tz' must be a known"):
            ensure_utc(dt.datetime(2024, 6, 1), assume_tz="/usr/share/zoneinfo/UTC")
        with pytest.raises(ValidationError, match=r"^'assume_tz' must be a known"):
            parse_instant("2024-06-01T12:00", assume_tz="../x")

    @pytest.mark.usefixtures("fresh_zone_list")
    def test_without_a_zone_database_names_are_still_checked(self, monkeypatch):
        import zoneinfo

        monkeypatch.setattr(zoneinfo, "available_timezones", set)

        # dateutil resolves what passes (from tzdata here); paths never reach it.
        assert dt.timedelta(hours=2) == (
            dt.datetime(2024, 6, 1, tzinfo=resolve_zone("Europe/Berlin")).utcoffset()
        )
        for zone in ("/usr/share/zoneinfo/UTC", "../x", "a" * 300, "localtime"):
            with pytest.raises(ValidationError, match=r"'zone' must be a known IANA"):
                resolve_zone(zone)

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


LAST = dt.datetime.max.replace(tzinfo=UTC)
FIRST = dt.datetime.min.replace(tzinfo=UTC)


class TestArithmeticAtTheEdges:
    """Valid instants near years 1 and 9999 that the models add to or subtract from."""

    def test_no_start_of_business_hours_after_the_last_day(self):
        with pytest.raises(ValidationError) as info:
            when_to_page(Severity.P2, LAST, hours=BusinessHours())

        assert (
            "'at' must be a time followed by a start of business hours in UTC "
            f"within years 1 to 9999 (got {LAST!r})"
        ) == str(info.value)

    @pytest.mark.parametrize(
        ("zone", "at"),
        [("Europe/Berlin", LAST), ("Etc/GMT+12", FIRST)],
    )
    def test_business_hours_refuse_a_local_time_beyond_the_calendar(self, zone, at):
        with pytest.raises(ValidationError) as info:
            when_to_page(Severity.P2, at, hours=BusinessHours(zone))

        assert (
            f"'at' must be a time within years 1 to 9999 in {zone} (got {at!r})"
        ) == str(info.value)

    def test_a_start_before_year_one_in_utc_is_skipped(self):
        # Monday 0001-01-01 09:00 at UTC+12 is in year 0 in UTC, so before any
        # *at*: the next start is Tuesday's, 0001-01-01 21:00 UTC.
        hours = BusinessHours("Etc/GMT-12")
        at = FIRST + dt.timedelta(hours=1)  # Monday 13:00 local

        assert dt.datetime(1, 1, 1, 21, tzinfo=UTC) == hours.next_start(at)

    @pytest.mark.parametrize("now", [FIRST, FIRST + dt.timedelta(hours=1)])
    def test_golden_signals_evaluate_near_the_edges(self, now):
        signals = GoldenSignals(objective=0.999, latency_slo=dt.timedelta(seconds=1))
        signals.observe(Request(now, dt.timedelta(milliseconds=120)))
        signals.observe_resource(ResourceReading(now, "disk", 0.5))

        decisions = signals.evaluate(now)

        assert now == decisions.traffic.evaluated_at
        assert 1 == len(signals.saturation.readings["disk"])
