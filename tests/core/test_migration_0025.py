"""Revision 0025 records which households declared their asset list: those with asset rows
and those whose history has a replacement of it (one that emptied it too), at the latest of
those times; a household that never touched it stays undeclared."""

import asyncio
import uuid
from typing import Any

from alembic import command
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from app.core.migrations import alembic_config

_HOUSEHOLD = (
    "INSERT INTO households (id, version, ledger_number, region_code, district_code, address, "
    "status, complete, missing_fields, created_at, updated_at) VALUES (:id, 1, :number, "
    "'500112001001001', '500112', '地址', 'active', 0, '[]', '2026-03-01 00:00:00', "
    "'2026-03-01 00:00:00')"
)
_ASSET = (
    "INSERT INTO household_assets (id, household_id, region_code, district_code, kind, "
    "description, ownership_share, created_at, updated_at) VALUES (:id, :household, "
    "'500112001001001', '500112', 'other', '旧家具', 10000, '2026-04-01 00:00:00', :at)"
)
_CHANGE = (
    "INSERT INTO household_changes (id, household_id, region_code, district_code, occurred_at, "
    "action, changes) VALUES (:id, :household, '500112001001001', '500112', :at, :action, '{}')"
)


def _run(url: str, statements: list[tuple[str, dict[str, Any]]]) -> list[Any]:
    async def run() -> list[Any]:
        engine = create_async_engine(url)
        try:
            async with engine.begin() as connection:
                found: list[Any] = []
                for statement, values in statements:
                    result = await connection.execute(text(statement), values)
                    if statement.startswith("SELECT"):
                        found = list(result.all())
                return found
        finally:
            await engine.dispose()

    return asyncio.run(run())


def test_0025_declares_households_with_assets_or_a_replacement_of_them(tmp_path: object) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path}/declarations.db"
    config = alembic_config(url)
    config.attributes["skip_logging"] = True
    command.upgrade(config, "0023")
    listed, emptied, untouched = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    _run(
        url,
        [
            *[
                (_HOUSEHOLD, {"id": h.hex, "number": f"500112-2026-{n:06d}"})
                for n, h in enumerate((listed, emptied, untouched), 1)
            ],
            (
                _ASSET,
                {"id": uuid.uuid4().hex, "household": listed.hex, "at": "2026-05-01 00:00:00"},
            ),
            (
                _ASSET,
                {"id": uuid.uuid4().hex, "household": listed.hex, "at": "2026-04-02 00:00:00"},
            ),
            *[
                (_CHANGE, {"id": uuid.uuid4().hex, "household": h.hex, "at": at, "action": action})
                for h, at, action in (
                    (listed, "2026-04-01 00:00:00", "household.assets.replace"),
                    (emptied, "2026-06-01 00:00:00", "household.assets.replace"),
                    (untouched, "2026-07-01 00:00:00", "household.update"),
                )
            ],
        ],
    )

    command.upgrade(config, "0025")

    found = _run(
        url,
        [
            (
                "SELECT household_id, declared_at, region_code, district_code "
                "FROM household_asset_declarations ORDER BY declared_at",
                {},
            )
        ],
    )
    assert [tuple(row) for row in found] == [
        (listed.hex, "2026-05-01 00:00:00", "500112001001001", "500112"),
        (emptied.hex, "2026-06-01 00:00:00", "500112001001001", "500112"),
    ]
