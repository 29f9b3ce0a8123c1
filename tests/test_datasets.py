"""
The embedded GitHub status history, imported whole.

Every expected number is a literal, verified by an independent reading of the
packaged file with gzip, json and datetime (`raw_records` below), not by the
importer.
"""

import collections
import datetime as dt
import gzip
import hashlib
import json
from importlib import resources

import pytest

from incidentkit import Severity, Status
from incidentkit.datasets import GITHUB_STATUS_FILE, github_status
from incidentkit.findings import Level
from incidentkit.interop import Imported


QUIRKS = ("qb2vmff9bnf5", "qrrdvssfmrs2", "nk9gdvl03ztg")
UTC = dt.timezone.utc


def raw_bytes():
    return resources.files("incidentkit.datasets").joinpath(GITHUB_STATUS_FILE)


@pytest.fixture(scope="module")
def raw_records():
    data = gzip.decompress(raw_bytes().read_bytes())
    return [json.loads(line)["incident"] for line in data.decode().splitlines()]


def utc(text):
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)


def declared(incident):
    assert incident.declared_at is not None
    return incident.declared_at


def by_code(findings):
    grouped = collections.defaultdict(set)
    for finding in findings:
        grouped[finding.code].add(finding.subject.removeprefix("statuspage:"))
    return grouped


def test_the_packaged_file_is_the_published_one():
    data = gzip.decompress(raw_bytes().read_bytes())

    assert (
        "3c6c04e77333238cf970150c0de5b67a5ffffdc39d96baa6e7568a4484b6b756"
        == hashlib.sha256(data).hexdigest()
    )
    for name in ("README.md", "UPSTREAM-LICENSE-Unlicense.txt"):
        assert resources.files("incidentkit.datasets").joinpath(name).is_file()


def test_the_raw_records_have_the_documented_shape(raw_records):
    impacts = collections.Counter(r["impact"] for r in raw_records)
    zero = [r for r in raw_records if r["created_at"] == r["resolved_at"]]
    late_start = [
        r["id"] for r in raw_records if utc(r["started_at"]) > utc(r["created_at"])
    ]
    after_resolve = [
        r["id"] for r in raw_records if utc(r["started_at"]) > utc(r["resolved_at"])
    ]
    nameless = [
        r
        for r in raw_records
        if not r["components"]
        and all(not u["affected_components"] for u in r["incident_updates"])
    ]

    assert 1282 == len(raw_records)
    assert {"minor": 1048, "major": 199, "none": 33, "critical": 2} == impacts
    assert 839 == len(zero)
    assert 832 == sum(1 for r in zero if r["created_at"] < "2019")
    assert 832 == sum(1 for r in raw_records if r["created_at"] < "2019")
    assert 16 == len(late_start)
    assert list(QUIRKS) == after_resolve
    assert 4 == sum(1 for r in raw_records if r["monitoring_at"] is not None)
    assert 164 == len(nameless)
    assert {"resolved"} == {r["status"] for r in raw_records}


def test_the_history_imports_with_nothing_dropped():
    incidents, findings = github_status()
    codes = collections.Counter(f.code for f in findings)

    assert 1282 == len(incidents)
    assert 0 == codes["statuspage-rejected"]
    assert {Severity.P3: 1081, Severity.P2: 199, Severity.P1: 2} == (
        collections.Counter(i.severity for i in incidents)
    )
    assert {Status.RESOLVED} == {i.status for i in incidents}
    assert {None} == {i.detected_at for i in incidents}
    assert {
        "statuspage-backfilled": 839,
        "statuspage-mitigated-from-resolved": 1278,
        "statuspage-null-components": 164,
        "statuspage-start-after-create": 13,
        "statuspage-start-after-resolve": 3,
    } == codes


def test_the_backfilled_records_are_the_zero_length_ones(raw_records):
    incidents, findings = github_status()
    zero = {r["id"] for r in raw_records if r["created_at"] == r["resolved_at"]}
    labelled = {
        i.labels["statuspage.id"]
        for i in incidents
        if i.labels.get("statuspage.backfilled") == "true"
    }

    assert zero == by_code(findings)["statuspage-backfilled"] == labelled
    assert 832 == sum(1 for i in incidents if declared(i).year <= 2018)


def test_the_quirk_records_are_repaired_and_reported():
    incidents, findings = github_status()
    grouped = by_code(findings)
    repaired = {i.labels["statuspage.id"]: i for i in incidents}

    assert set(QUIRKS) == grouped["statuspage-start-after-resolve"]
    for quirk in QUIRKS:
        inc = repaired[quirk]
        assert inc.started_at is None
        assert inc.declared_at == inc.resolved_at
        assert quirk in grouped["statuspage-backfilled"]
    assert {"yck8ctxhxtwq", "6tcfpztf6j9m"} <= grouped["statuspage-start-after-create"]
    assert {Level.WARNING} == {
        f.level for f in findings if f.code.startswith("statuspage-start")
    }


def test_the_history_is_in_declaration_order_and_cached():
    result = github_status()
    times = [declared(i) for i in result.incidents]

    assert isinstance(result, Imported)
    assert times == sorted(times)
    assert dt.datetime(2010, 2, 7, 6, tzinfo=UTC) == times[0]
    assert result is github_status()


def test_components_become_the_service():
    incidents, _ = github_status()
    services = collections.Counter(i.service for i in incidents)

    # Counted independently: the first of "components", else of the updates'
    # "affected_components", by name.
    assert [("Git Operations", 448), ("Issues", 175), (None, 164)] == (
        services.most_common(3)
    )
