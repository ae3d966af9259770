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


KIND_FIELDS: dict[str, dict[str, Any]] = {
    "real_estate": {"area_m2": "80.00"},
    "vehicle": {"vehicle_type": "passenger_car", "count": 1},
    "financial_asset": {"financial_type": "deposit"},
    "other": {},
}
"""A valid value of each field the kind requires."""
SPECIFIC = ("area_m2", "vehicle_type", "count", "financial_type")


def asset(
    kind: str,
    description: str,
    value: str = "1.00",
    person: Any = None,
    share: str = "100.00",
    **fields: Any,
) -> dict[str, Any]:
    """An asset as sent: the kind's own fields filled unless given."""
    return {
        "kind": kind,
        "description": description,
        "value": value,
        "ownership_share": share,
        **KIND_FIELDS.get(kind, {}),
        **fields,
        "person_id": None if person is None else str(person),
    }


def shown(item: dict[str, Any], owned: str | None = None) -> dict[str, Any]:
    """The asset as answered: every kind field (null when not the kind's), the owned part."""
    return {
        **{name: None for name in SPECIFIC},
        **item,
        "owned_value": owned if owned is not None else item["value"],
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
            asset("other", "旧家具", "0.00"),
        ]
        version = await version_of(api, household)

        put = await api.put(url(household), {"items": items}, version=version)

        assert put.status_code == 200, put.text
        assert put.headers["etag"] == f'W/"{version + 1}"'
        expected = {
            "household_id": str(household.id),
            "items": [shown(i) for i in items],
            "declared": True,
            "total_value": "100000546.00",
            "total_owned_value": "100000546.00",
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
        assert (await api.get(url(household))).json()["items"] == [
            shown(asset("real_estate", "住房"))
        ]
        cleared = await api.put(url(household), {"items": []}, version=version + 2)
        assert (cleared.json()["items"], cleared.json()["total_value"]) == ([], "0.00")

    async def test_an_empty_list_declares_the_household_has_none(
        self, api: Api, household: Any
    ) -> None:
        """DOMAIN 5: "declared to have none" is not "never declared"; the first declaration
        is a change (the version goes up), repeating it is none."""
        version = await version_of(api, household)
        never = await api.get(url(household))
        assert (never.json()["items"], never.json()["declared"]) == ([], False)

        first = await api.put(url(household), {"items": []}, version=version)
        again = await api.put(url(household), {"items": []}, version=version + 1)

        assert first.status_code == again.status_code == 200, first.text
        assert [(r.json()["declared"], r.json()["version"]) for r in (first, again)] == [
            (True, version + 1),
            (True, version + 1),
        ]
        got = (await api.get(url(household))).json()
        assert (got["items"], got["declared"]) == ([], True)

    async def test_descriptions_are_trimmed(self, api: Api, household: Any) -> None:
        response = await api.put(
            url(household),
            {"items": [asset("vehicle", "  面包车 ")]},
            version=await version_of(api, household),
        )

        assert response.json()["items"] == [shown(asset("vehicle", "面包车"))]

    async def test_the_change_is_in_the_history(self, api: Api, household: Any) -> None:
        version = await version_of(api, household)
        await api.put(
            url(household), {"items": [asset("vehicle", "面包车", "1.00")]}, version=version
        )
        await api.put(url(household), {"items": []}, version=version + 1)

        response = await api.get(f"/api/v1/households/{household.id}/history")

        entries = [e for e in response.json()["items"] if e["action"] == "household.assets.replace"]
        row = {
            "kind": "vehicle",
            "description": "面包车",
            "value": "1.00",
            "ownership_share": "100.00",
            "area_m2": None,
            "vehicle_type": "passenger_car",
            "count": 1,
            "financial_type": None,
            "person_id": None,
        }
        # The first replacement also declares the list (DOMAIN 5: "none" is not "unknown").
        assert [e["changes"] for e in entries] == [
            {
                "assets": {"before": [], "after": [row]},
                "assets_declared": {"before": False, "after": True},
            },
            {"assets": {"before": [row], "after": []}},
        ]


class TestReplaceAssetsRefusals:
    async def test_an_unknown_kind_is_422(self, api: Api, household: Any) -> None:
        response = await api.put(
            url(household), {"items": [asset("livestock", "两头牛")]}, version=1
        )

        assert_invalid(response, ["body", "items", 0, "kind"], "unknown_code")

    @pytest.mark.parametrize(
        ("value", "code"),
        [
            (15000.0, "amount_format"),
            ("-0.01", "amount_format"),
            ("-0", "amount_format"),
            ("0.001", "amount_format"),
            ("100000000.00", "amount_format"),
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

        assert_invalid(response, ["body", "items", 0, "id"], "unknown_field")

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


class TestAssetFieldsByKind:
    """Value required, each kind its own fields, a share of (0, 100] (DOMAIN 4-5)."""

    @pytest.mark.parametrize("value", [None, "absent"])
    async def test_the_value_is_required(self, api: Api, household: Any, value: Any) -> None:
        item = asset("vehicle", "面包车")
        if value == "absent":
            del item["value"]
        else:
            item["value"] = value

        response = await api.put(url(household), {"items": [item]}, version=1)

        code = "missing" if value == "absent" else "amount_format"
        assert_invalid(response, ["body", "items", 0, "value"], code)

    @pytest.mark.parametrize(
        ("kind", "missing"),
        [
            ("real_estate", "area_m2"),
            ("vehicle", "vehicle_type"),
            ("vehicle", "count"),
            ("financial_asset", "financial_type"),
        ],
    )
    async def test_a_kind_s_own_field_is_required(
        self, api: Api, household: Any, kind: str, missing: str
    ) -> None:
        item = asset(kind, "某项财产")
        del item[missing]

        response = await api.put(
            url(household), {"items": [item]}, version=await version_of(api, household)
        )

        assert_invalid(response, ["body", "items", 0, missing], "required_for_kind")

    @pytest.mark.parametrize(
        ("kind", "extra", "value"),
        [
            ("other", "area_m2", "10.00"),
            ("real_estate", "vehicle_type", "passenger_car"),
            ("vehicle", "financial_type", "deposit"),
            ("financial_asset", "count", 2),
        ],
    )
    async def test_another_kind_s_field_is_refused(
        self, api: Api, household: Any, kind: str, extra: str, value: Any
    ) -> None:
        item = asset(kind, "某项财产", **{extra: value})

        response = await api.put(
            url(household), {"items": [item]}, version=await version_of(api, household)
        )

        assert_invalid(response, ["body", "items", 0, extra], "not_for_kind")

    @pytest.mark.parametrize(
        ("value", "share", "owned"),
        [
            ("1000.01", "100.00", "1000.01"),
            ("1000.01", "100", "1000.01"),
            ("1000.01", "33.33", "333.30"),
            ("0.05", "50.00", "0.03"),
            ("1000.01", "0.01", "0.10"),
        ],
    )
    async def test_a_share_up_to_100_gives_the_owned_part(
        self, api: Api, household: Any, value: str, share: str, owned: str
    ) -> None:
        """owned = value x share / 100 rounded half up to the fen: 1000.01 x 33.33 % =
        333.3033 -> 333.30; 0.05 x 50 % = 0.025 -> 0.03 (half even would give 0.02)."""
        item = asset("real_estate", "住房", value, share=share)

        response = await api.put(
            url(household), {"items": [item]}, version=await version_of(api, household)
        )

        assert response.status_code == 200, response.text
        body = response.json()
        assert body["items"][0]["ownership_share"] == f"{float(share):.2f}"
        assert (body["items"][0]["owned_value"], body["total_owned_value"]) == (owned, owned)
        assert body["total_value"] == value

    @pytest.mark.parametrize(
        ("share", "code"),
        [
            ("0", "too_small"),
            ("0.00", "too_small"),
            ("100.01", "too_large"),
            ("50.001", "decimal_format"),
            (50, "decimal_format"),
        ],
    )
    async def test_a_share_outside_0_to_100_is_422(
        self, api: Api, household: Any, share: Any, code: str
    ) -> None:
        item = asset("vehicle", "面包车", share=share)

        response = await api.put(url(household), {"items": [item]}, version=1)

        assert_invalid(response, ["body", "items", 0, "ownership_share"], code)

    async def test_a_vehicle_count_of_zero_and_an_unknown_vehicle_type_are_422(
        self, api: Api, household: Any
    ) -> None:
        zero = await api.put(
            url(household), {"items": [asset("vehicle", "车", count=0)]}, version=1
        )
        unknown = await api.put(
            url(household), {"items": [asset("vehicle", "车", vehicle_type="tank")]}, version=1
        )

        assert_invalid(zero, ["body", "items", 0, "count"], "too_small")
        assert_invalid(unknown, ["body", "items", 0, "vehicle_type"], "unknown_code")


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
