"""Hypothesis strategies for incidentkit's public types."""

from __future__ import annotations

import datetime as dt
import string

from hypothesis import strategies as st

from incidentkit import (
    Audience,
    BusinessHours,
    Finding,
    Incident,
    Level,
    ResponsePolicy,
    Role,
    RoleAssignment,
    Severity,
    Status,
    Timeline,
)
from incidentkit.severity import Paging
from incidentkit.timeline import (
    Acknowledged,
    Declared,
    MitigationApplied,
    Note,
    RoleAssigned,
    RoleHandedOff,
    RoleRelieved,
    SeverityChanged,
    StatusChanged,
    StatusUpdatePosted,
)


UTC = dt.timezone.utc

offsets = st.integers(min_value=-14 * 60, max_value=14 * 60).map(
    lambda m: dt.timezone(dt.timedelta(minutes=m))
)
instants = st.datetimes(
    min_value=dt.datetime(2000, 1, 1),
    max_value=dt.datetime(2090, 1, 1),
    timezones=st.just(UTC) | offsets,
)
durations = st.timedeltas(
    min_value=dt.timedelta(seconds=1), max_value=dt.timedelta(days=30)
)
texts = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]),
    min_size=1,
    max_size=40,
).filter(lambda s: s.strip() != "")
people = st.sampled_from(["ana", "raj", "lee", "mo", "zoë", "李"])
optional_people = st.none() | people
severities = st.sampled_from(Severity)
statuses = st.sampled_from(Status)
role_names = st.text(alphabet=string.ascii_lowercase + "_-", min_size=0, max_size=12)
roles = st.sampled_from(
    [Role.INCIDENT_COMMANDER, Role.OPERATIONS_LEAD, Role.COMMUNICATIONS_LEAD]
) | role_names.map(lambda rest: Role("r" + rest))

events = st.one_of(
    st.builds(
        Declared, at=instants, by=optional_people, title=texts, severity=severities
    ),
    st.builds(Acknowledged, at=instants, by=optional_people),
    st.builds(
        SeverityChanged,
        at=instants,
        by=optional_people,
        old=severities,
        new=severities,
        reason=st.none() | texts,
    ),
    st.builds(RoleAssigned, at=instants, by=optional_people, role=roles, person=people),
    st.builds(
        RoleHandedOff,
        at=instants,
        by=optional_people,
        role=roles,
        from_person=people,
        to_person=people,
    ),
    st.builds(RoleRelieved, at=instants, by=optional_people, role=roles, person=people),
    st.builds(
        StatusChanged, at=instants, by=optional_people, old=statuses, new=statuses
    ),
    st.builds(
        StatusUpdatePosted,
        at=instants,
        by=optional_people,
        audience=st.sampled_from(Audience),
        text=texts,
        next_update_at=st.none() | instants,
    ),
    st.builds(MitigationApplied, at=instants, by=optional_people, action=texts),
    st.builds(Note, at=instants, by=optional_people, text=texts),
)
timelines = st.lists(events, max_size=12).map(Timeline)


@st.composite
def role_assignments(draw: st.DrawFn) -> RoleAssignment:
    start = draw(instants)
    end = draw(st.none() | durations.map(lambda d: start + d))
    return RoleAssignment(draw(roles), draw(people), start, end)


@st.composite
def incidents(draw: st.DrawFn) -> Incident:
    """Incidents with any consistent combination of milestones and status."""
    base = draw(instants)
    steps = st.timedeltas(min_value=dt.timedelta(0), max_value=dt.timedelta(days=3))
    times = []
    t = base
    for step in draw(st.lists(steps, min_size=7, max_size=7)):
        t = t + step
        times.append(t)
    started, detected, declared, acknowledged, restored, resolved, closed = times
    mitigated: dt.datetime | None = restored
    include = draw(st.lists(st.booleans(), min_size=7, max_size=7))
    level = draw(
        st.integers(min_value=0, max_value=3)
    )  # 0 open, 1 mitigated, 2 resolved, 3 closed
    if level == 0:
        status = draw(st.sampled_from([Status.INVESTIGATING, Status.IDENTIFIED]))
        mitigated = None
    elif level == 1:
        status = Status.MONITORING
    elif level == 2:
        status = Status.RESOLVED
    else:
        status = Status.CLOSED
    assignments: list[RoleAssignment] = []
    for role in draw(st.lists(roles, max_size=3, unique=True)):
        # Tenures of one role follow each other; the last may still be held.
        start = draw(instants)
        for person in draw(st.lists(people, min_size=1, max_size=3)):
            end = start + draw(durations)
            assignments.append(RoleAssignment(role, person, start, end))
            start = end
        if draw(st.booleans()):
            last = assignments[-1]
            assignments[-1] = RoleAssignment(last.role, last.person, last.assumed_at)
    return Incident(
        id=draw(texts),
        title=draw(texts),
        severity=draw(severities),
        status=status,
        service=draw(st.none() | texts),
        category=draw(st.none() | texts),
        labels=draw(st.dictionaries(texts, texts, max_size=3)),
        roles=tuple(draw(st.permutations(assignments))),
        timeline=draw(timelines),
        started_at=started if include[0] else None,
        detected_at=detected if include[1] else None,
        declared_at=declared if include[2] else None,
        acknowledged_at=acknowledged if include[3] else None,
        mitigated_at=mitigated,
        resolved_at=resolved if level >= 2 else None,
        closed_at=closed if level >= 3 else None,
    )


policies = st.builds(
    ResponsePolicy,
    severity=severities,
    paging=st.sampled_from(Paging),
    internal_status_page=st.booleans(),
    public_status_page=st.booleans(),
    first_update_within=st.none() | durations,
    internal_update_every=st.none() | durations,
    public_update_every=st.none() | durations,
    postmortem_required=st.booleans(),
    postmortem_due_within=st.none() | durations,
)


@st.composite
def business_hours(draw: st.DrawFn) -> BusinessHours:
    start = draw(st.times(max_value=dt.time(22, 0)))
    end_minutes = draw(st.integers(min_value=1, max_value=60))
    end = (
        dt.datetime.combine(dt.date(2000, 1, 1), start)
        + dt.timedelta(minutes=end_minutes)
    ).time()
    return BusinessHours(
        zone=draw(
            st.sampled_from(
                ["UTC", "Europe/Berlin", "America/New_York", "Asia/Kolkata"]
            )
        ),
        start=start,
        end=end,
        weekdays=draw(st.sets(st.integers(0, 6), min_size=1)),
    )


findings = st.builds(
    Finding,
    code=texts,
    message=texts,
    level=st.sampled_from(Level),
    subject=st.text(max_size=10),
)
