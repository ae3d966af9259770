"""Demo home visits, deadlines and inbox items (DOMAIN 6; Yubei 3(5)).

In 双龙湖街道, among the households assigned to the agency's social worker: a hardship
learned of a week ago on the first, visited by the social worker on the visit's due day
(its 1-working-day deadline met), whose 2-working-day ledger deadline has passed undone
(missed); on the second, a hardship learned of today, its home visit due on the next
working day (approaching), and a visit scheduled for the community worker (which, not
being a social-work agency's, would meet no deadline). The users' inboxes get what
concerns them: the assignments, the recorded visit, the missed and the approaching
deadlines. Seeded through the intake services and the other domains' public modules.
"""

from datetime import timedelta

from app.core.clock import business_today
from app.core.permissions import Role
from app.core.services import Services
from app.demo.households import demo_actor
from app.households.public import households_reached
from app.intake.public import (
    DeadlineKind,
    HomeVisitIn,
    HomeVisitRecordIn,
    any_visits,
    miss_deadlines_on,
    open_deadline,
    record_home_visit,
    remind_deadlines_on,
    schedule_home_visit,
)

STREET = "500112001"
COMMUNITY = "500112001001"


async def seed(services: Services, _password: str) -> str:
    """Once (while there is no home visit yet): the visits, deadlines and inbox items above."""
    async with services.database.sessionmaker() as session:
        if await any_visits(session):
            return "0 new home visits"
    officer = await demo_actor(services, "street_officer", Role.street_officer, STREET)
    social = await demo_actor(services, "social_worker", Role.social_worker, None)
    community = await demo_actor(services, "community_worker", Role.community_worker, COMMUNITY)
    today = business_today()
    learned_on = today - timedelta(days=7)
    async with services.database.sessionmaker() as session, session.begin():
        homes = await households_reached(session, social, limit=2)
        if len(homes) < 2:
            return "0 new home visits"
        first, second = homes
        visit_due = await open_deadline(
            session,
            DeadlineKind.visit_after_hardship,
            learned_on,
            region_code=first.region_code,
            household_id=first.id,
            responsible_user_id=social.principal.id,
        )
        await open_deadline(
            session,
            DeadlineKind.ledger_after_hardship,
            learned_on,
            region_code=first.region_code,
            household_id=first.id,
            responsible_user_id=officer.principal.id,
        )
        done = await schedule_home_visit(
            session,
            officer,
            HomeVisitIn(
                household_id=first.id, visitor_id=social.principal.id, scheduled_on=learned_on
            ),
        )
        await record_home_visit(
            session,
            social,
            done.id,
            done.version,
            HomeVisitRecordIn(
                visited_on=visit_due.due_on,
                living_situation="户主突发重病住院，配偶在家照料，家中收入中断。",
                needs_found=["medical", "care"],
                assessment="急需医疗救助和临时照料；收入中断期间需临时救助。",
            ),
        )
        await open_deadline(
            session,
            DeadlineKind.visit_after_hardship,
            today,
            region_code=second.region_code,
            household_id=second.id,
            responsible_user_id=social.principal.id,
        )
        await schedule_home_visit(
            session,
            officer,
            HomeVisitIn(
                household_id=second.id,
                visitor_id=community.principal.id,
                scheduled_on=today + timedelta(days=1),
            ),
        )
        await miss_deadlines_on(session, today)
        await remind_deadlines_on(session, today)
    return "2 new home visits"
