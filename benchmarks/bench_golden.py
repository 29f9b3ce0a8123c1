"""
Feeding GoldenSignals: one request at a time, in batches, and pre-aggregated.

Run: ``python benchmarks/bench_golden.py [--n 1000000]`` (or ``nox -s bench``).

Data: *n* requests over ten minutes, log-normal latencies in seconds (as in
``bench_signals.py``, clipped to 1 ms - 60 s), 0.5 % explicit failures and
0.1 % wrong content, built before timing.  Reported, single-threaded (one
core), best of ``--runs``, GC off:

* ``observe`` one request at a time (on the first ``--n-single`` requests:
  it is the slow path being replaced);
* ``observe_many`` on all *n*: target at least 500,000 requests per second;
* ``observe_counts`` with what a pipeline scraping every 5 seconds receives:
  per interval, the four counts and a histogram of Prometheus' default
  buckets (5 ms ... 10 s), or a ``LatencySketch``.  Requests represented per
  second, target at least ten times the ``observe_many`` target (5,000,000/s).

The last line divides each rate by its target and prints the smaller ratio.
"""

from __future__ import annotations

import argparse
import bisect
import datetime as dt
import gc
import random
import time
from collections.abc import Callable

from incidentkit.signals import GoldenSignals, LatencySketch, Request


T0 = dt.datetime(2024, 6, 1, 12, 0, tzinfo=dt.timezone.utc)
SPAN = dt.timedelta(minutes=10)
SCRAPE = dt.timedelta(seconds=5)
BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 60.0)
"""Prometheus client default buckets, with 60 s for the clipped tail (no +Inf)."""
TARGET_MANY = 500_000.0
TARGET_COUNTS = 10 * TARGET_MANY


def best_of(runs: int, fn: Callable[[], object]) -> float:
    best = float("inf")
    for _ in range(runs):
        gc.collect()
        gc.disable()
        try:
            start = time.perf_counter()
            fn()
            best = min(best, time.perf_counter() - start)
        finally:
            gc.enable()
    return best


def requests(n: int, seed: int) -> list[Request]:
    rng = random.Random(seed)
    step = SPAN / n
    out = []
    for i in range(n):
        latency = min(60.0, max(0.001, rng.lognormvariate(-2.5, 1.3)))
        roll = rng.random()
        out.append(
            Request(
                T0 + i * step,
                dt.timedelta(seconds=latency),
                ok=roll >= 0.005,
                correct=not 0.005 <= roll < 0.006,
            )
        )
    return out


def aggregate(
    batch: list[Request], promise: float
) -> tuple[dict[str, float], dict[float, float], dict[float, float], LatencySketch]:
    """What a pipeline would send for one scrape interval."""
    counts = dict.fromkeys(("good", "explicit", "implicit", "policy"), 0.0)
    ok: dict[float, float] = dict.fromkeys(BUCKETS, 0.0)
    failed: dict[float, float] = dict.fromkeys(BUCKETS, 0.0)
    sketch = LatencySketch()
    for r in batch:
        seconds = r.latency.total_seconds()
        bound = BUCKETS[bisect.bisect_left(BUCKETS, seconds)]
        if not r.ok:
            counts["explicit"] += 1
            failed[bound] += 1
            continue
        ok[bound] += 1
        sketch.add(seconds)
        if not r.correct:
            counts["implicit"] += 1
        elif seconds > promise:
            counts["policy"] += 1
        else:
            counts["good"] += 1
    return counts, ok, failed, sketch


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=1_000_000, help="requests")
    parser.add_argument(
        "--n-single", type=int, default=100_000, help="requests for observe"
    )
    parser.add_argument("--runs", type=int, default=3, help="repeats (best is kept)")
    args = parser.parse_args()
    print(f"building {args.n:,} requests over {SPAN} ...")
    data = requests(args.n, 20240601)
    single = data[: args.n_single]
    promise = GoldenSignals().latency_slo.total_seconds()

    intervals: dict[int, list[Request]] = {}
    for r in data:
        intervals.setdefault((r.at - T0) // SCRAPE, []).append(r)
    scraped = [
        (T0 + key * SCRAPE + SCRAPE, aggregate(batch, promise))
        for key, batch in sorted(intervals.items())
    ]

    def one_by_one() -> None:
        gs = GoldenSignals()
        for r in single:
            gs.observe(r)

    def many() -> None:
        GoldenSignals().observe_many(data)

    def histograms() -> None:
        gs = GoldenSignals()
        for at, (counts, ok, failed, _) in scraped:
            gs.observe_counts(at, latencies=ok, failed_latencies=failed, **counts)

    def sketches() -> None:
        gs = GoldenSignals()
        for at, (counts, _, failed, sketch) in scraped:
            gs.observe_counts(at, latencies=sketch, failed_latencies=failed, **counts)

    rates = {
        "observe (one by one)": args.n_single / best_of(args.runs, one_by_one),
        "observe_many": args.n / best_of(args.runs, many),
        "observe_counts (histograms)": args.n / best_of(args.runs, histograms),
        "observe_counts (sketches)": args.n / best_of(args.runs, sketches),
    }
    base = rates["observe (one by one)"]
    print(
        f"{len(scraped)} scrapes of {SCRAPE.seconds} s, best of {args.runs}, one core"
    )
    print(f"{'path':<30}{'requests/s':>14}{'vs observe':>12}{'target/s':>14}")
    targets = {
        "observe_many": TARGET_MANY,
        "observe_counts (histograms)": TARGET_COUNTS,
        "observe_counts (sketches)": TARGET_COUNTS,
    }
    for name, rate in rates.items():
        target = targets.get(name)
        target_text = f">={target:,.0f}" if target else "-"
        print(f"{name:<30}{rate:>14,.0f}{rate / base:>11.1f}x{target_text:>14}")
    ratio = min(rates[name] / target for name, target in targets.items())
    line = f"golden signals input rate / target = {ratio:.2f}x (target >= 1x)"
    print(line if ratio >= 1 else f"{line}  MISSED")


if __name__ == "__main__":
    main()
