"""
Plots of incidents, metrics and signal decisions, drawn with matplotlib.

Install the extra first: ``pip install 'incidentkit[plot]'``.  Importing this
module does not import matplotlib; each function does, and raises an
``ImportError`` naming the extra when it is missing.

* `durations`: how long a span took, an ECDF per severity (or any group) on a
  log axis, with medians and 90th percentiles from `incidentkit.metrics`.
* `trend`: a span's median period by period with its confidence band, the
  counts as bars, and a comparison's verdict.
* `incident_timeline`: one incident, Gantt-style: milestones, role tenures,
  status updates, the time to detect and to restore.
* `decisions`: one golden signal's decisions over time: values, thresholds,
  state changes.

Every function takes ``ax=``, the matplotlib ``Axes`` to draw on, and returns
the axes it drew on.  Without ``ax`` it makes a new ``matplotlib.figure.Figure``
directly, not through ``pyplot``: no global figure is created, nothing is
shown, and the figure is freed with its axes.  Save it with
``ax.figure.savefig("plot.png")``; in a notebook, show it by leaving
``ax.figure`` as a cell's last expression.

Example:
    >>> from incidentkit import datasets, plot
    >>> incidents, _ = datasets.github_status()
    >>> ax = plot.durations(incidents, by=None)
    >>> [t.get_text() for t in ax.get_legend().get_texts()]
    ['all (n 430): median 1h4m40s, p90 3h55m13s']
"""

from __future__ import annotations

from ._decisions import decisions
from ._durations import durations
from ._timeline import incident_timeline
from ._trend import trend


__all__ = ["decisions", "durations", "incident_timeline", "trend"]
