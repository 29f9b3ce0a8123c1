"""Ranked, explained recommendations to restore service."""

from __future__ import annotations

import datetime as dt
from typing import Any, Final

import attrs

from incidentkit._time import format_duration
from incidentkit._validators import (
    as_tuple,
    instance_of,
    optional_text,
    text,
    tuple_of,
)
from incidentkit.errors import ValidationError

from ._context import (
    Concentration,
    ConcentrationKind,
    Deployment,
    MitigationContext,
    Remedy,
    Runbook,
    Saturation,
    Strategy,
)


__all__ = ["MIN_SHARE", "SUSPECT_WITHIN", "Recommendation", "recommend"]

SUSPECT_WITHIN: Final[dt.timedelta] = dt.timedelta(hours=1)
"""A release this long or less before the impact began is a suspect."""

MIN_SHARE: Final[float] = 0.5
"""Errors concentrated at least this much in one place point at it."""

_IMPROVISED: Final[str] = (
    "no runbook covers this step: it is improvised (the postmortem should ask "
    "for a runbook)"
)
_CONFIRM: Final[str] = "watch the golden signals return to normal before standing down"
_ORDER: Final = {remedy: index for index, remedy in enumerate(Remedy)}


def _confidence(_instance: object, _attribute: object, value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, float) or not 0 <= value <= 1:
        raise ValidationError.for_field("confidence", "a float from 0 to 1", value)


def _texts(expected: str) -> Any:
    return tuple_of(lambda s: isinstance(s, str) and bool(s.strip()), expected)


@attrs.frozen(kw_only=True)
class Recommendation:
    """
    One way to stop the bleeding, with why and how.

    Recommendations restore service; none of them is a diagnosis.

    Attributes:
        remedy: What to do (a `Remedy`).
        target: What it acts on: a version, a resource, a flag, a region or host.
        confidence: How well the evidence fits, from 0 to 1 (a ranking weight,
            not a probability).
        reasons: Why, most important first.
        steps: What to do, in order: a runbook's steps, or improvised ones.
        runbook: The title of the runbook attached, or ``None`` (improvised).
        service: The service it acts on, if known.

    Example:
        >>> from incidentkit.mitigation import MitigationContext, Saturation, recommend
        >>> best = recommend(MitigationContext(firing=[Saturation(resource="cpu")]))[0]
        >>> best.remedy.value, best.improvised
        ('scale_up', True)
    """

    remedy: Remedy = attrs.field(validator=instance_of(Remedy, "a Remedy"))
    target: str = attrs.field(validator=text)
    confidence: float = attrs.field(validator=_confidence)
    reasons: tuple[str, ...] = attrs.field(
        converter=as_tuple, validator=_texts("a tuple of non-empty strings")
    )
    steps: tuple[str, ...] = attrs.field(
        converter=as_tuple, validator=_texts("a tuple of non-empty strings")
    )
    runbook: str | None = attrs.field(default=None, validator=optional_text)
    service: str | None = attrs.field(default=None, validator=optional_text)

    @property
    def improvised(self) -> bool:
        """Whether no runbook was attached (the steps are improvised)."""
        return self.runbook is None

    def explain(self) -> str:
        """
        Return the recommendation as one paragraph.

        Example:
            >>> from incidentkit.mitigation import (MitigationContext, Saturation,
            ...                                     recommend)
            >>> ctx = MitigationContext(firing=[Saturation(resource="cpu")])
            >>> recommend(ctx)[0].explain()[:40]
            'scale up cpu (confidence 0.65), because '
        """
        what = self.remedy.value.replace("_", " ")
        steps = "; ".join(f"{n}. {s}" for n, s in enumerate(self.steps, 1))
        return (
            f"{what} {self.target} (confidence {self.confidence:.2f}), because "
            f"{'; '.join(self.reasons)}. Steps: {steps}."
        )


def _runbook(
    runbooks: tuple[Runbook, ...],
    remedy: Remedy,
    service: str | None,
    target: str,
    strategy: Strategy | None = None,
) -> Runbook | None:
    fits = [
        r
        for r in runbooks
        if r.trigger is remedy
        and r.service in {None, service}
        and r.strategy in {None, strategy}
        and r.target in {None, target}
    ]
    if not fits:
        return None
    return min(
        fits,
        key=lambda r: (
            -sum(x is not None for x in (r.service, r.strategy, r.target)),
            r.title,
        ),
    )


def _build(  # noqa: PLR0917 - a private builder, called in one shape
    context: MitigationContext,
    remedy: Remedy,
    target: str,
    confidence: float,
    reasons: list[str],
    steps: list[str],
    service: str | None,
    strategy: Strategy | None = None,
) -> Recommendation:
    runbook = _runbook(context.runbooks, remedy, service, target, strategy)
    if runbook is None:
        reasons = [*reasons, _IMPROVISED]
        chosen = (*steps, _CONFIRM)
    else:
        reasons = [*reasons, f"runbook {runbook.title!r} covers it"]
        chosen = runbook.steps
    return Recommendation(
        remedy=remedy,
        target=target,
        confidence=round(min(max(confidence, 0.0), 1.0), 4),
        reasons=reasons,
        steps=chosen,
        runbook=None if runbook is None else runbook.title,
        service=service,
    )


def _rollback_steps(d: Deployment) -> list[str]:
    previous = d.previous_version or "the previous version"
    if d.strategy is Strategy.CANARY and d.in_progress:
        return [
            (
                f"pause the {d.service} canary rollout of {d.version} at "
                f"{d.canary_percent:g}%"
            ),
            f"revert the canary: send its traffic back to {previous}",
        ]
    if d.strategy is Strategy.BLUE_GREEN:
        return [
            (
                f"switch the {d.service} load balancer back to the environment "
                f"running {previous}"
            ),
            f"keep the {d.version} environment idle for the investigation",
        ]
    return [f"redeploy {previous} of {d.service} in place of {d.version}"]


def _rollbacks(
    context: MitigationContext, suspect_within: dt.timedelta
) -> list[Recommendation]:
    start = context.impact_started_at
    latest: dict[str, Deployment] = {}
    for d in context.deployments:
        if start is not None and d.at > start:
            continue  # released after the impact began: not its trigger
        if d.service not in latest or d.at > latest[d.service].at:
            latest[d.service] = d
    found = []
    for service, d in sorted(latest.items()):
        what = f"{service} {d.version} ({d.strategy.value})"
        if start is None:
            confidence = 0.4
            reasons = [
                (
                    f"{what} is the last release; when the impact began is unknown, so "
                    "whether the release preceded it cannot be told"
                )
            ]
        else:
            gap = start - d.at
            if gap <= suspect_within:
                confidence = 0.9 - 0.4 * (gap / suspect_within)
                reasons = [
                    (
                        f"{what} was deployed {format_duration(gap)} before the impact "
                        f"began (within {format_duration(suspect_within)}): a release "
                        "shortly before the impact is the likeliest trigger"
                    )
                ]
            else:
                confidence = 0.2
                reasons = [
                    (
                        f"{what} was deployed {format_duration(gap)} before the impact "
                        "began, long before (more than "
                        f"{format_duration(suspect_within)}): a weak lead"
                    )
                ]
        if d.in_progress:
            confidence += 0.05
            reasons.append(
                f"the canary has reached only {d.canary_percent:g}% of traffic: "
                "pausing and reverting it is cheap"
            )
        found.append(
            _build(
                context,
                Remedy.ROLL_BACK,
                d.version,
                confidence,
                reasons,
                _rollback_steps(d),
                service,
                d.strategy,
            )
        )
    return found


def _scale_ups(context: MitigationContext) -> list[Recommendation]:
    found = []
    for s in _worst_per_resource(context.firing):
        level = "" if s.utilisation is None else f" at {s.utilisation:.0%}"
        limit = "" if s.threshold is None else f" (threshold {s.threshold:.0%})"
        urgency = "paging" if s.paging else "ticketing"
        reasons = [
            (
                f"saturation is firing ({urgency}) on {s.resource}{level}{limit}: "
                "adding capacity buys time to find the cause"
            )
        ]
        actions = [
            c.action
            for c in context.capacity
            if c.resource == s.resource and c.service in {None, s.service}
        ]
        if actions:
            reasons.append(f"{len(actions)} capacity action(s) available")
            steps = actions
        else:
            reasons.append(f"no capacity action is listed for {s.resource}")
            steps = [f"add capacity for {s.resource}"]
        found.append(
            _build(
                context,
                Remedy.SCALE_UP,
                s.resource,
                0.8 if s.paging else 0.65,
                reasons,
                steps,
                s.service,
            )
        )
    return found


def _worst_per_resource(firing: tuple[Saturation, ...]) -> list[Saturation]:
    worst: dict[tuple[str, str | None], Saturation] = {}
    for s in firing:
        key = (s.resource, s.service)
        kept = worst.get(key)
        if kept is None or (s.paging, s.utilisation or 0.0) > (
            kept.paging,
            kept.utilisation or 0.0,
        ):
            worst[key] = s
    return [worst[key] for key in sorted(worst, key=lambda k: (k[0], k[1] or ""))]


def _concentrated(context: MitigationContext, min_share: float) -> list[Recommendation]:
    found = []
    for c in context.concentrations:
        if c.share < min_share:
            continue
        share = f"{c.share:.0%} of the errors are in {c.kind.value} {c.name}"
        if c.kind is ConcentrationKind.FEATURE:
            if c.flag is None:
                continue  # nothing to switch off without a rollback
            found.append(_disable(context, c, share))
        else:
            found.append(
                _build(
                    context,
                    Remedy.REDIRECT_TRAFFIC,
                    c.name,
                    0.45 + 0.4 * c.share,
                    [f"{share}: routing traffic away from it restores the rest"],
                    [
                        (
                            f"route traffic away from {c.kind.value} {c.name} to "
                            "healthy ones"
                        ),
                        "check the healthy ones have the headroom to take it",
                    ],
                    c.service,
                )
            )
    return found


def _disable(
    context: MitigationContext, c: Concentration, share: str
) -> Recommendation:
    return _build(
        context,
        Remedy.DISABLE_FEATURE,
        str(c.flag),
        0.5 + 0.4 * c.share,
        [f"{share}: turning off its flag keeps everything else running"],
        [f"turn off the feature flag {c.flag!r} ({c.name})"],
        c.service,
    )


def recommend(
    context: MitigationContext,
    *,
    suspect_within: dt.timedelta = SUSPECT_WITHIN,
    min_share: float = MIN_SHARE,
) -> tuple[Recommendation, ...]:
    """
    Recommend how to stop the bleeding, best first.

    Roll back the last release of each service (pause and revert a canary,
    switch a blue-green pair back, redeploy the previous version), scale up each
    saturated resource, disable a feature behind its flag, redirect traffic away
    from a region or host.  A release within *suspect_within* before the impact
    ranks high (the closer, the higher); one long before ranks below the
    evidence that fits; one after the impact began is not proposed.

    Args:
        context: The situation.
        suspect_within: How recent a release must be to be a suspect.
        min_share: The share of errors in one place that points at it.

    Returns:
        The recommendations, by confidence (ties: rollback, scale up, disable,
        redirect); empty when nothing points anywhere.

    Raises:
        ValidationError: For a context that is not a `MitigationContext`, a
            non-positive *suspect_within* or a *min_share* outside (0, 1].

    Example:
        >>> from datetime import datetime, timedelta, timezone
        >>> from incidentkit.mitigation import (Deployment, MitigationContext,
        ...                                     Saturation, recommend)
        >>> t0 = datetime(2024, 6, 1, 14, tzinfo=timezone.utc)
        >>> release = Deployment(at=t0 - timedelta(minutes=6), service="checkout",
        ...                      version="2024.06.1", previous_version="2024.05.4")
        >>> best = recommend(MitigationContext(impact_started_at=t0,
        ...     deployments=[release], firing=[Saturation(resource="cpu")]))[0]
        >>> best.remedy.value, best.steps[0]
        ('roll_back', 'redeploy 2024.05.4 of checkout in place of 2024.06.1')
        >>> best.reasons[0]
        'checkout 2024.06.1 (plain) was deployed 6m before the impact began \
(within 1h): a release shortly before the impact is the likeliest trigger'
    """
    if not isinstance(context, MitigationContext):
        raise ValidationError.for_field("context", "a MitigationContext", context)
    if not isinstance(suspect_within, dt.timedelta) or suspect_within <= dt.timedelta(
        0
    ):
        raise ValidationError.for_field(
            "suspect_within", "a positive timedelta", suspect_within
        )
    if (
        isinstance(min_share, bool)
        or not isinstance(min_share, (int, float))
        or not 0 < min_share <= 1
    ):
        raise ValidationError.for_field(
            "min_share", "a number greater than 0, at most 1", min_share
        )
    found = (
        _rollbacks(context, suspect_within)
        + _scale_ups(context)
        + _concentrated(context, min_share)
    )
    return tuple(
        sorted(found, key=lambda r: (-r.confidence, _ORDER[r.remedy], r.target))
    )
