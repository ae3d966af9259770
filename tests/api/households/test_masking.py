"""Who sees a household, and how much of it (DOMAIN 1, 4; Beijing 7; Yubei 3(3)3(1))."""

from datetime import date, timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.clock import business_today
from app.households.models import Person
from app.households.plausibility import age_on
from tests.api.households.records import (
    HOUSEHOLDS,
    agency_id,
    assign_to_social_worker,
    bearer,
    create,
    member,
    open_street_to_social_worker,
    user_id,
)
from tests.factories import create_demo_district, id_number
from tests.problems import assert_problem

NUMBER = id_number(birth="1950-03-15", sex="female", seq=1)
PHONE = "13800138000"
CAREGIVER = {"name": "张丽", "relation": "daughter", "phone": "13900139000"}


@pytest.fixture(autouse=True)
async def seeded(session: AsyncSession) -> None:
    await create_demo_district(session)


async def _household(http: httpx.AsyncClient, region: str = "500112001001001") -> dict[str, Any]:
    officer = "street_officer_2" if region.startswith("500112002") else "street_officer"
    return await create(
        http,
        await bearer(http, officer),
        region=region,
        members=[
            member(
                "张秀英",
                id_number=NUMBER,
                phone=PHONE,
                health="chronic_illness",
                caregiver=CAREGIVER,
            )
        ],
    )


async def _read(http: httpx.AsyncClient, username: str, household_id: str) -> httpx.Response:
    return await http.get(f"{HOUSEHOLDS}/{household_id}", headers=await bearer(http, username))


def _person(body: dict[str, Any]) -> dict[str, Any]:
    person: dict[str, Any] = body["members"][0]
    return person


def _assert_full(person: dict[str, Any]) -> None:
    assert (person["name"], person["id_number"], person["phone"]) == ("张秀英", NUMBER, PHONE)
    assert person["birth_date"] == "1950-03-15"
    assert person["age"] == age_on(date(1950, 3, 15), business_today())
    assert person["caregiver"] == {**CAREGIVER, "note": None}


async def test_a_grid_worker_sees_masked_personal_data_and_the_age(
    anonymous: httpx.AsyncClient,
) -> None:
    created = await _household(anonymous)
    response = await _read(anonymous, "grid_worker", created["id"])
    assert response.status_code == 200, response.text
    person = _person(response.json())
    assert person["id_number"] == NUMBER[:6] + "********" + NUMBER[-4:]
    assert person["name"] == "张**"
    assert person["phone"] == "138****8000"
    assert person["birth_date"] is None
    assert person["age"] == age_on(date(1950, 3, 15), business_today())
    assert (person["sex"], person["health"]) == ("female", "chronic_illness")
    assert person["caregiver"] == {
        "name": "张*",
        "relation": "daughter",
        "phone": "139****9000",
        "note": None,
    }
    assert NUMBER not in response.text
    assert "1950-03-15" not in response.text
    assert "张丽" not in response.text
    assert CAREGIVER["phone"] not in response.text


async def test_a_grid_worker_enters_no_household(anonymous: httpx.AsyncClient) -> None:
    """It reads its grid masked and does not write the ledger (DOMAIN 4): entering a person
    would let it confirm an ID number it may only see masked."""
    response = await anonymous.post(
        HOUSEHOLDS,
        json={
            "region_code": "500112001001001",
            "address": "百果园 1 号",
            "members": [member("张秀英", id_number=NUMBER, phone=PHONE)],
        },
        headers=await bearer(anonymous, "grid_worker"),
    )
    assert_problem(response, 403, "forbidden")


LEGACY = "由侄子赵强照料，电话13800000102"


async def _with_legacy_text(app: FastAPI, http: httpx.AsyncClient) -> dict[str, Any]:
    """A household whose head's guardian is text the migration to contacts could not read."""
    created = await _household(http)
    async with app.state.services.database.sessionmaker() as session:
        await session.execute(
            update(Person)
            .where(Person.name == "张秀英")
            .values(guardian={"note": LEGACY}, caregiver=None)
        )
        await session.commit()
    return created


async def test_legacy_free_text_is_hidden_whole_from_a_grid_worker(
    app: FastAPI, anonymous: httpx.AsyncClient
) -> None:
    created = await _with_legacy_text(app, anonymous)
    response = await _read(anonymous, "grid_worker", created["id"])
    assert response.status_code == 200, response.text
    assert _person(response.json())["guardian"] == {
        "name": None,
        "relation": None,
        "phone": None,
        "note": "*" * len(LEGACY),
    }
    members = await anonymous.get(
        f"{HOUSEHOLDS}/{created['id']}/members", headers=await bearer(anonymous, "grid_worker")
    )
    assert members.status_code == 200, members.text
    assert members.json()["items"][0]["guardian"] == _person(response.json())["guardian"]
    for text in (response.text, members.text):
        assert "赵强" not in text
        assert "13800000102" not in text


async def test_legacy_free_text_is_shown_to_who_sees_names_and_phones(
    app: FastAPI, anonymous: httpx.AsyncClient
) -> None:
    created = await _with_legacy_text(app, anonymous)
    response = await _read(anonymous, "community_worker", created["id"])
    assert response.status_code == 200, response.text
    assert _person(response.json())["guardian"]["note"] == LEGACY


@pytest.mark.parametrize("username", ["community_worker", "street_officer", "district_officer"])
async def test_casework_roles_see_everything(anonymous: httpx.AsyncClient, username: str) -> None:
    created = await _household(anonymous)
    response = await _read(anonymous, username, created["id"])
    assert response.status_code == 200, response.text
    _assert_full(_person(response.json()))


async def test_a_district_officer_sees_every_street(anonymous: httpx.AsyncClient) -> None:
    in_a = await _household(anonymous, "500112001002001")
    in_b = await create(
        anonymous, await bearer(anonymous, "street_officer_2"), region="500112002001"
    )
    for created in (in_a, in_b):
        response = await _read(anonymous, "district_officer", created["id"])
        assert response.status_code == 200, response.text
        assert response.json()["region_code"] == created["region_code"]


@pytest.mark.parametrize(
    ("username", "region"),
    [
        ("community_worker", "500112001002001"),
        ("grid_worker", "500112001001002"),
        ("street_officer", "500112002001001"),
    ],
)
async def test_a_household_outside_ones_region_is_not_found(
    anonymous: httpx.AsyncClient, username: str, region: str
) -> None:
    created = await _household(anonymous, region)
    assert_problem(await _read(anonymous, username, created["id"]), 404, "not_found")


class TestSocialWorkers:
    async def test_an_unassigned_household_is_not_found(
        self, app: FastAPI, anonymous: httpx.AsyncClient
    ) -> None:
        await open_street_to_social_worker(app, anonymous)
        created = await _household(anonymous)
        assert_problem(await _read(anonymous, "social_worker", created["id"]), 404, "not_found")

    async def test_assigned_without_an_agreement_is_refused(
        self, app: FastAPI, anonymous: httpx.AsyncClient
    ) -> None:
        created = await _household(anonymous)
        await assign_to_social_worker(app, anonymous, created["id"])
        response = await _read(anonymous, "social_worker", created["id"])
        assert_problem(response, 403, "confidentiality_agreement_required")
        assert "张秀英" not in response.text

    async def test_assigned_with_an_agreement_but_no_acknowledgement_is_refused(
        self, app: FastAPI, anonymous: httpx.AsyncClient
    ) -> None:
        created = await _household(anonymous)
        await assign_to_social_worker(app, anonymous, created["id"])
        today = business_today()
        agreement = await anonymous.post(
            "/api/v1/confidentiality-agreements",
            json={
                "street_code": "500112001",
                "agency_id": str(await agency_id(app)),
                "signed_on": today.isoformat(),
                "valid_until": (today + timedelta(days=30)).isoformat(),
            },
            headers=await bearer(anonymous, "street_officer"),
        )
        assert agreement.status_code == 201, agreement.text
        response = await _read(anonymous, "social_worker", created["id"])
        assert_problem(response, 403, "confidentiality_agreement_required")

    async def test_assigned_with_agreement_and_acknowledgement_sees_everything(
        self, app: FastAPI, anonymous: httpx.AsyncClient
    ) -> None:
        created = await _household(anonymous)
        await assign_to_social_worker(app, anonymous, created["id"])
        await open_street_to_social_worker(app, anonymous)
        response = await _read(anonymous, "social_worker", created["id"])
        assert response.status_code == 200, response.text
        _assert_full(_person(response.json()))

    async def test_the_agreement_of_another_street_does_not_help(
        self, app: FastAPI, anonymous: httpx.AsyncClient
    ) -> None:
        created = await _household(anonymous, "500112002001001")
        await assign_to_social_worker(app, anonymous, created["id"], officer="street_officer_2")
        await open_street_to_social_worker(app, anonymous, street="500112001")
        response = await _read(anonymous, "social_worker", created["id"])
        assert_problem(response, 403, "confidentiality_agreement_required")


async def test_a_paired_grid_worker_sees_a_household_outside_its_grid(
    app: FastAPI, anonymous: httpx.AsyncClient
) -> None:
    created = await _household(anonymous, "500112001001002")
    assert_problem(await _read(anonymous, "grid_worker", created["id"]), 404, "not_found")
    community = await bearer(anonymous, "community_worker")
    paired = await anonymous.put(
        f"{HOUSEHOLDS}/{created['id']}/paired-worker",
        json={"worker_id": str(await user_id(app, "grid_worker"))},
        headers={**community, "If-Match": f'W/"{created["version"]}"'},
    )
    assert paired.status_code == 200, paired.text

    response = await _read(anonymous, "grid_worker", created["id"])
    assert response.status_code == 200, response.text
    assert response.json()["paired_worker"]["id"] == str(await user_id(app, "grid_worker"))
    assert _person(response.json())["name"] == "张**"
    listed = await anonymous.get(HOUSEHOLDS, headers=await bearer(anonymous, "grid_worker"))
    assert [h["id"] for h in listed.json()["items"]] == [created["id"]]

    unpaired = await anonymous.put(
        f"{HOUSEHOLDS}/{created['id']}/paired-worker",
        json={"worker_id": None},
        headers={**community, "If-Match": paired.headers["etag"]},
    )
    assert unpaired.status_code == 200, unpaired.text
    assert_problem(await _read(anonymous, "grid_worker", created["id"]), 404, "not_found")
