"""An app that is done with is freed: nothing process-wide keeps it alive.

The suite builds an app per test. When FastAPI's process-wide caches of
endpoint callables held closures over `app`, every app stayed in memory to
the end of the run (over a gigabyte), and collecting and freeing them was a
silent wait of tens of seconds after the last test.
"""

import gc
import weakref

import httpx
from fastapi import FastAPI

from app.core.config import Settings
from app.main import create_app


async def _serve_once(settings: Settings) -> weakref.ref[FastAPI]:
    app = create_app(settings)
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        for path in ("/docs", "/redoc", "/healthz", "/api/v1/regions"):
            await http.get(path)
    await app.state.services.database.dispose()
    return weakref.ref(app)


async def test_an_app_is_freed_once_it_is_done_with(settings: Settings) -> None:
    app = await _serve_once(settings)
    gc.collect()
    assert app() is None, [type(r).__qualname__ for r in gc.get_referrers(app())]
