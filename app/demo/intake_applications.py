"""Demo applications at the one window (一门受理, DOMAIN 6), one in every state, in 双龙湖街道:
each for a family entered with it (an applicant, `pending`, until accepted; `declined` when
rejected or withdrawn before acceptance), filed by the community worker on a day ten days
ago and carried one step a day by the street officer. Two came with a major illness or an
incident learned of (their home-visit and ledger deadlines), one was filed with the family's
paired worker's help; the approved and closed ones have their home visit due after approval.
"""

from datetime import timedelta
from typing import Any

from app.core.permissions import Role
from app.core.services import Services
from app.demo.households import demo_actor, demo_id_number
from app.households.public import HouseholdCreate
from app.intake.public import (
    ActionIn,
    ApplicationIn,
    ApplicationStep,
    count_applications,
    file_application,
    take_application_step,
)

STREET = "500112001"
GRID = "500112001001002"
WORKER = "community_worker"
OFFICER = "street_officer"
ID_OFFSET = 700
"""Demo ID numbers from this sequence on (the demo households use those below it)."""
Step = ApplicationStep


DEMO_APPLICATIONS: tuple[tuple[str, tuple[tuple[Step, str | None], ...], dict[str, Any]], ...] = (
    ("刘桂芳", (), {"needs": ["basic_living"], "hardship_kind": "major_illness"}),
    ("陈志强", ((Step.accept, None),), {"needs": ["medical", "care"]}),
    ("赵淑珍", ((Step.reject, "not_in_jurisdiction"),), {"needs": ["housing"]}),
    (
        "孙立新",
        ((Step.accept, None), (Step.investigate, None)),
        {"needs": ["employment"], "mode": "assisted_by_paired_worker"},
    ),
    (
        "周玉兰",
        ((Step.accept, None), (Step.investigate, None), (Step.assess, None)),
        {"needs": ["education"]},
    ),
    (
        "吴德明",
        ((Step.accept, None), (Step.investigate, None), (Step.assess, None), (Step.approve, None)),
        {"needs": ["medical"], "hardship_kind": "incident"},
    ),
    (
        "郑丽娟",
        (
            (Step.accept, None),
            (Step.investigate, None),
            (Step.assess, None),
            (Step.not_approve, "income_above_line"),
        ),
        {"needs": ["basic_living"]},
    ),
    (
        "王秀英",
        (
            (Step.accept, None),
            (Step.investigate, None),
            (Step.assess, None),
            (Step.approve, None),
            (Step.close, None),
        ),
        {"needs": ["care", "rehabilitation"]},
    ),
    ("黄建华", ((Step.withdraw, None),), {"needs": ["legal_aid"]}),
)
"""(head's name, steps with their reason, what the application asks): one per state."""


def _family(name: str, number: int) -> HouseholdCreate:
    birth = f"{1950 + number * 3}-0{1 + number % 9}-15"
    return HouseholdCreate.model_validate(
        {
            "region_code": GRID,
            "address": f"双龙湖街道百果园路 {20 + number} 号",
            "hukou_type": "urban",
            "members": [
                {
                    "name": name,
                    "id_number": demo_id_number(birth, "female", ID_OFFSET + number),
                    "relation_to_head": "self",
                }
            ],
        }
    )


async def seed(services: Services, _password: str) -> str:
    """The demo applications, once: nothing when 双龙湖街道 has applications already."""
    worker = await demo_actor(services, WORKER, Role.community_worker, "500112001001")
    officer = await demo_actor(services, OFFICER, Role.street_officer, STREET)
    async with services.database.sessionmaker() as session:
        if await count_applications(session, STREET):
            return "0 new demo applications"
    start = worker.today - timedelta(days=10)
    for number, (name, steps, asks) in enumerate(DEMO_APPLICATIONS):
        hardship = asks.get("hardship_kind")
        data = ApplicationIn(
            household=_family(name, number),
            mode=asks.get("mode", "self"),
            needs=asks["needs"],
            applied_on=start,
            situation="家庭成员患病，收入不足以维持基本生活。",
            hardship_kind=hardship,
            hardship_learned_on=start if hardship else None,
        )
        async with services.database.sessionmaker() as session, session.begin():
            application_id = (await file_application(session, worker, data)).application.id
        for version, (step, reason) in enumerate(steps, start=1):
            note = "申请人本人撤回申请。" if step is Step.withdraw else None
            body = ActionIn(effective_on=start + timedelta(days=version), reason=reason, note=note)
            async with services.database.sessionmaker() as session, session.begin():
                await take_application_step(session, officer, application_id, step, body, version)
    return f"{len(DEMO_APPLICATIONS)} new demo applications, one in every state"
