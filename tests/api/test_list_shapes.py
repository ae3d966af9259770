"""Every list is the same shape (issue 13): `{items, next_cursor}`, its order documented, paged
by cursor where it can grow."""

from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession

from tests.api.households.records import HOUSEHOLDS, agency_id, bearer
from tests.factories import create_demo_district, create_household

DOCUMENTS = {
    "IncomesOut",
    "ExpendituresOut",
    "AssetsOut",
    "PlanOut",
}
"""Not lists but documents a PUT replaces whole: a month range's incomes or expenditures (at
most a bounded number of months) with their totals, the asset list, and a plan version (its
`items` are the planned measures with their ids)."""


def _schema(document: dict[str, Any], schema: dict[str, Any]) -> tuple[str | None, dict[str, Any]]:
    ref = schema.get("$ref")
    if ref is None:
        return None, schema
    name = ref.rsplit("/", 1)[-1]
    found: dict[str, Any] = document["components"]["schemas"][name]
    return name, found


def test_no_route_answers_a_bare_array_and_every_list_is_a_page(document: dict[str, Any]) -> None:
    bare, pageless = [], []
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            for status, response in operation["responses"].items():
                if not status.startswith("2"):
                    continue
                content = response.get("content", {}).get("application/json")
                if content is None:
                    continue
                name, schema = _schema(document, content["schema"])
                if schema.get("type") == "array":
                    bare.append((method, path))
                properties = schema.get("properties", {})
                paged = {"items", "next_cursor"} <= set(properties)
                if "items" in properties and name not in DOCUMENTS and not paged:
                    pageless.append((method, path, name))
    assert bare == []
    assert pageless == []


def test_every_list_documents_its_order(document: dict[str, Any]) -> None:
    silent = []
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            content = operation["responses"].get("200", {}).get("content", {})
            schema = content.get("application/json", {}).get("schema", {})
            if schema.get("$ref", "").rsplit("/", 1)[-1].startswith("Page_"):
                text = f"{operation.get('summary', '')} {operation.get('description', '')}"
                if not any(word in text.lower() for word in ("order", "first", "sorted")):
                    silent.append((method, path))
    assert silent == []


@pytest.fixture
async def seeded(session: AsyncSession) -> None:
    await create_demo_district(session)


async def _pages(http: httpx.AsyncClient, url: str, headers: dict[str, str]) -> list[list[Any]]:
    pages: list[list[Any]] = []
    cursor: str | None = None
    while True:
        params: dict[str, Any] = {"limit": 1} | ({"cursor": cursor} if cursor else {})
        response = await http.get(url, params=params, headers=headers)
        assert response.status_code == 200, response.text
        pages.append(response.json()["items"])
        cursor = response.json()["next_cursor"]
        if cursor is None:
            return pages


@pytest.mark.usefixtures("seeded")
class TestPagedLists:
    async def test_assignments_newest_first_a_page_at_a_time(
        self, app: FastAPI, anonymous: httpx.AsyncClient
    ) -> None:
        home = await create_household(app)
        officer = await bearer(anonymous, "street_officer")
        url = f"{HOUSEHOLDS}/{home.id}/assignments"
        made = []
        for _ in range(3):
            response = await anonymous.post(
                url, json={"agency_id": str(await agency_id(app))}, headers=officer
            )
            assert response.status_code == 201, response.text
            made.append(response.json()["id"])

        pages = await _pages(anonymous, url, officer)

        assert [[a["id"] for a in page] for page in pages] == [[i] for i in reversed(made)]
        assert [page[0]["active"] for page in pages] == [True, False, False]

    async def test_plan_versions_newest_first_a_page_at_a_time(
        self, app: FastAPI, anonymous: httpx.AsyncClient
    ) -> None:
        home = await create_household(app)
        officer = await bearer(anonymous, "street_officer")
        url = f"{HOUSEHOLDS}/{home.id}/plan"
        etag: str | None = None
        for goals in ("第一版", "第二版", "第三版"):
            extra = {"If-Match": etag} if etag else {}
            response = await anonymous.put(url, json={"goals": goals}, headers={**officer, **extra})
            assert response.status_code in (200, 201), response.text
            etag = response.headers["etag"]

        pages = await _pages(anonymous, f"{url}/versions", officer)

        assert [[(v["revision"], v["goals"]) for v in page] for page in pages] == [
            [(3, "第三版")],
            [(2, "第二版")],
            [(1, "第一版")],
        ]

    async def test_members_come_on_one_page(
        self, app: FastAPI, anonymous: httpx.AsyncClient
    ) -> None:
        home = await create_household(
            app,
            members=[
                {"name": "张秀英", "relation_to_head": "self"},
                {"name": "李建国", "relation_to_head": "spouse"},
            ],
        )
        response = await anonymous.get(
            f"{HOUSEHOLDS}/{home.id}/members", headers=await bearer(anonymous, "street_officer")
        )
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["next_cursor"] is None
        assert [m["name"] for m in body["items"]] == ["张秀英", "李建国"]
