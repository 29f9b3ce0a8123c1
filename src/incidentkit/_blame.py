"""
The blameless-language rules: wording that blames a person instead of the system.

The rules are data (`BlameRule`): a regular expression, the reason it blames, and
the neutral contexts it must not flag.  They live in the foundation because two
capabilities read them: `incidentkit.postmortem` lints a postmortem's text with
them and `incidentkit.rca` uses them to see a Five Whys chain that stops at a
person.  The public home is `incidentkit.postmortem` (`check_blameless`,
`BLAME_RULES`, `BlameRule`).

Patterns may use these placeholders, expanded before compiling:

* ``{person}``: somebody named or pointed at: a pronoun (``he``, ``she``,
  ``they``, ``you``), a person noun (``the engineer``, ``someone``, ``the
  on-call``), a capitalised first name, or one of the caller's *people*;
* ``{someone}``: the same without bare capitalised words (for verbs that
  systems also do: ``failed to``, ``did not``);
* ``{name}``: a capitalised word that is not a common sentence opener, or one of
  the caller's *people*;
* ``{known}``: one of the caller's *people* only (matches nothing without them).

Text inside double quotes (straight or curly), inline code and lines starting
with ``>`` (quoted chat logs) is never flagged.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Iterable, Iterator
from typing import Final

import attrs

from ._validators import as_tuple, text, tuple_of
from .errors import ValidationError
from .findings import Finding, Level


__all__ = ["BLAME_RULES", "BlameMatch", "BlameRule", "check_blameless", "find_blame"]

_OPENERS: Final = (
    "A|An|The|This|That|These|Those|It|Its|We|Our|Us|I|My|Then|When|After|Before|"
    "During|While|Because|Since|If|Once|At|On|In|By|For|With|Nobody|No|None|"
    "Everyone|Everybody|Nothing|There|Here|So|But|And|Or|Also|Later|Now|Today|"
    "Yesterday|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|January|"
    "February|March|April|May|June|July|August|September|October|November|"
    "December|Monitoring|Alerting|Deploys?|Deployments?|Releases?|Production|"
    "Staging|Traffic|Latency|Errors?|Nginx|Postgres|Redis|Kafka|Kubernetes|Linux|"
    "Python|Java|Docker|Terraform|Ansible|Jenkins|Grafana|Prometheus|Datadog|"
    "Slack|Github|Gitlab|Amazon|Google|Azure|Cloudflare|Nagios|Sentry|Pager|"
    "Checkout|Search|Billing|Payments?|Auth|Login|Users?|Customers?|Support"
)
_NAME: Final = rf"(?:\b(?!(?:{_OPENERS})\b)[A-Z][a-z]+(?:'s)?)"
_PRONOUN: Final = r"(?i:\b(?:he|she|they|you|him|her|them)\b)"
_NOUN: Final = (
    r"(?i:\b(?:someone|somebody|whoever|"
    r"(?:the|an?|our|that|this|one)\s+(?:new\s+|junior\s+|senior\s+|on-?call\s+)?"
    r"(?:engineer|developer|dev|operator|admin|administrator|sre|intern|new\s+hire|"
    r"reviewer|contractor|employee|person|guy|on-?call|dba|release\s+manager|"
    r"team\s+member|responder)s?)(?:\s+(?:on\s+duty|on\s+call|in\s+charge"
    r"|(?:on|from|in)\s+the\s+[\w-]+\s+team))?\b)"
)

_IGNORED: Final[re.Pattern[str]] = re.compile(
    r"\"[^\"\n]*\"|\u201c[^\u201d\n]*\u201d|`[^`\n]*`|^[ \t]*>.*$", re.MULTILINE
)


def _people_alternatives(people: tuple[str, ...]) -> str:
    names = sorted((re.escape(p) for p in people if p.strip()), key=len, reverse=True)
    return "|".join(rf"\b{n}\b(?:'s)?" for n in names)


def _expand(pattern: str, people: tuple[str, ...]) -> re.Pattern[str]:
    extra = _people_alternatives(people)
    known = f"|{extra}" if extra else ""
    person = f"(?:{_PRONOUN}|{_NOUN}|{_NAME}{known})"
    someone = f"(?:{_PRONOUN}|{_NOUN}{known})"
    name = f"(?:{_NAME}{known})"
    named = f"(?:{extra})" if extra else "(?!)"
    return re.compile(
        pattern.replace("{person}", person)
        .replace("{someone}", someone)
        .replace("{name}", name)
        .replace("{known}", named)
    )


def _check_pattern(_instance: object, _attribute: object, value: str) -> None:
    try:
        _expand(value, ())
    except re.error as error:
        raise ValidationError.for_field(
            "pattern", f"a valid regular expression ({error})", value
        ) from None


@attrs.frozen
class BlameRule:
    r"""
    One kind of wording that blames a person, as data.

    Attributes:
        code: A stable identifier, such as ``"person-forgot"``.
        pattern: A regular expression, with the ``{person}``, ``{someone}``
            and ``{name}`` placeholders of this module.
        reason: Why the wording blames, and what to write instead.
        unless: Patterns of neutral contexts: a match is not flagged when one of
            them matches the sentence it is in.

    Example:
        >>> from incidentkit.postmortem import BlameRule, check_blameless
        >>> rule = BlameRule("rogue", r"(?i:\brogue\b)", "Calls a person rogue.")
        >>> [f.code for f in check_blameless("A rogue engineer.", rules=[rule])]
        ['rogue']
    """

    code: str = attrs.field(validator=text)
    pattern: str = attrs.field(validator=[text, _check_pattern])
    reason: str = attrs.field(validator=text)
    unless: tuple[str, ...] = attrs.field(
        default=(),
        converter=as_tuple,
        validator=tuple_of(lambda v: isinstance(v, str), "a sequence of patterns"),
    )


@attrs.frozen
class BlameMatch:
    """Where one rule matched: the rule and the span of text."""

    rule: BlameRule
    start: int
    end: int
    text: str


BLAME_RULES: Final[tuple[BlameRule, ...]] = (
    BlameRule(
        "person-forgot",
        r"{person}\s+(?i:(?:just\s+|simply\s+)?(?:forgot|neglected|overlooked|ignored"
        r"|didn't\s+bother|did\s+not\s+bother|dropped\s+the\s+ball|messed\s+up"
        r"|screwed\s+up|fat-?fingered|botched|carelessly|skipped|failed\s+to\s+(?:notice"
        r"|check|test|follow|read|review|verify|run|escalate|communicate|tell)))\b",
        "It says a person forgot or neglected something; ask what let the step be "
        "skipped (a missing check, an unclear runbook) instead.",
    ),
    BlameRule(
        "person-caused",
        r"(?:{person}\s+(?i:made\s+(?:a|an|the)\s+(?:\w+\s+)?(?:mistake|error)"
        r"|pushed\s+(?:untested|broken|bad)|broke\s+(?:the\s+)?(?:build|production"
        r"|prod|site|deploy)|caused\s+(?:the\s+|this\s+)?(?:outage|incident"
        r"|failure|breakage))"
        r"|{someone}\s+(?i:broke|deleted|dropped|wiped|nuked|took\s+down"
        r"|brought\s+down|misconfigured|corrupted))\b",
        "It makes a person the cause; describe the change and the safeguard that "
        "did not stop it.",
    ),
    BlameRule(
        "who-did-it",
        r"(?i:\bit\s+(?:is|was)\s+){name}(?i:\s+who\b)",
        "It singles out who did it; ask what allowed the action to have this effect.",
    ),
    BlameRule(
        "person-did-not",
        r"{person}\s+(?i:(?:did\s+not\s+|didn't\s+|never\s+|wouldn't\s+|would\s+not\s+)"
        r"(?:check|test|review|read|follow|verify|notice|ask|escalate"
        r"|double-check|listen|communicate|tell)(?:ed)?)\b",
        "It blames a person for not doing something; describe the gap in the "
        "process that made the step optional.",
    ),
    BlameRule(
        "known-person-did-not",
        r"{known}\s+(?i:did\s+not|didn't|never|failed\s+to|neglected\s+to)\s+\w+",
        "It blames a named person for not doing something; describe the gap in "
        "the process that made the step optional.",
    ),
    BlameRule(
        "should-have",
        r"{person}\s+(?i:should\s+have|could\s+have\s+(?:prevented|avoided|caught))\b"
        r"|(?i:\bif\s+){person}\s+(?i:had|would\s+have)\b",
        "Hindsight about what a person should have done; say what the system "
        "should make easy or automatic.",
    ),
    BlameRule(
        "human-error-as-cause",
        r"(?i:\b(?:due\s+to|caused\s+by|because\s+of|result\s+of|blamed?\s+on"
        r"|attributed\s+to|root\s+cause\s+(?:is|was)|(?:was|is)\s+(?:simply\s+"
        r"|just\s+|pure\s+|plain\s+)?(?:an?\s+)?)\s*(?:a\s+|an\s+)?(?:simple\s+)?"
        r"(?:human|operator|user|engineer|developer|pilot|manual)\s+(?:error|mistake"
        r"|failure)\b)",
        "It names human error as the cause; human error is where an investigation "
        "starts: ask what made the error possible and let it through.",
    ),
    BlameRule(
        "possessive-fault",
        r"(?:{name}'s|(?i:\b(?:his|her|their|your)\b))\s+(?i:(?:own\s+)?(?:fault"
        r"|mistake|error|screw-?up|negligence|carelessness|blunder|typo|bad\s+"
        r"(?:change|commit|deploy|push|config)))\b(?!\s+(?i:detection|tolerance"
        r"|injection|domain|isolation|handling))",
        "It attributes the failure to a person's fault or mistake; describe the "
        "change and the safeguard that did not stop it.",
    ),
    BlameRule(
        "blame-person",
        r"(?i:\b(?:blame[sd]?|blaming|fault(?:s|ed)?|scapegoat(?:ed)?)\s+)"
        r"(?:{person}|(?i:the\s+\w+\s+team))",
        "It assigns blame to a person or team; a postmortem looks for the system "
        "conditions instead.",
        unless=(r"(?i:\b(?:not|never|no\s+one|nobody|don't|do\s+not|avoid)\b)",),
    ),
    BlameRule(
        "at-fault",
        r"(?:{person})\s+(?i:(?:was|is|were|are)\s+(?:at\s+fault|to\s+blame"
        r"|responsible\s+for\s+(?:the\s+)?(?:outage|incident|failure|breakage)))",
        "It says a person is at fault; name the conditions that allowed the failure.",
    ),
    BlameRule(
        "by-person",
        r"(?i:\b(?:was|were)\s+(?:\w+\s+)?(?:caused|broken|introduced|botched"
        r"|mishandled|overlooked|ignored|missed|messed\s+up|screwed\s+up)\s+by\s+)"
        r"(?:{someone}|(?i:(?:the\s+)?(?:careless|sloppy|negligent)\b))",
        "It pins the failure on a person in the passive voice; describe the change "
        "and what let it through.",
    ),
    BlameRule(
        "by-named-person",
        r"(?i:\b(?:botched|mishandled|messed\s+up|screwed\s+up|fumbled)\s+by\s+"
        r"|\b(?:bad|broken|faulty|buggy|sloppy)\s+[\w-]+\s+(?:was|were)\s+(?:written"
        r"|pushed|merged|deployed|made|shipped)\s+by\s+){name}",
        "It pins the failure on a person in the passive voice; describe the change "
        "and what let it through.",
    ),
    BlameRule(
        "character-judgment",
        r"(?i:\b(?:careless(?:ly|ness)?|sloppy|sloppiness|negligen(?:t|ce)"
        r"|incompetent|incompetence|lazy|laziness|reckless(?:ly)?|clueless|stupid"
        r"|dumb|rookie\s+mistake|cowboy|idiot(?:ic)?|inattentive|inattention)\b)",
        "It judges a person's character or care; describe the conditions (load, "
        "tooling, unclear ownership) that made the slip likely.",
        unless=(r"(?i:\bnot\s+(?:about\s+)?(?:being\s+)?(?:careless|lazy|sloppy))",),
    ),
)
"""
The default rules.  Extend them (``(*BLAME_RULES, my_rule)``) or replace them.

They do not flag neutral uses: ``"the deploy pipeline's fault detection"``,
``"human error is a symptom"``, systems that fail (``"the job failed to
start"``), or quoted chat logs.
"""


@functools.lru_cache(maxsize=64)
def _compiled(
    rules: tuple[BlameRule, ...], people: tuple[str, ...]
) -> tuple[tuple[BlameRule, re.Pattern[str], tuple[re.Pattern[str], ...]], ...]:
    return tuple(
        (rule, _expand(rule.pattern, people), tuple(re.compile(u) for u in rule.unless))
        for rule in rules
    )


_SENTENCE_REACH: Final = 400
"""How far around a match ``unless`` looks for the sentence's ends (bounds the work)."""


def _sentence(value: str, start: int, end: int) -> str:
    low = max(0, start - _SENTENCE_REACH)
    high = min(len(value), end + _SENTENCE_REACH)
    left = max(value.rfind(mark, low, start) for mark in ".!?\n") + 1
    left = max(left, low)
    rights = [i for i in (value.find(m, end, high) for m in ".!?\n") if i != -1]
    return value[left : min(rights) if rights else high]


def _rules(rules: Iterable[BlameRule]) -> tuple[BlameRule, ...]:
    found = tuple(rules) if not isinstance(rules, (str, bytes)) else None
    if found is None or not all(isinstance(r, BlameRule) for r in found):
        raise ValidationError.for_field("rules", "a sequence of BlameRule", rules)
    return found


def _people(people: Iterable[str]) -> tuple[str, ...]:
    found = tuple(people) if not isinstance(people, (str, bytes)) else None
    if found is None or not all(isinstance(p, str) for p in found):
        raise ValidationError.for_field("people", "a sequence of names", people)
    return tuple(sorted(set(found)))


def find_blame(
    value: str,
    *,
    rules: Iterable[BlameRule] = BLAME_RULES,
    people: Iterable[str] = (),
) -> Iterator[BlameMatch]:
    """Yield where *rules* match *value*, outside quotes, in text order."""
    if not isinstance(value, str):
        raise ValidationError.for_field("text", "a string", value)
    ignored = [m.span() for m in _IGNORED.finditer(value)]
    starts = [a for a, _ in ignored]
    candidates: list[tuple[int, int, BlameMatch]] = []
    for order, (rule, pattern, unless) in enumerate(
        _compiled(_rules(rules), _people(people))
    ):
        for match in pattern.finditer(value):
            start, end = match.span()
            quoted = bisect.bisect_right(starts, start) - 1
            if quoted >= 0 and start < ignored[quoted][1]:
                continue
            if unless:
                sentence = _sentence(value, start, end)
                if any(u.search(sentence) for u in unless):
                    continue
            candidates.append(
                (start, order, BlameMatch(rule, start, end, match.group()))
            )
    candidates.sort(key=lambda c: (c[0], c[1]))
    reached = -1
    for start, _order, found in candidates:
        if start >= reached:
            reached = found.end
            yield found


def check_blameless(
    value: str,
    *,
    rules: Iterable[BlameRule] = BLAME_RULES,
    people: Iterable[str] = (),
    subject: str = "text",
) -> tuple[Finding, ...]:
    """
    Lint *value* for wording that blames a person instead of the system.

    Each finding's code is the rule's, its message quotes the matched words and
    gives the reason, and its subject is ``subject[start:end]``, the span of
    text.  Quoted text (``"..."``, inline code, lines starting with ``>``) is
    left alone, so chat logs can be cited as they were written.

    Args:
        value: Any text: a postmortem section, a chat message, a commit message.
        rules: The rules to apply; `incidentkit.postmortem.BLAME_RULES` by
            default.
        people: Names to recognise as people (role holders, action owners), on
            top of capitalised first names.
        subject: What the text is, for the findings' subjects.

    Returns:
        The findings, in text order; empty when the text is blameless.

    Raises:
        ValidationError: If *value* is not a string, or *rules* or *people*
            hold something else.

    Example:
        >>> from incidentkit.postmortem import check_blameless
        >>> [f.code for f in check_blameless("Sam forgot to drain the node.")]
        ['person-forgot']
        >>> check_blameless("Human error is a symptom; draining was manual.")
        ()
    """
    return tuple(
        Finding(
            m.rule.code,
            f"{m.text!r} blames a person: {m.rule.reason}",
            Level.WARNING,
            f"{subject}[{m.start}:{m.end}]",
        )
        for m in find_blame(value, rules=rules, people=people)
    )
