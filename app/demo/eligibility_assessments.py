"""Demo assessments (DOMAIN 5): the demo policy versions first, then, in 双龙湖街道, an
assessment on the business date of each demo household the demo gives a new target type
(`income_poverty`, `expenditure_poverty`), run by the street's officer under the 2026 demo
version. Their figures pass their type's rules (`household_care`), so each assessment finds
the type the household holds; they are left for an officer to accept
(`POST /assessments/{id}/accept` makes the assessment the decision's source)."""

from app.core.clock import business_today
from app.core.permissions import Role
from app.core.services import Services
from app.demo import eligibility_policies
from app.demo.households import demo_actor
from app.eligibility.public import AssessmentIn, count_assessments, create_assessment
from app.households.public import households_reached, target_types_on

STREET = "500112001"
NEW_TYPES = frozenset({"income_poverty", "expenditure_poverty"})
_REACH = 100


async def seed(services: Services, password: str) -> str:
    """The demo policy versions, then the demo assessments, unless there are some already."""
    policies = await eligibility_policies.seed(services, password)
    async with services.database.sessionmaker() as session:
        if await count_assessments(session):
            return f"{policies}, 0 new demo assessments"
    actor = await demo_actor(services, "street_officer", Role.street_officer, STREET)
    today = business_today()
    made = 0
    async with services.database.sessionmaker() as session, session.begin():
        for household in await households_reached(session, actor, limit=_REACH):
            if await target_types_on(session, household.id, today) & NEW_TYPES:
                await create_assessment(
                    session, actor, household.id, AssessmentIn(reference_date=today)
                )
                made += 1
    return f"{policies}, {made} new demo assessments"
