"""
Private validators of the signals package (generic candidates for _validators).

`tuple_field` makes a tuple-of-X attrs field: lists (and other iterables)
become tuples, so frozen values stay hashable, while a string, bytes or a
mapping is refused instead of being split into characters or keys.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

import attrs

from incidentkit.errors import ValidationError


__all__ = ["as_tuple", "tuple_of"]


def as_tuple(value: object) -> object:
    """Turn a non-text, non-mapping iterable into a tuple; leave the rest alone."""
    if isinstance(value, tuple):
        return value
    if isinstance(value, (str, bytes, bytearray, Mapping)) or not isinstance(
        value, Iterable
    ):
        return value  # the validator refuses it, naming the field
    return tuple(value)


def tuple_of(
    check: Callable[[object], bool], expected: str
) -> Callable[[object, attrs.Attribute[Any], object], None]:
    """Require a tuple whose every item passes *check*."""

    def validate(
        _instance: object, attribute: attrs.Attribute[Any], value: object
    ) -> None:
        if not isinstance(value, tuple) or not all(check(item) for item in value):
            raise ValidationError.for_field(
                attribute.alias or attribute.name, expected, value
            )

    return validate
