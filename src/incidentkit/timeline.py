"""
The incident timeline: typed, immutable events in time order.

Each event is a frozen value with an ``at`` instant and, optionally, who did it
(``by``).  `Timeline` keeps events sorted by time; events with equal times keep the
order they were added in.  On the wire each event is an object tagged with its
``"kind"`` (see `incidentkit.serialization`).

Example:
    >>> from datetime import datetime, timedelta, timezone
    >>> from incidentkit.timeline import Note, Timeline
    >>> t0 = datetime(2024, 6, 1, 14, 0, tzinfo=timezone.utc)
    >>> tl = Timeline().add(Note(at=t0 + timedelta(minutes=5), text="second"))
    >>> tl = tl.add(Note(at=t0, text="first"))
    >>> [e.text for e in tl]
    ['first', 'second']
"""

from __future__ import annotations

import bisect
import datetime as dt
import enum
import itertools
import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import ClassVar, Final, Protocol, TypeVar, Union, overload

import attrs

from ._lifecycle import Status
from ._time import check_aware, ensure_utc, to_utc, to_utc_optional
from ._validators import (
    Validator,
    as_tuple,
    check_bool,
    instance_of,
    optional,
    optional_text,
    text,
    tuple_of,
    writable,
)
from .errors import ValidationError
from .roles import Role
from .severity import Severity


__all__ = [
    "EVENT_TYPES",
    "Acknowledged",
    "Audience",
    "Declared",
    "Event",
    "MitigationApplied",
    "Note",
    "RoleAssigned",
    "RoleHandedOff",
    "RoleRelieved",
    "SeverityChanged",
    "StatusChanged",
    "StatusUpdatePosted",
    "SupportsEvent",
    "Timeline",
    "TimelineEvent",
]


class Audience(enum.Enum):
    """Who a status update is for."""

    INTERNAL = "internal"
    """The company: engineering, support, leadership.  More detail."""
    PUBLIC = "public"
    """Customers, through the public status page.  Less detail."""


_SEVERITY: Final[Validator] = instance_of(Severity, "a Severity")
_STATUS: Final[Validator] = instance_of(Status, "a Status")
_ROLE: Final[Validator] = instance_of(Role, "a Role")


def _texts(value: Iterable[str]) -> tuple[str, ...]:
    # Typed for callers; anything but an iterable is left to the validator.
    return as_tuple(value)  # type: ignore[return-value]


def _is_text(value: object) -> bool:
    return isinstance(value, str) and bool(value.strip()) and writable(value)


@attrs.frozen(kw_only=True)
class Event:
    """
    What every timeline event has: when it happened and who did it.

    Do not instantiate `Event` itself; use one of its subclasses.

    Attributes:
        at: When it happened (aware, normalised to UTC).
        by: Who did it, when known.
    """

    kind: ClassVar[str] = "event"
    """The tag of this event type on the wire."""

    at: dt.datetime = attrs.field(converter=to_utc, validator=check_aware)
    by: str | None = attrs.field(default=None, validator=optional_text)

    def describe(self) -> str:
        """Return a one-line human description of the event."""
        return self.kind.replace("_", " ")


@attrs.frozen(kw_only=True)
class Declared(Event):
    """
    The incident was declared.

    Attributes:
        title: The incident's title at declaration.
        severity: The severity it was declared with.
    """

    kind: ClassVar[str] = "declared"

    title: str = attrs.field(validator=text)
    severity: Severity = attrs.field(validator=_SEVERITY)

    def describe(self) -> str:
        """Return a one-line human description of the event."""
        return f"declared {self.severity.value}: {self.title}"


@attrs.frozen(kw_only=True)
class Acknowledged(Event):
    """A responder acknowledged the page."""

    kind: ClassVar[str] = "acknowledged"

    def describe(self) -> str:
        """Return a one-line human description of the event."""
        return "acknowledged" + (f" by {self.by}" if self.by else "")


@attrs.frozen(kw_only=True)
class SeverityChanged(Event):
    """
    The severity changed.

    Attributes:
        old: The previous severity.
        new: The new severity.
        reason: Why it changed.
    """

    kind: ClassVar[str] = "severity_changed"

    old: Severity = attrs.field(validator=_SEVERITY)
    new: Severity = attrs.field(validator=_SEVERITY)
    reason: str | None = attrs.field(default=None, validator=optional_text)

    def describe(self) -> str:
        """Return a one-line human description of the event."""
        verb = "escalated" if self.new.is_more_severe_than(self.old) else "downgraded"
        because = f" ({self.reason})" if self.reason else ""
        return f"{verb} {self.old.value} → {self.new.value}{because}"


@attrs.frozen(kw_only=True)
class RoleAssigned(Event):
    """
    Somebody took a role nobody held.

    Attributes:
        role: The role.
        person: Who took it.
    """

    kind: ClassVar[str] = "role_assigned"

    role: Role = attrs.field(validator=_ROLE)
    person: str = attrs.field(validator=text)

    def describe(self) -> str:
        """Return a one-line human description of the event."""
        return f"{self.person} is {self.role.title}"


@attrs.frozen(kw_only=True)
class RoleHandedOff(Event):
    """
    A role passed from one person to another.

    Attributes:
        role: The role.
        from_person: Who held it.
        to_person: Who holds it now.
    """

    kind: ClassVar[str] = "role_handed_off"

    role: Role = attrs.field(validator=_ROLE)
    from_person: str = attrs.field(validator=text)
    to_person: str = attrs.field(validator=text)

    def describe(self) -> str:
        """Return a one-line human description of the event."""
        return (
            f"{self.role.title} handed off from {self.from_person} to {self.to_person}"
        )


@attrs.frozen(kw_only=True)
class RoleRelieved(Event):
    """
    Somebody gave up a role and nobody took it over.

    Attributes:
        role: The role.
        person: Who held it.
    """

    kind: ClassVar[str] = "role_relieved"

    role: Role = attrs.field(validator=_ROLE)
    person: str = attrs.field(validator=text)

    def describe(self) -> str:
        """Return a one-line human description of the event."""
        return f"{self.person} is no longer {self.role.title}"


@attrs.frozen(kw_only=True)
class StatusChanged(Event):
    """
    The lifecycle status changed.

    Attributes:
        old: The previous status.
        new: The new status.
    """

    kind: ClassVar[str] = "status_changed"

    old: Status = attrs.field(validator=_STATUS)
    new: Status = attrs.field(validator=_STATUS)

    def describe(self) -> str:
        """Return a one-line human description of the event."""
        return f"status {self.old.value} → {self.new.value}"


@attrs.frozen(kw_only=True)
class StatusUpdatePosted(Event):
    """
    A status update went out to an audience.

    The structured fields (from *status* on) are what `incidentkit.comms`
    records; an update posted as free text leaves them empty, and documents
    written before they existed still load (they read as empty).

    Attributes:
        audience: Who it was for.
        text: What it said.
        next_update_at: When it promised the next update, if it did.
        status: The lifecycle status the update announced, if it said.
        known: What we know.
        doing: What we are doing about it.
        impact: The business impact (internal updates).
        owners: Who owns the response, as "name (role)" texts (internal).
        stand_by: For engineering teams: ``True`` to stand by, ``False`` to
            stand down, ``None`` when the update did not say (internal).
    """

    kind: ClassVar[str] = "status_update_posted"

    audience: Audience = attrs.field(validator=instance_of(Audience, "an Audience"))
    text: str = attrs.field(validator=text)
    next_update_at: dt.datetime | None = attrs.field(
        default=None, converter=to_utc_optional, validator=check_aware
    )
    status: Status | None = attrs.field(default=None, validator=optional(_STATUS))
    known: str | None = attrs.field(default=None, validator=optional_text)
    doing: str | None = attrs.field(default=None, validator=optional_text)
    impact: str | None = attrs.field(default=None, validator=optional_text)
    owners: tuple[str, ...] = attrs.field(
        default=(),
        converter=_texts,
        validator=tuple_of(_is_text, "a sequence of non-empty strings"),
    )
    stand_by: bool | None = attrs.field(default=None, validator=optional(check_bool))

    def describe(self) -> str:
        """Return a one-line human description of the event."""
        return f"{self.audience.value} update: {self.text}"


class SupportsEvent(Protocol):
    """
    A value that becomes a status-update event, such as ``comms.StatusUpdate``.

    `incidentkit.incident.Incident.post` takes one.
    """

    def to_event(self) -> StatusUpdatePosted:
        """Return the event that records this value on a timeline."""
        ...


@attrs.frozen(kw_only=True)
class MitigationApplied(Event):
    """
    A mitigation was applied (a rollback, a scale-up, a feature switched off).

    Attributes:
        action: What was done.
    """

    kind: ClassVar[str] = "mitigation_applied"

    action: str = attrs.field(validator=text)

    def describe(self) -> str:
        """Return a one-line human description of the event."""
        return f"mitigation: {self.action}"


@attrs.frozen(kw_only=True)
class Note(Event):
    """
    A free-text entry.

    Attributes:
        text: The note.
    """

    kind: ClassVar[str] = "note"

    text: str = attrs.field(validator=text)

    def describe(self) -> str:
        """Return a one-line human description of the event."""
        return self.text


TimelineEvent = Union[  # noqa: UP007 - a runtime alias cattrs reads on Python 3.10
    Declared,
    Acknowledged,
    SeverityChanged,
    RoleAssigned,
    RoleHandedOff,
    RoleRelieved,
    StatusChanged,
    StatusUpdatePosted,
    MitigationApplied,
    Note,
]
"""Any timeline event."""

EVENT_TYPES: Final[tuple[type[Event], ...]] = (
    Declared,
    Acknowledged,
    SeverityChanged,
    RoleAssigned,
    RoleHandedOff,
    RoleRelieved,
    StatusChanged,
    StatusUpdatePosted,
    MitigationApplied,
    Note,
)
"""Every concrete event type, in the order of `TimelineEvent`."""

E = TypeVar("E", bound=Event)


def _at(event: Event) -> dt.datetime:
    return event.at


def _sorted_events(events: Iterable[TimelineEvent]) -> tuple[TimelineEvent, ...]:
    if isinstance(events, (str, bytes, Mapping)):
        raise ValidationError.for_field("events", "a sequence of events", events)
    try:
        items = tuple(events)
    except TypeError:
        raise ValidationError.for_field(
            "events", "a sequence of events", events
        ) from None
    for index, event in enumerate(items):
        if not isinstance(event, EVENT_TYPES):
            raise ValidationError.for_field(
                f"events[{index}]", "a timeline event", event
            )
    if all(items[i].at <= items[i + 1].at for i in range(len(items) - 1)):
        return items
    return tuple(sorted(items, key=_at))


def _check_kind(kind: object) -> None:
    if not (isinstance(kind, type) and issubclass(kind, Event)):
        raise ValidationError.for_field(
            "kind", "an event class such as Note (not its name)", kind
        )


def _index(events: Iterable[TimelineEvent]) -> dict[type, TimelineEvent]:
    last: dict[type, TimelineEvent] = {}
    for event in events:
        last[type(event)] = event
    return last


# Appending at the end extends a list that timelines share; the lock makes the
# "is anybody past me?" check and the append one step.
_APPEND: Final = threading.Lock()


class Timeline(Sequence[TimelineEvent]):
    """
    An immutable sequence of events in time order.

    Events with equal times keep their insertion order.  Adding an event finds its
    place by binary search and returns a new timeline; the old one is unchanged.
    Adding at the end (the usual case) costs the same whatever the length: the
    new timeline shares storage with the old one, and only the new event is
    checked.  The latest event of each kind is indexed, so `last` does not scan.

    Args:
        events: The events, in any order (they are sorted by time).

    Example:
        >>> from datetime import datetime, timezone
        >>> from incidentkit.timeline import Note, Timeline
        >>> t0 = datetime(2024, 6, 1, 14, 0, tzinfo=timezone.utc)
        >>> len(Timeline([Note(at=t0, text="a")]).add(Note(at=t0, text="b")))
        2
    """

    __slots__ = ("_buffer", "_events", "_last", "_size")

    _buffer: list[TimelineEvent]
    _size: int
    _last: dict[type, TimelineEvent]
    _events: tuple[TimelineEvent, ...] | None

    def __init__(self, events: Iterable[TimelineEvent] = ()) -> None:
        items = _sorted_events(events)
        self._set(list(items), len(items), _index(items), items)

    def _set(
        self,
        buffer: list[TimelineEvent],
        size: int,
        last: dict[type, TimelineEvent],
        events: tuple[TimelineEvent, ...] | None,
    ) -> None:
        setter = object.__setattr__
        setter(self, "_buffer", buffer)
        setter(self, "_size", size)
        setter(self, "_last", last)
        setter(self, "_events", events)

    def __setattr__(self, name: str, value: object) -> None:
        raise attrs.exceptions.FrozenInstanceError

    def __delattr__(self, name: str) -> None:
        raise attrs.exceptions.FrozenInstanceError

    @property
    def events(self) -> tuple[TimelineEvent, ...]:
        """The events, sorted by time."""
        events = self._events
        if events is None:
            events = tuple(self._buffer[: self._size])
            object.__setattr__(self, "_events", events)
        return events

    def add(self, event: TimelineEvent) -> Timeline:
        """
        Return a new timeline with *event* in its place.

        Args:
            event: The event; after any events at the same instant.

        Returns:
            The new timeline.
        """
        if not isinstance(event, EVENT_TYPES):
            raise ValidationError.for_field("event", "a timeline event", event)
        buffer, size = self._buffer, self._size
        if size and event.at < buffer[size - 1].at:
            index = bisect.bisect_right(buffer, event.at, hi=size, key=_at)
            buffer = [*buffer[:index], event, *buffer[index:size]]
        else:
            with _APPEND:
                shared = len(buffer) == size
                if shared:
                    buffer.append(event)
            if not shared:  # somebody added to this history already: branch off
                buffer = [*buffer[:size], event]
        last = dict(self._last)
        previous = last.get(type(event))
        if previous is None or previous.at <= event.at:
            last[type(event)] = event
        new = object.__new__(Timeline)
        new._set(buffer, size + 1, last, None)
        return new

    def of_kind(self, kind: type[E]) -> tuple[E, ...]:
        """
        Return the events of one type, in time order.

        Args:
            kind: The event type, such as `StatusUpdatePosted`.

        Returns:
            The matching events.

        Raises:
            ValidationError: If *kind* is not an event class.
        """
        _check_kind(kind)
        return tuple(e for e in self if isinstance(e, kind))

    def first(self, kind: type[E]) -> E | None:
        """Return the earliest event of type *kind*, or ``None``."""
        _check_kind(kind)
        return next((e for e in self if isinstance(e, kind)), None)

    def last(self, kind: type[E]) -> E | None:
        """Return the latest event of type *kind*, or ``None``."""
        _check_kind(kind)
        found = [e for cls, e in self._last.items() if issubclass(cls, kind)]
        if len(found) == 1:
            return found[0]  # type: ignore[return-value]
        if not found:
            return None
        return next((e for e in reversed(self) if isinstance(e, kind)), None)

    def between(
        self, start: dt.datetime | None = None, end: dt.datetime | None = None
    ) -> Timeline:
        """
        Return the events from *start* (inclusive) up to *end* (exclusive).

        Args:
            start: The first instant, or ``None`` for the beginning.
            end: The instant to stop before, or ``None`` for the end.

        Returns:
            A timeline of those events.
        """
        buffer, size = self._buffer, self._size
        lo = 0
        hi = size
        if start is not None:
            start = ensure_utc(start, field="start")
            lo = bisect.bisect_left(buffer, start, hi=size, key=_at)
        if end is not None:
            end = ensure_utc(end, field="end")
            hi = bisect.bisect_left(buffer, end, hi=size, key=_at)
        return Timeline(buffer[lo : max(lo, hi)])

    def __len__(self) -> int:
        return self._size

    def __iter__(self) -> Iterator[TimelineEvent]:
        return itertools.islice(self._buffer, self._size)

    def __reversed__(self) -> Iterator[TimelineEvent]:
        buffer = self._buffer
        return (buffer[i] for i in range(self._size - 1, -1, -1))

    @overload
    def __getitem__(self, index: int) -> TimelineEvent: ...
    @overload
    def __getitem__(self, index: slice) -> tuple[TimelineEvent, ...]: ...
    def __getitem__(
        self, index: int | slice
    ) -> TimelineEvent | tuple[TimelineEvent, ...]:
        return self.events[index]

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Timeline):
            return NotImplemented
        return self._size == other._size and (
            self._buffer is other._buffer or self.events == other.events
        )

    def __hash__(self) -> int:
        return hash(self.events)

    def __repr__(self) -> str:
        return f"Timeline(events={self.events!r})"

    def __reduce__(self) -> tuple[type[Timeline], tuple[tuple[TimelineEvent, ...]]]:
        return (Timeline, (self.events,))

    def _repr_html_(self) -> str:
        """Show it as HTML in a notebook (see `incidentkit.render.html`)."""
        from incidentkit.render import html  # noqa: PLC0415 - lazy

        return html(self)

    def _repr_markdown_(self) -> str:
        """Show it as Markdown (see `incidentkit.render.markdown`)."""
        from incidentkit.render import markdown  # noqa: PLC0415 - lazy

        return markdown(self)
