"""A small immutable, hashable mapping for fields of frozen values."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TypeVar


K = TypeVar("K")
V = TypeVar("V")


class FrozenMap(Mapping[K, V]):
    """
    An immutable mapping that hashes, pickles and compares equal to a `dict`.

    Example:
        >>> from incidentkit._frozen import FrozenMap
        >>> FrozenMap({"team": "payments"}) == {"team": "payments"}
        True
    """

    __slots__ = ("_data", "_hash")

    def __init__(self, data: Mapping[K, V] | None = None) -> None:
        self._data: dict[K, V] = dict(data or {})
        self._hash: int | None = None

    def __getitem__(self, key: K) -> V:
        return self._data[key]

    def __iter__(self) -> Iterator[K]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __hash__(self) -> int:
        if self._hash is None:
            self._hash = hash(frozenset(self._data.items()))
        return self._hash

    def __repr__(self) -> str:
        return repr(self._data)

    def __reduce__(self) -> tuple[type[FrozenMap[K, V]], tuple[dict[K, V]]]:
        return (type(self), (self._data,))


def freeze(value: Mapping[K, V] | None) -> FrozenMap[K, V]:
    """Return *value* as a `FrozenMap` (itself, when it is one already)."""
    if isinstance(value, FrozenMap):
        return value
    return FrozenMap(value)
