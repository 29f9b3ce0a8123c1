"""What every benchmark script shares: one timing, one verdict line, one profile."""

from __future__ import annotations

import cProfile
import gc
import pstats
import sys
import time
from collections.abc import Callable


def timed(fn: Callable[[], object]) -> float:
    """Return the wall time of one call of *fn*, in seconds, with the GC off."""
    gc.collect()
    gc.disable()
    try:
        start = time.perf_counter()
        fn()
        return time.perf_counter() - start
    finally:
        gc.enable()


def verdict(label: str, ratio: float, target: float) -> str:
    """The closing line; a missed target is said loudly, never an exit status."""
    line = f"{label} = {ratio:.2f}x (target <= {target:g}x)"
    return line if ratio <= target else f"{line}  MISSED"


def profile(label: str, fn: Callable[[], object], top: int) -> None:
    """Print *fn*'s cProfile, the *top* functions by their own time."""
    profiler = cProfile.Profile()
    profiler.runcall(fn)
    print(f"\n--- cProfile: {label}, by own time ---")
    stats = pstats.Stats(profiler, stream=sys.stdout)
    stats.strip_dirs().sort_stats("tottime").print_stats(top)
