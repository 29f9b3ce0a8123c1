"""
The metrics package's part of the wire format: recurrence fingerprints.

A fingerprint is any hashable a function returns; on the wire it is what JSON
can hold: a string, number, boolean or null, or an array of them (a tuple).
"""

from __future__ import annotations

from collections.abc import Hashable

import cattrs

from incidentkit._shape import shape


__all__ = ["configure"]

_SCALARS = (str, int, float, bool)


def _structure_key(value: object, _: object) -> Hashable:
    if value is None or isinstance(value, _SCALARS):
        return value
    if isinstance(value, list):
        return tuple(_structure_key(item, None) for item in value)
    raise shape("a fingerprint: a string, number, boolean, null or an array", value)


def configure(converter: cattrs.Converter) -> None:
    """Register the hooks of the metrics types on *converter*."""
    converter.register_structure_hook_func(lambda cls: cls is Hashable, _structure_key)
