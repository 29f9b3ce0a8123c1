"""
``import incidentkit`` time against importing its dependencies alone.

Run: ``python benchmarks/bench_import.py [--runs 10] [--top 15]`` (or
``nox -s bench``).

Each measurement is the wall time of a fresh interpreter
(``[sys.executable, "-c", ...]``), so nothing is cached in ``sys.modules``:

* floor: ``pass`` (interpreter start-up and ``site``);
* baseline: ``import attrs, cattrs, dateutil`` (what incidentkit cannot avoid);
* incidentkit: ``import incidentkit``.

The three are interleaved, in a rotating order, after one warm-up round; the
median of *runs* is kept.  The children get a private, temporary bytecode cache
(``PYTHONPYCACHEPREFIX``, with ``PYTHONDONTWRITEBYTECODE`` removed), which the
warm-up fills: an installed package has its ``.pyc`` files, and a
``PYTHONDONTWRITEBYTECODE=1`` shell must not make an editable checkout pay for
compiling its sources on every run, while the dependencies do not.  Nothing is
written into the source tree or site-packages.  The ratio
is reported as measured and with the floor subtracted from both sides.

Then ``python -X importtime -c "import incidentkit"`` is compared with the
baseline's: the modules only incidentkit imports are listed by the time they add
(own time plus that of the other new modules below them; best of a few runs), to
show where to cut.  Target: at most 1.3 times the baseline.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass

from _harness import verdict


TARGET = 1.3
FLOOR = "pass"
BASELINE = "import attrs, cattrs, dateutil"
INCIDENTKIT = "import incidentkit"


def child_env(cache_dir: str) -> dict[str, str]:
    """The environment of the measured interpreters: bytecode cached in *cache_dir*."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = cache_dir
    return env


def wall_time(code: str, env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True, env=env)
    return time.perf_counter() - start


@dataclass
class Row:
    """One line of ``-X importtime`` output."""

    module: str
    depth: int
    own_us: int
    cumulative_us: int


def import_times(code: str, env: dict[str, str]) -> list[Row]:
    """Return the ``-X importtime`` rows of *code*, in the order Python prints them."""
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env=env,
    )
    rows = []
    for line in result.stderr.splitlines():
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        own, cumulative, name = line.removeprefix("import time:").split("|")
        depth = (len(name) - len(name.lstrip(" ")) - 1) // 2
        rows.append(Row(name.strip(), depth, int(own), int(cumulative)))
    return rows


def added_by(rows: list[Row], known: set[str]) -> dict[str, tuple[int, int, int]]:
    """
    Return, for each module not in *known*: (added us, own us, cumulative us).

    *Added* is the module's own time plus that of every module under it that is
    not in *known* either: what importing it costs beyond the baseline.
    ``-X importtime`` prints children before their parent, one level deeper.
    """
    pending: dict[int, int] = {}
    added: dict[str, tuple[int, int, int]] = {}
    for row in rows:
        below = pending.pop(row.depth + 1, 0)
        extra = below if row.module in known else row.own_us + below
        if row.module not in known:
            added[row.module] = (extra, row.own_us, row.cumulative_us)
        pending[row.depth] = pending.get(row.depth, 0) + extra
    return added


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=10, help="runs of each (median)")
    parser.add_argument("--top", type=int, default=15, help="modules to list")
    parser.add_argument(
        "--importtime-runs", type=int, default=5, help="-X importtime runs (best)"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-import-pyc-") as cache_dir:
        run(args, child_env(cache_dir))


def run(args: argparse.Namespace, env: dict[str, str]) -> None:
    codes = {"floor": FLOOR, "baseline": BASELINE, "incidentkit": INCIDENTKIT}
    for code in codes.values():
        wall_time(code, env)  # warm-up: page cache, bytecode caches
    samples: dict[str, list[float]] = {name: [] for name in codes}
    names = list(codes)
    for index in range(args.runs):
        shift = index % len(names)
        for name in names[shift:] + names[:shift]:
            samples[name].append(wall_time(codes[name], env))
    median = {name: statistics.median(s) for name, s in samples.items()}

    floor, base, ik = median["floor"], median["baseline"], median["incidentkit"]
    print(
        f"import time: median of {args.runs} fresh interpreters each "
        f"(Python {sys.version.split()[0]})"
    )
    print(f"{'command':<44}{'median ms':>10}{'min ms':>9}{'max ms':>9}{'- floor':>9}")
    for name, code in codes.items():
        runs = samples[name]
        print(
            f"python -c {code!r:<34}{median[name] * 1e3:>10.1f}"
            f"{min(runs) * 1e3:>9.1f}{max(runs) * 1e3:>9.1f}"
            f"{(median[name] - floor) * 1e3:>9.1f}"
        )
    net = (ik - floor) / (base - floor) if base > floor else float("inf")
    print(
        f"incidentkit/baseline: {ik / base:.2f}x as measured, "
        f"{net:.2f}x with interpreter start-up subtracted "
        f"(+{(ik - base) * 1e3:.1f} ms)"
    )

    known: set[str] = set()
    best: dict[str, tuple[int, int, int]] = {}
    for _ in range(max(1, args.importtime_runs)):
        known.update(row.module for row in import_times(BASELINE, env))
    for _ in range(max(1, args.importtime_runs)):
        for module, added in added_by(import_times(INCIDENTKIT, env), known).items():
            if module not in best or added[0] < best[module][0]:
                best[module] = added
    top = sorted(best.items(), key=lambda item: item[1][0], reverse=True)
    print()
    print(
        f"modules imported by incidentkit but not by the baseline "
        f"(-X importtime, best of {args.importtime_runs}; top {args.top} of {len(top)})"
    )
    print(f"{'module':<40}{'added us':>10}{'self us':>10}{'cumul. us':>11}")
    for module, (extra, own, cumulative) in top[: args.top]:
        print(f"{module:<40}{extra:>10}{own:>10}{cumulative:>11}")
    print("(added = own time plus the new modules it pulls in; not the baseline's)")
    print(verdict("import time: incidentkit/baseline", ik / base, TARGET))


if __name__ == "__main__":
    main()
