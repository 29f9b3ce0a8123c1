"""Scenario 5 of the design: the reliability analyst's lines, as written there."""

from __future__ import annotations

import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest

from incidentkit import Severity, interop, metrics


FIXTURE = Path(__file__).parent / "fixtures" / "statuspage_githubstatus_incidents.json"


def test_the_analyst_lines() -> None:
    incs, findings = interop.statuspage.load(str(FIXTURE))
    by = metrics.summarize(incs, metrics.TIME_TO_RESTORE, by="severity")
    assert list(by) == [Severity.P1, Severity.P2, Severity.P3]
    assert sum(s.total for s in by.values()) == len(incs) == 20
    h1, h2 = incs[:10], incs[10:]
    verdict = metrics.compare_periods(h1, h2, metrics.TIME_TO_RESTORE).verdict
    assert verdict is metrics.Verdict.NOT_DISTINGUISHABLE
    r = metrics.recurrence(incs, window=timedelta(days=30))
    assert r.keyed + r.unkeyed == len(incs)
    assert findings  # the feed's repairs are reported


def test_unknown_importer_names_are_attribute_errors() -> None:
    with pytest.raises(AttributeError, match="nope"):
        interop.nope  # noqa: B018 - the attribute access is the test


def test_importing_interop_does_not_load_the_importers() -> None:
    code = (
        "import incidentkit.interop, sys; "
        "print('incidentkit.interop.statuspage' in sys.modules)"
    )
    out = subprocess.run(  # noqa: S603 - our own interpreter
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "False"
