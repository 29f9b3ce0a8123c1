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

import datetime as dt
import operator
from collections.abc import Callable
from typing import Any, Final

import attrs
import cattrs
from cattrs.errors import ClassValidationError
from cattrs.gen import make_dict_structure_fn

from ._fastpath import with_every_rule
from ._frozen import FrozenMap
from ._lifecycle import STATUS_MILESTONES, Status
from ._shape import shape
from ._time import UTC, fast_instant
from ._validators import writable
from .incident import Incident
from .severity import Severity
from .spans import MILESTONES, IncidentRecord


__all__ = ["configure"]

SKIPPED: Final[tuple[str, ...]] = ("roles", "timeline")
"""The keys of an incident document a record reader requires as arrays, unread."""

Hook = Callable[[Any, Any], Any]


TRUSTED_FIELDS: Final[tuple[str, ...]] = (
    "id",
    "title",
    "severity",
    "status",
    "service",
    "category",
    "labels",
    *MILESTONES,
)
"""The fields `_trusted` sets, in order: exactly `IncidentRecord`'s."""

_DATETIME: Final = dt.datetime
_new: Final = object.__new__
_SETTERS: Final = tuple(
    IncidentRecord.__dict__[name].__set__ for name in TRUSTED_FIELDS
)
"""The slots' own setters: a frozen record is filled in once, here."""
_AT: Final = {name: MILESTONES.index(name) for name in MILESTONES}
_STATUS_RULES: Final = {
    status: (
        tuple(_AT[name] for name in rule.needs),
        tuple(_AT[name] for name in rule.forbids),
    )
    for status, rule in STATUS_MILESTONES.items()
}


def _text(value: object) -> bool:
    """Whether `IncidentRecord`'s ``text`` validator surely accepts *value*."""
    return (
        type(value) is str
        and value.strip() != ""
        and (value.isascii() or writable(value))
    )


def _surely_valid(values: list[Any]) -> bool:
    """
    Whether the record's rules surely accept *values* (in `TRUSTED_FIELDS` order).

    Sufficient, not necessary: exact types, UTC datetimes, writable non-blank
    text, string labels, milestones in order and as the status wants them.
    Anything else is for the constructor and the invariants themselves to judge.
    """
    id_, title, severity, status, service, category, labels, *milestones = values
    if not (
        type(severity) is Severity
        and type(status) is Status
        and type(labels) is dict
        and _text(id_)
        and _text(title)
        and (service is None or _text(service))
        and (category is None or _text(category))
    ):
        return False
    for key, item in labels.items():
        if not (type(key) is str and type(item) is str):
            return False
        if not (key.isascii() and item.isascii()) and not (
            writable(key) and writable(item)
        ):
            return False
    for at in milestones:
        if at is not None and (at.tzinfo is not UTC or type(at) is not _DATETIME):
            return False
    return _surely_consistent(status, milestones)


def _surely_consistent(status: Status, milestones: list[Any]) -> bool:
    """
    Whether the milestones are surely in order and as *status* wants them.

    The rules of `check_milestone_order` and `check_status_milestones`, in one
    pass over UTC datetimes (or ``None``); ``False`` leaves it to them.
    """
    needs, forbids = _STATUS_RULES[status]
    for index in needs:
        if milestones[index] is None:
            return False
    for index in forbids:
        if milestones[index] is not None:
            return False
    started, detected, declared, acknowledged, mitigated, resolved, closed = milestones
    latest = None
    for at in (started, detected, mitigated, resolved, closed):
        if at is not None:
            if latest is not None and at < latest:
                return False
            latest = at
    anchor = started if detected is None else detected
    for at in (declared, acknowledged):
        if at is not None and (
            (anchor is not None and at < anchor) or (closed is not None and closed < at)
        ):
            return False
    return True


def _trusted(values: list[Any]) -> IncidentRecord | None:
    """
    The record of *values* (in `TRUSTED_FIELDS` order), built without __init__.

    Only when `_surely_valid` says so: the constructor would then store these
    very values (labels frozen).  ``None`` means "not sure": the caller calls
    the constructor, which accepts or refuses them with its own errors.
    """
    if not _surely_valid(values):
        return None
    values[6] = FrozenMap(values[6])
    record: IncidentRecord = _new(IncidentRecord)
    for setter, value in zip(_SETTERS, values, strict=True):
        setter(record, value)
    return record


_SEVERITIES: Final = {member.value: member for member in Severity}
_STATUSES: Final = {member.value: member for member in Status}


_HEAD: Final = operator.itemgetter(*TRUSTED_FIELDS[:7])
_TIMES: Final = operator.itemgetter(*MILESTONES)
_NO_TEXT: Final = "-"
"""Stands in for a ``None`` service or category in the text checks."""


def _stock(value: dict[str, Any]) -> IncidentRecord | None:  # noqa: C901, PLR0911
    """
    Read *value* as the converter's stock hooks and the record's rules would.

    The stock hooks' own first tries, inlined: a JSON string is a string, an enum
    is looked up by its value, a datetime is `fast_instant`'s when that gives
    UTC.  ASCII text only; anything else returns ``None`` ("not sure"), and the
    hooks themselves are called.
    """
    id_, title, severity, status, service, category, labels = _HEAD(value)
    for text in (
        id_,
        title,
        _NO_TEXT if service is None else service,
        _NO_TEXT if category is None else category,
    ):
        if type(text) is not str or not text.isascii() or not text.strip():
            return None
    if not (type(severity) is str and type(status) is str and type(labels) is dict):
        return None
    severity = _SEVERITIES.get(severity)
    status = _STATUSES.get(status)
    if severity is None or status is None:
        return None
    for key, item in labels.items():
        if not (
            type(key) is str and type(item) is str and key.isascii() and item.isascii()
        ):
            return None
    try:
        milestones = [at if at is None else fast_instant(at) for at in _TIMES(value)]
    except Exception:  # noqa: BLE001 - not text fast_instant reads: the hooks decide
        return None
    for at in milestones:
        if at is not None and at.tzinfo is not UTC:
            return None
    if not _surely_consistent(status, milestones):
        return None
    record: IncidentRecord = _new(IncidentRecord)
    for setter, item in zip(
        _SETTERS,
        (
            id_,
            title,
            severity,
            status,
            service,
            category,
            FrozenMap(labels),
            *milestones,
        ),
        strict=True,
    ):
        setter(record, item)
    return record


def _field_hooks(converter: cattrs.Converter) -> list[tuple[str, Hook, Any]]:
    attrs.resolve_types(IncidentRecord)
    return [
        (field.name, converter.get_structure_hook(field.type), field.type)
        for field in attrs.fields(IncidentRecord)
    ]


def _explainer(converter: cattrs.Converter) -> Callable[[object], IncidentRecord]:
    """The slow path: the incident's detailed hook, the skipped arrays emptied."""
    detailed = with_every_rule(
        converter,
        Incident,
        make_dict_structure_fn(Incident, converter),
        every_key=True,
    )

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

    return explain


def _equal(value: object, other: object) -> bool:
    try:
        return bool(value == other)
    except Exception:  # noqa: BLE001 - what cannot say is not the same
        return False


def _same(hook: object, stock: object) -> bool:
    """
    Whether *hook* is *stock*, or built again by the same factory from the same.

    cattrs builds factory-made hooks again whenever its caches are cleared, so
    an optional's hook is a new closure of the same code around the same inner
    hook: that is still the stock hook.
    """
    if hook is stock:
        return True
    code = getattr(hook, "__code__", None)
    if code is None:  # a type or a value the factory captured: equal is the same
        return getattr(stock, "__code__", None) is None and _equal(hook, stock)
    if code is not getattr(stock, "__code__", None):
        return False
    if getattr(hook, "__defaults__", None) != getattr(stock, "__defaults__", None):
        return False
    cells = getattr(hook, "__closure__", None) or ()
    others = getattr(stock, "__closure__", None) or ()
    try:
        return len(cells) == len(others) and all(
            _same(cell.cell_contents, other.cell_contents)
            for cell, other in zip(cells, others, strict=True)
        )
    except ValueError:  # an empty cell
        return False


def _record_structurer(converter: cattrs.Converter, stock: tuple[Hook, ...]) -> Hook:
    fields = _field_hooks(converter)
    names = tuple(name for name, _, _ in fields)
    own = frozenset(names)
    incident_keys = own | frozenset(SKIPPED)
    roles, timeline = SKIPPED
    # The trusted construction knows these fields and no other; the stock path
    # also needs the very hooks the converter was built with.
    trust = names == TRUSTED_FIELDS
    inline = (
        trust
        and len(stock) == len(fields)
        and all(
            _same(hook, old) for (_, hook, _), old in zip(fields, stock, strict=True)
        )
    )
    explain = _explainer(converter)
    record = IncidentRecord

    def structure(value: Any, _: Any) -> IncidentRecord:
        if type(value) is dict:
            keys = value.keys()
            if (
                keys == incident_keys
                and type(value[roles]) is list
                and type(value[timeline]) is list
            ) or keys == own:
                if inline:
                    built = _stock(value)
                    if built is not None:
                        return built
                try:
                    values = [hook(value[name], kind) for name, hook, kind in fields]
                    built = _trusted(values) if trust else None
                    if built is not None:
                        return built
                    return record(**dict(zip(names, values, strict=True)))
                except Exception:  # noqa: BLE001, S110 - explained below
                    pass
        return explain(value)

    structure.inline = inline  # type: ignore[attr-defined]
    return structure


def configure(converter: cattrs.Converter) -> None:
    """Register the structuring hook of `IncidentRecord` on *converter*."""
    # A factory: cattrs builds it on first use and again after any later
    # registration, so a hook registered for a field type is honoured.
    stock: list[Hook] = []
    converter.register_structure_hook_factory(
        lambda cls: cls is IncidentRecord,
        lambda _cls: _record_structurer(converter, tuple(stock)),
    )
    # The hooks the converter is built with (taken after the registration
    # above, which makes cattrs build them again): while they are still the
    # ones it uses, the record reader inlines what they do (see `_stock`).
    stock.extend(hook for _, hook, _ in _field_hooks(converter))
