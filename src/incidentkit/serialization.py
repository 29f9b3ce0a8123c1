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

Metrics read only an incident's identity, classification and milestones:
``loads(text, IncidentRecord)`` and ``iter_jsonl(path, IncidentRecord)`` read
incident documents as `incidentkit.spans.IncidentRecord` values, much faster
than whole incidents.  Those fields are checked exactly as for an incident (the
same message at the same path; milestone order and status included); ``roles``
and ``timeline`` must be there as JSON arrays, but what is in them is not read.
A record is written with its own fields only, and such a document is read too.

Example:
    >>> from datetime import datetime, timezone
    >>> from incidentkit import Incident, Severity, serialization
    >>> from incidentkit.spans import IncidentRecord
    >>> t0 = datetime(2024, 6, 1, 14, 0, tzinfo=timezone.utc)
    >>> inc = Incident.declare("Checkout errors", severity=Severity.P2,
    ...                        at=t0, declared_by="ana")
    >>> text = serialization.dumps(inc)
    >>> serialization.loads(text, Incident) == inc
    True
    >>> record = serialization.loads(text, IncidentRecord)
    >>> record == IncidentRecord.of(inc), record.declared_at == t0
    (True, True)
    >>> serialization.loads(serialization.dumps(record), IncidentRecord) == record
    True
    >>> data = serialization.to_dict(inc)
    >>> data["title"] = 5
    >>> del data["severity"]
    >>> serialization.from_dict(data, Incident)
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
import importlib
import json
import os
import threading
import types
import typing
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import IO, Any, Final, TypeVar

import attrs
import cattrs
from cattrs.errors import (
    AttributeValidationNote,
    ClassValidationError,
    IterableValidationError,
    IterableValidationNote,
)
from cattrs.fns import identity

from ._fastpath import with_every_rule
from ._frozen import FrozenMap
from ._shape import shape
from ._time import UTC, fast_instant, format_instant, parse_instant
from .errors import IncidentKitError, ValidationError


__all__ = [
    "MAX_PROBLEMS",
    "PACKAGES",
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
"""The version of the wire format written (and the only one read) by this release."""

PACKAGES: Final[tuple[str, ...]] = (
    "incidentkit._wire",
    "incidentkit.classify._wire",
    "incidentkit.metrics._wire",
)
"""
The modules whose ``configure(converter)`` registers their package's hooks.

Each package that needs more than the generic rules (attrs classes as objects,
arrays, strict scalars) registers its own hooks there; `make_converter` calls
them in this order, and no package edits another's.
"""

MAX_PROBLEMS: Final[int] = 20
"""At most this many problems are listed in one error; the rest are counted."""

T = TypeVar("T")

# Parses what `format_instant` writes at C speed; anything else may raise.
_fast_instant: Final = fast_instant


# -- scalars -------------------------------------------------------------------------


def _structure_str(value: object, _: type) -> str:
    if type(value) is not str:
        raise shape("a string", value)
    if not value.isascii():
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise shape("text without lone surrogates", value) from None
    return value


def _structure_int(value: object, _: type) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise shape("an integer", value)
    return value


def _structure_float(value: object, _: type) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise shape("a number", value)
    try:
        number = float(value)
    except OverflowError:
        raise shape("a number within a float's range", value) from None
    if number - number != 0.0:
        raise shape("a finite number", value)
    return number


def _structure_bool(value: object, _: type) -> bool:
    if not isinstance(value, bool):
        raise shape("true or false", value)
    return value


def _structure_datetime(value: object, _: type) -> dt.datetime:
    if type(value) is str:
        try:
            parsed = _fast_instant(value)
        except ValueError:
            pass
        else:
            if parsed.tzinfo is UTC:
                return parsed
    if not isinstance(value, str):
        raise shape("an ISO 8601 datetime string", value)
    try:
        return parse_instant(value)
    except ValidationError as exc:
        within = "within" in (exc.expected or "")
        expected = "an aware ISO 8601 datetime" + (
            " whose UTC instant falls within years 1 to 9999" if within else ""
        )
        raise shape(expected, value) from None


def _unstructure_optional_datetime(value: dt.datetime | None) -> str | None:
    return None if value is None else format_instant(value)


def _structure_timedelta(value: object, _: type) -> dt.timedelta:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise shape("a duration in seconds (a number)", value)
    try:
        return dt.timedelta(seconds=value)
    except (OverflowError, ValueError):
        raise shape("a duration in seconds within timedelta's range", value) from None


def _unstructure_timedelta(value: dt.timedelta) -> float | int:
    seconds = value.total_seconds()
    return int(seconds) if seconds.is_integer() else seconds


def _structure_time(value: object, _: type) -> dt.time:
    if not isinstance(value, str):
        raise shape("a time of day such as '09:00'", value)
    try:
        parsed = dt.time.fromisoformat(value)
    except ValueError:
        raise shape("a time of day such as '09:00'", value) from None
    if parsed.tzinfo is not None:
        raise shape("a wall-clock time of day without an offset", value)
    return parsed


def _structure_date(value: object, _: type) -> dt.date:
    if not isinstance(value, str):
        raise shape("a date such as '2024-06-01'", value)
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise shape("a date such as '2024-06-01'", value) from None


@functools.cache
def _enum_members(cls: type[enum.Enum]) -> tuple[dict[Any, enum.Enum], str]:
    # Keyed by type and value: JSON true is never the member whose value is 1.
    members = {(type(m.value), m.value): m for m in cls}
    return members, ", ".join(repr(m.value) for m in cls)


def _structure_enum(value: object, cls: type[enum.Enum]) -> enum.Enum:
    members, options = _enum_members(cls)
    try:
        return members[type(value), value]
    except (KeyError, TypeError):
        raise shape(f"one of {options}", value) from None


# -- containers: arrays are arrays, objects are objects --------------------------------


def _is_array_type(cls: Any) -> bool:
    origin = typing.get_origin(cls)
    args = typing.get_args(cls)
    if origin is tuple:
        return len(args) == 2 and args[1] is Ellipsis  # noqa: PLR2004
    return origin in (list, frozenset, set) and len(args) == 1


def _array_structurer(converter: cattrs.Converter, cls: Any) -> Callable[..., Any]:
    origin = typing.get_origin(cls)
    item_type = typing.get_args(cls)[0]
    build: Callable[[list[Any]], Any] = {
        tuple: tuple,
        list: list,
        frozenset: frozenset,
        set: set,
    }[origin]
    unique = origin in (frozenset, set)

    def structure(value: object, _: object) -> Any:
        if type(value) is not list:
            raise shape("an array", value)
        hook = converter.get_structure_hook(item_type)
        try:
            items = [hook(item, item_type) for item in value]
        except Exception:  # noqa: BLE001 - go again, item by item, for the paths
            _raise_item_errors(
                cls, ((i, hook, item, item_type) for i, item in enumerate(value))
            )
        built = build(items)
        if unique and len(built) != len(items):
            raise shape("an array without duplicates", value)
        return built

    return structure


def _fixed_tuple_structurer(
    converter: cattrs.Converter, cls: Any
) -> Callable[..., Any]:
    item_types = typing.get_args(cls)

    def structure(value: object, _: object) -> Any:
        if type(value) is not list or len(value) != len(item_types):
            raise shape(f"an array of {len(item_types)} items", value)
        hooks = [converter.get_structure_hook(t) for t in item_types]
        try:
            return tuple(
                h(item, t) for h, item, t in zip(hooks, value, item_types, strict=True)
            )
        except Exception:  # noqa: BLE001 - go again, item by item, for the paths
            _raise_item_errors(
                cls,
                (
                    (i, h, item, t)
                    for i, (h, item, t) in enumerate(
                        zip(hooks, value, item_types, strict=True)
                    )
                ),
            )

    return structure


def _raise_item_errors(
    cls: Any, items: Iterable[tuple[int | str, Callable[..., Any], Any, Any]]
) -> typing.NoReturn:
    """Raise the errors of the items of an array or object, with their paths."""
    errors: list[Exception] = []
    for where, hook, item, item_type in items:
        try:
            hook(item, item_type)
        except Exception as exc:  # noqa: BLE001, PERF203 - reported with its path
            exc.__notes__ = [
                *getattr(exc, "__notes__", []),
                IterableValidationNote(f"@ {where!r}", where, item_type),
            ]
            errors.append(exc)
            if len(errors) > MAX_PROBLEMS:
                break
    raise IterableValidationError(f"While structuring {cls!r}", errors, cls)


def _is_object_type(cls: Any) -> bool:
    return typing.get_origin(cls) in (dict, Mapping) and typing.get_args(cls)[:1] == (
        str,
    )


def _object_structurer(converter: cattrs.Converter, cls: Any) -> Callable[..., Any]:
    value_type = typing.get_args(cls)[1]
    # Fetched once, like the optional's: cattrs builds this hook again after
    # any later registration.
    hook = converter.get_structure_hook(value_type)

    def structure(value: object, _: object) -> dict[str, Any]:
        if type(value) is not dict:
            raise shape("an object", value)
        try:
            result = {key: hook(item, value_type) for key, item in value.items()}
        except Exception:  # noqa: BLE001 - go again, item by item, for the paths
            _raise_item_errors(
                cls, ((k, hook, item, value_type) for k, item in value.items())
            )
        return result

    return structure


def _attrs_structurer(converter: cattrs.Converter, cls: type) -> Callable[..., Any]:
    from cattrs.gen import make_dict_structure_fn  # noqa: PLC0415

    base = with_every_rule(converter, cls, make_dict_structure_fn(cls, converter))

    def structure(value: object, _: object) -> Any:
        if not isinstance(value, dict):
            raise shape("an object", value)
        return base(value, cls)

    return structure


def _is_optional(cls: Any) -> bool:
    args = typing.get_args(cls)
    return (
        typing.get_origin(cls) in (typing.Union, types.UnionType)
        and len(args) == 2  # noqa: PLR2004
        and type(None) in args
    )


def _optional_structurer(converter: cattrs.Converter, cls: Any) -> Callable[..., Any]:
    inner = next(arg for arg in typing.get_args(cls) if arg is not type(None))
    hook = converter.get_structure_hook(inner)

    def structure(value: object, _: object) -> Any:
        return None if value is None else hook(value, inner)

    return structure


def _is_pair_like(cls: Any) -> bool:
    return typing.get_origin(cls) is tuple and ... not in typing.get_args(cls)


def _is_frozenset(cls: Any) -> bool:
    return typing.get_origin(cls) is frozenset or cls is frozenset


# -- the converter -------------------------------------------------------------------


def make_converter() -> cattrs.Converter:
    """
    Build a new converter that knows every public incidentkit type.

    Most callers want `get_converter` (one shared instance).  Build your own to
    register hooks for your types without touching the shared one: hooks you
    register later are honoured everywhere, the fast path included.

    The generic rules come first (strict scalars; arrays only where arrays
    belong, without duplicates where a set belongs; objects only where objects
    belong; unknown keys refused), then each module in `PACKAGES` registers its
    own types' hooks.

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
    optional_datetime = typing.Optional[dt.datetime]  # noqa: UP045 - cattrs' key
    c.register_unstructure_hook(optional_datetime, _unstructure_optional_datetime)
    c.register_unstructure_hook(typing.Optional[str], identity)  # noqa: UP045
    c.register_structure_hook_factory(
        _is_optional, functools.partial(_optional_structurer, c)
    )
    c.register_structure_hook(dt.timedelta, _structure_timedelta)
    c.register_unstructure_hook(dt.timedelta, _unstructure_timedelta)
    c.register_structure_hook(dt.time, _structure_time)
    c.register_unstructure_hook(dt.time, dt.time.isoformat)
    c.register_structure_hook(dt.date, _structure_date)
    c.register_unstructure_hook(dt.date, dt.date.isoformat)
    c.register_structure_hook(enum.Enum, _structure_enum)
    c.register_unstructure_hook_func(_is_frozenset, sorted)
    # Fixed-length tuples (``tuple[float, float]``, an interval) are JSON arrays
    # too: cattrs would keep them tuples, so a document would not equal its copy.
    c.register_unstructure_hook_func(
        _is_pair_like, lambda value: [c.unstructure(v) for v in value]
    )
    c.register_unstructure_hook(FrozenMap, dict)
    c.register_structure_hook_factory(
        attrs.has, functools.partial(_attrs_structurer, c)
    )
    c.register_structure_hook_factory(
        _is_array_type, functools.partial(_array_structurer, c)
    )
    c.register_structure_hook_factory(
        _is_pair_like, functools.partial(_fixed_tuple_structurer, c)
    )
    c.register_structure_hook_factory(
        _is_object_type, functools.partial(_object_structurer, c)
    )
    for name in PACKAGES:
        importlib.import_module(name).configure(c)
    return c


_shared: cattrs.Converter | None = None
_shared_lock: Final = threading.Lock()


def get_converter() -> cattrs.Converter:
    """
    Return the shared converter (built once, on first use, then reused).

    Threads that ask at the same moment get the same converter.

    Returns:
        The converter `to_dict` and `from_dict` use.
    """
    global _shared  # noqa: PLW0603 - one lazily built, shared instance
    if _shared is None:
        with _shared_lock:
            if _shared is None:
                _shared = make_converter()
    return _shared


# -- errors --------------------------------------------------------------------------


def _path_part(note: object) -> str:
    if isinstance(note, AttributeValidationNote):
        return f".{note.name}"
    if isinstance(note, IterableValidationNote):
        index = note.index
        return f"[{index}]" if isinstance(index, int) else f"[{json.dumps(index)}]"
    return ""


def _leaves(
    exc: BaseException, path: str, out: list[tuple[str, BaseException]]
) -> None:
    if isinstance(exc, (ClassValidationError, IterableValidationError)):
        with_notes, without = exc.group_exceptions()
        for inner, note in with_notes:
            _leaves(inner, path + _path_part(note), out)
        for inner in without:
            _leaves(inner, path, out)
        return
    field = exc.field if isinstance(exc, ValidationError) else None
    if field and field.isidentifier() and not path.endswith(f".{field}"):
        # A model's own rule, raised by its constructor: the field is a key.
        path = f"{path}.{field}"
    out.append((path, exc))


def _describe(exc: BaseException) -> str:
    if isinstance(exc, IncidentKitError):
        return str(exc)
    if isinstance(exc, KeyError):
        return "required field missing"
    if isinstance(exc, cattrs.ForbiddenExtraKeysError):
        return f"unknown keys: {', '.join(sorted(exc.extra_fields))}"
    if isinstance(exc, cattrs.StructureHandlerNotFoundError):
        return f"incidentkit cannot read this type ({exc})"
    return f"unexpected {type(exc).__name__}: {exc}"


def _raise_structure_error(
    exc: BaseException, cls: object, where: str = ""
) -> typing.NoReturn:
    leaves: list[tuple[str, BaseException]] = []
    _leaves(exc, "$", leaves)
    shown = leaves[:MAX_PROBLEMS]
    lines = [f"{path}: {_describe(leaf)}" for path, leaf in shown]
    if len(leaves) > MAX_PROBLEMS:
        lines.append(f"... and more problems after the first {MAX_PROBLEMS}")
    prefix = f"{where}: " if where else ""
    name = getattr(cls, "__name__", repr(cls))
    count = "1 problem" if len(leaves) == 1 else f"{len(leaves)} problems"
    if len(leaves) > MAX_PROBLEMS:
        count = f"more than {MAX_PROBLEMS} problems"
    message = f"{prefix}{count} in {name}:\n" + "\n".join(f"  {line}" for line in lines)
    field = expected = got = None
    if len(leaves) == 1:
        path, leaf = leaves[0]
        field = path
        expected = getattr(leaf, "expected", None)
        got = getattr(leaf, "got", None)
    raise ValidationError(
        message, field=field, expected=expected, got=got, errors=lines
    ) from exc


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

    A top-level object must carry ``"schema_version": 1`` (an integer this
    release knows), as `to_dict` writes it.

    Args:
        data: The data.
        cls: The type to build, such as `Incident`.

    Returns:
        The value.

    Raises:
        ValidationError: Listing the problems with their JSON paths (the first
            `MAX_PROBLEMS`, then a count); also for a missing or unsupported
            ``"schema_version"``, and for a *cls* incidentkit cannot read.
    """
    if isinstance(data, dict):
        _check_schema_version(data)
        data = {key: value for key, value in data.items() if key != "schema_version"}
    return _structure(data, cls)


def _check_schema_version(data: dict[str, Any]) -> None:
    version = data.get("schema_version", _MISSING)
    if type(version) is not int or version != SCHEMA_VERSION:
        got = None if version is _MISSING else version
        said = "missing" if version is _MISSING else f"got {version!r}"
        raise ValidationError(
            f"'$.schema_version' must be the integer {SCHEMA_VERSION} ({said}); "
            "this release reads only its own wire format",
            field="$.schema_version",
            expected=f"the integer {SCHEMA_VERSION}",
            got=got,
        )


def _structure(data: object, cls: type[T]) -> T:
    try:
        return get_converter().structure(data, cls)
    except Exception as exc:  # noqa: BLE001 - every failure becomes one ValidationError
        _raise_structure_error(exc, cls)


_MISSING: Final = object()


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


def _finite_float(text: str) -> float:
    number = float(text)
    if number - number != 0.0:
        raise ValidationError(
            f"not JSON this release reads: {text[:40]} is beyond a float's range",
            field="$",
            expected="finite JSON numbers",
            got=text[:40],
        )
    return number


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        keys = [key for key, _ in pairs]
        twice = next(key for i, key in enumerate(keys) if key in keys[:i])
        raise ValidationError(
            f"not JSON this release reads: the key {twice!r} appears twice in an "
            "object",
            field="$",
            expected="objects whose keys are unique",
            got=twice,
        )
    return result


_DECODER: Final = json.JSONDecoder(
    parse_constant=_refuse_constant,
    parse_float=_finite_float,
    object_pairs_hook=_unique_keys,
)
"""`json.loads` with these options builds a decoder per call; this one is reused."""
_JSON_BLANK: Final = " \t\r\n"
"""JSON's white space, the only characters a blank line may hold."""
# Set by JSONDecoder.__init__, missing from typeshed.
_scan_once: Final[Callable[[str, int], tuple[Any, int]]] = _DECODER.scan_once  # type: ignore[attr-defined]


def _parse(text: str | bytes) -> Any:
    """Parse JSON text, every failure as one `ValidationError`."""
    try:
        if type(text) is str and text.startswith("{"):
            # What `_DECODER.decode` does for an object at the start, minus two
            # frames and two regular expressions; trailing data is left to it.
            value, end = _scan_once(text, 0)
            if end == len(text) or not text[end:].strip(_JSON_BLANK):
                return value
        if type(text) is str and not text.startswith("\ufeff"):
            return _DECODER.decode(text)
        # Bytes (their encoding detected) and a byte order mark, as json reads them.
        return json.loads(
            text,
            parse_constant=_refuse_constant,
            parse_float=_finite_float,
            object_pairs_hook=_unique_keys,
        )
    except json.JSONDecodeError as exc:
        problem = f"{exc.msg} at line {exc.lineno} column {exc.colno}"
    except UnicodeDecodeError as exc:
        problem = f"not UTF-8 text ({exc.reason} at byte {exc.start})"
    except RecursionError:
        problem = "nested too deeply"
    except ValidationError:
        raise
    except (ValueError, TypeError) as exc:
        problem = str(exc)
    preview = text[:80]
    raise ValidationError(
        f"not JSON: {problem}", field="$", expected="JSON text", got=preview
    )


def loads(text: str | bytes, cls: type[T]) -> T:
    """
    Build a *cls* from JSON text produced by `dumps`.

    Args:
        text: The JSON text (bytes are read as UTF-8).
        cls: The type to build.

    Returns:
        The value.

    Raises:
        ValidationError: If the text is not JSON this release reads (``NaN``,
            ``Infinity`` and numbers beyond a float's range are not; nor are
            duplicate keys), or does not describe a *cls*.
    """
    if not isinstance(text, (str, bytes, bytearray)):
        raise ValidationError.for_field("text", "JSON text (str or bytes)", text)
    data = _parse(text)
    if type(data) is not dict:
        return from_dict(data, cls)
    # Freshly parsed, so ours: no copy without the version.
    _check_schema_version(data)
    del data["schema_version"]
    return _structure(data, cls)


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
    if not isinstance(target, (str, os.PathLike)) and not callable(
        getattr(target, "write", None)
    ):
        raise ValidationError.for_field(
            "target", "a path, or a text file open for writing", target
        )
    if isinstance(target, (str, os.PathLike)):
        with Path(target).open("w", encoding="utf-8") as handle:
            return write_jsonl(items, handle)
    count = 0
    for item in items:
        target.write(dumps(item))
        target.write("\n")
        count += 1
    return count


def _decoded(line: str | bytes) -> str:
    if isinstance(line, str):
        return line
    try:
        return line.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ValidationError(
            f"not UTF-8 text ({exc.reason} at byte {exc.start})",
            field="$",
            expected="UTF-8 text",
            got=line[:80],
        ) from None


def iter_jsonl(
    source: str | os.PathLike[str] | IO[str] | IO[bytes], cls: type[T]
) -> Iterator[T]:
    """
    Read JSON Lines lazily, one *cls* per line, skipping empty lines.

    With ``IncidentRecord`` as *cls*, a file of incidents is read as their
    records (see the module's introduction): what metrics need, fast.

    A line holding only JSON white space (spaces, tabs, carriage returns) is
    empty; any other character, however blank it looks (a no-break space, a form
    feed), is reported.  Files are read as UTF-8 line by line, so a bad byte is
    reported with its line number after the good lines before it were yielded.

    Args:
        source: A path, or a file open for reading (text or binary).
        cls: The type of every line.

    Yields:
        The values, in file order.

    Raises:
        ValidationError: At the first bad line; the message starts with its
            line number.
    """
    if isinstance(source, (str, os.PathLike)):
        with Path(source).open("rb") as handle:
            yield from iter_jsonl(handle, cls)
        return
    lines = typing.cast("Iterable[str | bytes]", source)
    for number, raw in enumerate(lines, start=1):
        try:
            line = _decoded(raw)
            if not line or (line[0] in _JSON_BLANK and not line.strip(_JSON_BLANK)):
                continue
            value = loads(line, cls)
        except ValidationError as exc:
            raise ValidationError(
                f"line {number}: {exc}",
                field=f"line {number}",
                expected=exc.expected,
                got=exc.got,
                errors=[f"line {number}: {e}" for e in exc.errors],
            ) from exc
        yield value
