"""
The pieces every HTML fragment is built from: the style, cards, tables, badges.

One look for every value: a ``<div class="ik">`` holding a scoped ``<style>``
(every class starts with ``ik-``) and the content.  Text and lines take the
host's colour (``currentColor``), backgrounds stay transparent, so a fragment
reads in a light or a dark notebook theme; only the severity and level badges
carry a colour, as a tint and a border.  No JavaScript, no event handlers.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from typing import Final

from incidentkit._time import format_duration
from incidentkit.findings import Finding, Level
from incidentkit.severity import Severity

from ._charts import SEVERITY_COLOURS
from ._escape import html_attribute, html_text


__all__ = [
    "ACCENTS",
    "STYLE",
    "badge",
    "card",
    "cut",
    "duration",
    "findings_table",
    "fragment",
    "items",
    "level_badge",
    "none",
    "pairs",
    "percent",
    "table",
    "user",
    "when",
]

ACCENTS: Final[dict[str, str]] = {
    **{level.lower(): colour for level, colour in SEVERITY_COLOURS.items()},
    "error": SEVERITY_COLOURS["P1"],
    "warning": SEVERITY_COLOURS["P2"],
    "info": SEVERITY_COLOURS["P3"],
}
"""The accent of each severity and finding level (the Tableau 10 red, orange, blue)."""

_LINE: Final = "color-mix(in srgb, currentColor 25%, transparent)"
_FAINT: Final = "color-mix(in srgb, currentColor 12%, transparent)"

STYLE: Final[str] = (
    "<style>"
    ".ik{color-scheme:light dark;color:inherit;background:transparent;"
    "font-family:inherit;font-size:0.95em;line-height:1.45;max-width:72em;"
    "overflow-wrap:break-word;text-align:left}"
    ".ik *{box-sizing:border-box}"
    f".ik-card{{border:1px solid {_LINE};border-radius:6px;"
    "padding:0.5em 0.8em;margin:0.3em 0;background:transparent}"
    ".ik-title{font-size:1.1em;font-weight:600;margin:0 0 0.2em}"
    ".ik-sub{font-weight:600;margin:0.6em 0 0.2em}"
    ".ik-meta{opacity:0.75;font-size:0.9em}"
    ".ik-lead{font-size:1.15em;font-weight:600;margin:0.2em 0}"
    ".ik-table{border-collapse:collapse;margin:0.2em 0;background:transparent}"
    f".ik-table th,.ik-table td{{border-bottom:1px solid {_FAINT};"
    "padding:0.15em 0.7em 0.15em 0;text-align:left;vertical-align:top;"
    "color:inherit;background:transparent}"
    # Headers keep their words whole; very long words in user text carry <wbr>
    # break points (render._escape.breakable), so no cell is squeezed to break
    # short words and no long word widens a table.
    ".ik-table th{font-weight:600;white-space:nowrap}"
    ".ik-num{font-variant-numeric:tabular-nums;white-space:nowrap}"
    ".ik-list{margin:0.2em 0;padding-left:1.4em}"
    f".ik-badge{{display:inline-block;border:1px solid {_LINE};"
    "border-radius:0.7em;padding:0 0.5em;font-size:0.85em;font-weight:600;"
    "white-space:nowrap}"
    ".ik-none{opacity:0.6;font-style:italic}"
    # A drawing fits the output width (scaled down, never up).
    ".ik-figure{overflow-x:auto;margin:0.3em 0}"
    ".ik-figure svg{max-width:100%;height:auto}"
    ".ik-code{font-family:ui-monospace,monospace;font-size:0.9em}"
    + "".join(
        f".ik-{name}{{border-color:{colour};"
        f"background:color-mix(in srgb, {colour} 18%, transparent)}}"
        f".ik-card.ik-{name}{{border-left:4px solid {colour};background:transparent}}"
        for name, colour in ACCENTS.items()
    )
    + "</style>"
)
"""The one style sheet, scoped to ``.ik`` and ``ik-`` classes."""


def fragment(*parts: str) -> str:
    """Wrap already-built HTML *parts* in the root ``div`` with the style."""
    return f'<div class="ik">{STYLE}{"".join(parts)}</div>'


def user(value: str) -> str:
    """User text: escaped, and isolated for right-to-left scripts."""
    return html_text(value)


def none(text: str = "none") -> str:
    """A placeholder for something absent (our own text, not user text)."""
    return f'<span class="ik-none">{text}</span>'


def when(at: dt.datetime | None, missing: str = "not reached") -> str:
    """An instant in UTC to the second, or the placeholder *missing*."""
    if at is None:
        return none(missing)
    return f'<span class="ik-num">{at:%Y-%m-%d %H:%M:%S}</span>'


_GAP: Final[re.Pattern[str]] = re.compile(r"(?<=h)(?=\d+s$)")


def duration(value: dt.timedelta | None, missing: str = "none") -> str:
    """
    A duration the compact way (``1h5m``), or a placeholder.

    Minutes are spelled out between hours and seconds (``2h0m14s``, never
    ``2h14s``, which reads as two hours fourteen at a glance).
    """
    if value is None:
        return none(missing)
    return f'<span class="ik-num">{_GAP.sub("0m", format_duration(value))}</span>'


_MOST_DIGITS: Final = 4


def percent(value: float | None, digits: int | None = 0) -> str:
    """
    A share as a percentage, or a placeholder.

    With ``digits=None`` as few decimals as keep a share that is neither 0 nor 1
    from reading as 0% or 100% (0.00231 is 0.2%, 0.99769 is 99.8%).
    """
    if value is None:
        return none()
    if digits is None:
        digits = 0
        while (
            digits < _MOST_DIGITS
            and value not in {0, 1}
            and round(value * 100, digits) in {0, 100}
        ):
            digits += 1
    return f'<span class="ik-num">{value:.{digits}%}</span>'


SHOWN_ROWS: Final = 60
"""A longer table shows its first and last thirty rows."""


def cut(rows: Sequence[Sequence[str]], noun: str) -> list[Sequence[str]]:
    """*rows*, or their first and last thirty around a row saying how many more."""
    if len(rows) <= SHOWN_ROWS:
        return list(rows)
    half = SHOWN_ROWS // 2
    gap = [f"&#8230; {len(rows) - 2 * half:,} more {noun}", *[""] * (len(rows[0]) - 1)]
    return [*rows[:half], gap, *rows[-half:]]


def badge(severity: Severity) -> str:
    """The severity as a tinted badge, with its label as the tooltip."""
    name = severity.value.lower()
    return (
        f'<span class="ik-badge ik-{name}" title="{html_attribute(severity.label)}">'
        f"{severity.value}</span>"
    )


def level_badge(level: Level) -> str:
    """A finding level as a tinted badge."""
    return f'<span class="ik-badge ik-{level.value}">{level.value}</span>'


def card(*parts: str, accent: str | None = None) -> str:
    """A bordered card; *accent* (``"p1"``, ``"error"``...) colours its left edge."""
    extra = f" ik-{accent}" if accent else ""
    return f'<div class="ik-card{extra}">{"".join(parts)}</div>'


def table(
    headers: Sequence[str], rows: Iterable[Sequence[str]], *, empty: str = "none"
) -> str:
    """A table of already-built cells, or *empty* as a placeholder."""
    body = "".join(
        "<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>" for row in rows
    )
    if not body:
        return f"<p>{none(empty)}</p>"
    head = "".join(f"<th>{h}</th>" for h in headers)
    return (
        f'<table class="ik-table"><thead><tr>{head}</tr></thead>'
        f"<tbody>{body}</tbody></table>"
    )


def pairs(rows: Iterable[tuple[str, str]]) -> str:
    """A two-column table of label and value, the labels as row headers."""
    body = "".join(f'<tr><th scope="row">{k}</th><td>{v}</td></tr>' for k, v in rows)
    return f'<table class="ik-table"><tbody>{body}</tbody></table>'


def items(values: Iterable[str], *, ordered: bool = False, empty: str = "none") -> str:
    """A list of already-built items, or *empty* as a placeholder."""
    tag = "ol" if ordered else "ul"
    body = "".join(f"<li>{v}</li>" for v in values)
    if not body:
        return f"<p>{none(empty)}</p>"
    return f'<{tag} class="ik-list">{body}</{tag}>'


def _finding_row(finding: Finding) -> list[str]:
    return [
        level_badge(finding.level),
        f'<span class="ik-code">{user(finding.code)}</span>',
        user(finding.subject) if finding.subject else "",
        user(finding.message),
    ]


def findings_table(found: tuple[Finding, ...], empty: str = "No findings.") -> str:
    """The findings as a table of level, code, subject and message."""
    return table(
        ["Level", "Code", "Subject", "Message"],
        (_finding_row(f) for f in found),
        empty=empty,
    )
