"""
Helpers for testing code that uses incidentkit.

Example:
    >>> from datetime import datetime, timedelta, timezone
    >>> from incidentkit.testing import FixedClock
    >>> clock = FixedClock(datetime(2024, 6, 1, 14, 0, tzinfo=timezone.utc))
    >>> clock.advance(timedelta(minutes=5)).isoformat()
    '2024-06-01T14:05:00+00:00'
"""

from __future__ import annotations

import datetime as dt

import attrs

from ._time import check_aware, to_utc


__all__ = ["FixedClock"]


@attrs.define
class FixedClock:
    """
    A `incidentkit.Clock` that only moves when told to.

    Attributes:
        current: The time `now()` returns (aware, normalised to UTC).
    """

    current: dt.datetime = attrs.field(converter=to_utc, validator=check_aware)

    def now(self) -> dt.datetime:
        """Return the fixed current time."""
        return self.current

    def advance(self, delta: dt.timedelta) -> dt.datetime:
        """
        Move the clock forward by *delta* and return the new time.

        Args:
            delta: How far to move; negative moves back.

        Returns:
            The new current time.
        """
        self.current = self.current + delta
        return self.current

    def set(self, when: dt.datetime) -> None:
        """
        Jump to *when*.

        Args:
            when: The new current time (aware).
        """
        self.current = when
