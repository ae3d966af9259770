"""Every error the API produces is an RFC 9457 problem (API.md)."""

import re

import httpx
import pytest

from tests.logs import tracebacks
from tests.problems import assert_problem


class TestUnknownRoute:
    async def test_is_a_404_problem_in_chinese_by_default(self, client: httpx.AsyncClient) -> None:
        body = assert_problem(await client.get("/api/v1/nothing-here"), 404, "route_not_found")
        assert body["title"] == "路径不存在"
        assert body["instance"] == "/api/v1/nothing-here"

    async def test_speaks_english_when_asked(self, client: httpx.AsyncClient) -> None:
        response = await client.get(
            "/api/v1/nothing-here", headers={"Accept-Language": "en-US,en;q=0.9"}
        )
        body = assert_problem(response, 404, "route_not_found")
        assert body["title"] == "Not found"
        assert response.headers["content-language"] == "en"


class TestWrongMethod:
    async def test_is_a_405_problem_with_allow(self, client: httpx.AsyncClient) -> None:
        response = await client.delete("/api/v1/regions")
        body = assert_problem(response, 405, "method_not_allowed")
        assert "DELETE" in str(body["detail"])
        assert response.headers["allow"] == "GET, POST"

    @pytest.mark.parametrize("method", ["DELETE", "PUT", "POST", "HEAD"])
    async def test_allow_lists_every_method_of_a_path_of_several_routes(
        self, client: httpx.AsyncClient, method: str
    ) -> None:
        path = "/api/v1/households/01936f0e-7c1a-7d4e-9a51-3f0c2b9d8e11"
        response = await client.request(method, path)
        assert response.status_code == 405
        assert response.headers["allow"] == "GET, PATCH"


class TestLanguage:
    """Problems are the localized responses: they say so to caches, and no other does."""

    async def test_every_problem_varies_by_language(self, client: httpx.AsyncClient) -> None:
        answers = [
            await client.get("/api/v1/nothing-here"),
            await client.get("/api/v1/regions?limit=0"),
            await client.delete("/api/v1/regions"),
            await client.post("/api/v1/regions", json={}),
        ]
        assert [a.status_code for a in answers] == [404, 422, 405, 403]
        for answer in answers:
            assert "Accept-Language" in answer.headers["vary"]
            assert answer.headers["content-language"] == "zh-CN"

    async def test_a_success_in_every_language_at_once_does_not(
        self, client: httpx.AsyncClient
    ) -> None:
        response = await client.get("/api/v1/dictionaries")
        assert response.status_code == 200
        assert "accept-language" not in response.headers.get("vary", "").lower()


class TestForbidden:
    @pytest.mark.parametrize("language", ["zh-CN", "en"])
    async def test_names_no_permission(self, client: httpx.AsyncClient, language: str) -> None:
        response = await client.post(
            "/api/v1/regions",
            json={"code": "500112001099", "name": "新社区", "level": "community"},
            headers={"Accept-Language": language},
        )
        body = assert_problem(response, 403, "forbidden")
        for text in (body["title"], body["detail"]):
            assert re.search(r"[a-z_]+:[a-z_]+", text) is None, text
        assert "regions" not in body["detail"]


class TestValidation:
    async def test_limit_above_maximum_is_422_not_clamped(self, client: httpx.AsyncClient) -> None:
        body = assert_problem(
            await client.get("/api/v1/regions?limit=201"), 422, "validation_failed"
        )
        assert body["errors"] == [
            {"loc": ["query", "limit"], "msg": "不能大于 200", "code": "too_large"}
        ]

    async def test_every_failed_field_is_listed(self, client: httpx.AsyncClient) -> None:
        response = await client.get("/api/v1/regions?limit=0&parent_code=abc")
        body = assert_problem(response, 422, "validation_failed")
        locations = sorted(tuple(e["loc"]) for e in body["errors"])  # type: ignore[union-attr]
        assert locations == [("query", "limit"), ("query", "parent_code")]
        assert "2" in str(body["detail"])

    async def test_malformed_json_is_a_400_problem(
        self, pipeline_client: httpx.AsyncClient
    ) -> None:
        response = await pipeline_client.post(
            "/_test/organizations",
            content=b"{not json",
            headers={"content-type": "application/json"},
        )
        assert_problem(response, 400, "malformed_body")

    async def test_missing_body_field_is_422(self, pipeline_client: httpx.AsyncClient) -> None:
        body = assert_problem(
            await pipeline_client.post("/_test/organizations", json={}), 422, "validation_failed"
        )
        assert body["errors"][0]["loc"] == ["body", "name"]  # type: ignore[index]


HTTP_STATUSES = {
    400: "malformed_body",
    401: "unauthorized",
    403: "http_error",
    404: "route_not_found",
    408: "http_error",
    409: "http_error",
    429: "http_error",
    451: "http_error",
    499: "http_error",
    503: "http_error",
}


class TestEveryHttpStatus:
    """Whatever status Starlette or FastAPI raise becomes a problem of that status, never a 500."""

    async def test_is_a_problem_of_that_status(
        self, pipeline_client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
    ) -> None:
        for status, code in HTTP_STATUSES.items():
            response = await pipeline_client.get(
                f"/_test/http/{status}", headers={"Accept-Language": "en"}
            )
            body = assert_problem(response, status, code)
            if code == "http_error":
                assert str(status) in body["detail"]
        assert tracebacks(caplog) == []

    async def test_401_asks_for_a_bearer_token(self, pipeline_client: httpx.AsyncClient) -> None:
        response = await pipeline_client.get("/_test/http/401")
        assert response.headers["www-authenticate"] == "Bearer"


class TestUnexpectedFailure:
    async def test_is_a_generic_500_with_request_id_and_no_internals(
        self, pipeline_client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
    ) -> None:
        response = await pipeline_client.get("/_test/boom", headers={"X-Request-ID": "trace-500"})
        body = assert_problem(response, 500, "internal_error")
        assert body["request_id"] == "trace-500"
        assert "SELECT" not in response.text
        assert "secret" not in response.text
        assert "Traceback" not in response.text
        logged = [r for r in caplog.records if r.exc_info and r.exc_info[0] is RuntimeError]
        assert len(logged) == 1

    async def test_security_headers_are_on_500s_too(
        self, pipeline_client: httpx.AsyncClient
    ) -> None:
        response = await pipeline_client.get("/_test/boom")
        assert response.headers["x-content-type-options"] == "nosniff"


class TestAppErrors:
    async def test_not_found_names_the_object_in_the_language(
        self, pipeline_client: httpx.AsyncClient
    ) -> None:
        zh = assert_problem(await pipeline_client.get("/_test/missing"), 404, "not_found")
        en = assert_problem(
            await pipeline_client.get("/_test/missing", headers={"Accept-Language": "en"}),
            404,
            "not_found",
        )
        assert "区划" in str(zh["detail"])
        assert "region" in str(en["detail"])


class TestBodyLimits:
    async def test_declared_oversize_body_is_413(self, pipeline_client: httpx.AsyncClient) -> None:
        response = await pipeline_client.post("/_test/small", json={"note": "x" * 100})
        body = assert_problem(response, 413, "payload_too_large")
        assert "64" in str(body["detail"])

    async def test_undeclared_oversize_body_is_413(
        self, pipeline_client: httpx.AsyncClient
    ) -> None:
        async def chunks():  # type: ignore[no-untyped-def]
            for _ in range(10):
                yield b'{"note": "' + b"x" * 20

        response = await pipeline_client.post(
            "/_test/small", content=chunks(), headers={"content-type": "application/json"}
        )
        assert_problem(response, 413, "payload_too_large")

    async def test_body_within_limit_passes(self, pipeline_client: httpx.AsyncClient) -> None:
        response = await pipeline_client.post("/_test/small", json={"note": "short"})
        assert response.status_code == 200
        assert response.json() == {"note": "short"}

    async def test_upload_over_its_route_limit_is_413(
        self, pipeline_client: httpx.AsyncClient
    ) -> None:
        response = await pipeline_client.post(
            "/_test/upload", files={"file": ("a.csv", b"x" * 2048)}
        )
        assert_problem(response, 413, "payload_too_large")

    async def test_upload_within_its_route_limit_passes(
        self, pipeline_client: httpx.AsyncClient
    ) -> None:
        response = await pipeline_client.post(
            "/_test/upload", files={"file": ("a.csv", b"x" * 100)}
        )
        assert response.json() == {"size": 100}

    async def test_default_limit_applies_to_routes_without_one(
        self, pipeline_client: httpx.AsyncClient
    ) -> None:
        response = await pipeline_client.post(
            "/_test/organizations", json={"name": "x" * 1_100_000}
        )
        assert_problem(response, 413, "payload_too_large")


class TestMediaType:
    async def test_json_route_refuses_form_data_with_415(
        self, pipeline_client: httpx.AsyncClient
    ) -> None:
        response = await pipeline_client.post("/_test/small", data={"note": "x"})
        body = assert_problem(response, 415, "unsupported_media_type")
        assert "application/json" in str(body["detail"])

    async def test_json_suffix_media_types_are_accepted(
        self, pipeline_client: httpx.AsyncClient
    ) -> None:
        response = await pipeline_client.post(
            "/_test/small",
            content=b'{"note": "x"}',
            headers={"content-type": "application/merge-patch+json"},
        )
        assert response.json() == {"note": "x"}


class TestPreconditions:
    async def test_missing_if_match_is_428(self, pipeline_client: httpx.AsyncClient) -> None:
        response = await pipeline_client.patch("/_test/versioned/3", json={"note": "x"})
        assert_problem(response, 428, "if_match_required")

    async def test_missing_if_match_is_428_whatever_else_is_wrong(
        self, pipeline_client: httpx.AsyncClient
    ) -> None:
        response = await pipeline_client.patch("/_test/versioned/3", json={"other": 1})
        assert_problem(response, 428, "if_match_required")

    async def test_stale_if_match_is_412_naming_the_current_version(
        self, pipeline_client: httpx.AsyncClient
    ) -> None:
        response = await pipeline_client.patch(
            "/_test/versioned/3", json={"note": "x"}, headers={"If-Match": 'W/"2"'}
        )
        body = assert_problem(response, 412, "version_mismatch")
        assert "3" in str(body["detail"])

    async def test_current_if_match_passes_and_returns_the_new_etag(
        self, pipeline_client: httpx.AsyncClient
    ) -> None:
        response = await pipeline_client.patch(
            "/_test/versioned/3", json={"note": "x"}, headers={"If-Match": 'W/"3"'}
        )
        assert response.json() == {"version": 4}
        assert response.headers["etag"] == 'W/"4"'

    async def test_strong_etag_form_is_accepted(self, pipeline_client: httpx.AsyncClient) -> None:
        response = await pipeline_client.patch(
            "/_test/versioned/3", json={"note": "x"}, headers={"If-Match": '"3"'}
        )
        assert response.status_code == 200
