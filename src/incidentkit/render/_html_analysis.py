"""HTML fragments of analysis results: classification, signals, cadence, metrics."""

from __future__ import annotations

from collections.abc import Hashable
from typing import Final

from incidentkit.classify import Classification
from incidentkit.comms import CadenceReport, DuePoint
from incidentkit.metrics import (
    Comparison,
    DurationSummary,
    Period,
    Recurrence,
    ResponseTiers,
    Summaries,
    Verdict,
)
from incidentkit.severity import Severity
from incidentkit.signals import Decision, GoldenDecisions, WindowValue

from ._html_base import (
    badge,
    card,
    cut,
    duration,
    findings_table,
    items,
    none,
    pairs,
    percent,
    table,
    user,
    when,
)


__all__ = [
    "cadence",
    "classification",
    "comparison",
    "decision",
    "golden",
    "recurrence",
    "summaries",
    "summary",
    "tiers",
]

TOP_GROUPS: Final = 10
"""How many recurrence groups a fragment lists."""


def _number(value: float | None, digits: int = 2) -> str:
    if value is None:
        return none()
    return f'<span class="ik-num">{value:.{digits}f}</span>'


def _strings(values: tuple[str, ...], empty: str = "none") -> str:
    return items((user(v) for v in values), empty=empty)


# -- classification and signals -----------------------------------------------------


def classification(c: Classification) -> str:
    """A severity, why, what would change it, and problems with the facts."""
    how = "no rule matched: the fallback level" if c.fallback else ""
    return card(
        f'<div class="ik-title">{badge(c.severity)} {c.severity.label}</div>',
        f'<div class="ik-meta">{how}</div>' if how else "",
        pairs(
            [
                ("Paging", c.policy.paging.value.replace("_", " ")),
                (
                    "Matched rules",
                    ", ".join(
                        f'<span class="ik-code">{user(m)}</span>' for m in c.matched
                    )
                    or none(),
                ),
            ]
        ),
        '<div class="ik-sub">Reasons</div>',
        _strings(c.reasons),
        '<div class="ik-sub">Still unknown</div>',
        _strings(c.unknowns, "nothing that would change the answer"),
        '<div class="ik-sub">Findings</div>',
        findings_table(c.findings),
        accent=c.severity.value.lower(),
    )


def _window(w: WindowValue) -> list[str]:
    return [
        user(w.label),
        duration(w.window),
        _number(w.value, 4),
        _number(w.burn_rate),
        _number(w.events, 0),
        percent(w.coverage),
    ]


def decision(d: Decision) -> str:
    """What a signal evaluator decided, with its windows and thresholds."""
    state = d.state.value
    if d.urgency is not None and d.state.is_alerting:
        state += f" ({d.urgency.value})"
    was = f"was {d.previous.value}" if d.changed else "unchanged"
    facts = [
        ("Evaluated at (UTC)", when(d.evaluated_at)),
        ("Objective", user(d.objective) if d.objective else none()),
        ("Rule", user(d.rule) if d.rule else none()),
    ]
    optional = [
        ("Budget consumed", d.budget_consumed, _share),
        ("Budget remaining", d.budget_remaining, _share),
        ("Headroom", d.headroom, _number),
        ("Quantile accuracy", d.accuracy, percent),
    ]
    facts.extend(
        (name, show(value)) for name, value, show in optional if value is not None
    )
    if d.time_to_exhaustion is not None:
        facts.append(("Exhausted in", duration(d.time_to_exhaustion)))
    if d.labels:
        shown = ", ".join(f"{user(k)}={user(v)}" for k, v in d.labels.items())
        facts.append(("Labels", shown))
    thresholds = ", ".join(
        f'{user(name)}: <span class="ik-num">{value:g}</span>'
        for name, value in d.thresholds.items()
    )
    if thresholds:
        facts.append(("Thresholds", thresholds))
    return card(
        f'<div class="ik-title">{user(d.signal)}: {state}</div>',
        f'<div class="ik-meta">{was}</div>',
        pairs(facts),
        '<div class="ik-sub">Reasons</div>',
        _strings(d.reasons),
        table(
            ["Window", "Length", "Value", "Burn rate", "Events", "Coverage"],
            (_window(w) for w in d.windows),
            empty="no windows measured",
        ),
        accent="error" if d.state.is_alerting else None,
    )


def _share(value: float | None) -> str:
    return percent(value, None)


def golden(decisions: GoldenDecisions) -> str:
    """The four golden-signal decisions, one row each."""
    service = next(
        (d.labels["service"] for d in decisions if "service" in d.labels), ""
    )
    of = f" of {user(service)}" if service else ""
    return card(
        f'<div class="ik-title">Golden signals{of}</div>',
        table(
            ["Signal", "State", "Urgency", "Changed", "Why"],
            (
                [
                    user(d.signal),
                    d.state.value,
                    d.urgency.value if d.urgency is not None else "",
                    "yes" if d.changed else "no",
                    user(d.explain()),
                ]
                for d in decisions
            ),
        ),
    )


# -- communication cadence ----------------------------------------------------------


def _point(p: DuePoint) -> list[str]:
    return [
        p.audience.value,
        when(p.due_at),
        p.reason.value.replace("_", " "),
        badge(p.severity),
        p.outcome.value.replace("_", " "),
        when(p.posted_at) if p.posted_at is not None else "",
        duration(p.late_by) if p.late_by is not None else "",
    ]


def cadence(report: CadenceReport) -> str:
    """The audit of status updates: due points, silences, problems."""
    ratio = report.on_time_ratio
    shown = "nothing due yet" if ratio is None else f"{ratio:.0%} on time"
    return card(
        f'<div class="ik-title">Update cadence of {user(report.incident_id)}</div>',
        f'<div class="ik-meta">at {when(report.at)} UTC · {len(report.points)} '
        f"due points · {shown}</div>",
        table(
            [
                "Audience",
                "Due (UTC)",
                "Why",
                "Severity",
                "Outcome",
                "Posted",
                "Late by",
            ],
            cut([_point(p) for p in report.points], "due points"),
            empty="no due points",
        ),
        '<div class="ik-sub">Longest silences</div>',
        table(
            ["Audience", "From (UTC)", "To (UTC)", "Length"],
            cut(
                [
                    [s.audience.value, when(s.start), when(s.end), duration(s.length)]
                    for s in report.silences
                ],
                "silences",
            ),
        ),
        '<div class="ik-sub">Incomplete updates</div>',
        table(
            ["Audience", "Posted (UTC)", "Missing"],
            cut(
                [
                    [
                        u.audience.value,
                        when(u.at),
                        ", ".join(user(m) for m in u.missing),
                    ]
                    for u in report.incomplete
                ],
                "incomplete updates",
            ),
        ),
        '<div class="ik-sub">Broken promises</div>',
        table(
            ["Audience", "Posted (UTC)", "Promised next", "Next posted"],
            cut(
                [
                    [
                        b.audience.value,
                        when(b.posted_at),
                        when(b.promised_at),
                        when(b.next_at) if b.next_at is not None else none("none yet"),
                    ]
                    for b in report.broken_promises
                ],
                "broken promises",
            ),
        ),
        '<div class="ik-sub">Findings</div>',
        findings_table(report.findings),
    )


# -- metrics ------------------------------------------------------------------------


def _median_ci(s: DurationSummary) -> str:
    if s.median_ci is None:
        return none("no interval (fewer than two durations)")
    low, high = s.median_ci
    return f"{s.ci_level:.0%} CI {duration(low)} to {duration(high)}"


def _invalid(s: DurationSummary) -> str:
    total = sum(s.invalid.values())
    if not total:
        return "0"
    reasons = ", ".join(f"{count} {reason}" for reason, count in s.invalid.items())
    return f"{total} ({reasons})"


def summary(s: DurationSummary) -> str:
    """One span's durations: where the middle is, how wide, what was not used."""
    rows = [
        ("Incidents summarised (n)", str(s.n)),
        ("Median", f"{duration(s.median)} ({_median_ci(s)})"),
        ("90th percentile", duration(s.p90)),
        ("95th percentile", duration(s.p95)),
        ("Geometric mean", duration(s.geometric_mean)),
        ("Mean (heavy tails mislead it)", duration(s.mean)),
        ("Shortest, longest", f"{duration(s.min)}, {duration(s.max)}"),
    ]
    if s.censored_median is not None:
        rows.append(
            ("Median with open ones (Kaplan-Meier)", duration(s.censored_median))
        )
    rows.extend(
        [
            ("Missing a milestone", str(s.missing)),
            ("Invalid records", _invalid(s)),
            ("Still open", str(s.open)),
        ]
    )
    return card(
        f'<div class="ik-title">{user(s.span.name)}</div>',
        f'<div class="ik-meta">{s.total} incidents looked at</div>',
        pairs(rows),
    )


def _key(key: object) -> str:
    if key is None:
        return none("(none)")
    if isinstance(key, Severity):
        return badge(key)
    if isinstance(key, Period):
        return user(key.label)
    if isinstance(key, tuple):
        return " / ".join(_key(part) for part in key)
    return user(str(key))


def summaries(grouped: Summaries) -> str:
    """One row per group: n, median with its interval, spread, what was not used."""
    by = grouped.by if isinstance(grouped.by, str) else "a function"
    return card(
        f'<div class="ik-title">{user(grouped.span.name)} by {user(by)}</div>',
        table(
            [
                "Group",
                "n",
                "Median",
                "Median CI",
                "p90",
                "Geometric mean",
                "Mean",
                "Missing",
                "Invalid",
                "Open",
            ],
            (
                [
                    _key(key),
                    str(s.n),
                    duration(s.median),
                    (
                        f"{duration(s.median_ci[0])} to {duration(s.median_ci[1])}"
                        if s.median_ci is not None
                        else none()
                    ),
                    duration(s.p90),
                    duration(s.geometric_mean),
                    duration(s.mean),
                    str(s.missing),
                    str(sum(s.invalid.values())),
                    str(s.open),
                ]
                for key, s in grouped.items()
            ),
            empty="no groups",
        ),
    )


def comparison(c: Comparison) -> str:
    """Are we improving: the verdict first, then the ratio and its interval."""
    if c.ratio is None or c.ci is None:
        ratio = none(f"too few durations: n {c.n_before} vs {c.n_after}")
    else:
        ratio = (
            f"{_number(c.ratio)} ({c.level:.0%} CI {_number(c.ci[0])} to "
            f"{_number(c.ci[1])})"
        )
    detectable = (
        none("not computable (fewer than two durations a side, or no spread)")
        if c.detectable is None
        else f"a ratio of {_number(c.detectable)} or lower "
        f"({1 - c.detectable:.0%} shorter) with 80% power"
    )
    accent = {Verdict.IMPROVED: "p3", Verdict.WORSE: "p1"}.get(c.verdict)
    return card(
        f'<div class="ik-title">{user(c.span.name)}: before and after</div>',
        f'<div class="ik-lead">{c.verdict.value}</div>',
        pairs(
            [
                ("After / before (geometric means)", ratio),
                (
                    "Typical duration",
                    (
                        f"{duration(c.geometric_mean_before)} before, "
                        f"{duration(c.geometric_mean_after)} after"
                    ),
                ),
                ("Durations used", f"{c.n_before} before, {c.n_after} after"),
                ("Smallest detectable change", detectable),
            ]
        ),
        accent=accent,
    )


def _fingerprint(key: Hashable) -> str:
    return _key(key)


def recurrence(r: Recurrence) -> str:
    """How often the same kind of incident comes back, and which kinds do."""
    top = sorted(r.groups, key=lambda g: -g.recurrences)[:TOP_GROUPS]
    shown = f"top {len(top)} of {len(r.groups)}" if len(r.groups) > len(top) else "all"
    return card(
        '<div class="ik-title">Recurrence</div>',
        f'<div class="ik-lead">{percent(r.rate, 1)} recurred</div>'
        if r.rate is not None
        else '<div class="ik-lead">nothing to compare: no incident has a '
        "fingerprint</div>",
        pairs(
            [
                ("Window", duration(r.window)),
                ("Incidents with a fingerprint", str(r.keyed)),
                ("Without one", str(r.unkeyed)),
                ("Recurred", str(r.recurring)),
                ("Median gap", duration(r.median_gap)),
            ]
        ),
        f'<div class="ik-sub">Groups ({shown})</div>',
        table(
            ["Fingerprint", "Incidents", "Recurrences"],
            ([_fingerprint(g.key), str(g.incidents), str(g.recurrences)] for g in top),
            empty="no groups",
        ),
        findings_table(r.findings, empty="") if r.findings else "",
    )


def tiers(t: ResponseTiers) -> str:
    """The split into the three response tiers, with counts and shares."""
    shares = t.shares()
    counts = {
        "under 1h": t.under_1h,
        "1h to 8h": t.from_1h_to_8h,
        "8h or more": t.over_8h,
    }
    return card(
        f'<div class="ik-title">Response tiers: {user(t.span.name)}</div>',
        table(
            ["Tier", "Incidents", "Share"],
            ([name, str(n), percent(shares.get(name))] for name, n in counts.items()),
        ),
        f'<div class="ik-meta">{t.measured} measured · {t.missing} missing a '
        f"milestone · {t.invalid} invalid · {t.open} open</div>",
    )
