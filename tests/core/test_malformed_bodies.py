"""Malformed bodies sent to every write route answer a 4xx problem, never a 500.

The routes are enumerated from the app, so a new write route is fuzzed
without a change here; each is called as a role that may call it (from the
permission matrix), or anonymously where it is public, so the body is what
is refused and not the caller.
"""

import logging
import re
import uuid

import httpx
import pytest
from fastapi import FastAPI
from fastapi.params import Form
from fastapi.routing import APIRoute, iter_route_contexts
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.permissions import Role
from tests.api.test_permission_matrix import EXPECTED, PATH_VALUES, PUBLIC
from tests.conftest import sign_in
from tests.factories import DEMO_PASSWORD, create_demo_district
from tests.logs import tracebacks
from tests.problems import PROBLEM_MEDIA_TYPE, assert_problem

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
JSON = "application/json"
DEPTH = 100_000

# Bodies no JSON route may accept: each is a 400 malformed_body.
MALFORMED: dict[str, bytes] = {
    "invalid_utf8": b'{"name": "\xff\xfe\xfd"}',
    "overlong_utf8": b'{"name": "\xc0\xaf"}',
    "truncated": b'{"name": "abc',
    "trailing_garbage": b'{"name": "abc"} x',
    "deep_array": b"[" * DEPTH,
    "deep_closed_array": b"[" * DEPTH + b"]" * DEPTH,
    "deep_object": b'{"a":' * DEPTH + b"1" + b"}" * DEPTH,
    "nesting_within_the_recursion_limit": b'{"a":' * 500 + b"1" + b"}" * 500,
    "nan": b'{"name": NaN}',
    "infinity": b'{"amount": Infinity}',
    "overflowing_float": b'{"amount": 1e999}',
    "minus_infinity": b'{"amount": -Infinity}',
    "lone_high_surrogate": b'{"name": "\\ud800"}',
    "lone_low_surrogate": b'{"name": "x\\udfff"}',
    "surrogate_in_a_key": b'{"\\udc00": 1}',
    "escaped_nul": b'{"name": "a\\u0000b"}',
    "raw_control_character": b'{"name": "a\x01b"}',
    "duplicate_keys": b'{"name": "a", "name": "b"}',
    "huge_integer": b'{"n": 1' + b"0" * 5000 + b"}",
    "byte_order_mark": b'\xef\xbb\xbf{"name": "a"}',
    "single_quotes": b"{'name': 'a'}",
}
# Well-formed JSON of the wrong shape: a validation problem.
WRONG_SHAPE: dict[str, bytes] = {
    "scalar_number": b"42",
    "scalar_string": b'"household"',
    "null": b"null",
    "array": b"[]",
}


def _write_routes(app: FastAPI) -> list[tuple[str, str, bool]]:
    """(method, path template, takes JSON) of every write route with a body."""
    found = set()
    for context in iter_route_contexts(app.routes):
        route = context.original_route
        if not isinstance(route, APIRoute):
            continue
        # An upload reads its body itself and declares it in `openapi_extra`.
        reads_its_body = "requestBody" in (route.openapi_extra or {})
        if route.body_field is None and not reads_its_body:
            continue
        takes_json = route.body_field is not None and not isinstance(
            route.body_field.field_info, Form
        )
        for method in (context.methods or set()) & WRITE_METHODS:
            found.add((method, str(context.path_format), takes_json))
    return sorted(found)


@pytest.fixture
async def callers(anonymous: httpx.AsyncClient, session: AsyncSession) -> dict[str, str]:
    """An access token for each role that signs in with a password."""
    await create_demo_district(session)
    issued = {
        role.value: await sign_in(anonymous, role.value) for role in Role if role.value != "partner"
    }
    response = await anonymous.post(
        "/api/v1/auth/token",
        data={"grant_type": "client_credentials"},
        auth=("red-cross", DEMO_PASSWORD),
    )
    issued[Role.partner.value] = response.json()["access_token"]
    return issued


def _caller(method: str, path: str) -> str | None:
    allowed = EXPECTED[(method, path)]
    if allowed == PUBLIC:
        return None
    assert not isinstance(allowed, str)
    people = sorted(role.value for role in allowed if role is not Role.partner)
    return people[0] if people else Role.partner.value


async def test_every_write_route_refuses_every_malformed_body_with_a_problem(
    app: FastAPI,
    anonymous: httpx.AsyncClient,
    callers: dict[str, str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.WARNING)
    routes = _write_routes(app)
    assert len([r for r in routes if r[2]]) >= 20, routes
    failures: list[str] = []
    for method, path, takes_json in routes:
        role = _caller(method, path)
        # A version, so that a PATCH gets as far as its body.
        # A fresh key too: a route that requires one answers 400 without it.
        auth = {"If-Match": '"1"', "Idempotency-Key": uuid.uuid4().hex}
        if role:
            auth["Authorization"] = f"Bearer {callers[role]}"
        url = path.format(**PATH_VALUES)
        cases: list[tuple[str, bytes, dict[str, str], int | None, str | None]] = [
            (name, body, {"content-type": JSON}, 400, "malformed_body")
            for name, body in MALFORMED.items()
        ]
        cases += [
            (name, body, {"content-type": JSON}, 422, "validation_failed")
            for name, body in WRONG_SHAPE.items()
        ]
        cases += [
            ("text_plain", b'{"name": "a"}', {"content-type": "text/plain"}, 415, None),
            ("no_content_type", b'{"name": "a"}', {}, 415, None),
            (
                "form_instead_of_json",
                b"name=a",
                {"content-type": "application/x-www-form-urlencoded"},
                415,
                None,
            ),
            ("empty_json", b"", {"content-type": JSON}, None, None),
            (
                "broken_multipart",
                b'--x\r\nContent-Disposition: form-data; name="file"\r\n\r\nabc',
                {"content-type": "multipart/form-data; boundary=x"},
                None,
                None,
            ),
            (
                "multipart_without_boundary",
                b"abc",
                {"content-type": "multipart/form-data"},
                None,
                None,
            ),
        ]
        for name, body, headers, status, code in cases:
            response = await anonymous.request(
                method, url, content=body, headers={**auth, **headers}
            )
            label = f"{method} {path} [{name}] as {role or 'anonymous'}: {response.status_code}"
            if not 400 <= response.status_code < 500:
                failures.append(f"{label} {response.text[:120]}")
                continue
            if not response.headers.get("content-type", "").startswith(PROBLEM_MEDIA_TYPE):
                failures.append(f"{label} not a problem")
                continue
            if takes_json and status is not None:
                expected_code = code or {415: "unsupported_media_type"}[status]
                if (response.status_code, response.json()["code"]) != (status, expected_code):
                    failures.append(
                        f"{label} {response.json()['code']}, expected {status} {expected_code}"
                    )
                    continue
            assert_problem(response, response.status_code, response.json()["code"])
    assert failures == [], "\n".join(failures)
    assert tracebacks(caplog) == []


async def test_a_malformed_body_is_answered_in_the_callers_language(
    anonymous: httpx.AsyncClient,
) -> None:
    response = await anonymous.post(
        "/api/v1/auth/refresh",
        content=b"[" * DEPTH,
        headers={"content-type": JSON, "Accept-Language": "en"},
    )
    body = assert_problem(response, 400, "malformed_body")
    assert body["title"] == "Malformed request body"
    assert not re.search(r"Traceback|Recursion|File \"", response.text)
