"""Assertions on RFC 9457 problem responses (API.md, "Errors")."""

from typing import Any

import httpx

PROBLEM_MEDIA_TYPE = "application/problem+json"


def assert_problem(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    """The response is a complete problem+json of `status` and `code`; returns its body."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM_MEDIA_TYPE)
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    assert body["code"] == code
    assert body["type"] == f"urn:sanzhu:problem:{code}"
    assert body["title"]
    assert body["detail"]
    assert body["instance"] == response.request.url.path
    assert body["request_id"] == response.headers["x-request-id"]
    assert "items" not in body
    return body


def assert_invalid(
    response: httpx.Response, loc: list[str | int], code: str | None = None
) -> dict[str, Any]:
    """A 422 whose first field error is at `loc` (and has `code`, when given)."""
    body = assert_problem(response, 422, "validation_failed")
    assert body["errors"], body
    assert body["errors"][0]["loc"] == loc, body["errors"]
    if code is not None:
        assert body["errors"][0]["code"] == code, body["errors"]
    return body


COMPARED_HEADERS = ("content-type", "content-language", "etag", "location", "retry-after")
REQUEST_SPECIFIC = ("instance", "request_id")


def comparable(response: httpx.Response) -> tuple[int, Any, dict[str, str | None]]:
    """What two answers must share to tell nothing apart (a foreign id answered as a random
    one): the status, the body less its request-specific members, and the headers that could
    carry what exists."""
    body = response.json() if response.content else None
    if isinstance(body, dict):
        body = {k: v for k, v in body.items() if k not in REQUEST_SPECIFIC}
    return (
        response.status_code,
        body,
        {name: response.headers.get(name) for name in COMPARED_HEADERS},
    )
