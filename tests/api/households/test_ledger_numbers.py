"""Ledger numbers (一户一档): one per household, per district and year, on every creation path."""

import asyncio
import re
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import event, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.clock import business_today
from app.households.models import Household, LedgerNumberCounter
from app.households.record import numbers
from tests.api.households.ledger_http import bearer, exit_household, fetch, household
from tests.api.imports.conftest import csv_file, person, run_jobs, upload
from tests.factories import GRID_A1_1, GRID_B1_1, create_demo_district, create_household, id_number
from tests.problems import assert_invalid

HOUSEHOLDS = "/api/v1/households"


@pytest.fixture(autouse=True)
async def seeded(session: AsyncSession) -> None:
    await create_demo_district(session)


def _number(sequence: int) -> str:
    return f"500112-{business_today().year}-{sequence:06d}"


def _body(**fields: Any) -> dict[str, Any]:
    return {
        "region_code": GRID_A1_1,
        "address": "龙湖社区 1 栋",
        "members": [{"name": "张秀英", "id_number": id_number(), "relation_to_head": "self"}],
        **fields,
    }


class TestAssignment:
    async def test_households_are_numbered_in_order_and_shown_everywhere(
        self, app: FastAPI, anonymous: httpx.AsyncClient
    ) -> None:
        headers = await bearer(anonymous, "street_officer")
        first = await anonymous.post(HOUSEHOLDS, json=_body(), headers=headers)
        second = await anonymous.post(HOUSEHOLDS, json=_body(), headers=headers)
        assert (first.json()["ledger_number"], second.json()["ledger_number"]) == (
            _number(1),
            _number(2),
        )
        record = await household(anonymous, headers, first.json()["id"])
        assert record["ledger_number"] == _number(1)
        listed = await anonymous.get(HOUSEHOLDS, headers=headers)
        assert {h["ledger_number"] for h in listed.json()["items"]} == {_number(1), _number(2)}

    async def test_a_failed_creation_takes_no_number_and_numbers_never_repeat(
        self, app: FastAPI, anonymous: httpx.AsyncClient
    ) -> None:
        """A refused creation gives its number back with its transaction (nobody saw it);
        an exited household keeps its number and the next one is new."""
        headers = await bearer(anonymous, "street_officer")
        taken = id_number()
        member = {"name": "张秀英", "id_number": taken, "relation_to_head": "self"}
        first = await anonymous.post(HOUSEHOLDS, json=_body(members=[member]), headers=headers)
        again = await anonymous.post(HOUSEHOLDS, json=_body(members=[member]), headers=headers)
        assert again.status_code == 409, again.text
        exited = await exit_household(anonymous, first.json()["id"])
        assert (exited.json()["status"], exited.json()["ledger_number"]) == ("exited", _number(1))
        later = await anonymous.post(HOUSEHOLDS, json=_body(), headers=headers)
        assert later.json()["ledger_number"] == _number(2)

    async def test_the_other_street_counts_in_the_same_district(self, app: FastAPI) -> None:
        a = await create_household(app)
        b = await create_household(app, region=GRID_B1_1)
        assert (a.ledger_number, b.ledger_number) == (_number(1), _number(2))

    async def test_concurrent_creations_get_distinct_consecutive_numbers(
        self, app: FastAPI, anonymous: httpx.AsyncClient
    ) -> None:
        headers = await bearer(anonymous, "street_officer")
        responses = await asyncio.gather(
            *(anonymous.post(HOUSEHOLDS, json=_body(), headers=headers) for _ in range(6))
        )
        assert [r.status_code for r in responses] == [201] * 6
        assert sorted(r.json()["ledger_number"] for r in responses) == [
            _number(n) for n in range(1, 7)
        ]
        [(counter,)] = await fetch(app, select(LedgerNumberCounter.last_value))
        assert counter == 6

    async def test_an_import_takes_a_block_in_one_statement(
        self, app: FastAPI, anonymous: httpx.AsyncClient
    ) -> None:
        """A batch of households costs one counter statement per district and year."""
        headers = await bearer(anonymous, "street_officer")
        assert (await anonymous.post(HOUSEHOLDS, json=_body(), headers=headers)).status_code == 201
        rows = [person(f"F{n}") for n in range(5)] + [person("B1", region=GRID_B1_1)]
        token = headers["Authorization"].removeprefix("Bearer ")
        uploaded = await upload(anonymous, token, csv_file(rows))
        assert uploaded.status_code == 202, uploaded.text
        statements: list[str] = []

        def count(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
            if "ledger_number_counters" in statement:
                statements.append(statement)

        engine = app.state.services.database.engine.sync_engine
        event.listen(engine, "before_cursor_execute", count)
        try:
            await run_jobs(app)
        finally:
            event.remove(engine, "before_cursor_execute", count)
        found = await fetch(app, select(Household.ledger_number).order_by(Household.ledger_number))
        # The street officer's file holds street A's households only; B1 failed.
        assert [n for (n,) in found] == [_number(n) for n in range(1, 7)]
        assert len(statements) == 1


class TestFilter:
    async def test_finds_exactly_one_household_in_scope(
        self, app: FastAPI, anonymous: httpx.AsyncClient
    ) -> None:
        mine = await create_household(app)
        await create_household(app)
        theirs = await create_household(app, region=GRID_B1_1)
        headers = await bearer(anonymous, "street_officer")
        found = await anonymous.get(
            HOUSEHOLDS, params={"ledger_number": mine.ledger_number}, headers=headers
        )
        assert [h["id"] for h in found.json()["items"]] == [str(mine.id)]
        other = await anonymous.get(
            HOUSEHOLDS, params={"ledger_number": theirs.ledger_number}, headers=headers
        )
        assert other.json()["items"] == []

    async def test_a_malformed_number_is_422(self, anonymous: httpx.AsyncClient) -> None:
        headers = await bearer(anonymous, "street_officer")
        response = await anonymous.get(
            HOUSEHOLDS, params={"ledger_number": "500112-26-1"}, headers=headers
        )
        assert_invalid(response, ["query", "ledger_number"])


class TestRules:
    def test_the_year_of_entry_is_shanghai_s(self) -> None:
        assert numbers.entry_year(datetime(2026, 12, 31, 15, 59, tzinfo=UTC)) == 2026
        assert numbers.entry_year(datetime(2026, 12, 31, 16, 0, tzinfo=UTC)) == 2027

    @given(
        district=st.from_regex(r"\d{6}", fullmatch=True),
        year=st.integers(2000, 2999),
        sequence=st.integers(1, 10**8),
    )
    def test_every_number_has_the_shape_and_orders_within_six_digits(
        self, district: str, year: int, sequence: int
    ) -> None:
        number = numbers.format_number(district, year, sequence)
        assert numbers.is_ledger_number(number)
        assert re.fullmatch(rf"{district}-{year}-0*{sequence}", number)
        if sequence < 10**6:
            assert number < numbers.format_number(district, year, sequence + 1)
