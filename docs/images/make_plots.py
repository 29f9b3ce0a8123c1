"""
Draw the PNG pictures of docs/plots.md.

Run once from the repository root after changing incidentkit.plot:
``PYTHONPATH=src python docs/images/make_plots.py``.  The pictures are not
compared byte for byte in the tests (PNG output changes with the matplotlib
and FreeType versions); tests/test_plot.py checks what each plot draws.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

from incidentkit import Audience, Incident, Role, datasets, metrics, plot


HERE = Path(__file__).parent


def checkout_incident() -> Incident:
    """The incident of docs/plots.md's timeline example."""
    t0 = datetime(2024, 6, 3, 9, 0, tzinfo=timezone.utc)
    inc = Incident.declare(
        "Checkout down",
        severity="P1",
        declared_by="ana",
        at=t0 + timedelta(minutes=12),
        detected_at=t0 + timedelta(minutes=9),
        started_at=t0,
        id="inc-42",
    )
    inc = inc.acknowledge(at=t0 + timedelta(minutes=14), by="ana")
    inc = inc.assign(Role.OPERATIONS_LEAD, "raj", at=t0 + timedelta(minutes=15))
    inc = inc.assign(Role.COMMUNICATIONS_LEAD, "kim", at=t0 + timedelta(minutes=20))
    for minutes in (18, 38, 58):
        inc = inc.post_update(
            Audience.PUBLIC, "We are investigating", at=t0 + timedelta(minutes=minutes)
        )
    inc = inc.hand_off(Role.INCIDENT_COMMANDER, "lee", at=t0 + timedelta(minutes=45))
    inc = inc.mitigate(at=t0 + timedelta(minutes=62), how="rolled back", by="raj")
    return inc.resolve(at=t0 + timedelta(minutes=95))


def main() -> None:
    incidents, _ = datasets.github_status()
    ax = plot.durations(incidents)
    ax.figure.set_size_inches(8, 4.5)
    ax.figure.savefig(HERE / "plot-durations.png", dpi=100)

    by_quarter = metrics.summarize(incidents, by="quarter")
    year = {y: [i for i in incidents if i.declared_at.year == y] for y in (2022, 2023)}
    comparison = metrics.compare_periods(year[2022], year[2023])
    ax = plot.trend(by_quarter, comparison=comparison)
    ax.figure.set_size_inches(10, 4.5)
    ax.figure.savefig(HERE / "plot-trend.png", dpi=100)

    ax = plot.incident_timeline(checkout_incident())
    ax.figure.set_size_inches(10, 3.8)
    ax.figure.savefig(HERE / "plot-timeline.png", dpi=100)


if __name__ == "__main__":
    main()
