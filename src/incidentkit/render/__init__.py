"""
Pictures and documents of incidentkit values, drawn at the edge.

The core draws nothing.  This package holds:

* `html`: any public result (an incident, a timeline, findings, a
  classification, signal decisions, a cadence audit, metrics, a postmortem,
  a root-cause analysis) as the HTML fragment a notebook shows;
* `markdown`: a postmortem, a Five Whys, a Fishbone or a timeline as Markdown;
* `fishbone_text`, `fishbone_mermaid`, `fishbone_svg` (and `fishbone_layout`,
  the boxes it draws): a fishbone as a plain-text tree, a Mermaid flowchart and
  a hand-written SVG drawing;
* `state_diagram`: the incident lifecycle as Mermaid, from its transition table;
* `distribution_svg` (the duration distribution per severity, an empirical CDF
  on a log time axis with the median and p90 marked) and `trend_svg` (the
  median per period with its confidence band, and the incident count as bars):
  hand-written SVG charts, no plotting library needed.

All user text is escaped for the output it goes into.  One private module per
output: ``_html`` (with ``_html_base`` and ``_html_analysis``), ``_markdown``,
``_mermaid``, ``_svg``, ``_charts``, ``_text``, and ``_escape`` for the escaping
they share (``_page`` is the report page's frame).

Example:
    >>> from incidentkit.render import state_diagram
    >>> print(state_diagram().splitlines()[1])
        [*] --> investigating: declare
"""

from __future__ import annotations

from ._charts import distribution_svg, trend_svg
from ._html import html
from ._markdown import markdown
from ._mermaid import fishbone_mermaid, state_diagram
from ._svg import Box, fishbone_layout, fishbone_svg
from ._text import fishbone_text


__all__ = [
    "Box",
    "distribution_svg",
    "fishbone_layout",
    "fishbone_mermaid",
    "fishbone_svg",
    "fishbone_text",
    "html",
    "markdown",
    "state_diagram",
    "trend_svg",
]
