"""
The Statuspage importer: real payloads, every input form, repairs, refusals.

Expected numbers are literals, checked against an independent reading of the
same files with json and the standard library, never against the importer.
"""

import collections
import copy
import datetime as dt
import gzip
import json
import pickle
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from incidentkit import Severity, Status
from incidentkit.errors import RemotePayloadError, ValidationError
from incidentkit.findings import Level
from incidentkit.interop import Imported, statuspage
from incidentkit.timeline import (
    Audience,
    Declared,
    StatusChanged,
    StatusUpdatePosted,
)


FIXTURES = Path(__file__).parent / "fixtures"
INCIDENTS_2026 = FIXTURES / "statuspage_githubstatus_incidents.json"
INCIDENTS_2024 = FIXTURES / "statuspage_githubstatus_incidents_2024-09.json"
SUMMARY = FIXTURES / "statuspage_githubstatus_summary.json"
UTC = dt.timezone.utc


def utc(text):
    """Parse a Statuspage time with the standard library only (3.10: no 'Z')."""
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)


def codes(findings):
    return collections.Counter(f.code for f in findings)


def record(**changes):
    """A small valid Statuspage incident, with *changes* applied (None deletes)."""
    incident = {
        "id": "abc123",
        "name": "Slow pushes",
        "status": "resolved",
        "impact": "major",
        "created_at": "2024-06-01T14:00:00.000Z",
        "started_at": "2024-06-01T13:58:00.000Z",
        "monitoring_at": "2024-06-01T14:30:00.000Z",
        "resolved_at": "2024-06-01T15:00:00.000Z",
        "shortlink": "https://stspg.io/abc123",
        "page_id": "page1",
        "components": [{"id": "c1", "name": "Git Operations"}],
        "incident_updates": [
            {
                "status": "resolved",
                "body": "Fixed.",
                "display_at": "2024-06-01T15:00:00.000Z",
                "affected_components": None,
            },
            {
                "status": "monitoring",
                "body": "A fix is out.",
                "display_at": "2024-06-01T14:30:00.000Z",
                "affected_components": [{"code": "c2", "name": "API Requests"}],
            },
            {
                "status": "investigating",
                "body": "We are <b>investigating</b> &amp; will update.<br />Soon.",
                "display_at": "2024-06-01T14:00:00.000Z",
                "affected_components": None,
            },
        ],
    }
    for key, value in changes.items():
        if value is None:
            incident.pop(key, None)
        else:
            incident[key] = value
    return incident


def load_one(incident, **kwargs):
    incidents, findings = statuspage.load({"incident": incident}, **kwargs)
    return (incidents[0] if incidents else None), findings


# -- the mapping ----------------------------------------------------------------------


def test_a_clean_record_maps_every_field():
    inc, findings = load_one(record())

    assert () == findings
    assert "statuspage:abc123" == inc.id
    assert "Slow pushes" == inc.title
    assert Severity.P2 == inc.severity
    assert Status.RESOLVED == inc.status
    assert "Git Operations" == inc.service
    assert utc("2024-06-01T13:58:00Z") == inc.started_at
    assert inc.detected_at is None
    assert utc("2024-06-01T14:00:00Z") == inc.declared_at
    assert utc("2024-06-01T14:30:00Z") == inc.mitigated_at
    assert utc("2024-06-01T15:00:00Z") == inc.resolved_at
    assert inc.closed_at is None
    assert {
        "statuspage.id": "abc123",
        "statuspage.impact": "major",
        "statuspage.status": "resolved",
        "statuspage.page": "page1",
        "statuspage.shortlink": "https://stspg.io/abc123",
        "statuspage.components": "Git Operations, API Requests",
    } == dict(inc.labels)


def test_updates_become_public_posts_and_status_changes_in_time_order():
    inc, _ = load_one(record())

    kinds = [(type(e).__name__, e.at.strftime("%H:%M")) for e in inc.timeline]
    assert [
        ("Declared", "14:00"),
        ("StatusUpdatePosted", "14:00"),
        ("StatusChanged", "14:30"),
        ("StatusUpdatePosted", "14:30"),
        ("StatusChanged", "15:00"),
        ("StatusUpdatePosted", "15:00"),
    ] == kinds
    posts = inc.timeline.of_kind(StatusUpdatePosted)
    assert {Audience.PUBLIC} == {p.audience for p in posts}
    assert "We are investigating & will update.\nSoon." == posts[0].text
    changes = [(c.old, c.new) for c in inc.timeline.of_kind(StatusChanged)]
    assert [
        (Status.INVESTIGATING, Status.MONITORING),
        (Status.MONITORING, Status.RESOLVED),
    ] == changes
    assert "Slow pushes" == inc.timeline.of_kind(Declared)[0].title


@pytest.mark.parametrize("body", ["<" * 100_000, "<br" * 50_000, "< /p" * 50_000])
def test_hostile_markup_is_read_in_linear_time(body):
    # A quadratic tag stripper would take minutes on these.
    at = "2024-06-01T15:00:00Z"
    updates = [{"status": "resolved", "body": body + "x", "display_at": at}]
    inc, _ = load_one(record(incident_updates=updates))

    assert inc.timeline.of_kind(StatusUpdatePosted)[-1].text.endswith("x")


def test_reordered_updates_give_the_same_timeline():
    inc, _ = load_one(record())
    shuffled = record()
    shuffled["incident_updates"] = list(reversed(shuffled["incident_updates"]))

    assert inc == load_one(shuffled)[0]


@pytest.mark.parametrize(
    ("impact", "expected"),
    [
        ("critical", Severity.P1),
        ("major", Severity.P2),
        ("minor", Severity.P3),
        ("none", Severity.P3),
    ],
)
def test_impact_maps_to_severity(impact, expected):
    assert expected == load_one(record(impact=impact))[0].severity


def test_severity_mapping_can_be_overridden():
    inc, _ = load_one(record(impact="minor"), severity={"minor": "p2"})

    assert Severity.P2 == inc.severity


def test_a_bad_severity_mapping_is_the_callers_error():
    with pytest.raises(ValidationError, match="severity\\['minor'\\]"):
        statuspage.load({"incident": record()}, severity={"minor": "SEV9"})
    with pytest.raises(ValidationError, match="a mapping of impacts"):
        statuspage.load({"incident": record()}, severity=["P1"])  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        ("investigating", Status.INVESTIGATING),
        ("identified", Status.IDENTIFIED),
        ("monitoring", Status.MONITORING),
        ("resolved", Status.RESOLVED),
        ("postmortem", Status.RESOLVED),
    ],
)
def test_status_maps_and_milestones_follow_it(status, expected):
    inc, findings = load_one(record(status=status))

    assert expected == inc.status
    if expected in {Status.INVESTIGATING, Status.IDENTIFIED}:
        assert (None, None) == (inc.mitigated_at, inc.resolved_at)
        assert {"statuspage-status-conflict": 2} == codes(findings)
    elif expected is Status.MONITORING:
        assert inc.resolved_at is None
        assert {"statuspage-status-conflict": 1} == codes(findings)
    else:
        assert () == findings


def test_offsets_are_normalised_to_utc():
    inc, findings = load_one(
        record(
            created_at="2024-06-01T07:00:00.000-07:00",
            started_at="2024-06-01T05:58:00.000-08:00",
        )
    )

    assert () == findings
    assert dt.datetime(2024, 6, 1, 14, 0, tzinfo=UTC) == inc.declared_at
    assert dt.datetime(2024, 6, 1, 13, 58, tzinfo=UTC) == inc.started_at
    assert inc.declared_at.tzinfo is UTC


def test_incidents_are_sorted_by_declaration_then_id():
    early = record(id="zzz", created_at="2024-06-01T13:59:00Z")
    tie = record(id="aaa")
    incidents, _ = statuspage.load({"incidents": [record(), early, tie]})

    assert ["zzz", "aaa", "abc123"] == [i.labels["statuspage.id"] for i in incidents]


# -- repairs --------------------------------------------------------------------------


def only(findings, code):
    found = [f for f in findings if f.code == code]
    assert 1 == len(found), findings
    return found[0]


def test_backfilled_records_are_kept_and_reported():
    inc, findings = load_one(
        record(
            created_at="2010-02-07T06:00:00Z",
            started_at="2010-02-07T06:00:00Z",
            resolved_at="2010-02-07T06:00:00Z",
            monitoring_at=None,
        )
    )

    finding = only(findings, "statuspage-backfilled")
    assert "statuspage:abc123" == finding.subject
    assert "resolved_at" in finding.message
    assert "true" == inc.labels["statuspage.backfilled"]
    assert inc.declared_at == inc.resolved_at == inc.mitigated_at


def test_a_start_after_the_resolution_is_dropped_and_reported():
    inc, findings = load_one(
        record(
            created_at="2020-11-10T20:00:00Z",
            resolved_at="2020-11-10T20:00:00Z",
            started_at="2020-11-16T09:55:00.989Z",
            monitoring_at=None,
        )
    )

    assert inc.started_at is None
    finding = only(findings, "statuspage-start-after-resolve")
    assert "'started_at'" in finding.message
    assert "'resolved_at'" in finding.message
    assert Level.WARNING == finding.level


def test_a_start_after_the_declaration_is_dropped_and_reported():
    inc, findings = load_one(record(started_at="2024-06-01T14:00:00.050Z"))

    assert inc.started_at is None
    assert "'created_at'" in only(findings, "statuspage-start-after-create").message


def test_null_monitoring_at_takes_the_resolution_time():
    inc, findings = load_one(record(monitoring_at=None))

    assert inc.resolved_at == inc.mitigated_at
    assert Level.INFO == only(findings, "statuspage-mitigated-from-resolved").level


def test_monitoring_after_the_resolution_is_clamped():
    inc, findings = load_one(record(monitoring_at="2024-06-01T16:00:00Z"))

    assert inc.resolved_at == inc.mitigated_at
    only(findings, "statuspage-monitoring-after-resolve")


def test_no_component_anywhere_leaves_the_service_unset():
    inc, findings = load_one(
        record(
            components=[],
            incident_updates=[{"status": "resolved", "body": "x", "display_at": None}],
        )
    )

    assert inc.service is None
    assert "statuspage.components" not in inc.labels
    assert Level.INFO == only(findings, "statuspage-null-components").level


def test_a_renamed_component_is_named_once_by_its_current_name():
    updates = record()["incident_updates"]
    updates[0]["affected_components"] = [{"code": "c1", "name": "Git (old name)"}]
    inc, _ = load_one(record(incident_updates=updates))

    assert "Git Operations, API Requests" == inc.labels["statuspage.components"]


def test_an_update_without_display_at_falls_back_to_created_at():
    updates = record()["incident_updates"]
    del updates[0]["display_at"]
    updates[0]["created_at"] = "2024-06-01T15:00:01Z"
    inc, findings = load_one(record(incident_updates=updates))

    assert "display_at" in only(findings, "statuspage-missing-field").message
    assert utc("2024-06-01T15:00:01Z") == inc.timeline[-1].at


def test_a_missing_resolved_at_is_read_from_the_resolving_update():
    inc, findings = load_one(record(resolved_at=None))

    assert utc("2024-06-01T15:00:00Z") == inc.resolved_at
    assert "'resolved_at'" in only(findings, "statuspage-missing-field").message


@pytest.mark.parametrize(
    ("changes", "code", "field"),
    [
        ({"impact": "maintenance"}, "statuspage-unknown-impact", "impact"),
        ({"impact": None}, "statuspage-unknown-impact", "impact"),
        ({"status": "scheduled"}, "statuspage-unknown-status", "status"),
        ({"started_at": "yesterday"}, "statuspage-bad-timestamp", "started_at"),
        ({"started_at": 1717250400}, "statuspage-bad-timestamp", "started_at"),
        (
            {"started_at": "2024-06-01T13:58:00"},
            "statuspage-bad-timestamp",
            "started_at",
        ),
        ({"name": None}, "statuspage-missing-field", "name"),
        ({"name": 42}, "statuspage-wrong-type", "name"),
        ({"components": "Git"}, "statuspage-wrong-type", "components"),
        ({"incident_updates": {}}, "statuspage-wrong-type", "incident_updates"),
        ({"shortlink": "https://stspg.io/\ud800"}, "statuspage-bad-text", "shortlink"),
    ],
)
def test_each_repair_is_reported_naming_the_record_and_field(changes, code, field):
    inc, findings = load_one(record(**changes))

    assert inc is not None
    finding = only(findings, code)
    assert "statuspage:abc123" == finding.subject
    assert repr(field) in finding.message


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"id": None}, "'id' must be a non-empty string"),
        ({"id": "  "}, "'id' must be a non-empty string"),
        ({"id": 7}, "'id' must be a non-empty string"),
        ({"created_at": None}, "'created_at'"),
        ({"created_at": "2024-13-01T00:00:00Z"}, "'created_at'"),
        ({"resolved_at": None, "incident_updates": []}, "'resolved_at' is missing"),
        (
            {"status": "monitoring", "monitoring_at": None, "incident_updates": []},
            "'monitoring_at' is missing",
        ),
    ],
)
def test_unrepairable_records_are_rejected_with_a_finding(changes, reason):
    incidents, findings = statuspage.load({"incidents": [record(**changes)]})

    assert () == incidents
    finding = only(findings, "statuspage-rejected")
    assert Level.ERROR == finding.level
    assert reason in finding.message


def test_a_rejected_record_without_id_is_named_by_its_place():
    _, findings = statuspage.load({"incidents": [record(), record(id=None), 3]})

    rejected = [f.subject for f in findings if f.code == "statuspage-rejected"]
    assert ["incidents[1]", "incidents[2]"] == rejected


def test_a_duplicate_id_is_rejected_and_the_first_kept():
    incidents, findings = statuspage.load(
        {"incidents": [record(), record(name="Again")]}
    )

    assert ["Slow pushes"] == [i.title for i in incidents]
    assert "incidents[0]" in only(findings, "statuspage-rejected").message


def test_a_rejected_record_does_not_shadow_a_later_one_with_its_id():
    incidents, findings = statuspage.load(
        {"incidents": [record(created_at="soon"), record()]}
    )

    assert ["statuspage:abc123"] == [i.id for i in incidents]
    assert "'created_at'" in only(findings, "statuspage-rejected").message


def test_a_resolution_before_the_declaration_is_backfilled_too():
    inc, findings = load_one(
        record(
            created_at="2024-06-01T16:00:00Z",
            monitoring_at=None,
            started_at="2024-06-01T13:00:00Z",
        )
    )

    assert "is after 'resolved_at'" in only(findings, "statuspage-backfilled").message
    assert "true" == inc.labels["statuspage.backfilled"]


def test_findings_are_most_severe_first():
    _, findings = statuspage.load(
        {"incidents": [record(monitoring_at=None), record(id=None)]}
    )

    assert [Level.ERROR, Level.INFO] == [f.level for f in findings]


# -- input forms ----------------------------------------------------------------------


def test_every_input_form_gives_the_same_result(tmp_path):
    text = INCIDENTS_2024.read_text(encoding="utf-8")
    gz = tmp_path / "incidents.json.gz"
    gz.write_bytes(gzip.compress(text.encode()))
    expected = statuspage.load(INCIDENTS_2024)

    assert 2 == len(expected.incidents)
    for source in (
        str(INCIDENTS_2024),
        gz,
        str(gz),
        text,
        text.encode(),
        gzip.compress(text.encode()),
        json.loads(text),
    ):
        assert expected == statuspage.load(source)


def test_json_lines_records_are_read(tmp_path):
    page = {"id": "kctbh9vrtdwd", "name": "GitHub"}
    lines = [json.dumps({"page": page, "incident": record(id=f"r{n}")}) for n in (1, 2)]
    text = "\n".join([lines[0], "", lines[1], ""])
    path = tmp_path / "incidents.jsonl"
    path.write_text(text, encoding="utf-8")

    incidents, findings = statuspage.load(path)

    assert () == findings
    assert ["r1", "r2"] == [i.labels["statuspage.id"] for i in incidents]
    assert {"kctbh9vrtdwd"} == {i.labels["statuspage.page"] for i in incidents}
    assert (incidents, findings) == statuspage.load(text)


def test_a_bare_incident_and_a_single_document_are_read():
    assert "statuspage:abc123" == statuspage.load(record()).incidents[0].id
    single = {"page": {"id": "p"}, "incident": record()}
    assert "p" == statuspage.load(single).incidents[0].labels["statuspage.page"]


def test_the_result_unpacks_and_pickles():
    result = statuspage.load(INCIDENTS_2024)
    incidents, findings = result

    assert isinstance(result, Imported)
    assert result == pickle.loads(pickle.dumps(result))
    assert (incidents, findings) == (result.incidents, result.findings)


# -- unreadable payloads --------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("", "expected JSON text or a path, got an empty string"),
        ("{not json", "expected JSON, got text that is not JSON"),
        ("[1, 2]", "got an array"),
        ("42", "expected a readable file or JSON text, got '42'"),
        ("/no/such/file.json", "expected a readable file or JSON text"),
        (b"\xff\xfe{}", "expected UTF-8 JSON"),
        (b"\x1f\x8bnot gzip", "expected gzip-compressed JSON, got broken gzip"),
        (b"   \n ", "expected JSON, got only white space"),
        ("[" * 100_000, "nesting too deep"),
        ({"incidents": {}}, "expected 'incidents' to be an array, got an object"),
        ({"incident": []}, "expected 'incident' to be an object, got an array"),
        ({"hello": 1}, "got an object with keys 'hello'"),
        ({}, "got an object with keys none"),
        (42, "expected a path, JSON text, bytes or a parsed JSON object, got int"),
        (None, "got NoneType"),
        ([record()], "got list"),
    ],
)
def test_unreadable_payloads_raise_naming_expected_and_received(source, message):
    with pytest.raises(RemotePayloadError, match=r"^statuspage payload") as info:
        statuspage.load(source)

    assert message in str(info.value)
    assert "statuspage" == info.value.source


def test_a_json_lines_error_names_the_line():
    good = json.dumps({"incident": record()})
    text = f"{good}\n{good}\n{{broken\n"

    with pytest.raises(RemotePayloadError, match="at line 3: expected one JSON value"):
        statuspage.load(text)
    with pytest.raises(RemotePayloadError, match="at line 2: expected a Statuspage"):
        statuspage.load(f"{good}\n[1]\n")
    with pytest.raises(RemotePayloadError, match="at line 2: expected JSON, got nest"):
        statuspage.load(f"{good}\n{'[' * 100_000}\n")


def test_a_directory_is_not_a_payload(tmp_path):
    with pytest.raises(RemotePayloadError, match="readable file"):
        statuspage.load(tmp_path)


# -- the real payloads ----------------------------------------------------------------


def raw_incidents(path):
    return json.loads(path.read_text(encoding="utf-8"))["incidents"]


def test_the_2026_incidents_response():
    raw = raw_incidents(INCIDENTS_2026)
    impacts = collections.Counter(i["impact"] for i in raw)
    no_monitoring = sum(1 for i in raw if i["monitoring_at"] is None)
    backfilled = [i["id"] for i in raw if i["created_at"] == i["resolved_at"]]
    nameless = sum(
        1
        for i in raw
        if not i["components"]
        and all(not u["affected_components"] for u in i["incident_updates"])
    )
    assert (20, {"minor": 8, "major": 6, "critical": 5, "none": 1}) == (
        len(raw),
        impacts,
    )
    assert (7, ["594m87r8sw13"], 4) == (no_monitoring, backfilled, nameless)

    incidents, findings = statuspage.load(INCIDENTS_2026)

    assert 20 == len(incidents)
    assert {Severity.P1: 5, Severity.P2: 6, Severity.P3: 9} == collections.Counter(
        i.severity for i in incidents
    )
    assert {
        "statuspage-mitigated-from-resolved": 7,
        "statuspage-null-components": 4,
        "statuspage-backfilled": 1,
        "statuspage-start-after-resolve": 1,
    } == codes(findings)
    biggest = next(i for i in incidents if i.labels["statuspage.id"] == "8vfyvq16hzh9")
    assert 18 == len(biggest.timeline.of_kind(StatusUpdatePosted))


def test_the_2024_incidents_response():
    raw = raw_incidents(INCIDENTS_2024)
    assert 2 == sum(1 for i in raw if i["monitoring_at"] is None)
    assert ["r3x7x31k7nn1"] == [
        i["id"]
        for i in raw
        if not i["components"]
        and all(not u["affected_components"] for u in i["incident_updates"])
    ]

    incidents, findings = statuspage.load(INCIDENTS_2024)

    assert ["r3x7x31k7nn1", "69sb0f8lydp4"] == [
        i.labels["statuspage.id"] for i in incidents
    ]
    assert [None, "Actions"] == [i.service for i in incidents]
    assert "Actions, Pages" == incidents[1].labels["statuspage.components"]
    assert {
        "statuspage-mitigated-from-resolved": 2,
        "statuspage-null-components": 1,
    } == codes(findings)


def test_the_summary_has_no_incidents_and_nothing_to_report():
    assert [] == json.loads(SUMMARY.read_text(encoding="utf-8"))["incidents"]
    assert Imported((), ()) == statuspage.load(SUMMARY)


# -- hostile input --------------------------------------------------------------------

junk = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    st.text(max_size=8),
    st.sampled_from(
        [
            "",
            " ",
            "\ud800",
            "Z",
            "2024-06-01T14:00:00Z",
            "2024-06-01T14:00:00.123-07:00",
            "2024-06-01T05:00:00.123-08:00",
            "2024-06-01T14:00:00",
            "0001-01-01T00:00:00Z",
            "9999-12-31T23:59:59-14:00",
            "0001-01-01T00:00:00+14:00",
            "<" * 50,
            "&#xd800;&amp;<br>",
            "resolved",
            "monitoring",
            "critical",
        ]
    ),
    st.lists(st.integers(0, 3), max_size=2),
    st.dictionaries(st.sampled_from(["id", "name", "code"]), st.text(max_size=3)),
)
FIELDS = [
    "id",
    "name",
    "status",
    "impact",
    "created_at",
    "started_at",
    "monitoring_at",
    "resolved_at",
    "shortlink",
    "page_id",
    "components",
    "incident_updates",
]
UPDATE_FIELDS = ["status", "body", "display_at", "created_at", "affected_components"]


@st.composite
def messy_records(draw):
    incident = record()
    for field in draw(st.lists(st.sampled_from(FIELDS), max_size=4)):
        if draw(st.booleans()):
            incident.pop(field, None)
        else:
            incident[field] = draw(junk)
    updates = incident.get("incident_updates")
    if isinstance(updates, list) and updates:
        updates = copy.deepcopy(updates)
        for _ in range(draw(st.integers(0, 3))):
            index = draw(st.integers(0, len(updates) - 1))
            field = draw(st.sampled_from(UPDATE_FIELDS))
            if not isinstance(updates[index], dict):
                continue
            if draw(st.booleans()):
                updates[index].pop(field, None)
            else:
                updates[index][field] = draw(junk)
        incident["incident_updates"] = draw(st.permutations(updates))
    return incident if draw(st.integers(0, 9)) else draw(junk)


def check(result, records):
    incidents, findings = result
    rejected = [f for f in findings if f.code == "statuspage-rejected"]
    assert records == len(incidents) + len(rejected)
    for inc in incidents:
        assert inc.id.startswith("statuspage:")
        assert inc.detected_at is None
        for name in ("started_at", "declared_at", "mitigated_at", "resolved_at"):
            value = getattr(inc, name)
            assert value is None or value.tzinfo is UTC
    for finding in findings:
        assert finding.code.startswith("statuspage-")
        assert finding.subject


@given(
    st.lists(messy_records(), max_size=4), st.sampled_from(["dict", "text", "jsonl"])
)
def test_messy_records_give_incidents_and_findings(records, form):
    source: Any = {"page": {"id": "p"}, "incidents": records}
    if form == "text":
        source = json.dumps(source)
    elif form == "jsonl":
        if not all(isinstance(r, dict) for r in records) or not records:
            return
        source = "\n".join(json.dumps({"incident": r}) for r in records)

    check(statuspage.load(source), len(records))


json_values = st.recursive(
    junk,
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(st.text(max_size=4), inner, max_size=3)
    ),
    max_leaves=12,
)


@given(
    st.one_of(
        # Never a bare string: that would be read as a path.
        json_values.filter(lambda value: not isinstance(value, str)),
        st.dictionaries(
            st.sampled_from(["incidents", "incident", "page", "id", "x"]),
            json_values,
            max_size=3,
        ),
        st.text(max_size=30).map(lambda t: "{" + t),
        st.binary(max_size=30),
    )
)
def test_any_payload_gives_a_result_or_a_remote_payload_error(payload):
    try:
        incidents, findings = statuspage.load(payload)
    except RemotePayloadError as exc:
        error = str(exc)
    else:
        error = "statuspage payload (read)"
        assert isinstance(incidents, tuple)
        assert isinstance(findings, tuple)
    assert error.startswith("statuspage payload")
