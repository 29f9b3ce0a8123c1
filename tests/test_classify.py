"""incidentkit.classify: default rules, unknowns, extension, bad input, the wire."""

import pickle

import pytest

from incidentkit import DEFAULT_POLICIES, Severity, serialization
from incidentkit.classify import (
    DEFAULT_RULES,
    Classification,
    Classifier,
    Impact,
    Outage,
    Rule,
    RuleClassifier,
    RuleError,
    Scope,
    known_rules,
    register_rule,
)
from incidentkit.errors import IncidentKitError, ValidationError
from incidentkit.severity import Paging


P1, P2, P3 = Severity.P1, Severity.P2, Severity.P3


def classify(**facts):
    return RuleClassifier().classify(Impact(**facts))


# -- the process's own definitions -------------------------------------------------


@pytest.mark.parametrize(
    ("facts", "expected", "rule"),
    [
        (
            {"outage": Outage.FULL, "scope": Scope.ALL_USERS},
            P1,
            "full-outage-all-users",
        ),
        ({"security_breach": True}, P1, "security-breach"),
        (
            {"payment_failures": True, "peak_traffic": True},
            P1,
            "payments-failing-at-peak",
        ),
        ({"outage": Outage.PARTIAL}, P2, "service-outage"),
        (
            {"outage": Outage.DEGRADED, "scope": Scope.LARGE_SEGMENT},
            P2,
            "degraded-large-segment",
        ),
        ({"core_feature": True}, P2, "core-feature-impaired"),
        ({"outage": Outage.NONE}, P3, "minor-bug"),
        ({"cosmetic": True}, P3, "cosmetic-glitch"),
        ({"scope": Scope.SINGLE_USER}, P3, "single-user"),
        ({"optimisation_request": True}, P3, "optimisation-request"),
    ],
)
def test_each_definition_of_the_process_gives_its_level(facts, expected, rule):
    c = classify(**facts)

    assert expected is c.severity
    assert rule == c.matched[0]
    assert not c.fallback
    assert DEFAULT_POLICIES[expected] == c.policy


def test_scenario_partial_outage_for_a_large_segment_is_p2_with_what_would_make_it_p1():
    c = RuleClassifier().classify(
        Impact(scope=Scope.LARGE_SEGMENT, outage=Outage.PARTIAL)
    )

    assert P2 is c.severity
    assert ("part or all of the service is down",) == c.reasons
    assert (
        "if a security breach is active: P1",
        "if payments are failing and it is peak traffic: P1",
    ) == c.unknowns
    assert Paging.BUSINESS_HOURS is c.policy.paging


def test_a_full_outage_of_unknown_scope_asks_whether_all_users_are_affected():
    c = classify(outage=Outage.FULL)

    assert P2 is c.severity
    assert "if all users are affected: P1" in c.unknowns


def test_payments_failing_off_peak_asks_only_about_peak_traffic():
    c = classify(payment_failures=True)

    assert P3 is c.severity  # nothing else known: the fallback
    assert "if it is peak traffic: P1" in c.unknowns


def test_degraded_of_unknown_scope_names_the_mildest_scope_that_makes_it_p2():
    c = classify(outage=Outage.DEGRADED)

    assert P3 is c.severity
    assert ("minor-degradation",) == c.matched
    assert "if a large segment of users is affected: P2" in c.unknowns
    assert "if all users are affected: P2" not in c.unknowns


def test_the_worst_matching_rule_wins_and_the_lesser_ones_are_listed():
    c = classify(security_breach=True, cosmetic=True, outage=Outage.PARTIAL)

    assert P1 is c.severity
    assert ("security-breach", "service-outage", "cosmetic-glitch") == c.matched
    assert (
        "a security breach is active",
        "also P2: part or all of the service is down",
        "also P3: the problem is only cosmetic",
    ) == c.reasons
    assert () == c.unknowns  # nothing is more severe than P1


def test_known_negatives_leave_no_unknowns():
    c = classify(
        outage=Outage.PARTIAL,
        scope=Scope.LARGE_SEGMENT,
        security_breach=False,
        payment_failures=False,
    )

    assert () == c.unknowns


def test_nothing_known_is_the_documented_fallback_and_says_so():
    c = RuleClassifier().classify(Impact())

    assert P3 is c.severity
    assert c.fallback
    assert () == c.matched
    assert ("no rule matched the known facts; P3 is the fallback",) == c.reasons
    assert "if a security breach is active: P1" in c.unknowns
    assert "if the outage is partial: P2" in c.unknowns


def test_a_chosen_fallback_is_used():
    c = RuleClassifier(fallback=P2).classify(Impact())

    assert P2 is c.severity
    assert c.fallback


def test_explain_reads_as_a_paragraph():
    c = classify(outage=Outage.FULL, scope=Scope.ALL_USERS)

    assert (
        "P1 (critical): a full outage affects all users; also P2: part or all of "
        "the service is down."
    ) == c.explain()
    assert (
        "P2 (high): part or all of the service is down. Still unknown: if a "
        "security breach is active: P1; if payments are failing and it is peak "
        "traffic: P1."
    ) == classify(outage=Outage.PARTIAL).explain()


# -- contradictions ----------------------------------------------------------------


@pytest.mark.parametrize(
    "facts",
    [
        {"scope": Scope.NONE, "outage": Outage.FULL},
        {"scope": Scope.NONE, "affected_users": 0.3},
        {"cosmetic": True, "outage": Outage.PARTIAL},
        {"scope": Scope.ALL_USERS, "affected_users": 0.2},
        {"scope": Scope.LARGE_SEGMENT, "affected_users": 0.0},
        {"optimisation_request": True, "outage": Outage.FULL},
        {"scope": Scope.SINGLE_USER, "outage": Outage.FULL},
        {"cosmetic": True, "core_feature": True},
    ],
)
def test_contradictory_facts_give_a_finding_not_a_silent_pick(facts):
    c = classify(**facts)

    assert ["contradictory-impact"] == [f.code for f in c.findings]


def test_consistent_facts_give_no_finding():
    assert () == classify(scope=Scope.ALL_USERS, outage=Outage.FULL).findings


# -- extension ---------------------------------------------------------------------


EU = Rule(
    "eu-region-down",
    lambda impact: impact.facts.get("region") == "eu",
    Severity.P1,
    "EU outage breaches our regulator SLA",
)


def test_scenario_a_custom_rule_over_custom_facts():
    rules = (*DEFAULT_RULES, EU)
    impact = Impact(outage=Outage.PARTIAL, facts={"region": "eu"})

    c = RuleClassifier(rules).classify(impact)

    assert P1 is c.severity
    assert ("eu-region-down", "service-outage") == c.matched
    assert P2 is RuleClassifier().classify(impact).severity


def test_with_rules_and_without():
    base = RuleClassifier()

    assert P1 is base.with_rules(EU).classify(Impact(facts={"region": "eu"})).severity
    trimmed = base.without("security-breach")
    assert P3 is trimmed.classify(Impact(security_breach=True)).severity
    with pytest.raises(ValidationError, match="'names' must be names of rules"):
        base.without("no-such-rule")


def test_a_replaced_rule_set_is_all_there_is():
    only = RuleClassifier([EU])

    assert only.classify(Impact(security_breach=True)).fallback
    assert P1 is only.classify(Impact(facts={"region": "eu"})).severity


def test_a_rule_that_declares_what_it_reads_gets_unknowns():
    big = Rule(
        "checkout-core",
        lambda i: i.core_feature is True and i.peak_traffic is True,
        Severity.P1,
        "checkout at peak",
        reads=("core_feature", "peak_traffic"),
    )

    c = RuleClassifier([*DEFAULT_RULES, big]).classify(Impact(core_feature=True))

    assert "if it is peak traffic: P1" in c.unknowns


def test_a_classifier_of_ones_own_satisfies_the_protocol():
    class Always:
        def classify(self, impact: Impact) -> Classification:
            return Classification(
                severity=P3,
                policy=DEFAULT_POLICIES[P3],
                reasons=("always",),
                impact=impact,
            )

    assert isinstance(Always(), Classifier)
    assert not isinstance(object(), Classifier)


# -- bad input ---------------------------------------------------------------------


def test_a_predicate_that_raises_is_reported_with_the_rules_name():
    broken = Rule("tier-gold", lambda i: i.facts["tier"] == "gold", P1, "gold tier")

    with pytest.raises(RuleError, match="rule 'tier-gold' failed: KeyError") as info:
        RuleClassifier([broken]).classify(Impact())

    assert isinstance(info.value, IncidentKitError)
    assert "tier-gold" == info.value.rule
    assert isinstance(info.value.__cause__, KeyError)
    assert "tier-gold" == pickle.loads(pickle.dumps(info.value)).rule


def test_a_predicate_that_returns_a_non_bool_is_reported():
    sloppy = Rule("sloppy", lambda i: i.facts.get("region"), P1, "sloppy")  # type: ignore[arg-type, return-value]

    with pytest.raises(RuleError, match=r"rule 'sloppy' returned 'eu', expected True"):
        RuleClassifier([sloppy]).classify(Impact(facts={"region": "eu"}))


def test_a_predicate_that_raises_on_a_counterfactual_is_reported_too():
    def picky(i: Impact) -> bool:
        if i.security_breach is not None:
            raise RuntimeError("boom")
        return False

    rule = Rule("picky", picky, P1, "picky", reads=("security_breach",))

    with pytest.raises(RuleError, match="rule 'picky' failed: RuntimeError: boom"):
        RuleClassifier([rule]).classify(Impact())


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"scope": "all_users"}, "'scope' must be a Scope"),
        ({"outage": None, "security_breach": "yes"}, "'security_breach' must be True"),
        ({"peak_traffic": 1}, "'peak_traffic' must be True, False or None"),
        ({"affected_users": 1.5}, "'affected_users' must be a number from 0 to 1"),
        ({"affected_requests": float("nan")}, "'affected_requests' must be"),
        ({"affected_users": True}, "'affected_users' must be"),
        ({"facts": {"": "x"}}, "'facts' must be a mapping of non-empty names"),
        ({"facts": {"a": [1]}}, "'facts' must be a mapping"),
        ({"facts": {"a": float("inf")}}, "'facts' must be a mapping"),
        ({"facts": "region=eu"}, "'facts' must be a mapping"),
    ],
)
def test_bad_impacts_name_the_field(kwargs, match):
    with pytest.raises(ValidationError, match=match):
        Impact(**kwargs)


@pytest.mark.parametrize(
    ("args", "kwargs", "match"),
    [
        (("", lambda _: True, P1, "r"), {}, "'name' must be a non-empty string"),
        (("x", "not code", P1, "r"), {}, "'predicate' must be a callable"),
        (("x", lambda _: True, "P1", "r"), {}, "'severity' must be a Severity"),
        (("x", lambda _: True, P1, " "), {}, "'reason' must be a non-empty string"),
        (("x", lambda _: True, P1, "r"), {"reads": ("facts",)}, "'reads' must be"),
        (("x", lambda _: True, P1, "r"), {"reads": "scope"}, "'reads' must be"),
    ],
)
def test_bad_rules_name_the_field(args, kwargs, match):
    with pytest.raises(ValidationError, match=match):
        Rule(*args, **kwargs)


def test_a_rule_set_with_a_name_twice_is_refused():
    with pytest.raises(ValidationError, match=r"distinct names \(eu-region-down twice"):
        RuleClassifier([EU, EU])


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"rules": [object()]}, "'rules' must be a sequence of Rule"),
        ({"rules": 5}, "'rules' must be a sequence of Rule"),
        ({"fallback": "P3"}, "'fallback' must be a Severity"),
        (
            {"policies": {P1: DEFAULT_POLICIES[P1]}},
            "'policies' must be a mapping of every Severity",
        ),
        (
            {
                "policies": {
                    P1: DEFAULT_POLICIES[P2],
                    P2: DEFAULT_POLICIES[P2],
                    P3: DEFAULT_POLICIES[P3],
                }
            },
            "'policies' must be",
        ),
    ],
)
def test_bad_classifiers_name_the_field(kwargs, match):
    with pytest.raises(ValidationError, match=match):
        RuleClassifier(**kwargs)


def test_classify_refuses_what_is_not_an_impact():
    with pytest.raises(ValidationError, match="'impact' must be an Impact"):
        RuleClassifier().classify({"scope": "all_users"})  # type: ignore[arg-type]


def test_merge_fills_unknowns_and_keeps_known_facts():
    mine = Impact(scope=Scope.LARGE_SEGMENT, facts={"region": "eu", "tier": 1})
    theirs = Impact(scope=Scope.ALL_USERS, outage=Outage.FULL, facts={"region": "us"})

    merged = mine.merge(theirs)

    assert Scope.LARGE_SEGMENT is merged.scope
    assert Outage.FULL is merged.outage
    assert {"region": "eu", "tier": 1} == dict(merged.facts)
    assert mine is mine.merge(Impact())
    with pytest.raises(ValidationError, match="'other' must be an Impact"):
        mine.merge(None)  # type: ignore[arg-type]


# -- the wire ----------------------------------------------------------------------


def test_rules_serialise_by_name():
    assert '"security-breach"' in serialization.dumps(RuleClassifier(DEFAULT_RULES[:2]))
    back = serialization.loads(serialization.dumps(RuleClassifier()), RuleClassifier)
    assert RuleClassifier() == back
    assert DEFAULT_RULES[1] is serialization.from_dict("security-breach", Rule)


def test_an_unregistered_rule_name_is_a_clear_error():
    with pytest.raises(ValidationError, match="the name of a registered rule"):
        serialization.from_dict("no-such-rule", Rule)


def test_register_rule_makes_a_custom_rule_loadable_once():
    rule = Rule("test-registered", lambda _: False, P3, "never")

    assert rule is register_rule(rule)
    assert rule is register_rule(rule)
    assert rule is known_rules()["test-registered"]
    assert rule is serialization.loads(serialization.dumps(rule), Rule)
    other = Rule("test-registered", lambda _: True, P1, "another")
    with pytest.raises(ValidationError, match="not already taken"):
        register_rule(other)
    assert rule is known_rules()["test-registered"]


def make_rule():
    return Rule("test-reimported", lambda _: False, P3, "never")


def test_a_rule_defined_again_by_the_same_code_replaces_the_old_one():
    first, again = make_rule(), make_rule()
    assert first != again  # two lambdas

    register_rule(first)
    assert again is register_rule(again)
    assert again is known_rules()["test-reimported"]


def test_registering_refuses_what_is_not_a_rule():
    with pytest.raises(ValidationError, match="'rule' must be a Rule"):
        register_rule("test-registered")  # type: ignore[arg-type]


def test_classifications_and_impacts_round_trip_with_custom_facts():
    impact = Impact(
        scope=Scope.LARGE_SEGMENT,
        outage=Outage.PARTIAL,
        affected_users=0.25,
        facts={"region": "eu", "tier": 2, "share": 0.5, "vip": True},
    )
    c = RuleClassifier().classify(impact)

    back = serialization.loads(serialization.dumps(c), Classification)

    assert c == back
    assert 2 == back.impact.facts["tier"]
    assert isinstance(back.impact.facts["tier"], int)
    assert back.impact.facts["vip"] is True


def test_a_fact_of_the_wrong_kind_on_the_wire_is_a_clear_error():
    with pytest.raises(ValidationError, match=r"\$\.facts\[.region.\]: expected text"):
        serialization.from_dict(
            {"schema_version": 1, "facts": {"region": ["eu"]}}, Impact
        )


def test_known_lists_the_known_facts_only():
    impact = Impact(scope=Scope.ALL_USERS, affected_users=1, facts={"region": "eu"})

    assert {
        "scope": Scope.ALL_USERS,
        "affected_users": 1.0,
        "facts": {"region": "eu"},
    } == impact.known()
    assert {} == Impact().known()
    assert isinstance(impact.affected_users, float)


def test_contradictions_of_an_impact_without_shares():
    assert () == Impact(scope=Scope.NONE).contradictions()
    found = Impact(scope=Scope.NONE, outage=Outage.FULL, affected_users=0.5)
    assert 2 == len(found.contradictions())


def test_a_rule_on_the_wire_is_a_name():
    with pytest.raises(ValidationError, match=r"expected a rule name \(got 5\)"):
        serialization.from_dict(5, Rule)
