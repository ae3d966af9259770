"""What each role reaches (core.reach, DOMAIN 1): decided once, for every role."""

import uuid

import pytest

from app.core.permissions import Role
from app.core.principals import Principal
from app.core.reach import NOTHING, ReachShape, reach_of

USER = uuid.UUID(int=7)
ORG = uuid.UUID(int=9)


def _principal(role: Role, scope: str | None = None, org: uuid.UUID | None = None) -> Principal:
    return Principal(USER, role, scope, org, role is Role.partner, "t")


@pytest.mark.parametrize(
    ("role", "scope"),
    [
        (Role.district_officer, "500112"),
        (Role.street_officer, "500112001"),
    ],
)
def test_officers_reach_their_subtree(role: Role, scope: str) -> None:
    reach = reach_of(_principal(role, scope))
    assert (reach.shape, reach.regions, reach.paired_user) == (ReachShape.subtree, (scope,), None)
    assert not reach.read_only


@pytest.mark.parametrize("role", [Role.community_worker, Role.grid_worker])
def test_community_and_grid_workers_also_reach_their_paired_households(role: Role) -> None:
    reach = reach_of(_principal(role, "500112001001"))
    assert reach.shape is ReachShape.subtree_or_paired
    assert (reach.regions, reach.paired_user) == (("500112001001",), USER)


def test_social_workers_reach_their_assignments() -> None:
    reach = reach_of(_principal(Role.social_worker, org=ORG))
    assert (reach.shape, reach.assigned_user, reach.regions) == (ReachShape.assigned, USER, ())


@pytest.mark.parametrize("role", [Role.department_officer, Role.partner])
def test_departments_and_partners_reach_what_is_referred_to_their_organisation(
    role: Role,
) -> None:
    reach = reach_of(_principal(role, org=ORG))
    assert (reach.shape, reach.organization, reach.regions) == (ReachShape.referred, ORG, ())


def test_an_organisation_role_without_an_organisation_reaches_nothing() -> None:
    assert reach_of(_principal(Role.department_officer)) == NOTHING


def test_an_auditor_without_a_grant_reaches_nothing() -> None:
    assert reach_of(_principal(Role.auditor)) == NOTHING


def test_an_auditor_reaches_its_grants_read_only_outermost_first() -> None:
    reach = reach_of(
        _principal(Role.auditor), ("500112001001", "500112002", "500112001", "500112002")
    )
    assert reach.shape is ReachShape.granted
    assert reach.regions == ("500112001", "500112002")
    assert reach.read_only


def test_admins_reach_nothing_even_with_a_scope() -> None:
    assert reach_of(_principal(Role.admin, "500112")) == NOTHING


def test_a_region_role_without_a_scope_reaches_nothing() -> None:
    assert reach_of(_principal(Role.street_officer)) == NOTHING
