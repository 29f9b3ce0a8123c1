"""Validators shared by the signal policies and accumulators (private)."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import attrs

from incidentkit.errors import ValidationError


__all__ = [
    "check_at_least_two",
    "check_fraction",
    "check_non_negative",
    "check_non_negative_timedelta",
    "check_positive",
    "check_positive_int",
    "check_positive_timedelta",
]


def _name(attribute: attrs.Attribute[Any]) -> str:
    return attribute.alias or attribute.name


def _is_number(value: object) -> bool:
    return (
        not isinstance(value, bool)
        and isinstance(value, (int, float))
        and math.isfinite(value)
    )


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
