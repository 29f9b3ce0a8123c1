"""classify_signals and reclassify: golden-signal decisions as a severity."""

import datetime as dt

import pytest

from incidentkit import Incident, Severity
from incidentkit.classify import (
    Impact,
    Outage,
    RuleClassifier,
    Scope,
    classify_signals,
    impact_from_signals,
    reclassify,
)
from incidentkit.errors import ValidationError
from incidentkit.signals import (
    Decision,
    GoldenSignals,
    Request,
    SignalState,
    Urgency,
    WindowValue,
)
from incidentkit.timeline import SeverityChanged


UTC = dt.timezone.utc
T0 = dt.datetime(2024, 6, 1, 12, 0, tzinfo=UTC)
MIN = dt.timedelta(minutes=1)


def healthy_day() -> GoldenSignals:
    gs = GoldenSignals(objective=0.999, latency_slo=dt.timedelta(seconds=1))
    for minute in range(24 * 60, 0, -1):
        at = T0 - minute * MIN
        gs.traffic.record(at, 1200)
        gs.errors.record(at, good=1200)
    return gs


def errors(state, urgency, ratio, *, events=3000.0, objective="99.9% good over 30d"):
    return Decision(
        "errors",
        state,
        SignalState.OK,
        T0,
        urgency,
        objective=objective,
        rule="page 14.4x over 1h and 5m",
        thresholds={"page 14.4x over 1h and 5m": 14.4},
        windows=[
            WindowValue("1h", dt.timedelta(hours=1), ratio / 2, events * 12),
            WindowValue("5m", 5 * MIN, ratio, events),
        ],
    )


def test_a_total_outage_measured_by_golden_signals_is_p1():
    gs = healthy_day()
    for tick in range(1, 40):  # every request fails for six and a half minutes
        now = T0 + dt.timedelta(seconds=10 * tick)
        gs.observe_many(
            Request(now, dt.timedelta(seconds=2), ok=False) for _ in range(200)
        )
        decisions = gs.evaluate(now)

    c = classify_signals(decisions)

    assert Severity.P1 is c.severity
    assert Outage.FULL is c.impact.outage
    assert Scope.ALL_USERS is c.impact.scope
    cited = next(r for r in c.reasons if r.startswith("errors firing (page)"))
    assert "100.0% of" in cited
    assert "over 5m" in cited
    assert "threshold 14.4x" in cited
    # The saturation signal had no readings: unknown, never healthy.
    assert ["signal-without-data"] == [f.code for f in c.findings]


def test_errors_near_all_traffic_cite_signal_window_value_and_threshold():
    c = classify_signals([errors(SignalState.FIRING, Urgency.PAGE, 0.97)])

    assert Severity.P1 is c.severity
    assert (
        "errors firing (page): 97.0% of 3000 requests failed over 5m (rule "
        "'page 14.4x over 1h and 5m' threshold 14.4x): errors near 100% of all "
        "traffic, a full outage for all users"
    ) == c.reasons[0]
    assert 0.97 == c.impact.affected_requests


def test_a_page_level_burn_on_a_core_objective_is_degraded_for_a_large_segment():
    c = classify_signals([errors(SignalState.FIRING, Urgency.PAGE, 0.3)])

    assert Severity.P2 is c.severity
    assert ("degraded-large-segment",) == c.matched


def test_a_page_level_burn_on_an_objective_not_listed_as_core_is_of_unknown_scope():
    c = classify_signals(
        [errors(SignalState.FIRING, Urgency.PAGE, 0.3, objective="batch exports")],
        core_objectives={"99.9% good over 30d"},
    )

    assert Severity.P3 is c.severity
    assert "if a large segment of users is affected: P2" in c.unknowns


def test_a_ticket_level_burn_is_p3_unless_other_facts_say_more():
    ticket = errors(SignalState.FIRING, Urgency.TICKET, 0.01)

    assert Severity.P3 is classify_signals([ticket]).severity
    more = classify_signals(
        [ticket], impact=Impact(payment_failures=True, peak_traffic=True)
    )
    assert Severity.P1 is more.severity


def test_traffic_collapsing_to_zero_is_a_full_outage():
    zero = Decision(
        "traffic",
        SignalState.FIRING,
        SignalState.OK,
        T0,
        Urgency.PAGE,
        windows=[WindowValue("rate", 5 * MIN, 0.0)],
        thresholds={"baseline": 1200.0, "lower": 900.0},
    )

    c = classify_signals([zero])

    assert Severity.P1 is c.severity
    assert c.reasons[0].startswith("traffic firing (page): 0 req/s over 5m against ")
    assert "a baseline of 1200 req/s" in c.reasons[0]


def test_a_traffic_spike_is_not_an_outage_by_itself():
    spike = Decision(
        "traffic",
        SignalState.FIRING,
        SignalState.OK,
        T0,
        windows=[WindowValue("rate", 5 * MIN, 5000.0)],
        thresholds={"baseline": 1200.0},
    )

    c = classify_signals([spike])

    assert c.fallback
    assert "not an outage by itself" in c.reasons[0]


@pytest.mark.parametrize(
    "state", [SignalState.NO_DATA, SignalState.INSUFFICIENT_DATA, SignalState.UNKNOWN]
)
def test_no_data_is_unknown_never_healthy(state):
    silent = Decision("errors", state, SignalState.OK, T0)

    impact, reasons, findings = impact_from_signals([silent])

    assert Impact() == impact
    assert ["signal-without-data"] == [f.code for f in findings]
    assert "unknown, not healthy" in reasons[0]


def test_the_facts_given_win_over_the_signals_and_the_disagreement_is_a_finding():
    c = classify_signals(
        [errors(SignalState.FIRING, Urgency.PAGE, 0.99)],
        impact=Impact(outage=Outage.PARTIAL, scope=Scope.LARGE_SEGMENT),
    )

    assert Severity.P2 is c.severity
    assert ["signals-disagree", "signals-disagree"] == [f.code for f in c.findings]


def test_latency_and_saturation_decisions():
    slow = Decision(
        "latency",
        SignalState.FIRING,
        SignalState.OK,
        T0,
        Urgency.PAGE,
        windows=[WindowValue("p99 ok", 5 * MIN, 1.8)],
        thresholds={"p99": 1.0},
    )
    full = Decision("saturation", SignalState.FIRING, SignalState.OK, T0, Urgency.PAGE)

    c = classify_signals([slow, full], classifier=RuleClassifier())

    assert Severity.P2 is c.severity
    assert "p99 ok 1.8s over 5m (p99 1)" in c.reasons[0]
    assert "says nothing about user impact" in c.reasons[1]


def test_bad_decisions_are_refused():
    with pytest.raises(ValidationError, match=r"'decisions\[0\]' must be a signals"):
        classify_signals([{"signal": "errors"}])  # type: ignore[list-item]
    with pytest.raises(ValidationError, match="'decisions' must be an iterable"):
        classify_signals(None)  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="'decisions' must be an iterable"):
        classify_signals("errors")  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="'impact' must be an Impact or None"):
        classify_signals([], impact="P1")  # type: ignore[arg-type]


def _incident(level: Severity) -> Incident:
    return Incident.declare("Checkout errors", severity=level, at=T0, declared_by="ana")


def test_reclassify_recommends_a_ready_to_apply_escalation():
    inc = _incident(Severity.P2)

    change = reclassify(inc, Impact(security_breach=True), at=T0 + 5 * MIN)

    assert change is not None
    assert change.escalates
    assert "escalate P2 to P1: a security breach is active" == change.reason
    applied = change.apply(inc, by="ana")
    assert Severity.P1 is applied.severity
    (recorded,) = applied.timeline.of_kind(SeverityChanged)
    assert "escalate P2 to P1: a security breach is active" == recorded.reason
    assert "ana" == recorded.by


def test_reclassify_from_decisions_and_a_de_escalation_names_what_would_keep_it():
    inc = _incident(Severity.P1)

    change = reclassify(
        inc, [errors(SignalState.FIRING, Urgency.PAGE, 0.3)], at=T0 + 5 * MIN
    )

    assert change is not None
    assert not change.escalates
    assert Severity.P2 is change.new
    assert change.reason.startswith("de-escalate P1 to P2: errors firing (page)")
    assert change.reason.endswith(
        "(it stays P1 if a security breach is active: P1; if payments are failing "
        "and it is peak traffic: P1)"
    )


def test_reclassify_says_nothing_when_the_severity_stands():
    inc = _incident(Severity.P1)

    assert reclassify(inc, Impact(security_breach=True), at=T0) is None


def test_a_change_applies_only_to_the_level_it_was_computed_from():
    inc = _incident(Severity.P2)
    change = reclassify(inc, Impact(security_breach=True), at=T0 + MIN)
    assert change is not None
    moved = inc.change_severity(Severity.P3, at=T0 + MIN)

    with pytest.raises(ValidationError, match=r"'incident\.severity' must be P2"):
        change.apply(moved)
    with pytest.raises(ValidationError, match="'incident' must be an Incident"):
        reclassify("INC-1", Impact(), at=T0)  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="'evidence' must be an Impact or"):
        reclassify(inc, "P1", at=T0)  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="'at' must be"):
        reclassify(inc, Impact(), at=dt.datetime(2024, 6, 1))


def test_decisions_without_measurements_are_cited_as_not_read():
    bare_errors = Decision("errors", SignalState.FIRING, SignalState.OK, T0)
    bare_traffic = Decision("traffic", SignalState.FIRING, SignalState.OK, T0)
    slow_ticket = Decision(
        "latency", SignalState.FIRING, SignalState.OK, T0, Urgency.TICKET
    )

    impact, reasons, _ = impact_from_signals([bare_errors, bare_traffic, slow_ticket])

    assert (
        "errors firing without a measured error ratio: not read",
        "traffic firing without a measured rate: not read",
        (
            "latency firing (ticket): no measured value (no threshold recorded): "
            "slow, for users of unknown scope"
        ),
    ) == reasons
    assert Outage.DEGRADED is impact.outage
    assert impact.scope is None


def test_one_decision_alone_is_read_too():
    impact, reasons, _ = impact_from_signals(
        errors(SignalState.FIRING, Urgency.PAGE, 0.99)
    )

    assert Outage.FULL is impact.outage
    assert 1 == len(reasons)
