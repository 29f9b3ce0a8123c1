"""Invariants of the rule classifier, over random impacts."""

from typing import Any

import attrs
from hypothesis import given
from hypothesis import strategies as st

from incidentkit import Severity, serialization
from incidentkit.classify import (
    DEFAULT_RULES,
    FACT_FIELDS,
    Classification,
    Impact,
    Outage,
    Rule,
    RuleClassifier,
    Scope,
)


CLASSIFIER = RuleClassifier()

# From harmless to worst, written out here rather than read from the code.
WORSE: dict[str, list[Any]] = {
    "scope": [Scope.NONE, Scope.SINGLE_USER, Scope.LARGE_SEGMENT, Scope.ALL_USERS],
    "outage": [Outage.NONE, Outage.DEGRADED, Outage.PARTIAL, Outage.FULL],
    "security_breach": [False, True],
    "payment_failures": [False, True],
    "peak_traffic": [False, True],
    "core_feature": [False, True],
    "cosmetic": [True, False],  # "only cosmetic" is the milder fact
    "optimisation_request": [True, False],
}
FIELDS = sorted(WORSE)
shares = st.none() | st.floats(min_value=0, max_value=1)
facts_of: dict[str, Any] = {
    name: st.none() | st.sampled_from(values) for name, values in WORSE.items()
}
impacts = st.builds(
    Impact,
    **facts_of,
    affected_users=shares,
    affected_requests=shares,
    facts=st.dictionaries(
        st.sampled_from(["region", "tier", "vip"]),
        st.text(max_size=5) | st.integers() | st.booleans(),
        max_size=2,
    ),
)


def severity(impact):
    return CLASSIFIER.classify(impact).severity


@given(impacts, st.sampled_from(FIELDS), st.data())
def test_a_worse_fact_never_makes_the_classification_less_severe(impact, name, data):
    ladder = WORSE[name]
    now = getattr(impact, name)
    start = 0 if now is None else ladder.index(now)
    worse = data.draw(st.sampled_from(ladder[start:]))

    after = severity(attrs.evolve(impact, **{name: worse}))

    assert after.is_at_least(severity(impact))


@given(impacts, st.sampled_from(FIELDS))
def test_an_unknown_fact_never_raises_the_severity(impact, name):
    unknown = severity(attrs.evolve(impact, **{name: None}))

    assert severity(impact).is_at_least(unknown)


@given(impacts, st.permutations(list(DEFAULT_RULES)))
def test_the_result_does_not_depend_on_the_order_of_the_rules(impact, rules):
    eu = Rule("eu", lambda i: i.facts.get("region") == "eu", Severity.P1, "eu")

    shuffled = RuleClassifier([*rules, eu]).classify(impact)

    assert RuleClassifier([eu, *DEFAULT_RULES]).classify(impact) == shuffled
    assert shuffled == RuleClassifier([*rules, eu]).classify(impact)


@given(impacts, st.sampled_from(FIELDS))
def test_the_unknowns_name_every_level_one_unknown_fact_could_reach(impact, name):
    impact = attrs.evolve(impact, **{name: None})
    c = CLASSIFIER.classify(impact)
    levels = {line.rsplit(": ", 1)[1] for line in c.unknowns}

    for value in FACT_FIELDS[name]:
        reached = severity(attrs.evolve(impact, **{name: value}))
        if reached.is_more_severe_than(c.severity):
            assert reached.value in levels, (name, value, c.unknowns)


@given(impacts)
def test_every_unknown_is_more_severe_than_the_answer(impact):
    c = CLASSIFIER.classify(impact)

    for line in c.unknowns:
        assert line.startswith("if ")
        assert Severity(line.rsplit(": ", 1)[1]).is_more_severe_than(c.severity)


@given(impacts)
def test_impacts_and_classifications_round_trip(impact):
    c = CLASSIFIER.classify(impact)

    assert impact == serialization.loads(serialization.dumps(impact), Impact)
    assert c == serialization.loads(serialization.dumps(c), Classification)
