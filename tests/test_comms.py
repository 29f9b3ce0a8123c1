"""comms: status updates, cadence policies and the planner's rules."""

import datetime as dt

import pytest

from incidentkit import (
    DEFAULT_POLICIES,
    Audience,
    Incident,
    Severity,
    Status,
    ValidationError,
)
from incidentkit.comms import (
    DEFAULT_CADENCES,
    FINAL_UPDATE_WITHIN,
    PAGERDUTY_PUBLIC_CADENCE,
    Cadence,
    CadencePlanner,
    CadencePolicy,
    DueReason,
    Outcome,
    StatusUpdate,
    Step,
)
from incidentkit.severity import Paging, ResponsePolicy
from incidentkit.timeline import StatusUpdatePosted


UTC = dt.timezone.utc
T0 = dt.datetime(2024, 6, 1, 14, 0, tzinfo=UTC)
MIN = dt.timedelta(minutes=1)
INTERNAL, PUBLIC = Audience.INTERNAL, Audience.PUBLIC


def at(minutes: float) -> dt.datetime:
    return T0 + dt.timedelta(minutes=minutes)


def update(audience=PUBLIC, minute=5, next_in=20, status=Status.INVESTIGATING, **kw):
    return StatusUpdate(
        audience=audience,
        at=at(minute),
        status=status,
        known=kw.pop("known", "Payments fail."),
        doing=kw.pop("doing", "Investigating."),
        next_update_at=None if next_in is None else at(minute + next_in),
        **kw,
    )


def declare(severity=Severity.P1):
    return Incident.declare("Checkout", severity=severity, at=T0, declared_by="ana")


def summary(points):
    return [
        (p.audience.value, f"{p.due_at:%H:%M}", p.reason.value, p.outcome.value)
        for p in points
    ]


class TestStatusUpdate:
    def test_a_complete_update_keeps_its_fields(self):
        u = update(INTERNAL, impact="No orders", owners=["ana (ic)"], stand_by=True)
        assert ("No orders", ("ana (ic)",), True) == (u.impact, u.owners, u.stand_by)
        assert 20 * MIN == u.next_update_in
        assert not u.is_final

    @pytest.mark.parametrize("field", ["known", "doing"])
    @pytest.mark.parametrize("value", [None, "", "   "])
    def test_what_we_know_and_do_are_required(self, field, value):
        with pytest.raises(ValidationError, match=f"'{field}' must be a non-empty"):
            update(**{field: value})

    def test_the_next_update_time_is_required_before_the_final_update(self):
        with pytest.raises(ValidationError, match="'next_update_at' must be a time"):
            update(next_in=None)
        final = update(next_in=None, status=Status.RESOLVED)
        assert final.is_final
        assert final.next_update_in is None

    @pytest.mark.parametrize("next_in", [0, -5])
    def test_the_next_update_comes_after_the_posting_time(self, next_in):
        with pytest.raises(ValidationError, match="after the update"):
            update(next_in=next_in)

    @pytest.mark.parametrize(
        ("field", "value"),
        [("impact", "No orders"), ("owners", ("ana",)), ("stand_by", False)],
    )
    def test_public_updates_carry_no_internal_details(self, field, value):
        with pytest.raises(ValidationError, match=f"'{field}' must be nothing"):
            update(PUBLIC, **{field: value})

    @pytest.mark.parametrize(
        ("kw", "match"),
        [
            ({"audience": "public"}, "'audience' must be an Audience"),
            ({"status": "investigating"}, "'status' must be a Status"),
            ({"owners": "ana"}, "'owners' must be a sequence"),
            ({"owners": ["ana", ""]}, "'owners' must be a sequence"),
            ({"stand_by": "yes"}, "'stand_by' must be"),
            ({"at": dt.datetime(2024, 6, 1, 14, 5)}, "'at' must be"),
        ],
    )
    def test_bad_values_name_the_field(self, kw, match):
        base = {
            "audience": INTERNAL,
            "at": at(5),
            "status": Status.INVESTIGATING,
            "known": "k",
            "doing": "d",
            "next_update_at": at(25),
        }
        with pytest.raises(ValidationError, match=match):
            StatusUpdate(**{**base, **kw})

    def test_the_event_carries_every_element_and_reads_back(self):
        u = update(
            INTERNAL, impact="No orders", owners=["ana"], stand_by=False, by="lee"
        )
        event = u.to_event()
        assert "Payments fail. Investigating." == event.text
        assert (Status.INVESTIGATING, "Payments fail.", "Investigating.") == (
            event.status,
            event.known,
            event.doing,
        )
        assert (at(25), "No orders", ("ana",), False, "lee") == (
            event.next_update_at,
            event.impact,
            event.owners,
            event.stand_by,
            event.by,
        )
        assert u == StatusUpdate.from_event(event)

    def test_a_free_text_event_is_not_a_structured_update(self):
        event = StatusUpdatePosted(at=T0, audience=PUBLIC, text="Looking into it")
        with pytest.raises(ValidationError, match=r"'event.status' must be a value"):
            StatusUpdate.from_event(event)
        with pytest.raises(ValidationError, match="'event' must be"):
            StatusUpdate.from_event("Looking into it")  # type: ignore[arg-type]


class TestPost:
    def test_post_records_the_update_on_the_timeline(self):
        u = update()
        inc = declare().post(u)
        assert (u.to_event(),) == inc.timeline.of_kind(StatusUpdatePosted)

    def test_post_takes_an_event_too(self):
        event = StatusUpdatePosted(at=at(1), audience=PUBLIC, text="Looking")
        assert (event,) == declare().post(event).timeline.of_kind(StatusUpdatePosted)

    def test_post_refuses_other_values(self):
        with pytest.raises(ValidationError, match="'update' must be a StatusUpdate"):
            declare().post("We are investigating")

    def test_post_refuses_an_update_before_the_declaration(self):
        with pytest.raises(ValidationError, match="not be before the declaration"):
            declare().post(update(minute=-1))

    def test_post_leaves_the_old_incident_alone(self):
        inc = declare()
        inc.post(update())
        assert () == inc.timeline.of_kind(StatusUpdatePosted)


class TestPolicies:
    def test_defaults_follow_the_response_policies(self):
        p1, p2, p3 = (DEFAULT_CADENCES[s] for s in Severity)
        five = 5 * MIN
        assert Cadence(first_within=five, steps=[Step(30 * MIN)]) == p1.internal
        assert Cadence(first_within=five, steps=[Step(20 * MIN)]) == p1.public
        assert five == Cadence(first_within=five, steps=[Step(20 * MIN)]).final_within
        quarter = 15 * MIN
        assert Cadence(first_within=quarter, steps=[Step(30 * MIN)]) == p2.internal
        assert Cadence(first_within=quarter, steps=[Step(30 * MIN)]) == p2.public
        assert (None, None) == (p3.internal, p3.public)

    def test_a_policy_follows_its_response_policy(self):
        policy = ResponsePolicy(
            severity=Severity.P2,
            paging=Paging.IMMEDIATE,
            internal_status_page=True,
            public_status_page=False,
            first_update_within=10 * MIN,
            internal_update_every=45 * MIN,
        )
        cadence = CadencePolicy.from_response_policy(policy)
        assert cadence.public is None
        assert Cadence.every(45 * MIN, first_within=10 * MIN) == cadence.internal

    def test_a_required_page_without_a_rhythm_is_refused(self):
        policy = ResponsePolicy(
            severity=Severity.P2,
            paging=Paging.IMMEDIATE,
            internal_status_page=True,
            public_status_page=False,
            first_update_within=10 * MIN,
        )
        with pytest.raises(ValidationError, match=r"'policy.internal_update_every'"):
            CadencePolicy.from_response_policy(policy)
        with pytest.raises(ValidationError, match="'policy' must be a ResponsePolicy"):
            CadencePolicy.from_response_policy(DEFAULT_CADENCES[Severity.P1])  # type: ignore[arg-type]

    def test_stepwise_and_long_incident_mode(self):
        c = Cadence(
            first_within=5 * MIN,
            steps=[Step(20 * MIN, until=2 * 60 * MIN), Step(60 * MIN)],
        )
        assert c == PAGERDUTY_PUBLIC_CADENCE
        assert 20 * MIN == c.interval_at(119 * MIN)
        assert 60 * MIN == c.interval_at(120 * MIN)
        longer = c.with_long_incident_mode(after=6 * 60 * MIN, every=2 * 60 * MIN)
        assert [20 * MIN, 60 * MIN, 120 * MIN] == [
            longer.interval_at(a * MIN) for a in (0, 300, 400)
        ]

    @pytest.mark.parametrize(
        "steps",
        [
            [],
            [Step(MIN, until=MIN)],
            [Step(MIN), Step(MIN)],
            [Step(MIN, until=2 * MIN), Step(MIN, until=MIN), Step(MIN)],
            ["20m"],
        ],
    )
    def test_bad_steps_are_refused(self, steps):
        with pytest.raises(ValidationError, match="'steps' must be"):
            Cadence(first_within=MIN, steps=steps)

    @pytest.mark.parametrize("value", [dt.timedelta(0), -MIN, 300])
    def test_durations_must_be_positive(self, value):
        with pytest.raises(ValidationError, match="'every' must be a positive"):
            Step(value)
        with pytest.raises(ValidationError, match="'first_within' must be a positive"):
            Cadence(first_within=value, steps=[Step(MIN)])

    def test_a_cadence_policy_refuses_other_values(self):
        with pytest.raises(ValidationError, match="'public' must be a Cadence"):
            CadencePolicy(public=Step(MIN))  # type: ignore[arg-type]
        with pytest.raises(ValidationError, match="'audience' must be an Audience"):
            CadencePolicy().cadence("public")  # type: ignore[arg-type]

    def test_a_planner_needs_every_level(self):
        with pytest.raises(ValidationError, match="'policies' must be a mapping"):
            CadencePlanner(policies={Severity.P1: DEFAULT_CADENCES[Severity.P1]})
        with pytest.raises(ValidationError, match="'policies' must be a mapping"):
            CadencePlanner(policies=[])  # type: ignore[arg-type]


class TestPlanner:
    def test_first_updates_are_due_within_five_minutes_of_a_p1(self):
        due = CadencePlanner().next_due(declare(), at(1))
        assert [
            ("internal", "14:05", "first", "pending"),
            ("public", "14:05", "first", "pending"),
        ] == summary(due.values())

    def test_a_p3_needs_no_updates(self):
        inc = declare(Severity.P3)
        assert {} == CadencePlanner().next_due(inc, at(600))
        assert () == CadencePlanner().schedule(inc, until=at(600))

    def test_the_rhythm_follows_each_update(self):
        inc = declare().post(update(PUBLIC, minute=3, next_in=30))
        # Promised 14:33, but the P1 public rhythm (20 minutes) is sooner: 14:23.
        assert ("14:23", DueReason.RHYTHM) == (
            f"{CadencePlanner().next_due(inc, at(4))[PUBLIC].due_at:%H:%M}",
            CadencePlanner().next_due(inc, at(4))[PUBLIC].reason,
        )

    def test_a_sooner_promise_overrides_the_rhythm(self):
        inc = declare().post(update(PUBLIC, minute=3, next_in=10))
        point = CadencePlanner().next_due(inc, at(4))[PUBLIC]
        assert (at(13), DueReason.PROMISE) == (point.due_at, point.reason)

    def test_an_overdue_update_is_still_the_next_one_due(self):
        point = CadencePlanner().next_due(declare(), at(30))[INTERNAL]
        assert (at(5), Outcome.MISSED) == (point.due_at, point.outcome)

    def test_escalating_to_a_level_with_a_cadence_replans_from_then(self):
        inc = declare(Severity.P3).escalate(Severity.P1, at=at(60))
        points = CadencePlanner().schedule(inc, until=at(90))
        assert [
            ("internal", "15:05", "severity_change", "planned"),
            ("public", "15:05", "severity_change", "planned"),
            ("public", "15:25", "rhythm", "planned"),
        ] == summary(points)

    def test_an_escalation_keeps_a_sooner_due_time(self):
        inc = declare(Severity.P2).post(update(PUBLIC, minute=10, next_in=30))
        # P2 public rhythm: due 14:40.  Escalated at 14:38: P1's window ends 14:43.
        inc = inc.escalate(Severity.P1, at=at(38))
        assert at(40) == CadencePlanner().next_due(inc, at(39))[PUBLIC].due_at
        # Escalated at 14:20 instead: the P1 window (14:25) is sooner.
        inc2 = declare(Severity.P2).post(update(PUBLIC, minute=10, next_in=30))
        inc2 = inc2.escalate(Severity.P1, at=at(20))
        point = CadencePlanner().next_due(inc2, at(21))[PUBLIC]
        assert (at(25), DueReason.SEVERITY_CHANGE) == (point.due_at, point.reason)

    def test_downgrading_to_p3_stops_the_rhythm_but_not_a_promise(self):
        inc = declare(Severity.P2).post(update(PUBLIC, minute=10, next_in=20))
        inc = inc.post(
            update(INTERNAL, minute=10, next_in=None, status=Status.RESOLVED)
        )
        inc = inc.downgrade(Severity.P3, at=at(15))
        due = CadencePlanner().next_due(inc, at(16))
        assert [("public", "14:30", "promise", "pending")] == summary(due.values())

    def test_after_resolution_a_final_update_is_due(self):
        inc = declare().post(update(PUBLIC, minute=4, next_in=20))
        inc = inc.post(update(INTERNAL, minute=4, next_in=30))
        inc = inc.resolve(at=at(15))
        due = CadencePlanner().next_due(inc, at(16))
        assert [
            ("internal", "14:20", "final", "pending"),
            ("public", "14:20", "final", "pending"),
        ] == summary(due.values())

    def test_an_update_at_the_resolution_instant_is_the_final_update(self):
        inc = declare().post(update(PUBLIC, minute=4, next_in=20))
        inc = inc.resolve(at=at(10))
        inc = inc.post(update(PUBLIC, minute=10, next_in=None, status=Status.RESOLVED))
        public = [
            p for p in CadencePlanner().due_points(inc, at(60)) if p.audience is PUBLIC
        ]
        assert [
            ("public", "14:05", "first", "on_time"),
            ("public", "14:15", "final", "on_time"),
        ] == summary(public)

    def test_a_voluntary_update_on_a_p3_gets_a_final_update_due(self):
        inc = declare(Severity.P3).post(update(PUBLIC, minute=4, next_in=60))
        inc = inc.resolve(at=at(30))
        due = CadencePlanner().next_due(inc, at(31))
        assert [PUBLIC] == list(due)
        assert at(30) + FINAL_UPDATE_WITHIN == due[PUBLIC].due_at

    def test_one_policy_for_every_level(self):
        planner = CadencePlanner(policy=CadencePolicy(public=PAGERDUTY_PUBLIC_CADENCE))
        inc = declare(Severity.P3)
        points = planner.schedule(inc, until=at(150))
        # First at 14:05, then every 20 minutes until the age of 2 h, then hourly.
        assert ["14:05", "14:25", "14:45", "15:05", "15:25", "15:45", "16:05"] == [
            f"{p.due_at:%H:%M}" for p in points
        ]
        longer = planner.schedule(inc, until=at(300))
        assert ["16:05", "17:05", "18:05"] == [f"{p.due_at:%H:%M}" for p in longer][-3:]

    def test_an_open_incident_needs_a_horizon(self):
        with pytest.raises(ValidationError, match="'until' must be an instant"):
            CadencePlanner().schedule(declare())

    def test_a_resolved_schedule_ends_with_the_final_updates(self):
        inc = declare().resolve(at=at(12))
        assert [
            ("internal", "14:05", "first", "planned"),
            ("public", "14:05", "first", "planned"),
            ("internal", "14:17", "final", "planned"),
            ("public", "14:17", "final", "planned"),
        ] == summary(CadencePlanner().schedule(inc))

    def test_bad_arguments_are_refused(self):
        with pytest.raises(ValidationError, match="'incident' must be an Incident"):
            CadencePlanner().next_due("INC-1", at(1))  # type: ignore[arg-type]
        with pytest.raises(ValidationError, match="'now'"):
            CadencePlanner().next_due(declare(), dt.datetime(2024, 6, 1))
        with pytest.raises(ValidationError, match="'until'"):
            CadencePlanner().schedule(declare(), until="soon")  # type: ignore[arg-type]

    def test_an_incident_without_a_declaration_cannot_be_planned(self):
        inc = Incident(id="INC-1", title="t", severity=Severity.P1)
        with pytest.raises(ValidationError, match=r"'incident.declared_at'"):
            CadencePlanner().next_due(inc, at(1))

    def test_defaults_match_the_response_policies(self):
        # One source of truth: the default cadences are derived, not copied.
        for severity, policy in DEFAULT_POLICIES.items():
            assert (
                CadencePolicy.from_response_policy(policy) == DEFAULT_CADENCES[severity]
            )


def test_an_update_overdue_at_a_downgrade_to_p3_stays_due():
    inc = declare().downgrade(Severity.P3, at=at(7))
    due = CadencePlanner().next_due(inc, at(8))
    assert [
        ("internal", "14:05", "first", "missed"),
        ("public", "14:05", "first", "missed"),
    ] == summary(due.values())
    inc = inc.post(update(PUBLIC, minute=9, next_in=30))
    public = [
        p for p in CadencePlanner().due_points(inc, at(10)) if p.audience is PUBLIC
    ]
    assert [
        ("public", "14:05", "first", "late"),
        ("public", "14:39", "promise", "pending"),
    ] == summary(public)


def test_due_points_say_how_late_and_describe_themselves():
    inc = declare().post(update(PUBLIC, minute=9, next_in=20))
    points = CadencePlanner().due_points(inc, at(10))
    internal, public, pending = points
    assert (None, 4 * MIN, None) == (internal.late_by, public.late_by, pending.late_by)
    assert "public update due 2024-06-01 14:05 UTC (first): late" == public.describe()
    assert "internal update due 2024-06-01 14:05 UTC (first): missed" == (
        internal.describe()
    )
    on_time = CadencePlanner().due_points(declare().post(update(minute=2)), at(3))
    assert [None, None, None] == [p.late_by for p in on_time]


def test_an_incident_without_a_declared_event_is_read_from_its_fields():
    from incidentkit.timeline import SeverityChanged, Timeline

    escalated = SeverityChanged(at=at(30), old=Severity.P3, new=Severity.P1)
    built = Incident(
        id="INC-1",
        title="t",
        severity=Severity.P1,
        declared_at=T0,
        detected_at=T0,
        timeline=Timeline([escalated]),
    )
    # P3 until the escalation at 14:30: the first updates are due at 14:35.
    assert [at(35), at(35)] == [
        p.due_at for p in CadencePlanner().next_due(built, at(31)).values()
    ]
    plain = Incident(
        id="INC-2", title="t", severity=Severity.P2, declared_at=T0, detected_at=T0
    )
    assert [at(15), at(15)] == [
        p.due_at for p in CadencePlanner().next_due(plain, at(1)).values()
    ]


def test_a_steady_cadence_may_name_its_final_window():
    c = Cadence.every(20 * MIN, first_within=5 * MIN, final_within=MIN * 45)
    assert (5 * MIN, 45 * MIN) == (c.first_within, c.final_within)


def test_the_declared_event_stands_in_for_a_missing_declared_at():
    from incidentkit.timeline import Declared, Timeline

    declared = Declared(at=T0, title="t", severity=Severity.P2)
    built = Incident(
        id="INC-3", title="t", severity=Severity.P2, timeline=Timeline([declared])
    )
    assert [at(15), at(15)] == [
        p.due_at for p in CadencePlanner().next_due(built, at(1)).values()
    ]


def test_nothing_is_due_after_the_last_instant_a_datetime_holds():
    end = dt.datetime(9999, 12, 31, 23, 58, tzinfo=UTC)
    inc = Incident.declare("x", severity=Severity.P1, at=end, declared_by="ana")
    assert {} == CadencePlanner().next_due(inc, end)
    inc = Incident.declare(
        "x", severity=Severity.P3, at=end - 10 * MIN, declared_by="ana"
    ).escalate(Severity.P1, at=end)
    assert () == CadencePlanner().schedule(inc.resolve(at=end))
    early = end - 6 * MIN
    inc = Incident.declare("x", severity=Severity.P1, at=early, declared_by="ana")
    inc = inc.post(
        StatusUpdate(
            audience=PUBLIC,
            at=early + MIN,
            status=Status.INVESTIGATING,
            known="k",
            doing="d",
            next_update_at=end,
        )
    )
    due = CadencePlanner().next_due(inc, early + 2 * MIN)
    assert [
        ("internal", "23:57", "first", "pending"),
        ("public", "23:58", "promise", "pending"),
    ] == summary(due.values())
