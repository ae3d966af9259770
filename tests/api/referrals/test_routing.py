"""The routing table (DOMAIN 7): administrators keep the rules and the default receivers,
region staff read them; codes and organisations are checked; the most specific region on a
household's path decides its receiver."""

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.audit import AuditEvent
from tests.api.households.ledger_http import bearer, fetch, organization_id
from tests.api.referrals.referrals_http import HEALTH, RED_CROSS, ROUTES, default, route
from tests.factories import STREET_A, create_demo_district
from tests.problems import assert_invalid, assert_problem


@pytest.fixture(autouse=True)
async def seeded(session: AsyncSession) -> None:
    await create_demo_district(session)


class TestRules:
    async def test_an_administrator_adds_changes_and_deletes_a_rule(
        self, app: FastAPI, anonymous: httpx.AsyncClient
    ) -> None:
        added = await route(anonymous, "medical", "red_cross", 10)
        assert (added["need_code"], added["organization_kind"]) == ("medical", "red_cross")
        admin = await bearer(anonymous, "admin")
        changed = await anonymous.patch(
            f"{ROUTES}/{added['id']}",
            json={"due_working_days": 7},
            headers={**admin, "If-Match": 'W/"1"'},
        )
        assert changed.status_code == 200, changed.text
        assert changed.json()["due_working_days"] == 7
        assert changed.headers["ETag"] == 'W/"2"'
        stale = await anonymous.delete(
            f"{ROUTES}/{added['id']}", headers={**admin, "If-Match": 'W/"1"'}
        )
        assert_problem(stale, 412, "version_mismatch")
        deleted = await anonymous.delete(
            f"{ROUTES}/{added['id']}", headers={**admin, "If-Match": 'W/"2"'}
        )
        assert deleted.status_code == 204
        listed = await anonymous.get(ROUTES, headers=await bearer(anonymous, "street_officer"))
        assert listed.json()["items"] == []
        actions = [a for (a,) in await fetch(app, select(AuditEvent.action))]
        assert {"referral_route.create", "referral_route.update", "referral_route.delete"} <= set(
            actions
        )

    async def test_an_unknown_need_is_422_and_a_second_rule_for_a_pair_409(
        self, anonymous: httpx.AsyncClient
    ) -> None:
        admin = await bearer(anonymous, "admin")
        unknown = await anonymous.post(
            ROUTES,
            json={
                "need_code": "space_travel",
                "organization_kind": "red_cross",
                "due_working_days": 5,
            },
            headers=admin,
        )
        assert_invalid(unknown, ["body", "need_code"], "unknown_code")
        kind = await anonymous.post(
            ROUTES,
            json={"need_code": "medical", "organization_kind": "hospital", "due_working_days": 5},
            headers=admin,
        )
        assert_invalid(kind, ["body", "organization_kind"], "unknown_code")
        await route(anonymous, "medical", "red_cross")
        again = await anonymous.post(
            ROUTES,
            json={"need_code": "medical", "organization_kind": "red_cross", "due_working_days": 5},
            headers=admin,
        )
        assert_problem(again, 409, "referral_route_exists")

    async def test_a_filter_by_need(self, anonymous: httpx.AsyncClient) -> None:
        await route(anonymous, "medical", "red_cross")
        await route(anonymous, "housing", "housing")
        listed = await anonymous.get(
            ROUTES, params={"need_code": "housing"}, headers=await bearer(anonymous, "admin")
        )
        assert [r["organization_kind"] for r in listed.json()["items"]] == ["housing"]


class TestDefaults:
    async def test_a_default_is_set_replaced_and_removed(
        self, app: FastAPI, anonymous: httpx.AsyncClient
    ) -> None:
        first = await default(app, anonymous, "red_cross", "500112", RED_CROSS)
        assert first["version"] == 1
        again = await default(app, anonymous, "red_cross", "500112", RED_CROSS)
        assert (again["id"], again["version"]) == (first["id"], 1)
        admin = await bearer(anonymous, "admin")
        removed = await anonymous.delete(
            f"{ROUTES}/defaults/{first['id']}", headers={**admin, "If-Match": 'W/"1"'}
        )
        assert removed.status_code == 204
        listed = await anonymous.get(f"{ROUTES}/defaults", headers=admin)
        assert listed.json()["items"] == []

    async def test_the_organisation_must_exist_and_be_of_the_kind(
        self, app: FastAPI, anonymous: httpx.AsyncClient
    ) -> None:
        admin = await bearer(anonymous, "admin")
        body = {"organization_kind": "red_cross", "region_code": "500112"}
        wrong = await anonymous.put(
            f"{ROUTES}/defaults",
            json={**body, "organization_id": str(await organization_id(app, HEALTH))},
            headers=admin,
        )
        assert_invalid(wrong, ["body", "organization_id"], "organization_not_of_kind")
        missing = await anonymous.put(
            f"{ROUTES}/defaults",
            json={**body, "organization_id": "01936f0e-7c1a-7d4e-9a51-3f0c2b9d8e99"},
            headers=admin,
        )
        assert_invalid(missing, ["body", "organization_id"], "not_found")
        region = await anonymous.put(
            f"{ROUTES}/defaults",
            json={
                **body,
                "region_code": "500112009",
                "organization_id": str(await organization_id(app, RED_CROSS)),
            },
            headers=admin,
        )
        assert_invalid(region, ["body", "region_code"], "not_found")

    async def test_region_staff_read_and_others_may_not_write(
        self, app: FastAPI, anonymous: httpx.AsyncClient
    ) -> None:
        await default(app, anonymous, "red_cross", STREET_A, RED_CROSS)
        read = await anonymous.get(
            f"{ROUTES}/defaults",
            params={"organization_kind": "red_cross"},
            headers=await bearer(anonymous, "community_worker"),
        )
        assert [d["region_code"] for d in read.json()["items"]] == [STREET_A]
        refused = await anonymous.put(
            f"{ROUTES}/defaults",
            json={
                "organization_kind": "red_cross",
                "region_code": "500112",
                "organization_id": str(await organization_id(app, RED_CROSS)),
            },
            headers=await bearer(anonymous, "district_officer"),
        )
        assert_problem(refused, 403, "forbidden")
        department = await anonymous.get(
            ROUTES, headers=await bearer(anonymous, "department_officer")
        )
        assert_problem(department, 403, "forbidden")
