"""
The core model's part of the wire format: roles, timeline events, incidents.

Incident records (`incidentkit.spans.IncidentRecord`) are read by
`incidentkit._records_wire`, configured from here.

`configure` registers these types' hooks on the one converter; it is called
from `incidentkit.serialization.make_converter`, like every package's own.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from typing import Any, Final

import cattrs
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn

from . import _fastpath, _records_wire
from ._shape import ShapeError, shape
from .errors import ValidationError
from .incident import Incident
from .roles import Role, RoleAssignment
from .timeline import (
    EVENT_TYPES,
    Event,
    StatusUpdatePosted,
    Timeline,
    TimelineEvent,
)


__all__ = ["configure"]

_KINDS: Final[Mapping[str, type[Event]]] = {cls.kind: cls for cls in EVENT_TYPES}
_KIND_LIST: Final[str] = ", ".join(sorted(_KINDS))


def _structure_role(value: object, _: type) -> Role:
    if not isinstance(value, str):
        raise shape("a role name", value)
    try:
        return _role_named(value)
    except ValidationError:
        raise shape("a lowercase role name such as 'scribe'", value) from None


@functools.lru_cache(maxsize=256)
def _role_named(name: str) -> Role:
    # Roles are immutable values and a history names only a handful of them.
    return Role(name)


def _kind_of(value: object) -> type[Event]:
    if not isinstance(value, dict):
        raise shape("an event object with a 'kind'", value)
    kind = value.get("kind")
    cls = _KINDS.get(kind) if isinstance(kind, str) else None
    if cls is None:
        raise ShapeError(
            f"unknown event kind {kind!r}; expected one of {_KIND_LIST}",
            expected=f"one of {_KIND_LIST}",
            got=kind,
        )
    return cls


# Keys an event gained after documents were first written, with the value a
# document without them means.  Everything else stays required.
_ADDED_LATER: Final[Mapping[type[Event], Mapping[str, object]]] = {
    StatusUpdatePosted: {
        "status": None,
        "known": None,
        "doing": None,
        "impact": None,
        "owners": [],
        "stand_by": None,
    },
}


def _event_structurer(
    converter: cattrs.Converter, cls: type[Event]
) -> Callable[[object, type], Event]:
    """One event class alone: its document carries its own ``kind``."""
    slow = make_dict_structure_fn(cls, converter)
    hook = _fastpath.build(converter, cls, slow, tag=("kind", cls.kind))
    added = _ADDED_LATER.get(cls)
    if added is None:
        return hook

    def structure(value: object, kind: type) -> Event:
        if isinstance(value, dict) and not value.keys() >= added.keys():
            value = {**added, **value}
        event: Event = hook(value, kind)
        return event

    return structure


def _event_unstructurer(
    converter: cattrs.Converter, cls: type[Event]
) -> Callable[[Event], dict[str, Any]]:
    base = make_dict_unstructure_fn(cls, converter)
    kind = cls.kind

    def unstructure(event: Event) -> dict[str, Any]:
        return {"kind": kind, **base(event)}

    return unstructure


def configure(converter: cattrs.Converter) -> None:
    """Register the hooks of the core model's types on *converter*."""
    converter.register_structure_hook(Role, _structure_role)
    converter.register_unstructure_hook(Role, lambda role: role.name)
    # Factories: cattrs builds them on first use and again after any later
    # registration, so a hook registered for a field type is honoured.
    converter.register_structure_hook_factory(
        lambda cls: cls in EVENT_TYPES,
        functools.partial(_event_structurer, converter),
    )
    unstructurers = {cls: _event_unstructurer(converter, cls) for cls in EVENT_TYPES}
    for cls, unstructure in unstructurers.items():
        converter.register_unstructure_hook(cls, unstructure)
    get_hook = converter.get_structure_hook

    def structure_event(value: object, _: object) -> Event:
        cls = _kind_of(value)
        event: Event = get_hook(cls)(value, cls)
        return event

    converter.register_structure_hook(TimelineEvent, structure_event)

    def structure_timeline(value: object, _: type) -> Timeline:
        if type(value) is list:
            hooks = {kind: get_hook(cls) for kind, cls in _KINDS.items()}
            try:
                return Timeline([hooks[e["kind"]](e, None) for e in value])
            except Exception:  # noqa: BLE001, S110 - the detailed path explains it
                pass
        return Timeline(get_hook(_EVENTS)(value, _EVENTS))

    def unstructure_timeline(timeline: Timeline) -> list[dict[str, Any]]:
        get = unstructurers.get
        return [(get(e.__class__) or converter.unstructure)(e) for e in timeline]

    converter.register_structure_hook(Timeline, structure_timeline)
    converter.register_unstructure_hook(Timeline, unstructure_timeline)
    _fastpath.install(converter, (RoleAssignment, Incident))
    _records_wire.configure(converter)


_EVENTS: Final = tuple[TimelineEvent, ...]
