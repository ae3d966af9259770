"""One way to create a household (`creation.rows_of_new_household`): the same family entered
through the API and through an import leaves the same rows, history, audit and events,
ids (and the ID numbers themselves) aside."""

import uuid
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.audit import AuditEvent
from app.core.clock import business_today
from app.core.config import Settings
from app.core.events import DomainEvent
from app.households.models import (
    Household,
    HouseholdCategory,
    HouseholdChange,
    HouseholdCode,
    HouseholdNeed,
    HouseholdTargetType,
    Membership,
    Person,
)
from tests.api.households.ledger_http import bearer, fetch
from tests.api.households.records import beyond_core
from tests.api.imports.conftest import csv_file, run_jobs, upload
from tests.factories import GRID_A1_1, create_demo_district, id_number

ADDRESS = "双龙湖街道同路 8 号"
HOUSEHOLD = {
    "hukou_region_code": "500112",
    "hukou_place": "重庆市渝北区",
    "hukou_type": "urban",
    "settled_since": "2008-05-01",
    "causes": ["illness", "lack_of_labour"],
    "needs": ["medical", "care"],
    "benefits": ["dibao"],
    "no_help_reason": "pending_review",
    "basic_situation": "老人独居，配偶重度残疾。",
}
MEMBERS = [
    {
        "name": "张秀英",
        "relation_to_head": "self",
        "sex": "female",
        "birth": "1950-03-15",
        "phone": "13800000001",
        "employment": "retired",
        "education": "primary",
        "health": "chronic_illness",
        "caregiver": {"name": "张丽", "relation": "daughter", "phone": "13900000002"},
        "guardian": {"name": "张丽", "relation": "daughter"},
        "categories": [("elderly_in_distress", "elderly_living_alone")],
    },
    {
        "name": "李建国",
        "relation_to_head": "spouse",
        "sex": "male",
        "birth": "1948-07-09",
        "employment": "unable_to_work",
        "education": "junior_secondary",
        "disability_type": "physical",
        "disability_grade": "grade_1",
        "health": "disabled",
        "categories": [("severe_disability", None)],
    },
]
HOUSEHOLD_CATEGORIES = [("social_assistance", "assistance_dibao")]
DETAILS = (
    "phone",
    "employment",
    "education",
    "health",
    "caregiver",
    "guardian",
    "disability_type",
    "disability_grade",
)


def _numbers() -> list[str]:
    return [id_number(birth=m["birth"], sex=m["sex"]) for m in MEMBERS]


def _api_body(numbers: list[str]) -> dict[str, Any]:
    return {
        "region_code": GRID_A1_1,
        "address": ADDRESS,
        **HOUSEHOLD,
        "categories": [{"category": c, "subtype": s} for c, s in HOUSEHOLD_CATEGORIES],
        "members": [
            {
                "name": m["name"],
                "id_number": number,
                "relation_to_head": m["relation_to_head"],
                **{k: m[k] for k in DETAILS if k in m},
                "categories": [{"category": c, "subtype": s} for c, s in m["categories"]],
            }
            for m, number in zip(MEMBERS, numbers, strict=True)
        ],
    }


def _contact_cells(header: str, contact: dict[str, str] | None) -> dict[str, str]:
    """A contact in its three columns, the relation by its Chinese label as people write it."""
    labels = {"daughter": "女儿"}
    contact = contact or {}
    return {
        f"{header}姓名": contact.get("name", ""),
        f"{header}关系": labels.get(contact.get("relation", ""), ""),
        f"{header}电话": contact.get("phone", ""),
    }


def _file(numbers: list[str]) -> bytes:
    rows = []
    for position, (m, number) in enumerate(zip(MEMBERS, numbers, strict=True)):
        pairs = [*(HOUSEHOLD_CATEGORIES if position == 0 else []), *m["categories"]]
        row = {
            "户编号": "F1",
            "所属区划代码": GRID_A1_1,
            "家庭住址": ADDRESS,
            "姓名": m["name"],
            "身份证号": number,
            "与户主关系": m["relation_to_head"],
            "联系电话": m.get("phone", ""),
            "就业状况": m["employment"],
            "文化程度": m["education"],
            "健康状况": m.get("health", ""),
            **_contact_cells("照料人", m.get("caregiver")),
            **_contact_cells("监护人", m.get("guardian")),
            "残疾类别": m.get("disability_type", ""),
            "残疾等级": m.get("disability_grade", ""),
            "困难类别": ";".join(c for c, _ in pairs),
            "困难子类": ";".join(s for _, s in pairs if s),
        }
        if position == 0:
            row |= {
                "户籍地": HOUSEHOLD["hukou_place"],
                "户籍地区划代码": HOUSEHOLD["hukou_region_code"],
                "户籍类型": HOUSEHOLD["hukou_type"],
                "来城市居住日期": HOUSEHOLD["settled_since"],
                "致困原因": ";".join(HOUSEHOLD["causes"]),
                "帮扶需求": ";".join(HOUSEHOLD["needs"]),
                "已享受政策": ";".join(HOUSEHOLD["benefits"]),
                "未帮扶原因": HOUSEHOLD["no_help_reason"],
                "基本情况": HOUSEHOLD["basic_situation"],
            }
        rows.append(row)
    return csv_file(rows)


_SKIPPED = {"id", "created_at", "updated_at", "recorded_at", "occurred_at", "request_id"}
_PERSONAL_IDS = {"id_number_cipher", "id_number_key_id", "id_number_index"}


def _plain(row: Any, persons: dict[Any, str], skip: set[str] = _SKIPPED) -> dict[str, Any]:
    """A row's columns with ids of the family's persons as their names and other ids left out."""
    values: dict[str, Any] = {}
    for column in row.__table__.columns:
        value = getattr(row, column.key)
        if column.key in skip | _PERSONAL_IDS or column.key == "household_id":
            continue
        values[column.key] = persons.get(value, value) if isinstance(value, uuid.UUID) else value
    return values


def _changes(changes: dict[str, Any], persons: dict[str, str]) -> dict[str, Any]:
    """A history entry's changes with person ids as names, the masked ID number and the
    import's id left out (both are ids)."""
    text = {str(k): v for k, v in persons.items()}

    def named(value: Any) -> Any:
        if isinstance(value, str):
            return text.get(value, value)
        if isinstance(value, list):
            return [named(v) for v in value]
        if isinstance(value, dict):
            return {k: named(v) for k, v in value.items()}
        return value

    return {k: named(v) for k, v in changes.items() if k not in ("id_number", "import_id")}


async def _snapshot(app: FastAPI, household_id: uuid.UUID) -> dict[str, Any]:
    """Everything the creation left, ids aside."""
    async with app.state.services.database.sessionmaker() as session:
        household = await session.get(Household, household_id)
        assert household is not None
        members = list(
            await session.scalars(select(Membership).where(Membership.household_id == household_id))
        )
        people = {
            p.id: p
            for p in await session.scalars(
                select(Person).where(Person.id.in_([m.person_id for m in members]))
            )
        }
        names = {person_id: person.name for person_id, person in people.items()}

        async def rows(model: Any) -> list[dict[str, Any]]:
            found = await session.scalars(select(model).where(model.household_id == household_id))
            return sorted((_plain(r, names) for r in found), key=repr)

        history = list(
            await session.scalars(
                select(HouseholdChange)
                .where(HouseholdChange.household_id == household_id)
                .order_by(HouseholdChange.id)
            )
        )
        audit = list(
            await session.scalars(
                select(AuditEvent).where(AuditEvent.object_id == str(household_id))
            )
        )
        events = list(
            await session.scalars(
                select(DomainEvent).where(
                    DomainEvent.payload["household_id"].as_string() == str(household_id)
                )
            )
        )
        return {
            "household": _plain(household, names, _SKIPPED | {"address"}),
            "persons": sorted((_plain(p, names) for p in people.values()), key=lambda p: p["name"]),
            "members": await rows(Membership),
            "target_types": await rows(HouseholdTargetType),
            "categories": await rows(HouseholdCategory),
            "codes": await rows(HouseholdCode),
            "needs": await rows(HouseholdNeed),
            "history": [
                (
                    c.action,
                    names.get(c.person_id),
                    c.actor,
                    c.actor_role,
                    _changes(c.changes, names),
                )
                for c in history
            ],
            "audit": [
                (
                    a.action,
                    a.object_type,
                    a.actor,
                    a.role,
                    a.region_code,
                    a.outcome,
                    a.changed_fields,
                )
                for a in audit
            ],
            "events": [
                (e.name, {k: v for k, v in e.payload.items() if k != "household_id"})
                for e in events
            ],
        }


@pytest.fixture
async def seeded(session: AsyncSession) -> None:
    await create_demo_district(session)


@pytest.mark.usefixtures("seeded")
async def test_a_family_entered_by_form_and_by_file_leaves_the_same_ledger(
    app: FastAPI, anonymous: httpx.AsyncClient, settings: Settings
) -> None:
    headers = await bearer(anonymous, "street_officer")
    by_form = await anonymous.post(
        "/api/v1/households", json=_api_body(_numbers()), headers=headers
    )
    assert by_form.status_code == 201, by_form.text
    token = headers["Authorization"].removeprefix("Bearer ")
    uploaded = await upload(anonymous, token, _file(_numbers()))
    assert uploaded.status_code == 202, uploaded.text
    await run_jobs(app)
    [(by_file,)] = await fetch(
        app,
        select(Household.id).where(Household.id != uuid.UUID(by_form.json()["id"])),
    )
    form = await _snapshot(app, uuid.UUID(by_form.json()["id"]))
    file = await _snapshot(app, by_file)
    # Each path numbers its household (一户一档): the next number of the district and year.
    year = business_today().year
    assert form["household"].pop("ledger_number") == f"500112-{year}-000001"
    assert file["household"].pop("ledger_number") == f"500112-{year}-000002"
    # Each says what brought it in (DOMAIN 6): the form, or the import (by its id), and each
    # need instance likewise.
    assert form["household"].pop("intake_source") == "form"
    assert form["household"].pop("intake_source_id") is None
    assert file["household"].pop("intake_source") == "import"
    assert isinstance(file["household"].pop("intake_source_id"), uuid.UUID)
    assert {n.pop("source") for n in form["needs"]} == {"record"}
    assert {n.pop("source") for n in file["needs"]} == {"import"}
    assert {n.pop("source_id") for n in form["needs"]} == {None}
    assert len({n.pop("source_id") for n in file["needs"]}) == 1
    assert sorted(n["code"] for n in form["needs"]) == sorted(HOUSEHOLD["needs"])
    assert beyond_core(form["household"]["missing_fields"]) == []
    assert [a[0] for a in form["audit"]] == ["household.create"]
    assert len(form["history"]) == 3
    for part in form:
        assert file[part] == form[part], part
