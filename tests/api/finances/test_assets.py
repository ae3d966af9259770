"""Assets of a household: financial assets, vehicles, real estate (DOMAIN 4), replaced as a whole."""

import uuid
from typing import Any

import pytest
from fastapi import FastAPI
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.audit import AuditEvent
from tests.api.finances.conftest import Api
from tests.factories import create_household
from tests.problems import assert_invalid, assert_problem


def url(household: Any) -> str:
    return f"/api/v1/households/{household.id}/assets"


def asset(
    kind: str, description: str, value: str | None = None, person: Any = None
) -> dict[str, Any]:
    return {
        "kind": kind,
        "description": description,
        "value": value,
        "person_id": None if person is None else str(person),
    }


async def version_of(api: Api, household: Any) -> int:
    response = await api.get(f"/api/v1/households/{household.id}")
    return int(response.json()["version"])


class TestReplaceAssets:
    async def test_round_trip_keeps_exact_decimals_and_order(
        self, api: Api, household: Any, members: list[Any]
    ) -> None:
        items = [
            asset("real_estate", "龙湖社区 3 栋 2 单元 501，自有住房", "99999999.99"),
            asset("vehicle", "2012 年购入的二手面包车", "0.01", members[1]),
            asset("financial_asset", "银行定期存款", "546.00", members[0]),
            asset("other", "价值不明的旧家具"),
        ]
        version = await version_of(api, household)

        put = await api.put(url(household), {"items": items}, version=version)

        assert put.status_code == 200, put.text
        assert put.headers["etag"] == f'W/"{version + 1}"'
        expected = {
            "household_id": str(household.id),
            "items": items,
            "total_value": "100000546.00",
            "version": version + 1,
        }
        assert put.json() == expected
        got = await api.get(url(household))
        assert got.headers["etag"] == f'W/"{version + 1}"'
        assert got.json() == expected

    async def test_the_list_is_replaced_whole(self, api: Api, household: Any) -> None:
        version = await version_of(api, household)
        await api.put(
            url(household),
            {"items": [asset("vehicle", "面包车", "1.00"), asset("other", "家具")]},
            version=version,
        )

        response = await api.put(
            url(household), {"items": [asset("real_estate", "住房")]}, version=version + 1
        )

        assert response.status_code == 200, response.text
        assert (await api.get(url(household))).json()["items"] == [asset("real_estate", "住房")]
        cleared = await api.put(url(household), {"items": []}, version=version + 2)
        assert (cleared.json()["items"], cleared.json()["total_value"]) == ([], "0.00")

    async def test_descriptions_are_trimmed(self, api: Api, household: Any) -> None:
        response = await api.put(
            url(household),
            {"items": [asset("vehicle", "  面包车 ")]},
            version=await version_of(api, household),
        )

        assert response.json()["items"] == [asset("vehicle", "面包车")]

    async def test_the_change_is_in_the_history(self, api: Api, household: Any) -> None:
        version = await version_of(api, household)
        await api.put(
            url(household), {"items": [asset("vehicle", "面包车", "1.00")]}, version=version
        )
        await api.put(url(household), {"items": []}, version=version + 1)

        response = await api.get(f"/api/v1/households/{household.id}/history")

        entries = [e for e in response.json()["items"] if e["action"] == "household.assets.replace"]
        row = {"kind": "vehicle", "description": "面包车", "value": "1.00", "person_id": None}
        assert [e["changes"] for e in entries] == [
            {"assets": {"before": [], "after": [row]}},
            {"assets": {"before": [row], "after": []}},
        ]


class TestReplaceAssetsRefusals:
    async def test_an_unknown_kind_is_422(self, api: Api, household: Any) -> None:
        response = await api.put(
            url(household), {"items": [asset("livestock", "两头牛")]}, version=1
        )

        assert_invalid(response, ["body", "items", 0, "kind"], "value_error")

    @pytest.mark.parametrize(
        ("value", "code"),
        [
            (15000.0, "value_error"),
            ("-0.01", "greater_than_equal"),
            ("0.001", "value_error"),
            ("100000000.00", "less_than_equal"),
        ],
    )
    async def test_inexact_negative_or_huge_values_are_refused(
        self, api: Api, household: Any, value: Any, code: str
    ) -> None:
        item = {**asset("vehicle", "面包车"), "value": value}

        response = await api.put(url(household), {"items": [item]}, version=1)

        assert_invalid(response, ["body", "items", 0, "value"], code)

    @pytest.mark.parametrize("description", ["", "   ", "长" * 201])
    async def test_a_blank_or_long_description_is_422(
        self, api: Api, household: Any, description: str
    ) -> None:
        response = await api.put(
            url(household), {"items": [asset("vehicle", description)]}, version=1
        )

        assert_invalid(response, ["body", "items", 0, "description"])

    async def test_a_person_of_another_household_is_not_a_member(
        self, api: Api, app: FastAPI, household: Any
    ) -> None:
        other = await create_household(app)

        response = await api.put(
            url(household),
            {"items": [asset("vehicle", "面包车", person=other.head_person_id)]},
            version=await version_of(api, household),
        )

        assert_invalid(response, ["body", "items", 0, "person_id"], "not_a_member")

    async def test_more_than_100_assets_is_422(self, api: Api, household: Any) -> None:
        items = [asset("other", f"物品 {n}") for n in range(101)]

        response = await api.put(url(household), {"items": items}, version=1)

        assert_invalid(response, ["body", "items"], "too_long")

    async def test_an_unknown_field_is_422(self, api: Api, household: Any) -> None:
        item = {**asset("vehicle", "面包车"), "id": str(uuid.uuid4())}

        response = await api.put(url(household), {"items": [item]}, version=1)

        assert_invalid(response, ["body", "items", 0, "id"], "extra_forbidden")

    async def test_a_stale_if_match_is_412(self, api: Api, household: Any) -> None:
        version = await version_of(api, household)

        response = await api.put(url(household), {"items": []}, version=version + 1)

        assert_problem(response, 412, "version_mismatch")

    async def test_a_missing_if_match_is_428(self, api: Api, household: Any) -> None:
        response = await api.put(url(household), {"items": []}, version=None)

        assert_problem(response, 428, "if_match_required")

    async def test_a_household_of_another_street_is_404(self, api: Api, household: Any) -> None:
        response = await api.put(
            url(household),
            {"items": []},
            version=await version_of(api, household),
            username="street_officer_2",
        )

        assert_problem(response, 404, "not_found")

    async def test_district_officers_may_not_replace(self, api: Api, household: Any) -> None:
        response = await api.put(
            url(household), {"items": []}, version=1, username="district_officer"
        )

        assert_problem(response, 403, "forbidden")


class TestReadAssets:
    async def test_the_read_is_audited(
        self, api: Api, household: Any, session: AsyncSession
    ) -> None:
        response = await api.get(url(household), username="district_officer")
        assert response.status_code == 200, response.text

        events = (
            await session.scalars(
                select(AuditEvent).where(AuditEvent.action == "household.assets.read")
            )
        ).all()
        assert [(e.object_id, e.role, e.region_code) for e in events] == [
            (str(household.id), "district_officer", household.region_code)
        ]

    async def test_a_household_of_another_street_is_404(self, api: Api, household: Any) -> None:
        response = await api.get(url(household), username="street_officer_2")

        assert_problem(response, 404, "not_found")

    async def test_an_auditor_without_a_grant_does_not_find_it(
        self, api: Api, household: Any
    ) -> None:
        response = await api.get(url(household), username="auditor")

        assert_problem(response, 404, "not_found")
