"""
Importers for other systems' incident data, at the edge.

Each importer reads a vendor's format into `incidentkit.incident.Incident` values and
returns them with the `incidentkit.findings.Finding` values that say what it
repaired or rejected, as one `Imported` result.  The model stays strict; the
importers are lenient, and say so.

* `incidentkit.interop.statuspage`: Atlassian Statuspage API v2 incidents.

Importers are not imported by ``import incidentkit``; import the one you need.

Example:
    >>> from incidentkit.interop import Imported
    >>> incidents, findings = Imported(incidents=(), findings=())
    >>> incidents, findings
    ((), ())
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

from incidentkit.findings import Finding
from incidentkit.incident import Incident


if TYPE_CHECKING:
    from incidentkit.interop import statuspage as statuspage


__all__ = ["Imported"]


class Imported(NamedTuple):
    """
    What an importer read: the incidents, and the findings about the input.

    It unpacks as ``incidents, findings = importer.load(...)``.  Nothing is
    dropped silently: every record that did not become an incident has a
    finding saying why, and so has every repair.
    """

    #: The incidents, sorted by declaration time, then id.
    incidents: tuple[Incident, ...]
    #: What was repaired or rejected, most severe first
    #: (`incidentkit.findings.sort_findings`).
    findings: tuple[Finding, ...]


def __getattr__(name: str) -> object:
    # ``from incidentkit import interop; interop.statuspage.load(...)`` works
    # without importing every importer up front.
    if name == "statuspage":
        from importlib import import_module  # noqa: PLC0415

        return import_module(f"{__name__}.{name}")
    msg = f"module {__name__!r} has no attribute {name!r}"
    raise AttributeError(msg)
