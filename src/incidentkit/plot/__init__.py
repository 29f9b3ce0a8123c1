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
the axes it drew on; none calls ``show()``.  Without ``ax`` it makes a new
figure with ``matplotlib.pyplot.figure()``, as pandas and seaborn do, so a
notebook shows it below the cell.  Save it with ``ax.figure.savefig("plot.png")``;
in a script or a loop, free it with ``matplotlib.pyplot.close(ax.figure)``, or
pass ``ax=`` to draw on a figure of your own.

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
