"""
A self-contained HTML page: the document around a body, with its stylesheet.

The page loads nothing and runs nothing: no script, no font, no image file,
no link.  ``color-scheme: light dark`` and a ``prefers-color-scheme`` rule
follow the reader's light or dark preference; charts draw their text in
``currentColor``, so they follow it too.
"""

from __future__ import annotations

from typing import Final

from ._escape import xml


__all__ = ["CSS", "page"]

CSS: Final = """\
:root {
  color-scheme: light dark;
  --fg: #1d2433; --bg: #ffffff; --muted: #5b6475; --rule: #d5d9e0;
  --head: #f2f4f7;
}
@media (prefers-color-scheme: dark) {
  :root {
    --fg: #e6e9ef; --bg: #15181e; --muted: #a3abb9; --rule: #3a404c;
    --head: #222731;
  }
}
html { background: var(--bg); color: var(--fg); }
body {
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif;
  max-width: 60rem; margin: 2rem auto; padding: 0 1rem;
}
h1 { font-size: 1.6rem; margin-bottom: 0.5rem; }
h2 {
  font-size: 1.15rem; margin-top: 2rem;
  border-bottom: 1px solid var(--rule); padding-bottom: 0.2rem;
}
p.lead { margin: 0.1rem 0; }
p.note, figcaption { color: var(--muted); }
table { border-collapse: collapse; margin: 0.5rem 0; }
th, td { padding: 0.25rem 0.6rem; border-bottom: 1px solid var(--rule); }
th { background: var(--head); text-align: left; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
ul { padding-left: 1.3rem; }
li.sub { list-style: none; margin-left: 1rem; color: var(--muted); }
figure { margin: 1rem 0; }
figure svg { max-width: 100%; height: auto; color: var(--fg); }
code { font-size: 0.92em; }
"""


def page(title: str, body: str) -> str:
    """
    A whole HTML document around *body* (markup, already escaped).

    Args:
        title: The document's title (plain text: escaped here).
        body: The markup of the body.

    Returns:
        The page, starting ``<!doctype html>``.
    """
    return (
        "<!doctype html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="color-scheme" content="light dark">\n'
        f"<title>{xml(title)}</title>\n<style>\n{CSS}</style>\n</head>\n"
        f"<body>\n{body}</body>\n</html>\n"
    )
