"""
Reading incident documents as `IncidentRecord` values: the fields metrics need.

A record reader is given the documents `serialization.dumps(incident)` writes
and keeps what `IncidentRecord` holds.  Every record field is required and read
by the converter's own hook for it, then by the record's constructor, so its
validators and the milestone and status invariants run as for an incident.  The
incident's ``roles`` and ``timeline`` must be JSON arrays, but what is in them is
not read: skipping them is what makes a record reader fast.  A record's own
document (what `serialization.dumps(record)` writes) has neither key, and is read
too.  Any other key is refused.

When anything is wrong, the document goes to the incident's detailed hook, with
each array it skips replaced by an empty one, so a bad record field is reported
exactly as it is for an incident: the same message at the same ``$.field`` path.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final

import attrs
import cattrs
from cattrs.errors import ClassValidationError
from cattrs.gen import make_dict_structure_fn

from ._fastpath import with_every_rule
from ._shape import shape
from .incident import Incident
from .spans import IncidentRecord


__all__ = ["configure"]

SKIPPED: Final[tuple[str, ...]] = ("roles", "timeline")
"""The keys of an incident document a record reader requires as arrays, unread."""

Hook = Callable[[Any, Any], Any]


def _record_structurer(converter: cattrs.Converter) -> Hook:
    attrs.resolve_types(IncidentRecord)
    fields = [
        (field.name, converter.get_structure_hook(field.type), field.type)
        for field in attrs.fields(IncidentRecord)
    ]
    own = frozenset(name for name, _, _ in fields)
    incident_keys = own | frozenset(SKIPPED)
    roles, timeline = SKIPPED
    detailed = with_every_rule(
        converter,
        Incident,
        make_dict_structure_fn(Incident, converter),
        every_key=True,
    )
    record = IncidentRecord

    def explain(value: object) -> IncidentRecord:
        if not isinstance(value, dict):
            raise shape("an object", value)
        document = dict(value)
        # A record's own document has neither key; an array is never read.
        record_document = not any(key in value for key in SKIPPED)
        for key in SKIPPED:
            if record_document or type(value.get(key)) is list:
                document[key] = []
        try:
            incident = detailed(document, Incident)
        except ClassValidationError as exc:
            raise ClassValidationError(
                "While structuring IncidentRecord", exc.exceptions, IncidentRecord
            ) from None
        return IncidentRecord.of(incident)

    def structure(value: Any, _: Any) -> IncidentRecord:
        if type(value) is dict:
            keys = value.keys()
            if keys == own or (
                keys == incident_keys
                and type(value[roles]) is list
                and type(value[timeline]) is list
            ):
                try:
                    return record(
                        **{name: hook(value[name], kind) for name, hook, kind in fields}
                    )
                except Exception:  # noqa: BLE001, S110 - explained below
                    pass
        return explain(value)

    return structure


def configure(converter: cattrs.Converter) -> None:
    """Register the structuring hook of `IncidentRecord` on *converter*."""
    # A factory: cattrs builds it on first use and again after any later
    # registration, so a hook registered for a field type is honoured.
    converter.register_structure_hook_factory(
        lambda cls: cls is IncidentRecord,
        lambda _cls: _record_structurer(converter),
    )
