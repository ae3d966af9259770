"""The simulation and the single assessment agree (issue 15, Tests): on generated ledgers,
every household's outcome in the simulation, current and new, is the one the single path
(`gather.household_inputs` + `rules.assess`) finds under the same version on the same D.

The ledgers are written through the API (random members, incomes, rigid expenditures,
assets, hukou, residency and registered types, in two streets); the worker runs the
simulation in batches smaller than the ledger, so batches meet, in one part or in several
(each its own job), so parts meet too."""

import random
import uuid
from collections import Counter
from datetime import date
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select

from app.eligibility.gather import household_inputs
from app.eligibility.models import PolicyVersion
from app.eligibility.policies.service import in_force, terms_of
from app.eligibility.rules import assess, score
from app.eligibility.simulations import runner
from app.households.models import Household
from tests.api.eligibility.policies_http import create_policy, published
from tests.api.eligibility.simulations_http import all_changes, simulated
from tests.api.eligibility.test_gather import SPAN, VEHICLE, WINDOW, Ledger, income, member, spent
from tests.api.households.ledger_http import bearer
from tests.factories import GRID_A1_1, GRID_B1_1, create_household, id_number

D = date(2026, 6, 15)
L = 720
HOUSEHOLDS = 16


def _members(rng: random.Random) -> list[dict[str, Any]]:
    """One to four members: the head since 2020, others since 2020 or joined after D; some
    elderly, children, ill or disabled."""
    births = ["1950-03-15", "1985-07-01", "2015-02-28", "1990-11-30"]
    found = []
    for index in range(rng.randint(1, 4)):
        facts: dict[str, Any] = {}
        if rng.random() < 0.3:
            facts["health"] = rng.choice(["major_illness", "chronic_illness"])
        if rng.random() < 0.2:
            facts["disability_grade"] = "grade_2"
        joined = "2020-01-01" if index == 0 or rng.random() < 0.8 else "2026-07-01"
        found.append(
            member(
                f"成员{index}",
                joined,
                "self" if index == 0 else "other",
                id_number=id_number(birth=births[index]),
                **facts,
            )
        )
    return found


async def _household(app: FastAPI, http: httpx.AsyncClient, rng: random.Random) -> None:
    region = rng.choice([GRID_A1_1, GRID_B1_1])
    fields: dict[str, Any] = {
        "hukou_region_code": rng.choice(["500112", "500112", "500112", "110101"]),
        "hukou_place": "重庆市",
        "hukou_type": "urban",
        "settled_since": rng.choice(["2010-03-01", "2024-06-15", "2024-06-16"]),
    }
    if rng.random() < 0.15:
        fields["target_types"] = ["dibao"]
    members = _members(rng)
    household = await create_household(app, region=region, members=members, **fields)
    officer = "street_officer_2" if region == GRID_B1_1 else "street_officer"
    ledger = Ledger(http, await bearer(http, officer), household)
    per_month = rng.choice([0, 500, 720, 1000, 1440, 1441, 2000, 3600, 5000])
    size = len(members)
    months = WINDOW if rng.random() > 0.1 else WINDOW[1:]
    await ledger.put(
        "incomes",
        [
            income(m, f"{per_month * size + rng.randint(0, 300)}.{rng.randint(0, 99):02d}")
            for m in months
        ],
        **{"from": SPAN["from"], "to": SPAN["to"]},
    )
    if rng.random() < 0.6:
        await ledger.put(
            "expenditures",
            [
                spent(
                    rng.choice(WINDOW),
                    rng.choice(["medical", "education"]),
                    f"{rng.randint(1, 40000)}.00",
                )
                for _ in range(rng.randint(1, 3))
            ],
            **{"from": SPAN["from"], "to": SPAN["to"]},
        )
    declared = rng.random()
    if declared < 0.15:
        return
    await ledger.put("assets", [VEHICLE] if declared < 0.35 else [])


async def _single_path(
    app: FastAPI, household_id: uuid.UUID, region: str, draft_id: str
) -> tuple[str, str, Any]:
    """(current outcome, new outcome, new score) as the single assessment finds them."""
    async with app.state.services.database.sessionmaker() as session:
        inputs = await household_inputs(session, household_id, D)
        current = await in_force(session, region, D)
        draft = await session.get(PolicyVersion, uuid.UUID(draft_id))
        assert draft is not None
        terms = terms_of(draft)
        before = "no_policy" if current is None else assess(inputs, terms_of(current)).outcome.value
    decision = assess(inputs, terms)
    found = score(inputs, terms, decision)
    return before, decision.outcome.value, None if found is None else f"{found.total:.2f}"


@pytest.mark.parametrize(("seed", "parts"), [(15, 1), (2026, 3)])
async def test_every_household_s_outcomes_agree_with_the_single_assessment(
    app: FastAPI, http: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch, seed: int, parts: int
) -> None:
    rng = random.Random(seed)
    for _ in range(HOUSEHOLDS):
        await _household(app, http, rng)
    await published(http, dibao_standard=f"{L}.00")
    await published(http, region_code="500112001", name="街道政策", dibao_standard="800.00")
    draft = await create_policy(
        http,
        name="拟调整标准",
        dibao_standard="1000.00",
        residency_years=3,
        asset_limits={"vehicles": 0},
    )
    monkeypatch.setattr(runner, "BATCH", 4)
    monkeypatch.setattr(app.state.services.settings, "simulation_parts", parts)
    monkeypatch.setattr(app.state.services.settings, "simulation_part_min_households", 1)

    done = await simulated(app, http, draft["id"], reference_date=D.isoformat())

    assert (done["status"], done["progress"]) == (
        "succeeded",
        {"processed": HOUSEHOLDS, "total": HOUSEHOLDS},
    )
    changes = {c["household_id"]: c for c in await all_changes(http, done["id"])}
    expected: Counter[tuple[str, str, str]] = Counter()
    async with app.state.services.database.sessionmaker() as session:
        rows = list(await session.execute(select(Household.id, Household.region_code)))
    for household_id, region in rows:
        before, after, new_score = await _single_path(app, household_id, region, draft["id"])
        expected[(region, before, after)] += 1
        change = changes.pop(str(household_id), None)
        if before == after:
            assert change is None, (household_id, before, change)
        else:
            assert change is not None, (household_id, before, after)
            assert (change["from"], change["to"], change["score"]) == (before, after, new_score)
    assert changes == {}
    assert done["transitions"] == [
        {"region_code": region, "from": before, "to": after, "count": count}
        for (region, before, after), count in sorted(expected.items())
    ]
    assert len({(t["from"], t["to"]) for t in done["totals"]}) >= 3, done["totals"]
