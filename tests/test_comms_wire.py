"""The structured status-update fields on the wire: old documents still load."""

import datetime as dt
import json
from pathlib import Path

import pytest

from incidentkit import Audience, Incident, Status, ValidationError, serialization
from incidentkit.comms import StatusUpdate, audit
from incidentkit.timeline import StatusUpdatePosted, Timeline


UTC = dt.timezone.utc
FIXTURES = Path(__file__).parent / "fixtures"
EMPTY = (None, None, None, None, (), None)


def structured(event):
    return (
        event.status,
        event.known,
        event.doing,
        event.impact,
        event.owners,
        event.stand_by,
    )


def test_the_hand_written_version_1_document_still_loads():
    text = (FIXTURES / "incident_v1.json").read_text(encoding="utf-8")
    inc = serialization.loads(text, Incident)
    (event,) = inc.timeline.of_kind(StatusUpdatePosted)
    assert "We are investigating failed payments." == event.text
    assert dt.datetime(2024, 6, 1, 14, 30, tzinfo=UTC) == event.next_update_at
    assert EMPTY == structured(event)


def test_a_document_written_before_the_structured_fields_still_loads():
    text = (FIXTURES / "incident_pre_comms.json").read_text(encoding="utf-8")
    assert "known" not in text
    inc = serialization.loads(text, Incident)
    events = inc.timeline.of_kind(StatusUpdatePosted)
    assert [
        ("internal", "We are aware of checkout errors and investigating."),
        ("public", "We are investigating failed payments."),
        ("public", "Still investigating."),
    ] == [(e.audience.value, e.text) for e in events]
    assert [EMPTY] * 3 == [structured(e) for e in events]
    # The audit reads it: free-text updates lack the structured elements.
    report = audit(inc, dt.datetime(2024, 6, 1, 15, 30, tzinfo=UTC))
    assert 3 == len(report.incomplete)
    assert ("what we know", "what we are doing", "next update time") == (
        report.incomplete[2].missing
    )


def test_an_old_timeline_alone_still_loads():
    data = json.loads((FIXTURES / "incident_pre_comms.json").read_text("utf-8"))
    timeline = serialization.from_dict(data["timeline"], Timeline)
    assert 3 == len(timeline.of_kind(StatusUpdatePosted))


def test_structured_updates_are_written_and_read_back():
    t0 = dt.datetime(2024, 6, 1, 14, 0, tzinfo=UTC)
    inc = Incident.declare("API down", severity="P1", at=t0, declared_by="ana")
    update = StatusUpdate(
        audience=Audience.INTERNAL,
        at=t0 + dt.timedelta(minutes=4),
        status=Status.INVESTIGATING,
        known="Every request fails.",
        doing="Investigating.",
        impact="No orders.",
        owners=("ana (commander)",),
        stand_by=True,
        next_update_at=t0 + dt.timedelta(minutes=30),
    )
    inc = inc.post(update)
    written = serialization.to_dict(inc)
    event = written["timeline"][-1]
    assert {
        "kind": "status_update_posted",
        "at": "2024-06-01T14:04:00Z",
        "by": None,
        "audience": "internal",
        "text": "Every request fails. Investigating.",
        "next_update_at": "2024-06-01T14:30:00Z",
        "status": "investigating",
        "known": "Every request fails.",
        "doing": "Investigating.",
        "impact": "No orders.",
        "owners": ["ana (commander)"],
        "stand_by": True,
    } == event
    back = serialization.from_dict(written, Incident)
    assert inc == back
    assert update == StatusUpdate.from_event(
        back.timeline.of_kind(StatusUpdatePosted)[0]
    )


def old_event(**extra):
    return {
        "kind": "status_update_posted",
        "at": "2024-06-01T14:04:00Z",
        "by": None,
        "audience": "public",
        "text": "Looking into it.",
        "next_update_at": None,
        **extra,
    }


def test_a_document_with_some_of_the_new_keys_loads():
    timeline = serialization.from_dict([old_event(known="Logins fail.")], Timeline)
    (event,) = timeline.of_kind(StatusUpdatePosted)
    assert ("Logins fail.", None, ()) == (event.known, event.doing, event.owners)


def test_unknown_keys_are_still_refused():
    with pytest.raises(ValidationError, match="mood"):
        serialization.from_dict([old_event(mood="calm")], Timeline)


@pytest.mark.parametrize(
    ("extra", "match"),
    [
        ({"owners": "ana"}, "owners"),
        ({"stand_by": "yes"}, "stand_by"),
        ({"status": "fixed"}, "status"),
        ({"known": ""}, "known"),
    ],
)
def test_bad_structured_values_are_refused_naming_the_field(extra, match):
    with pytest.raises(ValidationError, match=match):
        serialization.from_dict([old_event(**extra)], Timeline)


def test_old_documents_still_need_their_old_keys():
    event = old_event()
    del event["next_update_at"]
    with pytest.raises(ValidationError, match="next_update_at"):
        serialization.from_dict([event], Timeline)
