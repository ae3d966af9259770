"""Imports as the API shows them: who uploaded each, named (one query for a page)."""

from app.core.actors import shaped
from app.core.db import ReadSession
from app.identity.public import actor_refs
from app.imports.models import Import
from app.imports.schemas import ImportOut


async def imports_out(session: ReadSession, imports: list[Import]) -> list[ImportOut]:
    actors = await actor_refs(session, [i.created_by for i in imports])
    return [shaped(ImportOut, i, uploaded_by=actors[i.created_by]) for i in imports]


async def import_out(session: ReadSession, record: Import) -> ImportOut:
    (found,) = await imports_out(session, [record])
    return found
