"""
Severity classification: facts in, an explained severity out.

An `Impact` says what is known (every fact may be unknown); a `RuleClassifier`
applies rules, which are data, and the most severe matching rule wins.  The
`Classification` carries the severity, its `ResponsePolicy`, the reasons, the
matched rules and the unknown facts that would change the answer.  Teams add
rules over their own facts, replace the rule set, implement the `Classifier`
protocol, or ship a classifier under the ``incidentkit.classifiers`` entry-point
group for `load_classifier`.  `classify_signals` reads golden-signal decisions
(`incidentkit.signals`); `reclassify` recommends a ready-to-apply change for an
open incident.

Example:
    >>> from incidentkit.classify import Impact, Outage, RuleClassifier, Scope
    >>> c = RuleClassifier().classify(Impact(scope=Scope.ALL_USERS, outage=Outage.FULL))
    >>> c.severity.value, c.matched
    ('P1', ('full-outage-all-users', 'service-outage'))
    >>> c.policy.paging.value
    'immediate'
"""

from incidentkit.severity import ResponsePolicy

from ._impact import FACT_FIELDS, Fact, Impact, Outage, Scope
from ._plugins import (
    ENTRY_POINT_GROUP,
    ClassifierNotFound,
    installed_classifiers,
    load_classifier,
)
from ._reclassify import SeverityChange, reclassify
from ._rules import (
    DEFAULT_RULES,
    Classification,
    Classifier,
    Rule,
    RuleClassifier,
    RuleError,
    known_rules,
    register_rule,
)
from ._signals import (
    COLLAPSED_TRAFFIC_SHARE,
    FULL_OUTAGE_ERROR_RATIO,
    classify_signals,
    impact_from_signals,
)


__all__ = [
    "COLLAPSED_TRAFFIC_SHARE",
    "DEFAULT_RULES",
    "ENTRY_POINT_GROUP",
    "FACT_FIELDS",
    "FULL_OUTAGE_ERROR_RATIO",
    "Classification",
    "Classifier",
    "ClassifierNotFound",
    "Fact",
    "Impact",
    "Outage",
    "ResponsePolicy",
    "Rule",
    "RuleClassifier",
    "RuleError",
    "Scope",
    "SeverityChange",
    "classify_signals",
    "impact_from_signals",
    "installed_classifiers",
    "known_rules",
    "load_classifier",
    "reclassify",
    "register_rule",
]
