"""Re-classification: should an open incident's severity change?"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import attrs

from incidentkit._time import check_aware, ensure_utc, to_utc
from incidentkit._validators import instance_of, text
from incidentkit.errors import ValidationError
from incidentkit.incident import Incident
from incidentkit.severity import Severity
from incidentkit.signals import Decision

from ._impact import Impact
from ._rules import Classification, Classifier, RuleClassifier
from ._signals import classify_signals


__all__ = ["SeverityChange", "reclassify"]


@attrs.frozen(kw_only=True)
class SeverityChange:
    """
    A recommended severity change, ready to apply.

    Attributes:
        old: The incident's current level.
        new: The recommended level.
        at: When the evidence was assessed (aware, stored in UTC).
        reason: Why, in one sentence: what `Incident.change_severity` records.
        classification: The classification behind it.

    Example:
        >>> from datetime import datetime, timezone
        >>> from incidentkit import Incident, Severity
        >>> from incidentkit.classify import Impact, reclassify
        >>> t0 = datetime(2024, 6, 1, 14, tzinfo=timezone.utc)
        >>> inc = Incident.declare("Checkout errors", severity=Severity.P2, at=t0,
        ...                        declared_by="ana")
        >>> change = reclassify(inc, Impact(security_breach=True), at=t0)
        >>> change.escalates, change.apply(inc).severity
        (True, <Severity.P1: 'P1'>)
    """

    old: Severity = attrs.field(validator=instance_of(Severity, "a Severity"))
    new: Severity = attrs.field(validator=instance_of(Severity, "a Severity"))
    at: dt.datetime = attrs.field(converter=to_utc, validator=check_aware)
    reason: str = attrs.field(validator=text)
    classification: Classification = attrs.field(
        validator=instance_of(Classification, "a Classification")
    )

    @property
    def escalates(self) -> bool:
        """Whether the new level is more severe than the old one."""
        return self.new.is_more_severe_than(self.old)

    def apply(self, incident: Incident, *, by: str | None = None) -> Incident:
        """
        Apply the change with `Incident.change_severity`, recording the reason.

        Args:
            incident: The incident (at the old level).
            by: Who decided.

        Returns:
            The incident at the new level.

        Raises:
            ValidationError: If the incident is no longer at the old level.
        """
        if incident.severity is not self.old:
            raise ValidationError.for_field(
                "incident.severity",
                f"{self.old.value}, the level this change was computed from",
                incident.severity,
            )
        return incident.change_severity(self.new, at=self.at, reason=self.reason, by=by)


def reclassify(
    incident: Incident,
    evidence: Impact | Iterable[Decision],
    *,
    at: dt.datetime,
    classifier: Classifier | None = None,
) -> SeverityChange | None:
    """
    Recommend escalating or de-escalating *incident* given new evidence.

    Args:
        incident: The open incident.
        evidence: An `Impact`, or golden-signal decisions (read with
            `classify_signals`).
        at: When the evidence was assessed (aware); the change is recorded then.
        classifier: The classifier (default `RuleClassifier()`).

    Returns:
        The change, or ``None`` when the severity stands.  A de-escalation's
        reason names the unknowns that would still restore the old level.

    Example:
        >>> from datetime import datetime, timezone
        >>> from incidentkit import Incident, Severity
        >>> from incidentkit.classify import Impact, Outage, Scope, reclassify
        >>> t0 = datetime(2024, 6, 1, 14, tzinfo=timezone.utc)
        >>> inc = Incident.declare("Checkout errors", severity=Severity.P1, at=t0,
        ...                        declared_by="ana")
        >>> change = reclassify(inc, Impact(outage=Outage.PARTIAL,
        ...     scope=Scope.LARGE_SEGMENT, security_breach=False,
        ...     payment_failures=False), at=t0)
        >>> change.reason
        'de-escalate P1 to P2: part or all of the service is down'
        >>> reclassify(inc, Impact(security_breach=True), at=t0) is None
        True
    """
    if not isinstance(incident, Incident):
        raise ValidationError.for_field("incident", "an Incident", incident)
    at = ensure_utc(at, field="at")
    if isinstance(evidence, (str, bytes)):
        raise ValidationError.for_field(
            "evidence", "an Impact or signals.Decision values", evidence
        )
    if isinstance(evidence, Impact):
        chosen = RuleClassifier() if classifier is None else classifier
        result = chosen.classify(evidence)
    else:
        result = classify_signals(evidence, classifier=classifier)
    old, new = incident.severity, result.severity
    if new is old:
        return None
    verb = "escalate" if new.is_more_severe_than(old) else "de-escalate"
    reason = f"{verb} {old.value} to {new.value}: {'; '.join(result.reasons)}"
    keeps = [u for u in result.unknowns if u.endswith(f": {old.value}")]
    if verb == "de-escalate" and keeps:
        reason += f" (it stays {old.value} {'; '.join(keeps)})"
    return SeverityChange(old=old, new=new, at=at, reason=reason, classification=result)
