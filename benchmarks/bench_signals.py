"""
Latency quantile tracking: incidentkit's LatencySketch against ddsketch and numpy.

Run: ``python benchmarks/bench_signals.py [--n 1000000]`` (or ``nox -s bench``).

Data: log-normal latencies in seconds, clipped to 1 ms - 60 s.  Reported:

* per-item ``add`` throughput against ``ddsketch.DDSketch(relative_accuracy=0.01)``;
* ``add_many`` (pure Python, from a list) against the per-item path, and the
  vectorised numpy path against the per-item path;
* relative error at p50/p90/p99/p99.9 against exact percentiles of rank
  ``floor(q * (n - 1))`` computed by numpy;
* the sketch's memory (tracemalloc, after building it).
"""

from __future__ import annotations

import argparse
import gc
import random
import time
import tracemalloc
from collections.abc import Callable

import numpy as np
from ddsketch import DDSketch

from incidentkit.signals import LatencySketch


QUANTILES = (0.5, 0.9, 0.99, 0.999)
ACCURACY = 0.01
TARGET_ADD = 1.5
TARGET_MANY = 2.0
MEMORY_LIMIT = 32 * 1024


def best_of(runs: int, fn: Callable[[], object]) -> float:
    best = float("inf")
    for _ in range(runs):
        gc.collect()
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def timings(values: list[float], array: np.ndarray, runs: int) -> dict[str, float]:
    def dd_add() -> None:
        sketch = DDSketch(relative_accuracy=ACCURACY)
        add = sketch.add
        for v in values:
            add(v)

    def ik_add() -> None:
        sketch = LatencySketch(relative_accuracy=ACCURACY)
        add = sketch.add
        for v in values:
            add(v)

    def ik_many() -> None:
        LatencySketch(relative_accuracy=ACCURACY).add_many(values)

    def ik_numpy() -> None:
        LatencySketch(relative_accuracy=ACCURACY).add_many(array)

    return {
        "dd": best_of(runs, dd_add),
        "add": best_of(runs, ik_add),
        "many": best_of(runs, ik_many),
        "numpy": best_of(runs, ik_numpy),
    }


def traced(build: Callable[[], object]) -> tuple[object, int]:
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    built = build()
    used = tracemalloc.get_traced_memory()[0] - before
    tracemalloc.stop()
    return built, used


def build_ours(values: list[float]) -> LatencySketch:
    sketch = LatencySketch(relative_accuracy=ACCURACY)
    for v in values:
        sketch.add(v)
    return sketch


def build_theirs(values: list[float]) -> DDSketch:
    sketch = DDSketch(relative_accuracy=ACCURACY)
    for v in values:
        sketch.add(v)
    return sketch


def print_speed(t: dict[str, float], n: int) -> bool:
    print(f"{'path':<34}{'Mitems/s':>10}{'ratio':>10}{'target':>10}")
    rows = [
        ("ddsketch DDSketch.add", t["dd"], None, None),
        ("LatencySketch.add vs ddsketch", t["add"], t["dd"] / t["add"], TARGET_ADD),
        ("add_many(list) vs add", t["many"], t["add"] / t["many"], TARGET_MANY),
        ("add_many(ndarray) vs add", t["numpy"], t["add"] / t["numpy"], None),
    ]
    met = True
    for name, seconds, ratio, target in rows:
        ratio_text = f"{ratio:.2f}x" if ratio is not None else "-"
        target_text = f">={target:.1f}x" if target is not None else "-"
        if ratio is not None and target is not None:
            met = met and ratio >= target
        print(f"{name:<34}{n / seconds / 1e6:>10.2f}{ratio_text:>10}{target_text:>10}")
    return met


def print_accuracy(array: np.ndarray, ours: LatencySketch, theirs: DDSketch) -> float:
    n = len(array)
    ordered = np.sort(array)
    print(f"{'quantile':<10}{'exact':>12}{'sketch':>12}{'rel.err':>10}{'ddsketch':>12}")
    worst = 0.0
    for q in QUANTILES:
        exact = float(ordered[int(q * (n - 1))])
        estimate = ours.quantile(q)
        if estimate is None:
            raise SystemExit("empty sketch")
        error = abs(estimate.value - exact) / exact
        worst = max(worst, error)
        print(
            f"p{q * 100:<9g}{exact:>12.6f}{estimate.value:>12.6f}"
            f"{error:>10.3%}{theirs.get_quantile_value(q):>12.6f}"
        )
    return worst


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=1_000_000, help="sample count")
    parser.add_argument("--runs", type=int, default=3, help="repeats (best is kept)")
    args = parser.parse_args()
    rng = random.Random(20240601)
    values = [
        min(60.0, max(0.001, rng.lognormvariate(-2.5, 1.3))) for _ in range(args.n)
    ]
    array = np.array(values)
    print(
        f"LatencySketch vs ddsketch at {ACCURACY:.0%}: n={args.n:,} log-normal "
        f"latencies (1 ms - 60 s), best of {args.runs}"
    )
    fast_enough = print_speed(timings(values, array, args.runs), args.n)
    ours, memory = traced(lambda: build_ours(values))
    theirs, their_memory = traced(lambda: build_theirs(values))
    assert isinstance(ours, LatencySketch)  # noqa: S101 - narrowing for mypy
    assert isinstance(theirs, DDSketch)  # noqa: S101
    print()
    worst = print_accuracy(array, ours, theirs)
    print()
    print(
        f"buckets: {len(ours.bins)}; memory {memory / 1024:.1f} KiB "
        f"(ddsketch {their_memory / 1024:.1f} KiB, limit {MEMORY_LIMIT // 1024} KiB); "
        f"worst error {worst:.3%} (limit {ACCURACY:.0%})"
    )
    met = fast_enough and worst <= ACCURACY and memory < MEMORY_LIMIT
    print("all targets met" if met else "some targets missed (see ratios above)")


if __name__ == "__main__":
    main()
