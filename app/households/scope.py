"""Which households an actor may see: the jurisdiction filter of every household-owned query.

`core.reach` says what an actor reaches; this module turns it into SQL on a
household-owned row's household id and region code. Repositories of
household data, in this domain and in others (through `households.public`),
add it to every query, so an object out of scope is simply not found (404).
"""

import uuid
from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy import Select, bindparam, false, or_, select

from app.core.reach import Reach, ReachShape
from app.core.region_codes import in_bounds, subtree_bounds
from app.households.models import Household, HouseholdAssignment

OrganizationReach = Callable[[Any, Any], Select[tuple[uuid.UUID]]]
"""Given an organisation id and a business day (each a value or a bound parameter), the ids
of the households it reaches that day: the referrals domain's households referred to that
organisation."""

_ORGANIZATION_REACH: list[OrganizationReach] = []


def reach_organizations_through(source: OrganizationReach) -> None:
    """Let department officers and partners reach the households `source` names
    (called once, when the app is composed from its domains)."""
    if source not in _ORGANIZATION_REACH:
        _ORGANIZATION_REACH.append(source)


def _condition(
    shape: ReachShape,
    household_id: Any,
    region_code: Any,
    value: Callable[[str], Any],
    regions: int = 1,
) -> Any:
    if shape in (ReachShape.subtree, ReachShape.subtree_or_paired, ReachShape.granted):
        subtrees = [
            in_bounds(region_code, value(f"scope_low_{i}"), value(f"scope_high_{i}"))
            for i in range(regions)
        ]
        if shape is not ReachShape.subtree_or_paired:
            return or_(*subtrees)
        paired = select(Household.id).where(Household.paired_worker_id == value("scope_user"))
        return or_(*subtrees, household_id.in_(paired))
    if shape is ReachShape.assigned:
        assigned = select(HouseholdAssignment.household_id).where(
            HouseholdAssignment.social_worker_id == value("scope_user"),
            HouseholdAssignment.active.is_(True),
        )
        return household_id.in_(assigned)
    if shape is ReachShape.referred and _ORGANIZATION_REACH:
        organization, day = value("scope_organization"), value("scope_day")
        return or_(*(household_id.in_(source(organization, day)) for source in _ORGANIZATION_REACH))
    return false()


def reach_values(reach: Reach) -> dict[str, Any]:
    """The parameter values of a reach, by the names its template binds."""
    values: dict[str, Any] = {}
    for index, code in enumerate(reach.regions):
        values[f"scope_low_{index}"], values[f"scope_high_{index}"] = subtree_bounds(code)
    user = reach.paired_user or reach.assigned_user
    if user is not None:
        values["scope_user"] = user
    if reach.organization is not None:
        values["scope_organization"], values["scope_day"] = reach.organization, reach.on
    return values


def visible_households(reach: Reach, household_id: Any, region_code: Any) -> Any:
    """SQL condition on a household-owned row's household id and region code (see `Reach`)."""
    values = reach_values(reach)
    return _condition(
        reach.shape, household_id, region_code, values.__getitem__, max(1, len(reach.regions))
    )


_PARAMETERS: Mapping[str, Any] = {
    "scope_low_0": bindparam("scope_low_0", type_=Household.region_code.type),
    "scope_high_0": bindparam("scope_high_0", type_=Household.region_code.type),
    "scope_user": bindparam("scope_user", type_=Household.paired_worker_id.type),
}


def reach_template(shape: ReachShape, household_id: Any, region_code: Any) -> Any | None:
    """`visible_households` with named parameters in place of an actor's values, so a
    statement built on it once serves every actor of that shape; execute it with
    `reach_values`. None for an auditor's grants, whose number of regions varies, and for
    organisations, whose sources are registered when the app is composed."""
    if shape in (ReachShape.granted, ReachShape.referred):
        return None
    return _condition(shape, household_id, region_code, _PARAMETERS.__getitem__)
