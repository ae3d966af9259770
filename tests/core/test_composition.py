"""The app is composed from one domain list (app/domains.py): a new domain is one package and
one line, and no route depends on the order the routers were added in."""

import random
import re
from pathlib import Path
from typing import Annotated, Any

import httpx
import pytest
from fastapi import Depends, FastAPI
from fastapi.routing import APIRoute, iter_route_contexts
from starlette.types import ASGIApp, Receive, Scope, Send

from app.core.auth import Actor, actor_for
from app.core.composition import Domain
from app.core.config import Settings
from app.core.jobs import JobContext, JobKind
from app.core.permissions import Action
from app.core.routing import API_V1, api_router
from app.core.worker import PeriodicTask
from app.domains import DOMAINS, build_worker
from app.main import create_app
from tests.api.test_permission_matrix import PATH_VALUES

APP = Path(__file__).resolve().parents[2] / "app"


class _RecordEndpoint:
    """Remembers which endpoint routing chose for the last request."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.last: Any = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self.app(scope, receive, send)
        endpoint = scope.get("endpoint")
        if scope["type"] == "http" and endpoint is not None:
            self.last = f"{endpoint.__module__}.{endpoint.__qualname__}"


def _requests(app: FastAPI) -> list[tuple[str, str]]:
    """(method, concrete path) of every API route."""
    return sorted(
        (method, str(context.path_format).format(**PATH_VALUES))
        for context in iter_route_contexts(app.routes)
        if isinstance(context.original_route, APIRoute)
        for method in (context.methods or set()) - {"HEAD"}
    )


def _shuffled(seed: int) -> list[Domain]:
    """The domains, and each one's routers, in a random order."""
    rng = random.Random(seed)
    domains = [
        Domain(name=d.name, routers=rng.sample(list(d.routers), len(d.routers))) for d in DOMAINS
    ]
    rng.shuffle(domains)
    return domains


async def _endpoints(app: FastAPI, requests: list[tuple[str, str]]) -> dict[tuple[str, str], Any]:
    recorder = _RecordEndpoint(app)
    transport = httpx.ASGITransport(app=recorder, raise_app_exceptions=False)
    chosen: dict[tuple[str, str], Any] = {}
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        for method, path in requests:
            recorder.last = None
            await http.request(method, path)
            chosen[(method, path)] = recorder.last
    return chosen


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
async def test_every_route_resolves_whatever_the_order_of_the_routers(
    app: FastAPI, settings: Settings, seed: int
) -> None:
    requests = _requests(app)
    expected = await _endpoints(app, requests)
    assert None not in expected.values()
    shuffled = create_app(settings, _shuffled(seed))
    try:
        assert await _endpoints(shuffled, requests) == expected
    finally:
        await shuffled.state.services.database.dispose()


NOTE = JobKind("notes.tidy")
TIDIED: list[str] = []


async def _tidy(context: JobContext) -> None:
    TIDIED.append(context.job.payload["note"])


async def _sweep(_session: Any, _services: Any) -> None:
    TIDIED.append("swept")


_notes = api_router(prefix=f"{API_V1}/notes", tags=["notes"])


@_notes.get("/ping", summary="A throwaway domain's route")
async def _ping(
    actor: Annotated[Actor, Depends(actor_for(Action.reference_read))],
) -> dict[str, str]:
    return {"role": actor.principal.role.value}


THROWAWAY = Domain(
    name="notes",
    routers=[_notes],
    jobs=[(NOTE, _tidy)],
    periodic=[PeriodicTask("sweep_notes", 60.0, _sweep)],
)


async def test_a_new_domain_is_one_package_and_one_line(
    settings: Settings, client: httpx.AsyncClient
) -> None:
    """What `docs/architecture.md` shows: the app, the worker and the contract take a domain
    from the list alone (here the list plus one, as `DOMAINS` would be with its line)."""
    with_notes = (*DOMAINS, THROWAWAY)
    app = create_app(settings, with_notes)
    try:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(
            transport=transport, base_url="http://testserver", headers=client.headers
        ) as http:
            ping = await http.get("/api/v1/notes/ping")
        assert (ping.status_code, ping.json()) == (200, {"role": "auditor"})
        assert "/api/v1/notes/ping" in app.openapi()["paths"]
        worker = build_worker(app.state.services, with_notes)
        assert NOTE.name in worker.registry
        assert "sweep_notes" in [task.name for task in worker.tasks]
    finally:
        await app.state.services.database.dispose()


def test_only_core_reads_the_app_state() -> None:
    """Domains get what the app is made of from their `Actor` or `JobContext`."""
    readers = [
        str(path.relative_to(APP))
        for path in APP.rglob("*.py")
        if path.relative_to(APP).parts[0] != "core"
        and re.search(r"\bapp\.state\b", path.read_text(encoding="utf-8"))
    ]
    assert readers == []
