"""
The JSON wire format of every public incidentkit type.

One preconfigured `cattrs` converter knows every type; the models themselves never
grow ``to_json``.  Round trips are lossless.  Input is strict: unknown keys, naive
datetimes, a string where a number belongs, an unknown timeline ``"kind"``: each is
reported as one line of a `ValidationError`, with its JSON path.

Datetimes travel as ISO 8601 text in UTC (``"2024-06-01T14:02:00Z"``), durations as
seconds (a JSON number, exact to the microsecond under 285 years), enums as their
values, roles as their names, and timeline events as objects tagged with their
``"kind"``.  Top-level documents carry a ``"schema_version"``.

Example:
    >>> from datetime import datetime, timezone
    >>> from incidentkit import Incident, Severity, serialization
    >>> t0 = datetime(2024, 6, 1, 14, 0, tzinfo=timezone.utc)
    >>> inc = Incident.declare("Checkout errors", severity=Severity.P2,
    ...                        at=t0, declared_by="ana")
    >>> text = serialization.dumps(inc)
    >>> serialization.loads(text, Incident) == inc
    True
    >>> serialization.loads('{"id": "x", "title": 5}', Incident)
    Traceback (most recent call last):
    ...
    incidentkit.errors.ValidationError: 2 problems in Incident:
      $.title: expected a string (got 5)
      $.severity: required field missing
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
import json
import os
import sys
import typing
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import IO, Any, Final, TypeVar

import cattrs
from cattrs.fns import identity
from cattrs.gen import make_dict_unstructure_fn
from cattrs.v import format_exception as _cattrs_format_exception

from . import _fastpath
from ._frozen import FrozenMap
from ._time import UTC, format_instant, parse_instant
from .errors import IncidentKitError, ValidationError
from .incident import Incident
from .roles import Role, RoleAssignment
from .timeline import EVENT_TYPES, Event, Timeline, TimelineEvent


__all__ = [
    "SCHEMA_VERSION",
    "dumps",
    "from_dict",
    "get_converter",
    "iter_jsonl",
    "loads",
    "make_converter",
    "to_dict",
    "write_jsonl",
]

SCHEMA_VERSION: Final[int] = 1
"""The version of the wire format written by this release."""

T = TypeVar("T")

_KINDS: Final[Mapping[str, type[Event]]] = {cls.kind: cls for cls in EVENT_TYPES}
_fromisoformat: Final = dt.datetime.fromisoformat


def _fast_instant(text: str) -> dt.datetime:
    """Parse what `format_instant` writes at C speed; anything else may raise."""
    if sys.version_info >= (3, 11):
        return _fromisoformat(text)
    return _fromisoformat(text[:-1] + "+00:00" if text.endswith("Z") else text)


class _ShapeError(IncidentKitError, ValueError):
    """A value of the wrong JSON shape: reported with its path, then discarded."""


def _shape(expected: str, got: object) -> _ShapeError:
    return _ShapeError(f"expected {expected} (got {got!r})")


# -- scalars -------------------------------------------------------------------------


def _structure_str(value: object, _: type) -> str:
    if not isinstance(value, str):
        raise _shape("a string", value)
    return value


def _structure_int(value: object, _: type) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise _shape("an integer", value)
    return value


def _structure_float(value: object, _: type) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise _shape("a number", value)
    return float(value)


def _structure_bool(value: object, _: type) -> bool:
    if not isinstance(value, bool):
        raise _shape("true or false", value)
    return value


def _structure_datetime(value: object, _: type) -> dt.datetime:
    return _read_instant(value)


def _read_instant(value: object) -> dt.datetime:
    if type(value) is str:
        try:
            parsed = _fast_instant(value)
        except ValueError:
            pass
        else:
            if parsed.tzinfo is UTC:
                return parsed
    if not isinstance(value, str):
        raise _shape("an ISO 8601 datetime string", value)
    try:
        return parse_instant(value)
    except ValidationError:
        raise _shape("an aware ISO 8601 datetime", value) from None


def _structure_timedelta(value: object, _: type) -> dt.timedelta:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise _shape("a duration in seconds (a number)", value)
    try:
        return dt.timedelta(seconds=value)
    except OverflowError:
        raise _shape("a duration in seconds within timedelta's range", value) from None


def _unstructure_timedelta(value: dt.timedelta) -> float | int:
    seconds = value.total_seconds()
    return int(seconds) if seconds.is_integer() else seconds


def _structure_time(value: object, _: type) -> dt.time:
    if not isinstance(value, str):
        raise _shape("a time of day such as '09:00'", value)
    try:
        parsed = dt.time.fromisoformat(value)
    except ValueError:
        raise _shape("a time of day such as '09:00'", value) from None
    if parsed.tzinfo is not None:
        raise _shape("a wall-clock time of day without an offset", value)
    return parsed


def _structure_date(value: object, _: type) -> dt.date:
    if not isinstance(value, str):
        raise _shape("a date such as '2024-06-01'", value)
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise _shape("a date such as '2024-06-01'", value) from None


def _structure_enum(value: object, cls: type[enum.Enum]) -> enum.Enum:
    try:
        return cls(value)
    except (ValueError, TypeError):
        options = ", ".join(repr(member.value) for member in cls)
        raise _shape(f"one of {options}", value) from None


def _structure_role(value: object, _: type) -> Role:
    if not isinstance(value, str):
        raise _shape("a role name", value)
    try:
        return _role_named(value)
    except ValidationError:
        raise _shape("a lowercase role name such as 'scribe'", value) from None


@functools.lru_cache(maxsize=256)
def _role_named(name: str) -> Role:
    # Roles are immutable values and a history names only a handful of them.
    return Role(name)


def _is_frozenset(cls: Any) -> bool:
    return typing.get_origin(cls) is frozenset or cls is frozenset


# -- the timeline --------------------------------------------------------------------


def _event_structurer(
    converter: cattrs.Converter,
) -> Callable[[object, type], Event]:
    hooks = {kind: converter.get_structure_hook(cls) for kind, cls in _KINDS.items()}
    classes = dict(_KINDS)

    def structure(value: object, _: type) -> Event:
        if not isinstance(value, Mapping):
            raise _shape("an event object with a 'kind'", value)
        kind = value.get("kind")
        hook = hooks.get(kind) if isinstance(kind, str) else None
        if hook is None:
            options = ", ".join(sorted(hooks))
            raise _ShapeError(f"unknown event kind {kind!r}; expected one of {options}")
        payload = dict(value)
        del payload["kind"]
        event: Event = hook(payload, classes[kind])  # type: ignore[index]
        return event

    return structure


def _structure_timeline(
    converter: cattrs.Converter, value: object, _: type
) -> Timeline:
    if not isinstance(value, list):
        raise _shape("a list of events", value)
    return Timeline(converter.structure(value, tuple[TimelineEvent, ...]))


def _event_unstructurer(
    converter: cattrs.Converter, cls: type[Event]
) -> Callable[[Event], dict[str, Any]]:
    base = make_dict_unstructure_fn(cls, converter)
    kind = cls.kind

    def unstructure(event: Event) -> dict[str, Any]:
        return {"kind": kind, **base(event)}

    return unstructure


# -- the converter -------------------------------------------------------------------


def make_converter() -> cattrs.Converter:
    """
    Build a new converter that knows every public incidentkit type.

    Most callers want `get_converter` (one shared instance).  Build your own to
    register hooks for your types without touching the shared one.

    Returns:
        A strict `cattrs.Converter` (unknown keys are rejected).
    """
    c = cattrs.Converter(forbid_extra_keys=True, detailed_validation=True)
    c.register_structure_hook(str, _structure_str)
    c.register_structure_hook(int, _structure_int)
    c.register_structure_hook(float, _structure_float)
    c.register_structure_hook(bool, _structure_bool)
    c.register_structure_hook(dt.datetime, _structure_datetime)
    c.register_unstructure_hook(dt.datetime, format_instant)
    c.register_structure_hook(
        typing.Optional[dt.datetime],  # noqa: UP045 - the key cattrs looks up
        lambda value, _: None if value is None else _read_instant(value),
    )
    c.register_unstructure_hook(
        typing.Optional[dt.datetime],  # noqa: UP045
        lambda value: None if value is None else format_instant(value),
    )
    c.register_structure_hook(
        typing.Optional[str],  # noqa: UP045
        lambda value, _: None if value is None else _structure_str(value, _),
    )
    c.register_unstructure_hook(typing.Optional[str], identity)  # noqa: UP045
    c.register_structure_hook(dt.timedelta, _structure_timedelta)
    c.register_unstructure_hook(dt.timedelta, _unstructure_timedelta)
    c.register_structure_hook(dt.time, _structure_time)
    c.register_unstructure_hook(dt.time, dt.time.isoformat)
    c.register_structure_hook(dt.date, _structure_date)
    c.register_unstructure_hook(dt.date, dt.date.isoformat)
    c.register_structure_hook(enum.Enum, _structure_enum)
    c.register_unstructure_hook_func(_is_frozenset, sorted)
    c.register_structure_hook(Role, _structure_role)
    c.register_unstructure_hook(Role, lambda role: role.name)
    c.register_unstructure_hook(FrozenMap, dict)
    event_unstructurers = {cls: _event_unstructurer(c, cls) for cls in EVENT_TYPES}
    for cls, unstructurer in event_unstructurers.items():
        c.register_unstructure_hook(cls, unstructurer)
    c.register_structure_hook(TimelineEvent, _event_structurer(c))
    c.register_structure_hook(Timeline, functools.partial(_structure_timeline, c))

    def unstructure_timeline(timeline: Timeline) -> list[dict[str, Any]]:
        get = event_unstructurers.get
        return [(get(e.__class__) or c.unstructure)(e) for e in timeline.events]

    c.register_unstructure_hook(Timeline, unstructure_timeline)
    _fastpath.install(
        c,
        datetime=_read_instant,
        role=lambda value: _structure_role(value, Role),
        classes=(RoleAssignment, Incident),
        events=_KINDS,
        timeline_hook=c.get_structure_hook(Timeline),
    )
    return c


@functools.cache
def get_converter() -> cattrs.Converter:
    """
    Return the shared converter (built on first use, then reused).

    Returns:
        The converter `to_dict` and `from_dict` use.
    """
    return make_converter()


# -- errors --------------------------------------------------------------------------


def _format(exc: BaseException, cls: type | None) -> str:
    if isinstance(exc, IncidentKitError):
        return str(exc)
    if isinstance(exc, KeyError):
        return "required field missing"
    if isinstance(exc, cattrs.ForbiddenExtraKeysError):
        return f"unknown keys: {', '.join(sorted(exc.extra_fields))}"
    return _cattrs_format_exception(exc, cls)


def _problems(exc: BaseException) -> list[str]:
    lines = []
    for line in cattrs.transform_error(exc, path="$", format_exception=_format):
        message, _, path = line.rpartition(" @ ")
        lines.append(f"{path}: {message}")
    return lines


def _raise_structure_error(
    exc: Exception, cls: type, where: str = ""
) -> typing.NoReturn:
    if isinstance(exc, IncidentKitError) and not isinstance(exc, _ShapeError):
        raise exc
    lines = _problems(exc)
    prefix = f"{where}: " if where else ""
    count = "1 problem" if len(lines) == 1 else f"{len(lines)} problems"
    message = f"{prefix}{count} in {cls.__name__}:\n" + "\n".join(
        f"  {line}" for line in lines
    )
    raise ValidationError(message, errors=lines) from exc


# -- the public API ------------------------------------------------------------------


def to_dict(obj: object) -> Any:
    """
    Return *obj* as JSON-ready data: dicts, lists, strings, numbers, booleans.

    A top-level object also carries ``"schema_version"``.

    Args:
        obj: Any public incidentkit value.

    Returns:
        The data.
    """
    data = get_converter().unstructure(obj)
    if isinstance(data, dict):
        return {"schema_version": SCHEMA_VERSION, **data}
    return data


def from_dict(data: object, cls: type[T]) -> T:
    """
    Build a *cls* from data produced by `to_dict` (or parsed JSON).

    Args:
        data: The data.
        cls: The type to build, such as `Incident`.

    Returns:
        The value.

    Raises:
        ValidationError: Listing every problem with its JSON path; also for an
            unsupported ``"schema_version"``.
    """
    if isinstance(data, Mapping) and "schema_version" in data:
        version = data["schema_version"]
        if isinstance(version, bool) or version != SCHEMA_VERSION:
            raise ValidationError(
                f"'$.schema_version' must be {SCHEMA_VERSION} (got {version!r}); "
                "this release reads only its own wire format",
                field="schema_version",
                expected=str(SCHEMA_VERSION),
                got=version,
            )
        data = {key: value for key, value in data.items() if key != "schema_version"}
    try:
        return get_converter().structure(data, cls)
    except (cattrs.BaseValidationError, IncidentKitError, ValueError, TypeError) as exc:
        _raise_structure_error(exc, cls)


def dumps(obj: object, *, indent: int | None = None) -> str:
    """
    Serialise *obj* to JSON text.

    Args:
        obj: Any public incidentkit value.
        indent: Pretty-print with this indentation; compact when ``None``.

    Returns:
        The JSON text.
    """
    separators = (",", ":") if indent is None else None
    try:
        # Values are trees: skipping the encoder's cycle check is safe and faster.
        return json.dumps(
            to_dict(obj),
            ensure_ascii=False,
            indent=indent,
            separators=separators,
            check_circular=False,
            allow_nan=False,
        )
    except ValueError as exc:
        raise ValidationError(
            "cannot write NaN or infinity as JSON: JSON has no such numbers",
            field="$",
            expected="finite numbers",
            got=str(exc),
        ) from exc


def _refuse_constant(name: str) -> typing.NoReturn:
    raise ValidationError(
        f"not JSON: {name} is not a JSON number",
        field="$",
        expected="finite JSON numbers",
        got=name,
    )


def loads(text: str | bytes, cls: type[T]) -> T:
    """
    Build a *cls* from JSON text produced by `dumps`.

    Args:
        text: The JSON text.
        cls: The type to build.

    Returns:
        The value.

    Raises:
        ValidationError: If the text is not JSON (``NaN`` and ``Infinity`` are
            not), or does not describe a *cls*.
    """
    try:
        data = json.loads(text, parse_constant=_refuse_constant)
    except json.JSONDecodeError as exc:
        raise ValidationError(
            f"not JSON: {exc.msg} at line {exc.lineno} column {exc.colno}",
            field="$",
            expected="JSON text",
            got=text[:80],
        ) from exc
    return from_dict(data, cls)


def write_jsonl(
    items: Iterable[object], target: str | os.PathLike[str] | IO[str]
) -> int:
    """
    Write *items* as JSON Lines, one value per line, streaming.

    Args:
        items: The values (typically incidents).
        target: A path, or a text file open for writing.

    Returns:
        How many lines were written.
    """
    if isinstance(target, (str, os.PathLike)):
        with Path(target).open("w", encoding="utf-8") as handle:
            return write_jsonl(items, handle)
    count = 0
    for item in items:
        target.write(dumps(item))
        target.write("\n")
        count += 1
    return count


def iter_jsonl(source: str | os.PathLike[str] | IO[str], cls: type[T]) -> Iterator[T]:
    """
    Read JSON Lines lazily, one *cls* per non-blank line.

    Args:
        source: A path, or a text file open for reading.
        cls: The type of every line.

    Yields:
        The values, in file order.

    Raises:
        ValidationError: At the first bad line; the message starts with its
            line number.
    """
    if isinstance(source, (str, os.PathLike)):
        with Path(source).open(encoding="utf-8") as handle:
            yield from iter_jsonl(handle, cls)
        return
    for number, line in enumerate(source, start=1):
        if not line.strip():
            continue
        try:
            yield loads(line, cls)
        except ValidationError as exc:
            raise ValidationError(
                f"line {number}: {exc}",
                field=f"line {number}",
                errors=[f"line {number}: {e}" for e in exc.errors],
            ) from exc
