"""GET /api/v1/policies: filters by region, status and a day in force; keyset pages."""

import httpx

from tests.api.eligibility.policies_http import OFFICER, POLICIES, create_policy, published, step
from tests.api.households.ledger_http import bearer
from tests.factories import STREET_A, STREET_B
from tests.problems import assert_invalid


async def _ids(http: httpx.AsyncClient, **params: str) -> list[str]:
    response = await http.get(POLICIES, params=params, headers=await bearer(http, OFFICER))
    assert response.status_code == 200, response.text
    return [item["id"] for item in response.json()["items"]]


class TestList:
    async def test_filters(self, http: httpx.AsyncClient) -> None:
        old = await published(http, effective_from="2025-01-01", effective_to="2025-12-31")
        current = await published(http, effective_from="2026-01-01")
        draft = await create_policy(http, effective_from="2027-01-01")
        street_b = await published(http, region_code=STREET_B, effective_from="2026-06-01")
        retired = (await step(http, await published(http, region_code=STREET_A), "retire")).json()

        assert await _ids(http, status="published") == [old["id"], current["id"], street_b["id"]]
        assert await _ids(http, status="draft") == [draft["id"]]
        assert await _ids(http, status="retired") == [retired["id"]]
        assert await _ids(http, region=STREET_A) == [
            old["id"],
            current["id"],
            draft["id"],
            retired["id"],
        ]
        assert await _ids(http, region=STREET_B, in_force_on="2026-06-01", status="published") == [
            current["id"],
            street_b["id"],
        ]
        assert await _ids(http, in_force_on="2025-12-31", status="published") == [old["id"]]
        assert await _ids(http, in_force_on="2026-01-01", status="published") == [current["id"]]
        assert await _ids(http, in_force_on="2024-12-31") == []

    async def test_pages_follow_the_cursor(self, http: httpx.AsyncClient) -> None:
        created = [(await create_policy(http))["id"] for _ in range(3)]
        headers = await bearer(http, OFFICER)

        first = (await http.get(POLICIES, params={"limit": 2}, headers=headers)).json()
        second = (
            await http.get(
                POLICIES, params={"limit": 2, "cursor": first["next_cursor"]}, headers=headers
            )
        ).json()

        assert [i["id"] for i in first["items"]] + [i["id"] for i in second["items"]] == created
        assert second["next_cursor"] is None

    async def test_a_cursor_of_other_filters_is_refused(self, http: httpx.AsyncClient) -> None:
        for _ in range(2):
            await create_policy(http)
        headers = await bearer(http, OFFICER)
        first = (await http.get(POLICIES, params={"limit": 1}, headers=headers)).json()

        response = await http.get(
            POLICIES,
            params={"limit": 1, "cursor": first["next_cursor"], "status": "draft"},
            headers=headers,
        )

        assert_invalid(response, ["query", "cursor"], "invalid_cursor")

    async def test_an_unknown_status_is_refused(self, http: httpx.AsyncClient) -> None:
        response = await http.get(
            POLICIES, params={"status": "active"}, headers=await bearer(http, OFFICER)
        )

        assert_invalid(response, ["query", "status"])
