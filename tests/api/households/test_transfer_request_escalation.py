"""Transfer requests under time and contention: the district's worklist after the sending
street's working days (DOMAIN 4, 6), two answers at once, a person who moved meanwhile,
households that left the ledger."""

import asyncio
from collections.abc import Callable
from datetime import date

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.auth import Actor
from app.core.clock import business_today
from app.core.config import Settings
from tests.api.households.ledger_http import bearer, exit_household, memberships
from tests.api.households.transfer_http import act, family, filed
from tests.factories import (
    GRID_A1_2,
    GRID_B1_1,
    create_demo_district,
    create_household,
    set_calendar_day,
)
from tests.problems import assert_problem

WORKLIST = "/api/v1/worklists/transfer-requests"


@pytest.fixture(autouse=True)
async def seeded(session: AsyncSession) -> None:
    await create_demo_district(session)


@pytest.fixture
def today(monkeypatch: pytest.MonkeyPatch) -> Callable[[date], None]:
    """Set the business date every request sees (the tokens' clock is left alone)."""
    current: list[date] = []

    def set_day(day: date) -> None:
        current[:] = [day]

    monkeypatch.setattr(
        Actor, "today", property(lambda self: current[0] if current else business_today())
    )
    return set_day


async def _worklist(http: httpx.AsyncClient, headers: dict[str, str]) -> list[str]:
    response = await http.get(WORKLIST, headers=headers)
    assert response.status_code == 200, response.text
    return [item["id"] for item in response.json()["items"]]


class TestEscalation:
    async def test_a_request_is_overdue_after_exactly_n_working_days_a_holiday_not_counted(
        self,
        app: FastAPI,
        anonymous: httpx.AsyncClient,
        session: AsyncSession,
        today: Callable[[date], None],
    ) -> None:
        # Monday 2026-03-02 + 5 working days is Monday 03-09; a holiday on Wednesday 03-04
        # makes it Tuesday 03-10. The sending street has all of its last working day.
        await set_calendar_day(session, "2026-03-04", is_working_day=False, name="测试假日")
        requester = await bearer(anonymous, "street_officer")
        district = await bearer(anonymous, "district_officer")
        today(date(2026, 3, 2))
        source = await family(app)
        target = await create_household(app, region=GRID_A1_2)
        created = await filed(anonymous, requester, source.spouse_id_number, target)
        assert (created["filed_on"], created["due_on"]) == ("2026-03-02", "2026-03-10")
        for day in (date(2026, 3, 9), date(2026, 3, 10)):
            today(day)
            assert await _worklist(anonymous, district) == []
        today(date(2026, 3, 11))
        assert await _worklist(anonymous, district) == [created["id"]]
        [item] = (await anonymous.get(WORKLIST, headers=district)).json()["items"]
        assert (item["overdue"], item["allowed_actions"], item["person_name"]) == (
            True,
            ["decide"],
            "王芳",
        )
        assert_problem(await anonymous.get(WORKLIST, headers=requester), 403, "forbidden")
        decided = await act(
            anonymous, district, created["id"], "decide", {"outcome": "accept", "note": "逾期裁定"}
        )
        assert decided.status_code == 200, decided.text
        assert await _worklist(anonymous, district) == []

    async def test_the_oldest_overdue_request_comes_first_and_answered_ones_leave(
        self, app: FastAPI, anonymous: httpx.AsyncClient, today: Callable[[date], None]
    ) -> None:
        requester = await bearer(anonymous, "street_officer")
        sender = await bearer(anonymous, "street_officer_2")
        district = await bearer(anonymous, "district_officer")
        target = await create_household(app, region=GRID_A1_2)
        ids = []
        for day in (date(2026, 3, 3), date(2026, 3, 2), date(2026, 3, 5)):
            today(day)
            source = await family(app)
            ids.append((await filed(anonymous, requester, source.spouse_id_number, target))["id"])
        today(date(2026, 3, 20))
        assert await _worklist(anonymous, district) == [ids[1], ids[0], ids[2]]
        refused = await act(anonymous, sender, ids[1], "refuse", {"reason": "still_resident"})
        assert refused.status_code == 200, refused.text
        assert await _worklist(anonymous, district) == [ids[0], ids[2]]
        page = await anonymous.get(WORKLIST, params={"limit": 1}, headers=district)
        assert [i["id"] for i in page.json()["items"]] == [ids[0]]
        rest = await anonymous.get(
            WORKLIST, params={"limit": 1, "cursor": page.json()["next_cursor"]}, headers=district
        )
        assert ([i["id"] for i in rest.json()["items"]], rest.json()["next_cursor"]) == (
            [ids[2]],
            None,
        )


class TestContention:
    @pytest.mark.parametrize("second", ["accept", "decide"])
    async def test_two_accepts_at_once_leave_one_winner_and_a_409(
        self, app: FastAPI, anonymous: httpx.AsyncClient, second: str
    ) -> None:
        """The sending street twice, or the sending street and the district at once."""
        requester = await bearer(anonymous, "street_officer")
        sender = await bearer(anonymous, "street_officer_2")
        district = await bearer(anonymous, "district_officer")
        source = await family(app)
        target = await create_household(app, region=GRID_A1_2)
        created = await filed(anonymous, requester, source.spouse_id_number, target)
        decision = {"outcome": "accept", "note": "同意"}
        other = (
            act(anonymous, district, created["id"], "decide", decision)
            if second == "decide"
            else act(anonymous, sender, created["id"], "accept")
        )
        responses = await asyncio.gather(act(anonymous, sender, created["id"], "accept"), other)
        assert sorted(r.status_code for r in responses) == [200, 409], [r.text for r in responses]
        [loser] = [r for r in responses if r.status_code == 409]
        assert assert_problem(loser, 409, "invalid_transition")["allowed"] == []
        old, new = await memberships(app, source.spouse)
        assert (old.active, new.household_id, new.active) == (False, target.id, True)

    async def test_a_person_who_moved_meanwhile_is_a_409_and_the_request_stays(
        self, app: FastAPI, anonymous: httpx.AsyncClient
    ) -> None:
        requester = await bearer(anonymous, "street_officer")
        sender = await bearer(anonymous, "street_officer_2")
        source = await family(app)
        target = await create_household(app, region=GRID_A1_2)
        nearby = await create_household(app, region=GRID_B1_1)
        created = await filed(anonymous, requester, source.spouse_id_number, target)
        moved = await anonymous.post(
            f"/api/v1/persons/{source.spouse}/transfer",
            json={
                "from_household_id": str(source.id),
                "to_household_id": str(nearby.id),
                "relation_to_head": "spouse",
            },
            headers=sender,
        )
        assert moved.status_code == 200, moved.text
        late = await act(anonymous, sender, created["id"], "accept")
        body = assert_problem(late, 409, "person_moved")
        assert (body["household_id"], body["region_code"]) == (str(nearby.id), GRID_B1_1)
        still = await anonymous.get(f"/api/v1/transfer-requests/{created['id']}", headers=sender)
        assert (still.json()["status"], still.json()["version"]) == ("pending", 1)
        refused = await act(anonymous, sender, created["id"], "refuse", {"reason": "person_moved"})
        assert refused.json()["status"] == "refused"

    async def test_an_exited_target_refuses_the_move_and_an_exited_source_lets_it_go(
        self, app: FastAPI, anonymous: httpx.AsyncClient
    ) -> None:
        """A household that left the ledger takes no one in; its people may still move out,
        since they live on elsewhere (DOMAIN 4, Beijing 5)."""
        requester = await bearer(anonymous, "street_officer")
        sender = await bearer(anonymous, "street_officer_2")
        source = await family(app)
        target = await create_household(app, region=GRID_A1_2)
        created = await filed(anonymous, requester, source.spouse_id_number, target)
        exit_target = await exit_household(anonymous, target.id)
        assert exit_target.status_code == 200, exit_target.text
        refused = await act(anonymous, sender, created["id"], "accept")
        assert_problem(refused, 409, "transfer_target_not_active")
        back = await anonymous.post(
            f"/api/v1/households/{target.id}/reentry",
            json={"reason": "hardship_again", "note": "复核"},
            headers=requester,
        )
        assert back.status_code == 200, back.text
        exit_source = await exit_household(anonymous, source.id, street_officer="street_officer_2")
        assert exit_source.status_code == 200, exit_source.text
        accepted = await act(anonymous, sender, created["id"], "accept")
        assert accepted.json()["status"] == "accepted", accepted.text
        [_, membership] = await memberships(app, source.spouse)
        assert (membership.household_id, membership.active) == (target.id, True)


class TestConfiguredWorkingDays:
    @pytest.fixture
    def settings(self, settings: Settings) -> Settings:
        return settings.model_copy(update={"transfer_request_escalation_working_days": 1})

    async def test_the_due_date_follows_the_setting(
        self,
        app: FastAPI,
        anonymous: httpx.AsyncClient,
        session: AsyncSession,
        today: Callable[[date], None],
    ) -> None:
        """One working day after Monday 2026-03-02, with Tuesday a holiday, is Wednesday."""
        await set_calendar_day(session, "2026-03-03", is_working_day=False, name="测试假日")
        requester = await bearer(anonymous, "street_officer")
        district = await bearer(anonymous, "district_officer")
        today(date(2026, 3, 2))
        source = await family(app)
        target = await create_household(app, region=GRID_A1_2)
        created = await filed(anonymous, requester, source.spouse_id_number, target)
        assert created["due_on"] == "2026-03-04"
        today(date(2026, 3, 4))
        assert await _worklist(anonymous, district) == []
        today(date(2026, 3, 5))
        assert await _worklist(anonymous, district) == [created["id"]]
