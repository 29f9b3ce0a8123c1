"""comms properties: the plan is monotonic, following it is on time, and
dropping one update makes exactly its own due point late or missed."""

import datetime as dt
import itertools

import hypothesis.strategies as st
from hypothesis import given

from incidentkit import Audience, Incident, Severity, Status, serialization
from incidentkit.comms import (
    PAGERDUTY_PUBLIC_CADENCE,
    Cadence,
    CadencePlanner,
    CadencePolicy,
    DueReason,
    Outcome,
    StatusUpdate,
    audit,
)


UTC = dt.timezone.utc
T0 = dt.datetime(2024, 3, 31, 0, 0, tzinfo=UTC)
SECOND = dt.timedelta(seconds=1)
PLANNERS = [
    CadencePlanner(),
    CadencePlanner(
        policy=CadencePolicy(
            internal=Cadence.every(
                dt.timedelta(minutes=45), first_within=dt.timedelta(minutes=10)
            ),
            public=PAGERDUTY_PUBLIC_CADENCE,
        )
    ),
]


@st.composite
def situations(draw):
    """An incident with severity changes and maybe a resolution; a horizon."""
    severity = draw(st.sampled_from(Severity))
    inc = Incident.declare("Checkout", severity=severity, at=T0, declared_by="ana")
    elapsed = 0
    for _ in range(draw(st.integers(0, 3))):
        elapsed += draw(st.integers(1, 7200))
        new = draw(st.sampled_from([s for s in Severity if s is not inc.severity]))
        inc = inc.change_severity(new, at=T0 + elapsed * SECOND)
    if draw(st.booleans()):
        elapsed += draw(st.integers(1, 10800))
        inc = inc.resolve(at=T0 + elapsed * SECOND)
    horizon = T0 + (elapsed + draw(st.integers(1, 14400))) * SECOND
    return inc, horizon, draw(st.sampled_from(PLANNERS))


def follow(inc, plan, horizon, skip=None):
    """Post an update at every planned point (but *skip*), promising the next."""
    for index, point in enumerate(plan):
        later = [p for p in plan[index + 1 :] if p.audience is point.audience]
        if point is skip:
            continue
        final = point.reason is DueReason.FINAL
        inc = inc.post(
            StatusUpdate(
                audience=point.audience,
                at=point.due_at,
                status=Status.RESOLVED if final else Status.INVESTIGATING,
                known="Payments fail.",
                doing="Investigating.",
                next_update_at=None
                if final
                else (later[0].due_at if later else horizon + dt.timedelta(days=10)),
            )
        )
    return inc


def seen(report, horizon):
    return [
        (p.audience, p.due_at, p.outcome, p.posted_at)
        for p in report.points
        if p.due_at <= horizon
    ]


@given(situations())
def test_the_schedule_is_monotonic_and_never_before_declaration(situation):
    inc, horizon, planner = situation
    plan = planner.schedule(inc, until=horizon)
    for audience in Audience:
        times = [p.due_at for p in plan if p.audience is audience]
        assert all(a < b for a, b in itertools.pairwise(times))
        assert all(T0 < t <= horizon for t in times)
    assert all(p.outcome is Outcome.PLANNED and p.posted_at is None for p in plan)
    assert [p.due_at for p in plan] == sorted(p.due_at for p in plan)


@given(situations())
def test_following_the_plan_exactly_is_on_time(situation):
    inc, horizon, planner = situation
    plan = planner.schedule(inc, until=horizon)
    report = audit(follow(inc, plan, horizon), horizon, planner=planner)
    assert [(p.audience, p.due_at, Outcome.ON_TIME, p.due_at) for p in plan] == seen(
        report, horizon
    )
    assert all(
        p.outcome is Outcome.PENDING for p in report.points if p.due_at > horizon
    )
    assert () == report.findings
    # The recorded history plans the same points, now settled.
    assert [p.due_at for p in plan] == [
        p.due_at for p in planner.schedule(follow(inc, plan, horizon), until=horizon)
    ]


@given(situations(), st.data())
def test_dropping_one_update_affects_exactly_its_due_point(situation, data):
    inc, horizon, planner = situation
    plan = planner.schedule(inc, until=horizon)
    if not plan:
        return
    dropped = data.draw(st.sampled_from(plan))
    report = audit(follow(inc, plan, horizon, skip=dropped), horizon, planner=planner)

    mine = [p for p in plan if p.audience is dropped.audience]
    after = mine[mine.index(dropped) + 1 :]
    expected = []
    for p in plan:
        row = (p.audience, p.due_at, Outcome.ON_TIME, p.due_at)
        if p is dropped:
            if after and after[0].reason is not DueReason.FINAL:
                row = (p.audience, p.due_at, Outcome.LATE, after[0].due_at)
            else:
                outcome = Outcome.MISSED if p.due_at < horizon else Outcome.PENDING
                row = (p.audience, p.due_at, outcome, None)
        elif after and p is after[0] and p.reason is not DueReason.FINAL:
            continue  # it was due after the dropped update; that one never came
        expected.append(row)
    assert expected == seen(report, horizon)


@given(situations())
def test_reports_and_schedules_round_trip(situation):
    inc, horizon, planner = situation
    plan = planner.schedule(inc, until=horizon)
    report = audit(follow(inc, plan[:3], horizon), horizon, planner=planner)
    assert report == serialization.loads(serialization.dumps(report), type(report))
    assert planner == serialization.loads(serialization.dumps(planner), CadencePlanner)
