"""
Appending events one by one: the cost per append must not grow with the history.

Run: ``python benchmarks/bench_append.py [--n 10000]`` (or ``nox -s bench``).

An incident is declared, then *n* events are appended one at a time, as a chat
bot or a scribe would: notes, status updates and severity changes in turn (a
note and an update only add to the timeline; a severity change also changes a
field the incident's invariants check).  Each append is timed alone
(``perf_counter_ns``, GC off); the median of the 100 appends after the history
reaches 100, 1,000 and *n* events is reported, for each kind.  Appending copies
the event tuple (a C-speed copy) and checks only the new event, so the time per
append stays nearly flat.  Target: the append at *n* events costs at most twice
the append at 100.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import statistics
import time
from collections.abc import Callable

from _harness import verdict

from incidentkit import Audience, Incident, Severity


TARGET = 2.0
T0 = dt.datetime(2024, 6, 1, 14, 0, tzinfo=dt.timezone.utc)
STEP = dt.timedelta(seconds=1)


def _note(inc: Incident, i: int) -> Incident:
    return inc.note(f"observation {i}", at=T0 + i * STEP, by="scribe")


def _update(inc: Incident, i: int) -> Incident:
    return inc.post_update(Audience.INTERNAL, f"update {i}", at=T0 + i * STEP)


def _severity(inc: Incident, i: int) -> Incident:
    level = Severity.P1 if inc.severity is Severity.P2 else Severity.P2
    return inc.change_severity(level, at=T0 + i * STEP)


KINDS: dict[str, Callable[[Incident, int], Incident]] = {
    "note": _note,
    "status update": _update,
    "severity change": _severity,
}


def measure(n: int) -> dict[str, dict[int, float]]:
    """Median microseconds per append of each kind, at 100, 1,000 and *n* events."""
    marks = sorted({100, 1000, n})
    inc = Incident.declare(
        "Long incident", severity=Severity.P2, at=T0, declared_by="ana"
    )
    timings: dict[str, dict[int, list[int]]] = {
        k: {m: [] for m in marks} for k in KINDS
    }
    kinds = list(KINDS.items())
    gc.disable()
    try:
        i = 0
        while len(inc.timeline) < n + 100:
            i += 1
            name, append = kinds[i % len(kinds)]
            size = len(inc.timeline)
            start = time.perf_counter_ns()
            inc = append(inc, i)
            elapsed = time.perf_counter_ns() - start
            for mark in marks:
                if mark <= size < mark + 100:
                    timings[name][mark].append(elapsed)
    finally:
        gc.enable()
    return {
        name: {m: statistics.median(v) / 1000 for m, v in by_mark.items()}
        for name, by_mark in timings.items()
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=10_000, help="history length")
    args = parser.parse_args()
    results = measure(args.n)
    marks = sorted({100, 1000, args.n})
    print(f"appending one event at a time, up to {args.n:,} events (median us/append)")
    print(
        "kind             " + "".join(f"{f'at {m:,}':>12}" for m in marks) + "   ratio"
    )
    worst = 0.0
    for name, by_mark in results.items():
        ratio = by_mark[args.n] / by_mark[100]
        worst = max(worst, ratio)
        cells = "".join(f"{by_mark[m]:12.1f}" for m in marks)
        print(f"{name:<17}{cells}   {ratio:.2f}x")
    print(verdict(f"append at {args.n:,} events / at 100 (worst kind)", worst, TARGET))


if __name__ == "__main__":
    main()
