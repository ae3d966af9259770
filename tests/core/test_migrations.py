"""Migrations: one head, the schema matches the models (alembic check), up and down work."""

import asyncio
import json
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from app.core.audit import AuditContext, AuditEvent, AuditOutcome, AuditSealState, record_now
from app.core.audit_chain import GENESIS, ChainReport, seal, verify_chain
from app.core.config import Settings
from app.core.db import Database
from app.core.migrations import alembic_config, head_revision
from app.models import Base
from tests.api.audit.chain import legacy_digest

LEGACY_COLUMNS = (
    "id",
    "occurred_at",
    "actor",
    "action",
    "outcome",
    "changed_fields",
    "seal_seq",
    "chain_hash",
    "sealed_at",
)


def _diff(url: str) -> list[Any]:
    async def run() -> list[Any]:
        engine = create_async_engine(url)
        try:
            async with engine.connect() as connection:
                return await connection.run_sync(
                    lambda sync: compare_metadata(
                        MigrationContext.configure(sync, opts={"compare_type": True}), Base.metadata
                    )
                )
        finally:
            await engine.dispose()

    return asyncio.run(run())


def _revision(url: str) -> str | None:
    async def run() -> str | None:
        engine = create_async_engine(url)
        try:
            async with engine.connect() as connection:
                return (
                    await connection.execute(text("SELECT version_num FROM alembic_version"))
                ).scalar()
        finally:
            await engine.dispose()

    return asyncio.run(run())


def test_there_is_exactly_one_head() -> None:
    assert head_revision()


def test_migrated_schema_matches_the_models(migrated_source: str) -> None:
    url = migrated_source if "://" in migrated_source else f"sqlite+aiosqlite:///{migrated_source}"
    assert _diff(url) == []
    assert _revision(url) == head_revision()


def test_downgrade_to_base_and_upgrade_again(tmp_path: object) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path}/roundtrip.db"
    config = alembic_config(url)
    config.attributes["skip_logging"] = True
    command.upgrade(config, "head")
    command.downgrade(config, "base")
    assert _revision(url) is None
    command.upgrade(config, "head")
    assert _diff(url) == []


async def _seal_legacy_events(url: str, count: int) -> None:
    """Events sealed as before revision 0009 (plain SHA-256), written into its schema."""
    engine = create_async_engine(url)
    previous, at = GENESIS, datetime(2026, 11, 30, 8, 0, tzinfo=UTC)
    rows = []
    for seq in range(1, count + 1):
        event = AuditEvent(
            id=uuid.uuid4(),
            occurred_at=at + timedelta(seconds=seq),
            actor="user:x",
            action="user.update",
            outcome="success",
            changed_fields=["role"],
            seal_seq=seq,
            sealed_at=at + timedelta(minutes=1),
        )
        event.chain_hash = previous = legacy_digest(previous, event)
        rows.append({c: getattr(event, c) for c in LEGACY_COLUMNS})
    columns = AuditEvent.__table__.c
    events = sa.table("audit_events", *(sa.column(c, columns[c].type) for c in LEGACY_COLUMNS))
    try:
        async with engine.begin() as connection:
            await connection.execute(sa.insert(events), rows)
            await connection.execute(
                sa.insert(AuditSealState), {"id": 1, "last_seq": count, "last_hash": previous}
            )
    finally:
        await engine.dispose()


async def _verify_then_seal_more(url: str, state_dir: Path) -> tuple[ChainReport, ChainReport]:
    settings = Settings(database_url=url, secret_key="s" * 32, state_dir=state_dir)
    keys, database = settings.audit_keyring(), Database(settings)
    try:
        async with database.sessionmaker() as session, session.begin():
            before = await verify_chain(session, keys)
        context = AuditContext(None, None, None, None)
        await record_now(database, context, "auth.login", outcome=AuditOutcome.denied)
        await seal(database, keys, settings.audit_heads_path)
        async with database.sessionmaker() as session, session.begin():
            after = await verify_chain(session, keys)
    finally:
        await database.dispose()
    return before, after


def test_events_sealed_before_the_chain_was_keyed_still_verify(tmp_path: Path) -> None:
    """Upgrading to the keyed chain (0009) keeps the plain SHA-256 seals verifiable."""
    url = f"sqlite+aiosqlite:///{tmp_path}/legacy.db"
    config = alembic_config(url)
    config.attributes["skip_logging"] = True
    command.upgrade(config, "0008")
    asyncio.run(_seal_legacy_events(url, 4))
    command.upgrade(config, "head")

    before, after = asyncio.run(_verify_then_seal_more(url, tmp_path / "state"))

    assert (before.broken, before.checked, before.legacy) == (None, 4, 4)
    assert (after.broken, after.checked, after.legacy) == (None, 5, 4)


def test_0012_reads_free_text_guardians_into_contacts_and_back(tmp_path: object) -> None:
    """What the free text says is kept: read into name, relation and phone where it can be,
    whole as a note where it cannot; the downgrade writes text again."""
    url = f"sqlite+aiosqlite:///{tmp_path}/contacts.db"
    config = alembic_config(url)
    config.attributes["skip_logging"] = True
    before = ScriptDirectory.from_config(config).get_revision("0012").down_revision
    assert isinstance(before, str)
    command.upgrade(config, before)
    texts = {
        "1": ("侄子 赵强", "邻居 陈阿姨 13800000101"),
        "2": ("由邻居轮流照看", None),
        "3": (None, None),
    }
    for index, (guardian, caregiver) in texts.items():
        _execute(
            url,
            "INSERT INTO persons (id, version, name, id_number_cipher, id_number_key_id, "
            "id_number_index, sex, birth_date, guardian, caregiver, created_at, updated_at) "
            "VALUES (:id, 1, '赵德明', 'c', 'k', :index, 'male', '1938-01-20', :guardian, "
            ":caregiver, '2026-01-01 00:00:00', '2026-01-01 00:00:00')",
            {"id": uuid.uuid4().hex, "index": index, "guardian": guardian, "caregiver": caregiver},
        )
    command.upgrade(config, "0012")
    assert _contacts(url) == {
        "1": (
            {"name": "赵强", "relation": "relative"},
            {"name": "陈阿姨", "relation": "neighbour", "phone": "13800000101"},
        ),
        "2": ({"note": "由邻居轮流照看"}, None),
        "3": (None, None),
    }
    command.downgrade(config, before)
    assert _contacts(url) == {
        "1": ("其他亲属 赵强", "邻居 陈阿姨 13800000101"),
        "2": ("由邻居轮流照看", None),
        "3": (None, None),
    }


def _execute(url: str, statement: str, values: dict[str, Any]) -> None:
    async def run() -> None:
        engine = create_async_engine(url)
        try:
            async with engine.begin() as connection:
                await connection.execute(text(statement), values)
        finally:
            await engine.dispose()

    asyncio.run(run())


def _contacts(url: str) -> dict[str, tuple[Any, Any]]:
    """Guardian and caregiver by blind index, JSON read back as objects."""
    rows = _rows(url, "SELECT id_number_index, guardian, caregiver FROM persons")
    return {index: (_json(g), _json(c)) for index, g, c in rows}


def _json(value: str | None) -> Any:
    try:
        return json.loads(value) if value is not None else None
    except json.JSONDecodeError:
        return value


def test_0019_numbers_existing_households_in_creation_order(tmp_path: object) -> None:
    """Per district and year of entry (Asia/Shanghai), oldest first; the counters go on from
    the last number given."""
    url = f"sqlite+aiosqlite:///{tmp_path}/numbers.db"
    config = alembic_config(url)
    config.attributes["skip_logging"] = True
    before = ScriptDirectory.from_config(config).get_revision("0019").down_revision
    assert isinstance(before, str)
    command.upgrade(config, before)
    created = {
        "late_2025": ("500112", "2025-12-31 15:59:00"),
        "first_2026_by_shanghai": ("500112", "2025-12-31 16:00:00"),
        "second_2026": ("500112", "2026-03-01 08:00:00"),
        "other_district": ("500113", "2026-02-01 08:00:00"),
        "first_2025": ("500112", "2025-01-01 08:00:00"),
    }
    for address, (district, at) in created.items():
        _execute(
            url,
            "INSERT INTO households (id, version, region_code, district_code, address, status, "
            "complete, missing_fields, created_at, updated_at) VALUES (:id, 1, :region, "
            ":district, :address, 'active', 0, '[]', :at, :at)",
            {
                "id": uuid.uuid4().hex,
                "region": f"{district}001001001",
                "district": district,
                "address": address,
                "at": at,
            },
        )
    command.upgrade(config, "0019")
    assert _rows(url, "SELECT address, ledger_number FROM households ORDER BY address") == [
        ("first_2025", "500112-2025-000001"),
        ("first_2026_by_shanghai", "500112-2026-000001"),
        ("late_2025", "500112-2025-000002"),
        ("other_district", "500113-2026-000001"),
        ("second_2026", "500112-2026-000002"),
    ]
    assert _rows(url, "SELECT * FROM ledger_number_counters ORDER BY district_code, year") == [
        ("500112", 2025, 2),
        ("500112", 2026, 2),
        ("500113", 2026, 1),
    ]


def test_0017_maps_known_hukou_places_and_keeps_expenditures_and_assets(tmp_path: object) -> None:
    """A hukou place the migration knows gets its division code, other text stays as the
    place's label with no code; an earlier expenditure was gross with nothing reimbursed,
    an earlier asset was owned whole."""
    url = f"sqlite+aiosqlite:///{tmp_path}/inputs.db"
    config = alembic_config(url)
    config.attributes["skip_logging"] = True
    before = ScriptDirectory.from_config(config).get_revision("0017").down_revision
    assert isinstance(before, str)
    command.upgrade(config, before)
    households = {"known": " 重庆市渝北区 ", "unknown": "四川省某县某村", "none": None}
    ids = {name: uuid.uuid4().hex for name in households}
    for name, place in households.items():
        _execute(
            url,
            "INSERT INTO households (id, version, region_code, district_code, address, "
            "hukou_place, status, complete, missing_fields, created_at, updated_at) VALUES "
            "(:id, 1, '500112001001', '500112', '地址', :place, 'active', 0, '[]', "
            "'2026-01-01 00:00:00', '2026-01-01 00:00:00')",
            {"id": ids[name], "place": place},
        )
    _execute(
        url,
        "INSERT INTO household_expenditures (id, household_id, region_code, district_code, "
        "month, kind, amount, created_at, updated_at) VALUES (:id, :household, '500112001001', "
        "'500112', '2026-01-01', 'medical', 54600, :at, :at)",
        {"id": uuid.uuid4().hex, "household": ids["known"], "at": "2026-01-01 00:00:00"},
    )
    _execute(
        url,
        "INSERT INTO household_assets (id, household_id, region_code, district_code, kind, "
        "description, value, created_at, updated_at) VALUES (:id, :household, '500112001001', "
        "'500112', 'vehicle', '面包车', NULL, :at, :at)",
        {"id": uuid.uuid4().hex, "household": ids["known"], "at": "2026-01-01 00:00:00"},
    )
    command.upgrade(config, "0017")
    rows = _rows(url, "SELECT id, hukou_region_code, hukou_place FROM households")
    assert {ids_by: (code, place) for ids_by, code, place in rows} == {
        ids["known"]: ("500112", " 重庆市渝北区 "),
        ids["unknown"]: (None, "四川省某县某村"),
        ids["none"]: (None, None),
    }
    assert _rows(
        url, "SELECT gross_amount, reimbursed_amount, amount FROM household_expenditures"
    ) == [(54600, 0, 54600)]
    assert _rows(url, "SELECT value, ownership_share, area_m2 FROM household_assets") == [
        (None, 10000, None)
    ]
    command.downgrade(config, before)


def _rows(url: str, statement: str) -> list[tuple[Any, ...]]:
    async def run() -> list[tuple[Any, ...]]:
        engine = create_async_engine(url)
        try:
            async with engine.connect() as connection:
                return [tuple(row) for row in await connection.execute(text(statement))]
        finally:
            await engine.dispose()

    return asyncio.run(run())
