"""The demo routing table (DOMAIN 7): where each need goes, in how many working days, and
who receives it in Yubei. Most kinds are received by the district's department or partner;
basic living goes to each street's assistance service station (a street's default wins over
the district's for its households). Seeded before intake, so that the demo applications'
acceptance pushes their needs (the Red Cross's `department_officer` receives the medical
ones)."""

from app.core.audit import AuditContext
from app.core.services import Services
from app.demo.organizations import DISTRICT_ORGANIZATIONS
from app.demo.regions import DISTRICT, STREETS
from app.organizations.public import ensure_organization
from app.referrals.public import DefaultIn, RouteIn, ensure_route, set_default_receiver

DEMO_ROUTES = (
    ("medical", "medical_security", 10),
    ("medical", "red_cross", 10),
    ("education", "education", 10),
    ("housing", "housing", 15),
    ("employment", "hr_social_security", 10),
    ("basic_living", "street_assistance_station", 5),
    ("care", "social_work_agency", 5),
    ("psychological", "social_work_agency", 5),
    ("legal_aid", "social_service_organization", 10),
    ("rehabilitation", "health", 10),
)
"""(need, organisation kind, working days): demo values, not a published rule."""
DISTRICT_RECEIVERS = (
    "medical_security",
    "red_cross",
    "education",
    "housing",
    "hr_social_security",
    "social_work_agency",
    "social_service_organization",
    "health",
)
"""Kinds received district-wide by the demo district organisation of that kind (the first
one listed, for the two social-work agencies)."""


async def seed(services: Services, _password: str) -> str:
    """The demo routing table and its default receivers (idempotent)."""
    context = AuditContext(actor="cli", role=None, address=None, user_agent="sanzhu seed-demo")
    district = DISTRICT[0]
    async with services.database.sessionmaker() as session, session.begin():
        for need, kind, days in DEMO_ROUTES:
            route = RouteIn(need_code=need, organization_kind=kind, due_working_days=days)
            await ensure_route(session, context, route)
        defaults = 0
        for kind in DISTRICT_RECEIVERS:
            name = next(n for k, n in DISTRICT_ORGANIZATIONS if k == kind)
            found = await ensure_organization(session, kind=kind, name=name, region_code=district)
            receiver = DefaultIn(
                organization_kind=kind, region_code=district, organization_id=found.id
            )
            await set_default_receiver(session, context, receiver)
            defaults += 1
        for street, (street_name, _communities) in STREETS.items():
            office = await ensure_organization(
                session, kind="street_office", name=f"{street_name}办事处", region_code=street
            )
            station = await ensure_organization(
                session,
                kind="street_assistance_station",
                name=f"{street_name}困难群众救助服务所",
                region_code=street,
                parent_id=office.id,
            )
            receiver = DefaultIn(
                organization_kind="street_assistance_station",
                region_code=street,
                organization_id=station.id,
            )
            await set_default_receiver(session, context, receiver)
            defaults += 1
    return f"{len(DEMO_ROUTES)} referral routes, {defaults} default receivers"
