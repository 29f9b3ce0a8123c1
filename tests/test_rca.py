"""Five Whys and Fishbone: building step by step, the checks, the stable factor ids."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from incidentkit import ValidationError, serialization
from incidentkit.findings import Level
from incidentkit.rca import (
    MAX_DEPTH,
    STANDARD_CATEGORIES,
    Category,
    Factor,
    Fishbone,
    FiveWhys,
    Why,
    check_fishbone,
    check_five_whys,
)


def leak_chain():
    """The process's own example: from the outage to pool monitoring."""
    return (
        FiveWhys(problem="The site went down")
        .why("The database ran out of connections", evidence=["pg: too many clients"])
        .why("A new query opened connections without closing them")
        .why("Code review did not catch the missing connection cleanup")
        .why("There is no automated check for connection leaks")
        .why("Connection-pool monitoring was never prioritised")
        .conclude("Add automated connection-pool monitoring")
    )


def codes(findings):
    return sorted(f.code for f in findings)


class TestFiveWhys:
    def test_each_step_asks_why_about_the_previous_answer(self):
        chain = leak_chain()

        assert [
            "The site went down",
            "The database ran out of connections",
            "A new query opened connections without closing them",
            "Code review did not catch the missing connection cleanup",
            "There is no automated check for connection leaks",
        ] == [s.question for s in chain.steps]
        assert "Connection-pool monitoring was never prioritised" == chain.root_cause
        assert "Add automated connection-pool monitoring" == chain.action
        assert ("pg: too many clients",) == chain.steps[0].evidence

    def test_building_returns_new_values(self):
        start = FiveWhys(problem="Slow checkout")
        longer = start.why("The cache was cold")

        assert () == start.steps
        assert start.root_cause is None
        assert 1 == len(longer.steps)

    def test_the_connection_leak_chain_passes_every_check(self):
        assert () == check_five_whys(leak_chain())

    @pytest.mark.parametrize(
        "root",
        [
            "Human error",
            "The operator made a manual error",
            "Sam forgot to close the connection",
            "The developer was careless",
            "It was an oversight",
        ],
    )
    def test_a_chain_that_stops_at_a_person_is_flagged(self, root):
        chain = leak_chain().why(root)

        found = check_five_whys(chain)

        assert ["five-whys-stops-at-person"] == codes(found)
        assert Level.WARNING == found[0].level
        assert "The site went down" == found[0].subject
        assert repr(root) in found[0].message

    def test_known_people_are_recognised_in_the_root_cause(self):
        chain = leak_chain().why("lee did not run the load test")

        assert () == check_five_whys(chain)
        assert ["five-whys-stops-at-person"] == codes(
            check_five_whys(chain, people=["lee"])
        )

    @pytest.mark.parametrize(
        "action",
        ["Be more careful when merging", "Remind engineers to close connections"],
    )
    def test_an_action_asking_people_to_try_harder_is_not_actionable(self, action):
        chain = leak_chain().conclude(action)

        assert ["five-whys-action-not-actionable"] == codes(check_five_whys(chain))

    def test_a_chain_without_an_action_is_flagged(self):
        chain = FiveWhys(problem="p").why("pool full").why("leak").why("no check")

        assert ["five-whys-no-action"] == codes(check_five_whys(chain))

    def test_fewer_than_three_steps_are_too_few_but_three_are_enough(self):
        two = FiveWhys(problem="p").why("a one").why("b two").conclude("Add an alert")
        three = two.why("c three").conclude("Add an alert")

        assert ["five-whys-too-short"] == codes(check_five_whys(two))
        assert "2 step(s)" in check_five_whys(two)[0].message
        assert () == check_five_whys(three)

    def test_an_answer_that_repeats_its_question_is_circular(self):
        chain = (
            FiveWhys(problem="The site went down")
            .why("Because the site was down")
            .why("The load balancer had no healthy backends")
            .why("Every backend failed its health check")
            .conclude("Alert on backend health")
        )

        found = check_five_whys(chain)

        assert ["five-whys-circular"] == codes(found)
        assert "The site went down (step 1)" == found[0].subject

    def test_an_empty_answer_after_stop_words_counts_as_repeating(self):
        chain = FiveWhys(problem="p").why("because it was")

        assert "five-whys-circular" in codes(check_five_whys(chain))

    def test_the_subject_can_be_given(self):
        found = check_five_whys(FiveWhys(problem="p"), subject="INC-1")

        assert {"INC-1"} == {f.subject for f in found}

    def test_bad_input_names_the_field(self):
        with pytest.raises(ValidationError, match="'chain' must be a FiveWhys"):
            check_five_whys("not a chain")  # type: ignore[arg-type]
        with pytest.raises(ValidationError, match="'problem' must be"):
            FiveWhys(problem="  ")
        with pytest.raises(ValidationError, match="'steps' must be a sequence of Why"):
            FiveWhys(problem="p", steps=["a step"])
        with pytest.raises(ValidationError, match="'evidence' must be a sequence"):
            Why(question="q", because="b", evidence=[1])
        with pytest.raises(ValidationError, match="'action' must be"):
            FiveWhys(problem="p").conclude("")
        with pytest.raises(ValidationError, match="'factor_id' must be an id"):
            FiveWhys(problem="p", factor_id="has spaces")


class TestFishbone:
    def test_a_new_fishbone_has_the_six_categories_empty(self):
        diagram = Fishbone(problem="The site went down")

        assert STANDARD_CATEGORIES == tuple(c.name for c in diagram.categories)
        assert (
            "code changes",
            "infrastructure",
            "configuration",
            "external dependencies",
            "human error",
            "process gaps",
        ) == STANDARD_CATEGORIES
        assert () == tuple(diagram.factors())

    def test_factors_get_stable_ids_by_category_and_position(self):
        diagram = (
            Fishbone(problem="p")
            .add("code changes", "Leaky query", likely=True)
            .add("code changes", "Missing index")
            .add("code changes", "No cleanup in finally", under="code-changes.1")
            .add("code changes", "Reviewer checklist", under="code-changes.1.1")
            .add("monitoring", "No pool alert", likely=True)
        )

        assert [
            "code-changes.1",
            "code-changes.1.1",
            "code-changes.1.1.1",
            "code-changes.2",
            "monitoring.1",
        ] == [f.id for f in diagram.factors()]
        assert ["code-changes.1", "monitoring.1"] == [f.id for f in diagram.likely()]
        assert "monitoring" == diagram.categories[-1].name  # custom, added at the end
        assert "code changes" == diagram.category_of("code-changes.1.1.1").name

    def test_ids_can_be_chosen_and_must_be_unique(self):
        diagram = Fishbone(problem="p").add("configuration", "Pool size", id="POOL-1")

        assert "Pool size" == diagram.factor("POOL-1").text
        with pytest.raises(ValidationError, match="factors with different ids"):
            diagram.add("infrastructure", "Other", id="POOL-1")

    def test_drilling_a_factor_links_the_chain_by_id_through_serialization(self):
        diagram = Fishbone(problem="The site went down").add(
            "code changes", "A new query leaks connections", likely=True
        )
        chain = diagram.drill("code-changes.1").why("No leak check in CI")

        diagram_back = serialization.loads(serialization.dumps(diagram), Fishbone)
        chain_back = serialization.loads(serialization.dumps(chain), FiveWhys)

        assert "code-changes.1" == chain_back.factor_id
        assert "A new query leaks connections" == chain_back.problem
        assert diagram_back.factor(chain_back.factor_id).likely

    def test_mark_likely_changes_one_factor_at_any_depth(self):
        diagram = (
            Fishbone(problem="p")
            .add("configuration", "a")
            .add("configuration", "b", under="configuration.1")
        )

        marked = diagram.mark_likely("configuration.1.1")

        assert ["configuration.1.1"] == [f.id for f in marked.likely()]
        assert [] == [
            f.id for f in marked.mark_likely("configuration.1.1", likely=False).likely()
        ]

    def test_with_category_adds_once(self):
        diagram = Fishbone(problem="p", categories=[]).with_category("vendors")

        assert diagram is diagram.with_category("vendors")
        assert ("vendors",) == tuple(c.name for c in diagram.categories)

    def test_unknown_ids_and_duplicates_are_refused(self):
        diagram = Fishbone(problem="p").add("configuration", "a")

        with pytest.raises(ValidationError, match="'factor_id' must be the id"):
            diagram.factor("nope")
        with pytest.raises(ValidationError, match="'factor_id' must be the id"):
            diagram.drill("nope")
        with pytest.raises(ValidationError, match="'factor_id' must be the id"):
            diagram.mark_likely("nope")
        with pytest.raises(ValidationError, match="'factor_id' must be the id"):
            diagram.category_of("nope")
        with pytest.raises(ValidationError, match="'under' must be the id of a factor"):
            diagram.add("infrastructure", "b", under="configuration.1")
        with pytest.raises(ValidationError, match="categories with different names"):
            Fishbone(problem="p", categories=[Category(name="x"), Category(name="x")])
        with pytest.raises(ValidationError, match="'likely' must be"):
            Factor(id="a", text="t", likely="yes")  # type: ignore[arg-type]
        with pytest.raises(ValidationError, match="'parent' must be an id"):
            Factor(id="a", text="t", parent="not an id")
        with pytest.raises(ValidationError, match="'categories' must be"):
            Fishbone(problem="p", categories="code changes")


class TestFishboneChecks:
    def test_only_one_category_filled_is_the_first_plausible_explanation_trap(self):
        diagram = Fishbone(problem="p").add("code changes", "New query", likely=True)

        found = check_fishbone(diagram)

        assert "fishbone-one-category" == found[0].code
        assert Level.WARNING == found[0].level
        assert "'code changes'" in found[0].message
        empty = [f.subject for f in found if f.code == "fishbone-empty-category"]
        assert [
            "p (infrastructure)",
            "p (configuration)",
            "p (external dependencies)",
            "p (human error)",
            "p (process gaps)",
        ] == empty

    def test_an_empty_fishbone_says_so(self):
        found = check_fishbone(Fishbone(problem="p", categories=[]))

        assert ["fishbone-empty"] == codes(found)

    def test_a_filled_fishbone_with_nothing_likely_says_where_to_drill(self):
        diagram = (
            Fishbone(problem="p", categories=[])
            .add("code changes", "a")
            .add("configuration", "b")
        )

        assert ["fishbone-nothing-likely"] == codes(check_fishbone(diagram))

    def test_a_complete_fishbone_has_no_findings(self):
        diagram = Fishbone(problem="p")
        for number, name in enumerate(STANDARD_CATEGORIES):
            diagram = diagram.add(name, f"factor {number}", likely=number == 0)

        assert () == check_fishbone(diagram)

    def test_bad_input_names_the_field(self):
        with pytest.raises(ValidationError, match="'diagram' must be a Fishbone"):
            check_fishbone(None)  # type: ignore[arg-type]


labels = st.text(min_size=1, max_size=30).filter(lambda s: s.strip())


@given(st.lists(st.tuples(st.sampled_from(STANDARD_CATEGORIES), labels), max_size=12))
def test_any_fishbone_round_trips_with_its_ids(entries):
    diagram = Fishbone(problem="p")
    for category, label in entries:
        diagram = diagram.add(category, label, likely=len(label) % 2 == 0)

    back = serialization.loads(serialization.dumps(diagram), Fishbone)

    assert diagram == back
    assert [f.id for f in diagram.factors()] == [f.id for f in back.factors()]


class TestOutline:
    def test_sub_factors_are_stored_after_their_parent_in_outline_order(self):
        diagram = (
            Fishbone(problem="p", categories=[])
            .add("c", "one")
            .add("c", "two")
            .add("c", "one-one", under="c.1")
            .add("c", "one-one-one", under="c.1.1")
            .add("c", "one-two", under="c.1")
        )

        outline = [(d, f.id, f.parent) for d, f in diagram.categories[0].outline()]

        assert [
            (0, "c.1", None),
            (1, "c.1.1", "c.1"),
            (2, "c.1.1.1", "c.1.1"),
            (1, "c.1.2", "c.1"),
            (0, "c.2", None),
        ] == outline
        assert ("c.1.1", "c.1.2") == tuple(
            f.id for f in diagram.categories[0].children("c.1")
        )

    def test_a_sub_factor_must_follow_its_parent(self):
        one, two = Factor(id="a", text="one"), Factor(id="b", text="two")
        orphan = Factor(id="a.1", text="sub", parent="a")

        assert 3 == len(Category(name="c", factors=[one, orphan, two]).factors)
        with pytest.raises(ValidationError, match="each sub-factor after its parent"):
            Category(name="c", factors=[one, two, orphan])
        with pytest.raises(ValidationError, match="each sub-factor after its parent"):
            Category(name="c", factors=[orphan, one])

    def test_nesting_is_bounded(self):
        factors = [Factor(id="f0", text="t")]
        factors.extend(
            Factor(id=f"f{i}", text="t", parent=f"f{i - 1}")
            for i in range(1, MAX_DEPTH + 1)
        )

        assert 8 == MAX_DEPTH
        assert MAX_DEPTH == Category(name="c", factors=factors).outline()[-1][0]
        deeper = [*factors, Factor(id="deep", text="t", parent=f"f{MAX_DEPTH}")]
        with pytest.raises(ValidationError, match="sub-factors at most 8 deep"):
            Category(name="c", factors=deeper)

    def test_a_deeply_nested_hostile_document_fails_fast_and_clearly(self):
        factors = [{"id": "f0", "text": "t", "likely": False, "evidence": []}]
        factors.extend(
            {
                "id": f"f{i}",
                "text": "t",
                "likely": False,
                "evidence": [],
                "parent": f"f{i - 1}",
            }
            for i in range(1, 5000)
        )
        document = {
            "schema_version": 1,
            "problem": "p",
            "categories": [{"name": "c", "factors": factors}],
        }

        with pytest.raises(ValidationError, match="sub-factors at most 8 deep"):
            serialization.from_dict(document, Fishbone)

    def test_generated_ids_never_collide(self):
        diagram = Fishbone(problem="p", categories=[]).add("!!!", "a").add("???", "b")

        assert ["category.1", "category.1-2"] == [f.id for f in diagram.factors()]
