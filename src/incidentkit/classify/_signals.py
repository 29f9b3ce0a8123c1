"""Golden-signal decisions as an impact and a classification."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from typing import Final

import attrs

from incidentkit._time import format_duration
from incidentkit.errors import ValidationError
from incidentkit.findings import Finding, Level
from incidentkit.signals import Decision, SignalState, Urgency

from ._impact import Impact, Outage, Scope
from ._rules import Classification, Classifier, RuleClassifier


__all__ = [
    "COLLAPSED_TRAFFIC_SHARE",
    "FULL_OUTAGE_ERROR_RATIO",
    "classify_signals",
    "impact_from_signals",
]

FULL_OUTAGE_ERROR_RATIO: Final[float] = 0.95
"""An error ratio at least this high over the shortest window is a full outage."""

COLLAPSED_TRAFFIC_SHARE: Final[float] = 0.05
"""Traffic at most this share of its baseline has collapsed: a full outage."""

_UNKNOWN_STATES: Final = frozenset(
    {SignalState.NO_DATA, SignalState.INSUFFICIENT_DATA, SignalState.UNKNOWN}
)
_OUTAGE_ORDER: Final = (Outage.NONE, Outage.DEGRADED, Outage.PARTIAL, Outage.FULL)
_SCOPE_ORDER: Final = (
    Scope.NONE,
    Scope.SINGLE_USER,
    Scope.LARGE_SEGMENT,
    Scope.ALL_USERS,
)


@attrs.define
class _Evidence:
    outage: Outage | None = None
    scope: Scope | None = None
    requests: float | None = None
    reasons: list[str] = attrs.Factory(list)
    findings: list[Finding] = attrs.Factory(list)

    def saw(self, outage: Outage, scope: Scope | None, reason: str) -> None:
        if self.outage is None or _OUTAGE_ORDER.index(outage) > _OUTAGE_ORDER.index(
            self.outage
        ):
            self.outage = outage
        if scope is not None and (
            self.scope is None
            or _SCOPE_ORDER.index(scope) > _SCOPE_ORDER.index(self.scope)
        ):
            self.scope = scope
        self.reasons.append(reason)


def _head(d: Decision) -> str:
    urgency = f" ({d.urgency.value})" if d.urgency is not None else ""
    return f"{d.signal} {d.state.value}{urgency}"


def _threshold(d: Decision) -> str:
    if d.rule is not None and d.rule in d.thresholds:
        return f"rule {d.rule!r} threshold {d.thresholds[d.rule]:g}x"
    if d.thresholds:
        return ", ".join(f"{k} {v:g}" for k, v in sorted(d.thresholds.items()))
    return "no threshold recorded"


def _errors(d: Decision, core: bool, found: _Evidence) -> None:
    measured = [w for w in d.windows if w.value is not None and w.events > 0]
    shortest = min(measured, key=lambda w: w.window, default=None)
    if shortest is None or shortest.value is None:
        found.reasons.append(f"{_head(d)} without a measured error ratio: not read")
        return
    ratio = shortest.value
    found.requests = ratio if found.requests is None else max(found.requests, ratio)
    cited = (
        f"{_head(d)}: {ratio:.1%} of {shortest.events:g} requests failed over "
        f"{shortest.label} ({_threshold(d)})"
    )
    if ratio >= FULL_OUTAGE_ERROR_RATIO:
        found.saw(
            Outage.FULL,
            Scope.ALL_USERS,
            f"{cited}: errors near 100% of all traffic, a full outage for all users",
        )
    elif d.urgency is Urgency.PAGE and core:
        found.saw(
            Outage.DEGRADED,
            Scope.LARGE_SEGMENT,
            f"{cited}: a page-level burn on a core objective, degraded for a "
            "large segment of users",
        )
    elif d.urgency is Urgency.PAGE:
        found.saw(
            Outage.DEGRADED,
            None,
            f"{cited}: a page-level burn on an objective not listed as core, "
            "degraded for users of unknown scope",
        )
    else:
        found.saw(
            Outage.DEGRADED,
            None,
            f"{cited}: a ticket-level burn, degraded for users of unknown scope",
        )


def _latency(d: Decision, core: bool, found: _Evidence) -> None:
    worst = max(
        (w for w in d.windows if w.value is not None),
        key=lambda w: w.value or 0.0,
        default=None,
    )
    shown = (
        "no measured value"
        if worst is None
        else f"{worst.label} {worst.value:g}s over {format_duration(worst.window)}"
    )
    cited = f"{_head(d)}: {shown} ({_threshold(d)})"
    if d.urgency is Urgency.PAGE and core:
        found.saw(
            Outage.DEGRADED,
            Scope.LARGE_SEGMENT,
            f"{cited}: slow for a large segment of users on a core objective",
        )
    else:
        found.saw(Outage.DEGRADED, None, f"{cited}: slow, for users of unknown scope")


def _traffic(d: Decision, found: _Evidence) -> None:
    rate = next((w for w in d.windows if w.label == "rate"), None)
    baseline = d.thresholds.get("baseline")
    value = None if rate is None else rate.value
    if rate is None or value is None:
        found.reasons.append(f"{_head(d)} without a measured rate: not read")
        return
    against = "no baseline" if baseline is None else f"a baseline of {baseline:.4g}"
    cited = (
        f"{_head(d)}: {value:.4g} req/s over {format_duration(rate.window)} against "
        f"{against} req/s ({_threshold(d)})"
    )
    collapsed = value == 0 or (
        baseline is not None and value <= COLLAPSED_TRAFFIC_SHARE * baseline
    )
    if collapsed:
        found.saw(
            Outage.FULL,
            Scope.ALL_USERS,
            f"{cited}: traffic collapsed, a full outage for all users",
        )
    else:
        found.reasons.append(f"{cited}: outside its band, not an outage by itself")


def impact_from_signals(
    decisions: Iterable[Decision], *, core_objectives: Collection[str] | None = None
) -> tuple[Impact, tuple[str, ...], tuple[Finding, ...]]:
    """
    Read golden-signal decisions as an `Impact`, with the evidence for each fact.

    Args:
        decisions: `Decision` values (a `GoldenDecisions` works as is).
        core_objectives: The ``objective`` texts that guard core features;
            ``None`` (the default) treats every objective as core.

    Returns:
        The impact, the reasons (one per decision, citing its signal, window,
        value and threshold) and findings (signals without data).

    Raises:
        ValidationError: If an item is not a `Decision`.

    Example:
        >>> from datetime import datetime, timezone
        >>> from incidentkit.signals import Decision, SignalState
        >>> from incidentkit.classify import impact_from_signals
        >>> now = datetime(2024, 6, 1, tzinfo=timezone.utc)
        >>> gone = Decision("errors", SignalState.NO_DATA, SignalState.OK, now)
        >>> impact, reasons, findings = impact_from_signals([gone])
        >>> impact.outage is None, findings[0].code
        (True, 'signal-without-data')
    """
    if isinstance(decisions, Decision):
        decisions = (decisions,)
    elif isinstance(decisions, (str, bytes, Mapping)) or not isinstance(
        decisions, Iterable
    ):
        raise ValidationError.for_field(
            "decisions", "an iterable of signals.Decision values", decisions
        )
    found = _Evidence()
    for index, d in enumerate(decisions):
        if not isinstance(d, Decision):
            raise ValidationError.for_field(
                f"decisions[{index}]", "a signals.Decision", d
            )
        core = core_objectives is None or d.objective in core_objectives
        if d.state in _UNKNOWN_STATES:
            found.reasons.append(
                f"{_head(d)}: unknown, not healthy (nothing said about its facts)"
            )
            found.findings.append(
                Finding(
                    "signal-without-data",
                    f"{d.signal} is {d.state.value}: its facts are unknown, not "
                    "healthy; the classification cannot rule out what it would show.",
                    Level.WARNING,
                    d.signal,
                )
            )
        elif d.state is not SignalState.FIRING:
            found.reasons.append(f"{_head(d)}: not firing, nothing escalated")
        elif d.signal == "errors":
            _errors(d, core, found)
        elif d.signal == "latency":
            _latency(d, core, found)
        elif d.signal == "traffic":
            _traffic(d, found)
        else:
            found.reasons.append(
                f"{_head(d)}: {d.signal} alone says nothing about user impact "
                "(see incidentkit.mitigation for saturation)"
            )
    impact = Impact(
        outage=found.outage, scope=found.scope, affected_requests=found.requests
    )
    return impact, tuple(found.reasons), tuple(found.findings)


def classify_signals(
    decisions: Iterable[Decision],
    *,
    impact: Impact | None = None,
    classifier: Classifier | None = None,
    core_objectives: Collection[str] | None = None,
) -> Classification:
    """
    Classify from golden-signal decisions, and other facts if known.

    Errors near 100 % of all traffic (`FULL_OUTAGE_ERROR_RATIO`) or traffic
    collapsing to zero (`COLLAPSED_TRAFFIC_SHARE` of its baseline) are a full
    outage for all users; a page-level burn on a core objective is performance
    degraded for a large segment; a ticket-level burn is degraded performance of
    unknown scope (``P3`` unless other facts say more).  ``NO_DATA`` is unknown,
    never healthy.  The reasons cite each decision first, then the rules.

    Args:
        decisions: `Decision` values (a `GoldenDecisions` works as is).
        impact: Facts known otherwise; they win over what the signals say, and a
            disagreement is a finding.
        classifier: The classifier (default `RuleClassifier()`).
        core_objectives: See `impact_from_signals`.

    Returns:
        The classification; its ``impact`` holds the facts used.

    Example:
        >>> from datetime import datetime, timedelta, timezone
        >>> from incidentkit.signals import Decision, SignalState, Urgency, WindowValue
        >>> from incidentkit.classify import classify_signals
        >>> now = datetime(2024, 6, 1, tzinfo=timezone.utc)
        >>> down = Decision("errors", SignalState.FIRING, SignalState.OK, now,
        ...     Urgency.PAGE, rule="page 1h/5m", thresholds={"page 1h/5m": 14.4},
        ...     windows=[WindowValue("5m", timedelta(minutes=5), 0.99, 3000.0)])
        >>> c = classify_signals([down])
        >>> c.severity.value
        'P1'
        >>> c.reasons[0]
        "errors firing (page): 99.0% of 3000 requests failed over 5m (rule \
'page 1h/5m' threshold 14.4x): errors near 100% of all traffic, a full outage \
for all users"
    """
    seen, reasons, findings = impact_from_signals(
        decisions, core_objectives=core_objectives
    )
    given = Impact() if impact is None else impact
    if not isinstance(given, Impact):
        raise ValidationError.for_field("impact", "an Impact or None", impact)
    disagree = [
        Finding(
            "signals-disagree",
            f"The signals say {name} is {getattr(seen, name)}, the facts given say "
            f"{getattr(given, name)}; the facts given were used.",
            Level.WARNING,
            name,
        )
        for name in ("outage", "scope")
        if getattr(seen, name) is not None
        and getattr(given, name) is not None
        and getattr(seen, name) is not getattr(given, name)
    ]
    merged = given.merge(seen)
    result = (RuleClassifier() if classifier is None else classifier).classify(merged)
    return attrs.evolve(
        result,
        reasons=reasons + result.reasons,
        findings=findings + tuple(disagree) + result.findings,
    )
