"""
Time to restore by severity from a JSON Lines file: incidentkit against pandas.

Run: ``python benchmarks/bench_metrics.py [--n 100000] [--runs 3]`` (or ``nox -s
bench``); ``--n 2000`` is a quick run.  Add ``--profile`` to print where
incidentkit's time goes (cProfile, sorted by own time).

Data: *n* incidents (100,000 by default), seeded, as the public API builds them
(`Incident.declare`, `acknowledge`, `assign`, `note`, `post_update`,
`record_mitigation`, `identify`, `mitigate`, `resolve`, `close`), 8 timeline
events each; severities about 10 % P1, 30 % P2, 60 % P3; log-normal phase
durations (median 10 min to detect, 60 min from acknowledgement to restore and
from restore to resolve, sdlog 1.25; P1 faster, P3 slower); about 5 % still
open, 5 % monitoring, 15 % resolved, the rest closed; 3 % with no known start;
six services, five categories.  The file is written by ``write_jsonl``.

For speed, each line is built from the JSON of a real incident of the same
shape (built with the API, with placeholder times and names) by substituting
the real values; a sample of lines is checked to be exactly what
``serialization.dumps`` writes for the same incident built with the API, and
the reference side (d) loads every line as a full `Incident`.

Measured, best of *runs* (interleaved, GC off while timing), each from the file
to medians and 90th percentiles of the time to restore (``started_at`` →
``mitigated_at``) by severity, leaving out the open incidents, those without a
start and non-positive durations:

* (a) incidentkit: ``serialization.iter_jsonl(path, IncidentRecord)``, then
  ``metrics.summarize(records, metrics.TIME_TO_RESTORE, by="severity")`` (which
  also computes the mean, geometric mean, p95 and a bootstrap interval);
* (b) pandas: ``pd.read_json(path, lines=True)``, ``pd.to_datetime`` of the two
  columns, ``dropna``, the positive filter, ``groupby("severity")`` median and
  ``quantile(0.9)``;
* (c) the floor: ``json.loads`` per line, ``datetime.fromisoformat``,
  ``statistics.median`` and ``statistics.quantiles(n=10, method="inclusive")``;
* (d) for reference: whole `Incident` values through ``iter_jsonl``, then the
  same summary as (a).

The growth compares (a) with (a) over the first tenth of the file, read ten
times in a row (a tenth of that time is one pass): both take about as long, so a
busy machine slows both alike.

Every side's answer is checked against the floor's, outside the timing: to the
microsecond, within 1 µs for pandas (its quantiles are float arithmetic).
Quantiles interpolate linearly between order statistics, as numpy and pandas do
by default.  Targets: incidentkit/pandas <= 1.0x, incidentkit/floor <= 2.5x, and
at most 11x the time for ten times the incidents.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import random
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, NamedTuple

import pandas as pd
from _harness import profile, timed, verdict

from incidentkit import Audience, Incident, Role, Severity, metrics, serialization
from incidentkit.spans import IncidentRecord, Milestoned


TARGET_PANDAS = 1.0
TARGET_FLOOR = 2.5
TARGET_GROWTH = 11.0
EVENTS = 8
SEED = 20240601
SAMPLE = 500
"""Lines checked to be exactly what ``dumps`` writes for API-built incidents."""


# -- realistic incidents -------------------------------------------------------------

PEOPLE = (
    "ana", "raj", "mei", "tom", "ines", "kofi", "lena", "yuki", "omar", "sara",
    "piotr", "dana", "femi", "noor", "jonas", "li",
)  # fmt: skip
SERVICES = ("checkout", "search", "payments", "auth", "catalog", "notifications")
CATEGORIES = ("connection-leak", "bad-deploy", "capacity", "dependency", None)
SEVERITIES = (Severity.P1, Severity.P2, Severity.P3)
SEVERITY_WEIGHTS = (10, 30, 60)
SPEED = {Severity.P1: 0.6, Severity.P2: 1.0, Severity.P3: 1.5}
"""How much longer each phase takes, by severity."""
ENDINGS = ("investigating", "identified", "monitoring", "resolved", "closed")
ENDING_WEIGHTS = (3, 2, 5, 15, 75)
# Events the ending adds after declare (2) and acknowledge (1); padding fills to 8.
ENDING_EVENTS = {
    "investigating": 0,
    "identified": 1,
    "monitoring": 2,
    "resolved": 3,
    "closed": 4,
}
PADDING = ("note", "update", "assign", "mitigation")
SIDE_ROLES = (Role.OPERATIONS_LEAD, Role.COMMUNICATIONS_LEAD, Role("scribe"))
NOTES = (
    "error rate is climbing on the EU cluster",
    "suspect the connection pool: 512/512 in use",
    "customer support reports failed payments",
    "the replica is 40 s behind the primary",
)
UPDATES = (
    "We are investigating elevated error rates.",
    "A fix is being rolled out; some requests may still fail.",
    "Service is recovering; we continue to monitor.",
)
ACTIONS = (
    "rolled back the last deploy",
    "scaled the pool to 1024 connections",
    "failed over to the secondary region",
)
WHAT = ("errors", "latency", "outage")
BASE = dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc)
PLACEHOLDER_TIME = dt.datetime(2000, 1, 1, tzinfo=dt.timezone.utc)


class Shape(NamedTuple):
    """What a template fixes: the structure of one incident's document."""

    severity: Severity
    ending: str
    padding: tuple[str, ...]
    roles: tuple[int, ...]
    """Which of `SIDE_ROLES` each ``assign`` padding event takes."""
    known_start: bool
    has_category: bool


class Params(NamedTuple):
    """Everything that differs between incidents of one shape."""

    shape: Shape
    texts: dict[str, str]
    times: tuple[dt.datetime, ...]
    """started, detected, declared, acknowledged, padding..., then the ending's."""


def lognormal_minutes(rng: random.Random, median: float, scale: float) -> dt.timedelta:
    seconds = rng.lognormvariate(math.log(median * 60), 1.25) * scale
    whole = dt.timedelta(seconds=max(1, round(seconds)))
    if rng.random() < 0.2:  # some tools record milliseconds
        whole += dt.timedelta(milliseconds=rng.randrange(1, 1000))
    return whole


def draw(rng: random.Random, index: int) -> Params:
    severity = rng.choices(SEVERITIES, SEVERITY_WEIGHTS)[0]
    ending = rng.choices(ENDINGS, ENDING_WEIGHTS)[0]
    padding = tuple(
        rng.choice(PADDING) for _ in range(EVENTS - 3 - ENDING_EVENTS[ending])
    )
    assigns = sum(1 for kind in padding if kind == "assign")
    roles = tuple(rng.sample(range(len(SIDE_ROLES)), min(assigns, len(SIDE_ROLES))))
    padding = tuple(kind for kind in padding if kind != "assign") + ("assign",) * len(
        roles
    )
    padding += ("note",) * (EVENTS - 3 - ENDING_EVENTS[ending] - len(padding))
    padding = tuple(rng.sample(padding, len(padding)))
    category = rng.choice(CATEGORIES)
    shape = Shape(
        severity,
        ending,
        padding,
        roles,
        known_start=rng.random() >= 0.03,
        has_category=category is not None,
    )
    service = rng.choice(SERVICES)
    people = rng.sample(PEOPLE, 4)
    texts = {
        "id": f"inc-{index:06d}",
        "title": f"{service.title()} {rng.choice(WHAT)}",
        "service": service,
        "category": category or "",
        "team": rng.choice(("payments", "core", "growth")),
        "region": rng.choice(("eu", "us", "ap")),
        **{f"person{i}": person for i, person in enumerate(people)},
        **{f"note{i}": rng.choice(NOTES) for i in range(len(padding))},
        **{f"update{i}": rng.choice(UPDATES) for i in range(len(padding))},
        **{f"action{i}": rng.choice(ACTIONS) for i in range(len(padding) + 1)},
    }
    scale = SPEED[severity]
    started = BASE + dt.timedelta(seconds=rng.randrange(0, 365 * 24 * 3600))
    detected = started + lognormal_minutes(rng, 10, scale)
    declared = detected + lognormal_minutes(rng, 3, 1.0)
    acknowledged = declared + lognormal_minutes(rng, 2, 1.0)
    mitigated = acknowledged + lognormal_minutes(rng, 60, scale)
    window = (mitigated - acknowledged).total_seconds()
    pads = sorted(
        acknowledged + dt.timedelta(seconds=math.floor(window * rng.random()))
        for _ in padding
    )
    after = {
        "investigating": [],
        "identified": [mitigated],  # identified then, not yet mitigated
        "monitoring": [mitigated],
        "resolved": [mitigated, mitigated + lognormal_minutes(rng, 60, scale)],
        "closed": [mitigated, mitigated + lognormal_minutes(rng, 60, scale)],
    }[ending]
    if ending == "closed":
        after.append(after[-1] + dt.timedelta(days=rng.randrange(1, 14)))
    times = (started, detected, declared, acknowledged, *pads, *after)
    return Params(shape, texts, times)


def build(p: Params) -> Incident:
    """The incident *p* describes, built with the public API."""
    shape, t = p.shape, p.texts
    started, detected, declared, acknowledged, *rest = p.times
    pads, after = rest[: len(shape.padding)], rest[len(shape.padding) :]
    inc = Incident.declare(
        t["title"],
        severity=shape.severity,
        at=declared,
        declared_by=t["person0"],
        service=t["service"],
        category=t["category"] if shape.has_category else None,
        detected_at=detected,
        started_at=started if shape.known_start else None,
        labels={"team": t["team"], "region": t["region"]},
        id=t["id"],
    )
    inc = inc.acknowledge(at=acknowledged, by=t["person1"])
    roles = iter(shape.roles)
    for i, (kind, at) in enumerate(zip(shape.padding, pads, strict=True)):
        if kind == "note":
            inc = inc.note(t[f"note{i}"], at=at, by=t["person2"])
        elif kind == "update":
            inc = inc.post_update(Audience.PUBLIC, t[f"update{i}"], at=at)
        elif kind == "assign":
            inc = inc.assign(SIDE_ROLES[next(roles)], t["person3"], at=at)
        else:
            inc = inc.record_mitigation(t[f"action{i}"], at=at, by=t["person1"])
    by = t["person1"]
    if shape.ending == "identified":
        inc = inc.identify(at=after[0], by=by)
    if shape.ending in ("monitoring", "resolved", "closed"):
        inc = inc.mitigate(at=after[0], how=t[f"action{len(pads)}"], by=by)
    if shape.ending in ("resolved", "closed"):
        inc = inc.resolve(at=after[1], by=by)
    if shape.ending == "closed":
        inc = inc.close(at=after[2], by=by)
    if len(inc.timeline) != EVENTS:
        sys.exit(f"{inc.id} has {len(inc.timeline)} events, not {EVENTS}")
    return inc


class Template:
    """The document of one shape, with placeholders where `Params` differ."""

    def __init__(self, p: Params) -> None:
        placeholders = {key: f"@{key}@" for key in p.texts}
        times = tuple(
            PLACEHOLDER_TIME + dt.timedelta(seconds=i) for i in range(len(p.times))
        )
        self.data = serialization.to_dict(build(Params(p.shape, placeholders, times)))
        self.time_keys = [serialization.to_dict(t) for t in times]

    def render(self, p: Params) -> str:
        values: dict[str, object] = {f"@{key}@": text for key, text in p.texts.items()}
        for key, at in zip(self.time_keys, p.times, strict=True):
            values[key] = serialization.to_dict(at)
        return json.dumps(
            _substitute(self.data, values),
            ensure_ascii=False,
            separators=(",", ":"),
            check_circular=False,
            allow_nan=False,
        )


def _substitute(data: Any, values: dict[str, object]) -> Any:
    if isinstance(data, dict):
        return {key: _substitute(item, values) for key, item in data.items()}
    if isinstance(data, list):
        return [_substitute(item, values) for item in data]
    if isinstance(data, str):
        return values.get(data, data)
    return data


def write_data(path: Path, n: int) -> int:
    """Write *n* incidents to *path*, as ``write_jsonl`` would; check a sample."""
    rng = random.Random(SEED)
    templates: dict[Shape, Template] = {}
    checks = random.Random(SEED + 1)
    sample = set(checks.sample(range(n), min(n, SAMPLE)))

    def lines() -> Iterator[str]:
        for index in range(n):
            p = draw(rng, index)
            template = templates.get(p.shape)
            if template is None:
                template = templates[p.shape] = Template(p)
            text = template.render(p)
            if index in sample:
                real = build(p)
                if text != serialization.dumps(real):
                    sys.exit(f"the templated line {index} differs from dumps")
                if serialization.loads(text, Incident) != real:
                    sys.exit(f"line {index} does not load back as its incident")
            yield text

    with path.open("w", encoding="utf-8") as handle:
        for text in lines():
            handle.write(text)
            handle.write("\n")
    # The same bytes as write_jsonl writes, by construction and by the checks.
    return len(templates)


# -- the four ways to the answer -----------------------------------------------------


class Summary(NamedTuple):
    n: int
    median: dt.timedelta
    p90: dt.timedelta


Answer = dict[str, Summary]
ZERO = dt.timedelta(0)


def summarise(durations: dict[str, list[dt.timedelta]]) -> Answer:
    # statistics works on timedeltas (exact, rounded to the microsecond), though
    # typeshed says numbers only.
    answer: Answer = {}
    for key, values in sorted(durations.items()):
        exact: list[Any] = values
        answer[key] = Summary(
            len(values),
            statistics.median(exact),
            statistics.quantiles(exact, n=10, method="inclusive")[8],
        )
    return answer


def by_severity(incidents: Iterable[Milestoned]) -> Answer:
    """Time to restore by severity, as ``incidentkit.metrics`` summarises it."""
    summaries = metrics.summarize(incidents, metrics.TIME_TO_RESTORE, by="severity")
    answer: Answer = {}
    for severity, summary in summaries.items():
        if summary.n:
            assert summary.median is not None  # noqa: S101 - n > 0
            assert summary.p90 is not None  # noqa: S101 - n > 0
            answer[severity.value] = Summary(summary.n, summary.median, summary.p90)
    return answer


def with_incidentkit(path: Path) -> Answer:
    return by_severity(serialization.iter_jsonl(path, IncidentRecord))


def with_full_incidents(path: Path) -> Answer:
    return by_severity(serialization.iter_jsonl(path, Incident))


def with_pandas(path: Path) -> Answer:
    df = pd.read_json(path, lines=True)
    start = pd.to_datetime(df["started_at"], utc=True, format="ISO8601")
    end = pd.to_datetime(df["mitigated_at"], utc=True, format="ISO8601")
    frame = pd.DataFrame({"severity": df["severity"], "ttr": end - start}).dropna()
    frame = frame[frame["ttr"] > pd.Timedelta(0)]
    groups = frame.groupby("severity")["ttr"]
    sizes, medians, p90s = groups.size(), groups.median(), groups.quantile(0.9)
    return {
        str(key): Summary(
            int(sizes[key]),
            pd.Timedelta(medians[key]).to_pytimedelta(),
            pd.Timedelta(p90s[key]).to_pytimedelta(),
        )
        for key in sorted(sizes.index)
    }


def with_the_floor(path: Path) -> Answer:
    durations: dict[str, list[dt.timedelta]] = defaultdict(list)
    parse = dt.datetime.fromisoformat
    with path.open("rb") as handle:
        for line in handle:
            data = json.loads(line)
            start, end = data["started_at"], data["mitigated_at"]
            if start is None or end is None:
                continue
            duration = parse(end) - parse(start)
            if duration > ZERO:
                durations[data["severity"]].append(duration)
    return summarise(durations)


def check_agree(name: str, answer: Answer, floor: Answer, slack: dt.timedelta) -> None:
    """Fail loudly unless *answer* is the floor's (within *slack*)."""
    if answer.keys() != floor.keys():
        sys.exit(f"{name}: severities {sorted(answer)} != {sorted(floor)}")
    for key, mine in answer.items():
        theirs = floor[key]
        if (
            mine.n != theirs.n
            or abs(mine.median - theirs.median) > slack
            or abs(mine.p90 - theirs.p90) > slack
        ):
            sys.exit(f"{name} disagrees for {key}: {mine} != {theirs}")


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

    with tempfile.TemporaryDirectory() as tmp:
        path, small = Path(tmp, "incidents.jsonl"), Path(tmp, "tenth.jsonl")
        began = time.perf_counter()
        shapes = write_data(path, n)
        with path.open("rb") as source, small.open("wb") as target:
            for _, line in zip(range(n // 10), source, strict=False):
                target.write(line)
        built = time.perf_counter() - began
        size = path.stat().st_size

        floor = with_the_floor(path)
        check_agree("incidentkit", with_incidentkit(path), floor, ZERO)
        check_agree("full incidents", with_full_incidents(path), floor, ZERO)
        check_agree("pandas", with_pandas(path), floor, dt.timedelta(microseconds=1))
        check_agree(
            "incidentkit (a tenth)",
            with_incidentkit(small),
            with_the_floor(small),
            ZERO,
        )

        sides: dict[str, Callable[[], object]] = {
            "incidentkit records": lambda: with_incidentkit(path),
            "pandas": lambda: with_pandas(path),
            "floor": lambda: with_the_floor(path),
            "full Incident": lambda: with_full_incidents(path),
            # Ten passes over the first tenth, one after the other: as long as
            # one pass over all, so both see the same share of a busy machine.
            "records, a tenth x 10": lambda: [
                with_incidentkit(small) for _ in range(10)
            ],
        }
        best: dict[str, float] = {}
        for _ in range(runs):
            for name, fn in sides.items():
                best[name] = min(best.get(name, math.inf), timed(fn))

        print(
            f"metrics: time to restore by severity, {n:,} incidents x {EVENTS} "
            f"events, {size / 1e6:.1f} MB of JSON Lines ({shapes} shapes, built in "
            f"{built:.1f} s), best of {runs}"
        )
        print(f"{'side':<22}{'s':>9}{'us/incident':>13}")
        for name, seconds in best.items():
            count = (n // 10) * 10 if name == "records, a tenth x 10" else n
            print(f"{name:<22}{seconds:>9.3f}{seconds / count * 1e6:>13.1f}")
        for key, summary in floor.items():
            print(f"  {key}: n={summary.n:,} median={summary.median} p90={summary.p90}")
        print("all four answers agree (pandas within 1 us)")
        ik = best["incidentkit records"]
        print(
            "reference: full Incident/pandas = "
            f"{best['full Incident'] / best['pandas']:.2f}x"
        )
        print(
            verdict(
                f"growth: {n:,} vs {n // 10:,}",
                ik / (best["records, a tenth x 10"] / 10),
                TARGET_GROWTH,
            )
        )
        print(verdict("incidentkit/floor", ik / best["floor"], TARGET_FLOOR))
        print(
            verdict("metrics: incidentkit/pandas", ik / best["pandas"], TARGET_PANDAS)
        )

        if args.profile:
            profile("incidentkit records", sides["incidentkit records"], args.top)


if __name__ == "__main__":
    main()
