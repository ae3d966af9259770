"""Admins maintain reference data through the API; each change is audited once."""

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.audit import AuditEvent
from tests.conftest import sign_in
from tests.factories import create_demo_district
from tests.problems import assert_invalid, assert_problem


@pytest.fixture
async def admin(anonymous: httpx.AsyncClient, session: AsyncSession) -> dict[str, str]:
    await create_demo_district(session)
    return {"Authorization": f"Bearer {await sign_in(anonymous, 'admin')}"}


async def _events(session: AsyncSession, action: str) -> list[AuditEvent]:
    events = list(
        (await session.execute(select(AuditEvent).where(AuditEvent.action == action))).scalars()
    )
    await session.commit()
    return events


class TestRegions:
    async def test_admin_adds_a_community_and_renames_it(
        self, anonymous: httpx.AsyncClient, admin: dict[str, str], session: AsyncSession
    ) -> None:
        created = await anonymous.post(
            "/api/v1/regions", json={"code": "500112001003", "name": "新社区"}, headers=admin
        )
        assert created.status_code == 201
        assert created.json() == {
            "code": "500112001003",
            "name": "新社区",
            "level": "community",
            "parent_code": "500112001",
            "version": 1,
        }
        assert created.headers["location"] == "/api/v1/regions/500112001003"
        stale = await anonymous.patch(
            "/api/v1/regions/500112001003",
            json={"name": "改名"},
            headers={**admin, "If-Match": 'W/"0"'},
        )
        assert_problem(stale, 412, "version_mismatch")
        renamed = await anonymous.patch(
            "/api/v1/regions/500112001003",
            json={"name": "改名社区"},
            headers={**admin, "If-Match": created.headers["etag"]},
        )
        assert renamed.json()["name"] == "改名社区"
        assert renamed.json()["version"] == 2
        assert renamed.headers["etag"] == 'W/"2"'
        assert [e.object_id for e in await _events(session, "region.create")] == ["500112001003"]
        updates = await _events(session, "region.update")
        assert [(e.object_id, e.changed_fields) for e in updates] == [("500112001003", ["name"])]

    async def test_orphans_and_duplicates_are_refused(
        self, anonymous: httpx.AsyncClient, admin: dict[str, str]
    ) -> None:
        orphan = await anonymous.post(
            "/api/v1/regions", json={"code": "500112009001", "name": "孤儿"}, headers=admin
        )
        assert_invalid(orphan, ["body", "code"], "not_found")
        duplicate = await anonymous.post(
            "/api/v1/regions", json={"code": "500112001", "name": "重复"}, headers=admin
        )
        assert_problem(duplicate, 409, "integrity_conflict")

    async def test_patch_without_if_match_is_428(
        self, anonymous: httpx.AsyncClient, admin: dict[str, str]
    ) -> None:
        response = await anonymous.patch(
            "/api/v1/regions/500112001", json={"name": "x"}, headers=admin
        )
        assert_problem(response, 428, "if_match_required")


class TestOrganizations:
    async def test_admin_adds_and_renames_an_organization(
        self, anonymous: httpx.AsyncClient, admin: dict[str, str], session: AsyncSession
    ) -> None:
        body = {"kind": "foundation", "name": "渝北区助学基金会", "region_code": "500112"}
        created = await anonymous.post("/api/v1/organizations", json=body, headers=admin)
        assert created.status_code == 201
        organization = created.json()
        assert {k: organization[k] for k in body} == body
        again = await anonymous.post("/api/v1/organizations", json=body, headers=admin)
        assert_problem(again, 409, "integrity_conflict")
        renamed = await anonymous.patch(
            f"/api/v1/organizations/{organization['id']}",
            json={"name": "渝北区助学基金会（更名）"},
            headers={**admin, "If-Match": 'W/"1"'},
        )
        assert renamed.json()["version"] == 2
        assert len(await _events(session, "organization.create")) == 1
        assert len(await _events(session, "organization.update")) == 1

    async def test_unknown_kind_is_422(
        self, anonymous: httpx.AsyncClient, admin: dict[str, str]
    ) -> None:
        body = {"kind": "bank", "name": "某银行", "region_code": "500112"}
        response = await anonymous.post("/api/v1/organizations", json=body, headers=admin)
        assert_invalid(response, ["body", "kind"])


class TestDictionaryCodes:
    async def test_admin_adds_a_code_to_an_extensible_table(
        self, anonymous: httpx.AsyncClient, admin: dict[str, str], session: AsyncSession
    ) -> None:
        body = {"code": "flood_damage", "label_zh": "洪涝受灾", "label_en": "Flood damage"}
        created = await anonymous.post(
            "/api/v1/dictionaries/hardship_cause/codes", json=body, headers=admin
        )
        assert created.status_code == 201
        assert created.json() == {
            "code": "flood_damage",
            "labels": {"zh-CN": "洪涝受灾", "en": "Flood damage"},
            "group": None,
            "builtin": False,
            "attributes": None,
            "person_rule": None,
        }
        tables = {
            t["name"]: t for t in (await anonymous.get("/api/v1/dictionaries")).json()["tables"]
        }
        assert "flood_damage" in [c["code"] for c in tables["hardship_cause"]["codes"]]
        assert len(await _events(session, "dictionary_code.create")) == 1

    async def test_fixed_tables_refuse_additions(
        self, anonymous: httpx.AsyncClient, admin: dict[str, str]
    ) -> None:
        body = {"code": "new_type", "label_zh": "新类型", "label_en": "New type"}
        response = await anonymous.post(
            "/api/v1/dictionaries/target_type/codes", json=body, headers=admin
        )
        assert_invalid(response, ["path", "table"], "unknown_code")


class TestCalendar:
    async def test_admin_loads_a_year_and_corrects_a_day(
        self, anonymous: httpx.AsyncClient, admin: dict[str, str], session: AsyncSession
    ) -> None:
        year = {
            "year": 2027,
            "source": "国办发明电〔2026〕1号",
            "holidays": [{"date": "2027-01-01", "name": "元旦"}],
            "working_days": [],
        }
        loaded = await anonymous.put("/api/v1/calendar/years/2027", json=year, headers=admin)
        assert loaded.json() == {"year": 2027, "source": "国办发明电〔2026〕1号", "loaded": True}
        corrected = await anonymous.put(
            "/api/v1/calendar/days/2027-01-04",
            json={"is_working_day": False, "name": "临时放假"},
            headers=admin,
        )
        assert corrected.json() == {
            "date": "2027-01-04",
            "is_working_day": False,
            "provisional": False,
            "source": "override",
            "name": "临时放假",
        }
        assert len(await _events(session, "calendar_year.load")) == 1
        assert len(await _events(session, "calendar_day.set")) == 1

    async def test_year_in_body_must_match_the_path(
        self, anonymous: httpx.AsyncClient, admin: dict[str, str]
    ) -> None:
        year = {"year": 2028, "source": "x", "holidays": [], "working_days": []}
        response = await anonymous.put("/api/v1/calendar/years/2027", json=year, headers=admin)
        assert_invalid(response, ["body", "year"], "year_mismatch")
