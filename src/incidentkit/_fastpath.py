"""
A fast path for reading the core model, built from the converter's own hooks.

cattrs' generated hooks wrap every field in error bookkeeping.  The fast path
calls the very same per-field hooks the converter has (so a hook a caller
registers is honoured), then the class itself (so its validators still run), and
on any failure at all hands the value to the detailed cattrs hook, which raises
the error with its JSON path.  It is installed as a hook factory, so cattrs
builds it lazily and builds it again whenever a hook is registered later.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import attrs
import cattrs
from cattrs.gen import make_dict_structure_fn

from ._shape import shape


__all__ = ["install"]

Hook = Callable[[Any, Any], Any]


def build(
    converter: cattrs.Converter,
    cls: type,
    slow: Hook,
    tag: tuple[str, str] | None = None,
) -> Hook:
    """
    Return a hook that structures *cls* from a dict through *converter*'s hooks.

    Fields missing from the input are left to the class defaults; anything that
    fails (an unknown key, a bad value, a validator) goes to *slow*.  With a
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

    def structure(value: Any, _: Any) -> Any:
        if (
            type(value) is dict
            and value.keys() <= names
            and (tag is None or value.get(tag[0]) == tag[1])
        ):
            try:
                kwargs = {
                    name: hook(value[name], kind)
                    for name, hook, kind in fields
                    if name in value
                }
                return cls(**kwargs)
            except Exception:  # noqa: BLE001, S110 - the detailed path explains it
                pass
        if not isinstance(value, dict):
            raise shape("an object", value)
        if tag is not None:
            if value.get(tag[0]) != tag[1]:
                raise shape(f"an object whose {tag[0]!r} is {tag[1]!r}", value)
            return slow({k: v for k, v in value.items() if k != tag[0]}, cls)
        return slow(value, cls)

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
