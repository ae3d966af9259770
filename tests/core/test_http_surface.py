"""Security headers, CORS and the offline API docs."""

import re

import httpx
from starlette.types import Receive, Scope, Send

from app.core.config import Settings
from app.core.http_middleware import RequestContextMiddleware, SecurityHeadersMiddleware
from app.main import create_app


class TestSecurityHeaders:
    async def test_api_responses_get_a_strict_policy_and_no_caching(
        self, client: httpx.AsyncClient
    ) -> None:
        response = await client.get("/api/v1/regions")
        assert response.headers["content-security-policy"].startswith("default-src 'none'")
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["x-frame-options"] == "DENY"
        assert response.headers["referrer-policy"] == "no-referrer"
        assert response.headers["cache-control"] == "no-store"

    async def test_docs_get_a_policy_that_lets_their_own_scripts_run(
        self, client: httpx.AsyncClient
    ) -> None:
        response = await client.get("/docs")
        policy = response.headers["content-security-policy"]
        assert "script-src 'self'" in policy
        assert "default-src 'self'" in policy

    async def test_no_hsts_outside_production(self, client: httpx.AsyncClient) -> None:
        response = await client.get("/healthz")
        assert "strict-transport-security" not in response.headers


class TestCors:
    async def test_configured_origin_is_allowed(self, client: httpx.AsyncClient) -> None:
        response = await client.options(
            "/api/v1/regions",
            headers={"Origin": "https://ledger.example.cn", "Access-Control-Request-Method": "GET"},
        )
        assert response.headers["access-control-allow-origin"] == "https://ledger.example.cn"
        assert response.headers["access-control-allow-credentials"] == "true"

    async def test_other_origins_are_not(self, client: httpx.AsyncClient) -> None:
        response = await client.get(
            "/api/v1/regions", headers={"Origin": "https://evil.example.com"}
        )
        assert "access-control-allow-origin" not in response.headers

    async def test_without_configured_origins_no_origin_is_allowed(
        self, settings: Settings
    ) -> None:
        app = create_app(settings.model_copy(update={"cors_origins": []}))
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as anonymous:
            preflight = await anonymous.options(
                "/api/v1/regions",
                headers={
                    "Origin": "https://ledger.example.cn",
                    "Access-Control-Request-Method": "GET",
                },
            )
            simple = await anonymous.get("/healthz", headers={"Origin": "https://a.example.cn"})
        assert "access-control-allow-origin" not in preflight.headers
        assert simple.status_code == 200
        assert "access-control-allow-origin" not in simple.headers


class TestHeadersAlreadySet:
    async def test_a_header_the_response_set_is_kept_and_not_repeated(self) -> None:
        async def endpoint(_scope: Scope, _receive: Receive, send: Send) -> None:
            await send(
                {
                    "type": "http.response.start",
                    "status": 200,
                    "headers": [(b"cache-control", b"max-age=60"), (b"x-request-id", b"inner")],
                }
            )
            await send({"type": "http.response.body", "body": b"{}"})

        app = RequestContextMiddleware(SecurityHeadersMiddleware(endpoint, hsts=True))
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
            response = await http.get("/x", headers={"X-Request-ID": "given-1"})
        names = [name.lower() for name, _ in response.headers.raw]
        assert response.headers["cache-control"] == "max-age=60"
        assert names.count(b"cache-control") == 1
        assert response.headers["x-request-id"] == "given-1"
        assert names.count(b"x-request-id") == 1
        assert response.headers["strict-transport-security"].startswith("max-age=")
        assert response.headers["x-frame-options"] == "DENY"


class TestDocs:
    async def test_swagger_ui_loads_only_local_assets(self, client: httpx.AsyncClient) -> None:
        html = (await client.get("/docs")).text
        assets = re.findall(r'(?:src|href)="([^"]+)"', html)
        assert assets, html
        assert all(a.startswith("/static/docs/") for a in assets), assets
        assert "https://" not in html
        assert "http://" not in html

    async def test_redoc_loads_only_local_assets(self, client: httpx.AsyncClient) -> None:
        html = (await client.get("/redoc")).text
        assert "/static/docs/redoc.standalone.js" in html
        assert "https://" not in html
        assert "http://" not in html

    async def test_assets_are_served(self, client: httpx.AsyncClient) -> None:
        for asset in ("swagger-ui-bundle.js", "swagger-ui.css", "redoc.standalone.js"):
            response = await client.get(f"/static/docs/{asset}")
            assert response.status_code == 200
            assert len(response.content) > 10_000

    async def test_openapi_is_public_json(self, client: httpx.AsyncClient) -> None:
        response = await client.get("/openapi.json")
        assert response.json()["info"]["title"] == "Sanzhu"
