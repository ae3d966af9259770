"""Every actor reference has one shape, `{type, id, display_name}`, and names its actor
(issue 13): the history of a household changed by two people names both, and an id
resolves in the staff directory."""

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession

from tests.api.households.records import HOUSEHOLDS, bearer, household_body, user_id
from tests.factories import create_demo_district


@pytest.fixture(autouse=True)
async def seeded(session: AsyncSession) -> None:
    await create_demo_district(session)


async def test_a_history_page_names_every_actor_and_the_directory_resolves_them(
    app: FastAPI, anonymous: httpx.AsyncClient
) -> None:
    officer = await bearer(anonymous, "street_officer")
    worker = await bearer(anonymous, "community_worker")
    created = await anonymous.post(HOUSEHOLDS, json=household_body(), headers=officer)
    changed = await anonymous.patch(
        f"{HOUSEHOLDS}/{created.json()['id']}",
        json={"basic_situation": "独居老人"},
        headers={**worker, "If-Match": created.headers["etag"]},
    )
    assert changed.status_code == 200, changed.text

    history = await anonymous.get(f"{HOUSEHOLDS}/{created.json()['id']}/history", headers=officer)

    actors = [entry["actor"] for entry in history.json()["items"]]
    officer_id = str(await user_id(app, "street_officer"))
    worker_id = str(await user_id(app, "community_worker"))
    assert actors[0] == {"type": "user", "id": officer_id, "display_name": "双龙湖街道干部"}
    assert actors[-1] == {"type": "user", "id": worker_id, "display_name": "百果园社区工作者"}
    for actor in actors:
        found = await anonymous.get(f"/api/v1/staff/{actor['id']}", headers=officer)
        assert found.status_code == 200, found.text
        assert found.json()["display_name"] == actor["display_name"]
