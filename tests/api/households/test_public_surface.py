"""The ledger's public surface (app/households/public.py), as a neighbouring domain uses it:
fetches within the actor's reach, household-owned tables that move with their household, the
read model of a household now, and organisations reaching households through another domain."""

from datetime import date
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import Table, select

from app.core.audit import AuditEvent
from app.core.db import Base
from app.core.errors import NotFound
from app.core.reach import ReachShape
from app.finances.models import Income
from app.households import public, scope
from app.households.models import HouseholdChange, HouseholdPlan
from app.households.relocation import household_owned_tables
from tests.api.households.ledger_http import bearer, fetch, organization_id
from tests.factories import (
    GRID_A1_1,
    GRID_A1_2,
    GRID_B1_1,
    create_demo_district,
    create_household,
    id_number,
    ledger_actor,
)


@pytest.fixture(autouse=True)
async def seeded(session: Any) -> None:
    await create_demo_district(session)


REGION_OF_THEIR_OWN = {
    "discovery_reports": "the region where the person was noticed; the household is the one "
    "the report was linked to, which may live elsewhere",
    "simulation_changes": "a simulation's snapshot: the region the household was counted "
    "under on the simulation's reference date, as its transition counts are",
}
"""Tables whose region is not their household's, each with the reason (reviewed)."""


def test_every_table_with_a_household_and_a_region_declares_it_is_owned() -> None:
    """A table that carries a household's region but does not say so would be left behind
    when the household moves."""
    carrying = {
        table.name
        for table in Base.metadata.sorted_tables
        if {"household_id", "region_code"} <= set(table.c.keys())
        and table.name not in {"households", *REGION_OF_THEIR_OWN}
    }
    declared = {table.name for table in household_owned_tables()}
    assert carrying == declared
    assert {"household_incomes", "household_assignments", "household_members"} <= declared


def test_owned_tables_carry_the_district_too() -> None:
    for table in household_owned_tables():
        assert isinstance(table, Table)
        assert {"household_id", "region_code", "district_code"} <= set(table.c.keys()), table.name


async def test_a_household_that_moves_takes_every_owned_row_along(
    app: FastAPI, anonymous: httpx.AsyncClient
) -> None:
    home = await create_household(app, region=GRID_A1_1)
    headers = await bearer(anonymous, "street_officer")
    incomes = await anonymous.put(
        f"/api/v1/households/{home.id}/incomes",
        params={"from": "2026-01", "to": "2026-01"},
        json={"items": [{"month": "2026-01", "source": "wages", "amount": "800.00"}]},
        headers={**headers, "If-Match": '"1"'},
    )
    assert incomes.status_code == 200, incomes.text
    plan = await anonymous.put(
        f"/api/v1/households/{home.id}/plan",
        json={"goals": "稳定生活", "planned_measures": ["定期走访"]},
        headers=headers,
    )
    assert plan.status_code == 201, plan.text
    current = await anonymous.get(f"/api/v1/households/{home.id}", headers=headers)
    moved = await anonymous.patch(
        f"/api/v1/households/{home.id}",
        json={"region_code": GRID_A1_2},
        headers={**headers, "If-Match": current.headers["etag"]},
    )
    assert moved.status_code == 200, moved.text
    for table in household_owned_tables():
        rows = await fetch(
            app,
            select(table.c.region_code, table.c.district_code).where(
                table.c.household_id == home.id
            ),
        )
        assert {tuple(r) for r in rows} <= {(GRID_A1_2, "500112")}, table.name
    assert await fetch(app, select(Income.region_code).where(Income.household_id == home.id)) == [
        (GRID_A1_2,)
    ]


class TestFetches:
    async def test_a_household_out_of_reach_is_not_found(self, app: FastAPI) -> None:
        home = await create_household(app, region=GRID_B1_1)
        actor = await ledger_actor(app, "street_officer")
        async with app.state.services.database.read_sessionmaker() as session:
            with pytest.raises(NotFound):
                await public.visible(session, actor, home.id)

    async def test_a_household_in_reach_is_a_frozen_reference(self, app: FastAPI) -> None:
        home = await create_household(app, region=GRID_A1_1)
        actor = await ledger_actor(app, "street_officer")
        async with app.state.services.database.read_sessionmaker() as session:
            found = await public.visible(session, actor, home.id)
        assert (found.id, found.version, found.region_code, found.district_code, found.status) == (
            home.id,
            1,
            GRID_A1_1,
            "500112",
            "active",
        )
        with pytest.raises(AttributeError):
            found.version = 2  # type: ignore[misc]

    async def test_record_change_bumps_once_per_transaction_and_keeps_the_history(
        self, app: FastAPI
    ) -> None:
        home = await create_household(app, region=GRID_A1_1)
        actor = await ledger_actor(app, "street_officer")
        async with app.state.services.database.sessionmaker() as session, session.begin():
            ref = await public.writable(session, actor, home.id, expected_version=1)
            for step in (1, 2):
                change = public.Change(
                    "neighbour.note",
                    public.Event.changed,
                    {"step": {"before": step - 1, "after": step}},
                )
                ref = await public.record_change(session, actor, ref, change)
        assert ref.version == 2
        notes = await fetch(
            app,
            select(HouseholdChange.changes)
            .where(HouseholdChange.action == "neighbour.note")
            .order_by(HouseholdChange.id),
        )
        assert [n for (n,) in notes] == [
            {"step": {"before": 0, "after": 1}},
            {"step": {"before": 1, "after": 2}},
        ]
        audited = await fetch(
            app, select(AuditEvent.action).where(AuditEvent.action == "neighbour.note")
        )
        assert len(audited) == 2


async def test_the_read_model_holds_what_rules_need_and_no_identifiers(app: FastAPI) -> None:
    home = await create_household(
        app,
        region=GRID_A1_1,
        hukou_region_code="500112001",
        hukou_type="urban",
        settled_since="2010-01-01",
        target_types=["dibao"],
        needs=["medical"],
        members=[
            {"name": "张秀英", "relation_to_head": "self", "phone": "13800000001"},
            {
                "name": "李小明",
                "relation_to_head": "child",
                "id_number": id_number(birth="2015-06-01"),
                "categories": [{"category": "child_in_distress", "subtype": "child_left_behind"}],
            },
        ],
    )
    actor = await ledger_actor(app, "street_officer")
    async with app.state.services.database.read_sessionmaker() as session:
        now = await public.household_now(session, actor, home.id)
    assert (now.ref.id, now.hukou_region_code, now.hukou_type, now.settled_since) == (
        home.id,
        "500112001",
        "urban",
        date(2010, 1, 1),
    )
    assert (now.target_types, now.needs) == (("dibao",), ("medical",))
    assert [(m.relation_to_head, m.is_head) for m in now.members] == [
        ("self", True),
        ("child", False),
    ]
    assert [(c.category, c.subtype) for c in now.categories] == [
        ("child_in_distress", "child_left_behind")
    ]
    fields = set(type(now.members[0]).__dataclass_fields__)
    # A birth date is the middle of an ID number whose ends a masked number shows.
    assert fields.isdisjoint(
        {"name", "id_number", "birth_date", "phone", "guardian", "caregiver", "school"}
    )
    assert set(type(now).__dataclass_fields__).isdisjoint({"address", "hukou_place"})


async def test_organisations_reach_households_through_a_registered_source(
    app: FastAPI, anonymous: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What referrals will do: name the households referred to an organisation. Here a plan's
    responsible organisation stands in for a referral."""
    red_cross = await organization_id(app, "渝北区红十字会")
    referred = await create_household(app, region=GRID_A1_1)
    other = await create_household(app, region=GRID_A1_2)
    headers = await bearer(anonymous, "street_officer")
    plan = await anonymous.put(
        f"/api/v1/households/{referred.id}/plan",
        json={"goals": "医疗救助", "responsible_organization_id": str(red_cross)},
        headers=headers,
    )
    assert plan.status_code == 201, plan.text

    def planned_with(organization: Any, day: date) -> Any:
        """The households a plan names the organisation responsible for (any day)."""
        return select(HouseholdPlan.household_id).where(
            HouseholdPlan.responsible_organization_id == organization
        )

    actor = await ledger_actor(app, "department_officer")
    assert actor.reach.shape is ReachShape.referred
    async with app.state.services.database.read_sessionmaker() as session:
        with pytest.raises(NotFound):
            await public.visible(session, actor, referred.id)
    monkeypatch.setattr(scope, "_ORGANIZATION_REACH", [])
    public.reach_organizations_through(planned_with)
    async with app.state.services.database.read_sessionmaker() as session:
        assert (await public.visible(session, actor, referred.id)).id == referred.id
        with pytest.raises(NotFound):
            await public.visible(session, actor, other.id)


async def test_record_change_refuses_a_household_not_fetched_for_writing(app: FastAPI) -> None:
    """A neighbour must lock the household (`writable`: reach, row lock, If-Match) first."""
    home = await create_household(app, region=GRID_A1_1)
    actor = await ledger_actor(app, "street_officer")
    async with app.state.services.database.sessionmaker() as session, session.begin():
        ref = await public.visible(session, actor, home.id)
        change = public.Change(
            "neighbour.note", public.Event.changed, {"x": {"before": 0, "after": 1}}
        )
        with pytest.raises(RuntimeError, match="writable"):
            await public.record_change(session, actor, ref, change)
