"""The situation a mitigation is chosen for."""

from __future__ import annotations

import datetime as dt
import enum
import math
from collections.abc import Mapping, Sequence
from typing import Any, Protocol, runtime_checkable

import attrs

from incidentkit._time import check_aware, to_utc, to_utc_optional
from incidentkit._validators import (
    as_tuple,
    check_bool,
    instance_of,
    optional,
    optional_text,
    text,
    tuple_of,
)
from incidentkit.errors import ValidationError


__all__ = [
    "CapacityAction",
    "Concentration",
    "ConcentrationKind",
    "Deployment",
    "MitigationContext",
    "Remedy",
    "Runbook",
    "Saturation",
    "SaturationDecision",
    "Strategy",
]


class Strategy(enum.Enum):
    """
    How a release was rolled out, which decides how it is rolled back.

    Example:
        >>> from incidentkit.mitigation import Strategy
        >>> Strategy("blue_green")
        <Strategy.BLUE_GREEN: 'blue_green'>
    """

    PLAIN = "plain"
    """Replaced in place: roll back by redeploying the previous version."""
    BLUE_GREEN = "blue_green"
    """Two environments: switch the load balancer back to the previous one."""
    CANARY = "canary"
    """A share of traffic first: pause the rollout and revert the canary."""


class Remedy(enum.Enum):
    """
    The ways to stop the bleeding, each restoring service without a diagnosis.

    Example:
        >>> from incidentkit.mitigation import Remedy
        >>> Remedy.ROLL_BACK.value
        'roll_back'
    """

    ROLL_BACK = "roll_back"
    """Revert the last deployment."""
    SCALE_UP = "scale_up"
    """Add capacity to the saturated resource."""
    DISABLE_FEATURE = "disable_feature"
    """Turn off the feature behind its flag."""
    REDIRECT_TRAFFIC = "redirect_traffic"
    """Route traffic away from a bad region or host."""


class ConcentrationKind(enum.Enum):
    """
    Where errors concentrate.

    Example:
        >>> from incidentkit.mitigation import ConcentrationKind
        >>> ConcentrationKind("region").value
        'region'
    """

    FEATURE = "feature"
    """One feature (behind a feature flag, if it has one)."""
    REGION = "region"
    """One region or data centre."""
    HOST = "host"
    """One server."""


def _as_float(value: Any) -> Any:
    """Store whole numbers as floats, so a value reads back as it was written."""
    if isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    return value


def _share(_instance: object, attribute: attrs.Attribute[Any], value: Any) -> None:
    if (
        isinstance(value, bool)
        or not isinstance(value, (int, float))
        or not math.isfinite(value)
        or not 0 < value <= 1
    ):
        raise ValidationError.for_field(
            attribute.name, "a number greater than 0, at most 1", value
        )


def _unit(_instance: object, attribute: attrs.Attribute[Any], value: Any) -> None:
    if (
        isinstance(value, bool)
        or not isinstance(value, (int, float))
        or not math.isfinite(value)
        or value < 0
    ):
        raise ValidationError.for_field(
            attribute.name, "a finite, non-negative number (1.0 is full)", value
        )


def _percent(_instance: object, attribute: attrs.Attribute[Any], value: Any) -> None:
    if (
        isinstance(value, bool)
        or not isinstance(value, (int, float))
        or not 0 < value < 100  # noqa: PLR2004
    ):
        raise ValidationError.for_field(
            attribute.name, "a percentage strictly between 0 and 100", value
        )


@attrs.frozen(kw_only=True)
class Deployment:
    """
    A release of a service.

    Attributes:
        at: When it was deployed (aware; stored in UTC).
        service: The service.
        version: The version deployed.
        strategy: How it was rolled out (a `Strategy`).
        previous_version: The version it replaced, if known.
        canary_percent: For a canary still rolling out: the share of traffic
            it has reached, in percent (strictly between 0 and 100).

    Raises:
        ValidationError: Naming the field; also for *canary_percent* on a
            release that is not a canary.

    Example:
        >>> from datetime import datetime, timezone
        >>> from incidentkit.mitigation import Deployment, Strategy
        >>> Deployment(at=datetime(2024, 6, 1, 13, 50, tzinfo=timezone.utc),
        ...            service="checkout", version="2024.06.1",
        ...            strategy=Strategy.CANARY, canary_percent=10).in_progress
        True
    """

    at: dt.datetime = attrs.field(converter=to_utc, validator=check_aware)
    service: str = attrs.field(validator=text)
    version: str = attrs.field(validator=text)
    strategy: Strategy = attrs.field(
        default=Strategy.PLAIN, validator=instance_of(Strategy, "a Strategy")
    )
    previous_version: str | None = attrs.field(default=None, validator=optional_text)
    canary_percent: float | None = attrs.field(
        default=None, converter=_as_float, validator=optional(_percent)
    )

    @canary_percent.validator
    def _only_canaries(self, _attribute: object, value: float | None) -> None:
        if value is not None and self.strategy is not Strategy.CANARY:
            raise ValidationError.for_field(
                "canary_percent", "None unless strategy is Strategy.CANARY", value
            )

    @property
    def in_progress(self) -> bool:
        """Whether this is a canary still rolling out."""
        return self.canary_percent is not None


@runtime_checkable
class SaturationDecision(Protocol):
    """
    What `Saturation.from_decision` reads of a saturation decision.

    ``incidentkit.signals.Decision`` has this shape; this package does not
    import it (capabilities stay apart).
    """

    @property
    def signal(self) -> str:
        """The signal's name."""
        ...  # pragma: no cover

    @property
    def state(self) -> Any:
        """The alert state; its ``value`` is ``"firing"`` when firing."""
        ...  # pragma: no cover

    @property
    def urgency(self) -> Any:
        """Page or ticket (``value`` ``"page"`` or ``"ticket"``), or None."""
        ...  # pragma: no cover

    @property
    def windows(self) -> Sequence[Any]:
        """Measured values with ``label`` (the resource) and ``value``."""
        ...  # pragma: no cover

    @property
    def thresholds(self) -> Mapping[str, float]:
        """Thresholds by name (``"warning"``, ``"critical"``)."""
        ...  # pragma: no cover

    @property
    def labels(self) -> Mapping[str, str]:
        """Who the decision is about (``service``)."""
        ...  # pragma: no cover


@attrs.frozen(kw_only=True)
class Saturation:
    """
    A resource running out: a firing saturation alert.

    Attributes:
        resource: The resource (``"db-connections"``, ``"cpu"``).
        utilisation: How full it is (1.0 is full), if known.
        threshold: The threshold it crossed, if known.
        service: The service it belongs to, if known.
        paging: Whether the alert pages (rather than tickets).

    Example:
        >>> from incidentkit.mitigation import Saturation
        >>> Saturation(resource="db-connections", utilisation=0.97).resource
        'db-connections'
    """

    resource: str = attrs.field(validator=text)
    utilisation: float | None = attrs.field(
        default=None, converter=_as_float, validator=optional(_unit)
    )
    threshold: float | None = attrs.field(
        default=None, converter=_as_float, validator=optional(_unit)
    )
    service: str | None = attrs.field(default=None, validator=optional_text)
    paging: bool = attrs.field(default=False, validator=check_bool)

    @classmethod
    def from_decision(cls, decision: SaturationDecision) -> tuple[Saturation, ...]:
        """
        Read a firing saturation decision (``incidentkit.signals.Decision``).

        Returns one value per resource at or above the decision's ``warning``
        threshold (every measured resource when there is none).

        Args:
            decision: The decision; its state must be firing.

        Raises:
            ValidationError: If the decision is not firing or measured nothing.

        Example:
            >>> from datetime import datetime, timedelta, timezone
            >>> from incidentkit.signals import (Decision, SignalState, Urgency,
            ...                                  WindowValue)
            >>> from incidentkit.mitigation import Saturation
            >>> d = Decision("saturation", SignalState.FIRING, SignalState.PENDING,
            ...     datetime(2024, 6, 1, tzinfo=timezone.utc), Urgency.PAGE,
            ...     windows=[WindowValue("db-connections", timedelta(minutes=10),
            ...                          0.97)],
            ...     thresholds={"warning": 0.8, "critical": 0.95},
            ...     labels={"service": "checkout"})
            >>> Saturation.from_decision(d)[0].paging
            True
        """
        state = getattr(getattr(decision, "state", None), "value", None)
        if state != "firing":
            raise ValidationError.for_field(
                "firing", "firing saturation decisions or Saturation values", decision
            )
        thresholds = decision.thresholds
        warning = thresholds.get("warning")
        measured = [
            w
            for w in decision.windows
            if isinstance(getattr(w, "value", None), (int, float))
            and (warning is None or w.value >= warning)
        ]
        if not measured:
            raise ValidationError.for_field(
                "firing", "a decision with a measured resource", decision
            )
        paging = getattr(decision.urgency, "value", None) == "page"
        critical = thresholds.get("critical")
        threshold = critical if paging and critical is not None else warning
        return tuple(
            cls(
                resource=str(w.label),
                utilisation=float(w.value),
                threshold=threshold,
                service=decision.labels.get("service"),
                paging=paging,
            )
            for w in sorted(measured, key=lambda w: -float(w.value))
        )


def _firing(value: object) -> tuple[Saturation, ...]:
    items = as_tuple(value)
    if not isinstance(items, tuple):
        raise ValidationError.for_field(
            "firing", "a sequence of Saturation values or decisions", value
        )
    found: list[Saturation] = []
    for item in items:
        if isinstance(item, Saturation):
            found.append(item)
        elif isinstance(item, SaturationDecision):
            found.extend(Saturation.from_decision(item))
        else:
            raise ValidationError.for_field(
                "firing", "Saturation values or firing saturation decisions", item
            )
    return tuple(found)


@attrs.frozen(kw_only=True)
class Concentration:
    """
    Errors concentrated in one feature, region or host.

    Attributes:
        kind: Where (a `ConcentrationKind`).
        name: Which one (``"search"``, ``"eu-west-1"``, ``"web-7"``).
        share: The share of the errors found there (greater than 0, at most 1).
        flag: For a feature: the feature flag that turns it off, if any.
        service: The service, if known.

    Raises:
        ValidationError: Naming the field; also for a *flag* on a region or host.

    Example:
        >>> from incidentkit.mitigation import Concentration, ConcentrationKind
        >>> Concentration(kind=ConcentrationKind.FEATURE, name="search",
        ...               share=0.9, flag="new-search").flag
        'new-search'
    """

    kind: ConcentrationKind = attrs.field(
        validator=instance_of(ConcentrationKind, "a ConcentrationKind")
    )
    name: str = attrs.field(validator=text)
    share: float = attrs.field(converter=_as_float, validator=_share)
    flag: str | None = attrs.field(default=None, validator=optional_text)
    service: str | None = attrs.field(default=None, validator=optional_text)

    @flag.validator
    def _only_features(self, _attribute: object, value: str | None) -> None:
        if value is not None and self.kind is not ConcentrationKind.FEATURE:
            raise ValidationError.for_field(
                "flag", "None unless kind is ConcentrationKind.FEATURE", value
            )


@attrs.frozen(kw_only=True)
class CapacityAction:
    """
    A way to add capacity that is available now.

    Attributes:
        resource: The resource it relieves (as in `Saturation.resource`).
        action: What to do, as a step (``"raise the pool from 50 to 100"``).
        service: The service, if it is specific to one.

    Example:
        >>> from incidentkit.mitigation import CapacityAction
        >>> CapacityAction(resource="cpu", action="scale web to 12 replicas").action
        'scale web to 12 replicas'
    """

    resource: str = attrs.field(validator=text)
    action: str = attrs.field(validator=text)
    service: str | None = attrs.field(default=None, validator=optional_text)


def _steps(value: object) -> object:
    return as_tuple(value)


@attrs.frozen(kw_only=True)
class Runbook:
    """
    Pre-planned steps for one remedy.

    A runbook applies to a recommendation when its *trigger* is the remedy and
    each criterion it sets (*service*, *strategy*, *target*) matches; the most
    specific applicable runbook is attached.

    Attributes:
        title: The runbook's name.
        trigger: The remedy it carries out (a `Remedy`).
        steps: The steps, in order (at least one).
        service: Only for this service.
        strategy: Only for rollbacks of releases with this `Strategy`.
        target: Only for this target (a resource, a flag, a region or host).

    Example:
        >>> from incidentkit.mitigation import Remedy, Runbook, Strategy
        >>> Runbook(title="Checkout canary rollback", trigger=Remedy.ROLL_BACK,
        ...         strategy=Strategy.CANARY, steps=["pause", "revert"]).steps
        ('pause', 'revert')
    """

    title: str = attrs.field(validator=text)
    trigger: Remedy = attrs.field(validator=instance_of(Remedy, "a Remedy"))
    steps: tuple[str, ...] = attrs.field(
        converter=_steps,
        validator=tuple_of(
            lambda s: isinstance(s, str) and bool(s.strip()),
            "a non-empty sequence of non-empty strings",
        ),
    )
    service: str | None = attrs.field(default=None, validator=optional_text)
    strategy: Strategy | None = attrs.field(
        default=None, validator=optional(instance_of(Strategy, "a Strategy"))
    )
    target: str | None = attrs.field(default=None, validator=optional_text)

    @steps.validator
    def _some_steps(self, _attribute: object, value: tuple[str, ...]) -> None:
        if not value:
            raise ValidationError.for_field("steps", "at least one step", value)


def _of(kind: type, expected: str) -> Any:
    return tuple_of(lambda item: isinstance(item, kind), expected)


@attrs.frozen(kw_only=True)
class MitigationContext:
    """
    What is known when choosing how to stop the bleeding.

    Attributes:
        impact_started_at: When the impact began (aware), if known.
        deployments: Recent `Deployment` values.
        firing: Firing saturation alerts: `Saturation` values, or firing
            saturation decisions of `incidentkit.signals` (read with
            `Saturation.from_decision`).
        concentrations: Where errors concentrate (`Concentration` values).
        capacity: The `CapacityAction` values available.
        runbooks: Pre-planned `Runbook` values.

    Raises:
        ValidationError: Naming the field, for any bad value.

    Example:
        >>> from datetime import datetime, timezone
        >>> from incidentkit.mitigation import MitigationContext, Saturation
        >>> ctx = MitigationContext(firing=[Saturation(resource="cpu")])
        >>> ctx.firing[0].resource, ctx.impact_started_at
        ('cpu', None)
    """

    impact_started_at: dt.datetime | None = attrs.field(
        default=None, converter=to_utc_optional, validator=optional(check_aware)
    )
    deployments: tuple[Deployment, ...] = attrs.field(
        default=(), converter=as_tuple, validator=_of(Deployment, "Deployment values")
    )
    firing: tuple[Saturation, ...] = attrs.field(default=(), converter=_firing)
    concentrations: tuple[Concentration, ...] = attrs.field(
        default=(),
        converter=as_tuple,
        validator=_of(Concentration, "Concentration values"),
    )
    capacity: tuple[CapacityAction, ...] = attrs.field(
        default=(),
        converter=as_tuple,
        validator=_of(CapacityAction, "CapacityAction values"),
    )
    runbooks: tuple[Runbook, ...] = attrs.field(
        default=(), converter=as_tuple, validator=_of(Runbook, "Runbook values")
    )
