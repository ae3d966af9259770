"""Demo discovery reports (主动发现, DOMAIN 6) in 双龙湖街道, seeded once, through the public
modules as the API files and triages them:

- a lead with the ID number of the street's first demo household's head, at its address
  written with full-width digits, flagged as its likely duplicate and awaiting triage
  (community worker);
- a major illness learned of yesterday at the second household's address, linked to it
  by the street officer (its ledger deadline met, the home-visit one still open);
- a lead dismissed as not in hardship after a check;
- the demo grid worker's lead about an elderly man hurt in an incident ten days ago,
  whose home-visit and ledger deadlines have passed undone.
"""

from datetime import timedelta

from app.core.clock import business_today
from app.core.permissions import Role
from app.core.services import Services
from app.demo.households import (
    DEMO_HOUSEHOLDS,
    OFFICERS,
    demo_actor,
    demo_id_number,
    index_suffix,
)
from app.demo.regions import STREETS
from app.households.public import likely_household
from app.intake.public import (
    DiscoveryReportIn,
    DismissIn,
    LinkIn,
    count_discovery_reports,
    dismiss_discovery_report,
    file_discovery_report,
    link_discovery_report,
)

STREET = "500112001"
COMMUNITY = "500112001001"
GRID = "500112001001001"


def _address(number: int) -> str:
    """The address of the street's demo household `number` (as `demo.households` writes it)."""
    return f"{STREETS[STREET][0]}演示小区 {number + 1} 栋 {index_suffix(number)}"


def _full_width(text: str) -> str:
    """Digits and spaces as full-width characters (how some leads are typed)."""
    return "".join(
        chr(ord(c) + 0xFEE0) if c.isascii() and c.isdigit() else "\u3000" if c == " " else c
        for c in text
    )


async def seed(services: Services, _password: str) -> str:
    """The four demo reports, unless there are reports already."""
    async with services.database.sessionmaker() as session:
        if await count_discovery_reports(session):
            return "0 new demo discovery reports"
    officer = await demo_actor(services, OFFICERS[STREET], Role.street_officer, STREET)
    community = await demo_actor(services, "community_worker", Role.community_worker, COMMUNITY)
    grid = await demo_actor(services, "grid_worker", Role.grid_worker, GRID)
    today = business_today()
    second = STREET + DEMO_HOUSEHOLDS[1].grid
    head = DEMO_HOUSEHOLDS[0].members[0]
    async with services.database.sessionmaker() as session, session.begin():
        await file_discovery_report(
            session,
            community,
            DiscoveryReportIn(
                region_code=STREET + DEMO_HOUSEHOLDS[0].grid,
                noticed_on=today - timedelta(days=2),
                subject_name="王建国",
                id_number=demo_id_number(head["birth"], head["sex"], 0),
                address=_full_width(_address(0)),
                situation="邻居反映户主病情加重，家中无人照料。",
                urgency="urgent",
                category_guesses=["major_illness_or_incident"],
                needs=["care"],
            ),
        )
        linked = await file_discovery_report(
            session,
            officer,
            DiscoveryReportIn(
                region_code=second,
                noticed_on=today - timedelta(days=1),
                address=_address(1),
                situation="家庭成员突发重病住院，医疗费用负担重。",
                urgency="critical",
                category_guesses=["major_illness_or_incident"],
                hardship_kind="major_illness",
                needs=["medical"],
            ),
        )
        household = await likely_household(
            session,
            id_number_index=None,
            street_code=STREET,
            community_code=second[:12],
            address=_address(1),
        )
        assert household is not None, "seed the demo households first"
        await link_discovery_report(
            session,
            officer,
            linked.id,
            linked.version,
            LinkIn(household_id=household, note="即在册家庭，已补记医疗需求。"),
        )
        dismissed = await file_discovery_report(
            session,
            community,
            DiscoveryReportIn(
                region_code=GRID,
                noticed_on=today - timedelta(days=6),
                address="百果园小区 12 栋 3 单元 302",
                situation="居民反映该户长期无人出入。",
                urgency="routine",
            ),
        )
        await dismiss_discovery_report(
            session,
            officer,
            dismissed.id,
            dismissed.version,
            DismissIn(reason="not_in_hardship", note="经入户核实，住户外出务工，生活正常。"),
        )
        await file_discovery_report(
            session,
            grid,
            DiscoveryReportIn(
                region_code=GRID,
                noticed_on=today - timedelta(days=10),
                subject_name="刘大爷",
                address="百果园小区 7 栋 1 单元 101",
                situation="独居老人买菜途中摔伤，行动不便。",
                urgency="urgent",
                category_guesses=["elderly_in_distress"],
                hardship_kind="incident",
                needs=["care", "medical"],
            ),
        )
    return "4 new demo discovery reports"
