"""One commit per request, before the response: a failed commit is an error (ENGINEERING 5)."""

import httpx

from tests.problems import assert_problem


class TestCommitFailure:
    async def test_deferred_constraint_failing_at_commit_is_reported_and_nothing_is_written(
        self, pipeline_client: httpx.AsyncClient
    ) -> None:
        response = await pipeline_client.post("/_test/orphan-region")
        assert_problem(response, 409, "integrity_conflict")
        follow_up = await pipeline_client.get("/api/v1/regions/999999001")
        assert follow_up.status_code == 404


class TestAtomicity:
    async def test_error_after_a_write_rolls_the_write_back(
        self, pipeline_client: httpx.AsyncClient
    ) -> None:
        response = await pipeline_client.post(
            "/_test/organizations", json={"name": "半途而废", "fail": True}
        )
        assert_problem(response, 409, "integrity_conflict")
        count = await pipeline_client.get("/_test/organizations/count", params={"name": "半途而废"})
        assert count.json() == {"count": 0}

    async def test_success_is_committed(self, pipeline_client: httpx.AsyncClient) -> None:
        response = await pipeline_client.post("/_test/organizations", json={"name": "已提交"})
        assert response.status_code == 201
        count = await pipeline_client.get("/_test/organizations/count", params={"name": "已提交"})
        assert count.json() == {"count": 1}

    async def test_unique_violation_is_a_409_problem(
        self, pipeline_client: httpx.AsyncClient
    ) -> None:
        await pipeline_client.post("/_test/organizations", json={"name": "重名机构"})
        response = await pipeline_client.post("/_test/organizations", json={"name": "重名机构"})
        assert_problem(response, 409, "integrity_conflict")
