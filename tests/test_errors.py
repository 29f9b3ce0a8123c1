import datetime as dt
import pickle

import pytest

from incidentkit import errors
from incidentkit.errors import (
    IncidentKitError,
    InvalidTransition,
    MilestoneOrderError,
    RemotePayloadError,
    RoleConflict,
    ValidationError,
)


UTC = dt.timezone.utc


class TestTree:
    @pytest.mark.parametrize(
        ("cls", "builtin"),
        [
            (ValidationError, ValueError),
            (MilestoneOrderError, ValidationError),
            (RoleConflict, ValidationError),
            (InvalidTransition, ValueError),
            (RemotePayloadError, ValueError),
        ],
    )
    def test_every_error_is_an_incidentkit_error_and_the_fitting_builtin(
        self, cls, builtin
    ):
        assert issubclass(cls, IncidentKitError)
        assert issubclass(cls, builtin)

    def test_module_docstring_draws_every_public_error(self):
        for name in errors.__all__:
            assert name in (errors.__doc__ or "")


class TestValidationError:
    def test_for_field_names_field_expectation_and_value(self):
        err = ValidationError.for_field("at", "a timezone-aware datetime", 42)

        assert "'at' must be a timezone-aware datetime (got 42)" == str(err)
        assert ("at", "a timezone-aware datetime", 42) == (
            err.field,
            err.expected,
            err.got,
        )
        assert (str(err),) == err.errors

    def test_several_problems_keep_one_line_each(self):
        err = ValidationError("2 problems", errors=["$.a: x", "$.b: y"])

        assert ("$.a: x", "$.b: y") == err.errors

    def test_pickles_with_its_attributes(self):
        err = ValidationError.for_field("title", "a non-empty string", "")

        back = pickle.loads(pickle.dumps(err))

        assert type(back) is ValidationError
        assert (str(err), "title", "", err.errors) == (
            str(back),
            back.field,
            back.got,
            back.errors,
        )


class TestMilestoneOrderError:
    def test_names_both_milestones_and_values(self):
        a = dt.datetime(2024, 6, 1, 14, 0, tzinfo=UTC)
        b = dt.datetime(2024, 6, 1, 13, 0, tzinfo=UTC)

        err = MilestoneOrderError("detected_at", a, "mitigated_at", b)

        assert (
            "'mitigated_at' must not be before 'detected_at' "
            "(got mitigated_at=2024-06-01T13:00:00+00:00, "
            "detected_at=2024-06-01T14:00:00+00:00)"
        ) == str(err)
        assert ("detected_at", "mitigated_at", a, b) == (
            err.earlier,
            err.later,
            err.earlier_value,
            err.later_value,
        )
        assert "mitigated_at" == err.field

    def test_pickles(self):
        err = MilestoneOrderError("a", 1, "b", 0)

        back = pickle.loads(pickle.dumps(err))

        assert (str(err), back.earlier, back.later_value) == (str(back), "a", 0)


class TestOtherErrors:
    def test_invalid_transition_lists_allowed_moves(self):
        err = InvalidTransition("monitoring", "identify", ["resolve", "reopen"])

        assert (
            "cannot identify an incident that is monitoring (allowed: resolve, reopen)"
            == str(err)
        )
        assert ("monitoring", "identify", ("resolve", "reopen")) == (
            err.status,
            err.move,
            err.allowed,
        )

    def test_invalid_transition_says_when_nothing_is_allowed(self):
        assert "allowed: nothing, it is final" in str(
            InvalidTransition("closed", "reopen", ())
        )

    def test_role_conflict_points_at_hand_off(self):
        err = RoleConflict("incident_commander", "ana", "raj")

        assert "held by 'ana'" in str(err)
        assert "hand_off()" in str(err)
        assert ("incident_commander", "ana") == (err.role, err.holder)

    def test_remote_payload_error_names_source_and_path(self):
        err = RemotePayloadError("not an object", source="statuspage", path="$[3]")

        assert "statuspage payload at $[3]: not an object" == str(err)
        assert ("statuspage", "$[3]") == (err.source, err.path)

    @pytest.mark.parametrize(
        "err",
        [
            InvalidTransition("closed", "resolve", ()),
            RoleConflict("scribe", "ana", "raj"),
            RoleConflict(
                "scribe", "ana", "raj", until=dt.datetime(2024, 6, 1, tzinfo=UTC)
            ),
            RemotePayloadError("bad", source="pagerduty"),
            RemotePayloadError("bad", source="pagerduty", path="$.x"),
        ],
    )
    def test_pickle_round_trip_keeps_message_and_type(self, err):
        back = pickle.loads(pickle.dumps(err))

        assert (type(err), str(err)) == (type(back), str(back))
