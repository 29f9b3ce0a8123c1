"""Shared test configuration: Hypothesis profiles.

``CI`` selects the derandomised ``ci`` profile; ``HYPOTHESIS_PROFILE=stress`` runs
many more random examples when hunting for bugs.
"""

import os

from hypothesis import HealthCheck, settings


settings.register_profile(
    "ci",
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    derandomize=True,
)
settings.register_profile("dev", max_examples=60, deadline=None)
settings.register_profile(
    "stress",
    max_examples=3000,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile(
    os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "dev")
)
