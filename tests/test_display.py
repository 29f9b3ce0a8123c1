"""Notebook display: every public result shows as escaped, well-formed HTML."""

import datetime as dt
import pickle
import re
import subprocess
import sys
from collections.abc import Mapping
from html.parser import HTMLParser

import attrs
import pytest

from incidentkit import (
    Audience,
    Incident,
    Role,
    Severity,
    metrics,
    render,
    serialization,
)
from incidentkit.classify import Impact, Outage, RuleClassifier
from incidentkit.comms import audit
from incidentkit.errors import ValidationError
from incidentkit.findings import Finding, Findings, Level, sort_findings
from incidentkit.postmortem import ActionItem, Postmortem
from incidentkit.rca import Fishbone, FiveWhys
from incidentkit.signals import Decision, GoldenSignals, Request, SignalState
from incidentkit.spans import IncidentRecord


UTC = dt.timezone.utc
T0 = dt.datetime(2024, 6, 1, 12, 0, tzinfo=UTC)
MIN = dt.timedelta(minutes=1)

SCRIPT = "<script>alert(1)</script>"
SCRIPT_ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"
QUOTES = "\"quotes\" & 'apostrophes'"
QUOTES_ESCAPED = "&quot;quotes&quot; &amp; &#39;apostrophes&#39;"
ENTITY = "&amp;"
ENTITY_ESCAPED = "&amp;amp;"
LONG = "w" * 300


def whole(page: str) -> str:
    """The page without the break points very long words get (see below)."""
    return page.replace("<wbr>", "")


HEBREW = "שירות התשלומים"
ARABIC = "خدمة الدفع"
HOSTILE = f"{SCRIPT} {QUOTES} {ENTITY} {LONG} {HEBREW} {ARABIC}"
ESCAPED = [SCRIPT_ESCAPED, QUOTES_ESCAPED, ENTITY_ESCAPED, LONG, HEBREW, ARABIC]

VOID = {"br", "hr", "img", "meta", "col", "wbr", "input", "link", "source"}


class _Checker(HTMLParser):
    """Every opened non-void tag closed in order; no script, no event handler."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.tags: list[str] = []
        self.problems: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self._attrs(tag, attrs)
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.tags.append(tag)
        self._attrs(tag, attrs)

    def _attrs(self, tag, attrs):
        if tag == "script":
            self.problems.append("a script tag")
        for name, _value in attrs:
            if name.lower().startswith("on"):
                self.problems.append(f"an event handler {name} on {tag}")
            if name.lower() in {"href", "src"}:
                self.problems.append(f"a link {name} on {tag}")

    def handle_endtag(self, tag):
        if not self.stack or self.stack[-1] != tag:
            self.problems.append(f"</{tag}> closes {self.stack[-1:]}")
            return
        self.stack.pop()


def check_html(page: str) -> list[str]:
    """Parse *page*; return its tags, failing on any problem."""
    checker = _Checker()
    checker.feed(page)
    checker.close()
    assert [] == checker.problems
    assert [] == checker.stack, "tags left open"
    assert "<script" not in page.lower()
    assert page.startswith('<div class="ik"><style>')
    return checker.tags


# -- values ---------------------------------------------------------------------------


def hostile_incident() -> Incident:
    inc = Incident.declare(
        HOSTILE,
        severity=Severity.P1,
        at=T0,
        declared_by=f"ana {SCRIPT}",
        service=f"svc {QUOTES}",
        category=f"cat {HEBREW}",
        labels={"team": SCRIPT},
        started_at=T0 - 5 * MIN,
    )
    inc = inc.assign(Role.OPERATIONS_LEAD, f"raj {ARABIC}", at=T0 + MIN)
    inc = inc.note(HOSTILE, at=T0 + 2 * MIN, by=f"kim {ENTITY}")
    return inc.post_update(Audience.PUBLIC, HOSTILE, at=T0 + 3 * MIN)


def restored(minutes: int, *, service: str = "checkout", day: int = 0) -> Incident:
    at = T0 + dt.timedelta(days=day)
    inc = Incident.declare(
        f"outage {day} {minutes}",
        severity=Severity.P2,
        at=at,
        declared_by="ana",
        started_at=at,
        service=service,
        category="db",
    )
    inc = inc.mitigate(at=at + minutes * MIN, how="rolled back")
    return inc.resolve(at=at + (minutes + 1) * MIN)


def hostile_fishbone() -> Fishbone:
    diagram = Fishbone(problem=HOSTILE).add(f"code {SCRIPT}", HOSTILE, likely=True)
    return diagram.add(f"code {SCRIPT}", LONG, under="code-script-alert-1-script.1")


def hostile_chain() -> FiveWhys:
    chain = FiveWhys(problem=HOSTILE).why(HOSTILE, evidence=[SCRIPT])
    return chain.why("No leak check").conclude(QUOTES)


def hostile_postmortem() -> Postmortem:
    inc = hostile_incident().mitigate(at=T0 + 40 * MIN, how=SCRIPT)
    inc = inc.resolve(at=T0 + 50 * MIN).close(at=T0 + 60 * MIN)
    return (
        Postmortem.draft_from(inc)
        .with_summary(HOSTILE)
        .with_impact(QUOTES)
        .with_went_well(HOSTILE)
        .with_went_badly(ENTITY)
        .with_root_cause(hostile_fishbone(), hostile_chain(), SCRIPT)
        .with_action(
            ActionItem(HOSTILE, owner=f"lee {HEBREW}", due=dt.date(2024, 7, 1))
        )
    )


# -- every type -----------------------------------------------------------------------


def test_an_incident_is_a_card_with_milestones_spans_and_roles():
    page = hostile_incident()._repr_html_()

    check_html(page)
    for expected in [
        '<span class="ik-badge ik-p1" title="P1 (critical)">P1</span>',
        "status investigating",
        "Time to detect",
        '<span class="ik-num">5m</span>',
        "Time to restore",
        "not yet: mitigated_at is not reached",
        "<th>Milestone</th>",
        "started",
        '<span class="ik-num">2024-06-01 11:55:00</span>',
        "Incident Commander",
        "Operations Lead",
        f"<bdi>raj {ARABIC}</bdi>",
        f"<bdi>svc {QUOTES_ESCAPED}</bdi>",
    ]:
        assert expected in page
    for escaped in ESCAPED:
        assert escaped in whole(page)


def test_an_incident_says_why_a_span_is_missing():
    inc = Incident.declare("No start", severity="P3", at=T0, declared_by="ana")

    page = inc._repr_html_()

    assert "not measured: started_at was never recorded" in page
    assert "ik-p3" in page


def test_an_unset_milestone_is_not_yet_or_was_not_recorded():
    open_one = Incident.declare("Open", severity="P3", at=T0, declared_by="ana")
    closed = open_one.mitigate(at=T0 + MIN).resolve(at=T0 + 2 * MIN)

    def cell(page, milestone):
        row = page.split(f"<tr><td>{milestone}</td><td>")[1]
        return row.split("</td>")[0]

    page = open_one._repr_html_()
    assert cell(page, "resolved") == '<span class="ik-none">not yet</span>'
    assert cell(page, "started") == '<span class="ik-none">not recorded</span>'
    page = closed._repr_html_()
    assert cell(page, "acknowledged") == '<span class="ik-none">not recorded</span>'
    assert cell(page, "closed") == '<span class="ik-none">not yet</span>'


def test_a_timeline_is_a_table_of_time_kind_actor_and_text():
    page = hostile_incident().timeline._repr_html_()

    check_html(page)
    assert "<th>Time (UTC)</th><th>Kind</th><th>By</th><th>What</th>" in page
    assert "5 events" in page  # declared, commander assigned, ops lead, note, update
    assert '<span class="ik-num">2024-06-01 12:02:00</span>' in page
    assert "status update posted" in page
    assert f"<bdi>kim {ENTITY_ESCAPED}</bdi>" in page
    for escaped in ESCAPED:
        assert escaped in whole(page)


def test_a_timeline_counts_every_event():
    page = hostile_incident().timeline._repr_html_()

    assert page.count("<tr><td>") == 5
    assert "5 events" in page


def test_the_markdown_of_a_timeline_escapes_markdown_and_html():
    inc = Incident.declare("T", severity="P2", at=T0, declared_by="ana")
    inc = inc.note(f"*bold* [link](x) {SCRIPT}", at=T0 + MIN, by="a|b")

    text = inc.timeline._repr_markdown_()

    assert "\\*bold\\* \\[link\\](x) &lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert "a\\|b" in text
    assert "<script" not in text


def test_a_finding_and_findings_show_level_code_subject_and_message():
    found = sort_findings(
        [
            Finding("minor", "Just so you know.", Level.INFO),
            Finding(f"bad {SCRIPT}", HOSTILE, Level.ERROR, f"INC {HEBREW}"),
        ]
    )

    table = found._repr_html_()
    one = found[0]._repr_html_()

    check_html(table)
    check_html(one)
    assert "<th>Level</th><th>Code</th><th>Subject</th><th>Message</th>" in table
    assert "2 findings" in table
    assert table.index("ik-error") < table.index("ik-info")
    assert '<span class="ik-badge ik-error">error</span>' in one
    assert f"<bdi>INC {HEBREW}</bdi>" in one
    for escaped in ESCAPED:
        assert escaped in whole(table)
        assert escaped in whole(one)


def test_a_long_findings_list_shows_counts_by_code_and_its_first_ten():
    found = sort_findings(
        [Finding("repaired", f"Record {n} repaired.", Level.WARNING) for n in range(25)]
        + [Finding("rejected", "Record x rejected.", Level.ERROR)]
    )

    page = found._repr_html_()

    check_html(page)
    assert "26 findings, by code:" in page
    assert '<span class="ik-code"><bdi>rejected</bdi></span></td><td>1</td>' in page
    assert '<span class="ik-code"><bdi>repaired</bdi></span></td><td>25</td>' in page
    assert "Record 8 repaired." in page
    assert "Record 9 repaired." not in page
    assert "&#8230; and 16 more" in page


def test_twenty_findings_are_all_shown():
    found = sort_findings(Finding("f", f"Number {n}.") for n in range(20))

    page = found._repr_html_()

    assert "20 findings" in page
    assert "Number 19." in page
    assert "by code" not in page


def test_a_long_timeline_shows_its_first_and_last_thirty_events():
    inc = Incident.declare("Long", severity="P3", at=T0, declared_by="ana")
    for n in range(1, 100):
        inc = inc.note(f"note {n}", at=T0 + n * MIN, by="ana")

    page = inc.timeline._repr_html_()

    check_html(page)
    assert page.count("<tr><td>") == 61
    # Declaring records two events (declared, commander), then 99 notes.
    assert "101 events" in page
    assert "note 28</bdi>" in page
    assert "note 29</bdi>" not in page
    assert "&#8230; 41 more events" in page
    assert "note 70</bdi>" in page
    assert "note 69</bdi>" not in page


def test_very_long_words_get_break_points_and_short_ones_never():
    inc = Incident.declare("ok " + "W" * 40, severity="P3", at=T0, declared_by="ana")
    stamp = "(2019-01-09T16:33:23.216000Z)"
    inc = inc.note("x" * 23 + " " + "y" * 30 + " " + stamp, at=T0 + MIN, by="a" * 30)

    card, table = inc._repr_html_(), inc.timeline._repr_html_()

    check_html(card)
    assert f"<bdi>ok {'W' * 16}<wbr>{'W' * 16}<wbr>{'W' * 8}</bdi>" in card
    # 23 characters stay whole; a word of 24 or more breaks after punctuation,
    # and every 16 characters at the latest.
    assert (
        f"<bdi>{'x' * 23} {'y' * 16}<wbr>{'y' * 14} "
        "(2019-<wbr>01-<wbr>09T16:<wbr>33:<wbr>23.<wbr>216000Z)</bdi>"
    ) in table
    assert f"<bdi>{'a' * 16}<wbr>{'a' * 14}</bdi>" in table
    assert "<bdi>ana</bdi>" in table


def test_a_slice_of_findings_still_displays_as_findings():
    found = sort_findings(Finding("f", f"Number {n}.") for n in range(30))

    assert type(found[:5]) is Findings
    assert found[:5] == tuple(found)[:5]
    assert isinstance(found[0], Finding)
    assert "5 findings" in found[:5]._repr_html_()


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (dt.timedelta(hours=2, seconds=14), "2h0m14s"),
        (dt.timedelta(days=1, hours=2, seconds=3), "1d2h0m3s"),
        (dt.timedelta(hours=1, minutes=3, seconds=4), "1h3m4s"),
        (dt.timedelta(hours=2), "2h"),
        (dt.timedelta(minutes=52, seconds=9), "52m9s"),
        (dt.timedelta(seconds=14), "14s"),
    ],
)
def test_durations_spell_out_zero_minutes_between_hours_and_seconds(value, shown):
    records = [restored(1), restored(1, day=1)]
    summary = attrs.evolve(metrics.summarize(records, resamples=20), mean=value)

    assert f'mislead it)</th><td><span class="ik-num">{shown}</span>' in (
        summary._repr_html_()
    )


def test_no_findings_say_so():
    page = Findings()._repr_html_()

    check_html(page)
    assert "No findings." in page


def test_a_classification_shows_severity_reasons_rules_and_unknowns():
    c = RuleClassifier().classify(Impact(outage=Outage.FULL))

    page = c._repr_html_()

    check_html(page)
    for expected in [
        '<span class="ik-badge ik-p2" title="P2 (high)">P2</span> P2 (high)',
        '<span class="ik-code"><bdi>service-outage</bdi></span>',
        "<bdi>if all users are affected: P1</bdi>",
        "Reasons",
        "Still unknown",
        "No findings.",
    ]:
        assert expected in page


def test_a_classification_escapes_reasons():
    c = RuleClassifier().classify(Impact(outage=Outage.FULL))
    hostile = type(c)(
        severity=c.severity,
        policy=c.policy,
        reasons=(HOSTILE,),
        matched=(SCRIPT,),
        unknowns=(QUOTES,),
        findings=(Finding("odd", HOSTILE),),
    )

    page = hostile._repr_html_()

    check_html(page)
    for escaped in ESCAPED:
        assert escaped in whole(page)


def golden_decisions():
    gs = GoldenSignals(objective=0.999, latency_slo=dt.timedelta(seconds=1))
    for minute in range(60, 0, -1):
        at = T0 - minute * MIN
        gs.traffic.record(at, 1200)
        gs.errors.record(at, good=1200)
    for second in range(60):
        at = T0 + dt.timedelta(seconds=second)
        gs.observe(Request(at, dt.timedelta(seconds=2), ok=False))
    return gs.evaluate(T0 + MIN)


def test_golden_decisions_show_one_row_per_signal_and_a_decision_its_windows():
    decisions = golden_decisions()

    table = decisions._repr_html_()
    one = decisions.errors._repr_html_()

    check_html(table)
    check_html(one)
    assert "<th>Signal</th><th>State</th><th>Urgency</th>" in table
    for signal in ["latency", "traffic", "errors", "saturation"]:
        assert f"<td><bdi>{signal}</bdi></td>" in table
    assert '<div class="ik-title"><bdi>errors</bdi>: ' in one
    assert "Evaluated at (UTC)" in one
    assert "<th>Window</th><th>Length</th><th>Value</th><th>Burn rate</th>" in one


def test_golden_decisions_name_their_service():
    page = golden_decisions()._repr_html_()

    assert '<div class="ik-title">Golden signals of <bdi>default</bdi></div>' in page


def test_a_decision_shows_a_small_budget_share_without_rounding_it_away():
    d = Decision(
        "errors",
        SignalState.FIRING,
        SignalState.OK,
        T0,
        budget_consumed=0.00231,
        budget_remaining=0.99769,
        thresholds={"page 14.4x over 1h and 5m": 14.4},
    )

    page = d._repr_html_()

    assert '<th scope="row">Budget consumed</th><td><span class="ik-num">0.2%' in page
    assert '<th scope="row">Budget remaining</th><td><span class="ik-num">99.8%' in page
    assert (
        '<bdi>page 14.4x over 1h and 5m</bdi>: <span class="ik-num">14.4</span>' in page
    )


def test_a_long_cadence_audit_shows_the_first_and_last_thirty_due_points():
    inc = Incident.declare("Busy", severity=Severity.P1, at=T0, declared_by="ana")
    for n in range(1, 80):
        inc = inc.post_update(Audience.INTERNAL, f"update {n}", at=T0 + n * 20 * MIN)

    report = audit(inc, T0 + 80 * 20 * MIN)
    page = report._repr_html_()

    check_html(page)
    assert len(report.points) > 60
    assert f"&#8230; {len(report.points) - 60:,} more due points" in page
    due = page.split("Longest silences")[0]
    assert due.count("<tr><td>") == 61


def test_a_cadence_report_shows_due_points_silences_and_findings():
    inc = Incident.declare(
        "API down", severity=Severity.P1, at=T0, declared_by="ana", id=SCRIPT
    )
    inc = inc.post_update(Audience.PUBLIC, HOSTILE, at=T0 + 30 * MIN)

    page = audit(inc, T0 + 60 * MIN)._repr_html_()

    check_html(page)
    for expected in [
        "Update cadence of <bdi>",
        "<th>Audience</th><th>Due (UTC)</th>",
        "missed",
        "Longest silences",
        "Incomplete updates",
        "Broken promises",
        '<span class="ik-badge ik-error">error</span>',
        "missed-update",
    ]:
        assert expected in page
    assert SCRIPT_ESCAPED in whole(page)


def test_a_duration_summary_shows_the_median_with_its_interval_and_what_was_left_out():
    records = [restored(m, day=d) for d, m in enumerate([10, 20, 30, 40, 600])]
    records.append(
        Incident.declare("open", severity="P2", at=T0, declared_by="a", started_at=T0)
    )

    page = metrics.summarize(records, resamples=50)._repr_html_()

    check_html(page)
    for expected in [
        '<div class="ik-title"><bdi>time to restore</bdi></div>',
        "6 incidents looked at",
        '<th scope="row">Incidents summarised (n)</th><td>5</td>',
        '<span class="ik-num">30m</span> (95% CI',
        "90th percentile",
        "Geometric mean",
        (
            '<th scope="row">Mean (heavy tails mislead it)</th>'
            '<td><span class="ik-num">2h20m</span></td>'
        ),
        '<th scope="row">Still open</th><td>1</td>',
    ]:
        assert expected in page


def test_grouped_summaries_are_a_mapping_with_a_row_per_group():
    records = [
        restored(10, service=SCRIPT),
        restored(30, service=HEBREW, day=1),
        restored(50, service=HEBREW, day=2),
    ]

    grouped = metrics.summarize(records, by="service", resamples=20)
    page = grouped._repr_html_()

    check_html(page)
    assert isinstance(grouped, Mapping)
    assert isinstance(grouped, metrics.Summaries)
    assert grouped.by == "service"
    assert grouped.span is metrics.TIME_TO_RESTORE
    assert [SCRIPT, HEBREW] == sorted(grouped, key=[SCRIPT, HEBREW].index)
    assert "time to restore</bdi> by <bdi>service</bdi>" in page
    assert f"<td><bdi>{SCRIPT_ESCAPED}</bdi></td><td>1</td>" in whole(page)
    assert f"<td><bdi>{HEBREW}</bdi></td><td>2</td>" in page
    assert page.count("<tr><td>") == 2


def test_summaries_equal_a_dict_and_repr_usefully():
    records = [restored(10), restored(30, day=1)]
    grouped = metrics.summarize(records, by="severity", resamples=20)

    assert dict(grouped) == grouped
    assert grouped == dict(grouped.items())
    assert grouped != {}
    assert (
        "<Summaries of time to restore by 'severity': {P1: n=0, P2: n=2, P3: n=0}>"
        == repr(grouped)
    )
    with pytest.raises(TypeError):
        grouped[Severity.P1] = grouped[Severity.P2]  # type: ignore[index]


def test_summaries_pickle_for_caches_and_worker_processes():
    records = [restored(10), restored(30, day=1), restored(0, day=2)]
    grouped = metrics.summarize(records, by="severity", resamples=20)

    again = pickle.loads(pickle.dumps(grouped))

    assert again == grouped
    assert (again.span, again.by) == (grouped.span, "severity")
    assert dict(again[Severity.P2].invalid) == {"zero": 1}


def test_a_comparison_puts_the_verdict_first():
    before = [restored(m, day=d) for d, m in enumerate([50, 60, 70, 80])]
    after = [restored(m, day=10 + d) for d, m in enumerate([20, 25, 30, 35])]

    page = metrics.compare_periods(before, after)._repr_html_()

    check_html(page)
    assert '<div class="ik-lead">improved</div>' in page
    assert page.index("ik-lead") < page.index("After / before")
    assert "(95% CI" in page
    assert "Smallest detectable change" in page
    assert "4 before, 4 after" in page


def test_a_comparison_with_too_few_durations_says_so():
    page = metrics.compare_periods([restored(10)], [])._repr_html_()

    assert '<div class="ik-lead">not distinguishable</div>' in page
    assert "too few durations: n 1 vs 0" in page


def test_a_recurrence_without_fingerprints_says_there_is_nothing_to_compare():
    unkeyed = [restored(10, day=d) for d in range(3)]
    unkeyed = [attrs.evolve(i, category=None) for i in unkeyed]

    page = metrics.recurrence(unkeyed)._repr_html_()

    assert "nothing to compare: no incident has a fingerprint" in page
    assert "recurred" not in page


def test_a_recurrence_shows_the_rate_and_the_groups():
    records = [restored(10, service=SCRIPT, day=d) for d in range(3)]

    page = metrics.recurrence(records)._repr_html_()

    check_html(page)
    assert '<span class="ik-num">66.7%</span> recurred' in page
    assert (
        f"<td><bdi>{SCRIPT_ESCAPED}</bdi> / <bdi>db</bdi></td><td>3</td><td>2</td>"
        in whole(page)
    )


def test_response_tiers_show_counts_and_shares():
    records = [restored(m, day=d) for d, m in enumerate([10, 20, 90, 600])]

    page = metrics.response_tiers(records)._repr_html_()

    check_html(page)
    assert '<td>under 1h</td><td>2</td><td><span class="ik-num">50%</span></td>' in page
    assert (
        '<td>8h or more</td><td>1</td><td><span class="ik-num">25%</span></td>' in page
    )
    assert "4 measured" in page


def test_a_postmortem_shows_every_section_escaped():
    pm = hostile_postmortem()

    page = pm._repr_html_()
    text = pm._repr_markdown_()

    tags = check_html(page)
    for expected in [
        "Postmortem: <bdi>",
        "What happened",
        "What went well",
        "Root cause",
        "Five Whys: <bdi>",
        "Fishbone: <bdi>",
        "<th>Action</th><th>Owner</th><th>Due</th>",
        "2024-07-01",
        f"<bdi>lee {HEBREW}</bdi>",
        '<span class="ik-num">5m</span>',
    ]:
        assert expected in page
    assert "svg" in tags
    for escaped in ESCAPED:
        assert escaped in whole(page)
    assert text.startswith("# Postmortem: &lt;script&gt;alert(1)&lt;/script&gt;")
    assert "<script" not in text


def test_five_whys_and_fishbone_show_their_steps_and_drawing():
    chain = hostile_chain()
    diagram = hostile_fishbone()

    steps = chain._repr_html_()
    drawing = diagram._repr_html_()

    check_html(steps)
    tags = check_html(drawing)
    assert steps.count("<li><b>Why?</b>") == 2
    assert f'<th scope="row">Action</th><td><bdi>{QUOTES_ESCAPED}</bdi></td>' in steps
    assert "7 categories, 2 factors, 1 likely" in drawing  # six standard ones
    assert "svg" in tags
    for escaped in ESCAPED[:3]:
        assert escaped in whole(steps)
        assert escaped in drawing
    assert diagram._repr_svg_().startswith("<svg")
    assert "<script" not in diagram._repr_svg_()
    # The drawing's classes are scoped too, so a host page's .head cannot restyle it.
    classes = set(re.findall(r'class="([^"]*)"', drawing))
    assert {"ik-spine", "ik-bone", "ik-head", "ik-factor"} <= classes
    assert all(c.startswith("ik") for c in classes)
    assert chain._repr_markdown_().startswith("## Five Whys: &lt;script&gt;")
    assert diagram._repr_markdown_().startswith("## Fishbone: &lt;script&gt;")


def test_every_fragment_carries_the_scoped_theme_aware_style():
    page = render.html(Findings())

    assert "color-scheme:light dark" in page
    assert "color-mix(in srgb, currentColor 25%, transparent)" in page
    assert ".ik-table th{font-weight:600;white-space:nowrap}" in page
    assert "#d62728" in page
    assert "#ff7f0e" in page
    assert "#1f77b4" in page
    style = page[page.index("<style>") : page.index("</style>")]
    selectors = [rule.split("{")[0] for rule in style[7:].split("}") if rule]
    assert all(s.startswith(".ik") for sel in selectors for s in sel.split(","))


@pytest.mark.parametrize("value", [None, 3, "text", [Finding("a", "b")], Impact()])
def test_an_unsupported_value_is_refused_naming_value(value):
    with pytest.raises(ValidationError, match="'value' must be one of Incident, "):
        render.html(value)


# -- the new public types stay what they were ------------------------------------


def test_findings_are_a_tuple_that_compares_pickles_and_serialises_as_one():
    found = sort_findings(
        [Finding("b", "B.", Level.INFO), Finding("a", "A.", Level.ERROR)]
    )
    plain = (Finding("a", "A.", Level.ERROR), Finding("b", "B.", Level.INFO))

    assert isinstance(found, Findings)
    assert plain == found
    assert hash(plain) == hash(found)
    assert repr(plain) == repr(found)
    assert "()" == repr(sort_findings([]))
    assert plain == pickle.loads(pickle.dumps(found))
    c = RuleClassifier().classify(Impact(outage=Outage.FULL))
    with_findings = type(c)(
        severity=c.severity, policy=c.policy, reasons=("r",), findings=found
    )
    back = serialization.loads(serialization.dumps(with_findings), type(c))
    assert with_findings == back
    assert '"findings":[{"code":"a"' in serialization.dumps(with_findings)


def test_checks_return_findings():
    inc = Incident.declare("T", severity="P1", at=T0, declared_by="ana")

    assert isinstance(inc.check_roles(T0 + 30 * MIN), Findings)


def test_display_methods_do_not_import_render_until_called():
    code = (
        "import sys, incidentkit, incidentkit.metrics, incidentkit.rca, "
        "incidentkit.postmortem, incidentkit.signals, incidentkit.classify\n"
        "assert 'incidentkit.render' not in sys.modules, 'imported early'\n"
        "from incidentkit.findings import Findings\n"
        "Findings()._repr_html_()\n"
        "assert 'incidentkit.render' in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)  # noqa: S603


def test_records_display_through_summaries_too():
    records = [IncidentRecord.of(restored(10))]

    page = metrics.summarize(records, by="month", resamples=10)._repr_html_()

    check_html(page)
    assert "<td><bdi>2024-06</bdi></td><td>1</td>" in page
