"""Adding codes to the code tables (DOMAIN 14).

There is no write endpoint for dictionaries yet (it arrives with authentication
and the admin role), so these tests call `app.dictionaries.service.add_code`
directly; the effect on GET /api/v1/dictionaries is tested in
test_get_dictionaries.py and the `sanzhu dictionary add` command in tests/cli.
"""

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.errors import Conflict, ValidationFailed
from app.dictionaries import service
from app.dictionaries.catalog import CATALOG
from app.dictionaries.models import DictionaryCode

FIXED_TABLES = [t.name for t in CATALOG if not t.extensible]
EXTENSIBLE_TABLES = [t.name for t in CATALOG if t.extensible]


def field_error(exc: ValidationFailed) -> tuple[list[str | int], str]:
    (error,) = exc.errors
    return error.loc, error.code


class TestAddCode:
    @pytest.mark.parametrize("table", EXTENSIBLE_TABLES)
    async def test_extensible_table_accepts_a_new_code(
        self, session: AsyncSession, table: str
    ) -> None:
        added = await service.add_code(session, table, "local_code", " 本地 ", " Local ")
        await session.commit()

        stored = await session.get(DictionaryCode, (table, "local_code"))
        assert stored is added
        assert (stored.label_zh, stored.label_en, stored.active) == ("本地", "Local", True)

    @pytest.mark.parametrize("table", ["target_type", "organization_kind", "role", "sex"])
    async def test_fixed_table_is_refused(self, session: AsyncSession, table: str) -> None:
        with pytest.raises(ValidationFailed) as raised:
            await service.add_code(session, table, "something_new", "新", "New")

        assert field_error(raised.value) == (["path", "table"], "table_not_extensible")

    async def test_every_fixed_table_is_refused(self, session: AsyncSession) -> None:
        for table in FIXED_TABLES:
            with pytest.raises(ValidationFailed):
                await service.add_code(session, table, "something_new", "新", "New")

    async def test_unknown_table_is_refused(self, session: AsyncSession) -> None:
        with pytest.raises(ValidationFailed) as raised:
            await service.add_code(session, "colours", "red", "红", "Red")

        assert field_error(raised.value) == (["path", "table"], "unknown_code")

    @pytest.mark.parametrize("code", ["Flood", "1flood", "flood-damage", "", "x" * 65, "洪涝"])
    async def test_code_must_be_lower_snake_case(self, session: AsyncSession, code: str) -> None:
        with pytest.raises(ValidationFailed) as raised:
            await service.add_code(session, "hardship_cause", code, "洪涝", "Flood")

        assert field_error(raised.value) == (["body", "code"], "code_format")

    @pytest.mark.parametrize(("zh", "en"), [("", "Flood"), ("洪涝", "  ")])
    async def test_both_labels_are_required(self, session: AsyncSession, zh: str, en: str) -> None:
        with pytest.raises(ValidationFailed) as raised:
            await service.add_code(session, "hardship_cause", "flood", zh, en)

        assert field_error(raised.value) == (["body", "label"], "missing")

    async def test_builtin_code_is_a_conflict(self, session: AsyncSession) -> None:
        (causes,) = [t for t in CATALOG if t.name == "hardship_cause"]

        with pytest.raises(Conflict):
            await service.add_code(session, "hardship_cause", causes.codes[0].code, "重复", "Dup")

    async def test_code_added_twice_is_a_conflict(self, session: AsyncSession) -> None:
        await service.add_code(session, "hardship_cause", "flood_damage", "洪涝受灾", "Flood")
        await session.commit()

        with pytest.raises(Conflict):
            await service.add_code(session, "hardship_cause", "flood_damage", "洪涝", "Flood")

    async def test_same_code_in_two_tables_is_allowed(self, session: AsyncSession) -> None:
        await service.add_code(session, "need", "flood_relief", "洪涝救助", "Flood relief")
        await service.add_code(session, "hardship_cause", "flood_relief", "洪涝", "Flood")
        await session.commit()

        assert await session.get(DictionaryCode, ("need", "flood_relief")) is not None
        assert await session.get(DictionaryCode, ("hardship_cause", "flood_relief")) is not None
