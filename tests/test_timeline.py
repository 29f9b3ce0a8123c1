import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from incidentkit import Audience, Role, Severity, Status, Timeline, ValidationError
from incidentkit.timeline import (
    EVENT_TYPES,
    Acknowledged,
    Declared,
    MitigationApplied,
    Note,
    RoleAssigned,
    RoleHandedOff,
    RoleRelieved,
    SeverityChanged,
    StatusChanged,
    StatusUpdatePosted,
)

from .strategies import events


UTC = dt.timezone.utc
T0 = dt.datetime(2024, 6, 1, 14, 0, tzinfo=UTC)
MIN = dt.timedelta(minutes=1)


class TestOrder:
    def test_events_are_kept_in_time_order(self):
        late, early = Note(at=T0 + MIN, text="late"), Note(at=T0, text="early")

        assert [early, late] == list(Timeline([late, early]))

    def test_equal_times_keep_insertion_order(self):
        tl = Timeline()
        for text in ["a", "b", "c"]:
            tl = tl.add(Note(at=T0, text=text))
        tl = tl.add(Note(at=T0 - MIN, text="before"))

        assert ["before", "a", "b", "c"] == [e.text for e in tl.of_kind(Note)]

    @given(st.lists(events, max_size=30))
    def test_adding_one_by_one_equals_a_stable_sort(self, items):
        tl = Timeline()
        for event in items:
            tl = tl.add(event)

        assert sorted(items, key=lambda e: e.at) == list(tl)
        assert Timeline(items) == tl

    def test_adding_keeps_the_original_unchanged(self):
        tl = Timeline()

        tl.add(Note(at=T0, text="x"))

        assert 0 == len(tl)

    def test_only_events_are_accepted(self):
        with pytest.raises(ValidationError, match=r"'events\[1\]' must be a timeline"):
            Timeline([Note(at=T0, text="x"), "y"])  # type: ignore[list-item]
        with pytest.raises(ValidationError, match=r"'event' must be a timeline event"):
            Timeline().add("y")  # type: ignore[arg-type]


class TestQueries:
    tl = Timeline(
        [
            Note(at=T0, text="a"),
            Acknowledged(at=T0 + MIN, by="ana"),
            Note(at=T0 + 2 * MIN, text="b"),
            Note(at=T0 + 3 * MIN, text="c"),
        ]
    )

    def test_of_kind_first_last(self):
        assert ["a", "b", "c"] == [e.text for e in self.tl.of_kind(Note)]
        assert "a" == self.tl.first(Note).text  # type: ignore[union-attr]
        assert "c" == self.tl.last(Note).text  # type: ignore[union-attr]
        assert self.tl.first(Declared) is None
        assert self.tl.last(Declared) is None

    def test_between_is_half_open(self):
        window = self.tl.between(T0 + MIN, T0 + 3 * MIN)

        assert [T0 + MIN, T0 + 2 * MIN] == [e.at for e in window]

    def test_between_open_ends(self):
        assert 4 == len(self.tl.between())
        assert 2 == len(self.tl.between(start=T0 + 2 * MIN))
        assert 1 == len(self.tl.between(end=T0 + MIN))
        assert 0 == len(self.tl.between(T0 + 3 * MIN, T0))

    @given(st.lists(events, max_size=20), st.data())
    def test_between_equals_brute_force(self, items, data):
        tl = Timeline(items)
        ats = [e.at for e in items] or [T0]
        start = data.draw(st.sampled_from(ats))
        end = data.draw(st.sampled_from(ats))

        assert [e for e in tl if start <= e.at < end] == list(tl.between(start, end))

    def test_indexing(self):
        assert "a" == self.tl[0].text  # type: ignore[union-attr]
        assert 2 == len(self.tl[1:3])


class TestEvents:
    def test_times_are_normalised_to_utc(self):
        plus2 = dt.timezone(dt.timedelta(hours=2))

        note = Note(at=dt.datetime(2024, 6, 1, 16, 0, tzinfo=plus2), text="x")

        assert T0 == note.at
        assert UTC is note.at.tzinfo

    def test_naive_time_is_an_error(self):
        with pytest.raises(ValidationError, match=r"'at' must be a timezone-aware"):
            Note(at=dt.datetime(2024, 6, 1), text="x")

    def test_blank_text_is_an_error(self):
        with pytest.raises(ValidationError, match=r"'text' must be a non-empty string"):
            Note(at=T0, text="  ")

    def test_blank_by_is_an_error(self):
        with pytest.raises(
            ValidationError, match=r"'by' must be a non-empty string or None"
        ):
            Note(at=T0, text="x", by="")

    def test_wrong_enum_is_an_error(self):
        with pytest.raises(ValidationError, match=r"'new' must be a Severity"):
            SeverityChanged(at=T0, old=Severity.P2, new="P1")  # type: ignore[arg-type]

    def test_kinds_are_unique(self):
        kinds = [cls.kind for cls in EVENT_TYPES]

        assert len(kinds) == len(set(kinds))

    @pytest.mark.parametrize(
        ("event", "text"),
        [
            (
                Declared(at=T0, title="Checkout", severity=Severity.P2),
                "declared P2: Checkout",
            ),
            (Acknowledged(at=T0, by="raj"), "acknowledged by raj"),
            (Acknowledged(at=T0), "acknowledged"),
            (
                SeverityChanged(at=T0, old=Severity.P2, new=Severity.P1, reason="peak"),
                "escalated P2 → P1 (peak)",
            ),
            (
                SeverityChanged(at=T0, old=Severity.P1, new=Severity.P3),
                "downgraded P1 → P3",
            ),
            (
                RoleAssigned(at=T0, role=Role.OPERATIONS_LEAD, person="raj"),
                "raj is Operations Lead",
            ),
            (
                RoleHandedOff(
                    at=T0,
                    role=Role.INCIDENT_COMMANDER,
                    from_person="ana",
                    to_person="lee",
                ),
                "Incident Commander handed off from ana to lee",
            ),
            (
                RoleRelieved(at=T0, role=Role("scribe"), person="mo"),
                "mo is no longer Scribe",
            ),
            (
                StatusChanged(at=T0, old=Status.INVESTIGATING, new=Status.MONITORING),
                "status investigating → monitoring",
            ),
            (
                StatusUpdatePosted(
                    at=T0, audience=Audience.PUBLIC, text="Investigating"
                ),
                "public update: Investigating",
            ),
            (MitigationApplied(at=T0, action="rollback"), "mitigation: rollback"),
            (Note(at=T0, text="hello"), "hello"),
        ],
    )
    def test_describe(self, event, text):
        assert text == event.describe()


class TestSharedStorage:
    """Appending shares storage with the old timeline; values never change."""

    def base(self):
        start = dt.datetime(2024, 6, 1, 14, 0, tzinfo=dt.timezone.utc)
        return start, Timeline([Note(at=start, text="a")])

    def test_two_appends_to_one_timeline_branch_apart(self):
        start, base = self.base()
        left = base.add(Note(at=start, text="left"))
        right = base.add(Note(at=start, text="right"))

        assert ["a"] == [e.text for e in base]
        assert ["a", "left"] == [e.text for e in left]
        assert ["a", "right"] == [e.text for e in right]
        assert left != right

    def test_appending_to_a_branch_does_not_reach_its_sibling(self):
        start, base = self.base()
        left = base.add(Note(at=start, text="left"))
        right = base.add(Note(at=start, text="right")).add(Note(at=start, text="r2"))
        longer = left.add(Note(at=start, text="l2"))

        assert ["a", "left", "l2"] == [e.text for e in longer]
        assert ["a", "right", "r2"] == [e.text for e in right]
        assert 2 == len(left) and "left" == left[-1].text

    def test_a_back_dated_event_goes_into_its_place_and_leaves_the_old_alone(self):
        start, base = self.base()
        later = base.add(Note(at=start + dt.timedelta(minutes=5), text="b"))
        earlier = later.add(Note(at=start - dt.timedelta(minutes=5), text="z"))

        assert ["z", "a", "b"] == [e.text for e in earlier]
        assert ["a", "b"] == [e.text for e in later]
        assert ["b", "a", "z"] == [e.describe() for e in reversed(earlier)]

    def test_threads_appending_to_one_timeline_each_get_their_own(self):
        import threading

        start, base = self.base()
        results: dict[int, Timeline] = {}
        barrier = threading.Barrier(8)

        def work(n):
            barrier.wait()
            tl = base
            for i in range(200):
                tl = tl.add(Note(at=start, text=f"{n}-{i}"))
            results[n] = tl

        threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

        for n, tl in results.items():
            assert ["a", *(f"{n}-{i}" for i in range(200))] == [
                e.describe() for e in tl
            ]

    def test_a_timeline_is_frozen_and_pickles(self):
        import pickle

        _, base = self.base()
        with pytest.raises(AttributeError):
            base._size = 0

        assert base == pickle.loads(pickle.dumps(base))
        assert hash(base) == hash(Timeline(base.events))


def test_a_range_query_never_sees_a_sibling_branch():
    start = dt.datetime(2024, 6, 1, 14, 0, tzinfo=dt.timezone.utc)
    base = Timeline([Note(at=start, text="a")])
    sibling = base.add(Note(at=start + dt.timedelta(minutes=5), text="sibling"))

    assert ["a"] == [e.describe() for e in base.between(start)]
    assert ["a"] == [
        e.describe() for e in base.between(None, start + dt.timedelta(hours=1))
    ]
    assert ["a", "sibling"] == [e.describe() for e in sibling.between(start)]
    assert ["a"] == [e.describe() for e in base]
    assert base.last(Note) is base[0]
