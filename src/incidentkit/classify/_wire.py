"""Wire hooks of the classify package: rules by name, custom facts by kind."""

from __future__ import annotations

import math
from typing import Any

import cattrs

from incidentkit._shape import shape

from ._impact import Fact
from ._rules import Rule, known_rules


def _structure_rule(value: object, _: object) -> Rule:
    if type(value) is not str:
        raise shape("a rule name", value)
    known = known_rules()
    if value not in known:
        raise shape(f"the name of a registered rule (one of {sorted(known)})", value)
    return known[value]


def _structure_fact(value: object, _: object) -> Any:
    if type(value) in {str, bool, int}:
        return value
    if type(value) is float and math.isfinite(value):
        return value
    raise shape("text, a finite number or true/false", value)


def configure(converter: cattrs.Converter) -> None:
    """Register the classify package's hooks on *converter*."""
    converter.register_unstructure_hook(Rule, lambda rule: rule.name)
    converter.register_structure_hook(Rule, _structure_rule)
    converter.register_structure_hook(Fact, _structure_fact)
