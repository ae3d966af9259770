"""Partner systems and their pushed referrals through the API: client-credentials tokens of
the demo's Red Cross and charity federation, a household the Red Cross knows through a
referral, and pushes with an Idempotency-Key."""

import uuid
from typing import Any

import httpx
from fastapi import FastAPI

from tests.api.identity.helpers import client_token
from tests.api.referrals.referrals_http import default, send
from tests.factories import STREET_A

PUSH = "/api/v1/partner/referrals"
STATION_A = "双龙湖街道困难群众救助服务所"
"""The one window of street A (the demo's street assistance station)."""


async def partner(http: httpx.AsyncClient, client_id: str = "red-cross") -> dict[str, str]:
    """Authorization headers of a demo partner client (client credentials)."""
    return {"Authorization": f"Bearer {await client_token(http, client_id)}"}


async def one_window(app: FastAPI, http: httpx.AsyncClient) -> None:
    """Street A's assistance station is the default one window of its households."""
    await default(app, http, "street_assistance_station", STREET_A, STATION_A)


async def known_household(app: FastAPI, http: httpx.AsyncClient) -> dict[str, Any]:
    """The street officer's referral of a fresh household's medical need to the Red Cross:
    the Red Cross knows that household from then on."""
    return await send(app, http)


async def push(
    http: httpx.AsyncClient,
    headers: dict[str, str],
    body: dict[str, Any],
    key: str | None = None,
) -> httpx.Response:
    """One push with `key` (a fresh one unless given)."""
    keyed = {**headers, "Idempotency-Key": key or uuid.uuid4().hex}
    return await http.post(PUSH, json=body, headers=keyed)
