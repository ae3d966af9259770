"""A household that leaves the ledger (退出) takes its open referrals with it: they are
cancelled in the exit's transaction by the officer confirming it, kept, audited and
announced as any cancellation; closed ones stay as they were."""

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.audit import AuditEvent
from app.core.events import DomainEvent
from app.referrals.service import EXIT_NOTE
from tests.api.households.ledger_http import bearer, exit_household, fetch
from tests.api.referrals.referrals_http import REFERRALS, act, send
from tests.factories import create_demo_district


@pytest.fixture(autouse=True)
async def seeded(session: AsyncSession) -> None:
    await create_demo_district(session)


async def test_the_exit_cancels_the_open_referrals_and_leaves_the_closed_ones(
    app: FastAPI, anonymous: httpx.AsyncClient
) -> None:
    open_one = await send(app, anonymous)
    household = open_one["household_id"]
    received = await act(anonymous, open_one, "receive")
    assert received.status_code == 200, received.text
    exited = await exit_household(anonymous, household)
    assert exited.status_code == 200, exited.text

    headers = await bearer(anonymous, "street_officer")
    shown = (await anonymous.get(f"{REFERRALS}/{open_one['id']}", headers=headers)).json()
    assert (shown["status"], shown["version"], shown["allowed"]) == ("cancelled", 3, [])
    last = shown["transitions"][-1]
    assert (last["action"], last["from_status"], last["to_status"], last["note"]) == (
        "cancel",
        "received",
        "cancelled",
        EXIT_NOTE,
    )
    audited = await fetch(
        app,
        select(AuditEvent.action).where(
            AuditEvent.object_id == open_one["id"], AuditEvent.action == "referral.cancel"
        ),
    )
    assert audited == [("referral.cancel",)]
    announced = await fetch(
        app, select(DomainEvent.payload).where(DomainEvent.name == "referral.status_changed")
    )
    assert {"referral_id": open_one["id"], "status": "cancelled"}.items() <= next(
        p for (p,) in announced if p["status"] == "cancelled"
    ).items()


async def test_a_closed_referral_is_left_as_it_was(
    app: FastAPI, anonymous: httpx.AsyncClient
) -> None:
    referral = await send(app, anonymous)
    received = (await act(anonymous, referral, "receive")).json()
    rejected = await act(anonymous, received, "reject", reason="not_in_remit")
    assert rejected.status_code == 200, rejected.text
    exited = await exit_household(anonymous, referral["household_id"])
    assert exited.status_code == 200, exited.text
    headers = await bearer(anonymous, "street_officer")
    shown = (await anonymous.get(f"{REFERRALS}/{referral['id']}", headers=headers)).json()
    assert (shown["status"], shown["version"]) == ("rejected", 3)
