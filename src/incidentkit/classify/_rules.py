"""Rules as data, the default rule set, and the rule-based classifier."""

from __future__ import annotations

import itertools
import operator
import threading
from collections.abc import Callable, Mapping
from typing import Any, Final, NamedTuple, Protocol, runtime_checkable

import attrs

from incidentkit._frozen import FrozenMap
from incidentkit._validators import as_tuple, instance_of, text, tuple_of
from incidentkit.errors import IncidentKitError, ValidationError
from incidentkit.findings import Finding
from incidentkit.severity import DEFAULT_POLICIES, ResponsePolicy, Severity

from ._impact import (
    FACT_FIELDS,
    Impact,
    Outage,
    Scope,
    fact_contradictions,
    findings_of,
    phrase,
    share_contradictions,
)


__all__ = [
    "DEFAULT_RULES",
    "Classification",
    "Classifier",
    "Rule",
    "RuleClassifier",
    "RuleError",
    "known_rules",
    "register_rule",
]

Predicate = Callable[[Impact], bool]


class RuleError(IncidentKitError, RuntimeError):
    """
    A rule's predicate raised, or returned something other than ``True``/``False``.

    Attributes:
        rule: The rule's name.

    Example:
        >>> from incidentkit import Severity
        >>> from incidentkit.classify import Impact, Rule, RuleClassifier
        >>> broken = Rule("broken", lambda i: i.facts["tier"] == "gold",
        ...               Severity.P1, "gold customers")
        >>> RuleClassifier([broken]).classify(Impact())
        Traceback (most recent call last):
        ...
        incidentkit.classify._rules.RuleError: rule 'broken' failed: KeyError: 'tier'
    """

    def __init__(self, message: str, *, rule: str) -> None:
        super().__init__(message)
        self.rule = rule

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild_rule_error, (str(self), self.rule))


def _rebuild_rule_error(message: str, rule: str) -> RuleError:
    return RuleError(message, rule=rule)


def _check_predicate(_instance: object, _attribute: object, value: Any) -> None:
    if not callable(value):
        raise ValidationError.for_field(
            "predicate", "a callable taking an Impact and returning a bool", value
        )


def _check_reads(_instance: object, _attribute: object, value: Any) -> None:
    if not isinstance(value, tuple) or not all(
        isinstance(name, str) and name in FACT_FIELDS for name in value
    ):
        raise ValidationError.for_field(
            "reads", f"a tuple of fact names among {sorted(FACT_FIELDS)}", value
        )


@attrs.frozen
class Rule:
    """
    One classification rule: a name, a predicate over `Impact`, a level, a reason.

    Rules are data: a rule set is a tuple, extended with ``+``.  On the wire a rule
    is its *name* (the predicate is code); `register_rule` makes a rule loadable.

    Attributes:
        name: A unique, stable name, such as ``"security-breach"``.
        predicate: ``impact -> bool``; must return ``True`` or ``False`` and read
            an unknown fact (``None``) as "not known", never as yes.
        severity: The level the rule implies.
        reason: A sentence saying why.
        reads: The facts of `FACT_FIELDS` the predicate depends on (keyword
            only), a promise that it depends on nothing else.  With them the
            classifier can say which unknown facts would change the answer, and
            a rule set whose every rule declares them is classified from a
            bounded cache keyed on those facts; a rule without them is
            evaluated every time and never appears among the unknowns.

    Raises:
        ValidationError: Naming the field, for an empty name or reason, a
            predicate that is not callable, a level that is not a `Severity`,
            or an unknown fact name in *reads*.

    Example:
        >>> from incidentkit import Severity
        >>> from incidentkit.classify import Impact, Rule
        >>> rule = Rule("eu-down", lambda i: i.facts.get("region") == "eu",
        ...             Severity.P1, "an EU outage breaches the regulator SLA")
        >>> rule.matches(Impact(facts={"region": "eu"}))
        True
    """

    name: str = attrs.field(validator=text)
    predicate: Predicate = attrs.field(validator=_check_predicate)
    severity: Severity = attrs.field(validator=instance_of(Severity, "a Severity"))
    reason: str = attrs.field(validator=text)
    reads: tuple[str, ...] = attrs.field(
        default=(), kw_only=True, converter=as_tuple, validator=_check_reads
    )

    def matches(self, impact: Impact) -> bool:
        """
        Return whether the rule applies to *impact*.

        Raises:
            RuleError: If the predicate raises or returns a non-bool.
        """
        try:
            hit = self.predicate(impact)
        except Exception as exc:
            message = f"rule {self.name!r} failed: {type(exc).__name__}: {exc}"
            raise RuleError(message, rule=self.name) from exc
        if hit is True or hit is False:
            return hit
        message = f"rule {self.name!r} returned {hit!r}, expected True or False"
        raise RuleError(message, rule=self.name)


_LARGE: Final = frozenset({Scope.LARGE_SEGMENT, Scope.ALL_USERS})
_DOWN: Final = frozenset({Outage.FULL, Outage.PARTIAL})

DEFAULT_RULES: Final[tuple[Rule, ...]] = (
    Rule(
        "full-outage-all-users",
        lambda i: i.outage is Outage.FULL and i.scope is Scope.ALL_USERS,
        Severity.P1,
        "a full outage affects all users",
        reads=("outage", "scope"),
    ),
    Rule(
        "security-breach",
        lambda i: i.security_breach is True,
        Severity.P1,
        "a security breach is active",
        reads=("security_breach",),
    ),
    Rule(
        "payments-failing-at-peak",
        lambda i: i.payment_failures is True and i.peak_traffic is True,
        Severity.P1,
        "payments are failing during peak traffic",
        reads=("payment_failures", "peak_traffic"),
    ),
    Rule(
        "service-outage",
        lambda i: i.outage in _DOWN,
        Severity.P2,
        "part or all of the service is down",
        reads=("outage",),
    ),
    Rule(
        "degraded-large-segment",
        lambda i: i.outage is Outage.DEGRADED and i.scope in _LARGE,
        Severity.P2,
        "performance is degraded for a large segment of users",
        reads=("outage", "scope"),
    ),
    Rule(
        "core-feature-impaired",
        lambda i: i.core_feature is True,
        Severity.P2,
        "a core feature is impaired",
        reads=("core_feature",),
    ),
    Rule(
        "minor-degradation",
        lambda i: i.outage is Outage.DEGRADED and i.scope not in _LARGE,
        Severity.P3,
        "performance is degraded, not known to reach a large segment of users",
        reads=("outage", "scope"),
    ),
    Rule(
        "minor-bug",
        lambda i: i.outage is Outage.NONE,
        Severity.P3,
        "the service works: a minor bug",
        reads=("outage",),
    ),
    Rule(
        "cosmetic-glitch",
        lambda i: i.cosmetic is True,
        Severity.P3,
        "the problem is only cosmetic",
        reads=("cosmetic",),
    ),
    Rule(
        "single-user",
        lambda i: i.scope is Scope.SINGLE_USER,
        Severity.P3,
        "a single user is affected",
        reads=("scope",),
    ),
    Rule(
        "optimisation-request",
        lambda i: i.optimisation_request is True,
        Severity.P3,
        "it is an optimisation request, not a fault",
        reads=("optimisation_request",),
    ),
)
"""
The process's severity definitions as rules (the worst match wins).

P1: a full outage for all users, an active security breach, payments failing
during peak traffic.  P2: part or all of the service down, performance degraded
for a large segment, a core feature impaired.  P3: degraded performance not known
to reach a large segment, a minor bug (no outage), a cosmetic glitch, a single
user's problem, an optimisation request.
"""

_REGISTRY: Final[dict[str, Rule]] = {rule.name: rule for rule in DEFAULT_RULES}
_REGISTRY_LOCK: Final = threading.Lock()


def register_rule(rule: Rule) -> Rule:
    """
    Make *rule* loadable by name from the wire format.

    Registering the same rule twice is harmless, and so is registering it anew
    from a module imported again (same level, reason, reads and predicate
    location: the newest wins); another rule under a name already taken is
    refused.

    Args:
        rule: The rule.

    Returns:
        The rule, so the call can wrap a definition.

    Raises:
        ValidationError: If the name belongs to a different rule.

    Example:
        >>> from incidentkit import Severity, serialization
        >>> from incidentkit.classify import Rule, register_rule
        >>> vip = register_rule(Rule("vip-customer", lambda i: i.facts.get("vip")
        ...                          is True, Severity.P2, "a VIP customer"))
        >>> serialization.loads(serialization.dumps(vip), Rule) is vip
        True
    """
    if not isinstance(rule, Rule):
        raise ValidationError.for_field("rule", "a Rule", rule)
    with _REGISTRY_LOCK:
        known = _REGISTRY.setdefault(rule.name, rule)
        if known is not rule and _redefinition(known, rule):
            # The same definition again (the module was imported anew, or
            # reloaded): the newest one is the one that is loaded.
            _REGISTRY[rule.name] = known = rule
    if known is not rule:
        raise ValidationError.for_field(
            "rule", f"a rule whose name is not already taken ({rule.name!r})", rule
        )
    return rule


def _redefinition(old: Rule, new: Rule) -> bool:
    def where(predicate: object) -> tuple[object, object]:
        return (
            getattr(predicate, "__module__", None),
            getattr(predicate, "__qualname__", None),
        )

    return (
        old.severity is new.severity
        and old.reason == new.reason
        and old.reads == new.reads
        and where(old.predicate) == where(new.predicate)
    )


def known_rules() -> Mapping[str, Rule]:
    """
    Return the rules loadable by name: `DEFAULT_RULES` and those registered.

    Example:
        >>> from incidentkit.classify import known_rules
        >>> known_rules()["security-breach"].severity
        <Severity.P1: 'P1'>
    """
    with _REGISTRY_LOCK:
        return FrozenMap(dict(_REGISTRY))


@attrs.frozen(kw_only=True)
class Classification:
    """
    A severity, and everything it was based on.

    Attributes:
        severity: The level.
        policy: What the level demands of the response (its `ResponsePolicy`).
        reasons: Why, most severe first: the matched rules' reasons, or the
            fallback's (and, from `classify_signals`, the signals' evidence).
        matched: The names of the matched rules, most severe first.
        unknowns: The unknown facts that would change the answer, phrased as
            the answer: ``"if all users are affected: P1"``.
        impact: The facts classified.
        fallback: Whether no rule matched and the severity is the fallback.
        findings: Problems with the facts (contradictions, missing data).

    Example:
        >>> from incidentkit.classify import Impact, Outage, RuleClassifier
        >>> c = RuleClassifier().classify(Impact(outage=Outage.FULL))
        >>> c.severity.value, c.matched
        ('P2', ('service-outage',))
        >>> c.unknowns[1]
        'if all users are affected: P1'
    """

    severity: Severity = attrs.field(validator=instance_of(Severity, "a Severity"))
    policy: ResponsePolicy = attrs.field(
        validator=instance_of(ResponsePolicy, "a ResponsePolicy")
    )
    reasons: tuple[str, ...] = attrs.field(
        converter=as_tuple,
        validator=tuple_of(lambda r: isinstance(r, str), "a tuple of strings"),
    )
    matched: tuple[str, ...] = attrs.field(
        default=(),
        converter=as_tuple,
        validator=tuple_of(lambda r: isinstance(r, str), "a tuple of rule names"),
    )
    unknowns: tuple[str, ...] = attrs.field(
        default=(),
        converter=as_tuple,
        validator=tuple_of(lambda r: isinstance(r, str), "a tuple of strings"),
    )
    impact: Impact = attrs.field(
        factory=Impact, validator=instance_of(Impact, "an Impact")
    )
    fallback: bool = False
    findings: tuple[Finding, ...] = attrs.field(
        default=(),
        converter=as_tuple,
        validator=tuple_of(lambda f: isinstance(f, Finding), "a tuple of Finding"),
    )

    def explain(self) -> str:
        """
        Return the classification as one paragraph.

        Example:
            >>> from incidentkit.classify import Impact, RuleClassifier
            >>> RuleClassifier().classify(Impact(security_breach=True)).explain()
            'P1 (critical): a security breach is active.'
        """
        text = f"{self.severity.label}: {'; '.join(self.reasons)}."
        if self.unknowns:
            text += f" Still unknown: {'; '.join(self.unknowns)}."
        return text

    def _repr_html_(self) -> str:
        """Show it as HTML in a notebook (see `incidentkit.render.html`)."""
        from incidentkit.render import html  # noqa: PLC0415 - lazy

        return html(self)


@runtime_checkable
class Classifier(Protocol):
    """
    Anything that turns an `Impact` into a `Classification`.

    Implement it to plug in a classifier of your own; `load_classifier` loads
    one registered under the ``incidentkit.classifiers`` entry-point group.

    Example:
        >>> from incidentkit.classify import Classifier, RuleClassifier
        >>> isinstance(RuleClassifier(), Classifier)
        True
    """

    def classify(self, impact: Impact) -> Classification:
        """Classify *impact*."""
        ...  # pragma: no cover


def _rules(value: object) -> tuple[Rule, ...]:
    rules = as_tuple(value)
    if not isinstance(rules, tuple) or not all(isinstance(r, Rule) for r in rules):
        raise ValidationError.for_field("rules", "a sequence of Rule", value)
    names = [r.name for r in rules]
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise ValidationError.for_field(
            "rules", f"rules with distinct names ({', '.join(twice)} twice)", names
        )
    # Most severe first, then by name: the result never depends on the given order.
    return tuple(sorted(rules, key=lambda r: (r.severity.rank, r.name)))


def _policies(value: object) -> Mapping[Severity, ResponsePolicy]:
    if (
        not isinstance(value, Mapping)
        or set(value) != set(Severity)
        or not all(
            isinstance(p, ResponsePolicy) and p.severity is s for s, p in value.items()
        )
    ):
        raise ValidationError.for_field(
            "policies",
            "a mapping of every Severity to its ResponsePolicy",
            value,
        )
    return FrozenMap(dict(value))


_MISSING: Final = object()


class _Outcome(NamedTuple):
    """A classification without its impact and the findings about shares."""

    severity: Severity
    policy: ResponsePolicy
    reasons: tuple[str, ...]
    matched: tuple[str, ...]
    unknowns: tuple[str, ...]
    fallback: bool
    findings: tuple[Finding, ...]


def _build(outcome: _Outcome, impact: Impact) -> Classification:
    # Every part was validated when the outcome was made (they are the
    # classifier's own values): fill the frozen instance through its slots, as
    # attrs' __init__ does, without checking them again on every classification.
    findings = outcome.findings
    if impact.affected_users is not None:
        shares = share_contradictions(impact)
        if shares:
            findings += findings_of(shares)
    new = _new(Classification)
    _SEVERITY(new, outcome.severity)
    _POLICY(new, outcome.policy)
    _REASONS(new, outcome.reasons)
    _MATCHED(new, outcome.matched)
    _UNKNOWNS(new, outcome.unknowns)
    _IMPACT(new, impact)
    _FALLBACK(new, outcome.fallback)
    _FINDINGS(new, findings)
    return new


_new = object.__new__
_SLOTS: Final = {
    name: Classification.__dict__[name].__set__
    for name in (
        "severity",
        "policy",
        "reasons",
        "matched",
        "unknowns",
        "impact",
        "fallback",
        "findings",
    )
}
_SEVERITY, _POLICY, _REASONS, _MATCHED = (
    _SLOTS["severity"],
    _SLOTS["policy"],
    _SLOTS["reasons"],
    _SLOTS["matched"],
)
_UNKNOWNS, _IMPACT, _FALLBACK, _FINDINGS = (
    _SLOTS["unknowns"],
    _SLOTS["impact"],
    _SLOTS["fallback"],
    _SLOTS["findings"],
)
if set(_SLOTS) != {a.name for a in attrs.fields(Classification)}:  # pragma: no cover
    raise AssertionError("_build must fill every field of Classification")


@attrs.frozen
class RuleClassifier:
    """
    Classify by rules: the most severe matching rule wins.

    Unknown facts never escalate on their own: a rule reads ``None`` as "not
    known".  When no rule matches, the result says so and is *fallback*
    (``P3`` by default, the mildest level, so an unknown can never raise it).
    The result is the same whatever the order of *rules*.

    Attributes:
        rules: The rules (default `DEFAULT_RULES`); names must be distinct.
            Stored most severe first, then by name.
        fallback: The level when no rule matches.
        policies: The `ResponsePolicy` of each level.

    Raises:
        ValidationError: For rules that are not `Rule` values or share a name,
            a fallback that is not a `Severity`, or policies missing a level.

    Example:
        >>> from incidentkit.classify import Impact, Outage, RuleClassifier, Scope
        >>> c = RuleClassifier().classify(
        ...     Impact(scope=Scope.LARGE_SEGMENT, outage=Outage.PARTIAL))
        >>> c.severity, c.unknowns
        (<Severity.P2: 'P2'>, ('if a security breach is active: P1', \
'if payments are failing and it is peak traffic: P1'))
    """

    rules: tuple[Rule, ...] = attrs.field(default=DEFAULT_RULES, converter=_rules)
    fallback: Severity = attrs.field(
        default=Severity.P3,
        kw_only=True,
        validator=instance_of(Severity, "a Severity"),
    )
    policies: Mapping[Severity, ResponsePolicy] = attrs.field(
        default=DEFAULT_POLICIES, kw_only=True, converter=_policies
    )
    _seen: dict[tuple[str, tuple[object, ...]], str | None] = attrs.field(
        factory=dict, init=False, eq=False, repr=False, hash=False
    )
    _key: Callable[[Impact], object] | None = attrs.field(
        default=None, init=False, eq=False, repr=False, hash=False
    )
    _outcomes: dict[object, _Outcome] = attrs.field(
        factory=dict, init=False, eq=False, repr=False, hash=False
    )

    def __attrs_post_init__(self) -> None:
        if self.rules and all(rule.reads for rule in self.rules):
            # Every rule depends only on the facts it reads, so everything but
            # the impact itself and its shares depends only on those facts: the
            # outcomes are cached by them, at most one per combination.
            read = sorted({name for rule in self.rules for name in rule.reads})
            object.__setattr__(self, "_key", operator.attrgetter(*read))

    def with_rules(self, *rules: Rule) -> RuleClassifier:
        """
        Return a classifier with *rules* added.

        Example:
            >>> from incidentkit import Severity
            >>> from incidentkit.classify import Impact, Rule, RuleClassifier
            >>> eu = Rule("eu-down", lambda i: i.facts.get("region") == "eu",
            ...           Severity.P1, "an EU outage breaches the regulator SLA")
            >>> RuleClassifier().with_rules(eu).classify(
            ...     Impact(facts={"region": "eu"})).severity
            <Severity.P1: 'P1'>
        """
        return attrs.evolve(self, rules=self.rules + rules)

    def without(self, *names: str) -> RuleClassifier:
        """
        Return a classifier without the rules named *names*.

        Raises:
            ValidationError: If a name is not one of the rules.
        """
        own = {r.name for r in self.rules}
        missing = [n for n in names if n not in own]
        if missing:
            raise ValidationError.for_field(
                "names", f"names of rules of this classifier ({sorted(own)})", missing
            )
        return attrs.evolve(
            self, rules=tuple(r for r in self.rules if r.name not in names)
        )

    def classify(self, impact: Impact) -> Classification:
        """
        Classify *impact*.

        Args:
            impact: What is known.

        Returns:
            The classification, with its reasons and the unknowns that would
            change it.

        Raises:
            ValidationError: If *impact* is not an `Impact`.
            RuleError: If a rule's predicate raises or returns a non-bool.
        """
        if not isinstance(impact, Impact):
            raise ValidationError.for_field("impact", "an Impact", impact)
        key_of = self._key
        if key_of is None:
            return _build(self._outcome(impact), impact)
        outcome = self._outcomes.get(key_of(impact))
        if outcome is None:
            outcome = self._outcomes.setdefault(key_of(impact), self._outcome(impact))
        return _build(outcome, impact)

    def _outcome(self, impact: Impact) -> _Outcome:
        matched = [rule for rule in self.rules if rule.matches(impact)]
        if matched:
            severity = Severity.most_severe(r.severity for r in matched)
            reasons = tuple(r.reason for r in matched if r.severity is severity)
            reasons += tuple(
                f"also {r.severity.value}: {r.reason}"
                for r in matched
                if r.severity is not severity
            )
        else:
            severity = self.fallback
            reasons = (
                f"no rule matched the known facts; {severity.value} is the fallback",
            )
        return _Outcome(
            severity,
            self.policies[severity],
            reasons,
            tuple(r.name for r in matched),
            self._unknowns(impact, severity),
            not matched,
            findings_of(fact_contradictions(impact)),
        )

    def _unknowns(self, impact: Impact, severity: Severity) -> tuple[str, ...]:
        found: dict[str, Severity] = {}
        rank = severity.rank
        for rule in self.rules:
            if rule.severity.rank >= rank:
                break  # sorted most severe first: the rest cannot change it
            if not rule.reads:
                continue
            values = tuple(getattr(impact, name) for name in rule.reads)
            if None not in values:
                continue
            # A rule depends on the facts it reads only, so the answer for these
            # values holds for every impact that has them: remember it.
            key = (rule.name, values)
            condition = self._seen.get(key, _MISSING)
            if condition is _MISSING:
                condition = _condition(rule, impact, values)
                self._seen[key] = condition
            if isinstance(condition, str) and condition not in found:
                found[condition] = rule.severity
        ordered = sorted(found.items(), key=lambda item: (item[1].rank, item[0]))
        return tuple(f"if {condition}: {level.value}" for condition, level in ordered)


def _condition(rule: Rule, impact: Impact, values: tuple[object, ...]) -> str | None:
    """The mildest assignment of the unknown facts that makes *rule* match."""
    unknown = [
        name for name, value in zip(rule.reads, values, strict=True) if value is None
    ]
    for combo in itertools.product(*(FACT_FIELDS[name] for name in unknown)):
        assumed: dict[str, Any] = dict(zip(unknown, combo, strict=True))
        if rule.matches(attrs.evolve(impact, **assumed)):
            return " and ".join(phrase(name, value) for name, value in assumed.items())
    return None
