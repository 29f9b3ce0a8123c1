"""Shared test configuration: Hypothesis profiles; tests/browser only when asked.

``CI`` selects the derandomised ``ci`` profile; ``HYPOTHESIS_PROFILE=stress`` runs
many more random examples when hunting for bugs; ``mutants`` (set by
``nox -s mutants``) runs a few, since the suite runs once per mutant.

tests/browser needs a browser: it is collected only when a path inside it is
passed (``pytest tests/browser``, which ``nox -s browser`` runs).
"""

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings


# 100 derandomised examples per property keeps the suite (about 2,500 tests, run
# on four Pythons) inside CI's half hour; `stress` is where bugs are hunted.
settings.register_profile(
    "ci",
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    derandomize=True,
)
settings.register_profile("dev", max_examples=60, deadline=None)
# `nox -s mutants` runs the suite once per mutant: a few examples each suffice.
settings.register_profile(
    "mutants", max_examples=10, deadline=None, suppress_health_check=list(HealthCheck)
)
settings.register_profile(
    "stress",
    max_examples=3000,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile(
    os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "dev")
)


BROWSER = Path(__file__).parent / "browser"


def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    """Leave tests/browser out unless a path inside it was asked for."""
    if collection_path != BROWSER:
        return None
    asked = (Path(str(arg).split("::")[0]).resolve() for arg in config.args)
    return None if any(a == BROWSER or BROWSER in a.parents for a in asked) else True
