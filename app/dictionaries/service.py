"""Code tables (DOMAIN 14): the built-in catalog plus codes added locally."""

import re
from collections import defaultdict

from app.core import audit
from app.core.audit import AuditContext
from app.core.db import ReadSession, WriteSession
from app.core.errors import Conflict, ValidationFailed
from app.core.field_messages import FieldMessage, register_field_messages
from app.dictionaries import repository
from app.dictionaries.catalog import CATALOG
from app.dictionaries.catalog_types import Code, CodeTable, PersonRule
from app.dictionaries.models import DictionaryCode
from app.dictionaries.schemas import CodeOut, CodeTableOut, DictionariesOut, Labels, PersonRuleOut

_CODE = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
_TABLES = {table.name: table for table in CATALOG}


def _rule_out(code: Code) -> PersonRuleOut | None:
    rule = code.person_rule
    if rule is None:
        return None
    grades = list(rule.disability_grades) if rule.disability_grades is not None else None
    return PersonRuleOut(
        min_age=rule.min_age, max_age=rule.max_age, disability_grades=grades, source=rule.source
    )


def _table_out(table: CodeTable, additions: list[DictionaryCode]) -> CodeTableOut:
    codes = [
        CodeOut(
            code=c.code,
            labels=Labels(zh_cn=c.label_zh, en=c.label_en),
            group=c.group,
            builtin=True,
            attributes=c.attributes,
            person_rule=_rule_out(c),
        )
        for c in table.codes
    ]
    codes += [
        CodeOut(
            code=a.code, labels=Labels(zh_cn=a.label_zh, en=a.label_en), group=None, builtin=False
        )
        for a in additions
    ]
    return CodeTableOut(
        name=table.name,
        labels=Labels(zh_cn=table.label_zh, en=table.label_en),
        source=table.source,
        extensible=table.extensible,
        group_table=table.group_table,
        codes=codes,
    )


async def all_tables(session: ReadSession) -> DictionariesOut:
    by_table: dict[str, list[DictionaryCode]] = defaultdict(list)
    for addition in await repository.active_additions(session):
        by_table[addition.table_name].append(addition)
    return DictionariesOut(tables=[_table_out(t, by_table[t.name]) for t in CATALOG])


async def add_code(
    session: WriteSession, table: str, code: str, label_zh: str, label_en: str
) -> DictionaryCode:
    """Add a code to an extensible table; built-in and existing codes are refused."""
    found = _TABLES.get(table)
    if found is None:
        raise ValidationFailed.at(["path", "table"], "unknown_code")
    if not found.extensible:
        raise ValidationFailed.at(["path", "table"], "table_not_extensible")
    if not _CODE.match(code):
        raise ValidationFailed.in_body("code", "code_format")
    if not label_zh.strip() or not label_en.strip():
        raise ValidationFailed.in_body("label", "missing")
    if any(c.code == code for c in found.codes) or await repository.get(session, table, code):
        raise Conflict()
    addition = DictionaryCode(
        table_name=table, code=code, label_zh=label_zh.strip(), label_en=label_en.strip()
    )
    session.add(addition)
    await session.flush()
    return addition


async def add_code_audited(
    session: WriteSession,
    context: AuditContext,
    table: str,
    code: str,
    label_zh: str,
    label_en: str,
) -> DictionaryCode:
    """An admin adds a code to an extensible table (DOMAIN 14)."""
    addition = await add_code(session, table, code, label_zh, label_en)
    await audit.record(
        session,
        context,
        "dictionary_code.create",
        object_type="dictionary_code",
        object_id=f"{table}.{code}"[:64],
        changed_fields=["code", "label_en", "label_zh"],
    )
    return addition


async def unknown_codes(session: ReadSession, table: str, codes: list[str]) -> list[str]:
    """The codes that are neither built into `table` nor added to it (and still active)."""
    builtin = {c.code for c in _TABLES[table].codes}
    rest = sorted(set(codes) - builtin)
    if not rest:
        return []
    added = await repository.active_codes(session, table, rest)
    return [code for code in rest if code not in added]


def codes_with(table: str, name: str) -> frozenset[str]:
    """The built-in codes of a table whose attribute `name` is true."""
    return frozenset(c.code for c in _TABLES[table].codes if (c.attributes or {}).get(name))


def group_of(table: str, code: str) -> str | None:
    """The group of a built-in code (e.g. the category of a vulnerability subtype)."""
    return next((c.group for c in _TABLES[table].codes if c.code == code), None)


def labels_of(table: str, code: str) -> tuple[str, str] | None:
    """The zh-CN and en labels of a built-in code, if it is one."""
    return next(((c.label_zh, c.label_en) for c in _TABLES[table].codes if c.code == code), None)


def person_rule_of(table: str, code: str) -> PersonRule | None:
    """Whom a built-in code of people fits (ages, disability grades), if it says."""
    return next((c.person_rule for c in _TABLES[table].codes if c.code == code), None)


register_field_messages(
    {
        "table_not_extensible": FieldMessage(
            "此代码表是固定的，不能添加代码", "this code table is fixed"
        ),
        "code_format": FieldMessage(
            "代码须为小写字母、数字和下划线组成的 ASCII，最多 64 个字符",
            "codes are lower_snake_case ASCII, at most 64 characters",
        ),
    }
)
