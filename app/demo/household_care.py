"""What the demo households hold besides their record: incomes, rigid expenditures, assets,
a plan, a paired worker and (in 双龙湖街道) an assignment to the social worker whose agency
has signed the street's confidentiality agreement (README's demo users).

The figures make each household pass its own type's rules (DOMAIN 5) against a demo urban
dibao standard `DEMO_DIBAO_STANDARD`, the L of the demo policy version of 2026
(`eligibility_policies`):
per-capita monthly income I/(12n) within 1x-2x of it for the income type and 1x-5x for the
expenditure type, and rigid expenditure (net of reimbursement) R < 1.5 I, respectively
R >= 1.5 I, over the 12 months before the current one.
"""

import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from app.confidentiality.public import AgreementIn, acknowledge, record_agreement
from app.core.auth import Actor
from app.core.db import WriteSession
from app.finances.public import (
    AssetIn,
    ExpenditureIn,
    IncomeIn,
    add_months,
    month_of,
    month_range,
    replace_assets,
    replace_expenditures,
    replace_incomes,
)
from app.households.public import (
    HouseholdRef,
    PlanIn,
    assign_household,
    pair_worker,
    revise_plan,
)

DEMO_DIBAO_STANDARD = Decimal("770.00")
"""L: the urban dibao standard the demo assumes, yuan per person per month (渝北区 2026)."""
PAIRED_WORKERS = {"500112001": "community_worker", "500112002": "community_worker_2"}
ASSIGNED_STREET = "500112001"
"""The street whose agreement with 渝北区同心社会工作服务中心 the demo records."""


@dataclass(frozen=True, slots=True)
class Care:
    """One demo household's monthly figures, assets and plan."""

    income_source: str
    monthly_income: Decimal
    expenditures: tuple[tuple[str, Decimal, Decimal], ...]
    """(kind, gross, reimbursed) every month."""
    assets: tuple[dict[str, object], ...]
    goals: str


def _deposit(value: str) -> dict[str, object]:
    return {
        "kind": "financial_asset",
        "description": "银行活期存款",
        "value": Decimal(value),
        "ownership_share": Decimal("100.00"),
        "financial_type": "deposit",
    }


D = Decimal
CARE = (
    Care(
        "wages",
        D("1200.00"),
        (("medical", D("800.00"), D("500.00")),),
        (_deposit("3000.00"),),
        "稳定低保待遇，落实慢性病医疗救助。",
    ),
    Care(
        "transfer",
        D("1100.00"),
        (("medical", D("300.00"), D("200.00")),),
        (_deposit("2000.00"),),
        "保障特困供养，每周探访照料。",
    ),
    Care(
        "wages",
        D("2300.50"),
        (("education", D("400.00"), D("0.00")),),
        (
            {
                "kind": "real_estate",
                "description": "与前夫共有的住房",
                "value": D("180000.00"),
                "ownership_share": D("50.00"),
                "area_m2": D("45.50"),
            },
        ),
        "孩子心理疏导，协助母亲稳定就业。",
    ),
    # Income type: 800.00 per head and month, within 770-1540; R = 1800 < 1.5 x 9600.
    Care(
        "wages",
        D("800.00"),
        (("medical", D("300.00"), D("150.00")),),
        (
            {
                "kind": "vehicle",
                "description": "残疾人专用代步车",
                "value": D("8000.00"),
                "ownership_share": D("100.00"),
                "vehicle_type": "disability_vehicle",
                "count": 1,
            },
        ),
        "康复训练与就业推荐。",
    ),
    # Expenditure type: 1550.00 per head and month, within 770-3850;
    # R = 12 x (4200 + 500) = 56400 >= 1.5 x 37200 = 55800.
    Care(
        "wages",
        D("3100.00"),
        (("medical", D("6000.00"), D("1800.00")), ("education", D("500.00"), D("0.00"))),
        (_deposit("5000.00"),),
        "落实医疗救助和临时救助，减轻住院负担。",
    ),
    Care(
        "wages",
        D("1900.00"),
        (("disaster", D("150.00"), D("50.00")),),
        (
            {
                "kind": "other",
                "description": "家具家电",
                "value": D("1000.00"),
                "ownership_share": D("100.00"),
            },
        ),
        "协助申请公租房，改善居住条件。",
    ),
)


async def add_care(
    session: WriteSession,
    actor: Actor,
    household: HouseholdRef,
    care: Care,
    worker_id: uuid.UUID,
) -> HouseholdRef:
    """Twelve months of income and expenditure before the current month, the assets, the
    first plan and the paired worker, each as the API writes them."""
    last = add_months(month_of(actor.today), -1)
    months = month_range(add_months(last, -11), last, actor.today)
    every = [add_months(months.first, step) for step in range(12)]
    incomes = [
        IncomeIn(
            person_id=household.head_person_id,
            month=m,
            source=care.income_source,
            amount=care.monthly_income,
        )
        for m in every
    ]
    household, _ = await replace_incomes(
        session, actor, household.id, months, incomes, household.version
    )
    spent = [
        ExpenditureIn(month=m, kind=kind, gross_amount=gross, reimbursed_amount=back)
        for m in every
        for kind, gross, back in care.expenditures
    ]
    household, _ = await replace_expenditures(
        session, actor, household.id, months, spent, household.version
    )
    assets = [AssetIn.model_validate(a) for a in care.assets]
    household, _ = await replace_assets(session, actor, household.id, assets, household.version)
    await revise_plan(session, actor, household.id, PlanIn(goals=care.goals))
    # One transaction raises a household's version once, so the version stays as it is.
    return await pair_worker(session, actor, household.id, worker_id, household.version)


async def open_to_social_worker(
    session: WriteSession,
    officer: Actor,
    social_worker: Actor,
    agency_id: uuid.UUID,
    households: list[HouseholdRef],
) -> None:
    """The street's agreement with the agency, the worker's own acknowledgement (Beijing 7)
    and the street's households assigned to the worker."""
    today = officer.today
    await record_agreement(
        session,
        officer,
        AgreementIn(
            street_code=ASSIGNED_STREET,
            agency_id=agency_id,
            signed_on=today - timedelta(days=30),
            valid_until=date(today.year + 2, 12, 31),
        ),
    )
    await acknowledge(session, social_worker)
    for household in households:
        await assign_household(
            session, officer, household.id, agency_id, social_worker.principal.id
        )
