"""
Classification: `RuleClassifier` with the default rules against an if/elif ladder.

Run: ``python benchmarks/bench_classify.py [--n 100000] [--runs 3]`` (or
``nox -s bench``).  Add ``--profile`` to print where the classifier's time goes.

Data: *n* impacts (100,000 by default) from a seeded random generator: each fact
unknown or known with equal odds, a share of users now and then, a custom fact on
some.  They are built before the timing.

The peer: the function a team would write instead, an ``if``/``elif`` ladder
encoding the same rules as `DEFAULT_RULES`, most severe first, returning the level
and the reason of the first branch that holds.  Before timing, the script checks
that the ladder and the classifier give the same level for every impact.

What the classifier does besides: it evaluates every rule (not only up to the
first that holds) and lists all matches with their reasons; finds the unknown facts
that would change the answer; checks the facts for contradictions; attaches the
level's response policy; and builds a validated, serialisable `Classification`.

Measured, best of *runs* (interleaved, GC off while timing): classifying every
impact.  Target: the classifier takes at most 3 times the ladder.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import random

from _harness import timed, verdict

from incidentkit import Severity
from incidentkit.classify import Impact, Outage, RuleClassifier, Scope


TARGET = 3.0
SEED = 20240601
P1, P2, P3 = Severity.P1, Severity.P2, Severity.P3
DOWN = frozenset({Outage.FULL, Outage.PARTIAL})
LARGE = frozenset({Scope.LARGE_SEGMENT, Scope.ALL_USERS})


def ladder(i: Impact) -> tuple[Severity, str]:  # noqa: C901, PLR0911 - a ladder
    """The default rules as a hand-written if/elif ladder, most severe first."""
    if i.outage is Outage.FULL and i.scope is Scope.ALL_USERS:
        return P1, "a full outage affects all users"
    if i.security_breach is True:
        return P1, "a security breach is active"
    if i.payment_failures is True and i.peak_traffic is True:
        return P1, "payments are failing during peak traffic"
    if i.outage in DOWN:
        return P2, "part or all of the service is down"
    if i.outage is Outage.DEGRADED and i.scope in LARGE:
        return P2, "performance is degraded for a large segment of users"
    if i.core_feature is True:
        return P2, "a core feature is impaired"
    if i.outage is Outage.DEGRADED:
        return P3, "performance is degraded, not known to reach a large segment"
    if i.outage is Outage.NONE:
        return P3, "the service works: a minor bug"
    if i.cosmetic is True:
        return P3, "the problem is only cosmetic"
    if i.scope is Scope.SINGLE_USER:
        return P3, "a single user is affected"
    if i.optimisation_request is True:
        return P3, "it is an optimisation request, not a fault"
    return P3, "no rule matched"


def impacts(n: int, rng: random.Random) -> list[Impact]:
    """*n* seeded impacts, each fact unknown half of the time."""

    def maybe(values: list[object]) -> object:
        return rng.choice(values) if rng.random() < 0.5 else None

    bools: list[object] = [True, False]

    def one() -> Impact:
        return Impact(
            scope=maybe(list(Scope)),  # type: ignore[arg-type]
            outage=maybe(list(Outage)),  # type: ignore[arg-type]
            security_breach=maybe(bools),  # type: ignore[arg-type]
            payment_failures=maybe(bools),  # type: ignore[arg-type]
            peak_traffic=maybe(bools),  # type: ignore[arg-type]
            core_feature=maybe(bools),  # type: ignore[arg-type]
            cosmetic=maybe(bools),  # type: ignore[arg-type]
            optimisation_request=maybe(bools),  # type: ignore[arg-type]
            affected_users=rng.random() if rng.random() < 0.2 else None,
            facts={"region": rng.choice(["eu", "us"])} if rng.random() < 0.1 else {},
        )

    return [one() for _ in range(n)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()

    data = impacts(args.n, random.Random(SEED))
    classifier = RuleClassifier()
    mismatched = [
        i for i in data if classifier.classify(i).severity is not ladder(i)[0]
    ]
    if mismatched:
        raise SystemExit(f"the ladder disagrees on {len(mismatched)} impacts")
    levels = dict.fromkeys(Severity, 0)
    for i in data:
        levels[ladder(i)[0]] += 1
    print(
        f"{args.n} impacts: "
        + ", ".join(f"{s.value} {count}" for s, count in levels.items())
        + "; the ladder and the classifier agree on every level"
    )

    def run_classifier() -> None:
        classify = classifier.classify
        for i in data:
            classify(i)

    def run_ladder() -> None:
        for i in data:
            ladder(i)

    best_c = best_l = float("inf")
    for _ in range(args.runs):
        best_l = min(best_l, timed(run_ladder))
        best_c = min(best_c, timed(run_classifier))
    per = 1e6 / args.n
    print(f"if/elif ladder:       {best_l:.3f} s ({best_l * per:.2f} us per impact)")
    print(f"RuleClassifier:       {best_c:.3f} s ({best_c * per:.2f} us per impact)")
    if args.profile:
        profile = cProfile.Profile()
        profile.runcall(run_classifier)
        pstats.Stats(profile).sort_stats("tottime").print_stats(15)
    ratio = best_c / best_l
    print(verdict("classification: incidentkit/if-elif ladder", ratio, TARGET))


if __name__ == "__main__":
    main()
