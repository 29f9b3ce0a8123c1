"""
Stabilisation: stop the bleeding first, find the cause later.

From a `MitigationContext` (when the impact began, recent deployments, firing
saturation, where errors concentrate, the capacity at hand and pre-planned
runbooks), `recommend` ranks and explains what restores service: roll back the
last release, scale up the saturated resource, disable the feature behind its
flag, redirect traffic away from a bad region or host.  Each `Recommendation`
has reasons, a confidence and concrete steps, from a `Runbook` when one fits;
otherwise it says the step is improvised.

Example:
    >>> from incidentkit.mitigation import (Concentration, ConcentrationKind,
    ...                                     MitigationContext, recommend)
    >>> region = Concentration(kind=ConcentrationKind.REGION, name="eu-west-1",
    ...                        share=0.95)
    >>> recommend(MitigationContext(concentrations=[region]))[0].steps[0]
    'route traffic away from region eu-west-1 to healthy ones'
"""

from ._context import (
    CapacityAction,
    Concentration,
    ConcentrationKind,
    Deployment,
    MitigationContext,
    Remedy,
    Runbook,
    Saturation,
    SaturationDecision,
    Strategy,
)
from ._recommend import MIN_SHARE, SUSPECT_WITHIN, Recommendation, recommend


__all__ = [
    "MIN_SHARE",
    "SUSPECT_WITHIN",
    "CapacityAction",
    "Concentration",
    "ConcentrationKind",
    "Deployment",
    "MitigationContext",
    "Recommendation",
    "Remedy",
    "Runbook",
    "Saturation",
    "SaturationDecision",
    "Strategy",
    "recommend",
]
