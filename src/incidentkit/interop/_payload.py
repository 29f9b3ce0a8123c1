"""
Reading a vendor payload into JSON values, for every importer.

A payload is a path (``.gz`` or not: gzip is recognised by its magic bytes), JSON
text, bytes, or JSON already parsed into a mapping.  Text holds one JSON document
or JSON Lines.  Whatever cannot be read raises `RemotePayloadError` naming what
was expected and what arrived (and the line, for JSON Lines).
"""

from __future__ import annotations

import gzip
import json
import os
import zlib
from collections.abc import Mapping
from pathlib import Path
from typing import Final

from incidentkit.errors import RemotePayloadError


__all__ = ["Document", "kind", "read_documents"]

Document = tuple[str, object]
"""A parsed document and its place: ``""`` for a whole payload, ``"line N"``."""

_GZIP_MAGIC: Final = b"\x1f\x8b"
_SHOWN: Final = 60
_KINDS: Final = {
    dict: "an object",
    list: "an array",
    str: "a string",
    bool: "a boolean",
    int: "a number",
    float: "a number",
    type(None): "null",
}


def kind(value: object) -> str:
    """Name the JSON type of *value* for a message: ``"an array"``, ``"null"``."""
    return _KINDS.get(type(value), type(value).__name__)


def read_documents(source: object, *, name: str) -> list[Document]:
    """
    Return the JSON documents in *source*, each with its place.

    Args:
        source: A path, JSON text (a ``str`` starting with ``{`` or ``[``), bytes,
            or a parsed mapping.
        name: The format, for error messages (``"statuspage"``).

    Returns:
        One document, or one per non-blank line of JSON Lines.

    Raises:
        RemotePayloadError: If nothing can be read.
    """
    if isinstance(source, Mapping):
        return [("", source)]
    if isinstance(source, os.PathLike):
        return _parse(_decode(_read(source, name), name), name)
    if isinstance(source, bytes):
        return _parse(_decode(source, name), name)
    if isinstance(source, str):
        stripped = source.lstrip("\ufeff \t\r\n")
        if stripped.startswith(("{", "[")):
            return _parse(stripped, name)
        if not stripped:
            raise RemotePayloadError(
                "expected JSON text or a path, got an empty string", source=name
            )
        return _parse(_decode(_read(source, name), name), name)
    raise RemotePayloadError(
        "expected a path, JSON text, bytes or a parsed JSON object, "
        f"got {type(source).__name__}",
        source=name,
    )


def _read(path: str | os.PathLike[str], name: str) -> bytes:
    try:
        shown = os.fspath(path)
    except TypeError:  # a PathLike whose __fspath__ returns neither str nor bytes
        shown = repr(path)
    shown = shown if len(shown) <= _SHOWN else shown[:_SHOWN] + "..."
    try:
        return Path(path).read_bytes()
    except (OSError, ValueError, TypeError) as exc:
        detail = getattr(exc, "strerror", None) or str(exc)
        raise RemotePayloadError(
            f"expected a readable file or JSON text, got {shown!r} ({detail})",
            source=name,
        ) from exc


def _decode(data: bytes, name: str) -> str:
    if data.startswith(_GZIP_MAGIC):
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError, zlib.error) as exc:
            raise RemotePayloadError(
                f"expected gzip-compressed JSON, got broken gzip ({exc})", source=name
            ) from exc
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise RemotePayloadError(
            f"expected UTF-8 JSON, got a byte that is not UTF-8 at offset {exc.start}",
            source=name,
        ) from exc


def _parse(text: str, name: str) -> list[Document]:
    try:
        return [("", json.loads(text))]
    except RecursionError:
        raise RemotePayloadError(
            "expected JSON, got nesting too deep to read", source=name
        ) from None
    except ValueError as exc:
        whole = exc
    lines = text.split("\n")
    first = next((line for line in lines if line.strip()), None)
    if first is None:
        raise RemotePayloadError("expected JSON, got only white space", source=name)
    if not isinstance(_try_json(first), dict):
        # Not JSON Lines either: report the error in the document as a whole.
        raise RemotePayloadError(
            f"expected JSON, got text that is not JSON ({_reason(whole)})",
            source=name,
        ) from whole
    documents: list[Document] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        place = f"line {number}"
        try:
            documents.append((place, json.loads(line)))
        except RecursionError:
            raise RemotePayloadError(
                "expected JSON, got nesting too deep to read", source=name, path=place
            ) from None
        except ValueError as exc:
            raise RemotePayloadError(
                "expected one JSON value per line (JSON Lines), got text that is "
                f"not JSON ({_reason(exc)})",
                source=name,
                path=place,
            ) from exc
    return documents


def _try_json(line: str) -> object:
    try:
        return json.loads(line)
    except (ValueError, RecursionError):
        return None


def _reason(exc: ValueError) -> str:
    if isinstance(exc, json.JSONDecodeError):
        return f"{exc.msg.removesuffix(' at')} at line {exc.lineno} column {exc.colno}"
    return str(exc)
