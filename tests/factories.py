"""Factories: build valid reference data so a test states only what matters to it."""

import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.core.security import PasswordHasher
from app.demo import identity as demo_identity
from app.demo import organizations as demo_organizations
from app.demo import regions as demo_regions
from app.organizations import service as organizations
from app.organizations.models import Organization
from app.regions import service as regions

STREET_A = "500112001"
STREET_B = "500112002"
COMMUNITY_A1 = "500112001001"
GRID_A1_1 = "500112001001001"
GRID_A1_2 = "500112001001002"


DEMO_PASSWORD = "Test-Demo-Password-9"
CHEAP_HASHER = PasswordHasher(1024)


async def create_demo_district(session: AsyncSession) -> None:
    """Yubei with its streets, communities, grids, organizations, demo users and clients, committed."""
    await demo_regions.save_all(session)
    await demo_organizations.save_all(session)
    await demo_identity.save_all(session, CHEAP_HASHER, DEMO_PASSWORD)
    await session.commit()


async def create_region(session: AsyncSession, code: str, name: str | None = None) -> None:
    await regions.save_region(session, code, name or f"区划{code}")
    await session.commit()


async def create_organization(
    session: AsyncSession,
    *,
    kind: str = "red_cross",
    region_code: str = "500112",
    name: str | None = None,
    parent_id: uuid.UUID | None = None,
) -> Organization:
    organization = await organizations.ensure(
        session,
        kind=kind,
        name=name or f"机构{uuid.uuid4().hex[:8]}",
        region_code=region_code,
        parent_id=parent_id,
    )
    await session.commit()
    return organization


async def load_calendar_year(
    session: AsyncSession,
    year: int,
    *,
    holidays: dict[str, str],
    working_days: dict[str, str] | None = None,
    source: str | None = None,
) -> None:
    """Load a whole official year (`{"YYYY-MM-DD": name}`), committed."""
    from app.workdays import service as workdays
    from app.workdays.schemas import CalendarYearIn

    data = CalendarYearIn.model_validate(
        {
            "year": year,
            "source": source or f"国办发明电〔{year - 1}〕测试号",
            "holidays": [{"date": d, "name": n} for d, n in holidays.items()],
            "working_days": [{"date": d, "name": n} for d, n in (working_days or {}).items()],
        }
    )
    await workdays.load_year(session, data)
    await session.commit()


async def set_calendar_day(
    session: AsyncSession, day: str, *, is_working_day: bool, name: str | None = None
) -> None:
    """Correct a single calendar day (an override), committed."""
    from datetime import date

    from app.workdays import service as workdays

    await workdays.set_day(
        session, date.fromisoformat(day), is_working_day=is_working_day, name=name
    )
    await session.commit()


async def add_dictionary_code(
    session: AsyncSession,
    table: str = "hardship_cause",
    code: str | None = None,
    *,
    label_zh: str = "本地新增原因",
    label_en: str = "Locally added cause",
) -> str:
    """Add a code to an extensible code table, committed; returns the code."""
    from app.dictionaries import service as dictionaries

    code = code or f"local_{uuid.uuid4().hex[:8]}"
    await dictionaries.add_code(session, table, code, label_zh, label_en)
    await session.commit()
    return code


async def assign_household(
    app: Any,
    household_id: uuid.UUID,
    *,
    social_worker: str | None = "social_worker",
    agency_name: str = "渝北区同心社会工作服务中心",
    active: bool = True,
) -> Any:
    """An assignment of a household to an agency (and worker) through the ledger service, committed.

    It acts as the household's street officer; with `active=False` the
    assignment is ended at once (an earlier assignment, kept as history).
    """
    from sqlalchemy import select

    from app.households.models import Household
    from app.households.stewardship import assignments
    from app.identity import users

    async with app.state.services.database.sessionmaker() as session, session.begin():
        region = (
            await session.execute(select(Household.region_code).where(Household.id == household_id))
        ).scalar_one()
        agency = (
            await session.execute(select(Organization.id).where(Organization.name == agency_name))
        ).scalar_one()
        worker = await users.find(session, social_worker) if social_worker else None
    actor = await ledger_actor(
        app, "street_officer_2" if region.startswith(STREET_B) else "street_officer"
    )
    async with app.state.services.database.sessionmaker() as session, session.begin():
        assignment = await assignments.assign(
            session, actor, household_id, agency, worker.id if worker else None
        )
        if not active:
            await assignments.end(session, actor, household_id, assignment.id)
    return assignment


GRID_B1_1 = "500112002001001"
_SEQUENCE = iter(range(1, 10**6))


def id_number(
    *,
    region: str = "500112",
    birth: str = "1950-03-15",
    sex: str = "female",
    seq: int | None = None,
) -> str:
    """A valid GB 11643 ID number with this birth date and sex; each call gives a new one unless `seq` is fixed."""
    from app.core.id_numbers import check_character

    number = seq if seq is not None else next(_SEQUENCE)
    order = (number % 500) * 2 + (1 if sex == "male" else 0)
    # Beyond 500 numbers, vary the county digits so the birth date stays as asked.
    county = (int(region[3:6]) + number // 500) % 1000
    first17 = f"{region[:3]}{county:03d}{birth.replace('-', '')}{order:03d}"
    return first17 + check_character(first17)


async def ledger_actor(app: Any, username: str = "street_officer") -> Any:
    """An Actor acting as an existing user (a demo user by default), for factories."""
    from app.core.audit import AuditContext
    from app.core.auth import actor_of
    from app.core.permissions import Role
    from app.core.principals import Principal
    from app.identity import users

    services = app.state.services
    async with services.database.sessionmaker() as session:
        user = await users.find(session, username)
    assert user is not None, f"no user {username!r}; seed the demo district first"
    principal = Principal(
        id=user.id,
        role=Role(user.role),
        scope_region=user.scope_region_code,
        organization_id=user.organization_id,
        is_client=False,
        token_id="factory",
    )
    context = AuditContext(actor=principal.caller_id, role=user.role, address=None, user_agent=None)
    return await actor_of(services, principal, context)


def decision(target_type: str = "dibao", **fields: Any) -> dict[str, Any]:
    """A DecisionIn body: a decision of the district bureau with a date and a reference."""
    return {
        "target_type": target_type,
        "deciding_body": "重庆市渝北区民政局",
        "decided_on": "2026-03-15",
        "reference": f"渝北民〔2026〕{next(_SEQUENCE) % 1000}号",
        **fields,
    }


def with_decisions(fields: dict[str, Any]) -> dict[str, Any]:
    """`target_types=[...]` of a test as the decisions a household is entered with (urban
    hukou unless the test says otherwise)."""
    types = fields.pop("target_types", None)
    if types:
        fields.setdefault("hukou_type", "urban")
        fields["target_type_decisions"] = [decision(t) for t in types]
    return fields


async def create_household(
    app: Any,
    *,
    region: str = GRID_A1_1,
    members: list[dict[str, Any]] | None = None,
    **fields: Any,
) -> Any:
    """A household through the ledger service, committed; by default one member who is its head.

    Needs the demo district (`create_demo_district`); it acts as that street's officer.

    `members` items are MemberIn fields; an `id_number` is generated when left out.
    Other keyword arguments are HouseholdCreate fields (address defaults too);
    `target_types` become decisions (`with_decisions`).
    """
    from app.households.record import service
    from app.households.record.schemas import HouseholdCreate

    people = members if members is not None else [{"name": "张秀英", "relation_to_head": "self"}]
    fields = with_decisions(fields)
    data = HouseholdCreate.model_validate(
        {
            "region_code": region,
            "address": fields.pop("address", f"测试地址 {uuid.uuid4().hex[:6]} 号"),
            "members": [{"id_number": id_number(), **m} for m in people],
            **fields,
        }
    )
    officer = "street_officer_2" if region.startswith(STREET_B) else "street_officer"
    actor = await ledger_actor(app, officer)
    async with app.state.services.database.sessionmaker() as session, session.begin():
        household = await service.create(session, actor, data)
    return household


CORE_FIELDS: dict[str, Any] = {
    "hukou_region_code": "500112",
    "hukou_place": "重庆市渝北区",
    "hukou_type": "urban",
    "settled_since": "2010-03-01",
}
"""The core record fields completeness asks of every household (DOMAIN 4)."""
PAIRED_WORKER = {STREET_A: "community_worker", STREET_B: "community_worker_2"}


async def make_complete(app: Any, household: Any) -> Any:
    """Give a household what completeness asks besides its fields (DOMAIN 4), through the
    ledger's services as its street officer: a plan, a paired worker of its street and an
    income of the head in each of the 12 months before the current one. The head must have
    joined before those months. Returns the household as it then stands."""
    from app.finances import service as finances
    from app.finances.months import add_months, month_of
    from app.finances.schemas import IncomeIn
    from app.households.models import Household
    from app.households.stewardship import assignments, plans
    from app.households.stewardship.schemas import PlanIn
    from app.identity import users

    street = household.region_code[:9]
    officer = "street_officer_2" if street == STREET_B else "street_officer"
    actor = await ledger_actor(app, officer)
    services = app.state.services
    async with services.database.sessionmaker() as session, session.begin():
        worker = await users.find(session, PAIRED_WORKER[street])
        assert worker is not None
        last = add_months(month_of(actor.today), -1)
        months = finances.month_range(add_months(last, -11), last, actor.today)
        incomes = [
            IncomeIn(
                person_id=household.head_person_id,
                month=add_months(months.first, step),
                source="wages",
                amount="0.00",
            )
            for step in range(12)
        ]
        ref, _ = await finances.replace_incomes(
            session, actor, household.id, months, incomes, household.version
        )
        await plans.revise(session, actor, household.id, PlanIn(goals="稳定基本生活"), None)
        await assignments.pair(session, actor, household.id, worker.id, ref.version)
    async with services.database.sessionmaker() as session:
        found = await session.get(Household, household.id)
    return found


async def create_complete_household(
    app: Any, *, region: str = GRID_A1_1, members: list[dict[str, Any]] | None = None, **fields: Any
) -> Any:
    """A household complete in every core field (`make_complete`); `fields` must make its
    categories complete too."""
    people = members if members is not None else [{"name": "张秀英", "relation_to_head": "self"}]
    household = await create_household(
        app,
        region=region,
        members=[{"joined_on": "2020-01-01", **m} for m in people],
        **{**CORE_FIELDS, **fields},
    )
    return await make_complete(app, household)
