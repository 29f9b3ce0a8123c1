"""The README's tour is code users paste: it must run and print what it says."""

import contextlib
import io
import re
from pathlib import Path


README = Path(__file__).parents[1] / "README.md"


def test_the_tour_runs_and_prints_what_its_comments_say():
    text = README.read_text(encoding="utf-8")
    code = re.search(r"```python\n(.*?)```", text, re.DOTALL)
    assert code is not None
    out = io.StringIO()

    with contextlib.redirect_stdout(out):
        exec(compile(code.group(1), "README.md", "exec"), {})  # noqa: S102

    assert [
        "monitoring 0:41:00",
        "['no-communications-lead']",
    ] == out.getvalue().splitlines()
