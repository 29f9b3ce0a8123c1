import datetime as dt

import pytest

from incidentkit import Finding, Level, Role, RoleAssignment, Severity, ValidationError
from incidentkit.roles import check_roles, holder_of


UTC = dt.timezone.utc
T0 = dt.datetime(2024, 6, 1, 14, 0, tzinfo=UTC)
MIN = dt.timedelta(minutes=1)
IC, OPS, COMMS = Role.INCIDENT_COMMANDER, Role.OPERATIONS_LEAD, Role.COMMUNICATIONS_LEAD


class TestRole:
    def test_canonical_roles(self):
        assert {"incident_commander", "operations_lead", "communications_lead"} == {
            r.name for r in (IC, OPS, COMMS)
        }
        assert all(r.is_canonical for r in (IC, OPS, COMMS))

    def test_custom_roles_are_expressible(self):
        scribe = Role("scribe")

        assert not scribe.is_canonical
        assert Role("scribe") == scribe
        assert "Scribe" == scribe.title
        assert "scribe" == str(scribe)
        assert "Role('scribe')" == repr(scribe)

    @pytest.mark.parametrize("name", ["", "Scribe", "sme database", "1st", 3])
    def test_names_are_lowercase_slugs(self, name):
        with pytest.raises(ValidationError, match=r"'name' must be a lowercase name"):
            Role(name)


class TestRoleAssignment:
    def test_tenure_is_half_open(self):
        a = RoleAssignment(OPS, "raj", T0, T0 + 10 * MIN)

        assert a.is_active_at(T0)
        assert a.is_active_at(T0 + 9 * MIN)
        assert not a.is_active_at(T0 + 10 * MIN)
        assert not a.is_active_at(T0 - MIN)
        assert not a.is_current

    def test_relieved_before_assumed_is_an_error(self):
        with pytest.raises(
            ValidationError, match=r"'relieved_at' must not be before 'assumed_at'"
        ):
            RoleAssignment(OPS, "raj", T0, T0 - MIN)

    def test_relieve_ends_the_tenure(self):
        a = RoleAssignment(OPS, "raj", T0).relieve(T0 + MIN)

        assert T0 + MIN == a.relieved_at

    def test_relieve_twice_is_an_error(self):
        a = RoleAssignment(OPS, "raj", T0, T0 + MIN)

        with pytest.raises(ValidationError, match="was relieved of 'operations_lead'"):
            a.relieve(T0 + 2 * MIN)

    def test_person_must_be_named(self):
        with pytest.raises(ValidationError, match=r"'person' must be a non-empty"):
            RoleAssignment(OPS, " ", T0)

    def test_role_must_be_a_role(self):
        with pytest.raises(ValidationError, match=r"'role' must be a Role"):
            RoleAssignment("operations_lead", "raj", T0)  # type: ignore[arg-type]

    def test_naive_times_are_errors(self):
        with pytest.raises(ValidationError, match=r"'assumed_at' must be a timezone"):
            RoleAssignment(OPS, "raj", dt.datetime(2024, 6, 1))

    def test_holder_of_now_and_then(self):
        assignments = [
            RoleAssignment(IC, "ana", T0, T0 + 30 * MIN),
            RoleAssignment(IC, "lee", T0 + 30 * MIN),
        ]

        assert "lee" == holder_of(assignments, IC)
        assert "ana" == holder_of(assignments, IC, T0 + 29 * MIN)
        assert holder_of(assignments, OPS) is None


class TestCheckRoles:
    def codes(self, findings):
        return [f.code for f in findings]

    def test_all_three_roles_held_is_clean(self):
        assignments = [
            RoleAssignment(IC, "ana", T0),
            RoleAssignment(OPS, "raj", T0),
            RoleAssignment(COMMS, "lee", T0),
        ]

        assert () == check_roles(assignments, severity=Severity.P1, at=T0 + MIN)

    def test_nobody_in_command_is_an_error(self):
        found = check_roles(
            [RoleAssignment(OPS, "raj", T0)],
            severity=Severity.P3,
            at=T0,
            subject="INC-7",
        )

        assert [
            Finding(
                "no-commander",
                "Nobody is in command: without an incident commander nobody "
                "coordinates, delegates or keeps the overall picture.",
                Level.ERROR,
                "INC-7",
            )
        ] == list(found)

    def test_commander_also_operations_lead_on_p1(self):
        assignments = [
            RoleAssignment(IC, "ana", T0),
            RoleAssignment(OPS, "ana", T0),
            RoleAssignment(COMMS, "lee", T0),
        ]

        found = check_roles(assignments, severity=Severity.P1, at=T0)

        assert ["commander-hands-on"] == self.codes(found)
        assert Level.WARNING is found[0].level

    def test_commander_applying_a_mitigation_on_p1(self):
        assignments = [RoleAssignment(IC, "ana", T0), RoleAssignment(COMMS, "lee", T0)]

        found = check_roles(
            assignments,
            severity=Severity.P1,
            at=T0 + 10 * MIN,
            hands_on=[("raj", T0 + MIN), ("ana", T0 + 5 * MIN)],
        )

        assert ["commander-hands-on"] == self.codes(found)
        assert "ana applied a mitigation" in found[0].message

    def test_hands_on_after_the_checked_instant_is_ignored(self):
        assignments = [RoleAssignment(IC, "ana", T0), RoleAssignment(COMMS, "lee", T0)]

        found = check_roles(
            assignments, severity=Severity.P1, at=T0, hands_on=[("ana", T0 + MIN)]
        )

        assert [] == self.codes(found)

    def test_hands_on_is_fine_below_p1(self):
        assignments = [RoleAssignment(IC, "ana", T0), RoleAssignment(OPS, "ana", T0)]

        found = check_roles(assignments, severity=Severity.P2, at=T0)

        assert ["commander-owns-communications"] == self.codes(found)

    def test_p1_without_communications_lead_is_an_error(self):
        found = check_roles(
            [RoleAssignment(IC, "ana", T0)], severity=Severity.P1, at=T0
        )

        assert ["no-communications-lead"] == self.codes(found)
        assert Level.ERROR is found[0].level

    def test_p2_commander_absorbs_communications(self):
        found = check_roles(
            [RoleAssignment(IC, "ana", T0)], severity=Severity.P2, at=T0
        )

        assert ["commander-owns-communications"] == self.codes(found)
        assert Level.INFO is found[0].level
        assert "(ana)" in found[0].message

    def test_p2_with_nobody_at_all_is_two_errors(self):
        found = check_roles([], severity=Severity.P2, at=T0)

        assert ["no-commander", "no-communications-lead"] == self.codes(found)
        assert {Level.ERROR} == {f.level for f in found}

    def test_findings_are_listed_most_severe_first(self):
        # The hands-on warning is found before the missing communications lead
        # (an error), so only the sort puts the error first.
        assignments = [RoleAssignment(IC, "ana", T0), RoleAssignment(OPS, "ana", T0)]

        found = check_roles(assignments, severity=Severity.P1, at=T0)

        assert [
            ("no-communications-lead", Level.ERROR),
            ("commander-hands-on", Level.WARNING),
        ] == [(f.code, f.level) for f in found]

    def test_p3_needs_only_a_commander(self):
        assert () == check_roles(
            [RoleAssignment(IC, "ana", T0)], severity=Severity.P3, at=T0
        )

    def test_checks_use_tenure_at_the_instant(self):
        assignments = [RoleAssignment(IC, "ana", T0, T0 + MIN)]

        assert ["no-commander"] == self.codes(
            check_roles(assignments, severity=Severity.P3, at=T0 + MIN)
        )
