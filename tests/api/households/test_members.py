"""Members of a household (DOMAIN 4): add, change, remove; one person, one active household."""

import uuid
from datetime import date
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.audit import AuditEvent
from app.core.clock import business_today
from app.households.plausibility import age_on
from tests.api.households.ledger_http import (
    bearer,
    fetch,
    history,
    household,
    member,
    memberships,
)
from tests.factories import GRID_A1_2, GRID_B1_1, create_demo_district, create_household, id_number
from tests.problems import assert_invalid, assert_problem


@pytest.fixture(autouse=True)
async def seeded(session: AsyncSession) -> None:
    await create_demo_district(session)


def _members_url(hid: Any) -> str:
    return f"/api/v1/households/{hid}/members"


async def _add(
    http: httpx.AsyncClient, headers: dict[str, str], hid: Any, body: dict[str, Any]
) -> httpx.Response:
    return await http.post(_members_url(hid), json=body, headers=headers)


class TestAdd:
    async def test_a_street_officer_adds_a_member_and_sees_it_whole(
        self, app: FastAPI, anonymous: httpx.AsyncClient
    ) -> None:
        home = await create_household(app)
        officer = await bearer(anonymous, "street_officer")
        number = id_number(birth="1980-07-09", sex="male")
        response = await _add(
            anonymous,
            officer,
            home.id,
            member(id_number=number, phone="13912345678", employment="unemployed"),
        )
        assert response.status_code == 201, response.text
        body = response.json()
        person_id = body["person_id"]
        assert response.headers["location"] == f"/api/v1/households/{home.id}/members/{person_id}"
        assert response.headers["etag"] == 'W/"1"'
        assert body == {
            "person_id": person_id,
            "name": "李建国",
            "id_number": number,
            "sex": "male",
            "birth_date": "1980-07-09",
            "age": age_on(date(1980, 7, 9), business_today()),
            "phone": "13912345678",
            "relation_to_head": "spouse",
            "is_head": False,
            "joined_on": business_today().isoformat(),
            "employment": "unemployed",
            "education": None,
            "health": None,
            "disability_type": None,
            "disability_grade": None,
            "guardian": None,
            "caregiver": None,
            "parents_situation": None,
            "schooling": None,
            "school": None,
            "version": 1,
        }
        record = await household(anonymous, officer, home.id)
        assert [m["person_id"] for m in record["members"]] == [str(home.head_person_id), person_id]
        assert record["version"] == home.version + 1
        entries = [
            e for e in await history(anonymous, officer, home.id) if e["person_id"] == person_id
        ]
        assert [(e["action"], e["person_id"]) for e in entries] == [("member.add", person_id)]
        assert entries[0]["changes"]["id_number"] == {
            "before": None,
            "after": number[:6] + "********" + number[-4:],
        }
        events = await fetch(
            app,
            select(AuditEvent.object_id, AuditEvent.region_code).where(
                AuditEvent.action == "member.add"
            ),
        )
        assert events == [(person_id, home.region_code)]

    async def test_a_grid_worker_may_not_add_a_member(
        self, app: FastAPI, anonymous: httpx.AsyncClient
    ) -> None:
        """It does not write the ledger (DOMAIN 4), and it sees ID numbers masked: entering one
        would confirm a guess of it (issue 12)."""
        home = await create_household(app)
        response = await _add(
            anonymous,
            await bearer(anonymous, "grid_worker"),
            home.id,
            member("child", name="李小明", phone="13912345678"),
        )
        assert_problem(response, 403, "forbidden")
        officer_view = await household(
            anonymous, await bearer(anonymous, "street_officer"), home.id
        )
        assert len(officer_view["members"]) == 1

    async def test_sex_and_birth_date_given_must_match_the_id_number(
        self, app: FastAPI, anonymous: httpx.AsyncClient
    ) -> None:
        home = await create_household(app)
        officer = await bearer(anonymous, "street_officer")
        number = id_number(birth="1990-01-02", sex="female")
        wrong_sex = await _add(anonymous, officer, home.id, member(id_number=number, sex="male"))
        assert_invalid(wrong_sex, ["body", "sex"], "sex_mismatch")
        wrong_birth = await _add(
            anonymous, officer, home.id, member(id_number=number, birth_date="1990-01-03")
        )
        assert_invalid(wrong_birth, ["body", "birth_date"], "birth_date_mismatch")
        bad_check = await _add(
            anonymous,
            officer,
            home.id,
            member(id_number=number[:17] + ("0" if number[17] != "0" else "1")),
        )
        assert_invalid(bad_check, ["body", "id_number"], "id_number_checksum")
        assert len((await household(anonymous, officer, home.id))["members"]) == 1

    async def test_a_repeat_with_the_same_idempotency_key_is_not_a_duplicate(
        self, app: FastAPI, anonymous: httpx.AsyncClient
    ) -> None:
        home = await create_household(app)
        headers = {**await bearer(anonymous, "street_officer"), "Idempotency-Key": "add-li-1"}
        body = member()
        first = await _add(anonymous, headers, home.id, body)
        repeat = await _add(anonymous, headers, home.id, body)
        assert (first.status_code, repeat.status_code) == (201, 201), repeat.text
        assert repeat.json() == first.json()
        assert len(await memberships(app, uuid.UUID(first.json()["person_id"]))) == 1

    async def test_a_household_out_of_scope_is_not_found(
        self, app: FastAPI, anonymous: httpx.AsyncClient
    ) -> None:
        home = await create_household(app)
        response = await _add(
            anonymous, await bearer(anonymous, "street_officer_2"), home.id, member()
        )
        assert_problem(response, 404, "not_found")

    async def test_a_second_head_is_refused(
        self, app: FastAPI, anonymous: httpx.AsyncClient
    ) -> None:
        home = await create_household(app)
        officer = await bearer(anonymous, "street_officer")
        response = await _add(anonymous, officer, home.id, member("self"))
        assert_invalid(response, ["body", "relation_to_head"], "head_exists")
        assert len((await household(anonymous, officer, home.id))["members"]) == 1


class TestDuplicates:
    async def test_an_active_member_elsewhere_is_a_409_naming_the_visible_household(
        self, app: FastAPI, anonymous: httpx.AsyncClient
    ) -> None:
        number = id_number()
        first = await create_household(
            app, members=[{"name": "张秀英", "relation_to_head": "self", "id_number": number}]
        )
        second = await create_household(app, region=GRID_A1_2)
        officer = await bearer(anonymous, "street_officer")
        response = await _add(anonymous, officer, second.id, member(id_number=number))
        body = assert_problem(response, 409, "person_already_in_household")
        assert body["household_id"] == str(first.id)
        assert body["region_code"] == first.region_code
        assert first.region_code in body["detail"]
        assert len((await household(anonymous, officer, second.id))["members"]) == 1

    async def test_the_409_does_not_name_a_household_the_caller_may_not_see(
        self, app: FastAPI, anonymous: httpx.AsyncClient
    ) -> None:
        number = id_number()
        first = await create_household(
            app, members=[{"name": "张秀英", "relation_to_head": "self", "id_number": number}]
        )
        other_street = await create_household(app, region=GRID_B1_1)
        officer_b = await bearer(anonymous, "street_officer_2")
        response = await _add(anonymous, officer_b, other_street.id, member(id_number=number))
        body = assert_problem(response, 409, "person_already_in_household")
        assert "household_id" not in body
        assert "region_code" not in body
        assert first.region_code not in body["detail"]
        assert str(first.id) not in response.text
        assert len((await household(anonymous, officer_b, other_street.id))["members"]) == 1

    async def test_adding_the_same_person_twice_to_one_household_is_a_409(
        self, app: FastAPI, anonymous: httpx.AsyncClient
    ) -> None:
        home = await create_household(app)
        officer = await bearer(anonymous, "street_officer")
        body = member()
        assert (await _add(anonymous, officer, home.id, body)).status_code == 201
        again = await _add(anonymous, officer, home.id, body)
        problem = assert_problem(again, 409, "person_already_in_household")
        assert problem["household_id"] == str(home.id)
        assert len((await household(anonymous, officer, home.id))["members"]) == 2

    async def test_a_removed_person_can_join_another_household(
        self, app: FastAPI, anonymous: httpx.AsyncClient
    ) -> None:
        first = await create_household(app)
        second = await create_household(app, region=GRID_A1_2)
        officer = await bearer(anonymous, "street_officer")
        body = member(phone="13700001111")
        added = (await _add(anonymous, officer, first.id, body)).json()
        removed = await anonymous.delete(
            f"{_members_url(first.id)}/{added['person_id']}?reason=moved_out", headers=officer
        )
        assert removed.status_code == 204
        rejoined = await _add(anonymous, officer, second.id, {**body, "name": "李建军"})
        assert rejoined.status_code == 201, rejoined.text
        person = rejoined.json()
        assert person["person_id"] == added["person_id"]
        assert person["name"] == "李建军"
        assert person["phone"] == "13700001111"
        assert person["version"] == 2
        rows = await memberships(app, uuid.UUID(added["person_id"]))
        assert [(m.household_id, m.active, m.left_reason) for m in rows] == [
            (first.id, False, "moved_out"),
            (second.id, True, None),
        ]


class TestUpdate:
    async def _added(
        self, app: FastAPI, http: httpx.AsyncClient, headers: dict[str, str]
    ) -> tuple[Any, dict[str, Any]]:
        home = await create_household(app)
        response = await _add(http, headers, home.id, member(phone="13912345678"))
        assert response.status_code == 201, response.text
        return home, response.json()

    async def test_if_match_is_required_and_must_be_current(
        self, app: FastAPI, anonymous: httpx.AsyncClient
    ) -> None:
        officer = await bearer(anonymous, "street_officer")
        home, person = await self._added(app, anonymous, officer)
        url = f"{_members_url(home.id)}/{person['person_id']}"
        missing = await anonymous.patch(url, json={"health": "healthy"}, headers=officer)
        assert_problem(missing, 428, "if_match_required")
        stale = await anonymous.patch(
            url, json={"health": "healthy"}, headers={**officer, "If-Match": 'W/"2"'}
        )
        assert_problem(stale, 412, "version_mismatch")
        assert (await household(anonymous, officer, home.id))["members"][1]["health"] is None

    async def test_a_change_bumps_the_version_and_is_in_the_history(
        self, app: FastAPI, anonymous: httpx.AsyncClient
    ) -> None:
        officer = await bearer(anonymous, "street_officer")
        home, person = await self._added(app, anonymous, officer)
        url = f"{_members_url(home.id)}/{person['person_id']}"
        response = await anonymous.patch(
            url,
            json={
                "name": " 李建民 ",
                "health": "major_illness",
                "phone": None,
                "relation_to_head": "other",
            },
            headers={**officer, "If-Match": 'W/"1"'},
        )
        assert response.status_code == 200, response.text
        body = response.json()
        assert response.headers["etag"] == 'W/"2"'
        assert (body["name"], body["health"], body["phone"], body["relation_to_head"]) == (
            "李建民",
            "major_illness",
            None,
            "other",
        )
        assert body["version"] == 2
        assert body["employment"] is None
        entry = (await history(anonymous, officer, home.id))[-1]
        assert entry["action"] == "member.update"
        assert entry["person_id"] == person["person_id"]
        assert entry["changes"] == {
            "name": {"before": "李建国", "after": "李建民"},
            "health": {"before": None, "after": "major_illness"},
            "phone": {"before": "13912345678", "after": None},
            "relation_to_head": {"before": "spouse", "after": "other"},
        }

    async def test_a_name_cannot_be_cleared(
        self, app: FastAPI, anonymous: httpx.AsyncClient
    ) -> None:
        officer = await bearer(anonymous, "street_officer")
        home, person = await self._added(app, anonymous, officer)
        url = f"{_members_url(home.id)}/{person['person_id']}"
        response = await anonymous.patch(
            url, json={"name": None}, headers={**officer, "If-Match": 'W/"1"'}
        )
        assert_invalid(response, ["body", "name"], "missing")
        assert (await household(anonymous, officer, home.id))["members"][1]["name"] == "李建国"

    async def test_a_second_head_cannot_be_made_by_changing_a_relation(
        self, app: FastAPI, anonymous: httpx.AsyncClient
    ) -> None:
        officer = await bearer(anonymous, "street_officer")
        home, person = await self._added(app, anonymous, officer)
        url = f"{_members_url(home.id)}/{person['person_id']}"
        response = await anonymous.patch(
            url, json={"relation_to_head": "self"}, headers={**officer, "If-Match": 'W/"1"'}
        )
        assert_invalid(response, ["body", "relation_to_head"], "head_exists")

    async def test_the_head_keeps_self_until_another_head_is_named(
        self, app: FastAPI, anonymous: httpx.AsyncClient
    ) -> None:
        officer = await bearer(anonymous, "street_officer")
        home, _ = await self._added(app, anonymous, officer)
        url = f"{_members_url(home.id)}/{home.head_person_id}"
        response = await anonymous.patch(
            url, json={"relation_to_head": "spouse"}, headers={**officer, "If-Match": 'W/"1"'}
        )
        assert_invalid(response, ["body", "relation_to_head"], "is_head")
        same = await anonymous.patch(
            url,
            json={"relation_to_head": "self", "health": "healthy"},
            headers={**officer, "If-Match": 'W/"1"'},
        )
        assert same.status_code == 200, same.text
        assert (same.json()["relation_to_head"], same.json()["health"]) == ("self", "healthy")

    async def test_a_member_of_another_household_is_not_found(
        self, app: FastAPI, anonymous: httpx.AsyncClient
    ) -> None:
        officer = await bearer(anonymous, "street_officer")
        _, person = await self._added(app, anonymous, officer)
        elsewhere = await create_household(app)
        response = await anonymous.patch(
            f"{_members_url(elsewhere.id)}/{person['person_id']}",
            json={"health": "healthy"},
            headers={**officer, "If-Match": 'W/"1"'},
        )
        assert_problem(response, 404, "not_found")


class TestRemove:
    async def test_a_reason_is_required(self, app: FastAPI, anonymous: httpx.AsyncClient) -> None:
        home = await create_household(app)
        response = await anonymous.delete(
            f"{_members_url(home.id)}/{home.head_person_id}",
            headers=await bearer(anonymous, "street_officer"),
        )
        assert_invalid(response, ["query", "reason"])

    async def test_a_removed_member_leaves_with_its_categories_and_history(
        self, app: FastAPI, anonymous: httpx.AsyncClient
    ) -> None:
        home = await create_household(app)
        officer = await bearer(anonymous, "street_officer")
        added = await _add(
            anonymous,
            officer,
            home.id,
            member(categories=[{"category": "severe_disability"}]),
        )
        person_id = added.json()["person_id"]
        before = await household(anonymous, officer, home.id)
        assert [c["person_id"] for c in before["categories"]] == [person_id]
        response = await anonymous.delete(
            f"{_members_url(home.id)}/{person_id}?reason=deceased", headers=officer
        )
        assert response.status_code == 204
        after = await household(anonymous, officer, home.id)
        assert [m["person_id"] for m in after["members"]] == [str(home.head_person_id)]
        assert after["categories"] == []
        assert after["attention"] is None
        assert after["version"] == before["version"] + 1
        [membership] = await memberships(app, uuid.UUID(person_id))
        assert (membership.active, membership.left_reason, membership.left_on) == (
            False,
            "deceased",
            business_today(),
        )
        entry = (await history(anonymous, officer, home.id))[-1]
        assert (entry["action"], entry["person_id"], entry["changes"]) == (
            "member.remove",
            person_id,
            {"left_reason": {"before": None, "after": "deceased"}},
        )
        again = await anonymous.delete(
            f"{_members_url(home.id)}/{person_id}?reason=deceased", headers=officer
        )
        assert_problem(again, 404, "not_found")

    async def test_removing_the_head_flags_the_household(
        self, app: FastAPI, anonymous: httpx.AsyncClient
    ) -> None:
        home = await create_household(
            app,
            members=[
                {"name": "张秀英", "relation_to_head": "self"},
                {"name": "王大伟", "relation_to_head": "spouse"},
            ],
        )
        officer = await bearer(anonymous, "street_officer")
        response = await anonymous.delete(
            f"{_members_url(home.id)}/{home.head_person_id}?reason=deceased", headers=officer
        )
        assert response.status_code == 204
        record = await household(anonymous, officer, home.id)
        assert (record["head_person_id"], record["attention"]) == (None, "head_left")
        assert [m["name"] for m in record["members"]] == ["王大伟"]
        assert "head" in record["missing_fields"]
        entry = (await history(anonymous, officer, home.id))[-1]
        assert entry["changes"]["head_person_id"] == {
            "before": str(home.head_person_id),
            "after": None,
        }
        spouse = record["members"][0]
        promoted = await anonymous.patch(
            f"{_members_url(home.id)}/{spouse['person_id']}",
            json={"relation_to_head": "self"},
            headers={**officer, "If-Match": f'W/"{spouse["version"]}"'},
        )
        assert promoted.status_code == 200, promoted.text
        assert promoted.json()["is_head"] is True
        record = await household(anonymous, officer, home.id)
        assert (record["head_person_id"], record["attention"]) == (spouse["person_id"], None)
        entry = (await history(anonymous, officer, home.id))[-1]
        assert (entry["action"], entry["changes"]) == (
            "member.update",
            {
                "relation_to_head": {"before": "spouse", "after": "self"},
                "head_person_id": {"before": None, "after": spouse["person_id"]},
            },
        )

    async def test_removing_the_last_member_flags_the_household(
        self, app: FastAPI, anonymous: httpx.AsyncClient
    ) -> None:
        home = await create_household(app)
        officer = await bearer(anonymous, "street_officer")
        response = await anonymous.delete(
            f"{_members_url(home.id)}/{home.head_person_id}?reason=entered_in_error",
            headers=officer,
        )
        assert response.status_code == 204
        record = await household(anonymous, officer, home.id)
        assert (record["members"], record["head_person_id"], record["attention"]) == (
            [],
            None,
            "no_members",
        )
        spouse = await _add(anonymous, officer, home.id, member("spouse"))
        assert spouse.status_code == 201, spouse.text
        record = await household(anonymous, officer, home.id)
        assert (record["head_person_id"], record["attention"]) == (None, "head_left")
        new_head = await _add(anonymous, officer, home.id, member("self"))
        assert new_head.status_code == 201, new_head.text
        record = await household(anonymous, officer, home.id)
        assert (record["head_person_id"], record["attention"]) == (
            new_head.json()["person_id"],
            None,
        )
