"""Demo policy versions of 渝北区 (DOMAIN 5): a past one and its successor, both published, to
show effective dating, and a draft for next year. Every figure is a demo value: the real 2026
Chongqing dibao standard is not known here, and each description says so. The 2026 version's
L is the one the demo households' figures are made to pass (`household_care`), and its asset
limits hold their assets."""

from datetime import date
from decimal import Decimal

from app.core.permissions import Role
from app.core.services import Services
from app.demo.household_care import DEMO_DIBAO_STANDARD
from app.demo.households import demo_actor
from app.demo.regions import DISTRICT
from app.eligibility.public import (
    PolicyIn,
    PolicyStep,
    count_policy_versions,
    create_policy_version,
    take_policy_step,
)

_WEIGHTS = {
    "income_gap": 30,
    "expenditure_ratio": 20,
    "dependants": 10,
    "elderly": 10,
    "children": 10,
    "disability": 10,
    "major_illness": 10,
}
_LIMITS = {
    "financial_per_capita": "21600.00",
    "vehicles": 0,
    "exempt_vehicle_types": ["disability_vehicle"],
    "real_estate_units": 1,
}
_DEMO_NOTE = (
    "演示数据：L = {l} 元/人·月及各项限额均为示例数值，并非重庆市或渝北区的真实标准。"
    "Demo values: L = {l} yuan per person per month and every limit are examples, not the "
    "real Chongqing or Yubei figures."
)

VERSIONS: tuple[tuple[str, str, date, date | None], ...] = (
    ("渝北区城市低保标准 2025（演示）", "720.00", date(2025, 1, 1), date(2025, 12, 31)),
    ("渝北区城市低保标准 2026（演示）", str(DEMO_DIBAO_STANDARD), date(2026, 1, 1), None),
    ("渝北区城市低保标准 2027 草案（演示）", "800.00", date(2027, 1, 1), None),
)
"""(name, L, effective from, effective to): the 2025 version ends the day before the 2026
one starts; the first two are published, the 2027 one stays a draft."""
PUBLISHED = 2


async def seed(services: Services, _password: str) -> str:
    """The three demo versions, unless there are policy versions already."""
    async with services.database.sessionmaker() as session:
        if await count_policy_versions(session):
            return "0 new demo policy versions"
    district = DISTRICT[0]
    officer = await demo_actor(services, "district_officer", Role.district_officer, district)
    async with services.database.sessionmaker() as session, session.begin():
        for index, (name, standard, start, end) in enumerate(VERSIONS):
            version = await create_policy_version(
                session,
                officer,
                PolicyIn.model_validate(
                    {
                        "region_code": district,
                        "name": name,
                        "description": _DEMO_NOTE.format(l=Decimal(standard)),
                        "effective_from": start,
                        "effective_to": end,
                        "dibao_standard": standard,
                        "asset_limits": _LIMITS,
                        "weights": _WEIGHTS,
                    }
                ),
            )
            if index < PUBLISHED:
                await take_policy_step(session, officer, version.id, PolicyStep.publish, 1)
    return f"{len(VERSIONS)} new demo policy versions, {PUBLISHED} published"
