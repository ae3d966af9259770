"""Demo ledger: in every street, households of every target type and every vulnerability category.

Seeded through the ledger's public surface (so completeness, history, audit
and events are real), acting as each street's demo officer, with twelve
months of incomes for some through the finances domain. Dibao, tekun and
registered hardship are decisions of the district bureau with a date and a
reference, each household of urban hukou (Yubei 3(1)); the new target types
(`income_poverty`, `expenditure_poverty`) come from an assessment, which has
its own issue; until then the demo records them as an assessment without one.
Every category fits its person (`households.plausibility`). Every household is
complete: hukou in the district, settled for years, members who joined before the
income window, and what `household_care` adds.
"""

import uuid
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from app.core.audit import AuditContext
from app.core.auth import Actor, actor_of
from app.core.db import WriteSession
from app.core.id_numbers import check_character
from app.core.permissions import Role
from app.core.principals import Principal
from app.core.services import Services
from app.demo.household_care import (
    ASSIGNED_STREET,
    CARE,
    PAIRED_WORKERS,
    add_care,
    open_to_social_worker,
)
from app.demo.regions import DISTRICT, STREETS
from app.households.public import (
    ExitBasisIn,
    ExitProposalIn,
    HouseholdCreate,
    HouseholdRef,
    MeasureIn,
    TransferRequestIn,
    confirm_exit,
    count_in_region,
    create_household,
    file_document,
    file_transfer_request,
    propose_exit,
    record_assessed_types,
    record_measure,
)
from app.identity.public import find_user
from app.organizations.public import ensure_organization

OFFICERS = {"500112001": "street_officer", "500112002": "street_officer_2"}
SOCIAL_WORKER = "social_worker"


@dataclass(frozen=True, slots=True)
class DemoHousehold:
    grid: str
    """Suffix of the grid under the street, e.g. "001001"."""
    decisions: tuple[dict[str, Any], ...]
    """Decisions of the existing procedures the household holds (body, date, reference)."""
    assessed_types: tuple[str, ...]
    record: dict[str, Any]
    members: tuple[dict[str, Any], ...]
    settled_since: str = "2010-03-01"
    categories: tuple[dict[str, Any], ...] = field(default_factory=tuple)


BUREAU = "重庆市渝北区民政局"


def _decision(target_type: str, decided_on: str, reference: str) -> dict[str, Any]:
    return {
        "target_type": target_type,
        "deciding_body": BUREAU,
        "decided_on": decided_on,
        "reference": reference,
    }


def _person(name: str, birth: str, sex: str, relation: str, **details: Any) -> dict[str, Any]:
    return {"name": name, "birth": birth, "sex": sex, "relation_to_head": relation, **details}


DEMO_HOUSEHOLDS = (
    DemoHousehold(
        grid="001001",
        decisions=(_decision("dibao", "2025-03-15", "渝北民低保〔2025〕0315号"),),
        assessed_types=(),
        record={
            "causes": ["illness", "lack_of_labour"],
            "needs": ["medical", "basic_living"],
            "benefits": ["dibao", "medical_assistance"],
            "hukou_type": "urban",
        },
        categories=({"category": "social_assistance", "subtype": "assistance_dibao"},),
        members=(
            _person(
                "王建国",
                "1968-04-12",
                "male",
                "self",
                employment="unable_to_work",
                education="junior_secondary",
                health="major_illness",
            ),
            _person(
                "李秀兰",
                "1970-09-03",
                "female",
                "spouse",
                employment="flexibly_employed",
                education="primary",
                health="healthy",
            ),
        ),
    ),
    DemoHousehold(
        grid="001002",
        decisions=(_decision("tekun", "2024-06-20", "渝北民特困〔2024〕0620号"),),
        assessed_types=(),
        record={
            "causes": ["old_age"],
            "needs": ["care", "medical"],
            "benefits": ["tekun_support"],
            "hukou_type": "urban",
        },
        members=(
            _person(
                "赵德明",
                "1938-01-20",
                "male",
                "self",
                health="chronic_illness",
                caregiver={"name": "陈桂兰", "relation": "neighbour", "phone": "13800000101"},
                guardian={"name": "赵强", "relation": "relative", "phone": "13800000102"},
                categories=[{"category": "elderly_in_distress", "subtype": "elderly_living_alone"}],
            ),
        ),
    ),
    DemoHousehold(
        grid="002001",
        decisions=(_decision("registered_hardship", "2025-09-01", "渝北民建档〔2025〕0901号"),),
        assessed_types=(),
        record={
            "causes": ["family_breakdown"],
            "needs": ["education", "psychological"],
            "benefits": [],
            "no_help_reason": "pending_review",
            "hukou_type": "urban",
        },
        members=(
            _person(
                "孙丽",
                "1985-06-30",
                "female",
                "self",
                employment="employed",
                education="senior_secondary",
                health="healthy",
            ),
            _person(
                "孙小雨",
                "2014-03-08",
                "female",
                "child",
                schooling="in_school",
                school="百果园小学",
                parents_situation="divorced",
                health="healthy",
                guardian={"name": "孙丽", "relation": "parent"},
                categories=[{"category": "child_in_distress", "subtype": "child_in_distress"}],
            ),
        ),
        settled_since="2012-09-01",
    ),
    DemoHousehold(
        grid="002002",
        decisions=(),
        assessed_types=("income_poverty",),
        record={
            "causes": ["disability"],
            "needs": ["rehabilitation", "employment"],
            "benefits": ["job_referral"],
            "hukou_type": "urban",
        },
        members=(
            _person(
                "周志强",
                "1979-11-11",
                "male",
                "self",
                employment="unemployed",
                education="vocational",
                health="disabled",
                disability_type="physical",
                disability_grade="grade_2",
                categories=[{"category": "severe_disability"}],
            ),
        ),
    ),
    DemoHousehold(
        grid="001001",
        decisions=(),
        assessed_types=("expenditure_poverty",),
        record={
            "causes": ["illness", "accident"],
            "needs": ["medical"],
            "basic_situation": "户主车祸后长期住院，医疗支出大。",
            "emergency_situation": "需在本月缴纳手术费。",
            "hukou_type": "urban",
        },
        categories=({"category": "major_illness_or_incident"},),
        members=(
            _person(
                "吴海",
                "1975-02-14",
                "male",
                "self",
                employment="unable_to_work",
                health="major_illness",
            ),
            _person(
                "吴晨", "2003-08-21", "male", "child", employment="student", education="college"
            ),
        ),
        settled_since="2003-06-15",
    ),
    DemoHousehold(
        grid="002001",
        decisions=(),
        assessed_types=(),
        record={
            "causes": ["other"],
            "needs": ["housing"],
            "basic_situation": "租住危旧房。",
            "emergency_situation": "房屋漏雨，需尽快修缮。",
            "hukou_type": "urban",
        },
        categories=({"category": "other"},),
        members=(_person("郑芳", "1990-12-01", "female", "self", employment="flexibly_employed"),),
    ),
)


@dataclass(frozen=True, slots=True)
class DemoMeasure:
    """A measure given to a demo household, by a demo organisation (by kind and name)."""

    code: str
    kind: str
    name: str
    """The organisation's name; `{street}` stands for the street's name."""
    note: str
    amount: Decimal | None = None


DEMO_MEASURES: dict[int, tuple[DemoMeasure, ...]] = {
    0: (
        DemoMeasure("policy_referral", "street_office", "{street}办事处", "按月发放低保金"),
        DemoMeasure(
            "medical_assistance_cash",
            "medical_security",
            "渝北区医疗保障局",
            "落实医疗救助",
            Decimal("1200.00"),
        ),
    ),
    1: (
        DemoMeasure(
            "care_service", "social_work_agency", "渝北区同心社会工作服务中心", "社工每周探访"
        ),
    ),
    3: (
        DemoMeasure("rehabilitation_service", "designated_hospital", "渝北区人民医院", "康复服务"),
    ),
    4: (
        DemoMeasure(
            "temporary_assistance_cash",
            "charity_federation",
            "渝北区慈善会",
            "突发车祸，发放临时救助金",
            Decimal("800.00"),
        ),
    ),
    5: (DemoMeasure("resource_referral", "street_office", "{street}办事处", "协调公租房申请"),),
}
"""Measures given, by position in `DEMO_HOUSEHOLDS` (its plan's first item is what they carry
out, where it has a plan)."""

EXITING = 5
"""The demo household that left the ledger: proposed on a follow-up visit, confirmed."""


def demo_id_number(birth: str, sex: str, sequence: int) -> str:
    """A valid, deterministic demo ID number registered in Yubei."""
    order = sequence * 2 + (1 if sex == "male" else 0)
    first17 = f"500112{birth.replace('-', '')}{order % 1000:03d}"
    return first17 + check_character(first17)


async def demo_actor(services: Services, username: str, role: Role, scope: str | None) -> Actor:
    """A demo user as an actor of the given role and scope, as a signed-in request would be."""
    async with services.database.sessionmaker() as session:
        user = await find_user(session, username)
    if user is None:
        raise LookupError("seed the demo users first")
    principal = Principal(
        id=user.id,
        role=role,
        scope_region=scope,
        organization_id=user.organization_id,
        is_client=False,
        token_id="seed-demo",  # noqa: S106 (a label, not a secret)
    )
    context = AuditContext(
        actor=principal.caller_id, role=role.value, address=None, user_agent="sanzhu seed-demo"
    )
    return await actor_of(services, principal, context)


async def _user_id(session: WriteSession, username: str) -> uuid.UUID:
    user = await find_user(session, username)
    if user is None:
        raise LookupError("seed the demo users first")
    return user.id


def _joined(spec: DemoHousehold, person: dict[str, Any]) -> str:
    """A member joined when the household settled, or at birth if born since."""
    return max(spec.settled_since, str(person["birth"]))


async def _seed_street(
    session: WriteSession, actor: Actor, street: str, offset: int
) -> list[HouseholdRef]:
    """The street's demo households, in the order of `DEMO_HOUSEHOLDS`."""
    worker = await _user_id(session, PAIRED_WORKERS[street])
    created = []
    for number, (spec, care) in enumerate(zip(DEMO_HOUSEHOLDS, CARE, strict=True)):
        members = [
            {
                **{k: v for k, v in person.items() if k not in ("birth",)},
                "joined_on": _joined(spec, person),
                "id_number": demo_id_number(
                    person["birth"], person["sex"], offset + number * 10 + index
                ),
            }
            for index, person in enumerate(spec.members)
        ]
        data = HouseholdCreate.model_validate(
            {
                "region_code": street + spec.grid,
                "address": f"{STREETS[street][0]}演示小区 {number + 1} 栋 {index_suffix(number)}",
                "target_type_decisions": list(spec.decisions),
                "categories": list(spec.categories),
                "members": members,
                "hukou_region_code": "500112",
                "hukou_place": "重庆市渝北区",
                "settled_since": spec.settled_since,
                **spec.record,
            }
        )
        household = await create_household(session, actor, data)
        if spec.assessed_types:
            household = await record_assessed_types(
                session, actor, household.id, list(spec.assessed_types), None
            )
        created.append(await add_care(session, actor, household, care, worker))
        if number == 0:
            await file_document(
                session,
                actor,
                household.id,
                DEMO_AUTHORISATION,
                kind="authorisation",
                file_name="授权委托书（演示）.pdf",
                note="演示：社区代为申请的授权委托书",
            )
        for measure in DEMO_MEASURES.get(number, ()):
            await _give(session, actor, household.id, street, measure)
    return created


DEMO_AUTHORISATION = (
    b"%PDF-1.4\n"
    b"1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
    b"2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n"
    b"3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
    b"/Resources << /Font << /F1 5 0 R >> >> >> endobj\n"
    b"4 0 obj << /Length 59 >> stream\n"
    b"BT /F1 24 Tf 72 760 Td (Authorisation - Sanzhu demo) Tj ET\n"
    b"endstream endobj\n"
    b"5 0 obj << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> endobj\n"
    b"trailer << /Root 1 0 R >>\n%%EOF\n"
)
"""A one-page PDF: the first demo household of each street has its authorisation on file."""


async def _give(
    session: WriteSession, actor: Actor, household_id: uuid.UUID, street: str, spec: DemoMeasure
) -> None:
    in_street = spec.kind == "street_office"
    organization = await ensure_organization(
        session,
        kind=spec.kind,
        name=spec.name.format(street=STREETS[street][0]),
        region_code=street if in_street else DISTRICT[0],
    )
    data = MeasureIn(
        code=spec.code,
        given_on=actor.today,
        organization_id=organization.id,
        amount=spec.amount,
        note=spec.note,
    )
    await record_measure(session, actor, household_id, data)


async def _exit(session: WriteSession, actor: Actor, household_id: uuid.UUID) -> None:
    basis = ExitBasisIn(code="follow_up_visit", on=actor.today, note="入户回访：已另租新房。")
    proposal = await propose_exit(
        session,
        actor,
        household_id,
        ExitProposalIn(reason="moved_out", note="迁往外区居住。", basis=basis),
    )
    await confirm_exit(session, actor, household_id, proposal.id)


def index_suffix(number: int) -> str:
    return f"{number % 3 + 1} 单元 {number % 6 + 1}01"


async def seed(services: Services, _password: str) -> str:
    """Create the demo households of each street that has none yet; in 双龙湖街道 the
    social worker's agency signs the agreement, the worker acknowledges it and gets the
    street's first three households; one household per street leaves the ledger; once both
    streets are new, one pending transfer request between them."""
    new: dict[str, list[HouseholdRef]] = {}
    for offset, street in enumerate(STREETS):
        actor = await demo_actor(services, OFFICERS[street], Role.street_officer, street)
        social = await demo_actor(services, SOCIAL_WORKER, Role.social_worker, None)
        async with services.database.sessionmaker() as session, session.begin():
            if await count_in_region(session, actor, street):
                continue
            households = await _seed_street(session, actor, street, offset * 100)
            new[street] = households
            if street == ASSIGNED_STREET:
                agency = social.principal.organization_id
                assert agency is not None
                await open_to_social_worker(session, actor, social, agency, households[:3])
            await _exit(session, actor, households[EXITING].id)
    first, second = list(STREETS)[:2]
    if first in new and second in new:
        await _seed_transfer_request(services, first, new[first][0].id)
    return f"{sum(len(h) for h in new.values())} new demo households"


async def _seed_transfer_request(services: Services, street: str, into: uuid.UUID) -> None:
    """The second street's first spouse (李秀兰) has moved in with family in the first
    street, whose officer asks for her; the second street has yet to answer (DOMAIN 4)."""
    actor = await demo_actor(services, OFFICERS[street], Role.street_officer, street)
    spouse = DEMO_HOUSEHOLDS[0].members[1]
    number = demo_id_number(spouse["birth"], spouse["sex"], 100 + 1)
    async with services.database.sessionmaker() as session, session.begin():
        await file_transfer_request(
            session,
            actor,
            TransferRequestIn(
                id_number=number,
                to_household_id=into,
                relation_to_head="other",
                reason="已随亲属迁居双龙湖街道，实际居住满三个月，申请迁入本街道台账。",
            ),
        )
