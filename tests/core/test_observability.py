"""Request ids, structured logs without personal data, Prometheus metrics."""

import json
import logging
import re
import uuid
from datetime import date

import httpx
import pytest
from fastapi import FastAPI
from prometheus_client import generate_latest
from pydantic import SecretStr
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.audit import AuditEvent
from app.core.config import Settings
from app.core.db import Database
from app.core.jobs import Job
from app.main import create_app
from app.system.service import readiness
from app.workdays import service as workdays
from app.workdays.schemas import CalendarYearIn
from tests.logs import events


class TestRequestId:
    async def test_a_safe_incoming_id_is_echoed(self, client: httpx.AsyncClient) -> None:
        response = await client.get("/healthz", headers={"X-Request-ID": "gateway-42.a_b"})
        assert response.headers["x-request-id"] == "gateway-42.a_b"

    async def test_an_unsafe_incoming_id_is_replaced(self, client: httpx.AsyncClient) -> None:
        response = await client.get("/healthz", headers={"X-Request-ID": "evil id\twith spaces"})
        generated = response.headers["x-request-id"]
        assert generated != "evil id\twith spaces"
        assert len(generated) == 32
        assert generated.isalnum()

    @pytest.mark.parametrize(
        "incoming",
        [
            "a" * 65,
            'x", "actor": "admin',
            "<script>alert(1)</script>",
            "line\\nbreak",
            "%0d%0aSet-Cookie:x=1",
            "",
        ],
    )
    async def test_an_invalid_id_never_reaches_the_log_or_the_audit_trail(
        self,
        anonymous: httpx.AsyncClient,
        session: AsyncSession,
        caplog: pytest.LogCaptureFixture,
        incoming: str,
    ) -> None:
        caplog.set_level(logging.INFO)
        response = await anonymous.post(
            "/api/v1/auth/token",
            data={"grant_type": "password", "username": "nobody", "password": "wrong-password"},
            headers={"X-Request-ID": incoming},
        )
        assert response.status_code == 400
        generated = response.headers["x-request-id"]
        assert re.fullmatch(r"[0-9a-f]{32}", generated)
        assert response.json()["request_id"] == generated
        logged = {line.get("request_id") for line in events(caplog)}
        assert logged == {generated}
        audited = (await session.execute(select(AuditEvent.request_id))).scalars().all()
        assert audited == [generated]

    async def test_a_valid_id_of_64_characters_is_kept(self, client: httpx.AsyncClient) -> None:
        incoming = "A-z_0.9" + "x" * 57
        response = await client.get("/healthz", headers={"X-Request-ID": incoming})
        assert response.headers["x-request-id"] == incoming

    async def test_each_request_gets_its_own_id(self, client: httpx.AsyncClient) -> None:
        ids = {(await client.get("/healthz")).headers["x-request-id"] for _ in range(3)}
        assert len(ids) == 3


class TestLogs:
    async def test_access_log_line_has_request_id_and_route_template_but_no_query(
        self, client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
    ) -> None:
        caplog.set_level(logging.INFO, logger="sanzhu.access")
        await client.get(
            "/api/v1/regions/500112001?name=%E5%BC%A0%E4%B8%89",
            headers={"X-Request-ID": "log-check"},
        )
        lines = [r.msg for r in caplog.records if r.name == "sanzhu.access"]
        assert len(lines) == 1
        event = lines[0]
        assert isinstance(event, dict)
        assert event["request_id"] == "log-check"
        assert event["route"] == "/api/v1/regions/{code}"
        assert event["status"] == 404
        assert "500112001" not in json.dumps(event, ensure_ascii=False)
        assert "张三" not in json.dumps(event, ensure_ascii=False)

    def test_personal_fields_are_redacted_whatever_logs_them(
        self, capsys: pytest.CaptureFixture[str]
    ) -> None:
        from app.core.logging import _redact

        event = _redact(
            None, "info", {"event": "x", "id_number": "110101199003074578", "phone": "13800138000"}
        )
        assert event["id_number"] == "[redacted]"
        assert event["phone"] == "[redacted]"


class TestMetrics:
    async def test_requests_are_counted_by_route_template(self, client: httpx.AsyncClient) -> None:
        await client.get("/api/v1/regions/500112")
        text = (await client.get("/metrics")).text
        assert (
            'sanzhu_http_requests_total{method="GET",route="/api/v1/regions/{code}",status="404"}'
            in text
        )
        assert (
            'sanzhu_http_request_duration_seconds_bucket{le="0.005",method="GET",route="/api/v1/regions/{code}"}'
            in text
        )
        assert "sanzhu_db_connections_in_use" in text

    @pytest.mark.parametrize(
        ("path", "template"),
        [
            ("/api/v1/households/{id}", "/api/v1/households/{household_id}"),
            (
                "/api/v1/households/{id}/plan/versions",
                "/api/v1/households/{household_id}/plan/versions",
            ),
        ],
    )
    async def test_ids_in_paths_never_become_labels(
        self, client: httpx.AsyncClient, path: str, template: str
    ) -> None:
        """A route under a prefix with an id, or whose id has a converter, is labelled by its
        template: one label per household would grow the metrics without end."""
        household = str(uuid.uuid4())
        await client.get(path.format(id=household))
        text = (await client.get("/metrics")).text
        assert f'route="{template}",status="404"' in text
        assert household not in text
        assert ":uuid" not in text

    async def test_unmatched_paths_share_one_label(self, client: httpx.AsyncClient) -> None:
        await client.get("/no/such/path/123")
        text = (await client.get("/metrics")).text
        assert 'route="<unmatched>"' in text
        assert "/no/such/path/123" not in text

    async def test_token_protects_metrics_when_set(self, settings: Settings) -> None:
        protected = create_app(
            settings.model_copy(update={"metrics_token": SecretStr("scrape-token-123")})
        )
        try:
            transport = httpx.ASGITransport(app=protected)
            async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
                refused = await http.get("/metrics")
                assert refused.status_code == 401
                assert refused.json()["code"] == "unauthorized"
                assert refused.headers["www-authenticate"] == "Bearer"
                wrong = await http.get("/metrics", headers={"Authorization": "Bearer nope"})
                assert wrong.status_code == 401
                allowed = await http.get(
                    "/metrics", headers={"Authorization": "Bearer scrape-token-123"}
                )
                assert allowed.status_code == 200
                assert "sanzhu_http_requests_total" in allowed.text
        finally:
            await protected.state.services.database.dispose()


class TestHealth:
    async def test_healthz_is_ok(self, client: httpx.AsyncClient) -> None:
        response = await client.get("/healthz")
        assert response.json() == {"status": "ok"}

    async def test_readyz_is_ready_on_a_migrated_database(
        self, client: httpx.AsyncClient, app: FastAPI
    ) -> None:
        response = await client.get("/readyz")
        assert response.status_code == 200
        body = response.json()
        assert body["status"] == "ready"
        assert body["checks"] == [
            {"name": "database", "ok": True, "detail": "reachable"},
            {
                "name": "migrations",
                "ok": True,
                "detail": f"at head {app.state.services.migration_head}",
            },
        ]

    async def test_readyz_is_503_when_the_database_is_not_migrated(
        self, settings: Settings, tmp_path: object
    ) -> None:
        empty = create_app(
            settings.model_copy(update={"database_url": f"sqlite+aiosqlite:///{tmp_path}/empty.db"})
        )
        try:
            async with httpx.AsyncClient(
                transport=httpx.ASGITransport(app=empty), base_url="http://testserver"
            ) as http:
                response = await http.get("/readyz")
            assert response.status_code == 503
            body = response.json()
            assert body["status"] == "unavailable"
            assert body["checks"][1]["ok"] is False
            assert "head is" in body["checks"][1]["detail"]
        finally:
            await empty.state.services.database.dispose()

    async def test_readyz_is_503_when_the_database_is_unreachable(self, settings: Settings) -> None:
        down = create_app(
            settings.model_copy(
                update={"database_url": "postgresql+asyncpg://postgres@127.0.0.1:1/nowhere"}
            )
        )
        try:
            async with httpx.AsyncClient(
                transport=httpx.ASGITransport(app=down), base_url="http://testserver"
            ) as http:
                response = await http.get("/readyz")
            assert response.status_code == 503
            assert response.json()["checks"] == [
                {"name": "database", "ok": False, "detail": "unreachable (ConnectionRefusedError)"}
            ]
        finally:
            await down.state.services.database.dispose()


class TestReadinessWarnings:
    async def test_unloaded_calendar_year_and_dead_jobs_warn_without_failing(
        self, database: Database, app: FastAPI
    ) -> None:
        result = await readiness(database, app.state.services.migration_head, date(2026, 11, 23))
        assert result.status == "ready"
        assert result.warnings == [
            "working-day calendar for 2027 is not loaded: deadlines in 2027 are provisional "
            "(load it with `sanzhu calendar load-year`)"
        ]
        text = generate_latest().decode()
        assert 'sanzhu_calendar_year_missing{year="2027"} 1.0' in text
        assert 'sanzhu_calendar_year_missing{year="2026"} 0.0' in text

    async def test_loading_the_year_clears_the_warning(
        self, database: Database, app: FastAPI
    ) -> None:
        async with database.sessionmaker() as session, session.begin():
            await workdays.load_year(session, CalendarYearIn(year=2027, source="test", holidays=[]))
        result = await readiness(database, app.state.services.migration_head, date(2026, 11, 23))
        assert result.warnings == []
        assert 'sanzhu_calendar_year_missing{year="2027"} 0.0' in generate_latest().decode()

    async def test_dead_jobs_are_a_warning(self, database: Database, app: FastAPI) -> None:
        async with database.sessionmaker() as session, session.begin():
            session.add(Job(kind="x", payload={}, status="dead", attempts=8, max_attempts=8))
        result = await readiness(database, app.state.services.migration_head, date(2025, 6, 1))
        assert result.status == "ready"
        assert result.warnings == [
            "1 background job(s) failed for good (see `sanzhu jobs list --status dead`)"
        ]
