"""Security headers, CORS, allowed hosts, trailing slashes and the offline API docs."""

import re

import httpx
import pytest
from starlette.types import Receive, Scope, Send

from app.core.config import Settings
from app.core.http_middleware import API_CSP, RequestContextMiddleware, SecurityHeadersMiddleware
from app.main import create_app
from tests.problems import assert_problem


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
        async with httpx.AsyncClient(
            transport=transport, base_url="http://testserver"
        ) as anonymous:
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
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
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


class TestAllowedHosts:
    async def test_an_unknown_host_is_a_400_problem(self, client: httpx.AsyncClient) -> None:
        response = await client.get("/api/v1/regions", headers={"Host": "evil.example"})
        body = assert_problem(response, 400, "host_not_allowed")
        assert "evil.example" not in response.text
        assert body["request_id"] == response.headers["x-request-id"]
        assert response.headers["content-security-policy"] == API_CSP

    @pytest.mark.parametrize(
        "host", ["testserver", "localhost:8000", "127.0.0.1:8000", "[::1]:8000", "LOCALHOST."]
    )
    async def test_the_development_names_are_answered(
        self, client: httpx.AsyncClient, host: str
    ) -> None:
        response = await client.get("/api/v1/regions", headers={"Host": host})
        assert response.status_code == 200

    @pytest.mark.parametrize("host", ["127.0.0.1.evil.example", "localhost@evil.example", ""])
    async def test_names_that_only_look_allowed_are_refused(
        self, client: httpx.AsyncClient, host: str
    ) -> None:
        response = await client.get("/api/v1/regions", headers={"Host": host})
        assert_problem(response, 400, "host_not_allowed")

    async def test_two_host_headers_are_refused(self, client: httpx.AsyncClient) -> None:
        response = await client.get(
            "/api/v1/regions", headers=[("Host", "testserver"), ("Host", "evil.example")]
        )
        assert_problem(response, 400, "host_not_allowed")

    async def test_configured_names_and_subdomain_wildcards(self, settings: Settings) -> None:
        app = create_app(
            settings.model_copy(update={"allowed_hosts": ["ledger.example.cn", "*.example.org"]})
        )
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
            statuses = {
                host: (await http.get("/api/v1/dictionaries", headers={"Host": host})).status_code
                for host in ("ledger.example.cn", "a.example.org", "example.org", "testserver")
            }
        await app.state.services.database.dispose()
        assert statuses == {
            "ledger.example.cn": 200,
            "a.example.org": 200,
            "example.org": 400,
            "testserver": 400,
        }

    @pytest.mark.parametrize("path", ["/healthz", "/readyz", "/metrics"])
    async def test_probes_answer_whatever_host_an_orchestrator_names(
        self, client: httpx.AsyncClient, path: str
    ) -> None:
        response = await client.get(path, headers={"Host": "10.1.2.3:8000"})
        assert response.status_code == 200


class TestTrailingSlash:
    async def test_a_stray_slash_is_a_404_naming_the_path_without_a_redirect(
        self, client: httpx.AsyncClient
    ) -> None:
        response = await client.get(
            "/api/v1/regions/", headers={"Host": "localhost", "Accept-Language": "en"}
        )
        body = assert_problem(response, 404, "route_not_found")
        assert "location" not in response.headers
        assert body["detail"] == "No endpoint answers at this path. Did you mean /api/v1/regions?"

    async def test_the_hint_is_in_chinese_by_default(self, client: httpx.AsyncClient) -> None:
        response = await client.post("/api/v1/auth/token/")
        body = assert_problem(response, 404, "route_not_found")
        assert "location" not in response.headers
        assert body["detail"] == "没有这个接口路径。您是否要访问 /api/v1/auth/token？"

    async def test_no_host_reaches_a_location_header(self, client: httpx.AsyncClient) -> None:
        for path in ("/api/v1/regions/", "/api/v1/dictionaries/", "/healthz/", "/docs/"):
            response = await client.get(path, headers={"Host": "evil.example"})
            assert response.status_code in (400, 404)
            assert "evil.example" not in str(response.headers)

    async def test_an_unknown_path_has_no_hint(self, client: httpx.AsyncClient) -> None:
        response = await client.get("/api/v1/nothing/", headers={"Accept-Language": "en"})
        body = assert_problem(response, 404, "route_not_found")
        assert body["detail"] == "No endpoint answers at this path."
