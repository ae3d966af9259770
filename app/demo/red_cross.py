"""Demo terms of the Red Cross major-illness aid in 渝北区 (Yubei 3(3)1(3)) for 2026.

The seed names neither a rate nor a cap ("给予一定救助"): 50 % of the self-paid part within the
policy's scope, at most 20,000 yuan per household a year, are demo values, and the note says
so."""

from datetime import date
from decimal import Decimal

from app.core.permissions import Role
from app.core.services import Services
from app.demo.households import demo_actor
from app.demo.regions import DISTRICT
from app.red_cross.public import TermsIn, count_terms, create_aid_terms

DEMO_RATE_PERCENT = Decimal("50.00")
DEMO_YEARLY_CAP = Decimal("20000.00")
_NOTE = (
    "演示数据：救助比例 50%、年度上限 20000 元为示例数值，种子文件未规定具体标准。"
    "Demo values: the seed sets no rate or cap."
)


async def seed(services: Services, _password: str) -> str:
    """The 2026 terms of the demo district, unless there are terms already."""
    async with services.database.sessionmaker() as session:
        if await count_terms(session):
            return "0 new Red Cross aid terms"
    district = DISTRICT[0]
    officer = await demo_actor(services, "district_officer", Role.district_officer, district)
    async with services.database.sessionmaker() as session, session.begin():
        await create_aid_terms(
            session,
            officer,
            TermsIn(
                district_code=district,
                rate_percent=DEMO_RATE_PERCENT,
                yearly_cap=DEMO_YEARLY_CAP,
                effective_from=date(2026, 1, 1),
                effective_to=date(2026, 12, 31),
                note=_NOTE,
            ),
        )
    return "1 new Red Cross aid terms"
