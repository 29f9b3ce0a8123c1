"""comms rendering: text, Markdown, next-update times across DST; the public check;
the Statuspage export."""

import datetime as dt
import json
from pathlib import Path

import pytest

from incidentkit import Audience, Status, ValidationError
from incidentkit.comms import (
    STATUSPAGE_STATUS,
    StatusUpdate,
    check_public,
    local_time,
    next_update_phrase,
    render_markdown,
    render_text,
    to_statuspage,
)
from incidentkit.timeline import StatusUpdatePosted


UTC = dt.timezone.utc
FIXTURES = Path(__file__).parent / "fixtures"


def utc(  # noqa: PLR0917 - the fields of a datetime
    year: int,
    month: int,
    day: int,
    hour: int = 0,
    minute: int = 0,
    second: int = 0,
    micro: int = 0,
) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, second, micro, tzinfo=UTC)


def public(at, next_at, **kw):
    return StatusUpdate(
        audience=Audience.PUBLIC,
        at=at,
        status=kw.pop("status", Status.INVESTIGATING),
        known=kw.pop("known", "Some card payments are failing."),
        doing=kw.pop("doing", "We are investigating."),
        next_update_at=next_at,
        **kw,
    )


# Transition instants from the tz database, written out by hand:
# Europe/Berlin: 2024-03-31 01:00 UTC (CET +1 -> CEST +2), 2024-10-27 01:00 UTC back.
# America/New_York: 2024-03-10 07:00 UTC (EST -5 -> EDT -4), 2024-11-03 06:00 UTC.
# Australia/Adelaide: 2024-10-05 16:30 UTC (ACST +9:30 -> ACDT +10:30).
@pytest.mark.parametrize(
    ("zone", "posted", "next_at", "phrase"),
    [
        (
            "Europe/Berlin",
            utc(2024, 3, 31, 0, 50),  # 01:50 CET
            utc(2024, 3, 31, 1, 20),
            "Next update in 30 minutes, at 03:20 CEST (UTC+02:00).",
        ),
        (
            "Europe/Berlin",
            utc(2024, 10, 27, 0, 45),  # 02:45 CEST, the first time round
            utc(2024, 10, 27, 1, 15),
            "Next update in 30 minutes, at 02:15 CET (UTC+01:00).",
        ),
        (
            "America/New_York",
            utc(2024, 3, 10, 6, 50),  # 01:50 EST
            utc(2024, 3, 10, 7, 20),
            "Next update in 30 minutes, at 03:20 EDT (UTC-04:00).",
        ),
        (
            "America/New_York",
            utc(2024, 11, 3, 5, 40),  # 01:40 EDT
            utc(2024, 11, 3, 6, 10),
            "Next update in 30 minutes, at 01:10 EST (UTC-05:00).",
        ),
        (
            "Australia/Adelaide",
            utc(2024, 10, 5, 16, 20),  # 01:50 ACST on 6 October
            utc(2024, 10, 5, 16, 50),
            "Next update in 30 minutes, at 03:20 ACDT (UTC+10:30).",
        ),
        (
            "Asia/Kolkata",
            utc(2024, 6, 1, 14, 5),
            utc(2024, 6, 1, 14, 25),
            "Next update in 20 minutes, at 19:55 IST (UTC+05:30).",
        ),
        (
            "Asia/Kathmandu",  # no abbreviation in the tz database: the offset only
            utc(2024, 6, 1, 14, 5),
            utc(2024, 6, 1, 15, 35),
            "Next update in 1 hour 30 minutes, at 21:20 UTC+05:45.",
        ),
    ],
)
def test_next_update_times_are_right_across_daylight_saving_changes(
    zone, posted, next_at, phrase
):
    assert phrase == next_update_phrase(posted, next_at, zone)
    assert phrase == render_text(public(posted, next_at), zone=zone).splitlines()[-1]


@pytest.mark.parametrize(
    ("zone", "instant", "shown"),
    [
        (
            "Europe/Berlin",
            utc(2024, 3, 31, 0, 59),
            "01:59 CET (UTC+01:00), 31 Mar 2024",
        ),
        (
            "Europe/Berlin",
            utc(2024, 3, 31, 1, 0),
            "03:00 CEST (UTC+02:00), 31 Mar 2024",
        ),
        (
            "Europe/Berlin",
            utc(2024, 10, 27, 0, 30),
            "02:30 CEST (UTC+02:00), 27 Oct 2024",
        ),
        (
            "Europe/Berlin",
            utc(2024, 10, 27, 1, 30),
            "02:30 CET (UTC+01:00), 27 Oct 2024",
        ),
        ("UTC", utc(2024, 6, 1, 14, 5), "14:05 UTC, 1 Jun 2024"),
        ("Asia/Kolkata", utc(2024, 6, 1, 20, 0), "01:30 IST (UTC+05:30), 2 Jun 2024"),
    ],
)
def test_local_times_name_the_side_of_the_change(zone, instant, shown):
    assert shown == local_time(instant, zone)


def test_the_date_is_said_when_the_next_update_is_on_another_day():
    assert "Next update in 30 minutes, at 00:20 UTC on 2 Jun 2024." == (
        next_update_phrase(utc(2024, 6, 1, 23, 50), utc(2024, 6, 2, 0, 20))
    )
    # The same instants are one day in New York (19:50 and 20:20 EDT).
    assert "Next update in 30 minutes, at 20:20 EDT (UTC-04:00)." == (
        next_update_phrase(
            utc(2024, 6, 1, 23, 50), utc(2024, 6, 2, 0, 20), "America/New_York"
        )
    )


@pytest.mark.parametrize(
    ("delta", "words"),
    [
        (dt.timedelta(seconds=45), "45 seconds"),
        (dt.timedelta(minutes=1), "1 minute"),
        (dt.timedelta(minutes=29, seconds=40), "30 minutes"),
        (dt.timedelta(hours=1), "1 hour"),
        (dt.timedelta(hours=2, minutes=1), "2 hours 1 minute"),
        (dt.timedelta(days=1, hours=2), "1 day 2 hours"),
    ],
)
def test_waits_are_said_in_words(delta, words):
    t = utc(2024, 6, 1, 12, 0)
    assert next_update_phrase(t, t + delta).startswith(f"Next update in {words}, at")


def test_next_update_must_come_after():
    t = utc(2024, 6, 1, 12, 0)
    with pytest.raises(ValidationError, match="'next_at' must be a time after"):
        next_update_phrase(t, t)


def internal():
    t = utc(2024, 6, 1, 14, 30)
    return StatusUpdate(
        audience=Audience.INTERNAL,
        at=t,
        status=Status.IDENTIFIED,
        known="Release 2024.06.1 leaks database connections.",
        doing="Rolling back to 2024.05.3.",
        impact="About 2,000 orders an hour are failing.",
        owners=("ana (commander)", "raj (operations)"),
        stand_by=True,
        next_update_at=t + dt.timedelta(minutes=30),
    )


def test_an_internal_update_in_text():
    assert (
        "Internal update: Cause identified \u2014 16:30 CEST (UTC+02:00), 1 Jun 2024\n"
        "What we know: Release 2024.06.1 leaks database connections.\n"
        "What we are doing: Rolling back to 2024.05.3.\n"
        "Business impact: About 2,000 orders an hour are failing.\n"
        "Owners: ana (commander), raj (operations)\n"
        "Engineering teams: stand by\n"
        "Next update in 30 minutes, at 17:00 CEST (UTC+02:00)."
    ) == render_text(internal(), zone="Europe/Berlin")


def test_an_internal_update_in_markdown_from_its_event():
    assert (
        "### Internal update: Cause identified\n\n"
        "*14:30 UTC, 1 Jun 2024*\n\n"
        "**What we know:** Release 2024.06.1 leaks database connections.\n\n"
        "**What we are doing:** Rolling back to 2024.05.3.\n\n"
        "**Business impact:** About 2,000 orders an hour are failing.\n\n"
        "**Owners:** ana (commander), raj (operations)\n\n"
        "**Engineering teams:** stand by\n\n"
        "Next update in 30 minutes, at 15:00 UTC."
    ) == render_markdown(internal().to_event())


def test_a_public_final_update_in_text():
    u = public(
        utc(2024, 6, 1, 15, 22),
        None,
        status=Status.RESOLVED,
        known="Card payments work normally again. No payment data was lost.",
        doing="We will publish a summary of what happened.",
    )
    assert (
        "Resolved \u2014 11:22 EDT (UTC-04:00), 1 Jun 2024\n"
        "What we know: Card payments work normally again. No payment data was lost.\n"
        "What we are doing: We will publish a summary of what happened.\n"
        "This is the final update."
    ) == render_text(u, zone="America/New_York")


def test_markdown_escapes_what_the_update_says():
    u = public(
        utc(2024, 6, 1, 12, 0),
        utc(2024, 6, 1, 12, 20),
        known="*All* [logins](http://x) fail\n# now",
    )
    lines = render_markdown(u).split("\n\n")
    assert r"**What we know:** \*All\* \[logins\](http://x) fail # now" == lines[2]


def test_rendering_refuses_what_is_not_a_structured_update():
    free = StatusUpdatePosted(at=utc(2024, 6, 1), audience=Audience.PUBLIC, text="Hi")
    with pytest.raises(ValidationError, match=r"'event.status'"):
        render_text(free)
    with pytest.raises(ValidationError, match="'update' must be a StatusUpdate"):
        render_markdown("We are investigating")  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="'zone'"):
        render_text(internal(), zone="Mars/Olympus")
    with pytest.raises(ValidationError, match="'at' must be an aware"):
        local_time(dt.datetime(2024, 6, 1))


class TestCheckPublic:
    def codes(self, text, **kw):
        return [
            (f.code, f.message.split("(")[1].split(")")[0])
            for f in check_public(text, **kw)
        ]

    @pytest.mark.parametrize(
        ("text", "found"),
        [
            ("Traffic from 10.0.4.7 failed", [("public-ip-address", "'10.0.4.7'")]),
            ("Blocked 192.168.0.0/16", [("public-ip-address", "'192.168.0.0/16'")]),
            ("2001:db8::1 is unreachable", [("public-ip-address", "'2001:db8::1'")]),
            ("db-3.example.com is slow", [("public-hostname", "'db-3.example.com'")]),
            (
                "api.prod.example.com errors",
                [("public-hostname", "'api.prod.example.com'")],
            ),
            ("vault.internal is down", [("public-hostname", "'vault.internal'")]),
            ("web-12 restarted", [("public-hostname", "'web-12'")]),
            ("See OPS-1234", [("public-ticket-id", "'OPS-1234'")]),
            ("Tracked in #4521", [("public-ticket-id", "'#4521'")]),
        ],
    )
    def test_internal_details_are_flagged(self, text, found):
        assert found == self.codes(text)

    @pytest.mark.parametrize(
        "text",
        [
            "Some card payments are failing. Next update at 14:25.",
            "Visit www.githubstatus.com for updates.",
            "We rolled back release 2024.06.1 at 14:41:00.",
            "Errors rose 3.5 times; 1.2.3 is the app version.",
        ],
    )
    def test_plain_language_passes(self, text):
        assert [] == self.codes(text)

    def test_internal_names_and_the_poster_are_flagged(self):
        u = public(
            utc(2024, 6, 1, 12, 0),
            utc(2024, 6, 1, 12, 20),
            known="Payments fail; the Ledger team is on it.",
            doing="Raj is rolling back.",
            by="raj",
        )
        found = check_public(u, names=["ledger"])
        assert [
            ("public-internal-name", "known"),
            ("public-internal-name", "doing"),
        ] == [(f.code, f.subject) for f in found]
        assert "'known' names an internal name ('ledger')" in found[0].message

    def test_a_free_text_event_is_checked_by_its_text(self):
        event = StatusUpdatePosted(
            at=utc(2024, 6, 1), audience=Audience.PUBLIC, text="db-3 down, INC-7"
        )
        assert ["text", "text"] == [f.subject for f in check_public(event)]

    def test_bad_arguments_are_refused(self):
        for names in ["raj", 42, ["raj", ""], [None]]:
            with pytest.raises(ValidationError, match="'names' must be a collection"):
                check_public("text", names=names)  # type: ignore[arg-type]
        with pytest.raises(ValidationError, match="'update' must be"):
            check_public(42)  # type: ignore[arg-type]


class TestStatuspage:
    def real_update(self):
        data = json.loads(
            (FIXTURES / "statuspage_githubstatus_incidents.json").read_text("utf-8")
        )
        return data["incidents"][0]["incident_updates"][0]

    def test_the_payload_has_the_shape_of_a_real_incident_update(self):
        u = public(utc(2024, 6, 1, 14, 5, 7, 489000), utc(2024, 6, 1, 14, 25))
        payload = to_statuspage(u, incident_id="kctbh9vrtdwd", update_id="7f4jmtk5hldk")
        real = self.real_update()
        assert list(real) == list(payload)
        assert {
            k: type(v)
            for k, v in real.items()
            if v is not None and k != "affected_components"
        } == {k: type(v) for k, v in payload.items() if v is not None}
        assert "2024-06-01T14:05:07.489Z" == payload["created_at"]
        assert payload["created_at"] == payload["display_at"] == payload["updated_at"]
        assert len(real["created_at"]) == len(payload["created_at"])
        assert ("7f4jmtk5hldk", "kctbh9vrtdwd", "investigating", True) == (
            payload["id"],
            payload["incident_id"],
            payload["status"],
            payload["deliver_notifications"],
        )
        assert render_text(u) == payload["body"]
        json.dumps(payload)

    def test_the_status_mapping(self):
        assert {
            "investigating": "investigating",
            "identified": "identified",
            "monitoring": "monitoring",
            "resolved": "resolved",
            "closed": "postmortem",
        } == {s.value: v for s, v in STATUSPAGE_STATUS.items()}

    def test_the_body_uses_the_page_zone(self):
        u = public(utc(2024, 6, 1, 14, 5), utc(2024, 6, 1, 14, 25))
        body = to_statuspage(u, incident_id="x", zone="America/Tijuana")["body"]
        assert body.endswith("at 07:25 PDT (UTC-07:00).")

    def test_internal_updates_are_not_exported(self):
        with pytest.raises(
            ValidationError, match=r"'update.audience' must be Audience.PUBLIC"
        ):
            to_statuspage(internal(), incident_id="x")

    @pytest.mark.parametrize(
        ("kw", "match"),
        [
            ({"incident_id": ""}, "'incident_id'"),
            ({"incident_id": "x", "update_id": " "}, "'update_id'"),
            (
                {"incident_id": "x", "deliver_notifications": "yes"},
                "'deliver_notifications'",
            ),
        ],
    )
    def test_bad_arguments_are_refused(self, kw, match):
        u = public(utc(2024, 6, 1, 14, 5), utc(2024, 6, 1, 14, 25))
        with pytest.raises(ValidationError, match=match):
            to_statuspage(u, **kw)


def test_an_internal_update_without_details_says_only_the_three_elements():
    t = utc(2024, 6, 1, 14, 0)
    u = StatusUpdate(
        audience=Audience.INTERNAL,
        at=t,
        status=Status.MONITORING,
        known="Stable.",
        doing="Watching.",
        next_update_at=t + dt.timedelta(hours=1),
    )
    assert (
        "Internal update: Fix in place, monitoring \u2014 14:00 UTC, 1 Jun 2024\n"
        "What we know: Stable.\n"
        "What we are doing: Watching.\n"
        "Next update in 1 hour, at 15:00 UTC."
    ) == render_text(u)


def test_times_past_year_9999_in_the_zone_are_refused():
    late = dt.datetime(9999, 12, 31, 20, 0, tzinfo=UTC)
    with pytest.raises(ValidationError, match="'at' must be a time within years"):
        local_time(late, "Asia/Tokyo")
    with pytest.raises(ValidationError, match="'next_at' must be a time within"):
        next_update_phrase(late - dt.timedelta(hours=20), late, "Asia/Tokyo")
