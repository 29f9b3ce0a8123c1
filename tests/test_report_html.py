"""``incidentkit report --format html`` and ``-o``: one self-contained page."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from incidentkit import Incident, serialization
from incidentkit._report import as_html, build
from incidentkit.cli import main


T0 = dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc)
VOID = {"meta", "br", "hr", "img", "input", "link", "col", "wbr", "source"}
HOSTILE = '<img src=x onerror="alert(1)">&amp;<b>'


class Page(HTMLParser):
    """Checks that every element is closed in order; keeps headings and cells."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str, str | None]] = []
        self.headings: list[tuple[str, str]] = []
        self.rows: list[list[str]] = []
        self.items: list[str] = []
        self.text: list[str] = []
        self._buffer: list[str] | None = None
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attrs += [(tag, k, v) for k, v in attrs]
        if tag == "tr":
            self.rows.append([])
        if tag in {"h1", "h2", "td", "th", "li"}:
            self._buffer = []
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attrs += [(tag, k, v) for k, v in attrs]

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.problems.append(f"</{tag}> closes {self.stack[-1:]}")
            return
        self.stack.pop()
        if self._buffer is not None and tag in {"h1", "h2", "td", "th", "li"}:
            text = "".join(self._buffer)
            if tag in {"h1", "h2"}:
                self.headings.append((tag, text))
            elif tag == "li":
                self.items.append(text)
            elif self.rows:
                self.rows[-1].append(text)
            self._buffer = None

    def handle_data(self, data: str) -> None:
        # The page wraps user text in bidirectional isolates (U+2068 ... U+2069).
        data = data.replace("\u2068", "").replace("\u2069", "")
        self.text.append(data)
        if self._buffer is not None:
            self._buffer.append(data)


def parsed(text: str) -> Page:
    page = Page()
    page.feed(text)
    page.close()
    assert page.problems == []
    assert page.stack == []  # everything opened was closed
    return page


@pytest.fixture(scope="module")
def github_page(tmp_path_factory: pytest.TempPathFactory) -> str:
    out = tmp_path_factory.mktemp("page") / "report.html"
    assert main(["report", "--format", "html", "-o", str(out)]) == 0
    return out.read_text(encoding="utf-8")


def test_the_page_is_well_formed_and_self_contained(github_page: str) -> None:
    assert github_page.startswith("<!doctype html>\n")
    page = parsed(github_page)
    assert page.tags[:4] == ["html", "head", "meta", "meta"]
    assert ("meta", "charset", "utf-8") in page.attrs
    assert "color-scheme: light dark" in github_page
    assert "@media (prefers-color-scheme: dark)" in github_page
    assert "<script" not in github_page.lower()
    assert not {"script", "link", "img", "iframe", "object", "embed"} & set(page.tags)
    references = [(t, k, v) for t, k, v in page.attrs if k in {"src", "href"}]
    assert references == []
    assert not re.search(r"url\(|@import|javascript:", github_page)
    # The only address is the SVG namespace, which is a name, never fetched.
    addresses = set(re.findall(r"https?://[^\s\"'<>]+", github_page))
    assert addresses == {"http://www.w3.org/2000/svg"}
    assert not [v for _, k, v in page.attrs if k.startswith("on")]


def test_the_page_has_the_table_reports_sections_and_figures(github_page: str) -> None:
    page = parsed(github_page)
    assert page.headings == [
        ("h1", "Incident metrics"),
        ("h2", "time to restore by severity"),
        ("h2", "Response tiers (time to restore)"),
        ("h2", "Recurrence"),
        ("h2", "Trend (quarter)"),
        ("h2", "Data quality"),
    ]
    # The figures tests/test_report.py checks against its own computation.
    assert page.rows == [
        ["group", "n", "median", "95% CI", "p90", "geo mean", "mean", "not used"],
        ["P1", "2", "30m", "16m-44m", "41m", "27m", "30m", "-"],
        ["P2", "56", "1h11m", "49m-1h30m", "5h7m", "1h9m", "2h", "143 zero"],
        [
            "P3",
            "372",
            "1h5m",
            "58m-1h13m",
            "3h45m",
            "1h5m",
            "1h49m",
            "16 missing, 693 zero",
        ],
        [
            "all",
            "430",
            "1h5m",
            "58m-1h13m",
            "3h55m",
            "1h6m",
            "1h50m",
            "16 missing, 836 zero",
        ],
    ]
    text = "".join(page.text)
    assert (
        "1282 incidents from the GitHub status history, 2010-02-07 to 2023-10-06"
        in text
    )
    assert "by severity: P1 2, P2 199, P3 1081; still open: 0" in text
    assert "under 1h (top performers): 203 (47%)" in page.items
    assert "1h to 8h (average): 219 (51%)" in page.items
    assert "8h or more (no clear process): 8 (2%)" in page.items
    assert "Git Operations: 448 incidents, 419 recurrences" in page.items
    assert '<li class="sub">\u2068Git Operations\u2069: 448 incidents' in github_page
    assert "2023-Q2 (n 26) vs 2023-Q3 (n 48): not distinguishable" in page.items
    assert "statuspage-backfilled (warning): 839 findings" in page.items


def test_the_charts_sit_in_their_sections(github_page: str) -> None:
    assert github_page.count("<svg ") == 2
    table, distribution = (
        github_page.index("</table>"),
        github_page.index('class="distribution"'),
    )
    tiers = github_page.index("<h2>Response tiers")
    trend, chart = github_page.index("<h2>Trend"), github_page.index('class="trend"')
    assert table < distribution < tiers < trend < chart
    assert github_page.index("<h2>Data quality") > chart
    # The distribution's legend: the table's n, median and p90 per severity.
    for line in (
        "P1: n 2, median 30m, p90 41m",
        "P2: n 56, median 1h11m, p90 5h7m",
        "P3: n 372, median 1h5m, p90 3h45m",
    ):
        assert f">{line}</text>" in github_page
    # One bar per quarter from 2010-Q1 to 2023-Q4.
    assert github_page.count('class="bar"') == 14 * 4
    # The trend's two quarters, all of whose incidents have a duration.
    assert ">2023-Q2: 26 incidents</title>" in github_page
    assert ">2023-Q3: 48 incidents</title>" in github_page
    assert ">2023-Q2: median " in github_page


def write_history(path: Path) -> None:
    incidents = []
    for i in range(6):
        at = T0 + dt.timedelta(days=10 * i)
        inc = Incident.declare(
            f"{HOSTILE} {i}",
            severity=["P1", "P2", "P3"][i % 3],
            declared_by="ana",
            at=at,
            started_at=at - dt.timedelta(minutes=5),
            service=HOSTILE,
            category="</li></ul><script>",
        )
        incidents.append(inc.mitigate(at=at + dt.timedelta(minutes=20 + i), how="x"))
    serialization.write_jsonl(incidents, path)


def test_hostile_names_are_escaped(tmp_path: Path) -> None:
    history = tmp_path / "<i>history&.jsonl"
    write_history(history)
    out = tmp_path / "report.html"
    assert main(["report", str(history), "--format", "html", "-o", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    page = parsed(text)
    assert "<script" not in text and "<img" not in text and "<i>" not in text
    assert not {"script", "img", "i", "b"} & set(page.tags)
    assert "&lt;i&gt;history&amp;.jsonl" in text
    key = f"{HOSTILE} / </li></ul><script>: 6 incidents"
    assert [i for i in page.items if i.startswith(key)] != []
    assert "6 incidents from " in "".join(page.text)
    # User text is isolated, so right-to-left names cannot pull the counts in.
    assert "\u2069: 6 incidents, 0 recurrences" in text
    assert "6 incidents from \u2068" in text


def test_a_report_built_without_chart_data_says_so() -> None:
    report = build([], [], source="nothing", fields={})
    page = parsed(as_html(report))
    assert "No chart: the report was built without its data." in "".join(page.text)
    assert ("h2", "Data quality") in page.headings


def test_chart_data_is_only_in_the_html_report(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["report", "--format", "json"]) == 0
    assert "charts" not in json.loads(capsys.readouterr().out)


@pytest.mark.parametrize(
    ("fmt", "start"),
    [
        ("table", "1282 incidents from the GitHub status history"),
        ("json", "{\n"),
        ("markdown", "# Incident metrics\n"),
        ("html", "<!doctype html>\n"),
    ],
)
def test_output_writes_every_format_to_a_file(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, fmt: str, start: str
) -> None:
    out = tmp_path / f"report.{fmt}"
    assert main(["report", "--format", fmt, "--output", str(out)]) == 0
    assert capsys.readouterr() == ("", "")
    text = out.read_text(encoding="utf-8")
    assert text.startswith(start) and text.endswith("\n")
    assert main(["report", "--format", fmt]) == 0
    assert capsys.readouterr().out == text  # the same report as on stdout


@pytest.mark.parametrize("where", ["missing/report.html", "."])
def test_an_unwritable_output_exits_2_with_one_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, where: str
) -> None:
    target = tmp_path / where
    code = main(["report", "--format", "html", "-o", str(target)])
    out, err = capsys.readouterr()
    assert (code, out) == (2, "")
    assert err.startswith(f"incidentkit: error: {target}: ")
    assert err.count("\n") == 1
    assert "No such file or directory" in err or "Is a directory" in err


@pytest.mark.skipif(
    os.name != "posix" or os.geteuid() == 0, reason="root writes anywhere"
)
def test_a_read_only_directory(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:  # pragma: no cover - CI runs as root
    tmp_path.chmod(0o500)
    try:
        code = main(["report", "-o", str(tmp_path / "r.txt")])
    finally:
        tmp_path.chmod(0o700)
    assert code == 2 and "Permission denied" in capsys.readouterr().err
