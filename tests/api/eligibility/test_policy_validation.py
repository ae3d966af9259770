"""What a policy version must satisfy (DOMAIN 5): 422 with the field and the reason."""

from typing import Any

import httpx
import pytest

from tests.api.eligibility.policies_http import (
    OFFICER,
    POLICIES,
    WEIGHTS,
    create_policy,
    policy_body,
)
from tests.api.households.ledger_http import bearer
from tests.problems import assert_invalid


async def _create(http: httpx.AsyncClient, **fields: Any) -> httpx.Response:
    return await http.post(
        POLICIES, json=policy_body(**fields), headers=await bearer(http, OFFICER)
    )


class TestValidation:
    @pytest.mark.parametrize(
        ("weights", "total"),
        [({**WEIGHTS, "income_gap": 29}, 99), ({**WEIGHTS, "income_gap": 31}, 101)],
    )
    async def test_weights_add_up_to_100(
        self, http: httpx.AsyncClient, weights: dict[str, int], total: int
    ) -> None:
        body = assert_invalid(
            await _create(http, weights=weights), ["body", "weights"], "weights_total"
        )

        assert str(total) in body["errors"][0]["msg"]

    async def test_every_factor_has_a_weight(self, http: httpx.AsyncClient) -> None:
        weights = {k: v for k, v in WEIGHTS.items() if k != "elderly"}

        assert_invalid(
            await _create(http, weights=weights), ["body", "weights", "elderly"], "missing"
        )

    async def test_a_negative_weight_is_refused(self, http: httpx.AsyncClient) -> None:
        weights = {**WEIGHTS, "income_gap": -10, "expenditure_ratio": 60}

        assert_invalid(
            await _create(http, weights=weights), ["body", "weights", "income_gap"], "too_small"
        )

    async def test_the_floor_is_not_above_the_income_ceiling(self, http: httpx.AsyncClient) -> None:
        assert_invalid(
            await _create(http, income_floor="2.01"), ["body", "income_floor"], "multiplier_order"
        )

    async def test_equal_multipliers_are_accepted(self, http: httpx.AsyncClient) -> None:
        created = await create_policy(
            http, income_floor="2.00", income_ceiling="2.00", expenditure_ceiling="2.00"
        )

        assert created["expenditure_ceiling"] == "2.00"

    async def test_the_income_ceiling_is_not_above_the_expenditure_ceiling(
        self, http: httpx.AsyncClient
    ) -> None:
        assert_invalid(
            await _create(http, expenditure_ceiling="1.99"),
            ["body", "expenditure_ceiling"],
            "multiplier_order",
        )

    @pytest.mark.parametrize("field", ["income_floor", "expenditure_ratio"])
    async def test_multipliers_are_positive(self, http: httpx.AsyncClient, field: str) -> None:
        assert_invalid(await _create(http, **{field: "0"}), ["body", field], "too_small")

    async def test_a_multiplier_is_a_decimal_string(self, http: httpx.AsyncClient) -> None:
        assert_invalid(
            await _create(http, income_ceiling=2), ["body", "income_ceiling"], "decimal_format"
        )

    async def test_l_is_money_above_zero(self, http: httpx.AsyncClient) -> None:
        assert_invalid(
            await _create(http, dibao_standard="0.00"), ["body", "dibao_standard"], "too_small"
        )
        assert_invalid(
            await _create(http, dibao_standard="720.005"),
            ["body", "dibao_standard"],
            "money_format",
        )

    async def test_rigid_kinds_are_known_codes(self, http: httpx.AsyncClient) -> None:
        assert_invalid(
            await _create(http, rigid_kinds=["medical", "gambling"]),
            ["body", "rigid_kinds", 1],
            "unknown_code",
        )

    async def test_a_rigid_kind_is_given_once(self, http: httpx.AsyncClient) -> None:
        assert_invalid(
            await _create(http, rigid_kinds=["medical", "medical"]),
            ["body", "rigid_kinds", 1],
            "duplicate",
        )

    async def test_the_window_ends_on_or_after_its_start(self, http: httpx.AsyncClient) -> None:
        body = assert_invalid(
            await _create(http, effective_to="2025-12-31"), ["body", "effective_to"], "too_early"
        )
        assert "2026-01-01" in body["errors"][0]["msg"]

        one_day = await create_policy(http, effective_to="2026-01-01")
        assert one_day["effective_to"] == "2026-01-01"

    async def test_a_vehicle_type_is_a_known_code(self, http: httpx.AsyncClient) -> None:
        assert_invalid(
            await _create(http, asset_limits={"exempt_vehicle_types": ["tractor"]}),
            ["body", "asset_limits", "exempt_vehicle_types", 0],
        )

    async def test_the_region_exists(self, http: httpx.AsyncClient) -> None:
        assert_invalid(
            await _create(http, region_code="500112009"), ["body", "region_code"], "not_found"
        )

    async def test_a_patch_is_checked_against_the_stored_figures(
        self, http: httpx.AsyncClient
    ) -> None:
        draft = await create_policy(http, income_ceiling="3.00")
        headers = {**await bearer(http, OFFICER), "If-Match": '"1"'}

        response = await http.patch(
            f"{POLICIES}/{draft['id']}", json={"expenditure_ceiling": "2.50"}, headers=headers
        )

        assert_invalid(response, ["body", "expenditure_ceiling"], "multiplier_order")
        got = await http.get(f"{POLICIES}/{draft['id']}", headers=await bearer(http, OFFICER))
        assert (got.json()["expenditure_ceiling"], got.json()["version"]) == ("5.00", 1)

    async def test_unknown_fields_are_refused(self, http: httpx.AsyncClient) -> None:
        assert_invalid(await _create(http, status="published"), ["body", "status"], "unknown_field")


class TestStrictNumbers:
    async def test_a_boolean_is_no_number(self, http: httpx.AsyncClient) -> None:
        assert_invalid(await _create(http, residency_years=False), ["body", "residency_years"])
        assert_invalid(
            await _create(http, weights={**WEIGHTS, "elderly": True, "income_gap": 39}),
            ["body", "weights", "elderly"],
        )
        assert_invalid(
            await _create(http, asset_limits={"vehicles": True}),
            ["body", "asset_limits", "vehicles"],
        )
