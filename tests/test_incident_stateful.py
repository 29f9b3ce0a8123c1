"""A stateful Hypothesis test of the Incident API.

Random sequences of every public change (declare once, then assign, hand-offs,
severity changes, acknowledgements, updates, notes, mitigations and lifecycle
moves, also through `Incident.apply` with the move as text) with ordinary times
minutes apart (sometimes going back), times near years 1 and 9999 at offsets up
to ±14 h, naive times, blank text and lone surrogates.  After every step:

* anything raised is an `IncidentKitError` (recorded; the incident is kept);
* the incident builds again from its own fields (milestones in order and
  matching the status);
* the timeline is sorted by time;
* it round-trips through `serialization` and dumps to the same text again;
* every datetime it holds is aware UTC.

Under ``HYPOTHESIS_PROFILE=stress`` it runs the stress profile's number of
examples with longer runs and prints how many calls it made.
"""

from __future__ import annotations

import collections
import datetime as dt
import os
from typing import Any, ClassVar

import attrs
import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)

from incidentkit import MILESTONES, Audience, Incident, Role, Severity, serialization
from incidentkit.errors import IncidentKitError, ValidationError


UTC = dt.timezone.utc
BASE = dt.datetime(2024, 6, 1, 14, tzinfo=UTC)
STRESS = os.environ.get("HYPOTHESIS_PROFILE") == "stress"

if STRESS:
    SETTINGS = settings(
        max_examples=settings.get_profile("stress").max_examples,
        stateful_step_count=60,
        deadline=None,
    )
else:
    SETTINGS = settings(max_examples=50, stateful_step_count=30, deadline=None)

# -- strategies -----------------------------------------------------------------------

_offsets = st.one_of(
    st.sampled_from([-14 * 60, -12 * 60, -5 * 60, 0, 60, 5 * 60 + 30, 14 * 60]),
    st.integers(min_value=-14 * 60, max_value=14 * 60),
).map(lambda minutes: dt.timezone(dt.timedelta(minutes=minutes)))
# Naive (None), UTC, or a fixed offset; typed as tzinfo, as datetimes() wants.
_zones: st.SearchStrategy[dt.tzinfo] = st.one_of(st.none(), st.just(UTC), _offsets)
_near_first = st.datetimes(
    min_value=dt.datetime(1, 1, 1), max_value=dt.datetime(1, 1, 3), timezones=_zones
)
_near_last = st.datetimes(
    min_value=dt.datetime(9999, 12, 29),
    max_value=dt.datetime(9999, 12, 31, 23, 59, 59, 999999),
    timezones=_zones,
)
_edge_times = st.one_of(
    _near_first,
    _near_last,
    st.sampled_from(
        [
            dt.datetime.min.replace(tzinfo=UTC),
            dt.datetime.max.replace(tzinfo=UTC),
            dt.datetime(9999, 12, 31, 23, tzinfo=dt.timezone(dt.timedelta(hours=-5))),
            dt.datetime(1, 1, 1, tzinfo=dt.timezone(dt.timedelta(hours=1))),
            dt.datetime(2024, 6, 1, 14),  # naive
        ]
    ),
)
# ("step", minutes after the last time used, the offset to show it in) or a
# datetime used as it is.
_times = st.one_of(
    st.tuples(
        st.just("step"),
        st.integers(min_value=-20, max_value=90),
        st.one_of(st.just(UTC), _offsets),
    ),
    _edge_times,
)
_texts = st.one_of(
    st.sampled_from(["ana", "raj", "li", "rolled back", "", " ", "\t\n"]),
    st.sampled_from(["\ud800", "x\udfff", "ok \ud83d"]),
    st.text(max_size=12),
)
_optional_texts = st.one_of(st.none(), _texts)
_roles = st.one_of(
    st.sampled_from(
        [Role.INCIDENT_COMMANDER, Role.OPERATIONS_LEAD, Role.COMMUNICATIONS_LEAD]
    ),
    st.sampled_from([Role("scribe"), Role("sme-db")]),
    st.sampled_from(
        ["incident_commander", "operations_lead", "scribe", "Scribe", "", "a b"]
    ),
)
_severities = st.one_of(st.sampled_from(list(Severity)), st.sampled_from(["P1", "p3"]))
_moves = st.sampled_from(
    ["identify", "MITIGATE", "resolve", "close", "reopen", "Resolve", "bogus", ""]
)

# -- totals across examples (printed under the stress profile) --------------------

TOTALS: collections.Counter[str] = collections.Counter()


class IncidentMachine(RuleBasedStateMachine):
    inc: Incident
    last: dt.datetime
    calls: int
    failures: collections.Counter[str]

    _DATETIME_FIELDS: ClassVar[tuple[str, ...]] = MILESTONES

    def __init__(self) -> None:
        super().__init__()
        self.calls = 0
        self.failures = collections.Counter()

    # -- helpers ------------------------------------------------------------------

    def _time(self, drawn: Any) -> dt.datetime:
        if isinstance(drawn, dt.datetime):
            return drawn
        _, minutes, zone = drawn
        try:
            at = self.last + dt.timedelta(minutes=minutes)
        except OverflowError:
            at = self.last
        shown: dt.datetime
        try:
            shown = at.astimezone(zone)
        except OverflowError:
            shown = at
        return shown

    def _call(self, name: str, method: Any, **kwargs: Any) -> None:
        self.calls += 1
        try:
            new = method(**kwargs)
        except IncidentKitError as exc:
            self.failures[f"{name}: {type(exc).__name__}"] += 1
            return
        assert isinstance(new, Incident)
        self.inc = new
        at = kwargs.get("at")
        if isinstance(at, dt.datetime) and at.utcoffset() is not None:
            self.last = at.astimezone(UTC)

    # -- the declaration -----------------------------------------------------------

    @initialize(
        at=_times,
        severity=_severities,
        declared_by=_texts,
        title=_texts,
        commander=_optional_texts,
        detected_at=st.one_of(st.none(), _times),
    )
    def declare(  # noqa: PLR0917 - Hypothesis passes the drawn values by name
        self,
        at: Any,
        severity: Any,
        declared_by: str,
        title: str,
        commander: str | None,
        detected_at: Any,
    ) -> None:
        self.last = BASE
        self.calls += 1
        when = self._time(at)
        try:
            self.inc = Incident.declare(
                title,
                severity=severity,
                at=when,
                declared_by=declared_by,
                commander=commander,
                detected_at=None if detected_at is None else self._time(detected_at),
            )
        except IncidentKitError as exc:
            self.failures[f"declare: {type(exc).__name__}"] += 1
            self.inc = Incident.declare(
                "API down", severity=Severity.P2, at=BASE, declared_by="ana"
            )
        assert self.inc.declared_at is not None
        self.last = self.inc.declared_at

    # -- people ---------------------------------------------------------------------

    @rule(role=_roles, person=_texts, at=_times, by=_optional_texts)
    def assign(self, role: Any, person: str, at: Any, by: str | None) -> None:
        self._call(
            "assign",
            self.inc.assign,
            role=role,
            person=person,
            at=self._time(at),
            by=by,
        )

    @rule(role=_roles, to=_texts, at=_times)
    def hand_off(self, role: Any, to: str, at: Any) -> None:
        self._call("hand_off", self.inc.hand_off, role=role, to=to, at=self._time(at))

    @rule(role=_roles, at=_times)
    def relieve(self, role: Any, at: Any) -> None:
        self._call("relieve", self.inc.relieve, role=role, at=self._time(at))

    # -- severity ---------------------------------------------------------------------

    @rule(
        how=st.sampled_from(["change_severity", "escalate", "downgrade"]),
        severity=_severities,
        at=_times,
        reason=_optional_texts,
    )
    def severity(self, how: str, severity: Any, at: Any, reason: str | None) -> None:
        self._call(
            how,
            getattr(self.inc, how),
            severity=severity,
            at=self._time(at),
            reason=reason,
        )

    # -- record keeping -----------------------------------------------------------

    @rule(at=_times, by=_optional_texts)
    def acknowledge(self, at: Any, by: str | None) -> None:
        self._call("acknowledge", self.inc.acknowledge, at=self._time(at), by=by)

    @rule(
        audience=st.sampled_from(list(Audience)),
        text=_texts,
        at=_times,
        next_update_at=st.one_of(st.none(), _times),
    )
    def post_update(
        self, audience: Audience, text: str, at: Any, next_update_at: Any
    ) -> None:
        self._call(
            "post_update",
            self.inc.post_update,
            audience=audience,
            text=text,
            at=self._time(at),
            next_update_at=None
            if next_update_at is None
            else self._time(next_update_at),
        )

    @rule(text=_texts, at=_times, by=_optional_texts)
    def note(self, text: str, at: Any, by: str | None) -> None:
        self._call("note", self.inc.note, text=text, at=self._time(at), by=by)

    @rule(action=_texts, at=_times)
    def record_mitigation(self, action: str, at: Any) -> None:
        self._call(
            "record_mitigation",
            self.inc.record_mitigation,
            action=action,
            at=self._time(at),
        )

    # -- lifecycle ----------------------------------------------------------------

    @rule(at=_times, cause=_optional_texts)
    def identify(self, at: Any, cause: str | None) -> None:
        self._call("identify", self.inc.identify, at=self._time(at), cause=cause)

    @rule(at=_times, how=_optional_texts)
    def mitigate(self, at: Any, how: str | None) -> None:
        self._call("mitigate", self.inc.mitigate, at=self._time(at), how=how)

    @rule(at=_times, summary=_optional_texts)
    def resolve(self, at: Any, summary: str | None) -> None:
        self._call("resolve", self.inc.resolve, at=self._time(at), summary=summary)

    @rule(at=_times)
    def close(self, at: Any) -> None:
        self._call("close", self.inc.close, at=self._time(at))

    @rule(at=_times, reason=_texts)
    def reopen(self, at: Any, reason: str) -> None:
        self._call("reopen", self.inc.reopen, at=self._time(at), reason=reason)

    @rule(
        move=_moves,
        at=_times,
        keyword=st.sampled_from([None, "cause", "how", "summary", "reason"]),
        text=_texts,
    )
    def apply(self, move: str, at: Any, keyword: str | None, text: str) -> None:
        texts = {} if keyword is None else {keyword: text}
        self._call("apply", self.inc.apply, move=move, at=self._time(at), **texts)

    # -- invariants ---------------------------------------------------------------

    @invariant()
    def builds_again_from_its_fields(self) -> None:
        rebuilt = Incident(**attrs.asdict(self.inc, recurse=False))
        assert self.inc == rebuilt

    @invariant()
    def timeline_is_sorted(self) -> None:
        times = [event.at for event in self.inc.timeline]
        assert sorted(times) == times

    @invariant()
    def round_trips_through_the_wire(self) -> None:
        text = serialization.dumps(self.inc)
        loaded = serialization.loads(text, Incident)
        assert self.inc == loaded
        assert text == serialization.dumps(loaded)

    @invariant()
    def every_datetime_is_aware_utc(self) -> None:
        held: list[dt.datetime | None] = [
            getattr(self.inc, name) for name in self._DATETIME_FIELDS
        ]
        for assignment in self.inc.roles:
            held += [assignment.assumed_at, assignment.relieved_at]
        for event in self.inc.timeline:
            held += [event.at, getattr(event, "next_update_at", None)]
        for value in held:
            assert value is None or value.tzinfo is UTC

    def teardown(self) -> None:
        TOTALS["examples"] += 1
        TOTALS["calls"] += self.calls
        TOTALS["refused"] += sum(self.failures.values())
        TOTALS.update(self.failures)


def test_lone_surrogates_are_refused_by_the_model_not_only_the_wire() -> None:
    inc = Incident.declare("API down", severity=Severity.P2, at=BASE, declared_by="ana")

    with pytest.raises(ValidationError, match="'text' must be text without lone"):
        inc.note("\ud800", at=BASE)


def test_incident_api_as_a_state_machine() -> None:
    TOTALS.clear()
    run_state_machine_as_test(IncidentMachine, settings=SETTINGS)
    if STRESS:
        print(  # noqa: T201 - the stress run reports its size
            f"\nstateful incident run: {TOTALS['examples']} examples, "
            f"{TOTALS['calls']} method calls, {TOTALS['refused']} refused with "
            "an IncidentKitError"
        )
        for key, count in sorted(TOTALS.items()):
            if ":" in key:
                print(f"  {key}: {count}")  # noqa: T201
