"""
Serialization round trips: incidentkit's wire format against pydantic v2 models.

Run: ``python benchmarks/bench_serialization.py [--n 10000] [--runs 3]`` (or
``nox -s bench``).  Add ``--profile`` to print where incidentkit's time goes
(cProfile, sorted by own time).

Data: *n* incidents (10,000 by default) built with the public API from a seeded
random generator, each with exactly 50 timeline events of every kind (declared,
role assignments, hand-offs and reliefs, status updates to both audiences, notes,
mitigations, acknowledgements, severity and status changes), as a real incident
history has them.

The peer: pydantic v2 models of the same shape, written here: the incident, role
assignments, and the ten event types as a union discriminated on ``kind``; strict
types, unknown keys forbidden, aware datetimes, the library's enums.  They are
built from the same data, and their JSON equals incidentkit's, key for key.

Measured, best of *runs* (interleaved, GC off while timing):

* dump: every incident to JSON text (``serialization.dumps`` against
  ``model_dump_json``);
* load: every text back into objects (``serialization.loads(text, Incident)``
  against ``Incident.model_validate_json``);
* the round trip, dump plus load.

Both round trips are checked to be lossless (equal objects) outside the timing.
Target: incidentkit's round trip takes at most 1.5 times pydantic's.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import sys
from collections.abc import Callable
from typing import Annotated, ClassVar, Literal, Union

from _harness import profile, timed, verdict
from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
)

from incidentkit import Audience, Incident, Role, Severity, Status, serialization


TARGET = 1.5
EVENTS = 50
SEED = 20240601


# -- the pydantic peer: the same shape, comparable validation ------------------------

Text = Annotated[str, StringConstraints(min_length=1)]
RoleName = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_\-]*$")]


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class EventModel(Model):
    at: AwareDatetime
    by: Text | None = None


class DeclaredModel(EventModel):
    kind: Literal["declared"] = "declared"
    title: Text
    severity: Severity


class AcknowledgedModel(EventModel):
    kind: Literal["acknowledged"] = "acknowledged"


class SeverityChangedModel(EventModel):
    kind: Literal["severity_changed"] = "severity_changed"
    old: Severity
    new: Severity
    reason: Text | None = None


class RoleAssignedModel(EventModel):
    kind: Literal["role_assigned"] = "role_assigned"
    role: RoleName
    person: Text


class RoleHandedOffModel(EventModel):
    kind: Literal["role_handed_off"] = "role_handed_off"
    role: RoleName
    from_person: Text
    to_person: Text


class RoleRelievedModel(EventModel):
    kind: Literal["role_relieved"] = "role_relieved"
    role: RoleName
    person: Text


class StatusChangedModel(EventModel):
    kind: Literal["status_changed"] = "status_changed"
    old: Status
    new: Status


class StatusUpdatePostedModel(EventModel):
    kind: Literal["status_update_posted"] = "status_update_posted"
    audience: Audience
    text: Text
    next_update_at: AwareDatetime | None = None
    status: Status | None = None
    known: Text | None = None
    doing: Text | None = None
    impact: Text | None = None
    owners: tuple[Text, ...] = ()
    stand_by: bool | None = None


class MitigationAppliedModel(EventModel):
    kind: Literal["mitigation_applied"] = "mitigation_applied"
    action: Text


class NoteModel(EventModel):
    kind: Literal["note"] = "note"
    text: Text


EventUnion = Annotated[
    Union[  # noqa: UP007 - the spelling pydantic documents for discriminated unions
        DeclaredModel,
        AcknowledgedModel,
        SeverityChangedModel,
        RoleAssignedModel,
        RoleHandedOffModel,
        RoleRelievedModel,
        StatusChangedModel,
        StatusUpdatePostedModel,
        MitigationAppliedModel,
        NoteModel,
    ],
    Field(discriminator="kind"),
]


class RoleAssignmentModel(Model):
    role: RoleName
    person: Text
    assumed_at: AwareDatetime
    relieved_at: AwareDatetime | None = None


class IncidentModel(Model):
    schema_version: Literal[1] = 1
    id: Text
    title: Text
    severity: Severity
    status: Status = Status.INVESTIGATING
    service: Text | None = None
    category: Text | None = None
    labels: dict[str, str] = Field(default_factory=dict)
    roles: tuple[RoleAssignmentModel, ...] = ()
    timeline: tuple[EventUnion, ...] = ()
    started_at: AwareDatetime | None = None
    detected_at: AwareDatetime | None = None
    declared_at: AwareDatetime | None = None
    acknowledged_at: AwareDatetime | None = None
    mitigated_at: AwareDatetime | None = None
    resolved_at: AwareDatetime | None = None
    closed_at: AwareDatetime | None = None


# -- realistic incidents, built with the public API ----------------------------------

PEOPLE = (
    "ana", "raj", "mei", "tom", "ines", "kofi", "lena", "yuki", "omar", "sara",
    "piotr", "dana", "femi", "noor", "jonas", "li",
)  # fmt: skip
SERVICES = ("checkout", "search", "payments", "auth", "catalog", "notifications")
CATEGORIES = ("connection-leak", "bad-deploy", "capacity", "dependency", None)
SIDE_ROLES = (
    Role.OPERATIONS_LEAD,
    Role.COMMUNICATIONS_LEAD,
    Role("scribe"),
    Role("sme-database"),
    Role("sme-network"),
)
NOTES = (
    "error rate is climbing on the EU cluster",
    "p99 latency back under 300 ms",
    "suspect the connection pool: 512/512 in use",
    "customer support reports failed payments",
    "dashboards lag by about two minutes",
    "rollback of 2024.06.1 started",
    "the replica is 40 s behind the primary",
)
UPDATES = (
    "We are investigating elevated error rates.",
    "A fix is being rolled out; some requests may still fail.",
    "Service is recovering; we continue to monitor.",
    "Checkout is degraded for some customers in Europe.",
)
ACTIONS = (
    "rolled back the last deploy",
    "scaled the pool to 1024 connections",
    "failed over to the secondary region",
    "disabled the recommendations feature flag",
    "restarted the stuck workers",
)


Move = Callable[["Builder", Incident, dt.datetime], Incident]


class Builder:
    """Grows one incident to exactly `EVENTS` events with random, legal moves."""

    def __init__(self, rng: random.Random, index: int) -> None:
        self.rng = rng
        base = dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc)
        self.now = base + dt.timedelta(minutes=rng.randrange(0, 365 * 24 * 60))
        self.people = rng.sample(PEOPLE, 6)
        what = rng.choice(("errors", "latency", "outage"))
        title = f"{rng.choice(SERVICES).title()} {what}"
        self.incident = Incident.declare(
            title,
            severity=rng.choice(list(Severity)),
            at=self.now,
            declared_by=self.people[0],
            service=rng.choice(SERVICES),
            category=rng.choice(CATEGORIES),
            detected_at=self.now - dt.timedelta(minutes=rng.randrange(0, 15)),
            started_at=self.now - dt.timedelta(minutes=rng.randrange(15, 60)),
            labels={"team": rng.choice(("payments", "core", "growth")), "region": "eu"},
            id=f"inc-{index:06d}",
        )

    def tick(self) -> dt.datetime:
        step = dt.timedelta(seconds=self.rng.randrange(5, 600))
        if self.rng.random() < 0.2:
            step += dt.timedelta(microseconds=self.rng.randrange(1, 1_000_000))
        self.now += step
        return self.now

    def by(self) -> str | None:
        return self.rng.choice(self.people) if self.rng.random() < 0.8 else None

    def step(self) -> None:
        """Add one event (or none, when the drawn move does not apply now)."""
        move = self.rng.choices(self.MOVES, weights=self.WEIGHTS)[0]
        self.incident = move(self, self.incident, self.tick())

    def note(self, inc: Incident, at: dt.datetime) -> Incident:
        return inc.note(self.rng.choice(NOTES), at=at, by=self.by())

    def update(self, inc: Incident, at: dt.datetime) -> Incident:
        promise = at + dt.timedelta(minutes=30) if self.rng.random() < 0.5 else None
        return inc.post_update(
            self.rng.choice((Audience.INTERNAL, Audience.PUBLIC)),
            self.rng.choice(UPDATES),
            at=at,
            next_update_at=promise,
            by=self.by(),
        )

    def mitigation(self, inc: Incident, at: dt.datetime) -> Incident:
        return inc.record_mitigation(self.rng.choice(ACTIONS), at=at, by=self.by())

    def acknowledge(self, inc: Incident, at: dt.datetime) -> Incident:
        return inc.acknowledge(at=at, by=self.by())

    def assign(self, inc: Incident, at: dt.datetime) -> Incident:
        free = [r for r in SIDE_ROLES if inc.holder(r) is None]
        if not free:
            return inc
        return inc.assign(self.rng.choice(free), self.rng.choice(self.people), at=at)

    def hand_off(self, inc: Incident, at: dt.datetime) -> Incident:
        role = self.rng.choice((Role.INCIDENT_COMMANDER, *SIDE_ROLES))
        current = inc.holder(role)
        if current is None:
            return inc
        to = self.rng.choice([p for p in self.people if p != current])
        return inc.hand_off(role, to, at=at, by=current)

    def relieve(self, inc: Incident, at: dt.datetime) -> Incident:
        held = [r for r in SIDE_ROLES if inc.holder(r) is not None]
        if not held:
            return inc
        return inc.relieve(self.rng.choice(held), at=at, by=self.by())

    def severity(self, inc: Incident, at: dt.datetime) -> Incident:
        new = self.rng.choice([s for s in Severity if s is not inc.severity])
        reason = self.rng.choice(("blast radius grew", "contained to one region", None))
        change = (
            inc.escalate if new.is_more_severe_than(inc.severity) else inc.downgrade
        )
        return change(new, at=at, reason=reason, by=self.by())

    def identify(self, inc: Incident, at: dt.datetime) -> Incident:
        if inc.status is not Status.INVESTIGATING:
            return inc
        return inc.identify(at=at, by=self.by())

    MOVES: ClassVar[tuple[Move, ...]] = (
        note,
        update,
        mitigation,
        acknowledge,
        assign,
        hand_off,
        relieve,
        severity,
        identify,
    )
    WEIGHTS: ClassVar[tuple[float, ...]] = (6, 5, 2, 1, 2, 1.5, 0.5, 1, 0.5)

    def finish(self) -> Incident:
        """Grow the timeline, then end closed (most), resolved or monitoring."""
        ending = self.rng.choices(("closed", "resolved", "monitoring"), (7, 2, 1))[0]
        tail = {"closed": 5, "resolved": 4, "monitoring": 2}[ending]
        while len(self.incident.timeline) < EVENTS - tail:
            self.step()
        inc = self.incident
        inc = inc.mitigate(at=self.tick(), how=self.rng.choice(ACTIONS), by=self.by())
        if ending != "monitoring":
            inc = inc.resolve(at=self.tick(), summary="root cause fixed", by=self.by())
        if ending == "closed":
            inc = inc.close(at=self.tick() + dt.timedelta(days=3), by=self.by())
        assert len(inc.timeline) == EVENTS, len(inc.timeline)  # noqa: S101
        return inc


def build_incidents(n: int) -> list[Incident]:
    rng = random.Random(SEED)
    return [Builder(rng, index).finish() for index in range(n)]


# -- measuring -----------------------------------------------------------------------


def check_lossless(
    incidents: list[Incident], models: list[IncidentModel], texts: list[str]
) -> None:
    """Fail loudly unless both round trips give back equal objects, same JSON."""
    for inc, model, text in zip(incidents, models, texts, strict=True):
        if serialization.loads(text, Incident) != inc:
            sys.exit(f"incidentkit round trip is lossy for {inc.id}")
        peer_text = model.model_dump_json()
        if IncidentModel.model_validate_json(peer_text) != model:
            sys.exit(f"pydantic round trip is lossy for {inc.id}")
        if json.loads(peer_text) != json.loads(text):
            sys.exit(f"pydantic's JSON differs from incidentkit's for {inc.id}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=10_000, help="incident count")
    parser.add_argument("--runs", type=int, default=3, help="repeats (best is kept)")
    parser.add_argument(
        "--profile", action="store_true", help="also cProfile incidentkit's side"
    )
    parser.add_argument("--top", type=int, default=30, help="rows of the profile")
    args = parser.parse_args()
    n, runs = max(1, args.n), max(1, args.runs)

    incidents = build_incidents(n)
    texts = [serialization.dumps(inc) for inc in incidents]
    models = [IncidentModel.model_validate_json(text) for text in texts]
    check_lossless(incidents, models, texts)
    peer_texts = [model.model_dump_json() for model in models]
    size = sum(len(text.encode()) for text in texts)

    def ik_dump() -> object:
        return [serialization.dumps(inc) for inc in incidents]

    def ik_load() -> object:
        return [serialization.loads(text, Incident) for text in texts]

    def pd_dump() -> object:
        return [model.model_dump_json() for model in models]

    def pd_load() -> object:
        return [IncidentModel.model_validate_json(text) for text in peer_texts]

    best: dict[str, float] = {}
    for _ in range(runs):
        times = {
            "ik dump": timed(ik_dump),
            "ik load": timed(ik_load),
            "pd dump": timed(pd_dump),
            "pd load": timed(pd_load),
        }
        times["ik round trip"] = times["ik dump"] + times["ik load"]
        times["pd round trip"] = times["pd dump"] + times["pd load"]
        for key, seconds in times.items():
            best[key] = min(best.get(key, float("inf")), seconds)

    print(
        f"serialization: {n:,} incidents x {EVENTS} events, "
        f"{size / 1e6:.1f} MB of JSON, best of {runs}"
    )
    print(
        f"{'phase':<12}{'incidentkit s':>15}{'pydantic s':>12}"
        f"{'ik us/inc':>11}{'pd us/inc':>11}{'ratio':>8}"
    )
    for phase in ("dump", "load", "round trip"):
        ik, pd = best[f"ik {phase}"], best[f"pd {phase}"]
        print(
            f"{phase:<12}{ik:>15.3f}{pd:>12.3f}"
            f"{ik / n * 1e6:>11.1f}{pd / n * 1e6:>11.1f}{ik / pd:>7.2f}x"
        )
    print("both round trips lossless; pydantic's JSON equals incidentkit's")
    ratio = best["ik round trip"] / best["pd round trip"]
    print(verdict("serialization round trip: incidentkit/pydantic", ratio, TARGET))

    if args.profile:
        profile("incidentkit dumps", ik_dump, args.top)
        profile("incidentkit loads", ik_load, args.top)


if __name__ == "__main__":
    main()
