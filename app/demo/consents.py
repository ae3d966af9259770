"""Demo consents (PIPL art. 23; DOMAIN 7): in 双龙湖街道's 双龙湖社区, the first demo household
the community worker reaches consents, by its head's signature, to share identity, contact
and health data with 渝北区红十字会 for major-illness aid, for a year from the day given
(in force, until `VALID_DAYS` after it); the second consented to
渝北区慈善会 and withdrew it today (not in force). Recorded through the consents service as
the community worker, who meets the households."""

from datetime import timedelta

from app.consents.public import (
    ConsentIn,
    WithdrawalIn,
    any_consents,
    record_consent,
    withdraw_consent,
)
from app.core.clock import business_today
from app.core.permissions import Role
from app.core.services import Services
from app.demo.households import demo_actor
from app.demo.regions import DISTRICT
from app.households.public import households_reached, members_on
from app.organizations.public import ensure_organization

COMMUNITY = "500112001001"
RED_CROSS = ("red_cross", "渝北区红十字会")
CHARITY = ("charity_federation", "渝北区慈善会")
GIVEN_DAYS_AGO = 30
VALID_DAYS = 365
"""The Red Cross consent's end day, after the day given: a year's aid."""


async def seed(services: Services, _password: str) -> str:
    """Once (while there is no consent yet): the two consents above."""
    async with services.database.sessionmaker() as session:
        if await any_consents(session):
            return "0 new consents"
    actor = await demo_actor(services, "community_worker", Role.community_worker, COMMUNITY)
    today = business_today()
    async with services.database.sessionmaker() as session, session.begin():
        homes = [h for h in await households_reached(session, actor, limit=2) if h.head_person_id]
        if len(homes) < 2:
            return "0 new consents"
        recorded = []
        for home, (kind, name), scope, for_a_year in zip(
            homes,
            (RED_CROSS, CHARITY),
            (["identity_contact", "health_disability"], ["needs_circumstances"]),
            (True, False),
            strict=True,
        ):
            assert home.head_person_id is not None
            earlier = today - timedelta(days=GIVEN_DAYS_AGO)
            given_on = (
                earlier
                if home.head_person_id in await members_on(session, home.id, earlier)
                else today
            )
            organization = await ensure_organization(
                session, kind=kind, name=name, region_code=DISTRICT[0]
            )
            consent = await record_consent(
                session,
                actor,
                home.id,
                ConsentIn(
                    organization_id=organization.id,
                    person_id=home.head_person_id,
                    given_on=given_on,
                    valid_until=given_on + timedelta(days=VALID_DAYS) if for_a_year else None,
                    scope=scope,
                    purpose=f"向{name}提供帮扶所需信息",
                    method="written",
                ),
            )
            recorded.append(consent)
        withdrawn = recorded[1]
        await withdraw_consent(
            session,
            actor,
            withdrawn.id,
            WithdrawalIn(reason="户主表示暂不需要慈善会帮扶，不再同意提供信息"),
            withdrawn.version,
        )
    return "2 new consents (1 withdrawn)"
