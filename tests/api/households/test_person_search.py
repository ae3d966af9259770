"""Finding a person by ID number through the blind index (DOMAIN 4); the number is never stored in clear.

Who may search at all, the budget of lookups and the audit of each: test_id_number_oracles.py.
"""

import hashlib
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.audit import AuditEvent
from app.core.config import Settings
from app.households.models import Person
from tests.api.households.ledger_http import bearer, fetch, user_id
from tests.factories import create_demo_district, create_household, id_number
from tests.problems import assert_invalid

SEARCH_URL = "/api/v1/persons/search"


@pytest.fixture(autouse=True)
async def seeded(session: AsyncSession) -> None:
    await create_demo_district(session)


async def _search(http: httpx.AsyncClient, username: str, number: str) -> httpx.Response:
    return await http.post(
        SEARCH_URL, json={"id_number": number}, headers=await bearer(http, username)
    )


async def _household_of(app: FastAPI, number: str, name: str = "张秀英") -> Any:
    return await create_household(
        app, members=[{"name": name, "relation_to_head": "self", "id_number": number}]
    )


def _ending_in_x() -> str:
    return next(n for n in (id_number() for _ in range(100)) if n.endswith("X"))


async def test_a_street_officer_finds_the_person_and_household(
    app: FastAPI, anonymous: httpx.AsyncClient
) -> None:
    number = _ending_in_x()
    home = await _household_of(app, number)
    response = await _search(anonymous, "street_officer", number.lower())
    assert response.status_code == 200, response.text
    assert response.json()["next_cursor"] is None
    assert response.json()["items"] == [
        {
            "person_id": str(home.head_person_id),
            "household_id": str(home.id),
            "region_code": "500112001001001",
            "name": "张秀英",
        }
    ]


async def test_out_of_scope_or_unknown_finds_nothing(
    app: FastAPI, anonymous: httpx.AsyncClient
) -> None:
    number = id_number()
    await _household_of(app, number)
    other_street = await _search(anonymous, "street_officer_2", number)
    assert (other_street.status_code, other_street.json()["items"]) == (200, [])
    unknown = await _search(anonymous, "street_officer", id_number())
    assert (unknown.status_code, unknown.json()["items"]) == (200, [])


async def test_a_person_who_left_every_household_is_not_found(
    app: FastAPI, anonymous: httpx.AsyncClient
) -> None:
    number = id_number()
    home = await _household_of(app, number)
    headers = await bearer(anonymous, "street_officer")
    removed = await anonymous.delete(
        f"/api/v1/households/{home.id}/members/{home.head_person_id}?reason=moved_out",
        headers=headers,
    )
    assert removed.status_code == 204
    assert (await _search(anonymous, "street_officer", number)).json()["items"] == []


@pytest.mark.parametrize(
    ("number", "code"),
    [
        ("50011219500315002", "id_number_length"),
        ("5001121950031500270", "id_number_length"),
        ("50011219500315002A", "id_number_format"),
        ("500112195003150028", "id_number_checksum"),
        ("500112195002300021", "id_number_birth_date"),
        ("500112209901010010", "id_number_birth_date"),
    ],
)
async def test_an_invalid_id_number_names_the_rule(
    anonymous: httpx.AsyncClient, number: str, code: str
) -> None:
    assert_invalid(await _search(anonymous, "street_officer", number), ["body", "id_number"], code)


async def test_every_search_is_audited(app: FastAPI, anonymous: httpx.AsyncClient) -> None:
    number = id_number()
    await _household_of(app, number)
    await _search(anonymous, "street_officer", number)
    await _search(anonymous, "street_officer_2", number)
    events = await fetch(
        app,
        select(
            AuditEvent.actor, AuditEvent.outcome, AuditEvent.object_type, AuditEvent.object_id
        ).where(AuditEvent.action == "person.search"),
    )
    actors = [f"user:{await user_id(app, n)}" for n in ("street_officer", "street_officer_2")]
    index = app.state.services.vault.index(number)
    assert sorted(tuple(e) for e in events) == sorted(
        (a, "success", "id_number_index", index) for a in actors
    )
    assert number not in str(await fetch(app, select(AuditEvent)))


async def test_the_id_number_is_stored_only_encrypted_and_hashed_with_a_key(
    app: FastAPI, anonymous: httpx.AsyncClient, settings: Settings
) -> None:
    number = id_number()
    home = await _household_of(app, number)
    added = await anonymous.patch(
        f"/api/v1/households/{home.id}/members/{home.head_person_id}",
        json={"phone": "13800000000"},
        headers={**await bearer(anonymous, "street_officer"), "If-Match": 'W/"1"'},
    )
    assert added.status_code == 200, added.text
    for table in ("persons", "household_members", "household_changes", "audit_events"):
        rows = await fetch(app, text(f"SELECT * FROM {table}"))  # noqa: S608 - fixed names
        assert rows, table
        assert number not in repr(rows), table
    [(cipher, key_id, index)] = await fetch(
        app, select(Person.id_number_cipher, Person.id_number_key_id, Person.id_number_index)
    )
    assert cipher.startswith(f"{key_id}:")
    assert app.state.services.vault.open(cipher) == number
    assert index == settings.id_number_vault().index(number)
    assert index != hashlib.sha256(number.encode()).hexdigest()
    assert index != hashlib.sha256(f"person.id_number\x00{number}".encode()).hexdigest()
    assert index != settings.id_number_vault().index(id_number())
