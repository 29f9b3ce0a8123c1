"""Rendering: Markdown, Mermaid, plain text and SVG, with all user text escaped."""

import datetime as dt
import itertools
import re
import xml.etree.ElementTree as ET

import pytest
from hypothesis import given
from hypothesis import strategies as st

from incidentkit import Incident, Role, Timeline, ValidationError
from incidentkit.postmortem import ActionCategory, ActionItem, Postmortem
from incidentkit.rca import STANDARD_CATEGORIES, Fishbone, FiveWhys
from incidentkit.render import (
    fishbone_layout,
    fishbone_mermaid,
    fishbone_svg,
    fishbone_text,
    markdown,
    state_diagram,
)


UTC = dt.timezone.utc
T0 = dt.datetime(2024, 6, 3, 9, 0, tzinfo=UTC)
MIN = dt.timedelta(minutes=1)
SVG = "{http://www.w3.org/2000/svg}"

HOSTILE = [
    "<script>alert('x')</script>",
    "say \"hi\" & 'bye'",
    "a `code` span and ``double``",
    "pipe | in | cell",
    "[link](http://evil.example) ![img](x.png) <http://auto.link>",
    "*bold* _em_ ~~strike~~ #hash \\backslash",
    "# heading at start",
    "- a list item",
    "1. ordered",
    "line one\nline two\r\n\tand a tab",
    "x" * 300,
    "&amp; already escaped &lt;",
    "{braces} ;semicolon; [brackets]",
]


def incident():
    inc = Incident.declare(
        "Site down",
        severity="P2",
        at=T0,
        declared_by="ana",
        service="web",
        started_at=T0 - 12 * MIN,
    )
    inc = inc.assign(Role.OPERATIONS_LEAD, "raj", at=T0 + 2 * MIN)
    inc = inc.escalate("P1", at=T0 + 4 * MIN, reason="all users")
    return inc.mitigate(at=T0 + 30 * MIN, how="rolled back").resolve(at=T0 + 120 * MIN)


def leak_fishbone():
    return (
        Fishbone(problem="The site went down")
        .add("code changes", "New query leaks connections", likely=True)
        .add("configuration", "Pool size lowered to 20")
        .add("process gaps", "No automated leak check", likely=True)
        .add("process gaps", "Review checklist lacks cleanup", under="process-gaps.1")
    )


def postmortem():
    diagram = leak_fishbone()
    chain = (
        diagram.drill("code-changes.1")
        .why("Code review did not catch the missing cleanup")
        .why("There is no automated check for connection leaks")
        .why("Connection-pool monitoring was never prioritised")
        .conclude("Add automated connection-pool monitoring")
    )
    return (
        Postmortem.draft_from(incident())
        .with_summary("The database ran out of connections.")
        .with_impact("All page loads failed for 42 minutes.")
        .with_went_well("Rollback took 3 minutes")
        .with_went_badly("Detection took 12 minutes")
        .with_root_cause(diagram, chain, "No connection-pool monitoring")
        .with_action(
            ActionItem(
                "Alert on pool usage",
                owner="lee",
                due=dt.date(2024, 7, 1),
                category=ActionCategory.MONITORING,
            ),
            ActionItem("Add a leak check to CI"),
        )
    )


def unescaped_pipes(line):
    return len(re.findall(r"(?<!\\)\|", line))


def assert_tables_intact(text):
    """Every row of every table has as many cell separators as its header."""
    header = None
    for line in text.splitlines():
        if not line.startswith("|"):
            header = None
        elif header is None:
            header = unescaped_pipes(line)
        else:
            assert header == unescaped_pipes(line), line


class TestMarkdown:
    def test_a_postmortem_has_every_section_in_order(self):
        text = markdown(postmortem())

        headings = [line for line in text.splitlines() if line.startswith("#")]
        assert [
            "# Postmortem: Site down",
            "## What happened",
            "## Impact",
            "## Timeline",
            "## What went well",
            "## What did not go well",
            "## Root cause",
            "### Fishbone: The site went down",
            "### Five Whys: New query leaks connections",
            "## Action items",
        ] == headings

    def test_the_facts_table(self):
        lines = markdown(postmortem()).splitlines()

        assert (
            "| Severity | P1 (P2 at 2024-06-03 09:00:00 → P1 at 2024-06-03 09:04:00) |"
            in lines
        )
        assert "| Time to detect | 12m |" in lines
        assert "| Time to restore | 42m |" in lines
        assert (
            "| Roles | incident commander: ana (from 2024-06-03 09:00:00)"
            "<br>operations lead: raj (from 2024-06-03 09:02:00) |"
        ) in lines

    def test_the_action_items_table_shows_owners_deadlines_and_gaps(self):
        lines = markdown(postmortem()).splitlines()

        assert (
            "| Alert on pool usage | lee | 2024-07-01 | monitoring | open |   |"
            in lines
        )
        assert (
            "| Add a leak check to CI | **none** | **none** | other | open |   |"
            in lines
        )

    def test_the_five_whys_and_its_link(self):
        text = markdown(postmortem())

        assert "Drilled from the fishbone factor code-changes.1 (code changes)." in text
        assert (
            "3. **Why?** There is no automated check for connection leaks "
            "**Because:** Connection-pool monitoring was never prioritised"
        ) in text
        assert "**Action:** Add automated connection-pool monitoring" in text

    def test_an_empty_draft_says_what_is_missing(self):
        text = markdown(Postmortem.draft_from(incident()))

        assert 6 == text.count("*Not written yet.*")

    def test_alone_a_timeline_a_fishbone_and_a_five_whys(self):
        timeline = markdown(incident().timeline).splitlines()
        fishbone = markdown(leak_fishbone()).splitlines()
        five_whys = markdown(FiveWhys(problem="p"))

        assert ["## Timeline", "", "| Time (UTC) | Event | By |"] == timeline[:3]
        assert "| 2024-06-03 09:04:00 | escalated P2 → P1 (all users) |   |" in timeline
        assert "## Fishbone: The site went down" == fishbone[0]
        assert (
            "    - Review checklist lacks cleanup <sub>process-gaps.1.1</sub>"
            in fishbone
        )
        assert "- **infrastructure**" in fishbone
        assert "  - *No factors.*" in fishbone
        assert "*No steps yet.*" in five_whys
        assert "**Root cause:** *Not found yet.*" in five_whys

    def test_other_values_are_refused(self):
        with pytest.raises(ValidationError, match="'value' must be a Postmortem"):
            markdown("# not a postmortem")  # type: ignore[arg-type]

    @pytest.mark.parametrize("text", HOSTILE)
    def test_user_text_stays_literal_everywhere(self, text):
        pm = (
            Postmortem.draft_from(incident())
            .with_summary(text)
            .with_went_well(text)
            .with_action(ActionItem(text, owner=text, link=text))
            .with_root_cause(Fishbone(problem=text).add(text, text), text)
        )

        rendered = markdown(pm)

        assert "<script" not in rendered
        assert "](" not in rendered.replace("\\](", "")
        assert_tables_intact(rendered)
        headings = [line for line in rendered.splitlines() if line.startswith("#")]
        assert 9 == len(headings)  # a "# heading" in the text made none
        assert not any(
            line.startswith(("- -", "- 1.")) for line in rendered.splitlines()
        )

    def test_escapes_are_exact(self):
        text = markdown(
            FiveWhys(problem="a <b> & `c` | *d* [e](f) #g").why("1. first\nsecond")
        )

        assert (
            "## Five Whys: a &lt;b&gt; &amp; \\`c\\` \\| \\*d\\* \\[e\\](f) \\#g"
            == text.splitlines()[0]
        )
        assert "**Because:** 1\\. first second" in text
        assert "**Root cause:** 1\\. first second" in text


class TestMermaid:
    def test_the_state_diagram_is_unchanged(self):
        assert state_diagram().startswith("stateDiagram-v2\n    [*] --> investigating")

    def test_the_fishbone_flowchart(self):
        lines = fishbone_mermaid(leak_fishbone()).splitlines()

        assert "flowchart LR" == lines[0]
        assert '    head["The site went down"]' == lines[1]
        assert '    f6_2["Review checklist lacks cleanup"] --> f6_1' in lines
        assert "    class f1_1,f6_1 likely" == lines[-1]

    @pytest.mark.parametrize("text", HOSTILE)
    def test_labels_cannot_break_out(self, text):
        diagram = Fishbone(problem=text, categories=[]).add(text, text, likely=True)

        lines = fishbone_mermaid(diagram).splitlines()

        label = r'(?:[^"<>`|\[\]{};#\n]|#\w+;)*'
        node = re.compile(rf'    \w+\["{label}"\]( --> \w+)?')
        for line in lines[1:4]:
            assert node.fullmatch(line), line


class TestText:
    def test_one_line_per_node_whatever_the_text(self):
        diagram = Fishbone(problem="a\nb", categories=[]).add("x\ny", "line\none")

        assert ["a b", "└── x y", "    └── line one (x-y.1)"] == fishbone_text(
            diagram
        ).splitlines()


def rects(svg):
    root = ET.fromstring(svg)  # noqa: S314 - our own output
    return root, [
        tuple(float(r.get(k, "nan")) for k in ("x", "y", "width", "height"))
        for r in root.iter(f"{SVG}rect")
    ]


def overlaps(a, b):
    ax, ay, aw, ah = a
    bx, by, bw, bh = b
    return ax < bx + bw and bx < ax + aw and ay < by + bh and by < ay + ah


def crowded():
    """Eight categories, 4 to 6 factors each, long labels, long words, sub-factors."""
    diagram = Fishbone(
        problem="Checkout failed for every customer in every region " * 3
    )
    names = [*STANDARD_CATEGORIES, "vendors and partners", "monitoring gaps"]
    for c, name in enumerate(names):
        for f in range(4 + c % 3):
            label = f"Factor {f} of {name}: " + "a long explanation " * (f + 1)
            if f == 2:
                label += "Supercalifragilistic" * 6
            diagram = diagram.add(name, label, likely=f == 0)
        diagram = diagram.add(
            name,
            "A sub-factor with words " * 4,
            under=f"{diagram.categories[c].factors[0].id}",
        )
    return diagram


class TestSvg:
    def test_dozens_of_factors_with_long_labels_never_overlap(self):
        diagram = crowded()
        svg = fishbone_svg(diagram)

        root, boxes = rects(svg)

        factors = sum(1 for _ in diagram.factors())
        assert 1 + 8 + factors == len(boxes)  # head, categories, factors
        assert 40 <= factors
        for a, b in itertools.combinations(boxes, 2):
            assert not overlaps(a, b), (a, b)
        width, height = float(root.get("width", "0")), float(root.get("height", "0"))
        for x, y, w, h in boxes:
            assert 0 <= x and x + w <= width and 0 <= y and y + h <= height

    def test_every_line_fits_its_box(self):
        for box in fishbone_layout(crowded()):
            assert box.height == len(box.lines) * 16 + 12
            for line in box.lines:
                # 12 px monospace: 7.2 px a character, 6 px padding each side.
                assert len(line) * 7.2 <= box.width - 12, line

    def test_wrapped_lines_keep_every_word_and_break_long_ones(self):
        word = "Supercalifragilistic" * 6
        (head, *_rest) = fishbone_layout(
            Fishbone(problem=f"one {word} two", categories=[])
        )

        assert f"one{word}two" == "".join(head.lines).replace(" ", "")
        assert 1 < len(head.lines)

    def test_bones_and_ribs_cross_no_box(self):
        diagram = crowded()
        root, boxes = rects(fishbone_svg(diagram))

        for line in root.iter(f"{SVG}line"):
            x1, y1, x2, y2 = (float(line.get(k)) for k in ("x1", "y1", "x2", "y2"))
            for step in range(1, 50):
                t = step / 50
                px, py = x1 + t * (x2 - x1), y1 + t * (y2 - y1)
                for x, y, w, h in boxes:
                    inside = x + 0.5 < px < x + w - 0.5 and y + 0.5 < py < y + h - 0.5
                    assert not inside, (line.get("class"), px, py)

    def test_every_factor_has_a_rib_to_its_bone(self):
        diagram = crowded()
        root, _ = rects(fishbone_svg(diagram))

        classes = [line.get("class") for line in root.iter(f"{SVG}line")]
        assert 1 == classes.count("ik-spine")
        assert 8 == classes.count("ik-bone")
        assert sum(1 for _ in diagram.factors()) == classes.count("ik-rib")

    def test_likely_factors_are_marked(self):
        root, _ = rects(fishbone_svg(leak_fishbone()))

        likely = [g for g in root.iter(f"{SVG}g") if g.get("class") == "ik-likely"]
        assert ["★ New query leaks connections", "★ No automated leak check"] == [
            g.find(f"{SVG}title").text for g in likely
        ]

    @pytest.mark.parametrize("text", HOSTILE)
    def test_text_is_escaped_and_the_document_well_formed(self, text):
        diagram = Fishbone(problem=text, categories=[]).add(text, text)

        svg = fishbone_svg(diagram)
        root = ET.fromstring(svg)  # noqa: S314 - our own output

        assert not list(root.iter(f"{SVG}script"))
        assert "<script" not in svg
        titles = [t.text for t in root.iter(f"{SVG}title")]
        expected = " ".join(text.split())
        assert [f"Fishbone: {expected}", expected, expected, expected] == titles

    def test_control_characters_are_dropped(self):
        svg = fishbone_svg(Fishbone(problem="bell\x07 null\x00 \ufffe end"))

        assert "bell null end" in svg
        ET.fromstring(svg)  # noqa: S314 - our own output


@given(
    st.lists(
        st.tuples(
            st.integers(min_value=0, max_value=9),
            st.text(min_size=1, max_size=120).filter(lambda s: s.strip()),
        ),
        max_size=25,
    )
)
def test_any_fishbone_draws_well_formed_without_overlaps(entries):
    diagram = Fishbone(problem="p", categories=[])
    for category, label in entries:
        diagram = diagram.add(f"category {category}", label)

    svg = fishbone_svg(diagram)
    _root, boxes = rects(svg)

    for a, b in itertools.combinations(boxes, 2):
        assert not overlaps(a, b)


@given(st.text(max_size=80))
def test_any_text_keeps_a_markdown_table_row_intact(text):
    pm = Postmortem.draft_from(incident())
    if text.strip():
        pm = pm.with_action(ActionItem(text, owner=text))

    assert_tables_intact(markdown(pm))


def test_a_published_postmortem_with_unknown_spans():
    inc = Incident.declare("Slow", severity="P3", at=T0, declared_by="ana")
    pm = Postmortem.draft_from(inc.resolve(at=T0 + MIN)).submit().publish(at=T0 + MIN)

    lines = markdown(pm).splitlines()

    assert "| Published | 2024-06-03 09:01:00 |" in lines
    assert "| Time to detect | unknown: missing (started_at) |" in lines
    assert "| Service | not recorded |" in lines


def test_an_empty_timeline_and_a_tree_with_siblings():

    diagram = (
        Fishbone(problem="p", categories=[])
        .add("a", "one")
        .add("a", "one-one", under="a.1")
        .add("a", "one-two", under="a.1")
        .add("a", "two")
        .with_category("b")
        .with_category("c")
    )

    assert "## Timeline\n\n*No events.*\n" == markdown(Timeline())
    assert [
        "p",
        "├── a",
        "│   ├── one (a.1)",
        "│   │   ├── one-one (a.1.1)",
        "│   │   └── one-two (a.1.2)",
        "│   └── two (a.2)",
        "├── b",
        "│   └── (no factors)",
        "└── c",
        "    └── (no factors)",
    ] == fishbone_text(diagram).splitlines()
