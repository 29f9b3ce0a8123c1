"""The README's examples are code users paste: they must run and print what they say."""

import contextlib
import io
import re
from pathlib import Path


README = Path(__file__).parents[1] / "README.md"


def run(code: str) -> list[str]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code, "README.md", "exec"), {})  # noqa: S102
    return out.getvalue().splitlines()


def blocks() -> list[str]:
    text = README.read_text(encoding="utf-8")
    return re.findall(r"```python\n(.*?)```", text, re.DOTALL)


def test_the_tour_runs_and_prints_what_its_comments_say():
    assert ["monitoring 0:41:00", "['no-communications-lead']"] == run(blocks()[0])


def test_the_ten_line_tour_has_at_most_ten_lines_of_code():
    code = [line for line in blocks()[0].splitlines() if line.strip()]
    assert len(code) <= 10, "\n".join(code)
    assert [line for line in code if len(line) > 88] == []


def test_the_signals_example_pages():
    assert ["True page"] == run(blocks()[1])
