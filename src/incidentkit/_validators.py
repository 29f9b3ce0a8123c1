"""
attrs validators whose errors name the field, the expectation and the value.

Every validator of every package lives here (the signals policies included), so
one field rule reads the same everywhere.  Errors name the parameter a caller
passes (the attrs alias), not a private attribute name.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import attrs

from ._frozen import freeze
from .errors import ValidationError


__all__ = [
    "Validator",
    "as_tuple",
    "check_at_least_two",
    "check_bool",
    "check_fraction",
    "check_labels",
    "check_non_negative",
    "check_non_negative_timedelta",
    "check_positive",
    "check_positive_int",
    "check_positive_timedelta",
    "freeze_labels",
    "instance_of",
    "optional",
    "optional_text",
    "require_text",
    "text",
    "tuple_of",
    "writable",
]

Validator = Callable[[Any, "attrs.Attribute[Any]", Any], None]


def _name(attribute: attrs.Attribute[Any]) -> str:
    return attribute.alias or attribute.name


def _is_number(value: object) -> bool:
    return (
        not isinstance(value, bool)
        and isinstance(value, (int, float))
        and math.isfinite(value)
    )


def optional(validator: Validator) -> Validator:
    """
    Allow ``None``; check anything else with *validator*.

    The error names the expectation with ``or None`` appended.
    """

    def check(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if value is None:
            return
        try:
            validator(instance, attribute, value)
        except ValidationError as exc:
            if exc.expected is None:
                raise
            raise ValidationError.for_field(
                _name(attribute), f"{exc.expected} or None", value
            ) from None

    return check


def instance_of(kind: type | tuple[type, ...], expected: str) -> Validator:
    """Require an instance of *kind*, described as *expected* in the error."""

    def check(
        _instance: object, attribute: attrs.Attribute[Any], value: object
    ) -> None:
        if not isinstance(value, kind):
            raise ValidationError.for_field(_name(attribute), expected, value)

    return check


def check_bool(
    _instance: object, attribute: attrs.Attribute[Any], value: object
) -> None:
    """Require ``True`` or ``False`` (not a string, not a number)."""
    if not isinstance(value, bool):
        raise ValidationError.for_field(_name(attribute), "True or False", value)


def writable(value: str) -> bool:
    """Whether *value* can be written as UTF-8 (no lone surrogates in it)."""
    if value.isascii():
        return True
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def require_text(value: object, field: str) -> str:
    """Return *value* if it is writable text with something besides white space."""
    if not isinstance(value, str) or not value.strip():
        raise ValidationError.for_field(field, "a non-empty string", value)
    if not writable(value):
        raise ValidationError.for_field(
            field, "text without lone surrogates (not writable as UTF-8)", value
        )
    return value


def text(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """Require a string with something other than white space in it."""
    require_text(value, _name(attribute))


optional_text: Validator = optional(text)
"""Like `text`, but ``None`` is allowed."""


def check_positive_timedelta(
    _instance: object, attribute: attrs.Attribute[Any], value: object
) -> None:
    """Require a timedelta greater than zero."""
    if not isinstance(value, dt.timedelta) or value <= dt.timedelta(0):
        raise ValidationError.for_field(_name(attribute), "a positive timedelta", value)


def check_non_negative_timedelta(
    _instance: object, attribute: attrs.Attribute[Any], value: object
) -> None:
    """Require a timedelta of zero or more."""
    if not isinstance(value, dt.timedelta) or value < dt.timedelta(0):
        raise ValidationError.for_field(
            _name(attribute), "a non-negative timedelta", value
        )


def check_positive_int(
    _instance: object, attribute: attrs.Attribute[Any], value: object
) -> None:
    """Require an integer of at least one."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValidationError.for_field(_name(attribute), "a positive integer", value)


def check_at_least_two(
    _instance: object, attribute: attrs.Attribute[Any], value: object
) -> None:
    """Require an integer of at least two."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 2:  # noqa: PLR2004
        raise ValidationError.for_field(
            _name(attribute), "an integer of at least 2", value
        )


def check_fraction(
    _instance: object, attribute: attrs.Attribute[Any], value: object
) -> None:
    """Require a number strictly between 0 and 1."""
    if not _is_number(value) or not 0 < value < 1:  # type: ignore[operator]
        raise ValidationError.for_field(
            _name(attribute), "a number strictly between 0 and 1", value
        )


def check_positive(
    _instance: object, attribute: attrs.Attribute[Any], value: object
) -> None:
    """Require a finite number greater than zero."""
    if not _is_number(value) or value <= 0:  # type: ignore[operator]
        raise ValidationError.for_field(
            _name(attribute), "a positive, finite number", value
        )


def check_non_negative(
    _instance: object, attribute: attrs.Attribute[Any], value: object
) -> None:
    """Require a finite number of zero or more."""
    if not _is_number(value) or value < 0:  # type: ignore[operator]
        raise ValidationError.for_field(
            _name(attribute), "a finite, non-negative number", value
        )


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


def check_labels(
    _instance: object, attribute: attrs.Attribute[Any], value: Any
) -> None:
    """Validate a mapping of writable strings to writable strings."""
    for key, item in value.items():
        if not (isinstance(key, str) and isinstance(item, str)) or not (
            writable(key) and writable(item)
        ):
            raise ValidationError.for_field(
                _name(attribute), "a mapping of strings to strings", {key: item}
            )


def freeze_labels(value: object) -> Mapping[str, str]:
    """Freeze a labels mapping (checked by `check_labels`); refuse anything else."""
    if not isinstance(value, Mapping):
        raise ValidationError.for_field(
            "labels", "a mapping of strings to strings", value
        )
    return freeze(value)
