"""What every metric checks of its input: an iterable of incidents."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator
from typing import NoReturn

from incidentkit.errors import ValidationError
from incidentkit.spans import Milestoned


_EXPECTED = "incidents (Incident or IncidentRecord values)"


def incidents_of(value: object, field: str = "incidents") -> Iterator[Milestoned]:
    """Iterate over *value*, refusing what is not iterable (strings included)."""
    if isinstance(value, (str, bytes)):
        not_incidents(value, field)
    try:
        return iter(value)  # type: ignore[call-overload, no-any-return]
    except TypeError:
        not_incidents(value, field)


def call_user(
    function: Callable[[Milestoned], Hashable | None],
    incident: Milestoned,
    field: str,
) -> Hashable | None:
    """Call a caller's key function; its failure is an error naming *field*."""
    try:
        value = function(incident)
        hash(value)
    except Exception as exc:
        raise ValidationError(
            f"the {field}= function failed for incident {incident.id!r}: "
            f"{type(exc).__name__}: {exc}",
            field=field,
            expected="a function returning a hashable value",
            got=function,
        ) from exc
    return value


def not_incidents(value: object, field: str = "incidents") -> NoReturn:
    """Refuse *value*, an item (or a whole input) that is not incidents."""
    raise ValidationError.for_field(field, _EXPECTED, value) from None
