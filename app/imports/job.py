"""The worker's side of an import: the job handler, and the settings it needs.

Job handlers receive a session and a payload only, but an import also needs
the ID-number keys and the import directory: the worker hands them over
when it is built (app/upkeep.py), never through the job's payload.
"""

import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from app.core.config import Settings
from app.core.jobs import job_handler
from app.imports import processing

KIND = "ledger.import"
MAX_ATTEMPTS = processing.MAX_ATTEMPTS

_settings: Settings | None = None


def configure(settings: Settings) -> None:
    """Give the import jobs of this process their settings (keys, directory, batch size)."""
    global _settings
    _settings = settings


@job_handler(KIND)
async def run(session: AsyncSession, payload: dict[str, Any]) -> None:
    """Process one uploaded file; its own short transactions commit progress as it goes."""
    if _settings is None:
        raise RuntimeError("imports need the worker's settings: build it with app.upkeep")
    engine = session.bind
    if not isinstance(engine, AsyncEngine):
        raise RuntimeError("the job session is not bound to an engine")
    await processing.run_import(engine, _settings, uuid.UUID(payload["import_id"]))
