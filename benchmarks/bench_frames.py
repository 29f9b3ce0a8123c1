"""
Incidents to a pandas DataFrame: ``frames.to_dataframe`` against building it by hand.

Run: ``python benchmarks/bench_frames.py [--n 100000] [--runs 3]`` (or ``nox -s
bench``); ``--n 2000`` is a quick run.  Add ``--profile`` to print where
incidentkit's time goes (cProfile, sorted by own time).

Data: *n* `IncidentRecord` values (100,000 by default), seeded: severities about
10 % P1, 30 % P2, 60 % P3; log-normal phases (median 10 min to detect, 3 to
declare, 2 to acknowledge, 60 to restore and 60 more to resolve, sdlog 1.25),
a fifth with milliseconds; about 3 % still investigating, 2 % identified, 5 %
monitoring, 15 % resolved, the rest closed; 3 % with no known start, 10 %
never acknowledged, 1 % detected the instant impact began (a zero time to
detect: unmeasured); six services, five categories (one of them none); labels
``team`` and ``region`` on 60 %, ``customer`` on 5 %, none on the rest.

Both sides start from the same list of records and end with the same frame
(checked with ``pd.testing.assert_frame_equal``, outside the timing):

* incidentkit: ``frames.to_dataframe(records)``;
* by hand: the plain dicts a user writes from each record (``severity.value``,
  ``status.value``, the milestones, ``label.<key>`` entries), then
  ``pd.DataFrame.from_records(dicts)``, ``pd.to_datetime(..., utc=True)`` of each
  milestone column (as microseconds), each span as the difference of its two
  columns with the non-positive ones blanked (``where(d > 0)``), ``severity``
  ``astype(CategoricalDtype(["P1", "P2", "P3"], ordered=True))``, and the
  columns put in incidentkit's order.  Timed with the dicts built (the fair
  comparison, the target) and, for reference, with the dicts given for free.

Best of *runs*, interleaved, GC off.  Target: incidentkit/by hand <= 1.2x.
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import random
import sys
import time
from collections.abc import Callable
from typing import Any

import pandas as pd
from _harness import profile, timed, verdict

from incidentkit import Severity, frames
from incidentkit.incident import Status
from incidentkit.spans import MILESTONES, NAMED_SPANS, IncidentRecord


TARGET = 1.2
SEED = 20240601
SEVERITIES = (Severity.P1, Severity.P2, Severity.P3)
SEVERITY_WEIGHTS = (10, 30, 60)
SPEED = {Severity.P1: 0.6, Severity.P2: 1.0, Severity.P3: 1.5}
ENDINGS = (
    Status.INVESTIGATING,
    Status.IDENTIFIED,
    Status.MONITORING,
    Status.RESOLVED,
    Status.CLOSED,
)
ENDING_WEIGHTS = (3, 2, 5, 15, 75)
SERVICES = ("checkout", "search", "payments", "auth", "catalog", "notifications")
CATEGORIES = ("connection-leak", "bad-deploy", "capacity", "dependency", None)
WHAT = ("errors", "latency", "outage")
BASE = dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc)


def lognormal_minutes(rng: random.Random, median: float, scale: float) -> dt.timedelta:
    seconds = rng.lognormvariate(math.log(median * 60), 1.25) * scale
    whole = dt.timedelta(seconds=max(1, round(seconds)))
    if rng.random() < 0.2:  # some tools record milliseconds
        whole += dt.timedelta(milliseconds=rng.randrange(1, 1000))
    return whole


def record(rng: random.Random, index: int) -> IncidentRecord:
    severity = rng.choices(SEVERITIES, SEVERITY_WEIGHTS)[0]
    status = rng.choices(ENDINGS, ENDING_WEIGHTS)[0]
    scale = SPEED[severity]
    started = BASE + dt.timedelta(seconds=rng.randrange(0, 365 * 24 * 3600))
    detected = (
        started if rng.random() < 0.01 else started + lognormal_minutes(rng, 10, scale)
    )
    declared = detected + lognormal_minutes(rng, 3, 1.0)
    acknowledged = declared + lognormal_minutes(rng, 2, 1.0)
    mitigated = acknowledged + lognormal_minutes(rng, 60, scale)
    resolved = mitigated + lognormal_minutes(rng, 60, scale)
    closed = resolved + dt.timedelta(days=rng.randrange(1, 14))
    restored = status in {Status.MONITORING, Status.RESOLVED, Status.CLOSED}
    labels: dict[str, str] = {}
    if rng.random() < 0.6:
        labels["team"] = rng.choice(("payments", "core", "growth"))
        labels["region"] = rng.choice(("eu", "us", "ap"))
    if rng.random() < 0.05:
        labels["customer"] = f"cust-{rng.randrange(1000):03d}"
    service = rng.choice(SERVICES)
    return IncidentRecord(
        id=f"inc-{index:06d}",
        title=f"{service.title()} {rng.choice(WHAT)}",
        severity=severity,
        status=status,
        service=service,
        category=rng.choice(CATEGORIES),
        labels=labels,
        started_at=started if rng.random() >= 0.03 else None,
        detected_at=detected,
        declared_at=declared,
        acknowledged_at=acknowledged if rng.random() >= 0.1 else None,
        mitigated_at=mitigated if restored else None,
        resolved_at=resolved if status in {Status.RESOLVED, Status.CLOSED} else None,
        closed_at=closed if status is Status.CLOSED else None,
    )


def records(n: int) -> list[IncidentRecord]:
    rng = random.Random(SEED)
    return [record(rng, index) for index in range(n)]


# -- the two ways to the frame -------------------------------------------------------

SPANS = {f"time_to_{short}": (s.start, s.end) for short, s in NAMED_SPANS.items()}
SEVERITY_DTYPE = pd.CategoricalDtype(["P1", "P2", "P3"], ordered=True)


def user_dicts(items: list[IncidentRecord]) -> list[dict[str, Any]]:
    """The plain dicts a user writes from the records."""
    return [
        {
            "id": r.id,
            "title": r.title,
            "severity": r.severity.value,
            "status": r.status.value,
            "service": r.service,
            "category": r.category,
            "started_at": r.started_at,
            "detected_at": r.detected_at,
            "declared_at": r.declared_at,
            "acknowledged_at": r.acknowledged_at,
            "mitigated_at": r.mitigated_at,
            "resolved_at": r.resolved_at,
            "closed_at": r.closed_at,
            **{f"label.{key}": value for key, value in r.labels.items()},
        }
        for r in items
    ]


def frame_by_hand(dicts: list[dict[str, Any]]) -> pd.DataFrame:
    df = pd.DataFrame.from_records(dicts)
    for name in MILESTONES:
        df[name] = pd.to_datetime(df[name], utc=True).dt.as_unit("us")
    zero = pd.Timedelta(0)
    for name, (start, end) in SPANS.items():
        duration = df[end] - df[start]
        df[name] = duration.where(duration > zero)
    df["severity"] = df["severity"].astype(SEVERITY_DTYPE)
    labels = sorted(c for c in df.columns if c.startswith("label."))
    return df[[*frames.INCIDENT_COLUMNS, *labels]]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=100_000, help="incident count")
    parser.add_argument("--runs", type=int, default=3, help="repeats (best is kept)")
    parser.add_argument(
        "--profile", action="store_true", help="also cProfile incidentkit's side"
    )
    parser.add_argument("--top", type=int, default=30, help="rows of the profile")
    args = parser.parse_args()
    n, runs = max(10, args.n), max(1, args.runs)

    began = time.perf_counter()
    items = records(n)
    built = time.perf_counter() - began
    dicts = user_dicts(items)

    mine = frames.to_dataframe(items)
    pd.testing.assert_frame_equal(mine, frame_by_hand(user_dicts(items)))
    if len(mine) != n:
        sys.exit(f"{len(mine)} rows, not {n}")

    sides: dict[str, Callable[[], object]] = {
        "incidentkit": lambda: frames.to_dataframe(items),
        "by hand": lambda: frame_by_hand(user_dicts(items)),
        "by hand, dicts free": lambda: frame_by_hand(dicts),
    }
    best: dict[str, float] = {}
    for _ in range(runs):
        for name, fn in sides.items():
            best[name] = min(best.get(name, math.inf), timed(fn))

    print(
        f"frames: {n:,} IncidentRecord values to a DataFrame of {mine.shape[1]} "
        f"columns (records built in {built:.1f} s), pandas {pd.__version__}, "
        f"best of {runs}"
    )
    print(f"{'side':<22}{'s':>9}{'us/incident':>13}")
    for name, seconds in best.items():
        print(f"{name:<22}{seconds:>9.3f}{seconds / n * 1e6:>13.2f}")
    print("both frames are equal (pd.testing.assert_frame_equal)")
    ik = best["incidentkit"]
    free = best["by hand, dicts free"]
    print(f"reference: incidentkit/by hand with free dicts = {ik / free:.2f}x")
    print(verdict("frames: incidentkit/by hand", ik / best["by hand"], TARGET))
    if args.profile:
        profile("frames.to_dataframe", lambda: frames.to_dataframe(items), args.top)


if __name__ == "__main__":
    main()
