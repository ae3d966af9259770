"""Revision 0018 carries the ledger over: free measure texts become legacy records, free
reasons for no help become `other`, plan items get ids kept across versions, and every
household gets its first episode (closed for exited ones)."""

import asyncio
import json
import uuid
from typing import Any

from alembic import command
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from app.core.migrations import alembic_config

_HOUSEHOLD = (
    "INSERT INTO households (id, version, region_code, district_code, address, status, "
    "exited_on, exit_reason, exit_note, measures, no_help_reason, no_help_note, complete, "
    "missing_fields, created_at, updated_at) VALUES (:id, 1, '500112001001001', '500112', "
    "'地址', :status, :exited_on, :exit_reason, NULL, :measures, :reason, :note, 0, '[]', "
    # 17:30 UTC is the next day in Shanghai.
    "'2026-03-01 17:30:00', '2026-03-01 17:30:00')"
)
_PLAN = (
    "INSERT INTO household_plans (id, household_id, region_code, district_code, revision, "
    "goals, planned_measures, created_at) VALUES (:id, :household, '500112001001001', "
    "'500112', :revision, '目标', :texts, '2026-03-02 00:00:00')"
)


def _run(url: str, statements: list[tuple[str, dict[str, Any]]]) -> list[list[Any]]:
    async def run() -> list[list[Any]]:
        engine = create_async_engine(url)
        try:
            async with engine.begin() as connection:
                return [
                    list((await connection.execute(text(s), v)).all())
                    if s.startswith("SELECT")
                    else (await connection.execute(text(s), v)) and []
                    for s, v in statements
                ]
        finally:
            await engine.dispose()

    return asyncio.run(run())


def test_0018_carries_measures_reasons_plans_and_stays_over(tmp_path: object) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path}/episodes.db"
    config = alembic_config(url)
    config.attributes["skip_logging"] = True
    command.upgrade(config, "0014")
    active, exited = uuid.uuid4(), uuid.uuid4()
    _run(
        url,
        [
            (
                _HOUSEHOLD,
                {
                    "id": active.hex,
                    "status": "active",
                    "exited_on": None,
                    "exit_reason": None,
                    "measures": json.dumps(["按月发放低保金", "  "]),
                    "reason": "家属不同意",
                    "note": "多次沟通",
                },
            ),
            (
                _HOUSEHOLD,
                {
                    "id": exited.hex,
                    "status": "exited",
                    "exited_on": "2026-06-01",
                    "exit_reason": "deceased",
                    "measures": None,
                    "reason": "pending_review",
                    "note": None,
                },
            ),
            (
                _PLAN,
                {
                    "id": uuid.uuid4().hex,
                    "household": active.hex,
                    "revision": 1,
                    "texts": json.dumps(["走访", "救助"]),
                },
            ),
            (
                _PLAN,
                {
                    "id": uuid.uuid4().hex,
                    "household": active.hex,
                    "revision": 2,
                    "texts": json.dumps(["救助", "培训"]),
                },
            ),
        ],
    )
    command.upgrade(config, "0018")
    measures, reasons, plans, episodes = _run(
        url,
        [
            (
                "SELECT household_id, code, given_on, note, legacy, organization_id FROM household_measures",
                {},
            ),
            ("SELECT id, no_help_reason, no_help_note FROM households ORDER BY status", {}),
            ("SELECT revision, items FROM household_plans ORDER BY revision", {}),
            (
                "SELECT household_id, entered_on, entry_reason, exited_on, exit_reason "
                "FROM household_episodes ORDER BY exited_on",
                {},
            ),
        ],
    )
    assert [(m[1], str(m[2]), m[3], bool(m[4]), m[5]) for m in measures] == [
        ("other", "2026-03-02", "按月发放低保金", True, None)
    ]
    assert [(r[1], r[2]) for r in reasons] == [
        ("other", "家属不同意；多次沟通"),
        ("pending_review", None),
    ]
    first, second = (json.loads(p[1]) for p in plans)
    assert [i["text"] for i in first] == ["走访", "救助"]
    assert [i["text"] for i in second] == ["救助", "培训"]
    assert second[0]["id"] == first[1]["id"]
    assert second[1]["id"] not in {i["id"] for i in first}
    assert [(str(e[1]), e[2], e[3] and str(e[3]), e[4]) for e in episodes] == [
        ("2026-03-02", "first_registration", None, None),
        ("2026-03-02", "first_registration", "2026-06-01", "deceased"),
    ]
    command.downgrade(config, "0014")
    [rows] = _run(url, [("SELECT measures FROM households WHERE measures IS NOT NULL", {})])
    assert [json.loads(r[0]) for r in rows] == [["按月发放低保金"]]
