"""Every public class of every package: type hints resolve, values round-trip."""

import datetime as dt
import enum
import importlib
import inspect
import typing

import attrs
import pytest

from incidentkit import (
    DEFAULT_POLICIES,
    Audience,
    BusinessHours,
    Incident,
    Role,
    Severity,
    Timeline,
    metrics,
    serialization,
    when_to_page,
)
from incidentkit.incident import EFFECTS, STATUS_MILESTONES
from incidentkit.signals import (
    WORKBOOK_BUDGET_RULES,
    GoldenSignals,
    LatencySketch,
    Notifier,
    Request,
    ResourceReading,
    RollingCounts,
    Silence,
)
from incidentkit.spans import (
    TIME_TO_ACKNOWLEDGE,
    TIME_TO_RESTORE,
    IncidentRecord,
    Measurement,
    Span,
    Unmeasured,
)
from incidentkit.timeline import StatusUpdatePosted


PUBLIC_MODULES = [
    "incidentkit",
    "incidentkit.classify",
    "incidentkit.comms",
    "incidentkit.datasets",
    "incidentkit.errors",
    "incidentkit.findings",
    "incidentkit.incident",
    "incidentkit.interop",
    "incidentkit.interop.statuspage",
    "incidentkit.metrics",
    "incidentkit.mitigation",
    "incidentkit.postmortem",
    "incidentkit.rca",
    "incidentkit.render",
    "incidentkit.roles",
    "incidentkit.serialization",
    "incidentkit.severity",
    "incidentkit.signals",
    "incidentkit.spans",
    "incidentkit.testing",
    "incidentkit.timeline",
]
# Public classes that are not values on the wire: the abstract event base, the
# clocks, the error tree, an importer's result (a NamedTuple of wire values).
NOT_ON_THE_WIRE = {"Event", "SystemClock", "FixedClock", "Clock", "Imported"}

UTC = dt.timezone.utc
T0 = dt.datetime(2024, 6, 1, 12, 0, tzinfo=UTC)
MIN = dt.timedelta(minutes=1)


def public_classes():
    seen = {}
    for name in PUBLIC_MODULES:
        module = importlib.import_module(name)
        for attr in module.__all__:
            value = getattr(module, attr)
            if inspect.isclass(value):
                seen[f"{value.__module__}.{value.__qualname__}"] = value
    return dict(sorted(seen.items()))


CLASSES = public_classes()
WIRE_CLASSES = {
    name: cls
    for name, cls in CLASSES.items()
    if (attrs.has(cls) or cls is Timeline) and cls.__name__ not in NOT_ON_THE_WIRE
}


@pytest.mark.parametrize("cls", list(CLASSES.values()), ids=list(CLASSES))
def test_type_hints_resolve(cls):
    typing.get_type_hints(cls)
    for member_name, member in vars(cls).items():
        if inspect.isfunction(member) and not member_name.startswith("_"):
            typing.get_type_hints(member)


def test_signals_classes_are_covered():
    assert 25 <= sum(1 for n in WIRE_CLASSES if n.startswith("incidentkit.signals"))


def _collect(value, found):
    """Every attrs value reachable from *value*, one per class."""
    stack = [value]
    while stack:
        item = stack.pop()
        if attrs.has(type(item)):
            found.setdefault(type(item), item)
            stack.extend(getattr(item, a.name) for a in attrs.fields(type(item)))
        elif isinstance(item, Timeline):
            found.setdefault(Timeline, item)
            stack.extend(item)
        elif isinstance(item, (list, tuple, frozenset, set)):
            stack.extend(item)
        elif isinstance(item, typing.Mapping):
            stack.extend(item.values())


def _incident() -> Incident:
    inc = Incident.declare(
        "Checkout errors",
        severity=Severity.P2,
        at=T0,
        declared_by="ana",
        service="checkout",
        labels={"team": "payments"},
        started_at=T0 - 5 * MIN,
    )
    inc = inc.acknowledge(at=T0 + MIN, by="raj")
    inc = inc.assign(Role.OPERATIONS_LEAD, "raj", at=T0 + MIN)
    inc = inc.assign(Role("scribe"), "kim", at=T0 + MIN)
    inc = inc.hand_off(Role.INCIDENT_COMMANDER, "lee", at=T0 + 2 * MIN)
    inc = inc.relieve(Role("scribe"), at=T0 + 3 * MIN)
    inc = inc.escalate(Severity.P1, at=T0 + 4 * MIN, reason="payments failing")
    inc = inc.post_update(
        Audience.PUBLIC, "Investigating", at=T0 + 5 * MIN, next_update_at=T0 + 25 * MIN
    )
    inc = inc.record_mitigation("scaled out", at=T0 + 6 * MIN, by="raj")
    inc = inc.identify(at=T0 + 7 * MIN, cause="a leaking pool")
    inc = inc.mitigate(at=T0 + 8 * MIN, how="rolled back")
    return inc.resolve(at=T0 + 9 * MIN).close(at=T0 + 10 * MIN)


def _signals():
    gs = GoldenSignals(objective=0.999, latency_slo=dt.timedelta(seconds=1))
    for minute in range(24 * 60, 0, -1):
        at = T0 - minute * MIN
        gs.traffic.record(at, 1200)
        gs.errors.record(at, good=1200)
    for second in range(60):
        at = T0 + dt.timedelta(seconds=second)
        gs.observe(Request(at, dt.timedelta(milliseconds=80 + second), ok=second > 5))
        gs.observe_resource(ResourceReading(at, "cpu", used=0.5 + second / 200))
    # A silence that ended before the outage: it round-trips and mutes nothing.
    notifier = Notifier(silences=(Silence({"service": "default"}, T0),))
    notes: list[object] = []
    for tick in range(1, 13):  # a total outage: the errors alert fires
        now = T0 + MIN + dt.timedelta(seconds=10 * tick)
        gs.observe_many(
            Request(now, dt.timedelta(seconds=2), ok=False) for _ in range(200)
        )
        decisions = gs.evaluate(now)
        notes.extend(notifier.process(list(decisions)))
    sketch = LatencySketch()
    sketch.add_many([0.08, 0.12, 0.3])
    counts = RollingCounts()
    counts.add(T0, good=5, explicit=1)
    return [
        gs,
        decisions,
        notifier,
        notes,
        sketch.quantile(0.5),
        counts,
        counts.counts(T0 + MIN, 5 * MIN),
        Request(T0, dt.timedelta(milliseconds=80)),
        WORKBOOK_BUDGET_RULES,
    ]


def _spans(inc: Incident):
    return [
        IncidentRecord.of(inc),
        Span("declared_at", "resolved_at"),
        TIME_TO_RESTORE.measure(inc),
        Measurement(None, Unmeasured.MISSING, "started_at"),
        TIME_TO_ACKNOWLEDGE,
    ]


def _metrics(inc: Incident):
    records = [IncidentRecord.of(inc)] * 3
    return [
        metrics.summarize(records),
        metrics.summarize(records, by="month", censored=True, now=T0 + 60 * MIN),
        metrics.compare_periods(records, records),
        metrics.recurrence(records, fingerprint=lambda i: i.service),
        metrics.response_tiers(records),
        metrics.Period.containing(T0, "quarter", tz="Europe/Berlin"),
    ]


def _core():
    inc = _incident()
    return [
        inc,
        _spans(inc),
        inc.check_roles(T0 + 5 * MIN),
        list(DEFAULT_POLICIES.values()),
        list(EFFECTS.values()),
        list(STATUS_MILESTONES.values()),
        BusinessHours("Europe/Berlin", weekdays=[0, 2, 4]),
        when_to_page(Severity.P2, T0, hours=BusinessHours("Europe/Berlin")),
    ]


def _respond():
    from incidentkit import classify, mitigation

    impact = classify.Impact(
        scope=classify.Scope.LARGE_SEGMENT,
        outage=classify.Outage.PARTIAL,
        affected_users=0.3,
        facts={"region": "eu", "tier": 2, "vip": True, "share": 0.5},
    )
    c = classify.RuleClassifier().classify(impact)
    inc = Incident.declare(
        "Checkout errors", severity=Severity.P1, at=T0, declared_by="ana"
    )
    change = classify.reclassify(inc, impact, at=T0 + MIN)
    deploy = mitigation.Deployment(
        at=T0 - 5 * MIN,
        service="checkout",
        version="2",
        previous_version="1",
        strategy=mitigation.Strategy.CANARY,
        canary_percent=10,
    )
    ctx = mitigation.MitigationContext(
        impact_started_at=T0,
        deployments=[deploy],
        firing=[mitigation.Saturation(resource="cpu", utilisation=0.9, paging=True)],
        concentrations=[
            mitigation.Concentration(
                kind=mitigation.ConcentrationKind.FEATURE,
                name="search",
                share=0.8,
                flag="new-search",
            )
        ],
        capacity=[mitigation.CapacityAction(resource="cpu", action="add replicas")],
        runbooks=[
            mitigation.Runbook(
                title="canary", trigger=mitigation.Remedy.ROLL_BACK, steps=["pause"]
            )
        ],
    )
    return [classify.RuleClassifier(), c, change, ctx, mitigation.recommend(ctx)]


def _comms():
    from incidentkit import Status
    from incidentkit.comms import (
        PAGERDUTY_PUBLIC_CADENCE,
        CadencePlanner,
        CadencePolicy,
        StatusUpdate,
        audit,
    )

    inc = Incident.declare("API down", severity=Severity.P1, at=T0, declared_by="ana")
    inc = inc.post(
        StatusUpdate(
            audience=Audience.INTERNAL,
            at=T0 + 4 * MIN,
            status=Status.INVESTIGATING,
            known="Errors on every request.",
            doing="Investigating.",
            impact="No orders.",
            owners=["ana (commander)"],
            stand_by=True,
            next_update_at=T0 + 20 * MIN,
        )
    )
    inc = inc.post_update(Audience.PUBLIC, "Looking into it", at=T0 + 30 * MIN)
    planner = CadencePlanner(policy=CadencePolicy(public=PAGERDUTY_PUBLIC_CADENCE))
    return [
        inc.timeline.of_kind(StatusUpdatePosted)[0],
        StatusUpdate.from_event(inc.timeline.of_kind(StatusUpdatePosted)[0]),
        planner,
        CadencePlanner(),
        planner.schedule(inc, until=T0 + 3 * 60 * MIN),
        audit(inc, T0 + 60 * MIN),
    ]


def _learn():
    from incidentkit.postmortem import (
        ActionCategory,
        ActionItem,
        ActionStatus,
        BlameRule,
        Postmortem,
    )
    from incidentkit.rca import Fishbone
    from incidentkit.render import fishbone_layout

    diagram = Fishbone(problem="Site down").add(
        "code changes", "Leaky query", likely=True, evidence=["PR 42"]
    )
    diagram = diagram.add("code changes", "No cleanup", under="code-changes.1")
    chain = diagram.drill("code-changes.1").why("No leak check", evidence=["CI"])
    pm = (
        Postmortem.draft_from(_incident())
        .with_summary("The pool ran dry.")
        .with_went_well("Fast rollback")
        .with_root_cause(diagram, chain.conclude("Alert on pool usage"), "No alert")
        .with_action(
            ActionItem(
                "Alert on pool usage",
                owner="lee",
                due=dt.date(2024, 7, 1),
                category=ActionCategory.MONITORING,
                status=ActionStatus.IN_PROGRESS,
                link="https://example.com/T-1",
            )
        )
        .submit()
        .publish(at=T0 + 3 * MIN)
    )
    return [
        pm,
        BlameRule("rogue", r"rogue", "Calls a person rogue.", unless=["not"]),
        fishbone_layout(diagram),
    ]


def examples():
    found: dict[type, object] = {}
    _collect(_comms(), found)
    _collect(_core(), found)
    _collect(_metrics(_incident()), found)
    _collect(_learn(), found)
    _collect(_signals(), found)
    _collect(_respond(), found)
    return found


EXAMPLES = examples()


@pytest.mark.parametrize("name", list(WIRE_CLASSES))
def test_every_public_value_round_trips_through_json(name):
    cls = WIRE_CLASSES[name]
    assert cls in EXAMPLES, f"no example of {name}: build one in this test module"
    value = EXAMPLES[cls]

    text = serialization.dumps(value)
    back = serialization.loads(text, cls)

    assert value == back
    assert text == serialization.dumps(back)


@pytest.mark.parametrize(
    "cls",
    [c for c in CLASSES.values() if issubclass(c, enum.Enum)],
    ids=lambda c: c.__name__,
)
def test_every_public_enum_round_trips_through_json(cls):
    for member in cls:
        assert member is serialization.from_dict(serialization.to_dict(member), cls)
