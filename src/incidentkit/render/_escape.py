"""Escaping user text for each output: Markdown, Mermaid, SVG, HTML, plain text."""

from __future__ import annotations

import re
from typing import Final


__all__ = [
    "breakable",
    "html_attribute",
    "html_text",
    "markdown_cell",
    "markdown_inline",
    "mermaid_label",
    "plain",
    "xml",
]

# C0 controls (but tab and newline), DEL, lone surrogates, and the XML non-characters.
_CONTROL: Final[re.Pattern[str]] = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]"
)
_SPACE: Final[re.Pattern[str]] = re.compile(r"\s+")

_MARKDOWN: Final[dict[int, str]] = str.maketrans(
    {
        "\\": "\\\\",
        "`": "\\`",
        "*": "\\*",
        "_": "\\_",
        "[": "\\[",
        "]": "\\]",
        "#": "\\#",
        "|": "\\|",
        "~": "\\~",
        "!": "\\!",
        "&": "&amp;",
        "<": "&lt;",
        ">": "&gt;",
    }
)
# Text that would start a block (a list item, a setext heading) at a line start.
_BLOCK_START: Final[re.Pattern[str]] = re.compile(r"^(\d+)([.)])|^([-+=])")

_MERMAID: Final[dict[int, str]] = str.maketrans(
    {
        "#": "#35;",
        "&": "#amp;",
        '"': "#quot;",
        "<": "#lt;",
        ">": "#gt;",
        "`": "#96;",
        "|": "#124;",
        "{": "#123;",
        "}": "#125;",
        "[": "#91;",
        "]": "#93;",
        ";": "#59;",
    }
)
_XML: Final[dict[int, str]] = str.maketrans(
    {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}
)


def plain(value: str) -> str:
    """One line of printable text: controls dropped, white space collapsed."""
    return _SPACE.sub(" ", _CONTROL.sub("", value)).strip()


def markdown_inline(value: str) -> str:
    """
    User text as literal Markdown inline text, on one line.

    Every character Markdown or HTML would interpret is escaped, so text
    cannot open a link, an emphasis, a code span, raw HTML or a new block.
    """
    text = plain(value).translate(_MARKDOWN)
    return _BLOCK_START.sub(
        lambda m: f"{m[1]}\\{m[2]}" if m[1] else f"\\{m[3]}", text, count=1
    )


def markdown_cell(value: str) -> str:
    """User text for a Markdown table cell (pipes escaped; never empty)."""
    return markdown_inline(value) or " "


def mermaid_label(value: str) -> str:
    """User text for a double-quoted Mermaid label, with entity codes."""
    return plain(value).translate(_MERMAID)


def xml(value: str) -> str:
    """User text for XML (SVG) content or an attribute value."""
    return plain(value).translate(_XML)


LONG_WORD: Final = 24
"""A run of this many characters without a space gets break points."""
WORD_PIECE: Final = 16
"""The longest piece of such a run between two break points."""
_LONG: Final[re.Pattern[str]] = re.compile(rf"\S{{{LONG_WORD},}}")
_AFTER: Final = frozenset("-:./_,;=&?)]}|\\")


def _pieces(word: str) -> list[str]:
    """*word* cut after its punctuation, and every `WORD_PIECE` characters between."""
    pieces: list[str] = []
    start = 0
    for at, char in enumerate(word):
        if char in _AFTER or at + 1 - start == WORD_PIECE:
            pieces.append(word[start : at + 1])
            start = at + 1
    if start < len(word):
        pieces.append(word[start:])
    return pieces


def breakable(value: str) -> str:
    """
    *value* escaped like `xml`, with ``<wbr>`` break points in very long words.

    A word of `LONG_WORD` characters or more (a URL, a timestamp, a hash, a
    hostile "AAAA...") may break after its punctuation (``-``, ``:``, ``.``,
    ``/``...) and at the latest every `WORD_PIECE` characters, so it wraps inside
    its table cell instead of widening the table, timestamps break between
    their fields, and short words never break.
    """
    text = plain(value)
    out: list[str] = []
    at = 0
    for match in _LONG.finditer(text):
        out.append(text[at : match.start()].translate(_XML))
        out.append("<wbr>".join(p.translate(_XML) for p in _pieces(match.group())))
        at = match.end()
    out.append(text[at:].translate(_XML))
    return "".join(out)


def html_text(value: str) -> str:
    """
    User text for HTML content, isolated for bidirectional text.

    Escaped like `xml` (so it cannot open a tag or an entity), with break
    points in very long words (`breakable`), and wrapped in ``<bdi>`` so
    right-to-left text cannot reorder what is around it.
    """
    return f"<bdi>{breakable(value)}</bdi>"


def html_attribute(value: str) -> str:
    """User text for a double- or single-quoted HTML attribute value."""
    return xml(value)
