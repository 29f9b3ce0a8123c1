"""incidentkit.mitigation: the process's own examples, ranking, runbooks, bad input."""

import datetime as dt

import pytest

from incidentkit import serialization
from incidentkit.errors import ValidationError
from incidentkit.mitigation import (
    CapacityAction,
    Concentration,
    ConcentrationKind,
    Deployment,
    MitigationContext,
    Recommendation,
    Remedy,
    Runbook,
    Saturation,
    Strategy,
    recommend,
)
from incidentkit.signals import Decision, SignalState, Urgency, WindowValue


UTC = dt.timezone.utc
T0 = dt.datetime(2024, 6, 1, 14, 0, tzinfo=UTC)
MIN = dt.timedelta(minutes=1)


def release(minutes_before, **kwargs):
    fields = {
        "at": T0 - minutes_before * MIN,
        "service": "checkout",
        "version": "2024.06.1",
        "previous_version": "2024.05.4",
    }
    return Deployment(**{**fields, **kwargs})


def firing_decision(resource="db-connections", value=0.97):
    return Decision(
        "saturation",
        SignalState.FIRING,
        SignalState.PENDING,
        T0,
        Urgency.PAGE,
        windows=[
            WindowValue(resource, 10 * MIN, value),
            WindowValue("cpu", 10 * MIN, 0.4),
        ],
        thresholds={"warning": 0.8, "critical": 0.95, "clear": 0.75},
        labels={"service": "checkout"},
    )


# -- the process's own examples ----------------------------------------------------


def test_scenario_a_release_shortly_before_the_impact_is_rolled_back_first():
    ctx = MitigationContext(
        impact_started_at=T0, deployments=[release(10)], firing=[firing_decision()]
    )

    best = recommend(ctx)[0]

    assert Remedy.ROLL_BACK is best.remedy
    assert "2024.06.1" == best.target
    assert "checkout" == best.service
    assert best.reasons[0].startswith(
        "checkout 2024.06.1 (plain) was deployed 10m before the impact began"
    )
    assert ("redeploy 2024.05.4 of checkout in place of 2024.06.1",) == best.steps[:1]
    assert best.improvised
    # 0.9 at the moment of release, falling by 0.4 over the hour: 10 minutes in.
    assert 0.9 - 0.4 * 10 / 60 == pytest.approx(best.confidence, abs=1e-4)


def test_saturation_firing_alone_means_scale_up():
    ctx = MitigationContext(
        firing=[firing_decision()],
        capacity=[
            CapacityAction(
                resource="db-connections", action="raise the pool from 50 to 100"
            ),
            CapacityAction(resource="cpu", action="add 4 web replicas"),
        ],
    )

    (only,) = recommend(ctx)

    assert Remedy.SCALE_UP is only.remedy
    assert "db-connections" == only.target
    assert ("raise the pool from 50 to 100",) == only.steps[:1]
    assert only.reasons[0] == (
        "saturation is firing (paging) on db-connections at 97% (threshold 95%): "
        "adding capacity buys time to find the cause"
    )
    assert 0.8 == only.confidence


def test_a_new_search_feature_causing_database_timeouts_is_disabled_by_its_flag():
    search = Concentration(
        kind=ConcentrationKind.FEATURE, name="search", share=0.9, flag="new-search"
    )
    ctx = MitigationContext(concentrations=[search], firing=[firing_decision()])

    ranked = recommend(ctx)

    assert [Remedy.DISABLE_FEATURE, Remedy.SCALE_UP] == [r.remedy for r in ranked]
    assert "new-search" == ranked[0].target
    assert "turn off the feature flag 'new-search' (search)" == ranked[0].steps[0]
    assert 0.5 + 0.4 * 0.9 == pytest.approx(ranked[0].confidence)


def test_one_bad_region_means_redirect_traffic():
    region = Concentration(kind=ConcentrationKind.REGION, name="eu-west-1", share=0.95)
    host = Concentration(kind=ConcentrationKind.HOST, name="web-7", share=0.6)

    ranked = recommend(MitigationContext(concentrations=[host, region]))

    assert [("redirect_traffic", "eu-west-1"), ("redirect_traffic", "web-7")] == [
        (r.remedy.value, r.target) for r in ranked
    ]
    assert "route traffic away from host web-7 to healthy ones" == ranked[1].steps[0]


def test_a_deployment_long_before_the_impact_ranks_below_the_evidence_that_fits():
    old = release(3 * 24 * 60, service="search", version="7.2")
    ctx = MitigationContext(
        impact_started_at=T0,
        deployments=[old],
        firing=[Saturation(resource="cpu", paging=False)],
    )

    ranked = recommend(ctx)

    assert [Remedy.SCALE_UP, Remedy.ROLL_BACK] == [r.remedy for r in ranked]
    assert 0.2 == ranked[1].confidence
    assert "3d before the impact began, long before" in ranked[1].reasons[0]


# -- rollback details --------------------------------------------------------------


def test_a_canary_in_progress_is_paused_and_reverted():
    canary = release(5, strategy=Strategy.CANARY, canary_percent=10)

    best = recommend(MitigationContext(impact_started_at=T0, deployments=[canary]))[0]

    assert (
        "pause the checkout canary rollout of 2024.06.1 at 10%",
        "revert the canary: send its traffic back to 2024.05.4",
    ) == best.steps[:2]
    assert "the canary has reached only 10% of traffic" in best.reasons[1]


def test_a_blue_green_pair_is_switched_back():
    pair = release(5, strategy=Strategy.BLUE_GREEN, previous_version=None)

    best = recommend(MitigationContext(impact_started_at=T0, deployments=[pair]))[0]

    assert (
        "switch the checkout load balancer back to the environment running "
        "the previous version"
    ) == best.steps[0]


def test_only_the_last_release_before_the_impact_of_each_service_is_proposed():
    ctx = MitigationContext(
        impact_started_at=T0,
        deployments=[
            release(30, version="a"),
            release(10, version="b"),
            release(-5, version="after"),  # after the impact began
        ],
    )

    assert ["b"] == [r.target for r in recommend(ctx)]


def test_without_the_impact_start_the_last_release_is_a_middling_lead():
    ctx = MitigationContext(deployments=[release(10, version="a"), release(5)])

    (only,) = recommend(ctx)

    assert "2024.06.1" == only.target
    assert 0.4 == only.confidence
    assert "when the impact began is unknown" in only.reasons[0]


def test_the_suspect_window_is_a_parameter():
    ctx = MitigationContext(impact_started_at=T0, deployments=[release(90)])

    assert 0.2 == recommend(ctx)[0].confidence
    wide = recommend(ctx, suspect_within=dt.timedelta(hours=3))[0]
    assert 0.9 - 0.4 * 90 / 180 == pytest.approx(wide.confidence)


# -- runbooks ----------------------------------------------------------------------


def test_the_most_specific_runbook_that_fits_is_attached():
    generic = Runbook(title="any rollback", trigger=Remedy.ROLL_BACK, steps=["revert"])
    canary_book = Runbook(
        title="checkout canary",
        trigger=Remedy.ROLL_BACK,
        service="checkout",
        strategy=Strategy.CANARY,
        steps=["flagger pause checkout", "flagger rollback checkout"],
    )
    other = Runbook(
        title="search", trigger=Remedy.ROLL_BACK, service="search", steps=["x"]
    )
    canary = release(5, strategy=Strategy.CANARY, canary_percent=25)

    best = recommend(
        MitigationContext(
            impact_started_at=T0,
            deployments=[canary],
            runbooks=[generic, other, canary_book],
        )
    )[0]

    assert "checkout canary" == best.runbook
    assert not best.improvised
    assert ("flagger pause checkout", "flagger rollback checkout") == best.steps
    assert "runbook 'checkout canary' covers it" in best.reasons


def test_a_recommendation_without_a_runbook_says_it_is_improvised():
    best = recommend(MitigationContext(firing=[Saturation(resource="cpu")]))[0]

    assert best.improvised
    assert best.reasons[-1].startswith("no runbook covers this step: it is improvised")
    assert (
        "add capacity for cpu",
        "watch the golden signals return to normal before standing down",
    ) == best.steps


# -- what gives no recommendation --------------------------------------------------


def test_nothing_pointing_anywhere_gives_no_recommendation():
    weak = Concentration(kind=ConcentrationKind.REGION, name="us", share=0.3)
    no_flag = Concentration(kind=ConcentrationKind.FEATURE, name="search", share=0.9)

    assert () == recommend(MitigationContext())
    assert () == recommend(MitigationContext(concentrations=[weak, no_flag]))
    assert 1 == len(recommend(MitigationContext(concentrations=[weak]), min_share=0.25))


def test_a_firing_decision_becomes_one_saturation_per_resource_above_warning():
    ctx = MitigationContext(firing=[firing_decision()])

    assert (
        Saturation(
            resource="db-connections",
            utilisation=0.97,
            threshold=0.95,
            service="checkout",
            paging=True,
        ),
    ) == ctx.firing


def test_the_worst_reading_of_a_resource_is_the_one_recommended():
    ctx = MitigationContext(
        firing=[
            Saturation(resource="cpu", utilisation=0.85),
            Saturation(resource="cpu", utilisation=0.99, paging=True),
        ]
    )

    (only,) = recommend(ctx)

    assert "saturation is firing (paging) on cpu at 99%" in only.reasons[0]


# -- bad input ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("build", "match"),
    [
        (lambda: release(5, at=dt.datetime(2024, 6, 1)), "'at' must be"),
        (lambda: release(5, service=""), "'service' must be a non-empty string"),
        (lambda: release(5, strategy="canary"), "'strategy' must be a Strategy"),
        (lambda: release(5, canary_percent=10), "'canary_percent' must be None unless"),
        (
            lambda: release(5, strategy=Strategy.CANARY, canary_percent=100),
            "'canary_percent' must be a percentage strictly between 0 and 100",
        ),
        (
            lambda: Concentration(
                kind=ConcentrationKind.REGION, name="eu", share=0.9, flag="x"
            ),
            "'flag' must be None unless kind is ConcentrationKind.FEATURE",
        ),
        (
            lambda: Concentration(kind=ConcentrationKind.HOST, name="h", share=0),
            "'share' must be a number greater than 0, at most 1",
        ),
        (
            lambda: Saturation(resource="cpu", utilisation=float("nan")),
            "'utilisation' must be a finite, non-negative number",
        ),
        (
            lambda: Saturation(resource="cpu", paging="yes"),  # type: ignore[arg-type]
            "'paging' must be True",
        ),
        (
            lambda: Runbook(title="r", trigger=Remedy.SCALE_UP, steps=[]),
            "'steps' must be at least one step",
        ),
        (
            lambda: Runbook(title="r", trigger=Remedy.SCALE_UP, steps="restart"),
            "'steps' must be a non-empty sequence",
        ),
        (lambda: MitigationContext(deployments=[{}]), "'deployments' must be"),
        (lambda: MitigationContext(firing=[object()]), "'firing' must be"),
        (lambda: MitigationContext(firing=5), "'firing' must be a sequence"),
        (
            lambda: MitigationContext(
                firing=[Decision("saturation", SignalState.OK, SignalState.OK, T0)]
            ),
            "'firing' must be firing saturation decisions",
        ),
        (
            lambda: MitigationContext(
                firing=[Decision("saturation", SignalState.FIRING, SignalState.OK, T0)]
            ),
            "'firing' must be a decision with a measured resource",
        ),
        (
            lambda: recommend({}),  # type: ignore[arg-type]
            "'context' must be a MitigationContext",
        ),
        (
            lambda: recommend(MitigationContext(), suspect_within=dt.timedelta(0)),
            "'suspect_within' must be a positive timedelta",
        ),
        (
            lambda: recommend(MitigationContext(), min_share=0),
            "'min_share' must be a number greater than 0",
        ),
        (
            lambda: Recommendation(
                remedy=Remedy.SCALE_UP,
                target="cpu",
                confidence=2.0,
                reasons=(),
                steps=(),
            ),
            "'confidence' must be a float from 0 to 1",
        ),
    ],
)
def test_bad_input_names_the_field(build, match):
    with pytest.raises(ValidationError, match=match):
        build()


# -- the wire ----------------------------------------------------------------------


def test_a_context_and_its_recommendations_round_trip():
    ctx = MitigationContext(
        impact_started_at=T0,
        deployments=[release(5, strategy=Strategy.CANARY, canary_percent=12.5)],
        firing=[firing_decision()],
        concentrations=[
            Concentration(
                kind=ConcentrationKind.FEATURE,
                name="search",
                share=0.7,
                flag="new-search",
                service="search",
            )
        ],
        capacity=[CapacityAction(resource="db-connections", action="raise pool")],
        runbooks=[
            Runbook(
                title="scale db",
                trigger=Remedy.SCALE_UP,
                target="db-connections",
                steps=["raise pool"],
            )
        ],
    )
    ranked = recommend(ctx)

    assert ctx == serialization.loads(serialization.dumps(ctx), MitigationContext)
    for r in ranked:
        assert r == serialization.loads(serialization.dumps(r), Recommendation)
    assert 3 == len(ranked)


def test_explain_reads_as_a_paragraph():
    best = recommend(MitigationContext(firing=[Saturation(resource="cpu")]))[0]

    assert (
        "scale up cpu (confidence 0.65), because saturation is firing (ticketing) on "
        "cpu: adding capacity buys time to find the cause; no capacity action is "
        "listed for cpu; no runbook covers this step: it is improvised (the "
        "postmortem should ask for a runbook). Steps: 1. add capacity for cpu; "
        "2. watch the golden signals return to normal before standing down."
    ) == best.explain()
