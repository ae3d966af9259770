"""Idempotency-Key semantics of API.md, through HTTP on the real store."""

import asyncio
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.core import idempotency
from app.core.config import Settings
from app.core.db import Database, utcnow
from app.core.idempotency import IdempotencyRecord, fingerprint, purge_expired
from app.identity import users
from app.organizations.models import Organization
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


async def _runs_of(database: Database, name: str) -> list[str]:
    """The organizations the numbered route made for `name`, one per run of its handler."""
    async with database.sessionmaker() as session:
        rows = await session.execute(
            select(Organization.name).where(Organization.name.like(f"{name}#%"))
        )
    return sorted(rows.scalars())


def _set_lease(app: FastAPI, monkeypatch: pytest.MonkeyPatch, seconds: int) -> None:
    monkeypatch.setattr(app.state.services.settings, "idempotency_lease_seconds", seconds)


NUMBERED = "/_test/numbered-organizations"


async def _waiting_first_run(
    client: httpx.AsyncClient, app: FastAPI, name: str
) -> asyncio.Task[httpx.Response]:
    """A request with KEY whose handler has started and waits at the gate."""
    body = {"name": name, "first_run_waits": True}
    first = asyncio.create_task(client.post(NUMBERED, json=body, headers=KEY))
    await asyncio.wait_for(app.state.slow_started.wait(), 30)
    return first


async def _repeat(client: httpx.AsyncClient, name: str) -> httpx.Response:
    return await client.post(NUMBERED, json={"name": name, "first_run_waits": True}, headers=KEY)


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
        assert response.headers["retry-after"] == "1"
        assert await _count(pipeline_client, "癸") == 0


class TestAbandonedClaims:
    """Issue 12 item 15: a claim whose request ended without completing, and whose
    release failed with it, holds the key for seconds, not minutes."""

    async def test_a_claim_whose_release_failed_lets_the_retry_through_within_seconds(
        self,
        pipeline_client: httpx.AsyncClient,
        app: FastAPI,
        database: Database,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        async def lost_with_the_database(_database: Database, _held: object) -> None:
            """The release's connection failed too: the claim stays behind."""

        monkeypatch.setattr(idempotency, "release", lost_with_the_database)
        died = await _waiting_first_run(pipeline_client, app, "未")
        died.cancel()
        with pytest.raises(asyncio.CancelledError):
            await died
        at_once = await _repeat(pipeline_client, "未")
        assert_problem(at_once, 409, "idempotency_in_progress")
        assert at_once.headers["retry-after"] == "1"

        later = utcnow() + timedelta(seconds=30)
        monkeypatch.setattr(idempotency, "utcnow", lambda: later)
        retried = await _repeat(pipeline_client, "未")
        assert retried.status_code == 201
        assert retried.json()["name"] == "未#2"
        assert "idempotent-replayed" not in retried.headers
        replay = await _repeat(pipeline_client, "未")
        assert replay.json() == retried.json()
        assert await _runs_of(database, "未") == ["未#2"]

    async def test_a_release_that_cannot_reach_the_database_does_not_raise(
        self, settings: Settings, tmp_path: Path
    ) -> None:
        unreachable = Database(
            settings.model_copy(
                update={"database_url": f"sqlite+aiosqlite:///{tmp_path}/missing/dir/x.db"}
            )
        )
        try:
            await idempotency.release(unreachable, idempotency.Claim("user:x", "k", "t"))
        finally:
            await unreachable.dispose()

    async def test_one_of_several_concurrent_retries_takes_an_abandoned_claim_over(
        self, pipeline_client: httpx.AsyncClient, database: Database
    ) -> None:
        body = '{"name": "申"}'.encode()
        path, key = NUMBERED, "abandoned"
        async with database.sessionmaker() as session, session.begin():
            session.add(
                IdempotencyRecord(
                    caller=await _reader_caller(database),
                    key=key,
                    fingerprint=fingerprint("POST", path, "", body),
                    completed=False,
                    claim_token="0" * 32,
                    lease_expires_at=utcnow() - timedelta(seconds=1),
                    expires_at=utcnow() + timedelta(hours=24),
                )
            )
        headers = {"Idempotency-Key": key, "content-type": "application/json"}
        responses = await asyncio.gather(
            *(pipeline_client.post(path, content=body, headers=headers) for _ in range(6))
        )
        ran = [
            r for r in responses if r.status_code == 201 and "idempotent-replayed" not in r.headers
        ]
        assert len(ran) == 1
        for other in responses:
            if other is not ran[0]:
                assert other.status_code in (201, 409)
                if other.status_code == 201:
                    assert other.json() == ran[0].json()
                else:
                    assert_problem(other, 409, "idempotency_in_progress")
        assert await _runs_of(database, "申") == ["申#1"]


class TestLease:
    async def test_a_live_request_keeps_its_claim_past_the_lease(
        self,
        pipeline_client: httpx.AsyncClient,
        app: FastAPI,
        database: Database,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        """The running request renews its lease, so a repeat is still refused
        long after one lease has passed."""
        _set_lease(app, monkeypatch, 2)
        first = await _waiting_first_run(pipeline_client, app, "酉")
        await asyncio.sleep(4.5)
        racing = await _repeat(pipeline_client, "酉")
        assert_problem(racing, 409, "idempotency_in_progress")
        async with database.sessionmaker() as session:
            lease = await session.scalar(select(IdempotencyRecord.lease_expires_at))
        assert lease is not None
        assert lease > utcnow()
        app.state.slow_gate.set()
        completed = await first
        assert completed.status_code == 201
        assert completed.json()["name"] == "酉#1"
        replay = await _repeat(pipeline_client, "酉")
        assert replay.json() == completed.json()
        assert await _runs_of(database, "酉") == ["酉#1"]

    async def test_a_request_whose_claim_was_taken_over_does_not_commit(
        self,
        pipeline_client: httpx.AsyncClient,
        app: FastAPI,
        database: Database,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        """Its lease ran out while it worked (it could not renew it), so a retry took the
        key over and answered for it: the first request's change is not committed too."""
        _set_lease(app, monkeypatch, 300)
        first = await _waiting_first_run(pipeline_client, app, "戌")
        async with database.sessionmaker() as session, session.begin():
            await session.execute(
                update(IdempotencyRecord).values(lease_expires_at=utcnow() - timedelta(seconds=1))
            )
        retry = await _repeat(pipeline_client, "戌")
        assert retry.status_code == 201
        assert retry.json()["name"] == "戌#2"
        app.state.slow_gate.set()
        assert_problem(await first, 409, "idempotency_in_progress")
        replay = await _repeat(pipeline_client, "戌")
        assert replay.json() == retry.json()
        assert replay.headers["idempotent-replayed"] == "true"
        assert await _runs_of(database, "戌") == ["戌#2"]

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
