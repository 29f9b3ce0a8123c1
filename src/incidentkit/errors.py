"""
Errors raised by incidentkit.

Every error derives from `IncidentKitError`, and also from the builtin that fits,
so generic handlers keep working::

    IncidentKitError (Exception)
    ├── ValidationError (ValueError)      the caller passed something impossible
    │   ├── MilestoneOrderError           two incident milestones are out of order
    │   └── RoleConflict                  a role is held by somebody else already
    ├── InvalidTransition (ValueError)    an illegal lifecycle move
    └── RemotePayloadError (ValueError)   a remote system sent a malformed payload

The split between `ValidationError` ("you asked for something impossible") and
`RemotePayloadError` ("the feed you read is broken") follows h11's local and remote
protocol errors: importers raise the second kind only when a payload cannot be read
at all, and report repairable problems as findings instead.

Context travels as attributes, not only in the message, and every error pickles.
"""

from __future__ import annotations

from collections.abc import Sequence


__all__ = [
    "IncidentKitError",
    "InvalidTransition",
    "MilestoneOrderError",
    "RemotePayloadError",
    "RoleConflict",
    "ValidationError",
]


class IncidentKitError(Exception):
    """
    Base class of every error incidentkit raises.

    Catch this to handle any incidentkit failure at once.
    """


class ValidationError(IncidentKitError, ValueError):
    """
    A value is invalid: the message names the field, the expectation and the value.

    When several problems are found at once (structuring a whole document), *errors*
    lists one line per problem, each starting with its JSON path.

    Attributes:
        field: The field (or JSON path) that is wrong, if there is exactly one.
        expected: What was expected, in words.
        got: The value received.
        errors: One line per problem.

    Example:
        >>> from incidentkit.errors import ValidationError
        >>> err = ValidationError.for_field("at", "a timezone-aware datetime", "2024")
        >>> str(err)
        "'at' must be a timezone-aware datetime (got '2024')"
        >>> err.field
        'at'
    """

    field: str | None
    expected: str | None
    got: object
    errors: tuple[str, ...]

    def __init__(
        self,
        message: str,
        *,
        field: str | None = None,
        expected: str | None = None,
        got: object = None,
        errors: Sequence[str] = (),
    ) -> None:
        super().__init__(message)
        self.field = field
        self.expected = expected
        self.got = got
        self.errors = tuple(errors) if errors else (message,)

    @classmethod
    def for_field(cls, field: str, expected: str, got: object) -> ValidationError:
        """
        Build the standard message ``'field' must be <expected> (got <value>)``.

        Args:
            field: The name of the offending field.
            expected: What the field must be, in words.
            got: The value received.

        Returns:
            A `ValidationError` with its attributes set.
        """
        return cls(
            f"{field!r} must be {expected} (got {got!r})",
            field=field,
            expected=expected,
            got=got,
        )

    def __reduce__(self) -> tuple[object, ...]:
        return (
            _rebuild,
            (
                type(self),
                self.args,
                {
                    "field": self.field,
                    "expected": self.expected,
                    "got": self.got,
                    "errors": self.errors,
                },
            ),
        )


class MilestoneOrderError(ValidationError):
    """
    Two milestones of an incident are in an impossible order.

    Attributes:
        earlier: The milestone that must come first (for example ``"detected_at"``).
        later: The milestone that must not come before it.
        earlier_value: The value of *earlier*.
        later_value: The value of *later*.
    """

    earlier: str
    later: str
    earlier_value: object
    later_value: object

    def __init__(
        self, earlier: str, earlier_value: object, later: str, later_value: object
    ) -> None:
        super().__init__(
            f"{later!r} must not be before {earlier!r} "
            f"(got {later}={_iso(later_value)}, {earlier}={_iso(earlier_value)})",
            field=later,
            expected=f"a time at or after {earlier}",
            got=later_value,
        )
        self.earlier = earlier
        self.later = later
        self.earlier_value = earlier_value
        self.later_value = later_value

    def __reduce__(self) -> tuple[object, ...]:
        return (
            type(self),
            (self.earlier, self.earlier_value, self.later, self.later_value),
        )


class RoleConflict(ValidationError):
    """
    A role cannot be assigned because somebody already holds it.

    Attributes:
        role: The name of the role.
        holder: Who holds it (or held it, for an overlap in the past).
        wanted: Who was to take it.
        until: When *holder*'s tenure ends, for an overlap in the past;
            ``None`` when *holder* holds the role now.
    """

    role: str
    holder: str
    wanted: str
    until: object

    def __init__(
        self, role: str, holder: str, wanted: str, *, until: object = None
    ) -> None:
        if until is None:
            message = (
                f"role {role!r} is held by {holder!r}; hand it off to {wanted!r} "
                "with hand_off() instead of assigning it twice"
            )
        else:
            message = (
                f"role {role!r} was held by {holder!r} until {_iso(until)}; "
                f"{wanted!r} cannot take it before then"
            )
        super().__init__(
            message, field="role", expected="a role nobody holds", got=role
        )
        self.role = role
        self.holder = holder
        self.wanted = wanted
        self.until = until

    def __reduce__(self) -> tuple[object, ...]:
        return (
            _rebuild_role_conflict,
            (self.role, self.holder, self.wanted, self.until),
        )


class InvalidTransition(IncidentKitError, ValueError):
    """
    A lifecycle move is not allowed from the incident's current status.

    Attributes:
        status: The current status (its value, for example ``"resolved"``).
        move: The attempted move.
        allowed: The moves allowed from *status*.
        subject: What made the move, such as ``"a postmortem"``.

    Example:
        >>> from incidentkit.errors import InvalidTransition
        >>> print(InvalidTransition("closed", "resolve", ()))
        cannot resolve an incident that is closed (allowed: nothing, it is final)
    """

    status: str
    move: str
    allowed: tuple[str, ...]
    subject: str

    def __init__(
        self,
        status: str,
        move: str,
        allowed: Sequence[str],
        subject: str = "an incident",
    ) -> None:
        allowed_text = ", ".join(allowed) if allowed else "nothing, it is final"
        super().__init__(
            f"cannot {move} {subject} that is {status} (allowed: {allowed_text})"
        )
        self.status = status
        self.move = move
        self.allowed = tuple(allowed)
        self.subject = subject

    def __reduce__(self) -> tuple[object, ...]:
        return (type(self), (self.status, self.move, self.allowed, self.subject))


class RemotePayloadError(IncidentKitError, ValueError):
    """
    A payload from a remote system (a vendor export or webhook) cannot be read.

    Importers repair what they can and report it as findings; this error is for a
    payload with nothing usable in it (not JSON, or not the format at all).

    Attributes:
        source: The format or system, for example ``"statuspage"``.
        path: Where in the payload the problem is (a JSON path), if known.
    """

    source: str
    path: str | None

    def __init__(self, message: str, *, source: str, path: str | None = None) -> None:
        where = f" at {path}" if path else ""
        super().__init__(f"{source} payload{where}: {message}")
        self.source = source
        self.path = path
        self.detail = message

    def __reduce__(self) -> tuple[object, ...]:
        return (
            _rebuild_remote,
            (type(self), self.detail, self.source, self.path),
        )


def _rebuild(
    cls: type[ValidationError], args: tuple[object, ...], attrs: dict[str, object]
) -> ValidationError:
    err = cls.__new__(cls)
    Exception.__init__(err, *args)
    for key, value in attrs.items():
        setattr(err, key, value)
    return err


def _rebuild_role_conflict(
    role: str, holder: str, wanted: str, until: object
) -> RoleConflict:
    return RoleConflict(role, holder, wanted, until=until)


def _rebuild_remote(
    cls: type[RemotePayloadError], detail: str, source: str, path: str | None
) -> RemotePayloadError:
    return cls(detail, source=source, path=path)


def _iso(value: object) -> str:
    isoformat = getattr(value, "isoformat", None)
    return str(isoformat()) if callable(isoformat) else repr(value)
