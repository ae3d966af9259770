"""Webhook tests start from the demo district (its partner clients and their organisations),
with a local HTTP receiver and a switch for private targets."""

from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI

from tests.api.identity.conftest import database_url, demo, demo_template
from tests.api.identity.helpers import client_token, headers_for
from tests.api.webhooks.receiver import Receiver

__all__ = ["database_url", "demo", "demo_template"]


@pytest.fixture
async def red_cross(demo: None, anonymous: httpx.AsyncClient) -> dict[str, str]:
    """Headers of the Red Cross's partner client."""
    return {"Authorization": f"Bearer {await client_token(anonymous, 'red-cross')}"}


@pytest.fixture
async def charity(demo: None, anonymous: httpx.AsyncClient) -> dict[str, str]:
    """Headers of the charity federation's partner client (another organisation)."""
    return {"Authorization": f"Bearer {await client_token(anonymous, 'charity-federation')}"}


@pytest.fixture
async def admin(demo: None, anonymous: httpx.AsyncClient) -> dict[str, str]:
    return await headers_for(anonymous, "admin")


@pytest.fixture
def allow_private(app: FastAPI, monkeypatch: pytest.MonkeyPatch) -> None:
    """Let webhooks reach the local receiver (SANZHU_WEBHOOK_ALLOW_PRIVATE_TARGETS)."""
    monkeypatch.setattr(app.state.services.settings, "webhook_allow_private_targets", True)


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    found = Receiver()
    await found.start()
    yield found
    await found.stop()
