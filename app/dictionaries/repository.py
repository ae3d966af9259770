from sqlalchemy import select

from app.core.db import ReadSession, WriteSession
from app.dictionaries.models import DictionaryCode


async def active_additions(session: ReadSession) -> list[DictionaryCode]:
    rows = await session.execute(
        select(DictionaryCode)
        .where(DictionaryCode.active.is_(True))
        .order_by(DictionaryCode.table_name, DictionaryCode.created_at, DictionaryCode.code)
    )
    return list(rows.scalars())


async def get(session: WriteSession, table: str, code: str) -> DictionaryCode | None:
    return await session.get(DictionaryCode, (table, code))


async def active_codes(session: ReadSession, table: str, codes: list[str]) -> set[str]:
    rows = await session.scalars(
        select(DictionaryCode.code).where(
            DictionaryCode.table_name == table,
            DictionaryCode.code.in_(codes),
            DictionaryCode.active.is_(True),
        )
    )
    return set(rows)
