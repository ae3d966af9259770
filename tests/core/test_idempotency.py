"""Idempotency-Key semantics of API.md, through HTTP on the real store."""

import asyncio
from datetime import timedelta

import httpx
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.db import Database, utcnow
from app.core.idempotency import IdempotencyRecord, fingerprint, purge_expired
from app.identity import users
from tests.conftest import READER
from tests.problems import assert_problem

KEY = {"Idempotency-Key": "8c1f7c6e-retry-1"}


async def _count(client: httpx.AsyncClient, name: str) -> int:
    response = await client.get("/_test/organizations/count", params={"name": name})
    return int(response.json()["count"])


async def _reader_caller(database: Database) -> str:
    """The caller id of `reader`, whom pipeline_client signs in as."""
    async with database.sessionmaker() as session:
        reader = await users.find(session, READER)
    assert reader is not None
    return f"user:{reader.id}"


async def _claimed_elsewhere(
    database: Database, key: str, body: bytes, *, lease: timedelta
) -> None:
    """A claim on `key` for `body` made by another request (alive or dead per `lease`)."""
    async with database.sessionmaker() as session, session.begin():
        session.add(
            IdempotencyRecord(
                caller=await _reader_caller(database),
                key=key,
                fingerprint=fingerprint("POST", "/_test/organizations", "", body),
                completed=False,
                lease_expires_at=utcnow() + lease,
                expires_at=utcnow() + timedelta(hours=24),
            )
        )


class TestReplay:
    async def test_repeat_with_same_key_and_body_returns_the_first_response(
        self, pipeline_client: httpx.AsyncClient
    ) -> None:
        first = await pipeline_client.post("/_test/organizations", json={"name": "甲"}, headers=KEY)
        second = await pipeline_client.post(
            "/_test/organizations", json={"name": "甲"}, headers=KEY
        )
        assert first.status_code == second.status_code == 201
        assert second.json() == first.json()
        assert second.headers["location"] == first.headers["location"]
        assert second.headers["idempotent-replayed"] == "true"
        assert "idempotent-replayed" not in first.headers
        assert await _count(pipeline_client, "甲") == 1

    async def test_same_key_with_another_body_is_422(
        self, pipeline_client: httpx.AsyncClient
    ) -> None:
        await pipeline_client.post("/_test/organizations", json={"name": "乙"}, headers=KEY)
        response = await pipeline_client.post(
            "/_test/organizations", json={"name": "丙"}, headers=KEY
        )
        assert_problem(response, 422, "idempotency_key_reused")
        assert await _count(pipeline_client, "丙") == 0

    async def test_without_a_key_nothing_is_deduplicated(
        self, pipeline_client: httpx.AsyncClient
    ) -> None:
        first = await pipeline_client.post("/_test/organizations", json={"name": "丁"})
        assert first.status_code == 201
        second = await pipeline_client.post("/_test/organizations", json={"name": "丁"})
        assert_problem(second, 409, "integrity_conflict")

    async def test_keys_are_scoped_per_endpoint_body(
        self, pipeline_client: httpx.AsyncClient
    ) -> None:
        await pipeline_client.post("/_test/organizations", json={"name": "戊"}, headers=KEY)
        response = await pipeline_client.post(
            "/_test/partner-organizations", json={"name": "戊"}, headers=KEY
        )
        assert_problem(response, 422, "idempotency_key_reused")


class TestRequiredKey:
    async def test_partner_endpoint_without_key_is_400(
        self, pipeline_client: httpx.AsyncClient
    ) -> None:
        response = await pipeline_client.post("/_test/partner-organizations", json={"name": "己"})
        assert_problem(response, 400, "idempotency_key_required")
        assert await _count(pipeline_client, "己") == 0

    async def test_overlong_key_is_422(self, pipeline_client: httpx.AsyncClient) -> None:
        response = await pipeline_client.post(
            "/_test/partner-organizations",
            json={"name": "庚"},
            headers={"Idempotency-Key": "k" * 256},
        )
        body = assert_problem(response, 422, "validation_failed")
        assert body["errors"][0]["loc"] == ["header", "Idempotency-Key"]  # type: ignore[index]


class TestConcurrency:
    async def test_repeat_while_the_first_runs_is_409_then_replays(
        self, pipeline_client: httpx.AsyncClient, app: object
    ) -> None:
        state = app.state  # type: ignore[attr-defined]
        first = asyncio.create_task(
            pipeline_client.post("/_test/slow-organizations", json={"name": "辛"}, headers=KEY)
        )
        await asyncio.wait_for(state.slow_started.wait(), 5)
        racing = await pipeline_client.post(
            "/_test/slow-organizations", json={"name": "辛"}, headers=KEY
        )
        assert_problem(racing, 409, "idempotency_in_progress")
        assert racing.headers["retry-after"] == "1"
        state.slow_gate.set()
        completed = await first
        assert completed.status_code == 201
        replay = await pipeline_client.post(
            "/_test/slow-organizations", json={"name": "辛"}, headers=KEY
        )
        assert replay.json() == completed.json()
        assert await _count(pipeline_client, "辛") == 1


class TestFailures:
    async def test_failed_request_releases_its_key(
        self, pipeline_client: httpx.AsyncClient
    ) -> None:
        failed = await pipeline_client.post(
            "/_test/organizations", json={"name": "壬", "fail": True}, headers=KEY
        )
        assert failed.status_code == 409
        retried = await pipeline_client.post(
            "/_test/organizations", json={"name": "壬", "fail": True}, headers=KEY
        )
        assert_problem(retried, 409, "integrity_conflict")
        assert "idempotent-replayed" not in retried.headers

    async def test_abandoned_claim_is_taken_over_after_its_lease(
        self, pipeline_client: httpx.AsyncClient, database: Database
    ) -> None:
        body = '{"name": "癸"}'.encode()
        await _claimed_elsewhere(database, "dead-worker", body, lease=timedelta(seconds=-1))
        response = await pipeline_client.post(
            "/_test/organizations",
            content=body,
            headers={"Idempotency-Key": "dead-worker", "content-type": "application/json"},
        )
        assert response.status_code == 201
        assert response.json()["name"] == "癸"

    async def test_live_claim_with_same_body_is_409(
        self, pipeline_client: httpx.AsyncClient, database: Database
    ) -> None:
        body = '{"name": "癸"}'.encode()
        await _claimed_elsewhere(database, "busy", body, lease=timedelta(minutes=1))
        response = await pipeline_client.post(
            "/_test/organizations",
            content=body,
            headers={"Idempotency-Key": "busy", "content-type": "application/json"},
        )
        assert_problem(response, 409, "idempotency_in_progress")

    async def test_expired_key_can_be_reused(
        self, pipeline_client: httpx.AsyncClient, database: Database
    ) -> None:
        await pipeline_client.post("/_test/organizations", json={"name": "子"}, headers=KEY)
        async with database.sessionmaker() as session, session.begin():
            await session.execute(
                update(IdempotencyRecord).values(expires_at=utcnow() - timedelta(seconds=1))
            )
        response = await pipeline_client.post(
            "/_test/organizations", json={"name": "丑"}, headers=KEY
        )
        assert response.status_code == 201
        assert response.json()["name"] == "丑"


class TestPurge:
    async def test_purge_removes_only_expired_keys(
        self, pipeline_client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        await pipeline_client.post(
            "/_test/organizations", json={"name": "寅"}, headers={"Idempotency-Key": "a"}
        )
        await pipeline_client.post(
            "/_test/organizations", json={"name": "卯"}, headers={"Idempotency-Key": "b"}
        )
        await session.execute(
            update(IdempotencyRecord)
            .where(IdempotencyRecord.key == "a")
            .values(expires_at=utcnow() - timedelta(minutes=1))
        )
        assert await purge_expired(session) == 1
        await session.commit()
        remaining = await session.execute(
            select(IdempotencyRecord.key, func.count()).group_by(IdempotencyRecord.key)
        )
        assert dict(remaining.all()) == {"b": 1}

    async def test_keys_are_kept_at_least_24_hours(
        self, pipeline_client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        await pipeline_client.post("/_test/organizations", json={"name": "辰"}, headers=KEY)
        record = (await session.execute(select(IdempotencyRecord))).scalar_one()
        assert record.expires_at - utcnow() > timedelta(hours=23, minutes=59)


class TestCallerScope:
    async def test_the_same_key_from_another_caller_is_independent(
        self, pipeline_client: httpx.AsyncClient, app: object
    ) -> None:
        first = await pipeline_client.post("/_test/organizations", json={"name": "巳"}, headers=KEY)
        transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
        async with httpx.AsyncClient(
            transport=transport, base_url="http://testserver"
        ) as anonymous:
            other = await anonymous.post("/_test/organizations", json={"name": "午"}, headers=KEY)
        assert first.status_code == other.status_code == 201
        assert other.json()["name"] == "午"
        assert "idempotent-replayed" not in other.headers
