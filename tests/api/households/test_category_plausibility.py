"""Categories are plausible (issue 13 item 4; Beijing 1, 3(2)-(4)), through HTTP.

An advanced-age elder is 80 or over, a child in distress under 18, a person with
severe disability of grade 1 or 2 (GB/T 26341): checked when a household is
entered, when categories are replaced, when a member joins and when a member's
grade changes; the thresholds come from the dictionaries, which show them.
"""

from datetime import date, timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.clock import business_today
from tests.api.households.records import HOUSEHOLDS, bearer, create, household_body, member, patch
from tests.factories import create_demo_district, id_number
from tests.problems import assert_invalid


@pytest.fixture(autouse=True)
async def seeded(session: AsyncSession) -> None:
    await create_demo_district(session)


def _born(years: int, days_later: int = 0) -> str:
    """The birth date of someone who turns `years` today (`days_later`: born that much later)."""
    today = business_today()
    try:
        birthday = today.replace(year=today.year - years)
    except ValueError:  # 29 February
        birthday = date(today.year - years, 3, 1)
    return (birthday + timedelta(days=days_later)).isoformat()


def _person(born: str, *categories: dict[str, Any], **fields: Any) -> dict[str, Any]:
    return member(id_number=id_number(birth=born), categories=list(categories), **fields)


ADVANCED = {"category": "elderly_in_distress", "subtype": "elderly_advanced_age"}
LEFT_BEHIND = {"category": "child_in_distress", "subtype": "child_left_behind"}
SEVERE = {"category": "severe_disability"}


async def _enter(
    http: httpx.AsyncClient, *members: dict[str, Any], language: str = "zh-CN"
) -> httpx.Response:
    return await http.post(
        HOUSEHOLDS,
        json=household_body(members=list(members)),
        headers={**await bearer(http, "street_officer"), "Accept-Language": language},
    )


class TestOnCreation:
    async def test_an_advanced_age_elder_is_80_or_over(self, anonymous: httpx.AsyncClient) -> None:
        eighty = await _enter(anonymous, _person(_born(80), ADVANCED))
        assert eighty.status_code == 201, eighty.text
        seventy_nine = await _enter(anonymous, _person(_born(80, days_later=1), ADVANCED))
        body = assert_invalid(
            seventy_nine, ["body", "members", 0, "categories", 0], "category_not_plausible"
        )
        assert body["errors"][0]["msg"] == "类别 elderly_advanced_age 要求 min_age 为 80，此人为 79"

    async def test_a_left_behind_child_is_a_minor(self, anonymous: httpx.AsyncClient) -> None:
        head = _person("1980-01-01")
        seventeen = _person(_born(18, days_later=1), LEFT_BEHIND, relation="child")
        assert (await _enter(anonymous, head, seventeen)).status_code == 201
        eighteen = _person(_born(18), LEFT_BEHIND, relation="child")
        body = assert_invalid(
            await _enter(anonymous, _person("1980-01-01"), eighteen),
            ["body", "members", 1, "categories", 0],
            "category_not_plausible",
        )
        assert "max_age 为 17" in body["errors"][0]["msg"]

    @pytest.mark.parametrize(
        ("grade", "plausible"),
        [
            ("grade_1", True),
            ("grade_2", True),
            ("grade_3", False),
            ("grade_4", False),
            (None, True),
        ],
    )
    async def test_severe_disability_is_grade_1_or_2(
        self, anonymous: httpx.AsyncClient, grade: str | None, plausible: bool
    ) -> None:
        response = await _enter(anonymous, _person("1970-05-05", SEVERE, disability_grade=grade))
        if plausible:
            assert response.status_code == 201, response.text
        else:
            body = assert_invalid(
                response, ["body", "members", 0, "categories", 0], "category_not_plausible"
            )
            english = await _enter(
                anonymous,
                _person("1970-05-05", SEVERE, disability_grade=grade),
                language="en",
            )
            assert body["errors"][0]["msg"] == (
                f"类别 severe_disability 要求 disability_grades 为 grade_1,grade_2，此人为 {grade}"
            )
            assert english.json()["errors"][0]["msg"] == (
                f"severe_disability requires disability_grades grade_1,grade_2; "
                f"the person has {grade}"
            )


class TestOnChange:
    async def test_replacing_categories_checks_the_member(
        self, anonymous: httpx.AsyncClient
    ) -> None:
        headers = await bearer(anonymous, "street_officer")
        created = await create(anonymous, headers, members=[_person("1950-03-15")])
        person = created["members"][0]["person_id"]
        refused = await patch(
            anonymous, headers, created, {"categories": [{**LEFT_BEHIND, "person_id": person}]}
        )
        assert_invalid(refused, ["body", "categories", 0], "category_not_plausible")
        elderly = {"category": "elderly_in_distress", "subtype": "elderly_living_alone"}
        fine = await patch(
            anonymous, headers, created, {"categories": [{**elderly, "person_id": person}]}
        )
        assert fine.status_code == 200, fine.text

    async def test_a_member_who_joins_is_checked(self, anonymous: httpx.AsyncClient) -> None:
        headers = await bearer(anonymous, "street_officer")
        created = await create(anonymous, headers)
        url = f"{HOUSEHOLDS}/{created['id']}/members"
        refused = await anonymous.post(
            url, json=_person(_born(80, days_later=1), ADVANCED, relation="parent"), headers=headers
        )
        assert_invalid(refused, ["body", "categories", 0], "category_not_plausible")
        joined = await anonymous.post(
            url, json=_person(_born(80), ADVANCED, relation="parent"), headers=headers
        )
        assert joined.status_code == 201, joined.text

    async def test_a_grade_change_is_checked_against_the_members_categories(
        self, anonymous: httpx.AsyncClient
    ) -> None:
        headers = await bearer(anonymous, "street_officer")
        created = await create(
            anonymous, headers, members=[_person("1970-05-05", SEVERE, disability_grade="grade_2")]
        )
        person = created["members"][0]
        url = f"{HOUSEHOLDS}/{created['id']}/members/{person['person_id']}"
        etag = {**headers, "If-Match": f'W/"{person["version"]}"'}
        refused = await anonymous.patch(url, json={"disability_grade": "grade_3"}, headers=etag)
        assert_invalid(refused, ["body", "disability_grade"], "category_not_plausible")
        changed = await anonymous.patch(url, json={"disability_grade": "grade_1"}, headers=etag)
        assert changed.status_code == 200, changed.text
        assert changed.json()["disability_grade"] == "grade_1"


async def test_the_dictionaries_show_the_thresholds(
    app: FastAPI, anonymous: httpx.AsyncClient
) -> None:
    tables = {t["name"]: t for t in (await anonymous.get("/api/v1/dictionaries")).json()["tables"]}
    subtypes = {c["code"]: c for c in tables["vulnerability_subtype"]["codes"]}
    categories = {c["code"]: c for c in tables["vulnerability_category"]["codes"]}
    advanced = subtypes["elderly_advanced_age"]["person_rule"]
    assert (advanced["min_age"], advanced["max_age"], advanced["disability_grades"]) == (
        80,
        None,
        None,
    )
    assert subtypes["child_left_behind"]["person_rule"]["max_age"] == 17
    assert categories["severe_disability"]["person_rule"]["disability_grades"] == [
        "grade_1",
        "grade_2",
    ]
    assert "GB/T 26341" in categories["severe_disability"]["person_rule"]["source"]
    assert categories["other"]["person_rule"] is None
