"""
Import incidents from Atlassian Statuspage (public API v2).

`load` reads what a Statuspage page serves at ``/api/v2/incidents.json`` (or
``summary.json``), ``/api/v2/incidents/<id>.json``, a bare incident object, or
JSON Lines of ``{"page": ..., "incident": ...}`` records, and returns an
`incidentkit.interop.Imported`: the incidents and the findings.

How a Statuspage incident becomes an `incidentkit.incident.Incident`:

==========================  ====================================================
Statuspage                  incidentkit
==========================  ====================================================
``id``                      ``id`` as ``"statuspage:<id>"``; label
                            ``statuspage.id``
``name``                    ``title``
``impact``                  ``severity``: ``critical`` → P1, ``major`` → P2,
                            ``minor`` and ``none`` → P3 (``severity=``
                            overrides);
                            label ``statuspage.impact``
``status``                  ``status``: ``investigating``, ``identified``,
                            ``monitoring``, ``resolved`` the same;
                            ``postmortem`` → RESOLVED; label
                            ``statuspage.status``
``started_at``              ``started_at`` (impact began)
(none)                      ``detected_at`` stays ``None``: Statuspage records
                            no detection, so time to detect is not computable
``created_at``              ``declared_at``, and a ``Declared`` event
``monitoring_at``           ``mitigated_at``; when it is null, ``resolved_at``
                            (as `incidentkit.incident.Incident.resolve` does)
``resolved_at``             ``resolved_at``
``components[].name``       ``service``: the first component named, in feed
                            order (then the updates' ``affected_components``);
                            all names, ``", "``-joined, in label
                            ``statuspage.components``
``page.id`` / ``page_id``   label ``statuspage.page``
``shortlink``               label ``statuspage.shortlink``
``incident_updates[]``      a public ``StatusUpdatePosted`` (the body as plain
                            text) at ``display_at``, preceded by a
                            ``StatusChanged`` when the status changes; in time
                            order
==========================  ====================================================

Feeds are messy and the model is strict, so the importer repairs what it can
and reports every repair and every rejection as an
`incidentkit.findings.Finding` whose subject is the incident id
(``"statuspage:<id>"``, or the record's place, such as ``"incidents[3]"`` or
``"line 7: incident"``, when it has no id) and whose message names the field.
The codes:

* ``statuspage-rejected`` (error): the record could not become an incident
  (not an object, no usable ``id`` or ``created_at``, a duplicate id, no
  resolution time for a resolved incident, or one the model refuses).
* ``statuspage-backfilled`` (warning): ``created_at`` is ``resolved_at`` (or
  after it), a record entered after the fact (GitHub's migrated 2010-2018
  history, retroactive posts); it is kept, its durations are unknown rather
  than zero.  Label ``statuspage.backfilled`` is ``"true"`` on it.
* ``statuspage-start-after-resolve`` (warning): ``started_at`` is after
  ``monitoring_at`` or ``resolved_at``; it is dropped (impact start unknown).
* ``statuspage-start-after-create`` (warning): ``started_at`` is after
  ``created_at``, which the model forbids (impact cannot begin after the
  declaration); it is dropped.  Eleven of GitHub's 2019 records have
  ``started_at`` a few milliseconds after ``created_at``; those are dropped too.
* ``statuspage-monitoring-after-resolve`` (warning): ``monitoring_at`` is after
  ``resolved_at``; ``mitigated_at`` is set to ``resolved_at``.
* ``statuspage-mitigated-from-resolved`` (info): a resolved incident with no
  ``monitoring_at`` gets ``mitigated_at = resolved_at``, so its time to
  mitigate equals its time to resolve by construction.
* ``statuspage-status-conflict`` (warning): a milestone the status forbids
  (``resolved_at`` of an incident still ``monitoring``) is dropped.
* ``statuspage-null-components`` (info): no component is named anywhere in the
  record (``components`` empty or null, ``affected_components`` null); the
  service is ``None``.
* ``statuspage-bad-timestamp`` (warning): a time that is not ISO 8601 text with
  an offset is dropped (an update's falls back to its ``created_at``).
* ``statuspage-missing-field`` (warning): an expected field is missing or empty
  and was filled in (a title from the id, an update time from ``created_at``,
  a resolution time from the resolving update) or done without (an update body).
* ``statuspage-wrong-type`` (warning): a field has the wrong JSON type and is
  ignored.
* ``statuspage-unknown-impact`` (warning): an ``impact`` outside the mapping;
  the severity is P3.
* ``statuspage-unknown-status`` (warning): a ``status`` outside the Statuspage
  set; an incident's status is read from its milestones, an update's is ignored.
* ``statuspage-bad-text`` (warning): text with lone surrogates (not writable as
  UTF-8); they are replaced by ``?``.

Only a payload with nothing readable in it (not JSON, not one of the shapes, the
wrong top-level type) raises `incidentkit.errors.RemotePayloadError`.  Times
are normalised to UTC whatever offsets the page uses.

Example:
    >>> from incidentkit.interop import statuspage
    >>> feed = '''{"page": {"id": "kctbh9vrtdwd"}, "incident": {
    ...   "id": "abc123", "name": "Slow pushes", "status": "resolved",
    ...   "impact": "major", "created_at": "2024-06-01T14:00:00.000-07:00",
    ...   "started_at": "2024-06-01T13:58:00Z", "monitoring_at": null,
    ...   "resolved_at": "2024-06-01T21:30:00Z", "components": [],
    ...   "incident_updates": [{"status": "resolved", "body": "Fixed.",
    ...     "display_at": "2024-06-01T21:30:00Z"}]}}'''
    >>> incidents, findings = statuspage.load(feed)
    >>> inc = incidents[0]
    >>> inc.id, inc.severity, inc.status, inc.declared_at.isoformat()
    ('statuspage:abc123', <Severity.P2: 'P2'>, <Status.RESOLVED: 'resolved'>, \
'2024-06-01T21:00:00+00:00')
    >>> sorted(f.code for f in findings)
    ['statuspage-mitigated-from-resolved', 'statuspage-null-components']
"""

from __future__ import annotations

import datetime as dt
import html
import os
import re
from collections.abc import Iterator, Mapping, Sequence
from types import MappingProxyType
from typing import Any, Final, Union

from incidentkit._lifecycle import Status
from incidentkit._time import format_instant, parse_instant
from incidentkit._validators import writable
from incidentkit.errors import IncidentKitError, RemotePayloadError, ValidationError
from incidentkit.findings import Finding, Level, sort_findings
from incidentkit.incident import Incident
from incidentkit.severity import Severity
from incidentkit.timeline import (
    Audience,
    Declared,
    StatusChanged,
    StatusUpdatePosted,
    Timeline,
    TimelineEvent,
)

from . import Imported
from ._payload import Document, kind, read_documents


__all__ = ["DEFAULT_SEVERITIES", "ID_PREFIX", "STATUSES", "Source", "load"]

SOURCE: Final = "statuspage"
ID_PREFIX: Final = "statuspage:"
"""What is put before a Statuspage id to make the `incidentkit.incident.Incident` id."""

DEFAULT_SEVERITIES: Final[Mapping[str, Severity]] = MappingProxyType(
    {
        "critical": Severity.P1,
        "major": Severity.P2,
        "minor": Severity.P3,
        "none": Severity.P3,
    }
)
"""The severity of each Statuspage ``impact`` (``load(severity=...)`` overrides)."""

STATUSES: Final[Mapping[str, Status]] = MappingProxyType(
    {
        "investigating": Status.INVESTIGATING,
        "identified": Status.IDENTIFIED,
        "monitoring": Status.MONITORING,
        "resolved": Status.RESOLVED,
        "postmortem": Status.RESOLVED,
    }
)
"""The `incidentkit.incident.Status` of each Statuspage ``status`` value."""

Source = Union[str, bytes, "os.PathLike[str]", Mapping[str, Any]]
"""What `load` reads: a path, JSON text or bytes, or parsed JSON."""

_MAX_TIMESTAMP: Final = 64  # longer text is no timestamp; do not parse it
_SHOWN: Final = 60
_INCIDENT_KEYS: Final = frozenset(
    {"id", "name", "created_at", "incident_updates", "impact", "status", "page_id"}
)
_EXPECTED_SHAPES: Final = (
    'a Statuspage document: {"incidents": [...]}, {"page": ..., "incident": {...}}'
    ", an incident object, or JSON Lines of those"
)
_BREAK: Final = re.compile(
    r"<\s*br\s*/?\s*>|<\s*/\s*(?:p|div|li|h[1-6]|tr)\s*>", re.IGNORECASE
)
# [^<>] keeps the match linear on text full of "<" with no ">".
_TAG: Final = re.compile(r"<[^<>]*>")
_BLANK_LINES: Final = re.compile(r"\n{3,}")
_RESOLVED_UPDATES: Final = frozenset({"resolved", "postmortem"})

_WARNING: Final = Level.WARNING


def load(
    source: Source,
    *,
    severity: Mapping[str, Severity | str] | None = None,
) -> Imported:
    """
    Read Statuspage incidents into `incidentkit.incident.Incident` values.

    Args:
        source: A path (``str`` or `os.PathLike`; gzip-compressed files are read
            transparently), JSON text (``str`` starting with ``{``), ``bytes``
            (JSON, optionally gzip-compressed), or already-parsed JSON (a
            ``dict``).  The document is ``{"incidents": [...]}`` (``incidents.json``,
            ``summary.json``), ``{"page": ..., "incident": {...}}``, a bare
            incident object, or JSON Lines of those.
        severity: Severities for ``impact`` values, over `DEFAULT_SEVERITIES`
            (such as ``{"none": "P3", "minor": "P2"}``).

    Returns:
        `incidentkit.interop.Imported`: the incidents sorted by declaration time
        then id, and the findings (see the module documentation for the codes),
        most severe first.

    Raises:
        RemotePayloadError: If *source* cannot be read at all: a file that
            cannot be opened, bytes that are not UTF-8 or broken gzip, text
            that is not JSON (a JSON Lines error names the line), or a document
            that is none of the shapes.
        ValidationError: If *severity* is not a mapping of impacts to
            severities.

    Example:
        >>> from incidentkit.interop import statuspage
        >>> incidents, findings = statuspage.load(
        ...     {"incidents": [{"id": "x1", "created_at": "2024-06-01T14:00:00Z",
        ...                     "status": "investigating", "impact": "critical",
        ...                     "name": "Outage", "components": [{"name": "API"}]}]})
        >>> incidents[0].severity, incidents[0].service, findings
        (<Severity.P1: 'P1'>, 'API', ())
    """
    severities = _severities(severity)
    findings: list[Finding] = []
    incidents: list[Incident] = []
    seen: dict[str, str] = {}
    for subject, raw, page in _records(read_documents(source, name=SOURCE)):
        record = _Record(subject, severities)
        incident = record.convert(raw, page, seen)
        findings.extend(record.findings)
        if incident is not None:
            incidents.append(incident)
    incidents.sort(key=_order)
    return Imported(tuple(incidents), sort_findings(findings))


def _order(incident: Incident) -> tuple[dt.datetime, str]:
    declared = incident.declared_at
    # Every imported incident has declared_at; the fallback only satisfies mypy.
    return (declared or dt.datetime.min.replace(tzinfo=dt.timezone.utc), incident.id)


def _severities(
    overrides: Mapping[str, Severity | str] | None,
) -> Mapping[str, Severity]:
    table = dict(DEFAULT_SEVERITIES)
    if overrides is None:
        return table
    if not isinstance(overrides, Mapping):
        raise ValidationError.for_field(
            "severity", "a mapping of impacts to severities", overrides
        )
    for impact, level in overrides.items():
        if not isinstance(impact, str):
            raise ValidationError.for_field(
                "severity", "a mapping whose keys are impact names", impact
            )
        table[impact] = Severity.parse(level, field=f"severity[{impact!r}]")
    return table


def _error(message: str, path: str | None = None) -> RemotePayloadError:
    return RemotePayloadError(message, source=SOURCE, path=path)


def _records(
    documents: Sequence[Document],
) -> Iterator[tuple[str, object, object]]:
    """Yield (place, incident, page) for every incident record of every document."""
    for where, doc in documents:
        prefix = f"{where}: " if where else ""
        if not isinstance(doc, Mapping):
            raise _error(f"expected {_EXPECTED_SHAPES}, got {kind(doc)}", where or None)
        if "incidents" in doc:
            items = doc["incidents"]
            if not isinstance(items, list):
                raise _error(
                    f"expected 'incidents' to be an array, got {kind(items)}",
                    f"{prefix}incidents",
                )
            page = doc.get("page")
            for index, item in enumerate(items):
                yield f"{prefix}incidents[{index}]", item, page
        elif "incident" in doc:
            item = doc["incident"]
            if not isinstance(item, Mapping):
                raise _error(
                    f"expected 'incident' to be an object, got {kind(item)}",
                    f"{prefix}incident",
                )
            yield f"{prefix}incident", item, doc.get("page")
        elif _INCIDENT_KEYS.intersection(doc):
            yield where or "incident", doc, None
        else:
            keys = ", ".join(repr(k) for k in sorted(map(str, doc))[:8]) or "none"
            raise _error(
                f"expected {_EXPECTED_SHAPES}, got an object with keys {keys}",
                where or None,
            )


# -- one record -----------------------------------------------------------------------


class _Update:
    __slots__ = ("at", "status", "status_text", "text")

    def __init__(
        self, at: dt.datetime, status: Status | None, status_text: str, text: str
    ) -> None:
        self.at = at
        self.status = status
        self.status_text = status_text
        self.text = text


class _Record:
    """The conversion of one record, collecting its findings."""

    def __init__(self, subject: str, severities: Mapping[str, Severity]) -> None:
        self.subject = subject
        self.severities = severities
        self.findings: list[Finding] = []

    def report(self, code: str, message: str, level: Level = _WARNING) -> None:
        self.findings.append(
            Finding(f"statuspage-{code}", message, level, self.subject)
        )

    def reject(self, why: str) -> None:
        self.report("rejected", f"Record rejected: {why}.", Level.ERROR)

    # -- fields -----------------------------------------------------------------------

    def text(self, value: object, field: str) -> str | None:
        """Return *value* as writable text, ``None`` when null; report repairs."""
        if value is None:
            return None
        if not isinstance(value, str):
            self.report(
                "wrong-type",
                f"{field!r} must be a string (got {kind(value)}); ignored.",
            )
            return None
        if writable(value):
            return value
        self.report(
            "bad-text", f"{field!r} has lone surrogates; they are replaced by '?'."
        )
        return value.encode("utf-8", "replace").decode("utf-8")

    def instant(self, value: object, field: str) -> dt.datetime | None:
        """Return *value* as a UTC datetime, ``None`` when null; report bad ones."""
        if value is None:
            return None
        parsed = _instant(value, field)
        if parsed is None:
            self.report(
                "bad-timestamp",
                f"{field!r} is not an ISO 8601 time with an offset "
                f"(got {_show(value)}); ignored.",
            )
        return parsed

    # -- the record -------------------------------------------------------------------

    def convert(
        self, raw: object, page: object, seen: dict[str, str]
    ) -> Incident | None:
        if not isinstance(raw, Mapping):
            self.reject(f"expected an incident object, got {kind(raw)}")
            return None
        place = self.subject
        raw_id = raw.get("id")
        if not isinstance(raw_id, str) or not raw_id.strip() or not writable(raw_id):
            self.reject(f"'id' must be a non-empty string (got {_show(raw_id)})")
            return None
        sp_id = raw_id.strip()
        self.subject = ID_PREFIX + sp_id
        if sp_id in seen:
            self.reject(f"'id' {sp_id!r} at {place} was already read at {seen[sp_id]}")
            return None
        created = _instant(raw.get("created_at"), "created_at")
        if created is None:
            self.reject(
                "'created_at' (the declaration time) must be an ISO 8601 time with an "
                f"offset (got {_show(raw.get('created_at'))})"
            )
            return None
        try:
            incident = self._build(sp_id, raw, page, created)
        except IncidentKitError as exc:
            self.reject(f"the incident model refuses it: {exc}")
            return None
        if incident is not None:
            # Only an incident read counts: a later record may replace a rejected one.
            seen[sp_id] = place
        return incident

    def _build(
        self,
        sp_id: str,
        raw: Mapping[Any, Any],
        page: object,
        created: dt.datetime,
    ) -> Incident | None:
        labels: dict[str, str] = {"statuspage.id": sp_id}
        title = self.text(raw.get("name"), "name")
        if title is None or not title.strip():
            title = f"Statuspage incident {sp_id}"
            self.report("missing-field", f"'name' is missing; the title is {title!r}.")
        severity = self._severity(raw.get("impact"), labels)
        updates = self._updates(raw.get("incident_updates"))
        status = self._status(raw, labels)
        started = self.instant(raw.get("started_at"), "started_at")
        monitoring = self.instant(raw.get("monitoring_at"), "monitoring_at")
        resolved = self.instant(raw.get("resolved_at"), "resolved_at")
        if status is None:
            status = _inferred(monitoring, resolved)
            self.report(
                "unknown-status",
                f"'status' is {_show(raw.get('status'))}, not a Statuspage status; "
                f"read as {status.value} from its milestones.",
            )
        milestones = self._milestones(status, monitoring, resolved, updates)
        if milestones is None:
            return None
        mitigated, resolved = milestones
        started = self._started(started, created, mitigated, resolved)
        if resolved is not None and resolved <= created:
            labels["statuspage.backfilled"] = "true"
            relation = "equals" if resolved == created else "is after"
            self.report(
                "backfilled",
                f"'created_at' ({format_instant(created)}) {relation} 'resolved_at' "
                f"({format_instant(resolved)}): entered after the fact, so its "
                "durations are unknown, not zero.",
            )
        self._page(raw, page, labels)
        shortlink = self.text(raw.get("shortlink"), "shortlink")
        if shortlink:
            labels["statuspage.shortlink"] = shortlink
        service = self._components(raw, labels)
        return Incident(
            id=ID_PREFIX + sp_id,
            title=title,
            severity=severity,
            status=status,
            service=service,
            labels=labels,
            timeline=_timeline(created, title, severity, updates),
            started_at=started,
            declared_at=created,
            mitigated_at=mitigated,
            resolved_at=resolved,
        )

    def _severity(self, impact: object, labels: dict[str, str]) -> Severity:
        if isinstance(impact, str) and writable(impact):
            labels["statuspage.impact"] = impact
            found = self.severities.get(impact)
            if found is not None:
                return found
        self.report(
            "unknown-impact",
            f"'impact' is {_show(impact)}, not one of "
            f"{', '.join(sorted(self.severities))}; the severity is P3.",
        )
        return Severity.P3

    def _status(self, raw: Mapping[Any, Any], labels: dict[str, str]) -> Status | None:
        value = raw.get("status")
        if isinstance(value, str) and writable(value):
            labels["statuspage.status"] = value
            return STATUSES.get(value)
        return None

    def _milestones(
        self,
        status: Status,
        monitoring: dt.datetime | None,
        resolved: dt.datetime | None,
        updates: Sequence[_Update],
    ) -> tuple[dt.datetime | None, dt.datetime | None] | None:
        """Return (mitigated_at, resolved_at) consistent with *status*, or reject."""
        if status is Status.RESOLVED:
            return self._resolved(monitoring, resolved, updates)
        if resolved is not None:
            self._conflict(status, "resolved_at", resolved)
        if status is not Status.MONITORING:
            if monitoring is not None:
                self._conflict(status, "monitoring_at", monitoring)
            return None, None
        if monitoring is None:
            monitoring = _first(updates, frozenset({"monitoring"}))
            if monitoring is None:
                self.reject(
                    "it is monitoring, but 'monitoring_at' is missing and no update "
                    "is a monitoring one"
                )
                return None
            self.report(
                "missing-field",
                "'monitoring_at' is missing; the first monitoring update's time "
                f"({format_instant(monitoring)}) is used.",
            )
        return monitoring, None

    def _resolved(
        self,
        monitoring: dt.datetime | None,
        resolved: dt.datetime | None,
        updates: Sequence[_Update],
    ) -> tuple[dt.datetime, dt.datetime] | None:
        if resolved is None:
            resolved = _first(updates, _RESOLVED_UPDATES)
            if resolved is None:
                self.reject(
                    "it is resolved, but 'resolved_at' is missing and no update "
                    "resolves it"
                )
                return None
            self.report(
                "missing-field",
                "'resolved_at' is missing; the resolving update's time "
                f"({format_instant(resolved)}) is used.",
            )
        if monitoring is None:
            self.report(
                "mitigated-from-resolved",
                "'monitoring_at' is null; 'mitigated_at' is 'resolved_at' "
                f"({format_instant(resolved)}).",
                Level.INFO,
            )
            return resolved, resolved
        if monitoring > resolved:
            self.report(
                "monitoring-after-resolve",
                f"'monitoring_at' ({format_instant(monitoring)}) is after "
                f"'resolved_at' ({format_instant(resolved)}); 'mitigated_at' is "
                "'resolved_at'.",
            )
            return resolved, resolved
        return monitoring, resolved

    def _conflict(self, status: Status, field: str, value: dt.datetime) -> None:
        self.report(
            "status-conflict",
            f"{field!r} is set ({format_instant(value)}) but the status is "
            f"{status.value}; it is dropped.",
        )

    def _started(
        self,
        started: dt.datetime | None,
        created: dt.datetime,
        mitigated: dt.datetime | None,
        resolved: dt.datetime | None,
    ) -> dt.datetime | None:
        if started is None:
            return None
        # mitigated_at is monitoring_at, or resolved_at when that is null.
        for field, value in (("resolved_at", resolved), ("monitoring_at", mitigated)):
            if value is not None and started > value:
                self.report(
                    "start-after-resolve",
                    f"'started_at' ({format_instant(started)}) is after {field!r} "
                    f"({format_instant(value)}); it is dropped, the impact start is "
                    "unknown.",
                )
                return None
        if started > created:
            self.report(
                "start-after-create",
                f"'started_at' ({format_instant(started)}) is after 'created_at' "
                f"({format_instant(created)}); it is dropped, the impact start is "
                "unknown.",
            )
            return None
        return started

    def _page(
        self, raw: Mapping[Any, Any], page: object, labels: dict[str, str]
    ) -> None:
        page_id: object = None
        if isinstance(page, Mapping):
            page_id = page.get("id")
        elif page is not None:
            self.report(
                "wrong-type", f"'page' must be an object (got {kind(page)}); ignored."
            )
        if page_id is None:
            page_id = raw.get("page_id")
        text = self.text(page_id, "page.id")
        if text:
            labels["statuspage.page"] = text

    def _components(self, raw: Mapping[Any, Any], labels: dict[str, str]) -> str | None:
        # Keyed by component id: a renamed component keeps its id, and the
        # incident's own list has the current names.
        names: dict[str, str] = {}
        self._names(raw.get("components"), "components", names)
        updates = raw.get("incident_updates")
        if isinstance(updates, list):
            for index, update in enumerate(updates):
                if isinstance(update, Mapping):
                    field = f"incident_updates[{index}].affected_components"
                    self._names(update.get("affected_components"), field, names)
        if not names:
            self.report(
                "null-components",
                "no component is named ('components' and 'affected_components' are "
                "empty or null); the service is None.",
                Level.INFO,
            )
            return None
        labels["statuspage.components"] = ", ".join(names.values())
        return next(iter(names.values()))

    def _names(self, value: object, field: str, names: dict[str, str]) -> None:
        if value is None:
            return
        if not isinstance(value, list):
            self.report(
                "wrong-type",
                f"{field!r} must be an array (got {kind(value)}); ignored.",
            )
            return
        for index, item in enumerate(value):
            if not isinstance(item, Mapping):
                continue
            text = self.text(item.get("name"), f"{field}[{index}].name")
            if text and text.strip():
                key = item.get("id", item.get("code"))
                names.setdefault(
                    key if isinstance(key, str) else text.strip(), text.strip()
                )

    def _updates(self, value: object) -> list[_Update]:
        if value is None:
            return []
        if not isinstance(value, list):
            self.report(
                "wrong-type",
                f"'incident_updates' must be an array (got {kind(value)}); ignored.",
            )
            return []
        updates: list[tuple[dt.datetime, int, _Update]] = []
        for index, item in enumerate(value):
            field = f"incident_updates[{index}]"
            if not isinstance(item, Mapping):
                self.report(
                    "wrong-type",
                    f"{field!r} must be an object (got {kind(item)}); ignored.",
                )
                continue
            update = self._update(item, field)
            if update is not None:
                # Newest first in the feed: of equal times, the later is older.
                updates.append((update.at, -index, update))
        updates.sort(key=lambda entry: entry[:2])
        return [update for _, _, update in updates]

    def _update(self, item: Mapping[Any, Any], field: str) -> _Update | None:
        shown = item.get("display_at")
        at = self.instant(shown, f"{field}.display_at")
        if at is None:
            at = self.instant(item.get("created_at"), f"{field}.created_at")
            if at is None:
                self.report(
                    "missing-field",
                    f"{field!r} has no usable 'display_at' or 'created_at'; the "
                    "update is left out.",
                )
                return None
            self.report(
                "missing-field",
                f"'{field}.display_at' is missing or unreadable; its 'created_at' "
                f"({format_instant(at)}) is used.",
            )
        raw_status = item.get("status")
        status_text = self.text(raw_status, f"{field}.status") or ""
        status = STATUSES.get(status_text)
        if status is None and raw_status is not None:
            self.report(
                "unknown-status",
                f"'{field}.status' is {_show(raw_status)}, not a Statuspage status; "
                "no status change is recorded for it.",
            )
        body = self.text(item.get("body"), f"{field}.body")
        text = _plain_text(body) if body else ""
        if not text:
            self.report(
                "missing-field",
                f"'{field}.body' is missing or empty; no status update is recorded "
                "for it.",
            )
        return _Update(at, status, status_text, text)


def _inferred(monitoring: dt.datetime | None, resolved: dt.datetime | None) -> Status:
    if resolved is not None:
        return Status.RESOLVED
    if monitoring is not None:
        return Status.MONITORING
    return Status.INVESTIGATING


def _first(updates: Sequence[_Update], statuses: frozenset[str]) -> dt.datetime | None:
    return next((u.at for u in updates if u.status_text in statuses), None)


def _timeline(
    created: dt.datetime,
    title: str,
    severity: Severity,
    updates: Sequence[_Update],
) -> Timeline:
    events: list[TimelineEvent] = [Declared(at=created, title=title, severity=severity)]
    current = Status.INVESTIGATING
    for update in updates:
        if update.status is not None and update.status is not current:
            events.append(StatusChanged(at=update.at, old=current, new=update.status))
            current = update.status
        if update.text:
            events.append(
                StatusUpdatePosted(
                    at=update.at, audience=Audience.PUBLIC, text=update.text
                )
            )
    return Timeline(events)


def _instant(value: object, field: str) -> dt.datetime | None:
    if not isinstance(value, str) or len(value) > _MAX_TIMESTAMP:
        return None
    try:
        return parse_instant(value, field=field)
    except ValidationError:
        return None


def _plain_text(body: str) -> str:
    """Return an update body as plain text: tags out, entities decoded, lines kept."""
    text = _TAG.sub("", _BREAK.sub("\n", body))
    text = html.unescape(text).replace("\r\n", "\n").replace("\r", "\n")
    lines = "\n".join(line.rstrip() for line in text.split("\n"))
    return _BLANK_LINES.sub("\n\n", lines).strip()


def _show(value: object) -> str:
    shown = repr(value)
    return shown if len(shown) <= _SHOWN else shown[:_SHOWN] + "..."
