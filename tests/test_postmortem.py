"""Postmortems: the draft from an incident, the lifecycle, action items, the checks."""

import datetime as dt

import attrs
import pytest

from incidentkit import (
    DEFAULT_POLICIES,
    Incident,
    InvalidTransition,
    Role,
    RoleAssignment,
    Severity,
    ValidationError,
    serialization,
)
from incidentkit.findings import Level
from incidentkit.postmortem import (
    TRANSITIONS,
    ActionCategory,
    ActionItem,
    ActionStatus,
    Postmortem,
    PostmortemMove,
    PostmortemStatus,
    RootCause,
    check,
    check_required,
    due_at,
    suggest_actions,
)
from incidentkit.rca import Fishbone, FiveWhys


UTC = dt.timezone.utc
T0 = dt.datetime(2024, 6, 3, 9, 0, tzinfo=UTC)
MIN = dt.timedelta(minutes=1)
DAY = dt.timedelta(days=1)


def outage(severity="P2", **declare):
    """Impact at T0 - 12 min, declared at T0, P1 at +4, mitigated +30, fixed +2 h."""
    options = {"started_at": T0 - 12 * MIN, "service": "web", **declare}
    inc = Incident.declare(
        "Site down", severity=severity, at=T0, declared_by="ana", **options
    )
    return inc.assign(Role.OPERATIONS_LEAD, "raj", at=T0 + 2 * MIN)


def resolved(inc):
    return inc.mitigate(at=T0 + 30 * MIN).resolve(at=T0 + 120 * MIN)


def item(title="Alert on pool usage", **options):
    defaults = {
        "owner": "lee",
        "due": dt.date(2024, 7, 1),
        "category": ActionCategory.MONITORING,
    }
    return ActionItem(title, **{**defaults, **options})


def codes(findings):
    return [f.code for f in findings]


class TestDraft:
    def test_the_draft_carries_spans_severity_history_roles_and_timeline(self):
        inc = outage().escalate("P1", at=T0 + 4 * MIN, reason="everyone affected")
        inc = resolved(inc)

        pm = Postmortem.draft_from(inc)

        assert dt.timedelta(minutes=12) == pm.time_to_detect.duration
        assert dt.timedelta(minutes=42) == pm.time_to_restore.duration
        assert (
            (T0, Severity.P2),
            (T0 + 4 * MIN, Severity.P1),
        ) == pm.severity_history
        assert (
            RoleAssignment(Role.INCIDENT_COMMANDER, "ana", T0),
            RoleAssignment(Role.OPERATIONS_LEAD, "raj", T0 + 2 * MIN),
        ) == pm.roles
        assert inc.timeline == pm.timeline
        assert (inc.id, "Site down") == (pm.incident_id, pm.title)
        assert PostmortemStatus.DRAFT is pm.status
        assert ("ana", "raj") == pm.people

    def test_unknown_spans_say_why(self):
        inc = Incident.declare("Slow", severity="P3", at=T0, declared_by="ana")

        pm = Postmortem.draft_from(inc)

        assert pm.time_to_detect.duration is None
        assert "started_at" == pm.time_to_detect.milestone
        assert ((T0, Severity.P3),) == pm.severity_history

    def test_only_an_incident_makes_a_draft(self):
        with pytest.raises(ValidationError, match="'incident' must be an Incident"):
            Postmortem.draft_from({"id": "INC-1"})  # type: ignore[arg-type]

    def test_the_scenario_lines(self):
        inc = resolved(outage())
        five_whys = (
            FiveWhys(problem="The site went down")
            .why("The database ran out of connections")
            .why("A new query opened connections without closing them")
            .why("There is no automated check for connection leaks")
            .conclude("Add automated connection-pool monitoring")
        )

        pm = Postmortem.draft_from(inc)
        pm = pm.with_root_cause(five_whys).with_action(
            ActionItem(
                "Alert on pool usage",
                owner="lee",
                due=dt.date(2024, 7, 1),
                category=ActionCategory.MONITORING,
            )
        )

        assert (five_whys,) == pm.root_cause.analyses
        assert "lee" == pm.actions[0].owner
        assert "action-no-owner" not in codes(pm.check(T0 + DAY))


class TestEditing:
    def test_each_edit_returns_a_new_postmortem(self):
        pm = Postmortem.draft_from(resolved(outage()))
        diagram = Fishbone(problem="p").add("code changes", "leak")

        edited = (
            pm.with_summary("The pool ran dry.")
            .with_impact("All checkouts failed for 42 minutes.")
            .with_went_well("Rollback took 3 minutes", "Clear commander")
            .with_went_badly("Detection took 12 minutes")
            .with_root_cause(diagram, "No pool monitoring")
            .with_action(item())
        )

        assert pm.summary is None
        assert "The pool ran dry." == edited.summary
        assert ("Rollback took 3 minutes", "Clear commander") == edited.went_well
        assert ("Detection took 12 minutes",) == edited.went_badly
        assert diagram == edited.root_cause.fishbone
        assert "No pool monitoring" == edited.root_cause.summary

    def test_a_root_cause_section_replaces_the_whole(self):
        pm = Postmortem.draft_from(resolved(outage())).with_root_cause("first")

        replaced = pm.with_root_cause(RootCause(summary="second"))

        assert RootCause(summary="second") == replaced.root_cause

    def test_bad_parts_are_refused(self):
        pm = Postmortem.draft_from(resolved(outage()))

        with pytest.raises(ValidationError, match="'parts' must be FiveWhys"):
            pm.with_root_cause(42)  # type: ignore[arg-type]
        with pytest.raises(ValidationError, match="'summary' must be"):
            pm.with_summary(" ")
        with pytest.raises(ValidationError, match="'went_well' must be a sequence"):
            pm.with_went_well("")
        with pytest.raises(ValidationError, match="'actions' must be a sequence"):
            pm.with_action("Alert on pool usage")  # type: ignore[arg-type]
        with pytest.raises(ValidationError, match="action items with different"):
            pm.with_action(item(), item())

    def test_update_action_by_title(self):
        pm = Postmortem.draft_from(resolved(outage())).with_action(item())

        done = pm.update_action("Alert on pool usage", status=ActionStatus.DONE)
        moved = pm.update_action("Alert on pool usage", owner="kim")

        assert ActionStatus.DONE is done.actions[0].status
        assert "kim" == moved.actions[0].owner
        with pytest.raises(ValidationError, match="'title' must be the title"):
            pm.update_action("Nope", status=ActionStatus.DONE)


class TestLifecycle:
    def test_the_table(self):
        assert {
            PostmortemStatus.DRAFT: {PostmortemMove.SUBMIT: PostmortemStatus.IN_REVIEW},
            PostmortemStatus.IN_REVIEW: {
                PostmortemMove.REQUEST_CHANGES: PostmortemStatus.DRAFT,
                PostmortemMove.PUBLISH: PostmortemStatus.PUBLISHED,
            },
            PostmortemStatus.PUBLISHED: {PostmortemMove.AMEND: PostmortemStatus.DRAFT},
        } == TRANSITIONS

    def test_draft_review_publish_amend(self):
        pm = Postmortem.draft_from(resolved(outage()))

        review = pm.submit()
        back = review.request_changes()
        published = review.publish(at=T0 + DAY)
        amended = published.amend()

        assert PostmortemStatus.IN_REVIEW is review.status
        assert PostmortemStatus.DRAFT is back.status
        assert (PostmortemStatus.PUBLISHED, T0 + DAY) == (
            published.status,
            published.published_at,
        )
        assert (PostmortemStatus.DRAFT, None) == (amended.status, amended.published_at)
        assert (PostmortemMove.AMEND,) == published.allowed_moves

    def test_an_illegal_move_names_the_status_and_the_allowed_moves(self):
        pm = Postmortem.draft_from(resolved(outage()))

        with pytest.raises(
            InvalidTransition,
            match=r"cannot publish a postmortem that is draft \(allowed: submit\)",
        ) as caught:
            pm.publish(at=T0)
        assert ("draft", "publish", ("submit",)) == (
            caught.value.status,
            caught.value.move,
            caught.value.allowed,
        )

    def test_a_published_postmortem_must_be_amended_before_editing(self):
        published = (
            Postmortem.draft_from(resolved(outage()))
            .with_action(item())
            .submit()
            .publish(at=T0 + DAY)
        )

        with pytest.raises(
            InvalidTransition,
            match=r"cannot edit a postmortem that is published \(allowed: amend\)",
        ):
            published.with_summary("late change")
        with pytest.raises(InvalidTransition):
            published.update_action("Alert on pool usage", owner="kim")
        tracked = published.update_action(
            "Alert on pool usage", status=ActionStatus.IN_PROGRESS
        )
        assert ActionStatus.IN_PROGRESS is tracked.actions[0].status

    def test_moves_by_name_and_bad_moves(self):
        pm = Postmortem.draft_from(resolved(outage()))

        assert PostmortemStatus.IN_REVIEW is pm.apply("SUBMIT").status
        with pytest.raises(ValidationError, match="'move' must be one of submit"):
            pm.apply("ship it")
        with pytest.raises(ValidationError, match="'at' must be the time"):
            pm.submit().apply(PostmortemMove.PUBLISH)
        with pytest.raises(ValidationError, match="'at' must be"):
            pm.submit().publish(at=dt.datetime(2024, 6, 4))  # naive

    def test_published_at_goes_with_the_published_status(self):
        record = Postmortem.draft_from(resolved(outage())).incident

        with pytest.raises(ValidationError, match="'published_at' must be a time"):
            Postmortem(incident=record, published_at=T0)
        with pytest.raises(ValidationError, match="'published_at' must be a time"):
            Postmortem(incident=record, status=PostmortemStatus.PUBLISHED)


class TestActionItem:
    def test_defaults(self):
        bare = ActionItem("Add a canary stage")

        assert (None, None, ActionCategory.OTHER, ActionStatus.OPEN, None) == (
            bare.owner,
            bare.due,
            bare.category,
            bare.status,
            bare.link,
        )

    @pytest.mark.parametrize(
        ("options", "message"),
        [
            ({"due": dt.datetime(2024, 7, 1, tzinfo=UTC)}, "'due' must be a date"),
            ({"due": "2024-07-01"}, "'due' must be a date"),
            ({"owner": ""}, "'owner' must be"),
            ({"category": "monitoring"}, "'category' must be an ActionCategory"),
            ({"status": "done"}, "'status' must be an ActionStatus"),
        ],
    )
    def test_bad_fields_are_named(self, options, message):
        with pytest.raises(ValidationError, match=message):
            ActionItem("t", **options)

    def test_overdue_only_after_the_due_day_and_while_pending(self):
        pending = item(due=dt.date(2024, 7, 1))
        last_minute = dt.datetime(2024, 7, 1, 23, 59, tzinfo=UTC)
        next_day = dt.datetime(2024, 7, 2, 0, 0, tzinfo=UTC)

        assert not pending.is_overdue(last_minute)
        assert pending.is_overdue(next_day)
        assert not item(status=ActionStatus.DONE).is_overdue(next_day)
        assert not item(status=ActionStatus.WONT_DO).is_overdue(next_day)
        assert item(status=ActionStatus.IN_PROGRESS).is_overdue(next_day)
        assert not item(due=None).is_overdue(next_day)


class TestChecks:
    def test_items_without_owner_or_deadline_and_overdue_ones(self):
        pm = Postmortem.draft_from(resolved(outage())).with_action(
            item("No owner", owner=None),
            item("No date", due=None),
            item("Late", due=dt.date(2024, 6, 10)),
        )

        found = [f for f in pm.check(T0 + 10 * DAY) if f.code.startswith("action")]

        assert [
            ("action-no-owner", Level.ERROR, "actions[0] 'No owner'"),
            ("action-no-deadline", Level.ERROR, "actions[1] 'No date'"),
            ("action-overdue", Level.WARNING, "actions[2] 'Late'"),
        ] == [(f.code, f.level, f.subject) for f in found]
        assert "due 2024-06-10" in found[2].message
        assert "(3 day(s) late)" in found[2].message

    def test_no_action_items_and_no_root_cause(self):
        pm = Postmortem.draft_from(resolved(outage("P3")))

        found = pm.check(T0)

        assert {"no-action-items", "no-root-cause"} <= set(codes(found))

    def test_a_broken_link_between_five_whys_and_fishbone(self):
        diagram = Fishbone(problem="p").add("code changes", "leak")
        linked = diagram.drill("code-changes.1")
        stray = FiveWhys(problem="q", factor_id="config.9")
        pm = Postmortem.draft_from(resolved(outage("P3"))).with_root_cause(
            diagram, linked, stray
        )

        broken = [f for f in pm.check(T0) if f.code == "root-cause-link-broken"]

        assert ["root_cause.analyses[1]"] == [f.subject for f in broken]
        assert "'config.9'" in broken[0].message

    def test_blaming_wording_anywhere_names_the_field_and_span(self):
        chain = FiveWhys(problem="p").why("The junior developer was careless")
        pm = (
            Postmortem.draft_from(resolved(outage("P3")))
            .with_summary("Raj forgot to close the pool.")
            .with_went_badly("Nothing blamed here", "ana did not check the dashboard")
            .with_root_cause(chain)
        )

        found = [f for f in pm.check(T0) if f.level is Level.WARNING]
        blame = [(f.code, f.subject) for f in found if f.subject[-1] == "]"]

        assert [
            ("person-forgot", "summary[0:10]"),
            ("person-did-not", "went_badly[1][0:17]"),
            ("character-judgment", "root_cause.analyses[0].steps[0].because[25:33]"),
        ] == blame

    def test_overdue_postmortem_measured_from_resolution(self):
        inc = resolved(outage("P1"))  # resolved at T0 + 2 h; P1 allows 3 days
        pm = Postmortem.draft_from(inc)
        due = T0 + 2 * dt.timedelta(hours=1) + 3 * DAY

        assert due == pm.due_at()
        assert due == due_at(inc)
        assert "postmortem-overdue" not in codes(pm.check(due))
        late = pm.check(due + MIN)
        assert "postmortem-overdue" == late[0].code
        assert Level.ERROR is late[0].level
        assert inc.id == late[0].subject

    def test_published_late_is_information(self):
        inc = resolved(outage("P2"))  # P2 allows 7 days
        due = T0 + 2 * dt.timedelta(hours=1) + 7 * DAY
        pm = Postmortem.draft_from(inc).submit().publish(at=due + DAY)

        found = check_required(inc, pm, now=due + 2 * DAY)

        assert [("postmortem-published-late", Level.INFO)] == [
            (f.code, f.level) for f in found
        ]
        assert "1d after it was due" in found[0].message

    def test_a_missing_required_postmortem(self):
        inc = resolved(outage("P1"))
        due = T0 + 2 * dt.timedelta(hours=1) + 3 * DAY

        before = check_required(inc, None, now=due)
        after = check_required(inc, None, now=due + MIN)
        open_incident = check_required(outage("P1"), None, now=due + MIN)

        assert [("postmortem-missing", Level.WARNING)] == [
            (f.code, f.level) for f in before
        ]
        assert [("postmortem-missing", Level.ERROR)] == [
            (f.code, f.level) for f in after
        ]
        assert "overdue" in after[0].message
        assert [("postmortem-missing", Level.WARNING)] == [
            (f.code, f.level) for f in open_incident
        ]

    def test_p3_needs_no_postmortem_and_policies_are_data(self):
        inc = resolved(outage("P3"))
        strict = {**DEFAULT_POLICIES}
        strict[Severity.P3] = DEFAULT_POLICIES[Severity.P2]

        assert () == check_required(inc, None, now=T0 + 30 * DAY)
        assert ["postmortem-missing"] == codes(
            check_required(inc, None, now=T0 + 30 * DAY, policies=strict)
        )
        assert () == check_required(inc, None, now=T0, policies={})
        with pytest.raises(ValidationError, match="'policies' must be a mapping"):
            check_required(inc, None, now=T0, policies=[1])  # type: ignore[arg-type]
        with pytest.raises(ValidationError, match="'policies' must be a mapping"):
            check_required(inc, None, now=T0, policies={Severity.P3: "strict"})  # type: ignore[dict-item]

    def test_check_refuses_what_is_not_a_postmortem(self):
        with pytest.raises(ValidationError, match="'postmortem' must be a Postmortem"):
            check("pm", T0)  # type: ignore[arg-type]
        with pytest.raises(ValidationError, match="'now' must be"):
            Postmortem.draft_from(resolved(outage())).check(dt.datetime(2024, 6, 3))


class TestSuggestions:
    def test_late_detection_suggests_monitoring_with_the_figure(self):
        inc = outage("P3", started_at=T0 - 40 * MIN)

        found = suggest_actions(inc)

        assert ["suggest-monitoring"] == codes(found)
        assert Level.INFO is found[0].level
        assert "the time to detect was 40m (more than 15m)" in found[0].message

    def test_prompt_detection_suggests_nothing(self):
        assert () == suggest_actions(outage("P3"))

    @pytest.mark.parametrize(
        "labels", [{"detected_by": "customer"}, {"reported_by": " Support "}]
    )
    def test_a_customer_report_suggests_monitoring(self, labels):
        found = suggest_actions(outage("P3", labels=labels))

        assert ["suggest-monitoring"] == codes(found)
        assert "first reported by a" in found[0].message

    def test_a_customer_report_in_a_note_suggests_monitoring(self):
        inc = outage("P3").note("Support ticket from ACME: checkout fails", at=T0)

        found = suggest_actions(inc)

        assert ["suggest-monitoring"] == codes(found)
        assert "Support ticket from ACME" in found[0].message

    def test_a_deployment_shortly_before_impact_suggests_a_safeguard(self):
        inc = outage("P3").note("Deployed release 2024.06.3", at=T0 - 20 * MIN)

        found = suggest_actions(inc)

        assert ["suggest-deployment-safeguard"] == codes(found)
        assert "impact began 8m after a deployment" in found[0].message

    def test_a_deployment_long_before_impact_suggests_nothing(self):
        inc = outage("P3").note("Deployed release 2024.06.3", at=T0 - 3 * 60 * MIN)

        assert () == suggest_actions(inc)
        assert ["suggest-deployment-safeguard"] == codes(
            suggest_actions(inc, deploy_window=dt.timedelta(hours=4))
        )

    def test_a_rollback_suggests_a_safeguard_and_a_runbook(self):
        inc = outage("P3").mitigate(at=T0 + 5 * MIN, how="rolled back 2024.06.3")

        found = suggest_actions(inc)

        assert ["suggest-deployment-safeguard", "suggest-runbook"] == codes(found)
        assert "restored by a rollback ('rolled back 2024.06.3')" in found[0].message
        assert "names no runbook" in found[1].message

    def test_a_mitigation_from_a_runbook_needs_no_runbook_action(self):
        inc = outage("P3").record_mitigation(
            "Drained the pool per runbook RB-12", at=T0 + MIN
        )
        linked = outage("P3").record_mitigation(
            "Failed over, see https://wiki/failover", at=T0 + MIN
        )

        assert () == suggest_actions(inc)
        assert () == suggest_actions(linked)

    def test_a_full_outage_of_one_service_suggests_architecture(self):
        escalated = outage("P2").escalate("P1", at=T0 + MIN)
        radius = outage("P3", labels={"blast_radius": "total"})

        assert ["suggest-architecture"] == codes(suggest_actions(escalated))
        assert "'web'" in suggest_actions(escalated)[0].message
        assert ["suggest-architecture"] == codes(suggest_actions(radius))
        assert [] == codes(suggest_actions(outage("P1", service=None)))

    def test_postmortem_check_drops_suggestions_an_item_covers(self):
        inc = resolved(outage("P3", started_at=T0 - 40 * MIN))
        pm = Postmortem.draft_from(inc)

        before = [c for c in codes(pm.check(T0)) if c.startswith("suggest")]
        after = [
            c
            for c in codes(pm.with_action(item()).check(T0))
            if c.startswith("suggest")
        ]

        assert ["suggest-monitoring"] == before
        assert [] == after

    def test_suggestions_take_a_postmortem_or_an_incident_only(self):
        with pytest.raises(ValidationError, match="'source' must be a Postmortem"):
            suggest_actions("INC-1")  # type: ignore[arg-type]


def test_a_full_postmortem_round_trips_and_refuses_unknown_keys():
    diagram = Fishbone(problem="p").add("code changes", "leak", likely=True)
    pm = (
        Postmortem.draft_from(resolved(outage()))
        .with_root_cause(diagram, diagram.drill("code-changes.1").why("no check"))
        .with_action(item())
    )
    text = serialization.dumps(pm)

    assert pm == serialization.loads(text, Postmortem)
    with pytest.raises(ValidationError, match=r"\$: unknown keys: sumary"):
        serialization.loads(text.replace('"summary"', '"sumary"'), Postmortem)


def test_every_text_of_the_postmortem_is_linted():
    pm = (
        Postmortem.draft_from(resolved(outage("P3")))
        .with_impact("Users saw errors because of operator error.")
        .with_went_well("He ignored nothing.")
        .with_root_cause("It was Tom's fault.")
        .with_action(item("Tell Kim she should have checked"))
    )

    subjects = [f.subject for f in pm.check(T0) if f.subject.endswith("]")]

    assert [
        "impact[17:42]",
        "went_well[0][0:10]",
        "root_cause.summary[7:18]",
        "actions[0].title[9:24]",
    ] == subjects


def test_severity_history_without_a_timeline_uses_the_record():
    record = Postmortem.draft_from(outage("P3")).incident
    bare = attrs.evolve(record, started_at=None, detected_at=None, declared_at=None)

    assert ((T0 - 12 * MIN, Severity.P3),) == Postmortem(
        incident=record
    ).severity_history
    assert ((dt.datetime.min.replace(tzinfo=UTC), Severity.P3),) == Postmortem(
        incident=bare
    ).severity_history


def test_an_unresolved_incident_has_no_postmortem_deadline_yet():
    inc = outage("P1")
    pm = Postmortem.draft_from(inc)

    assert pm.due_at() is None
    assert () == check_required(inc, pm, now=T0 + 30 * DAY)
