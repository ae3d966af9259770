"""Gathering the inputs of one assessment from the ledger as of the reference date D
(DOMAIN 5): `app.eligibility.gather.household_inputs`, over data written through the API."""

import uuid
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import event, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.clock import SHANGHAI, business_today
from app.eligibility.gather import household_inputs
from app.eligibility.rules import AssetFacts, AssetKind, HouseholdInputs, Outcome, assess, window
from app.households.models import HouseholdChange
from app.households.record.as_of import undo
from tests.api.households.ledger_http import bearer
from tests.eligibility_inputs import terms
from tests.factories import CORE_FIELDS, create_demo_district, create_household, id_number

D = date(2026, 6, 15)
"""Window 2025-06 .. 2026-05; every write of these tests happens after D."""
WINDOW = window(D)
SPAN = {"from": "2025-05", "to": "2026-06"}
"""The window with a month on each side, which must not be read."""


@pytest.fixture(autouse=True)
async def seeded(session: AsyncSession) -> None:
    await create_demo_district(session)


class Ledger:
    """Writes of one household through the API as its street officer."""

    def __init__(self, http: httpx.AsyncClient, headers: dict[str, str], household: Any) -> None:
        self.http = http
        self.headers = headers
        self.url = f"/api/v1/households/{household.id}"

    async def _if_match(self) -> dict[str, str]:
        response = await self.http.get(self.url, headers=self.headers)
        assert response.status_code == 200, response.text
        return {**self.headers, "If-Match": f'W/"{response.json()["version"]}"'}

    async def put(self, path: str, items: list[dict[str, Any]], **params: str) -> None:
        response = await self.http.put(
            f"{self.url}/{path}",
            json={"items": items},
            params=params,
            headers=await self._if_match(),
        )
        assert response.status_code == 200, response.text

    async def patch(self, body: dict[str, Any]) -> None:
        response = await self.http.patch(self.url, json=body, headers=await self._if_match())
        assert response.status_code == 200, response.text

    async def leave(self, person: uuid.UUID, left_on: date) -> None:
        """End a membership and date its end."""
        gone = await self.http.delete(
            f"{self.url}/members/{person}", params={"reason": "moved_out"}, headers=self.headers
        )
        assert gone.status_code == 204, gone.text
        dated = await self.http.patch(
            f"{self.url}/members/{person}/membership",
            json={"left_on": left_on.isoformat(), "reason": "迁出证明"},
            headers=await self._if_match(),
        )
        assert dated.status_code == 200, dated.text

    async def decisions(self) -> list[dict[str, Any]]:
        response = await self.http.get(f"{self.url}/target-type-decisions", headers=self.headers)
        assert response.status_code == 200, response.text
        items: list[dict[str, Any]] = response.json()["items"]
        return items

    async def end_decision(self, decision_id: str, ended_on: date) -> None:
        response = await self.http.post(
            f"{self.url}/target-type-decisions/{decision_id}/end",
            json={"ended_on": ended_on.isoformat(), "reason": "terminated"},
            headers=await self._if_match(),
        )
        assert response.status_code == 200, response.text


def member(name: str, joined_on: str, relation: str = "other", **facts: Any) -> dict[str, Any]:
    return {"name": name, "relation_to_head": relation, "joined_on": joined_on, **facts}


def income(month: date, amount: str, source: str = "wages") -> dict[str, Any]:
    return {"person_id": None, "month": f"{month:%Y-%m}", "source": source, "amount": amount}


def spent(month: date, kind: str, gross: str, reimbursed: str = "0.00") -> dict[str, Any]:
    return {
        "month": f"{month:%Y-%m}",
        "kind": kind,
        "gross_amount": gross,
        "reimbursed_amount": reimbursed,
    }


VEHICLE = {
    "kind": "vehicle",
    "description": "面包车",
    "value": "30000.00",
    "ownership_share": "50.00",
    "vehicle_type": "passenger_car",
    "count": 1,
    "person_id": None,
}


async def gathered(app: FastAPI, household: Any, day: date = D) -> HouseholdInputs:
    async with app.state.services.database.sessionmaker() as session:
        return await household_inputs(session, household.id, day)


async def ledger(app: FastAPI, http: httpx.AsyncClient, **fields: Any) -> tuple[Any, Ledger]:
    household = await create_household(app, **{**CORE_FIELDS, **fields})
    return household, Ledger(http, await bearer(http, "street_officer"), household)


HEAD, JOINED_AFTER, LEFT_ON_D, LEFT_AFTER = "1950-03-15", "2012-05-01", "1980-01-01", "1982-01-01"
BIRTHS = {
    "head": HEAD,
    "joined_after": JOINED_AFTER,
    "left_on_d": LEFT_ON_D,
    "left_after": LEFT_AFTER,
}
"""Birth dates tell the members apart (the rules' inputs carry no names)."""


class TestMembers:
    async def test_members_present_on_d_with_their_facts(
        self, app: FastAPI, anonymous: httpx.AsyncClient
    ) -> None:
        household, http = await ledger(
            app,
            anonymous,
            members=[
                member(
                    "张秀英",
                    "2020-01-01",
                    "self",
                    id_number=id_number(birth=HEAD),
                    health="major_illness",
                    employment="unemployed",
                ),
                member("李小军", "2026-06-16", "child", id_number=id_number(birth=JOINED_AFTER)),
                member(
                    "王芳",
                    "2020-01-01",
                    "other",
                    id_number=id_number(birth=LEFT_ON_D),
                    disability_grade="grade_2",
                ),
                member("李建国", "2020-01-01", "spouse", id_number=id_number(birth=LEFT_AFTER)),
            ],
        )
        everyone = (await gathered(app, household, business_today())).members
        by_birth = {f"{m.birth_date}": m for m in everyone}
        by_name = {name: by_birth[birth] for name, birth in BIRTHS.items()}
        await http.leave(by_name["left_on_d"].person_id, D)
        await http.leave(by_name["left_after"].person_id, D + timedelta(days=1))

        found = await gathered(app, household)

        head = by_name["head"]
        assert [m.person_id for m in found.members] == [
            head.person_id,
            by_name["left_after"].person_id,
        ]
        assert (head.birth_date, head.health, head.disability_grade, head.employment) == (
            date(1950, 3, 15),
            "major_illness",
            None,
            "unemployed",
        )
        assert by_name["left_on_d"].disability_grade == "grade_2"
        assert [
            m.person_id for m in (await gathered(app, household, date(2026, 6, 16))).members
        ] == [
            head.person_id,
            by_name["joined_after"].person_id,
        ]


class TestMoney:
    async def test_income_per_window_month_and_rigid_spending_per_kind(
        self, app: FastAPI, anonymous: httpx.AsyncClient
    ) -> None:
        household, http = await ledger(app, anonymous)
        before, after = date(2025, 5, 1), date(2026, 6, 1)
        incomes = [income(before, "999.00"), income(after, "999.00")]
        incomes += [income(m, "1000.00") for m in WINDOW if m.month not in (9, 10)]
        incomes += [income(WINDOW[0], "250.50", "transfer"), income(date(2025, 10, 1), "0.00")]
        await http.put("incomes", incomes, **SPAN)
        await http.put(
            "expenditures",
            [
                spent(WINDOW[0], "medical", "300.00", "100.00"),
                spent(WINDOW[-1], "medical", "50.25"),
                spent(WINDOW[3], "education", "800.00"),
                spent(before, "medical", "5000.00"),
                spent(after, "education", "5000.00"),
            ],
            **SPAN,
        )

        found = await gathered(app, household)

        expected = {m: Decimal("1000.00") for m in WINDOW if m.month not in (9, 10)}
        expected[WINDOW[0]] = Decimal("1250.50")
        expected[date(2025, 10, 1)] = Decimal("0.00")
        assert found.income_by_month == expected
        assert date(2025, 9, 1) not in found.income_by_month
        assert found.rigid_by_kind == {"medical": Decimal("250.25"), "education": Decimal("800.00")}

    async def test_nothing_recorded_is_empty(
        self, app: FastAPI, anonymous: httpx.AsyncClient
    ) -> None:
        household, _ = await ledger(app, anonymous)

        found = await gathered(app, household)

        assert (found.income_by_month, found.rigid_by_kind) == ({}, {})


class TestAssets:
    async def test_never_declared_then_declared_none_then_listed(
        self, app: FastAPI, anonymous: httpx.AsyncClient
    ) -> None:
        household, http = await ledger(app, anonymous)
        assert (await gathered(app, household)).assets is None

        await http.put("assets", [])
        assert (await gathered(app, household)).assets == ()

        await http.put("assets", [VEHICLE])
        assert (await gathered(app, household)).assets == (
            AssetFacts(
                kind=AssetKind.vehicle,
                ownership_share=Decimal("50.00"),
                value=Decimal("30000.00"),
                vehicle_type="passenger_car",
                count=1,
            ),
        )
        await http.put("assets", [])
        assert (await gathered(app, household)).assets == ()

    async def test_declaring_none_is_a_change_in_the_history_once(
        self, app: FastAPI, anonymous: httpx.AsyncClient
    ) -> None:
        _, http = await ledger(app, anonymous)

        await http.put("assets", [])
        await http.put("assets", [])

        response = await anonymous.get(f"{http.url}/history", headers=http.headers)
        entries = [e for e in response.json()["items"] if e["action"] == "household.assets.replace"]
        assert [e["changes"] for e in entries] == [
            {"assets_declared": {"before": False, "after": True}}
        ]


class TestResidence:
    async def test_a_correction_after_d_does_not_change_the_answer_on_d(
        self, app: FastAPI, anonymous: httpx.AsyncClient
    ) -> None:
        household, http = await ledger(app, anonymous)

        await http.patch({"hukou_region_code": "110101", "settled_since": "2024-02-29"})
        await http.patch({"hukou_region_code": "500113"})

        on_d = await gathered(app, household)
        today = await gathered(app, household, business_today())
        assert (on_d.hukou_region_code, on_d.lived_in_city_since) == ("500112", date(2010, 3, 1))
        assert (today.hukou_region_code, today.lived_in_city_since) == ("500113", date(2024, 2, 29))
        assert on_d.district_code == today.district_code == "500112"

    async def test_values_missing_on_d_stay_missing(
        self, app: FastAPI, anonymous: httpx.AsyncClient
    ) -> None:
        household = await create_household(app)
        http = Ledger(anonymous, await bearer(anonymous, "street_officer"), household)
        await http.patch({"hukou_region_code": "500112", "settled_since": "2010-03-01"})

        on_d = await gathered(app, household)

        assert (on_d.hukou_region_code, on_d.lived_in_city_since) == (None, None)

    @pytest.mark.parametrize(
        ("shanghai", "on_d"),
        [(time(23, 59), "110101"), (time(0, 0), "500112")],
        ids=["late-on-d", "first-minute-after"],
    )
    async def test_the_business_date_of_a_change_is_shanghai_s(
        self, app: FastAPI, anonymous: httpx.AsyncClient, shanghai: time, on_d: str
    ) -> None:
        """A change at 23:59 in Shanghai on D (15:59 UTC) counts on D; one at 00:00 the
        next day (16:00 UTC on D) does not."""
        household, http = await ledger(app, anonymous)
        await http.patch({"hukou_region_code": "110101"})
        day = D if shanghai.hour else D + timedelta(days=1)
        at = datetime.combine(day, shanghai, tzinfo=SHANGHAI)
        async with app.state.services.database.sessionmaker() as session, session.begin():
            await session.execute(
                update(HouseholdChange)
                .where(
                    HouseholdChange.household_id == household.id,
                    HouseholdChange.action == "household.update",
                )
                .values(occurred_at=at)
            )

        assert (await gathered(app, household)).hukou_region_code == on_d

    def test_undo_reads_entries_newest_first_and_keeps_the_creation(self) -> None:
        current = {"hukou_region_code": "3", "settled_since": "2020-01-01"}
        later = [
            ("household.update", {"hukou_region_code": {"before": "2", "after": "3"}}),
            ("household.create", {"hukou_region_code": {"before": None, "after": "1"}}),
            ("household.update", {"hukou_region_code": {"before": "0", "after": "1"}}),
        ]
        # Entries before the creation cannot exist; one would be undone past it.
        assert undo(current, later[:2]) == {"hukou_region_code": "2", "settled_since": "2020-01-01"}
        assert undo(current, later) == {"hukou_region_code": "0", "settled_since": "2020-01-01"}


class TestRegisteredTypes:
    async def test_a_decision_holds_from_its_date_until_the_day_it_ended(
        self, app: FastAPI, anonymous: httpx.AsyncClient
    ) -> None:
        household, http = await ledger(app, anonymous, target_types=["dibao"])
        [dibao] = await http.decisions()
        assert dibao["decided_on"] == "2026-03-15"
        assert (await gathered(app, household, date(2026, 3, 14))).registered_types == frozenset()
        assert (await gathered(app, household, date(2026, 3, 15))).registered_types == {"dibao"}

        await http.end_decision(dibao["id"], D)

        assert (await gathered(app, household, D - timedelta(days=1))).registered_types == {"dibao"}
        assert (await gathered(app, household)).registered_types == frozenset()


class TestEndToEnd:
    async def test_assess_decides_on_the_gathered_inputs(
        self, app: FastAPI, anonymous: httpx.AsyncClient
    ) -> None:
        """Two members on D (a third joined later), 2 000 a month over the window: per capita
        1 000, between L = 800 and 2L; hukou in the district since 2010, no assets."""
        household, http = await ledger(
            app,
            anonymous,
            members=[
                member("张秀英", "2020-01-01", "self"),
                member("李建国", "2020-01-01", "spouse"),
                member("李小军", "2026-07-01", "child"),
            ],
        )
        await http.put("incomes", [income(m, "2000.00") for m in WINDOW], **SPAN)
        await http.put("expenditures", [spent(WINDOW[2], "medical", "1200.00")], **SPAN)
        missing = assess(await gathered(app, household), terms())
        assert (missing.outcome, missing.missing) == (Outcome.cannot_assess, ("assets",))
        await http.put("assets", [])

        decision = assess(await gathered(app, household), terms())

        assert decision.outcome == Outcome.income_poverty
        assert (decision.member_count, decision.income_total, decision.rigid_total) == (
            2,
            Decimal("24000.00"),
            Decimal("1200.00"),
        )
        await http.patch({"hukou_region_code": "110101"})
        assert assess(await gathered(app, household), terms()).outcome == Outcome.income_poverty
        later = await gathered(app, household, business_today())
        assert assess(later, terms()).outcome == Outcome.cannot_assess


class TestStatements:
    async def test_a_fixed_number_of_statements_whatever_the_size(
        self, app: FastAPI, anonymous: httpx.AsyncClient
    ) -> None:
        small, small_http = await ledger(
            app, anonymous, members=[member("张秀英", "2020-01-01", "self")]
        )
        large, large_http = await ledger(
            app,
            anonymous,
            members=[
                member(f"成员{n}", "2020-01-01", "self" if n == 0 else "other") for n in range(6)
            ],
            target_types=["dibao"],
        )
        await large_http.put(
            "incomes",
            [income(m, "100.00", s) for m in WINDOW for s in ("wages", "transfer")],
            **SPAN,
        )
        await large_http.put(
            "expenditures",
            [spent(m, k, "10.00") for m in WINDOW for k in ("medical", "education")],
            **SPAN,
        )
        await large_http.put("assets", [VEHICLE, {**VEHICLE, "description": "货车"}])
        await small_http.put("assets", [])
        await small_http.patch({"settled_since": "2011-01-01"})
        await large_http.patch({"settled_since": "2011-01-01"})
        await large_http.patch({"settled_since": "2012-01-01"})

        counts = [await _statements(app, small), await _statements(app, large)]

        assert counts[0] == counts[1] <= 9
        assert len((await gathered(app, large)).members) == 6


async def _statements(app: FastAPI, household: Any) -> int:
    """SELECTs that gathering the household's inputs sends."""
    sent: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            sent.append(statement)

    engine = app.state.services.database.engine.sync_engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        await gathered(app, household)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return len(sent)
