"""A create's 201 links to the operations on what it created (core/openapi_links), and following
a link through the API reaches the created object."""

from typing import Any

import httpx

from tests.api.households.ledger_http import bearer
from tests.core.contract_support import operations


def _links(document: dict[str, Any], path: str) -> dict[str, Any]:
    links: dict[str, Any] = document["paths"][path]["post"]["responses"]["201"]["links"]
    return links


def _operation(document: dict[str, Any], operation_id: str) -> tuple[str, str]:
    return next(
        (method, path)
        for path, method, operation in operations(document)
        if operation["operationId"] == operation_id
    )


def test_a_create_links_to_the_reads_and_changes_of_its_object(document: dict[str, Any]) -> None:
    households = _links(document, "/api/v1/households")
    assert households["households_get"]["parameters"] == {"household_id": "$response.body#/id"}
    assert households["households_update"]["parameters"] == {
        "household_id": "$response.body#/id",
        "header.If-Match": "$response.header.ETag",
    }
    assert households["household_incomes_get"]["parameters"] == {
        "household_id": "$response.body#/id"
    }
    members = _links(document, "/api/v1/households/{household_id}/members")
    assert members["household_members_update"]["parameters"] == {
        "household_id": "$request.path.household_id",
        "person_id": "$response.body#/person_id",
        "header.If-Match": "$response.header.ETag",
    }


def test_an_operation_needing_another_object_is_not_linked(document: dict[str, Any]) -> None:
    households = _links(document, "/api/v1/households")
    assert "household_documents_get" not in households
    assert "household_members_update" not in households


def test_every_link_names_an_operation_and_its_path_parameters(document: dict[str, Any]) -> None:
    linked = 0
    for path, _, operation in operations(document):
        for link in operation["responses"].get("201", {}).get("links", {}).values():
            method, target = _operation(document, link["operationId"])
            declared = {
                p["name"]
                for p in document["paths"][target][method]["parameters"]
                if p["in"] == "path"
            }
            named = {name for name in link["parameters"] if not name.startswith("header.")}
            assert named == declared, (path, link["operationId"])
            linked += 1
    assert linked > 20


async def test_following_a_link_reaches_the_created_object(
    pipeline_client: httpx.AsyncClient, document: dict[str, Any]
) -> None:
    admin = await bearer(pipeline_client, "admin")
    created = await pipeline_client.post(
        "/api/v1/regions", json={"code": "500112001001009", "name": "第九网格"}, headers=admin
    )
    assert created.status_code == 201, created.text
    link = _links(document, "/api/v1/regions")["regions_update"]["parameters"]
    code = created.json()[link["code"].removeprefix("$response.body#/")]
    version = created.headers[link["header.If-Match"].removeprefix("$response.header.")]
    renamed = await pipeline_client.patch(
        f"/api/v1/regions/{code}",
        json={"name": "第九网格（新）"},
        headers={**admin, "If-Match": version},
    )
    assert renamed.status_code == 200, renamed.text
    assert renamed.json()["code"] == "500112001001009"
    assert renamed.json()["name"] == "第九网格（新）"
