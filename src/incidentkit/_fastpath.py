"""
A fast path for reading the core model, built from the converter's own hooks.

cattrs' generated hooks wrap every field in error bookkeeping.  The fast path
calls the very same per-field hooks the converter has (so a hook a caller
registers is honoured), then the class itself (so its validators still run), and
on any failure at all hands the value to the detailed cattrs hook, which raises
the error with its JSON path.  It is installed as a hook factory, so cattrs
builds it lazily and builds it again whenever a hook is registered later.

Documents of the core model carry every field (the writer writes them all), so
a missing key is reported, never filled in from a default.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import attrs
import cattrs
from cattrs.errors import AttributeValidationNote, ClassValidationError
from cattrs.gen import make_dict_structure_fn

from ._shape import ShapeError, shape
from .errors import ValidationError


__all__ = ["build", "install", "with_every_rule"]

Hook = Callable[[Any, Any], Any]
_CONVERTER_CLASS: Any = getattr(attrs, "Converter", ())


def _noted(exc: Exception, field: attrs.Attribute[Any]) -> Exception:
    exc.__notes__ = [
        *getattr(exc, "__notes__", []),
        AttributeValidationNote(f"Structuring {field.name}", field.name, field.type),
    ]
    return exc


def rule_problems(
    converter: cattrs.Converter, cls: type, value: dict[str, Any]
) -> list[Exception]:
    """
    Check every field of *value* against *cls*'s own field rules, one by one.

    A class stops at the first rule that fails; a report should list them all.
    Rules that need the whole instance (cross-field rules) are skipped here.
    """
    problems: list[Exception] = []
    for field in attrs.fields(cls):
        if not field.init or field.validator is None or field.name not in value:
            continue
        try:
            item = converter.get_structure_hook(field.type)(
                value[field.name], field.type
            )
            if field.converter is not None and not isinstance(
                field.converter, _CONVERTER_CLASS
            ):
                item = field.converter(item)
            field.validator(None, field, item)
        except ValidationError as exc:
            if not isinstance(exc, ShapeError):
                problems.append(_noted(exc, field))
        except Exception:  # noqa: BLE001, S112 - a rule that needs the instance
            continue
    return problems


def _is_field_problem(exc: Exception) -> bool:
    notes = getattr(exc, "__notes__", [])
    return not isinstance(exc, ValidationError) or any(
        isinstance(note, AttributeValidationNote) for note in notes
    )


def with_every_rule(
    converter: cattrs.Converter, cls: type, slow: Hook, *, every_key: bool = False
) -> Hook:
    """
    Wrap *slow* so a refusal lists every broken field rule and missing key.

    With *every_key*, a key missing from the document is an error even where
    the class has a default.
    """
    # cattrs itself reports the missing keys of fields without a default.
    required = [
        f for f in attrs.fields(cls) if f.init and f.default is not attrs.NOTHING
    ]
    if not every_key:
        required = []

    def structure(value: Any, _: Any) -> Any:
        problems: list[Exception] = [
            _noted(KeyError(field.name), field)
            for field in required
            if field.name not in value
        ]
        try:
            result = slow(value, cls)
        except ClassValidationError as exc:
            # The constructor's own refusal comes without a field note (cattrs
            # wraps it or not, by version): list every rule broken instead.
            fields = [e for e in exc.exceptions if _is_field_problem(e)]
            rule = next((e for e in exc.exceptions if e not in fields), None)
            problems.extend(fields)
            if rule is not None:
                problems.extend(rule_problems(converter, cls, value) or [rule])
        except ValidationError as exc:
            if isinstance(exc, ShapeError):
                raise
            problems.extend(rule_problems(converter, cls, value) or [exc])
        else:
            if not problems:
                return result
        raise ClassValidationError(f"While structuring {cls.__name__}", problems, cls)

    return structure


def build(
    converter: cattrs.Converter,
    cls: type,
    slow: Hook,
    tag: tuple[str, str] | None = None,
) -> Hook:
    """
    Return a hook that structures *cls* from a dict through *converter*'s hooks.

    Every field must be present; anything wrong (a missing or unknown key, a bad
    value, a broken rule) goes to *slow*, wrapped by `with_every_rule`.  With a
    *tag* (``("kind", "note")``), documents carry that key and value too, and
    *slow* is given the document without it.
    """
    attrs.resolve_types(cls)
    fields = [
        (field.name, converter.get_structure_hook(field.type), field.type)
        for field in attrs.fields(cls)
        if field.init
    ]
    names = frozenset(name for name, _, _ in fields)
    if tag is not None:
        names |= {tag[0]}
    detailed = with_every_rule(converter, cls, slow, every_key=True)

    def structure(value: Any, _: Any) -> Any:
        if (
            type(value) is dict
            and value.keys() == names
            and (tag is None or value[tag[0]] == tag[1])
        ):
            try:
                return cls(
                    **{name: hook(value[name], kind) for name, hook, kind in fields}
                )
            except Exception:  # noqa: BLE001, S110 - the detailed path explains it
                pass
        if not isinstance(value, dict):
            raise shape("an object", value)
        if tag is not None:
            if value.get(tag[0]) != tag[1]:
                raise shape(f"an object whose {tag[0]!r} is {tag[1]!r}", value)
            return detailed({k: v for k, v in value.items() if k != tag[0]}, cls)
        return detailed(value, cls)

    return structure


def install(converter: cattrs.Converter, classes: tuple[type, ...]) -> None:
    """
    Read *classes* through the fast path on *converter*.

    Args:
        converter: The converter; its hooks (present and future) are used.
        classes: attrs classes whose fields all have plain names.
    """
    wanted = frozenset(classes)

    def factory(cls: type) -> Hook:
        slow: Hook = make_dict_structure_fn(cls, converter)
        return build(converter, cls, slow)

    converter.register_structure_hook_factory(lambda cls: cls in wanted, factory)
