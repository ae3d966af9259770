"""Published versions of one region never share a day (DOMAIN 5): windows are inclusive,
checked at publishing; nested regions may overlap (the most specific applies)."""

import asyncio

import httpx

from tests.api.eligibility.policies_http import create_policy, published, step
from tests.factories import STREET_A, STREET_B
from tests.problems import assert_problem

_2025 = {"effective_from": "2025-01-01", "effective_to": "2025-12-31"}


async def _refused(http: httpx.AsyncClient, conflicting: dict[str, object], **window: str) -> None:
    draft = await create_policy(http, **window)

    body = assert_problem(await step(http, draft, "publish"), 409, "policy_overlap")

    assert body["conflicting_id"] == conflicting["id"]
    assert body["conflicting_from"] == conflicting["effective_from"]
    assert body["conflicting_to"] == conflicting["effective_to"]
    assert "conflicting_id" in body["detail"]


class TestOverlap:
    async def test_the_next_day_may_start_the_next_version(self, http: httpx.AsyncClient) -> None:
        await published(http, **_2025)

        following = await published(http, effective_from="2026-01-01")

        assert following["status"] == "published"

    async def test_one_shared_day_is_refused(self, http: httpx.AsyncClient) -> None:
        first = await published(http, **_2025)

        await _refused(http, first, effective_from="2025-12-31")

    async def test_a_version_ending_the_day_another_starts_is_refused(
        self, http: httpx.AsyncClient
    ) -> None:
        later = await published(http, effective_from="2026-01-01")

        await _refused(http, later, effective_from="2025-01-01", effective_to="2026-01-01")

    async def test_a_version_ending_the_day_before_is_allowed(
        self, http: httpx.AsyncClient
    ) -> None:
        await published(http, effective_from="2026-01-01")

        earlier = await published(http, effective_from="2025-01-01", effective_to="2025-12-31")

        assert earlier["status"] == "published"

    async def test_an_open_ended_version_overlaps_every_later_one(
        self, http: httpx.AsyncClient
    ) -> None:
        open_ended = await published(http, effective_from="2025-01-01")

        await _refused(http, open_ended, effective_from="2030-01-01", effective_to="2030-01-31")

    async def test_a_window_inside_another_is_refused(self, http: httpx.AsyncClient) -> None:
        first = await published(http, **_2025)

        await _refused(http, first, effective_from="2025-03-01", effective_to="2025-03-01")

    async def test_other_regions_and_nested_regions_may_overlap(
        self, http: httpx.AsyncClient
    ) -> None:
        await published(http, **_2025)

        street_a = await published(http, region_code=STREET_A, **_2025)
        street_b = await published(http, region_code=STREET_B, **_2025)

        assert (street_a["status"], street_b["status"]) == ("published", "published")

    async def test_drafts_may_overlap_and_a_retired_version_frees_its_window(
        self, http: httpx.AsyncClient
    ) -> None:
        first = await published(http, **_2025)
        draft = await create_policy(http, **_2025)
        assert_problem(await step(http, draft, "publish"), 409, "policy_overlap")

        await step(http, first, "retire")
        response = await step(http, draft, "publish")

        assert response.status_code == 200, response.text
        assert response.json()["status"] == "published"

    async def test_concurrent_publishing_lets_one_win(self, http: httpx.AsyncClient) -> None:
        for _ in range(3):
            drafts = [await create_policy(http, **_2025) for _ in range(2)]

            answers = await asyncio.gather(*(step(http, draft, "publish") for draft in drafts))

            assert sorted(a.status_code for a in answers) == [200, 409], [a.text for a in answers]
            winner = next(a.json() for a in answers if a.status_code == 200)
            await step(http, winner, "retire")
