"""A person added by another request between the duplicate check and the batch INSERT."""

import uuid

import httpx
from fastapi import FastAPI

from app.core.config import Settings
from app.imports import processing
from app.imports.parsing import HouseholdReader
from app.imports.sources import data_rows, find_layout, open_rows
from tests.api.imports.conftest import csv_file, person, upload
from tests.factories import create_household, id_number


async def test_only_the_household_that_collides_fails(
    anonymous: httpx.AsyncClient, app: FastAPI, settings: Settings, worker_token: str
) -> None:
    number = id_number()
    rows = [person("H1"), person("H2", name="李四", number=number), person("H3")]
    response = await upload(anonymous, worker_token, csv_file(rows))
    import_id = uuid.UUID(response.json()["id"])
    run = await processing.start(app.state.services, import_id)
    assert run is not None
    reader = HouseholdReader(run.codes, run.vault, run.origin.today)
    with open_rows(run.path, "csv", "utf-8") as lines:
        drafts = list(reader.households(data_rows(lines, find_layout(lines))))
    batch = await processing.prepare(run, drafts)
    assert [d.key for d in batch.valid] == ["H1", "H2", "H3"]
    # The batch is checked and ready; then another request enrols H2's person.
    await create_household(
        app, members=[{"name": "李四", "id_number": number, "relation_to_head": "self"}]
    )
    async with run.sessions() as session, session.begin():
        written = await processing.write_households(session, run, batch)
    assert [d.key for d in written] == ["H1", "H3"]
    assert [(e.row, e.column, e.code) for e in drafts[1].errors] == [
        (3, "身份证号", "person_already_in_household")
    ]
    households = await anonymous.get(
        "/api/v1/households",
        params={"address": "龙湖社区 H"},
        headers={"Authorization": f"Bearer {worker_token}"},
    )
    assert sorted(h["address"] for h in households.json()["items"]) == [
        "龙湖社区 H1 号",
        "龙湖社区 H3 号",
    ]
