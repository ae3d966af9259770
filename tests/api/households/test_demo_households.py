"""The demo ledger: every target type and every category in every street, seeded once."""

from datetime import datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import httpx
from fastapi import FastAPI
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.clock import business_today
from app.demo.household_care import DEMO_DIBAO_STANDARD
from app.demo.households import DEMO_HOUSEHOLDS
from app.demo.households import seed as seed_demo_households
from app.demo.regions import STREETS
from app.dictionaries.catalog import CATALOG
from app.eligibility.gather import household_inputs
from app.eligibility.rules import Outcome, assess
from app.eligibility.terms import PolicyTerms
from app.households.models import (
    Household,
    HouseholdCategory,
    HouseholdEpisode,
    HouseholdMeasure,
    HouseholdTargetType,
    TargetTypeDecision,
)
from tests.conftest import sign_in
from tests.factories import create_demo_district


def _codes(table: str) -> set[str]:
    return {c.code for t in CATALOG if t.name == table for c in t.codes}


async def test_every_street_has_every_target_type_and_category(
    app: FastAPI, session: AsyncSession
) -> None:
    await create_demo_district(session)
    created = await seed_demo_households(app.state.services, "")
    assert created == f"{6 * len(STREETS)} new demo households"
    for street in STREETS:
        street_households = select(Household.id).where(Household.region_code.startswith(street))
        types = set(
            await session.scalars(
                select(HouseholdTargetType.target_type).where(
                    HouseholdTargetType.household_id.in_(street_households)
                )
            )
        )
        categories = set(
            await session.scalars(
                select(HouseholdCategory.category).where(
                    HouseholdCategory.household_id.in_(street_households)
                )
            )
        )
        assert types == _codes("target_type"), street
        assert categories == _codes("vulnerability_category"), street


async def test_seeding_twice_adds_nothing(app: FastAPI, session: AsyncSession) -> None:
    await create_demo_district(session)
    await seed_demo_households(app.state.services, "")
    assert await seed_demo_households(app.state.services, "") == "0 new demo households"
    assert await session.scalar(select(func.count()).select_from(Household)) == 12


async def test_the_street_officer_reads_a_demo_household_through_the_api(
    app: FastAPI, anonymous: httpx.AsyncClient, session: AsyncSession
) -> None:
    await create_demo_district(session)
    await seed_demo_households(app.state.services, "")
    token = await sign_in(anonymous, "street_officer_2")
    headers = {"Authorization": f"Bearer {token}"}
    listed = await anonymous.get("/api/v1/households?status=all", headers=headers)
    assert listed.status_code == 200
    items = listed.json()["items"]
    assert len(items) == 6
    assert sorted(item["status"] for item in items) == ["active"] * 5 + ["exited"]
    assert all(item["region_code"].startswith("500112002") for item in items)
    one = await anonymous.get(f"/api/v1/households/{items[0]['id']}", headers=headers)
    assert one.status_code == 200
    assert one.json()["members"][0]["id_number"].startswith("500112")


async def test_each_street_has_a_demo_authorisation_on_file(
    app: FastAPI, anonymous: httpx.AsyncClient, session: AsyncSession
) -> None:
    """The first demo household of each street holds a one-page PDF authorisation, served
    through the API like any upload; the two streets' copies are one file on disk."""
    await create_demo_district(session)
    await seed_demo_households(app.state.services, "")
    bodies = set()
    for officer in ("street_officer", "street_officer_2"):
        headers = {"Authorization": f"Bearer {await sign_in(anonymous, officer)}"}
        items = (await anonymous.get("/api/v1/households?limit=200", headers=headers)).json()
        with_documents = []
        for item in items["items"]:
            listed = await anonymous.get(
                f"/api/v1/households/{item['id']}/documents", headers=headers
            )
            with_documents += [(item["id"], d) for d in listed.json()["items"]]
        [(household_id, document)] = with_documents
        assert (document["kind"], document["media_type"]) == ("authorisation", "application/pdf")
        content = await anonymous.get(
            f"/api/v1/households/{household_id}/documents/{document['id']}/content",
            headers=headers,
        )
        assert content.content.startswith(b"%PDF-")
        bodies.add(content.content)
    assert len(bodies) == 1
    documents = app.state.services.settings.documents_path
    assert len([p for p in documents.rglob("*") if p.is_file() and "incoming" not in p.parts]) == 1


async def test_the_demo_has_one_pending_transfer_request_between_the_streets(
    app: FastAPI, anonymous: httpx.AsyncClient, session: AsyncSession
) -> None:
    """The second street's officer finds it among its incoming requests; seeding again
    files no second one."""
    await create_demo_district(session)
    await seed_demo_households(app.state.services, "")
    await seed_demo_households(app.state.services, "")
    sender = {"Authorization": f"Bearer {await sign_in(anonymous, 'street_officer_2')}"}
    listed = await anonymous.get(
        "/api/v1/transfer-requests", params={"direction": "incoming"}, headers=sender
    )
    [request] = listed.json()["items"]
    assert (request["status"], request["person_name"], request["allowed_actions"]) == (
        "pending",
        "李秀兰",
        ["accept", "refuse"],
    )
    assert request["from_region_code"].startswith("500112002")
    assert request["to_region_code"].startswith("500112001")
    requester = {"Authorization": f"Bearer {await sign_in(anonymous, 'street_officer')}"}
    [outgoing] = (
        await anonymous.get(
            "/api/v1/transfer-requests", params={"direction": "outgoing"}, headers=requester
        )
    ).json()["items"]
    assert (outgoing["id"], outgoing["person_name"]) == (request["id"], None)


async def test_demo_measures_and_the_exited_household_obey_the_rules(
    app: FastAPI, anonymous: httpx.AsyncClient, session: AsyncSession
) -> None:
    """Money measures carry an amount above zero, others none, each by an organisation; the
    exited household rests on a confirmed proposal and its one stay is closed."""
    await create_demo_district(session)
    await seed_demo_households(app.state.services, "")
    headers = {"Authorization": f"Bearer {await sign_in(anonymous, 'street_officer')}"}
    exited = await anonymous.get("/api/v1/households?status=exited", headers=headers)
    [household] = exited.json()["items"]
    episodes = await anonymous.get(
        f"/api/v1/households/{household['id']}/episodes", headers=headers
    )
    [stay] = episodes.json()["items"]
    assert (stay["entry_reason"], stay["exit_reason"]) == ("first_registration", "moved_out")
    assert stay["exit_basis"]["code"] == "follow_up_visit"
    assert stay["confirmed_by"] is not None
    proposals = await anonymous.get(
        f"/api/v1/households/{household['id']}/exit-proposals", headers=headers
    )
    assert [p["status"] for p in proposals.json()["items"]] == ["confirmed"]
    money = {c.code for t in CATALOG if t.name == "measure" for c in t.codes if c.group == "cash"}
    measures = list(await session.scalars(select(HouseholdMeasure)))
    assert len(measures) == 6 * len(STREETS)
    assert {m.code for m in measures} & money
    for measure in measures:
        assert (measure.amount is not None and measure.amount > 0) == (measure.code in money)
        assert measure.organization_id is not None
        assert (measure.legacy, measure.voided_at) == (False, None)
    open_stays = await session.scalar(
        select(func.count())
        .select_from(HouseholdEpisode)
        .where(HouseholdEpisode.exited_on.is_(None))
    )
    assert open_stays == 5 * len(STREETS)


async def test_demo_target_types_are_decisions_with_body_date_and_reference(
    app: FastAPI, session: AsyncSession
) -> None:
    await create_demo_district(session)
    await seed_demo_households(app.state.services, "")
    found = list(await session.scalars(select(TargetTypeDecision)))
    registered = [d for d in found if d.target_type in ("dibao", "tekun", "registered_hardship")]
    assert len(registered) == 3 * len(STREETS)
    for decided in registered:
        assert decided.source == "recorded_by_staff"
        assert decided.deciding_body == "重庆市渝北区民政局"
        assert decided.decided_on is not None
        assert decided.reference is not None
        assert decided.reference.startswith("渝北民")
        household = await session.get(Household, decided.household_id)
        assert household is not None
        assert household.hukou_type == "urban"
    assessed = [d for d in found if d.source == "assessment"]
    assert sorted(d.target_type for d in assessed) == sorted(
        ["income_poverty", "expenditure_poverty"] * len(STREETS)
    )


RIGID = {"medical", "education", "disaster"}
"""The kinds DOMAIN 5 counts as rigid by default."""
BOUNDS = {"income_poverty": Decimal(2), "expenditure_poverty": Decimal(5)}


def _window() -> tuple[str, str]:
    """The 12 calendar months before the current one (Asia/Shanghai), as "YYYY-MM"."""
    today = datetime.now(ZoneInfo("Asia/Shanghai")).date()
    index = today.year * 12 + today.month - 1
    first, last = index - 12, index - 1
    return f"{first // 12:04d}-{first % 12 + 1:02d}", f"{last // 12:04d}-{last % 12 + 1:02d}"


async def _read(http: httpx.AsyncClient, headers: dict[str, str], path: str) -> dict[str, Any]:
    response = await http.get(path, headers=headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def test_every_demo_household_passes_its_own_types_rules_and_is_complete(
    app: FastAPI, anonymous: httpx.AsyncClient, session: AsyncSession
) -> None:
    """Recomputed from the API with exact decimals (DOMAIN 5) against the demo's dibao
    standard: per-capita monthly income I/(12n) within L-2L (income type) or L-5L
    (expenditure type), and rigid expenditure net of reimbursement R < 1.5 I, resp. >= 1.5 I."""
    await create_demo_district(session)
    await seed_demo_households(app.state.services, "")
    first, last = _window()
    limit = DEMO_DIBAO_STANDARD
    checked: dict[str, int] = {}
    for officer in ("street_officer", "street_officer_2"):
        headers = {"Authorization": f"Bearer {await sign_in(anonymous, officer)}"}
        listed = await _read(anonymous, headers, "/api/v1/households?limit=50&status=all")
        assert len(listed["items"]) == 6
        for item in listed["items"]:
            base = f"/api/v1/households/{item['id']}"
            record = await _read(anonymous, headers, base)
            if record["status"] == "exited":
                # Leaving the ledger ended its pairing (Beijing 5); all else stays complete.
                assert record["missing_fields"] == ["paired_worker_id"], record
                continue
            assert (record["complete"], record["missing_fields"]) == (True, []), record
            assert record["hukou_region_code"] == "500112"
            assert record["hukou_type"] == "urban"
            assert record["settled_since"] is not None
            assert record["paired_worker"] is not None
            incomes = await _read(anonymous, headers, f"{base}/incomes?from={first}&to={last}")
            spent = await _read(anonymous, headers, f"{base}/expenditures?from={first}&to={last}")
            assets = await _read(anonymous, headers, f"{base}/assets")
            assert len({i["month"] for i in incomes["items"]}) == 12
            assert spent["items"]
            assert assets["items"]
            for row in spent["items"]:
                assert Decimal(row["amount"]) == Decimal(row["gross_amount"]) - Decimal(
                    row["reimbursed_amount"]
                )
            income = sum((Decimal(i["amount"]) for i in incomes["items"]), Decimal(0))
            rigid = sum(
                (Decimal(e["amount"]) for e in spent["items"] if e["kind"] in RIGID), Decimal(0)
            )
            assert Decimal(incomes["total"]) == income
            yearly_line = limit * 12 * len(record["members"])
            for kind in record["target_types"]:
                checked[kind] = checked.get(kind, 0) + 1
                if kind in BOUNDS:
                    # L <= I/(12n) <= kL, compared without dividing (DOMAIN 5).
                    assert yearly_line <= income <= BOUNDS[kind] * yearly_line, (kind, income)
                if kind == "income_poverty":
                    assert rigid < Decimal("1.5") * income
                if kind == "expenditure_poverty":
                    assert rigid >= Decimal("1.5") * income
    assert checked == {
        "dibao": 2,
        "tekun": 2,
        "registered_hardship": 2,
        "income_poverty": 2,
        "expenditure_poverty": 2,
    }


async def test_the_social_worker_sees_its_assigned_households_unmasked(
    app: FastAPI, anonymous: httpx.AsyncClient, session: AsyncSession
) -> None:
    """README: `social_worker`'s agency has the street's agreement, the worker its own
    acknowledgement and assignments; `social_worker_2` has none of that."""
    await create_demo_district(session)
    await seed_demo_households(app.state.services, "")
    headers = {"Authorization": f"Bearer {await sign_in(anonymous, 'social_worker')}"}
    listed = await _read(anonymous, headers, "/api/v1/households")
    assert len(listed["items"]) == 3
    names = {p["name"] for spec in DEMO_HOUSEHOLDS[:3] for p in spec.members}
    seen = set()
    for item in listed["items"]:
        record = await _read(anonymous, headers, f"/api/v1/households/{item['id']}")
        assert record["region_code"].startswith("500112001")
        for member in record["members"]:
            assert "*" not in member["name"]
            assert "*" not in member["id_number"]
            seen.add(member["name"])
    assert seen == names
    other = {"Authorization": f"Bearer {await sign_in(anonymous, 'social_worker_2')}"}
    refused = await anonymous.get("/api/v1/households", headers=other)
    assert (refused.status_code, refused.json()["code"]) == (
        403,
        "confidentiality_agreement_required",
    )


async def test_every_demo_household_can_be_assessed_today(
    app: FastAPI, session: AsyncSession
) -> None:
    """The demo declares every household's assets (an empty list would do), so gathering its
    inputs on the business date misses nothing the rules need (DOMAIN 5: no cannot_assess)."""
    await create_demo_district(session)
    await seed_demo_households(app.state.services, "")
    ids = list(await session.scalars(select(Household.id)))
    policy = PolicyTerms(dibao_standard=DEMO_DIBAO_STANDARD, weights={})
    outcomes = set()
    for household_id in ids:
        inputs = await household_inputs(session, household_id, business_today())
        decision = assess(inputs, policy)
        assert inputs.assets, household_id
        assert decision.outcome != Outcome.cannot_assess, decision.missing
        outcomes.add(decision.outcome)
    assert len(ids) == 12
    assert {Outcome.income_poverty, Outcome.expenditure_poverty} <= outcomes
