"""
Shape errors: a JSON value of the wrong kind, found while reading a document.

Raised by the structuring hooks of every package, reported by
`incidentkit.serialization` with the value's JSON path, never seen by callers on
their own.
"""

from __future__ import annotations

from .errors import IncidentKitError


__all__ = ["ShapeError", "shape"]


class ShapeError(IncidentKitError, ValueError):
    """A value of the wrong JSON shape: reported with its path, then discarded."""

    def __init__(
        self, message: str, *, expected: str | None = None, got: object = None
    ) -> None:
        super().__init__(message)
        self.expected = expected
        self.got = got


def shape(expected: str, got: object) -> ShapeError:
    """Return the error for *got* where *expected* belongs (the value abridged)."""
    text = repr(got)
    if len(text) > 80:  # noqa: PLR2004 - a message, not a dump of the document
        text = f"{text[:60]}... ({len(text)} characters)"
    return ShapeError(f"expected {expected} (got {text})", expected=expected, got=got)
