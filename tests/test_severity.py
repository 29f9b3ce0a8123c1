import datetime as dt
import pickle

import pytest

from incidentkit import (
    DEFAULT_POLICIES,
    BusinessHours,
    Paging,
    PagingDecision,
    ResponsePolicy,
    Severity,
    ValidationError,
    serialization,
    when_to_page,
)


UTC = dt.timezone.utc


class TestSeverityOrder:
    def test_p1_is_the_most_severe(self):
        assert Severity.P1.is_more_severe_than(Severity.P2)
        assert Severity.P2.is_more_severe_than(Severity.P3)
        assert not Severity.P3.is_more_severe_than(Severity.P1)
        assert not Severity.P2.is_more_severe_than(Severity.P2)

    def test_at_least_includes_the_same_level(self):
        assert Severity.P2.is_at_least(Severity.P2)
        assert Severity.P1.is_at_least(Severity.P3)
        assert not Severity.P3.is_at_least(Severity.P2)

    def test_rank_sorts_most_severe_first(self):
        levels = [Severity.P3, Severity.P1, Severity.P2]

        assert [Severity.P1, Severity.P2, Severity.P3] == sorted(
            levels, key=lambda s: s.rank
        )

    def test_less_than_is_deliberately_missing(self):
        with pytest.raises(TypeError):
            _ = Severity.P1 < Severity.P2  # type: ignore[operator]

    def test_most_severe(self):
        assert Severity.P2 == Severity.most_severe([Severity.P3, Severity.P2])

    def test_most_severe_of_nothing_is_an_error(self):
        with pytest.raises(ValidationError, match="'levels' must be at least one"):
            Severity.most_severe([])

    def test_comparing_with_a_string_is_an_error(self):
        with pytest.raises(ValidationError, match="'other' must be a Severity"):
            Severity.P1.is_more_severe_than("P2")  # type: ignore[arg-type]

    def test_labels(self):
        assert "P1 (critical)" == Severity.P1.label


class TestSeverityInput:
    @pytest.mark.parametrize(
        ("value", "expected"),
        [
            (Severity.P1, Severity.P1),
            ("P1", Severity.P1),
            ("p2", Severity.P2),
            (" P1", Severity.P1),
            ("\tp3\n", Severity.P3),
            ("P2 ", Severity.P2),
        ],
    )
    def test_parse_accepts_a_level_or_its_name(self, value, expected):
        assert expected is Severity.parse(value)

    @pytest.mark.parametrize(
        "value",
        [
            1,
            "1",
            " 3 ",
            "P 1",
            "P1.",
            "SEV1",
            "sev-1",
            "P0",
            "P4",
            "",
            " ",
            None,
            True,
            1.0,
            b"P1",
            "critical",
        ],
    )
    def test_parse_refuses_anything_else(self, value):
        with pytest.raises(ValidationError) as caught:
            Severity.parse(value)

        assert ("severity", "a Severity or one of 'P1', 'P2', 'P3'", value) == (
            caught.value.field,
            caught.value.expected,
            caught.value.got,
        )

    def test_parse_rejects_unknown_levels(self):
        with pytest.raises(
            ValidationError,
            match=r"^'severity' must be a Severity or one of 'P1', 'P2', 'P3' "
            r"\(got 'SEV1'\)$",
        ):
            Severity.parse("SEV1")

    @pytest.mark.parametrize("value", [1, "1", " 2 ", 3])
    def test_bare_numbers_get_a_hint(self, value):
        with pytest.raises(ValidationError, match=r"bare numbers are ambiguous"):
            Severity.parse(value)

    def test_parse_names_the_callers_parameter(self):
        with pytest.raises(ValidationError, match=r"^'new_severity' must be") as caught:
            Severity.parse("SEV2", field="new_severity")

        assert "new_severity" == caught.value.field

    def test_declare_follows_the_same_rule(self):
        from incidentkit import Incident

        at = dt.datetime(2024, 6, 1, 14, tzinfo=UTC)
        declared = Incident.declare("t", severity=" p1", at=at, declared_by="ann")

        assert Severity.P1 is declared.severity
        with pytest.raises(ValidationError, match=r"^'severity' must be a Severity"):
            Incident.declare("t", severity="1", at=at, declared_by="ann")

    def test_the_enum_call_takes_exact_values_only(self):
        assert Severity.P1 is Severity("P1")
        with pytest.raises(ValidationError) as caught:
            Severity("p1")

        assert ("severity", "one of 'P1', 'P2', 'P3'", "p1") == (
            caught.value.field,
            caught.value.expected,
            caught.value.got,
        )
        assert "Severity.parse() reads" in str(caught.value)

    @pytest.mark.parametrize("value", [1, "1", "SEV1", None, ["P1"]])
    def test_the_enum_call_raises_a_validation_error(self, value):
        with pytest.raises(ValidationError, match=r"^'severity' must be one of"):
            Severity(value)

    def test_levels_and_the_enum_error_pickle(self):
        with pytest.raises(ValidationError) as caught:
            Severity("p1")
        again = pickle.loads(pickle.dumps(caught.value))

        assert Severity.P2 is pickle.loads(pickle.dumps(Severity.P2))
        assert (str(caught.value), "severity", "p1") == (
            str(again),
            again.field,
            again.got,
        )

    def test_the_wire_format_stays_strict(self):
        data = serialization.to_dict(DEFAULT_POLICIES[Severity.P1])
        data["severity"] = "p1"

        with pytest.raises(ValidationError) as caught:
            serialization.from_dict(data, ResponsePolicy)

        assert ["$.severity: expected one of 'P1', 'P2', 'P3' (got 'p1')"] == list(
            caught.value.errors
        )


class TestPolicies:
    def test_defaults_follow_the_process(self):
        p1, p2, p3 = (DEFAULT_POLICIES[s] for s in Severity)

        assert (Paging.IMMEDIATE, Paging.BUSINESS_HOURS, Paging.WORK_CYCLE) == (
            p1.paging,
            p2.paging,
            p3.paging,
        )
        assert p1.public_status_page and p1.internal_status_page
        assert p2.public_status_page and p2.internal_status_page
        assert not (p3.public_status_page or p3.internal_status_page)
        assert p1.postmortem_required and p2.postmortem_required
        assert not p3.postmortem_required
        assert dt.timedelta(minutes=5) == p1.first_update_within
        assert dt.timedelta(minutes=20) == p1.public_update_every

    def test_defaults_are_read_only(self):
        with pytest.raises(TypeError):
            DEFAULT_POLICIES[Severity.P1] = DEFAULT_POLICIES[Severity.P2]  # type: ignore[index]

    def test_cadence_must_be_positive(self):
        with pytest.raises(
            ValidationError, match=r"'public_update_every' must be a positive timedelta"
        ):
            ResponsePolicy(
                severity=Severity.P1,
                paging=Paging.IMMEDIATE,
                internal_status_page=True,
                public_status_page=True,
                public_update_every=dt.timedelta(0),
            )


class TestPolicyFields:
    fields = {  # noqa: RUF012 - read-only test data
        "severity": Severity.P1,
        "paging": Paging.IMMEDIATE,
        "internal_status_page": True,
        "public_status_page": True,
    }

    @pytest.mark.parametrize(
        ("field", "value", "message"),
        [
            ("severity", "P1", r"'severity' must be a Severity \(got 'P1'\)"),
            ("severity", 1, r"'severity' must be a Severity \(got 1\)"),
            ("paging", "page!", r"'paging' must be a Paging \(got 'page!'\)"),
            ("paging", Severity.P1, r"'paging' must be a Paging \(got <Severity"),
            (
                "internal_status_page",
                "no",
                r"'internal_status_page' must be True or False \(got 'no'\)",
            ),
            (
                "public_status_page",
                1,
                r"'public_status_page' must be True or False \(got 1\)",
            ),
            (
                "postmortem_required",
                "false",
                r"'postmortem_required' must be True or False \(got 'false'\)",
            ),
            (
                "postmortem_required",
                0,
                r"'postmortem_required' must be True or False \(got 0\)",
            ),
        ],
    )
    def test_bad_fields_are_refused_by_name(self, field, value, message):
        with pytest.raises(ValidationError, match=message) as caught:
            ResponsePolicy(**{**self.fields, field: value})

        assert field == caught.value.field

    def test_the_reported_policy_is_refused(self):
        with pytest.raises(ValidationError, match="'severity' must be a Severity"):
            ResponsePolicy(
                severity="P1",  # type: ignore[arg-type]
                paging="page!",  # type: ignore[arg-type]
                internal_status_page="no",  # type: ignore[arg-type]
                public_status_page=True,
            )


class TestBusinessHours:
    def test_contains_uses_wall_time_in_the_zone(self):
        hours = BusinessHours("America/New_York")
        # 13:30 UTC on a Monday in June is 09:30 in New York (EDT).
        monday = dt.datetime(2024, 6, 3, 13, 30, tzinfo=UTC)

        assert hours.contains(monday)
        assert not hours.contains(monday - dt.timedelta(hours=1))

    def test_weekends_are_outside(self):
        saturday_noon = dt.datetime(2024, 6, 1, 12, 0, tzinfo=UTC)

        assert not BusinessHours().contains(saturday_noon)

    def test_end_is_exclusive(self):
        hours = BusinessHours()

        assert not hours.contains(dt.datetime(2024, 6, 3, 17, 0, tzinfo=UTC))
        assert hours.contains(dt.datetime(2024, 6, 3, 16, 59, 59, tzinfo=UTC))

    def test_end_must_follow_start(self):
        with pytest.raises(ValidationError, match=r"'end' must be a time after start"):
            BusinessHours(start=dt.time(17), end=dt.time(9))

    @pytest.mark.parametrize("days", [[], [7], [-1]])
    def test_weekdays_must_be_day_numbers(self, days):
        with pytest.raises(
            ValidationError, match=r"'weekdays' must be a non-empty set"
        ):
            BusinessHours(weekdays=days)

    @pytest.mark.parametrize("field", ["start", "end"])
    @pytest.mark.parametrize(
        "value",
        [
            "09:00",
            9,
            None,
            dt.datetime(2024, 6, 3, 9, 0),
            dt.time(9, 0, tzinfo=dt.timezone.utc),
        ],
    )
    def test_start_and_end_must_be_wall_times(self, field, value):
        # Each bad value stands alone: the other bound keeps a valid default.
        other = {"start": dt.time(0, 0)} if field == "end" else {"end": dt.time(23)}

        with pytest.raises(
            ValidationError,
            match=rf"'{field}' must be a datetime.time without tzinfo \(got ",
        ) as caught:
            BusinessHours(**{field: value, **other})

        assert field == caught.value.field

    @pytest.mark.parametrize("days", [[0, 0, 1], (4, 4), [6, 5, 6]])
    def test_duplicate_weekdays_are_refused(self, days):
        with pytest.raises(
            ValidationError,
            match=r"'weekdays' must be a non-empty set of distinct weekday numbers",
        ) as caught:
            BusinessHours(weekdays=days)

        assert "weekdays" == caught.value.field
        assert days == caught.value.got

    @pytest.mark.parametrize(
        "days", [5, None, "01234", b"\x00", {0: "Monday"}, [True], [0, False], [1.0]]
    )
    def test_weekdays_must_be_a_collection_of_day_numbers(self, days):
        with pytest.raises(
            ValidationError, match=r"'weekdays' must be a non-empty set"
        ) as caught:
            BusinessHours(weekdays=days)

        assert "weekdays" == caught.value.field

    def test_unhashable_weekdays_are_a_validation_error(self):
        with pytest.raises(ValidationError, match=r"'weekdays' must be"):
            BusinessHours(weekdays=[[0]])  # type: ignore[list-item]

    @pytest.mark.parametrize(
        "days", [[0, 1], (0, 1), {1, 0}, frozenset({0, 1}), range(2), iter([1, 0])]
    )
    def test_weekdays_accept_any_collection_of_distinct_days(self, days):
        assert frozenset({0, 1}) == BusinessHours(weekdays=days).weekdays

    def test_unknown_zone(self):
        with pytest.raises(ValidationError, match=r"'zone' must be a known IANA"):
            BusinessHours("Europe/Atlantis")

    @pytest.mark.parametrize(
        "zone", ["/usr/share/zoneinfo/UTC", "/etc/passwd", "../x", "a" * 300]
    )
    def test_zone_is_never_a_path(self, zone):
        with pytest.raises(ValidationError, match=r"'zone' must be a known IANA"):
            BusinessHours(zone)

    def test_zone_must_be_text(self):
        with pytest.raises(ValidationError, match=r"'zone' must be an IANA"):
            BusinessHours(3)  # type: ignore[arg-type]


class TestWhenToPage:
    saturday_night = dt.datetime(2024, 6, 1, 23, 0, tzinfo=UTC)

    def test_p1_pages_at_once_at_any_hour(self):
        decision = when_to_page(Severity.P1, self.saturday_night)

        assert self.saturday_night == decision.page_at
        assert decision.pages
        assert "any hour" in decision.explain()

    def test_p3_never_pages(self):
        decision = when_to_page(Severity.P3, self.saturday_night)

        assert decision.page_at is None
        assert not decision.pages
        assert "work cycle" in decision.explain()

    def test_p2_pages_now_within_business_hours(self):
        tuesday = dt.datetime(2024, 6, 4, 10, 0, tzinfo=UTC)

        assert tuesday == when_to_page(Severity.P2, tuesday).page_at

    def test_p2_waits_for_monday_morning_in_the_team_zone(self):
        decision = when_to_page(
            Severity.P2, self.saturday_night, hours=BusinessHours("Asia/Kolkata")
        )

        # 09:00 IST (UTC+05:30) on Monday 2024-06-03.
        assert dt.datetime(2024, 6, 3, 3, 30, tzinfo=UTC) == decision.page_at
        assert "Asia/Kolkata" in decision.explain()

    def test_p2_after_hours_on_a_weekday_waits_for_the_next_morning(self):
        tuesday_evening = dt.datetime(2024, 6, 4, 18, 0, tzinfo=UTC)

        assert dt.datetime(2024, 6, 5, 9, 0, tzinfo=UTC) == (
            when_to_page(Severity.P2, tuesday_evening).page_at
        )

    def test_p2_before_hours_the_same_day_waits_for_that_morning(self):
        early = dt.datetime(2024, 6, 4, 5, 0, tzinfo=UTC)

        assert dt.datetime(2024, 6, 4, 9, 0, tzinfo=UTC) == (
            when_to_page(Severity.P2, early).page_at
        )

    def test_across_the_spring_forward_change(self):
        # Berlin moves from UTC+1 to UTC+2 on Sunday 2024-03-31.
        friday_night = dt.datetime(2024, 3, 29, 20, 0, tzinfo=UTC)

        page_at = when_to_page(
            Severity.P2, friday_night, hours=BusinessHours("Europe/Berlin")
        ).page_at

        assert dt.datetime(2024, 4, 1, 7, 0, tzinfo=UTC) == page_at

    def test_across_the_fall_back_change(self):
        # New York moves from UTC-4 to UTC-5 on Sunday 2024-11-03.
        friday_night = dt.datetime(2024, 11, 2, 1, 0, tzinfo=UTC)

        page_at = when_to_page(
            Severity.P2, friday_night, hours=BusinessHours("America/New_York")
        ).page_at

        assert dt.datetime(2024, 11, 4, 14, 0, tzinfo=UTC) == page_at

    def test_a_start_inside_the_spring_gap_still_pages(self):
        hours = BusinessHours(
            "Europe/Berlin", start=dt.time(2, 30), end=dt.time(4), weekdays=[6]
        )

        page_at = when_to_page(
            Severity.P2, dt.datetime(2024, 3, 30, 12, 0, tzinfo=UTC), hours=hours
        ).page_at

        # 02:30 does not exist that night; it is read as 03:30 CEST.
        assert dt.datetime(2024, 3, 31, 1, 30, tzinfo=UTC) == page_at

    def test_custom_policies_replace_the_defaults(self):
        policies = dict(DEFAULT_POLICIES)
        policies[Severity.P2] = ResponsePolicy(
            severity=Severity.P2,
            paging=Paging.IMMEDIATE,
            internal_status_page=True,
            public_status_page=True,
        )

        assert self.saturday_night == (
            when_to_page(Severity.P2, self.saturday_night, policies=policies).page_at
        )

    def test_naive_time_is_an_error(self):
        with pytest.raises(ValidationError, match=r"'at' must be a timezone-aware"):
            when_to_page(Severity.P1, dt.datetime(2024, 6, 1))


class TestPagingDecision:
    def test_page_at_is_stored_in_utc(self):
        berlin_summer = dt.timezone(dt.timedelta(hours=2))

        decision = PagingDecision(
            dt.datetime(2024, 6, 1, 16, 0, tzinfo=berlin_summer), ()
        )

        assert decision.page_at is not None
        assert UTC is decision.page_at.tzinfo
        assert dt.datetime(2024, 6, 1, 14, 0, tzinfo=UTC) == decision.page_at
        assert "2024-06-01T14:00:00+00:00" == decision.page_at.isoformat()

    def test_no_page_is_none(self):
        assert PagingDecision(None, ("P3 does not page.",)).page_at is None

    @pytest.mark.parametrize(
        "value", [dt.datetime(2024, 6, 1, 14, 0), "2024-06-01T14:00:00Z", 0]
    )
    def test_page_at_must_be_aware(self, value):
        with pytest.raises(
            ValidationError,
            match=r"^'page_at' must be a timezone-aware datetime or None \(got ",
        ) as caught:
            PagingDecision(value, ())

        assert "page_at" == caught.value.field
