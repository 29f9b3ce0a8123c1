"""
DataFrames: incidents, summaries and timelines as tables for analysts.

* `to_records`: one plain ``dict`` per incident (no pandas needed).
* `to_dataframe`: the same as a pandas DataFrame with documented dtypes.
* `summary_dataframe`: the summaries of ``metrics.summarize(..., by=...)``, one row
  per group.
* `timeline_dataframe`: an incident's timeline, one row per event.

The incident columns come in a fixed order (`INCIDENT_COLUMNS`): ``id``,
``title``, ``severity``, ``status``, ``service``, ``category``, the milestones
(`incidentkit.spans.MILESTONES`), the named spans (``time_to_detect``,
``time_to_acknowledge``, ``time_to_restore``, ``time_to_resolve``), then one
``label.<key>`` column per label key any incident has, sorted by key.

A span is measured as `incidentkit.spans.Span.measure` measures it: ``None``
(``NaT`` in a DataFrame) when a milestone is missing, when the incident has not
got that far yet, and when the record contradicts itself (a negative or zero
duration), as the metrics count those apart and never summarise them.
``Span.measure`` says which of these it is.

pandas is an optional extra (``pip install 'incidentkit[pandas]'``), imported
only when a DataFrame is asked for: ``import incidentkit.frames`` does not
import it.

Example:
    >>> from datetime import datetime, timedelta, timezone
    >>> from incidentkit import Incident, frames
    >>> t0 = datetime(2024, 6, 1, 14, 0, tzinfo=timezone.utc)
    >>> inc = Incident.declare("Checkout down", severity="P2", declared_by="ana",
    ...                        at=t0, started_at=t0 - timedelta(minutes=7),
    ...                        labels={"team": "payments"})
    >>> row = frames.to_records([inc])[0]
    >>> row["severity"], str(row["time_to_detect"]), row["label.team"]
    ('P2', '0:07:00', 'payments')
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable, Mapping
from operator import attrgetter
from typing import TYPE_CHECKING, Any, Final

from ._lifecycle import Status
from .errors import ValidationError
from .incident import Incident
from .metrics import DurationSummary
from .severity import Severity
from .spans import MILESTONES, NAMED_SPANS, IncidentRecord, Milestoned, Span
from .timeline import Timeline


if TYPE_CHECKING:
    import pandas  # noqa: ICN001 - documented as pandas.DataFrame


__all__ = [
    "INCIDENT_COLUMNS",
    "LABEL_PREFIX",
    "SPAN_COLUMNS",
    "SUMMARY_COLUMNS",
    "TIMELINE_COLUMNS",
    "summary_dataframe",
    "timeline_dataframe",
    "to_dataframe",
    "to_records",
]

LABEL_PREFIX: Final = "label."
"""What a label column's name starts with: the label ``team`` is ``label.team``."""

SPAN_COLUMNS: Final[Mapping[str, Span]] = {
    f"time_to_{short}": span for short, span in NAMED_SPANS.items()
}
"""The span columns by name (``time_to_restore``...), each with the span it measures."""

_TEXT_COLUMNS: Final = ("id", "title", "severity", "status", "service", "category")

INCIDENT_COLUMNS: Final[tuple[str, ...]] = (
    *_TEXT_COLUMNS,
    *MILESTONES,
    *SPAN_COLUMNS,
)
"""The columns every incident table has, in order; label columns follow them."""

SUMMARY_COLUMNS: Final[tuple[str, ...]] = (
    "group",
    "n",
    "open",
    "missing",
    "invalid",
    "median",
    "median_ci_low",
    "median_ci_high",
    "p90",
    "p95",
    "geometric_mean",
    "mean",
    "min",
    "max",
)
"""The columns of `summary_dataframe`, in order."""

TIMELINE_COLUMNS: Final[tuple[str, ...]] = ("at", "kind", "by", "summary")
"""The columns of `timeline_dataframe`, in order."""

_SEVERITIES: Final[tuple[str, ...]] = tuple(level.value for level in Severity)
_SEVERITY_CODE: Final[Mapping[Severity, int]] = {
    level: code for code, level in enumerate(Severity)
}
_STATUS_VALUE: Final[Mapping[Status, str]] = {status: status.value for status in Status}
_ID: Final = attrgetter("id")
_TITLE: Final = attrgetter("title")
_SEVERITY: Final = attrgetter("severity")
_STATUS: Final = attrgetter("status")
_SERVICE: Final = attrgetter("service")
_CATEGORY: Final = attrgetter("category")
_INCIDENT_TYPES: Final = (Incident, IncidentRecord)
_EXPECTED: Final = "an Incident or IncidentRecord"
_PANDAS_MISSING: Final = (
    "incidentkit.frames needs pandas for DataFrames: pip install 'incidentkit[pandas]'"
)
_DATETIME: Final = "datetime64[us, UTC]"
_TIMEDELTA: Final = "timedelta64[us]"


def _pandas() -> Any:
    try:
        import pandas as pd  # noqa: PLC0415 - an optional extra, imported when used
    except ImportError as exc:
        raise ImportError(_PANDAS_MISSING) from exc
    return pd


def _incidents(incidents: Iterable[Milestoned]) -> list[Milestoned]:
    """Take *incidents* into a list, refusing anything that is not incidents."""
    if isinstance(incidents, (str, bytes, Mapping, *_INCIDENT_TYPES)):
        raise ValidationError.for_field(
            "incidents", "an iterable of Incident or IncidentRecord values", incidents
        )
    try:
        iterator = iter(incidents)
    except TypeError:
        raise ValidationError.for_field(
            "incidents", "an iterable of Incident or IncidentRecord values", incidents
        ) from None
    items = list(iterator)  # a generator's own TypeError is its own
    # One set of types instead of an isinstance per incident; the position is
    # looked for only when something is wrong.
    if not all(issubclass(kind, _INCIDENT_TYPES) for kind in set(map(type, items))):
        for index, item in enumerate(items):
            if not isinstance(item, _INCIDENT_TYPES):
                raise ValidationError.for_field(f"incidents[{index}]", _EXPECTED, item)
    return items


def _label_columns(items: list[Milestoned]) -> dict[str, list[str | None]]:
    """Every label key's column (``None`` where an incident lacks it), keys sorted."""
    n = len(items)
    columns: dict[str, list[str | None]] = {}
    for index, incident in enumerate(items):
        labels = incident.labels
        for key in labels:  # keys, then lookups: quicker than a Mapping's items()
            column = columns.get(key)
            if column is None:
                column = columns[key] = [None] * n
            column[index] = labels[key]
    return {LABEL_PREFIX + key: columns[key] for key in sorted(columns)}


def to_records(incidents: Iterable[Milestoned]) -> list[dict[str, Any]]:
    """
    Return one plain ``dict`` per incident, in the order of `INCIDENT_COLUMNS`.

    No pandas needed.  Values: ``severity`` and ``status`` as their values
    (``"P1"``, ``"resolved"``), the milestones as aware UTC datetimes or
    ``None``, the spans as timedeltas or ``None`` (missing, still open, negative
    or zero: see the module docs), and every label key any incident has as a
    ``label.<key>`` column, sorted by key, ``None`` where an incident lacks it.

    Args:
        incidents: `incidentkit.incident.Incident` or
            `incidentkit.spans.IncidentRecord` values, from any iterable (read
            once).

    Returns:
        One dict per incident, in the order given.

    Raises:
        ValidationError: If *incidents* is not an iterable of incidents; the
            field names the position of the first bad item (``incidents[3]``).

    Example:
        >>> from datetime import datetime, timezone
        >>> from incidentkit import Incident
        >>> from incidentkit.frames import to_records
        >>> t0 = datetime(2024, 6, 1, 14, 0, tzinfo=timezone.utc)
        >>> inc = Incident.declare("Search slow", severity="P3", declared_by="li",
        ...                        at=t0)
        >>> row = to_records([inc])[0]
        >>> list(row)[:6]
        ['id', 'title', 'severity', 'status', 'service', 'category']
        >>> row["status"], row["declared_at"] == t0, row["time_to_restore"]
        ('investigating', True, None)
    """
    items = _incidents(incidents)
    labels = _label_columns(items)
    records: list[dict[str, Any]] = []
    for index, incident in enumerate(items):
        record: dict[str, Any] = {
            "id": incident.id,
            "title": incident.title,
            "severity": incident.severity.value,
            "status": incident.status.value,
            "service": incident.service,
            "category": incident.category,
        }
        for name in MILESTONES:
            record[name] = getattr(incident, name)
        for column, span in SPAN_COLUMNS.items():
            record[column] = span.measure(incident).duration
        for column, values in labels.items():
            record[column] = values[index]
        records.append(record)
    return records


def _objects(pd: Any, values: list[Any]) -> Any:
    """*values* as an ``object`` Series, as they are."""
    import numpy as np  # noqa: PLC0415 - installed with pandas

    # fromiter: numpy's list conversion would look into every value (pandas 2
    # takes seven times as long for datetimes); dtype=object: pandas 3 would
    # infer "str" for texts.
    array = np.fromiter(values, dtype=object, count=len(values))
    return pd.Series(array, dtype=object, copy=False)


def _strings(pd: Any, values: list[str | None]) -> Any:
    """Texts (or ``None``) in the string dtype this pandas infers for texts."""
    # object on pandas 2, "str" on pandas 3; named, so that a column of None
    # only (or no rows at all) has the dtype of a column of texts.
    return _objects(pd, values).astype(pd.Series(["text"]).dtype)


def _instants(pd: Any, values: list[dt.datetime | None]) -> Any:
    """Aware UTC datetimes (or ``None``) as a ``datetime64[us, UTC]`` series."""
    return pd.to_datetime(_objects(pd, values), utc=True).astype(_DATETIME)


def _durations(pd: Any, values: list[dt.timedelta | None]) -> Any:
    """Timedeltas (or ``None``) as a ``timedelta64[us]`` series."""
    return pd.to_timedelta(_objects(pd, values)).astype(_TIMEDELTA)


def to_dataframe(incidents: Iterable[Milestoned]) -> pandas.DataFrame:
    """
    Return the incidents as a pandas DataFrame, one row per incident.

    The columns are those of `to_records`, in the same order, with these dtypes:

    * ``id``, ``title``, ``status``, ``service``, ``category`` and the
      ``label.<key>`` columns: the dtype the installed pandas gives texts, so
      the frame joins with your others: ``object`` on pandas 2 (missing values
      ``None``), ``str`` on pandas 3 (missing values ``NaN``).  A column with no
      text at all has that dtype too;
    * ``severity``: an ordered ``category`` with the categories ``P1``, ``P2``,
      ``P3`` in that order (``P1`` first, so ``sort_values("severity")`` puts
      the worst first and ``df.severity <= "P2"`` selects P1 and P2);
    * the milestones: ``datetime64[us, UTC]``, ``NaT`` where unset.
      Microseconds are the resolution of Python's datetimes, so nothing is
      rounded and any year from 1 to 9999 fits (nanoseconds stop at 2262);
    * the spans: ``timedelta64[us]``, ``NaT`` where unmeasured (missing, still
      open, negative or zero).

    The columns are built one at a time from the incidents' attributes, with
    pandas' vectorised conversions; spans are differences of the milestone
    columns.

    Args:
        incidents: `incidentkit.incident.Incident` or
            `incidentkit.spans.IncidentRecord` values, from any iterable (read
            once).

    Returns:
        The DataFrame, indexed 0 to n - 1 in the order given; with no incidents,
        an empty frame with the columns of `INCIDENT_COLUMNS` and their dtypes.

    Raises:
        ValidationError: If *incidents* is not an iterable of incidents; the
            field names the position of the first bad item (``incidents[3]``).
        ImportError: If pandas is not installed.

    Example:
        >>> from datetime import datetime, timedelta, timezone
        >>> from incidentkit import Incident
        >>> from incidentkit.frames import to_dataframe
        >>> t0 = datetime(2024, 6, 1, 14, 0, tzinfo=timezone.utc)
        >>> inc = Incident.declare("Checkout down", severity="P1",
        ...                        declared_by="ana", at=t0, started_at=t0)
        >>> inc = inc.mitigate(at=t0 + timedelta(minutes=41), how="rolled back")
        >>> df = to_dataframe([inc])
        >>> str(df["time_to_restore"][0]), str(df["mitigated_at"].dtype)
        ('0 days 00:41:00', 'datetime64[us, UTC]')
    """
    pd = _pandas()
    items = _incidents(incidents)
    columns: dict[str, Any] = {
        "id": _strings(pd, list(map(_ID, items))),
        "title": _strings(pd, list(map(_TITLE, items))),
        "severity": pd.Series(
            pd.Categorical.from_codes(
                [_SEVERITY_CODE[s] for s in map(_SEVERITY, items)],
                dtype=pd.CategoricalDtype(_SEVERITIES, ordered=True),
            ),
            copy=False,
        ),
        "status": _strings(pd, [_STATUS_VALUE[s] for s in map(_STATUS, items)]),
        "service": _strings(pd, list(map(_SERVICE, items))),
        "category": _strings(pd, list(map(_CATEGORY, items))),
    }
    for name in MILESTONES:
        columns[name] = _instants(pd, list(map(attrgetter(name), items)))
    zero = pd.Timedelta(0)
    for column, span in SPAN_COLUMNS.items():
        duration = columns[span.end] - columns[span.start]
        columns[column] = duration.where(duration > zero).astype(_TIMEDELTA)
    for column, values in _label_columns(items).items():
        columns[column] = _strings(pd, values)
    return pd.DataFrame(columns, copy=False)


def _summaries(
    summaries: Mapping[Any, DurationSummary] | DurationSummary,
) -> list[tuple[Any, DurationSummary]]:
    if isinstance(summaries, DurationSummary):
        return [(None, summaries)]
    if not isinstance(summaries, Mapping):
        raise ValidationError.for_field(
            "summaries",
            "a DurationSummary or a mapping of groups to them (summarize(..., by=))",
            summaries,
        )
    rows = list(summaries.items())
    for key, summary in rows:
        if not isinstance(summary, DurationSummary):
            raise ValidationError.for_field(
                f"summaries[{key!r}]", "a DurationSummary", summary
            )
    return rows


def _group(key: object) -> object:
    return key.value if isinstance(key, enum.Enum) else key


def summary_dataframe(
    summaries: Mapping[Any, DurationSummary] | DurationSummary,
) -> pandas.DataFrame:
    """
    Return summaries as a DataFrame, one row per group.

    The columns (`SUMMARY_COLUMNS`): ``group`` (``object``: the group's key, an
    enum such as a `incidentkit.severity.Severity` as its value ``"P1"``, other keys as
    they are, ``None`` for a single summary), the counts ``n``, ``open``,
    ``missing`` and ``invalid`` (negative and zero together) as ``int64``, and
    the durations ``median``, ``median_ci_low``, ``median_ci_high`` (the
    bootstrap interval), ``p90``, ``p95``, ``geometric_mean``, ``mean``,
    ``min``, ``max`` as ``timedelta64[us]``, ``NaT`` where a summary has none.

    Args:
        summaries: What ``metrics.summarize(..., by=...)`` returns (any mapping
            from group to `incidentkit.metrics.DurationSummary`), or a single
            summary.

    Returns:
        The DataFrame, rows in the mapping's order.

    Raises:
        ValidationError: If *summaries* is neither a summary nor a mapping of
            them.
        ImportError: If pandas is not installed.

    Example:
        >>> from datetime import datetime, timedelta, timezone
        >>> from incidentkit import Incident, metrics
        >>> from incidentkit.frames import summary_dataframe
        >>> t0 = datetime(2024, 6, 1, 14, 0, tzinfo=timezone.utc)
        >>> inc = Incident.declare("Checkout down", severity="P1",
        ...                        declared_by="ana", at=t0, started_at=t0)
        >>> inc = inc.mitigate(at=t0 + timedelta(minutes=41), how="rolled back")
        >>> df = summary_dataframe(metrics.summarize([inc], by="severity"))
        >>> df[["group", "n"]].to_dict("list")
        {'group': ['P1', 'P2', 'P3'], 'n': [1, 0, 0]}
        >>> str(df["median"][0])
        '0 days 00:41:00'
    """
    pd = _pandas()
    rows = _summaries(summaries)
    counts = {
        "n": [s.n for _, s in rows],
        "open": [s.open for _, s in rows],
        "missing": [s.missing for _, s in rows],
        "invalid": [sum(s.invalid.values()) for _, s in rows],
    }
    durations: dict[str, list[dt.timedelta | None]] = {
        "median": [s.median for _, s in rows],
        "median_ci_low": [
            None if s.median_ci is None else s.median_ci[0] for _, s in rows
        ],
        "median_ci_high": [
            None if s.median_ci is None else s.median_ci[1] for _, s in rows
        ],
        "p90": [s.p90 for _, s in rows],
        "p95": [s.p95 for _, s in rows],
        "geometric_mean": [s.geometric_mean for _, s in rows],
        "mean": [s.mean for _, s in rows],
        "min": [s.min for _, s in rows],
        "max": [s.max for _, s in rows],
    }
    columns: dict[str, Any] = {"group": _objects(pd, [_group(k) for k, _ in rows])}
    for name, numbers in counts.items():
        columns[name] = pd.Series(numbers, dtype="int64")
    for name, values in durations.items():
        columns[name] = _durations(pd, values)
    return pd.DataFrame(columns, copy=False)


def timeline_dataframe(incident_or_timeline: Incident | Timeline) -> pandas.DataFrame:
    """
    Return a timeline as a DataFrame, one row per event, in time order.

    The columns (`TIMELINE_COLUMNS`): ``at`` (``datetime64[us, UTC]``), ``kind``
    (the event's wire tag, such as ``"declared"`` or
    ``"status_update_posted"``: `incidentkit.timeline.Event.kind`), ``by`` (who
    did it, or missing) and ``summary`` (its one-line description,
    `incidentkit.timeline.Event.describe`: a note's text, ``"escalated P2 →
    P1"``...), the last three in pandas' string dtype (as in `to_dataframe`).

    Args:
        incident_or_timeline: An `incidentkit.incident.Incident` (its timeline)
            or an `incidentkit.timeline.Timeline`.

    Returns:
        The DataFrame, indexed 0 to n - 1.

    Raises:
        ValidationError: If the argument is neither an incident nor a timeline.
        ImportError: If pandas is not installed.

    Example:
        >>> from datetime import datetime, timedelta, timezone
        >>> from incidentkit import Incident
        >>> from incidentkit.frames import timeline_dataframe
        >>> t0 = datetime(2024, 6, 1, 14, 0, tzinfo=timezone.utc)
        >>> inc = Incident.declare("Checkout down", severity="P2",
        ...                        declared_by="ana", at=t0)
        >>> inc = inc.note("pool exhausted", at=t0 + timedelta(minutes=3), by="raj")
        >>> df = timeline_dataframe(inc)
        >>> list(df["kind"])
        ['declared', 'role_assigned', 'note']
        >>> df["by"].iloc[-1], df["summary"].iloc[-1]
        ('raj', 'pool exhausted')
    """
    pd = _pandas()
    if isinstance(incident_or_timeline, Incident):
        events = incident_or_timeline.timeline.events
    elif isinstance(incident_or_timeline, Timeline):
        events = incident_or_timeline.events
    else:
        raise ValidationError.for_field(
            "incident_or_timeline", "an Incident or a Timeline", incident_or_timeline
        )
    columns = {
        "at": _instants(pd, [event.at for event in events]),
        "kind": _strings(pd, [event.kind for event in events]),
        "by": _strings(pd, [event.by for event in events]),
        "summary": _strings(pd, [event.describe() for event in events]),
    }
    return pd.DataFrame(columns, copy=False)
