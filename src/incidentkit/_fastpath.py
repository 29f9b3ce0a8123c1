"""
A fast path for reading the core model from JSON data.

cattrs builds a value field by field, calling one hook per field inside its
error bookkeeping, and then the attrs ``__init__`` checks every field again.
The fast path makes the same strict type checks and conversions inline (strings,
datetimes, enums, roles, string mappings, nested values) and calls the class
directly, so its validators still check the content.  A class with a field of
any other type keeps its cattrs hook.  Any failure at all falls back to the
detailed cattrs path, which raises the error with its JSON path: messages are
the same either way, and the models stay the one place where content rules live.
"""

from __future__ import annotations

import datetime as dt
import enum
import types
import typing
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import attrs
import cattrs

from .roles import Role
from .timeline import Timeline


__all__ = ["install"]

Hook = Callable[[Any, Any], Any]
Convert = Callable[[Any], Any]


class _Ineligible(Exception):  # noqa: N818 - a signal, not an error users see
    """The class has a field the fast path cannot build safely."""


def _require_str(value: Any) -> str:
    if type(value) is not str:
        raise TypeError
    return value


def _optional_str(value: Any) -> str | None:
    if value is not None and type(value) is not str:
        raise TypeError
    return value


def _str_dict(value: Any) -> dict[str, str]:
    if type(value) is not dict or not all(
        type(k) is str and type(v) is str for k, v in value.items()
    ):
        raise TypeError
    return value


def _optional(kind: Any) -> tuple[bool, Any]:
    """Return whether *kind* is ``X | None``, and ``X``."""
    args = typing.get_args(kind)
    if (
        typing.get_origin(kind) in (typing.Union, types.UnionType)
        and len(args) == 2  # noqa: PLR2004
        and type(None) in args
    ):
        return True, next(a for a in args if a is not type(None))
    return False, kind


def _converter_for(
    field: attrs.Attribute[Any],
    datetime: Convert,
    role: Convert,
    nested: Mapping[type, Convert],
) -> Convert:
    optional, kind = _optional(field.type)
    if kind is dt.datetime:
        return (lambda v: None if v is None else datetime(v)) if optional else datetime
    if kind is str:
        return _optional_str if optional else _require_str
    if optional:
        raise _Ineligible
    if isinstance(kind, type) and issubclass(kind, enum.Enum):
        # A dict lookup is many times faster than calling the enum class.
        return {member.value: member for member in kind}.__getitem__
    known: dict[Any, Convert] = {Role: role, **nested}
    if kind in known:
        return known[kind]
    return _container_converter(kind, nested)


def _container_converter(kind: Any, nested: Mapping[type, Convert]) -> Convert:
    origin = typing.get_origin(kind)
    args = typing.get_args(kind)
    if origin is tuple and len(args) == 2 and args[1] is Ellipsis and args[0] in nested:  # noqa: PLR2004
        item = nested[args[0]]

        def many(value: Any) -> tuple[Any, ...]:
            if type(value) is not list:
                raise TypeError
            return tuple(map(item, value))

        return many
    if origin in (Mapping, dict) and args == (str, str):
        return _str_dict
    raise _Ineligible


def _fast(  # noqa: C901 - one closure, flat in reality
    cls: type,
    *,
    slow: Hook | None,
    datetime: Convert,
    role: Convert,
    nested: Mapping[type, Convert],
    drop: str | None = None,
) -> Convert:
    attrs.resolve_types(cls)
    conversions: list[tuple[str, Convert]] = []
    for field in attrs.fields(cls):
        if not field.init or field.alias != field.name:
            raise _Ineligible
        conversions.append((field.name, _converter_for(field, datetime, role, nested)))

    def structure(value: Any) -> Any:
        if type(value) is dict:
            try:
                kwargs = dict(value)
                if drop is not None:
                    del kwargs[drop]
                for name, convert in conversions:
                    if name in kwargs:
                        kwargs[name] = convert(kwargs[name])
                return cls(**kwargs)
            except Exception:
                if slow is None:
                    raise
        if slow is None:
            raise TypeError
        return slow(value, cls)

    return structure


def install(
    converter: cattrs.Converter,
    *,
    datetime: Convert,
    role: Convert,
    classes: Iterable[type],
    events: Mapping[str, type],
    timeline_hook: Hook,
) -> None:
    """
    Register fast structure hooks for *classes*, the timeline and its events.

    *classes* are tried in order: a class may nest the ones before it.  A class
    with a field the fast path cannot build keeps its cattrs hook.
    """
    nested: dict[type, Convert] = {}
    fast_events = {
        kind: _fast(
            cls, slow=None, datetime=datetime, role=role, nested=nested, drop="kind"
        )
        for kind, cls in events.items()
    }

    def structure_event(value: Any) -> Any:
        return fast_events[value["kind"]](value)

    def structure_timeline(value: Any, cls: Any) -> Timeline:
        if type(value) is list:
            try:
                return Timeline(map(structure_event, value))
            except Exception:  # noqa: BLE001, S110 - the detailed path explains it
                pass
        return typing.cast("Timeline", timeline_hook(value, cls))

    nested[Timeline] = lambda value: structure_timeline(value, Timeline)
    for cls in classes:
        try:
            fast = _fast(
                cls,
                slow=converter.get_structure_hook(cls),
                datetime=datetime,
                role=role,
                nested=nested,
            )
        except _Ineligible:
            continue
        nested[cls] = fast
        converter.register_structure_hook(cls, _as_hook(fast))
    converter.register_structure_hook(Timeline, structure_timeline)


def _as_hook(fast: Convert) -> Hook:
    return lambda value, _: fast(value)
