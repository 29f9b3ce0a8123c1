"""
Mutated documents of every public type: refused cleanly, or accepted and writable.

One leaf or branch of a valid document is replaced, deleted, duplicated or joined
by an unknown key.  Reading it must end in one incidentkit error that names a
problem (never a bare exception, never "unexpected"), or give a value that dumps
again, to a fixed point.  ``HYPOTHESIS_PROFILE=stress`` runs far more examples
and fails any document that takes a second or more to read;
``INCIDENTKIT_FUZZ_EXAMPLES`` sets the count outright.
"""

import contextlib
import copy
import json
import os
import time

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from incidentkit import serialization
from incidentkit.errors import IncidentKitError

from .test_public_types import EXAMPLES


STRESS = os.environ.get("HYPOTHESIS_PROFILE") == "stress"
COUNT = os.environ.get("INCIDENTKIT_FUZZ_EXAMPLES")
DOCUMENTS = sorted(
    (
        (cls, document)
        for cls, document in (
            (cls, serialization.to_dict(value)) for cls, value in EXAMPLES.items()
        )
        if isinstance(document, (dict, list)) and document
    ),
    key=lambda pair: pair[0].__qualname__,
)

junk = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.sampled_from([10**400, -1, 0, 1e308, 5e-324, -0.0, 2**63, 10**20]),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=6),
    st.sampled_from(
        ["", " ", "\ud800", "P1", "p1", "a" * 5000, "9999-12-31T23:59:59-14:00", "Z"]
    ),
    st.lists(st.integers(0, 3), max_size=3),
    st.dictionaries(st.text(max_size=3), st.integers(0, 3), max_size=2),
)


class Case:
    """One mutated document, shown by what was done to it (documents are large)."""

    def __init__(self, cls, document, verbatim, done):
        self.cls, self.document, self.verbatim, self.done = (
            cls,
            document,
            verbatim,
            done,
        )

    def __repr__(self):
        return f"Case({self.cls.__name__}: {self.done})"


def nodes(data, prefix=()):
    yield prefix, data
    if isinstance(data, dict):
        for key, value in data.items():
            yield from nodes(value, (*prefix, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from nodes(value, (*prefix, index))


@st.composite
def mutated(draw):
    cls, original = draw(st.sampled_from(DOCUMENTS))
    document = copy.deepcopy(original)
    places = [p for p, _ in nodes(document) if p and p != ("schema_version",)]
    path = draw(st.sampled_from(places))
    parent = document
    for step in path[:-1]:
        parent = parent[step]
    old = parent[path[-1]]
    operation = draw(st.sampled_from(["replace", "replace", "delete", "add", "twice"]))
    new = None
    if operation == "replace":
        new = draw(junk)
        parent[path[-1]] = new
    elif operation == "delete":
        del parent[path[-1]]
    elif operation == "add" and isinstance(old, dict):
        old[draw(st.text(max_size=4))] = draw(junk)
    elif operation == "twice" and isinstance(parent, list):
        parent.append(copy.deepcopy(old))
    else:
        parent[path[-1]] = [old]
    # Only a replacement by a value with one spelling must come back verbatim.
    # (An array may come back reordered where a set belongs: not verbatim.)
    verbatim = operation == "replace" and (
        new is None
        or isinstance(new, bool)
        or (isinstance(new, str) and not (isinstance(old, str) and old.endswith("Z")))
    )
    done = f"{operation} at {list(path)!r}" + (
        f" with {new!r:.80}" if operation == "replace" else ""
    )
    return Case(cls, document, verbatim, done)


SLOWEST = [0.0]


def _timed_read(document, cls):
    start = time.perf_counter()
    with contextlib.suppress(IncidentKitError):
        serialization.from_dict(document, cls)
    return time.perf_counter() - start


# the slowest read of a document, in seconds (reported under stress)


@settings(
    max_examples=int(COUNT) if COUNT else settings().max_examples,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(mutated())
def test_a_mutated_document_is_refused_cleanly_or_written_back(case):
    cls, document, verbatim = case.cls, case.document, case.verbatim
    start = time.perf_counter()
    try:
        value = serialization.from_dict(document, cls)
    except IncidentKitError as exc:
        message = str(exc)
        assert "unexpected " not in message, message
        assert "unknown error" not in message, message
        return
    finally:
        took = time.perf_counter() - start
        if STRESS and took >= 1.0:
            # A bug hunt also looks for documents that cost far more than their
            # size; a slow read that does not repeat was the machine, not us.
            took = _timed_read(document, cls)
            assert took < 1.0, f"{case!r} took {took:.2f} s, twice"
        SLOWEST[0] = max(SLOWEST[0], took)
    text = serialization.dumps(value)
    text.encode("utf-8")
    written = json.loads(text)
    assert written == serialization.to_dict(serialization.from_dict(written, cls))
    if verbatim:
        assert document == written


def teardown_module() -> None:
    if STRESS:
        print(f"\nslowest document read: {SLOWEST[0] * 1000:.0f} ms")  # noqa: T201
