"""comms.audit: due points settled, late, missed; promises, silences, findings."""

import datetime as dt

import pytest

from incidentkit import Audience, Incident, Severity, Status, ValidationError
from incidentkit.comms import (
    BrokenPromise,
    CadencePlanner,
    CadencePolicy,
    LongestSilence,
    Outcome,
    StatusUpdate,
    audit,
)


UTC = dt.timezone.utc
T0 = dt.datetime(2024, 6, 1, 14, 0, tzinfo=UTC)
MIN = dt.timedelta(minutes=1)
INTERNAL, PUBLIC = Audience.INTERNAL, Audience.PUBLIC


def at(minutes: float) -> dt.datetime:
    return T0 + dt.timedelta(minutes=minutes)


def update(audience, minute, next_in, status=Status.INVESTIGATING):
    return StatusUpdate(
        audience=audience,
        at=at(minute),
        status=status,
        known="Payments fail.",
        doing="Investigating.",
        next_update_at=None if next_in is None else at(minute + next_in),
    )


def declare(severity=Severity.P1):
    return Incident.declare("Checkout", severity=severity, at=T0, declared_by="ana")


def outcomes(report):
    return [
        (p.audience.value, f"{p.due_at:%H:%M}", p.outcome.value, p.posted_at)
        for p in report.points
    ]


def p1_history():
    """The tutorial's P1: one late public update, which broke its promise."""
    inc = declare()
    for audience, minute, next_in in [
        (INTERNAL, 4, 26),  # due 14:05 first; promises 14:30
        (PUBLIC, 5, 20),  # due 14:05 first; next 14:25
        (PUBLIC, 24, 20),  # due 14:25; next 14:44
        (INTERNAL, 30, 30),  # due 14:30 (promise); next 15:00
        (PUBLIC, 43, 17),  # due 14:44; promises 15:00
        (INTERNAL, 60, 30),  # due 15:00
        (PUBLIC, 69, 21),  # due 15:00 (promise): 9 minutes late
    ]:
        inc = inc.post(update(audience, minute, next_in))
    inc = inc.resolve(at=at(80))
    inc = inc.post(update(PUBLIC, 82, None, Status.RESOLVED))  # final due 15:25
    return inc.post(update(INTERNAL, 84, None, Status.RESOLVED))


class TestTheTutorialIncident:
    def test_every_due_point_and_its_outcome(self):
        report = audit(p1_history(), at(90))
        assert [
            ("internal", "14:05", "on_time", at(4)),
            ("public", "14:05", "on_time", at(5)),
            ("public", "14:25", "on_time", at(24)),
            ("internal", "14:30", "on_time", at(30)),
            ("public", "14:44", "on_time", at(43)),
            ("internal", "15:00", "on_time", at(60)),
            ("public", "15:00", "late", at(69)),
            ("internal", "15:25", "on_time", at(84)),
            ("public", "15:25", "on_time", at(82)),
        ] == outcomes(report)

    def test_one_late_update_that_broke_its_promise(self):
        report = audit(p1_history(), at(90))
        assert [9 * MIN] == [p.late_by for p in report.late]
        assert (
            BrokenPromise(
                audience=PUBLIC, posted_at=at(43), promised_at=at(60), next_at=at(69)
            ),
        ) == report.broken_promises
        assert 8 / 9 == report.on_time_ratio
        assert ["late-update", "broken-promise"] == [f.code for f in report.findings]
        assert (
            "The public update due 2024-06-01 15:00 UTC (promise) went out 9m late."
            == report.findings[0].message
        )

    def test_the_longest_silences(self):
        report = audit(p1_history(), at(90))
        assert (
            LongestSilence(audience=INTERNAL, start=at(30), end=at(60)),
            LongestSilence(audience=PUBLIC, start=at(43), end=at(69)),
        ) == report.silences
        assert 26 * MIN == report.longest_silence(PUBLIC)

    def test_explain_lists_the_numbers_and_findings(self):
        lines = audit(p1_history(), at(90)).explain().splitlines()
        assert (
            "Cadence of 20240601-140000-checkout at 2024-06-01 15:30 UTC: "
            "9 due points, 89% on time."
        ) == lines[0]
        assert "Longest public silence: 26m." == lines[2]
        assert 5 == len(lines)

    def test_events_after_the_audit_moment_are_not_seen(self):
        report = audit(p1_history(), at(50))
        assert [
            ("internal", "14:05", "on_time", at(4)),
            ("public", "14:05", "on_time", at(5)),
            ("public", "14:25", "on_time", at(24)),
            ("internal", "14:30", "on_time", at(30)),
            ("public", "14:44", "on_time", at(43)),
            ("internal", "15:00", "pending", None),
            ("public", "15:00", "pending", None),
        ] == outcomes(report)
        assert 1.0 == report.on_time_ratio
        assert () == report.findings


class TestFindings:
    def test_a_p1_without_updates_misses_both_channels(self):
        report = audit(declare(), at(10))
        assert 2 == report.count(Outcome.MISSED)
        assert 0.0 == report.on_time_ratio
        codes = sorted(f.code for f in report.findings)
        assert ["missed-update"] * 2 + ["silent-channel"] * 2 == codes
        assert {"public", "internal"} == {
            f.message.split()[3] for f in report.findings if f.code == "silent-channel"
        }

    def test_a_silent_channel_is_named(self):
        inc = declare(Severity.P2).post(update(INTERNAL, 3, 30))
        report = audit(inc, at(20))
        silent = [f for f in report.findings if f.code == "silent-channel"]
        assert [
            (
                "The policy requires public status updates for this incident, "
                "and none was posted."
            )
        ] == [f.message for f in silent]
        assert "20240601-140000-checkout" == silent[0].subject

    def test_nothing_is_flagged_before_the_first_update_is_due(self):
        report = audit(declare(), at(4))
        assert () == report.findings
        assert report.on_time_ratio is None

    def test_free_text_updates_lack_the_structured_elements(self):
        inc = declare().post_update(PUBLIC, "Looking into it", at=at(3))
        report = audit(inc, at(4))
        assert 1 == len(report.incomplete)
        assert ("what we know", "what we are doing", "next update time") == (
            report.incomplete[0].missing
        )
        assert ["incomplete-update"] == [f.code for f in report.findings]

    def test_a_final_update_needs_no_next_update_time(self):
        inc = declare().resolve(at=at(3))
        inc = inc.post_update(PUBLIC, "Fixed", at=at(4))
        report = audit(inc, at(5))
        assert [("what we know", "what we are doing")] == [
            i.missing for i in report.incomplete
        ]

    def test_a_promise_not_kept_yet_is_broken_once_it_passes(self):
        inc = declare().post(update(PUBLIC, 3, 10))
        assert () == audit(inc, at(13)).broken_promises
        report = audit(inc, at(14))
        assert (
            BrokenPromise(audience=PUBLIC, posted_at=at(3), promised_at=at(13)),
        ) == report.broken_promises
        assert report.broken_promises[0].late_by is None
        assert any("none has come yet" in f.message for f in report.findings)

    def test_a_due_point_not_met_before_resolution_is_missed(self):
        inc = declare().post(update(PUBLIC, 3, 10)).post(update(INTERNAL, 3, 30))
        inc = inc.resolve(at=at(20))
        public = [p for p in audit(inc, at(21)).points if p.audience is PUBLIC]
        assert [("14:05", "on_time"), ("14:13", "missed"), ("14:25", "pending")] == [
            (f"{p.due_at:%H:%M}", p.outcome.value) for p in public
        ]

    def test_a_long_silence_is_one_late_point(self):
        inc = declare().post(update(PUBLIC, 3, 20)).post(update(PUBLIC, 100, 20))
        public = [p for p in audit(inc, at(101)).points if p.audience is PUBLIC]
        assert ["on_time", "late", "pending"] == [p.outcome.value for p in public]
        assert [at(5), at(23), at(120)] == [p.due_at for p in public]
        assert 77 * MIN == public[1].late_by
        assert 97 * MIN == audit(inc, at(101)).longest_silence(PUBLIC)

    def test_a_p3_report_is_quiet(self):
        report = audit(declare(Severity.P3), at(600))
        assert ((), (), None) == (report.points, report.silences, report.on_time_ratio)
        assert report.longest_silence(PUBLIC) is None

    def test_a_custom_planner_is_used(self):
        planner = CadencePlanner(policy=CadencePolicy())
        assert () == audit(declare(), at(60), planner=planner).points

    def test_bad_arguments_are_refused(self):
        with pytest.raises(ValidationError, match="'planner' must be a CadencePlanner"):
            audit(declare(), at(1), planner="strict")  # type: ignore[arg-type]
        with pytest.raises(ValidationError, match="'now'"):
            audit(declare(), "now")  # type: ignore[arg-type]


def test_the_report_lists_missed_and_late_points():
    inc = declare().post(update(PUBLIC, 9, 20))
    report = audit(inc, at(10))
    assert [("internal", "14:05")] == [
        (p.audience.value, f"{p.due_at:%H:%M}") for p in report.missed
    ]
    assert [("public", "14:05")] == [
        (p.audience.value, f"{p.due_at:%H:%M}") for p in report.late
    ]
    assert (1, 1, 1, 0) == tuple(
        report.count(o)
        for o in (Outcome.MISSED, Outcome.LATE, Outcome.PENDING, Outcome.ON_TIME)
    )
