"""attrs validators whose errors name the field, the expectation and the value."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import attrs

from .errors import ValidationError


Validator = Callable[[Any, "attrs.Attribute[Any]", Any], None]


def instance_of(kind: type | tuple[type, ...], expected: str) -> Validator:
    """Require an instance of *kind*, described as *expected* in the error."""

    def check(
        _instance: object, attribute: attrs.Attribute[Any], value: object
    ) -> None:
        if not isinstance(value, kind):
            raise ValidationError.for_field(attribute.name, expected, value)

    return check


def text(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """Require a string with something other than white space in it."""
    if not isinstance(value, str) or not value.strip():
        raise ValidationError.for_field(attribute.name, "a non-empty string", value)


def optional_text(
    _instance: object, attribute: attrs.Attribute[Any], value: object
) -> None:
    """Like `text`, but ``None`` is allowed."""
    if value is not None and (not isinstance(value, str) or not value.strip()):
        raise ValidationError.for_field(
            attribute.name, "a non-empty string or None", value
        )
