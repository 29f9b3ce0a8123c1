"""
SVG, written by hand as text: the fishbone drawing.

The layout is a grid, so boxes cannot overlap whatever the text: categories
take turns above and below the spine, one column each; a column stacks its
category label and its factors (sub-factors indented); every label is wrapped
to the width of its box (long words broken), in a monospaced font so the width
of a line is known without measuring text.  Bones run from each category
label to the spine, ribs from each factor to its bone.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterator
from typing import Final

import attrs

from incidentkit._rca import Category, Fishbone

from ._escape import plain, xml


__all__ = ["Box", "fishbone_layout", "fishbone_svg"]

FONT_SIZE: Final = 12
CHAR_WIDTH: Final = 7.2
"""Width of one character of the 12 px monospaced font (0.6 em)."""
LINE_HEIGHT: Final = 16
PAD: Final = 6
BOX_WIDTH: Final = 200
INDENT: Final = 16
GAP: Final = 8
SLANT: Final = 40
COLUMN_PITCH: Final = BOX_WIDTH + SLANT + 48
MARGIN: Final = 20
HEAD_WIDTH: Final = 220
MAX_INDENT: Final = 5


@attrs.frozen
class Box:
    """
    One labelled box of the drawing, with its wrapped lines.

    Attributes:
        x: Left edge.
        y: Top edge.
        width: Width.
        height: Height.
        lines: The label, wrapped to fit the width.
        kind: ``"head"``, ``"category"``, ``"factor"`` or ``"likely"``.
        title: The whole label, shown as a tooltip.
        depth: How deep a factor is (0 for the category's own factors).
    """

    x: float = attrs.field(converter=float)
    y: float = attrs.field(converter=float)
    width: float = attrs.field(converter=float)
    height: float = attrs.field(converter=float)
    lines: tuple[str, ...]
    kind: str
    title: str
    depth: int = 0

    @property
    def right(self) -> float:
        """The right edge."""
        return self.x + self.width

    @property
    def bottom(self) -> float:
        """The bottom edge."""
        return self.y + self.height


def _wrap(value: str, width: float) -> tuple[str, ...]:
    columns = max(1, int((width - 2 * PAD) // CHAR_WIDTH))
    return tuple(
        textwrap.wrap(
            plain(value) or " ",
            columns,
            break_long_words=True,
            break_on_hyphens=True,
        )
    ) or (" ",)


def _box(value: str, x: float, width: float, kind: str, depth: int = 0) -> Box:
    lines = _wrap(value, width)
    height = len(lines) * LINE_HEIGHT + 2 * PAD
    return Box(x, 0, width, height, lines, kind, plain(value), depth)


def _factors(category: Category, x: float) -> Iterator[Box]:
    for depth, factor in category.outline():
        indent = min(depth, MAX_INDENT) * INDENT
        mark = "★ " if factor.likely else ""
        kind = "likely" if factor.likely else "factor"
        yield _box(mark + factor.text, x + indent, BOX_WIDTH - indent, kind, depth)


def _stack(boxes: list[Box], top: float) -> list[Box]:
    placed = []
    y = top
    for box in boxes:
        placed.append(attrs.evolve(box, y=y))
        y += box.height + GAP
    return placed


@attrs.frozen
class _Layout:
    width: float
    height: float
    spine_y: float
    head: Box
    columns: tuple[tuple[Box, tuple[Box, ...], bool], ...]
    """Each column: its category label, its factor boxes, whether it is above."""


def _layout(diagram: Fishbone) -> _Layout:
    columns: list[tuple[Box, list[Box], bool]] = []
    for index, category in enumerate(diagram.categories):
        x = MARGIN + (index // 2) * COLUMN_PITCH
        label = _box(category.name, x, BOX_WIDTH, "category")
        factors = list(_factors(category, x))
        columns.append((label, factors, index % 2 == 0))

    def extent(label: Box, factors: list[Box]) -> float:
        return sum(b.height + GAP for b in [label, *factors])

    above = max((extent(b, f) for b, f, up in columns if up), default=0.0)
    below = max((extent(b, f) for b, f, up in columns if not up), default=0.0)
    count = (len(columns) + 1) // 2
    head_x = MARGIN + count * COLUMN_PITCH
    head = _box(diagram.problem, head_x, HEAD_WIDTH, "head")
    spine_y = MARGIN + max(above + GAP, head.height / 2 + GAP)
    placed: list[tuple[Box, tuple[Box, ...], bool]] = []
    for label, factors, up in columns:
        if up:
            stacked = _stack([label, *factors], MARGIN)
        else:
            stacked = _stack([*factors, label], spine_y + 2 * GAP)
            stacked = [stacked[-1], *stacked[:-1]]
        placed.append((stacked[0], tuple(stacked[1:]), up))
    head = attrs.evolve(head, y=spine_y - head.height / 2)
    height = max(spine_y + 2 * GAP + below, head.bottom) + MARGIN
    return _Layout(head.right + MARGIN, height, spine_y, head, tuple(placed))


def fishbone_layout(diagram: Fishbone) -> tuple[Box, ...]:
    """
    Return the boxes `fishbone_svg` draws: the head, then each column's boxes.

    Args:
        diagram: The fishbone.

    Returns:
        Every box, with its position, size and wrapped lines.

    Example:
        >>> from incidentkit.rca import Fishbone
        >>> from incidentkit.render import fishbone_layout
        >>> boxes = fishbone_layout(Fishbone(problem="Site down"))
        >>> [b.kind for b in boxes][:3]
        ['head', 'category', 'category']
    """
    layout = _layout(diagram)
    boxes = [layout.head]
    for label, factors, _up in layout.columns:
        boxes.extend([label, *factors])
    return tuple(boxes)


def _fmt(value: float) -> str:
    return f"{value:.1f}".removesuffix(".0")


_STYLE: Final = {
    "head": 'fill="#fde2e2" stroke="#b42318" stroke-width="2"',
    "category": 'fill="#e8eefc" stroke="#2e4a8a" stroke-width="1.5"',
    "factor": 'fill="#ffffff" stroke="#667085" stroke-width="1"',
    "likely": 'fill="#fff4d6" stroke="#b54708" stroke-width="3"',
}


def _baseline(box: Box, line: int) -> float:
    return box.y + PAD + (line + 1) * LINE_HEIGHT - 4


def _draw_box(box: Box) -> list[str]:
    rect = (
        f'<rect x="{_fmt(box.x)}" y="{_fmt(box.y)}" width="{_fmt(box.width)}" '
        f'height="{_fmt(box.height)}" rx="4" {_STYLE[box.kind]}/>'
    )
    out = [f'<g class="ik-{box.kind}"><title>{xml(box.title)}</title>', rect]
    weight = ' font-weight="bold"' if box.kind in {"head", "category"} else ""
    out.extend(
        f'<text x="{_fmt(box.x + PAD)}" y="{_fmt(_baseline(box, n))}" '
        f'fill="#101828"{weight}>'
        f"{xml(line)}</text>"
        for n, line in enumerate(box.lines)
    )
    out.append("</g>")
    return out


def _line(x1: float, y1: float, x2: float, y2: float, kind: str) -> str:
    return (
        f'<line class="ik-{kind}" x1="{_fmt(x1)}" y1="{_fmt(y1)}" '
        f'x2="{_fmt(x2)}" y2="{_fmt(y2)}"/>'
    )


def fishbone_svg(diagram: Fishbone) -> str:
    """
    Draw *diagram* as a standalone SVG document.

    The problem sits at the head on the right, at the end of the spine;
    categories are bones above and below it, factors are ribs on their bone
    (sub-factors indented), likely factors are drawn with a thick orange
    border and a ★.  Labels wrap inside their boxes and never overlap, with
    dozens of factors or very long words; every text is XML-escaped, and each
    box carries its full label as a tooltip.  No third-party library is used.

    Args:
        diagram: The fishbone.

    Returns:
        The SVG text.

    Example:
        >>> from incidentkit.rca import Fishbone
        >>> from incidentkit.render import fishbone_svg
        >>> svg = fishbone_svg(Fishbone(problem="<script>alert(1)</script>"))
        >>> svg.startswith("<svg") and "<script>" not in svg
        True
    """
    layout = _layout(diagram)
    spine = layout.spine_y
    width, height = _fmt(layout.width), _fmt(layout.height)
    root = (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}" '
        f'font-family="monospace" font-size="{FONT_SIZE}" role="img">'
    )
    out = [
        root,
        f"<title>Fishbone: {xml(diagram.problem)}</title>",
        '<g stroke="currentColor" stroke-width="1.5" fill="none" opacity="0.8">',
        _line(MARGIN / 2, spine, layout.head.x, spine, "spine"),
    ]
    for label, factors, up in layout.columns:
        bone_top = label.bottom if up else label.y
        start_x = label.right + GAP
        end_x = start_x + SLANT
        out.append(_line(start_x, bone_top, end_x, spine, "bone"))
        span = spine - bone_top
        for box in factors:
            middle = box.y + box.height / 2
            share = (middle - bone_top) / span if span else 0.0
            out.append(_line(box.right, middle, start_x + share * SLANT, middle, "rib"))
    out.append("</g>")
    out.extend(_draw_box(layout.head))
    for label, factors, _up in layout.columns:
        out.extend(_draw_box(label))
        for box in factors:
            out.extend(_draw_box(box))
    out.append("</svg>")
    return "\n".join(out) + "\n"
