"""
The HTML report in a real browser: headless Debian chromium, driven by Playwright.

Run by ``nox -s browser``, which generates the page with ``incidentkit report
--format html -o PAGE`` and passes its path in ``INCIDENTKIT_PAGE``; without it
the page is generated here the same way.  ``CHROMIUM`` names the browser
(``/usr/bin/chromium``).  The screenshots are read with zlib and struct alone.
"""

from __future__ import annotations

import os
import shutil
import struct
import subprocess
import sys
import zlib
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import sync_playwright


CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
HEADINGS = [
    "time to restore by severity",
    "Response tiers (time to restore)",
    "Recurrence",
    "Trend (quarter)",
    "Data quality",
]
Pixel = tuple[int, ...]


@pytest.fixture(scope="module")
def page_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    given = os.environ.get("INCIDENTKIT_PAGE")
    if given:
        return Path(given)
    out = tmp_path_factory.mktemp("page") / "report.html"
    script = shutil.which("incidentkit")
    command = [script] if script else [sys.executable, "-m", "incidentkit"]
    subprocess.run(  # noqa: S603 - our own command, a temporary path
        [*command, "report", "--format", "html", "-o", str(out)], check=True
    )
    return out


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install chromium")
    root = hasattr(os, "geteuid") and os.geteuid() == 0
    with sync_playwright() as driver:
        chromium = driver.chromium.launch(
            executable_path=str(CHROMIUM),
            headless=True,
            args=["--no-sandbox"] if root else [],
        )
        yield chromium
        chromium.close()


def opened(browser: Any, page_path: Path, scheme: str) -> tuple[Any, list[str]]:
    """The page in *scheme*, and every problem seen while loading it."""
    page = browser.new_page(
        color_scheme=scheme, viewport={"width": 1000, "height": 800}
    )
    problems: list[str] = []
    page.on(
        "console",
        lambda m: (
            problems.append(f"console {m.type}: {m.text}")
            if m.type in {"error", "warning"}
            else None
        ),
    )
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    url = page_path.resolve().as_uri()
    page.on(
        "request",
        lambda r: None if r.url == url else problems.append(f"request: {r.url}"),
    )
    page.goto(url, wait_until="load")
    return page, problems


def pixels(png: bytes) -> list[Pixel]:
    """The pixels of an 8-bit RGB or RGBA PNG, as tuples."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    at, idat, header = 8, b"", b""
    while at < len(png):
        (length,) = struct.unpack(">I", png[at : at + 4])
        kind, data = png[at + 4 : at + 8], png[at + 8 : at + 8 + length]
        if kind == b"IHDR":
            header = data
        elif kind == b"IDAT":
            idat += data
        at += 12 + length
    width, height, depth, colour = struct.unpack(">IIBB", header[:10])
    assert depth == 8 and colour in {2, 6}, (depth, colour)
    size = 3 if colour == 2 else 4
    raw = zlib.decompress(idat)
    stride = width * size
    previous = bytearray(stride)
    out: list[Pixel] = []
    for y in range(height):
        start = y * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1 : start + 1 + stride])
        for i in range(stride):
            left = line[i - size] if i >= size else 0
            up = previous[i]
            if kind == 1:
                line[i] = (line[i] + left) & 0xFF
            elif kind == 2:
                line[i] = (line[i] + up) & 0xFF
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 0xFF
            elif kind == 4:
                corner = previous[i - size] if i >= size else 0
                guess = left + up - corner
                pa, pb, pc = abs(guess - left), abs(guess - up), abs(guess - corner)
                best = left if pa <= pb and pa <= pc else up if pb <= pc else corner
                line[i] = (line[i] + best) & 0xFF
        out += [tuple(line[x : x + 3]) for x in range(0, stride, size)]
        previous = line
    return out


def luminance(pixel: Pixel) -> float:
    r, g, b = pixel[:3]
    return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255


def near(pixels: list[Pixel], colour: str, tolerance: int = 40) -> bool:
    want = tuple(int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return any(
        sum(abs(a - b) for a, b in zip(p, want, strict=True)) <= tolerance
        for p in pixels
    )


def test_the_page_renders_its_headings_numbers_and_charts(
    browser: Any, page_path: Path
) -> None:
    page, problems = opened(browser, page_path, "light")
    assert page.inner_text("h1") == "Incident metrics"
    assert page.locator("h2").all_inner_texts() == HEADINGS
    cells = page.locator("tbody tr").nth(1).locator("th, td").all_inner_texts()
    assert cells == ["P2", "56", "1h11m", "49m-1h30m", "5h7m", "1h9m", "2h", "143 zero"]
    body = page.inner_text("body")
    assert "under 1h (top performers): 203 (47%)" in body
    assert "2023-Q2 (n 26) vs 2023-Q3 (n 48): not distinguishable" in body
    charts = page.locator("figure svg")
    assert charts.count() == 2
    for i in range(2):
        box = charts.nth(i).evaluate(
            "e => { const r = e.getBoundingClientRect(); return [r.width, r.height]; }"
        )
        assert box[0] > 300 and box[1] > 100, box
    assert page.locator("figure.distribution path.ecdf").count() == 3
    assert page.locator("figure.trend rect.bar").count() == 56
    assert problems == []
    page.close()


def test_the_screenshot_is_a_drawing_in_the_severity_colours(
    browser: Any, page_path: Path
) -> None:
    page, problems = opened(browser, page_path, "light")
    chart = pixels(page.locator("figure.distribution svg").screenshot())
    counts = Counter(chart)
    background, most = counts.most_common(1)[0]
    assert luminance(background) > 0.9  # a light page
    assert len(counts) > 20 and most < 0.95 * len(chart)
    for colour in ("#d62728", "#ff7f0e", "#1f77b4"):
        assert near(chart, colour), colour
    whole = page.screenshot(full_page=True)
    width, height = struct.unpack(">II", whole[16:24])
    assert (width, height) >= (1000, 2000)  # the whole report, laid out
    assert problems == []
    page.close()


def test_the_dark_scheme_has_light_text_on_a_dark_background(
    browser: Any, page_path: Path
) -> None:
    page, problems = opened(browser, page_path, "dark")
    colours = page.evaluate(
        "() => [getComputedStyle(document.documentElement).backgroundColor,"
        " getComputedStyle(document.body).color,"
        " getComputedStyle(document.querySelector('figure svg text')).fill]"
    )
    background, text, chart_text = colours
    assert text != background
    assert chart_text == text  # the charts' currentColor follows the page
    shot = pixels(page.locator("h1").screenshot())
    counts = Counter(shot)
    ground = counts.most_common(1)[0][0]
    assert luminance(ground) < 0.2
    assert max(luminance(p) for p in counts) > 0.8
    chart = Counter(pixels(page.locator("figure.trend svg").screenshot()))
    assert luminance(chart.most_common(1)[0][0]) < 0.2
    assert max(luminance(p) for p in chart) > 0.7
    assert problems == []
    page.close()
