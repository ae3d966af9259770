"""When a person joined or left a household, correctable and back-dated with a reason, so
household size on a past date is right (DOMAIN 4-5): PATCH .../members/{id}/membership and
`households.public.members_on`."""

import uuid
from datetime import date, timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.clock import business_today
from app.households import public as households
from tests.api.households.ledger_http import bearer, history, household
from tests.factories import create_demo_district, create_household
from tests.problems import assert_invalid, assert_problem

REASON = "户口簿记载 2019 年 3 月迁入"


@pytest.fixture(autouse=True)
async def seeded(session: AsyncSession) -> None:
    await create_demo_district(session)


async def _couple(app: FastAPI) -> tuple[Any, uuid.UUID, uuid.UUID]:
    """A household whose head joined in 2020 and whose spouse joined today."""
    created = await create_household(
        app,
        members=[
            {"name": "张秀英", "relation_to_head": "self", "joined_on": "2020-01-01"},
            {"name": "李建国", "relation_to_head": "spouse"},
        ],
    )
    async with app.state.services.database.sessionmaker() as session:
        present = await households.members_on(session, created.id, business_today())
    spouse = next(p for p in present if p != created.head_person_id)
    return created, created.head_person_id, spouse


def _url(hid: Any, person: Any) -> str:
    return f"/api/v1/households/{hid}/members/{person}/membership"


async def _patch(
    http: httpx.AsyncClient, headers: dict[str, str], hid: Any, person: Any, body: Any
) -> httpx.Response:
    version = (await household(http, headers, hid))["version"]
    return await http.patch(
        _url(hid, person), json=body, headers={**headers, "If-Match": f'W/"{version}"'}
    )


async def _leave(
    http: httpx.AsyncClient, headers: dict[str, str], hid: Any, person: Any, reason: str
) -> httpx.Response:
    """End the membership (DELETE), as staff do when a member leaves; today is its left_on."""
    response = await http.delete(
        f"/api/v1/households/{hid}/members/{person}", params={"reason": reason}, headers=headers
    )
    assert response.status_code == 204, response.text
    return response


async def _lived_there_2019_to_mid_2025(
    http: httpx.AsyncClient, headers: dict[str, str], hid: Any, person: Any
) -> httpx.Response:
    """Back-date the join to 2019-03-01, end the membership, back-date the leaving to
    2025-07-01; the last answer, asserted 200."""
    await _patch(http, headers, hid, person, {"joined_on": "2019-03-01", "reason": REASON})
    await _leave(http, headers, hid, person, "moved_out")
    response = await _patch(
        http, headers, hid, person, {"left_on": "2025-07-01", "reason": "迁出证明"}
    )
    assert response.status_code == 200, response.text
    return response


async def _members_on(app: FastAPI, hid: uuid.UUID, day: date) -> list[uuid.UUID]:
    async with app.state.services.database.sessionmaker() as session:
        return await households.members_on(session, hid, day)


class TestBackDating:
    async def test_back_dating_a_join_counts_the_member_on_past_dates(
        self, app: FastAPI, anonymous: httpx.AsyncClient
    ) -> None:
        created, head, spouse = await _couple(app)
        headers = await bearer(anonymous, "street_officer")
        assert await _members_on(app, created.id, date(2024, 6, 1)) == [head]

        response = await _patch(
            anonymous, headers, created.id, spouse, {"joined_on": "2019-03-01", "reason": REASON}
        )

        assert response.status_code == 200, response.text
        assert response.json() == {
            "household_id": str(created.id),
            "person_id": str(spouse),
            "active": True,
            "joined_on": "2019-03-01",
            "left_on": None,
            "left_reason": None,
            "household_version": created.version + 1,
        }
        assert response.headers["etag"] == f'W/"{created.version + 1}"'
        assert await _members_on(app, created.id, date(2024, 6, 1)) == [spouse, head]
        assert await _members_on(app, created.id, date(2019, 2, 28)) == []
        assert await _members_on(app, created.id, date(2019, 3, 1)) == [spouse]
        entry = (await history(anonymous, headers, created.id))[-1]
        assert (entry["action"], entry["person_id"]) == ("member.dates", str(spouse))
        assert entry["changes"] == {
            "joined_on": {"before": business_today().isoformat(), "after": "2019-03-01"},
            "reason": {"before": None, "after": REASON},
        }
        record = await household(anonymous, headers, created.id)
        shown = {m["person_id"]: m["joined_on"] for m in record["members"]}
        assert shown[str(spouse)] == "2019-03-01"

    async def test_a_left_member_counts_up_to_the_day_before_left_on(
        self, app: FastAPI, anonymous: httpx.AsyncClient
    ) -> None:
        created, head, spouse = await _couple(app)
        headers = await bearer(anonymous, "street_officer")

        response = await _lived_there_2019_to_mid_2025(anonymous, headers, created.id, spouse)

        body = response.json()
        assert (body["active"], body["left_on"], body["left_reason"]) == (
            False,
            "2025-07-01",
            "moved_out",
        )
        assert await _members_on(app, created.id, date(2025, 6, 30)) == [spouse, head]
        assert await _members_on(app, created.id, date(2025, 7, 1)) == [head]

    async def test_left_on_the_day_joined_counts_on_no_day(
        self, app: FastAPI, anonymous: httpx.AsyncClient
    ) -> None:
        created, head, spouse = await _couple(app)
        headers = await bearer(anonymous, "street_officer")
        await _leave(anonymous, headers, created.id, spouse, "entered_in_error")
        today = business_today().isoformat()

        response = await _patch(
            anonymous, headers, created.id, spouse, {"left_on": today, "reason": "误录"}
        )

        assert response.status_code == 200, response.text
        assert (response.json()["joined_on"], response.json()["left_on"]) == (today, today)
        assert await _members_on(app, created.id, business_today()) == [head]


class TestRefusals:
    async def test_the_reason_is_required(self, app: FastAPI, anonymous: httpx.AsyncClient) -> None:
        created, _, spouse = await _couple(app)
        headers = await bearer(anonymous, "street_officer")
        for body, code in (
            ({"joined_on": "2019-03-01"}, "missing"),
            ({"joined_on": "2019-03-01", "reason": ""}, "too_short"),
        ):
            response = await _patch(anonymous, headers, created.id, spouse, body)
            assert_invalid(response, ["body", "reason"], code)

    async def test_joined_on_tomorrow_is_422_and_today_is_accepted(
        self, app: FastAPI, anonymous: httpx.AsyncClient
    ) -> None:
        created, head, _ = await _couple(app)
        headers = await bearer(anonymous, "street_officer")
        tomorrow = (business_today() + timedelta(days=1)).isoformat()

        refused = await _patch(
            anonymous, headers, created.id, head, {"joined_on": tomorrow, "reason": REASON}
        )
        accepted = await _patch(
            anonymous,
            headers,
            created.id,
            head,
            {"joined_on": business_today().isoformat(), "reason": REASON},
        )

        assert_invalid(refused, ["body", "joined_on"], "date_in_future")
        assert accepted.status_code == 200, accepted.text

    async def test_left_on_before_joined_on_or_in_the_future_is_422(
        self, app: FastAPI, anonymous: httpx.AsyncClient
    ) -> None:
        created, _, spouse = await _couple(app)
        headers = await bearer(anonymous, "street_officer")
        await _leave(anonymous, headers, created.id, spouse, "moved_out")
        yesterday = (business_today() - timedelta(days=1)).isoformat()
        tomorrow = (business_today() + timedelta(days=1)).isoformat()

        before = await _patch(
            anonymous, headers, created.id, spouse, {"left_on": yesterday, "reason": "x"}
        )
        future = await _patch(
            anonymous, headers, created.id, spouse, {"left_on": tomorrow, "reason": "x"}
        )

        assert_invalid(before, ["body", "left_on"], "too_early")
        assert_invalid(future, ["body", "left_on"], "date_in_future")

    async def test_left_on_of_a_lasting_membership_is_422(
        self, app: FastAPI, anonymous: httpx.AsyncClient
    ) -> None:
        created, head, _ = await _couple(app)
        headers = await bearer(anonymous, "street_officer")

        response = await _patch(
            anonymous, headers, created.id, head, {"left_on": "2025-01-01", "reason": "x"}
        )

        assert_invalid(response, ["body", "left_on"], "membership_active")

    async def test_joining_before_leaving_another_household_is_422(
        self, app: FastAPI, anonymous: httpx.AsyncClient
    ) -> None:
        """One person counts in one household on any one day."""
        created, _, spouse = await _couple(app)
        headers = await bearer(anonymous, "street_officer")
        await _lived_there_2019_to_mid_2025(anonymous, headers, created.id, spouse)
        other = await create_household(app)
        record = await household(anonymous, headers, created.id)
        moved = await anonymous.post(
            f"/api/v1/households/{other.id}/members",
            json={
                "name": "李建国",
                "id_number": await _id_number(app, spouse),
                "relation_to_head": "spouse",
                "joined_on": "2025-06-30",
            },
            headers=headers,
        )
        assert record["version"] >= 1
        assert_invalid(moved, ["body", "joined_on"], "membership_overlap")

    async def test_a_stale_or_missing_if_match_and_another_street_are_refused(
        self, app: FastAPI, anonymous: httpx.AsyncClient
    ) -> None:
        created, head, _ = await _couple(app)
        headers = await bearer(anonymous, "street_officer")
        body = {"joined_on": "2019-03-01", "reason": REASON}
        stale = await anonymous.patch(
            _url(created.id, head), json=body, headers={**headers, "If-Match": 'W/"99"'}
        )
        missing = await anonymous.patch(_url(created.id, head), json=body, headers=headers)
        other = await bearer(anonymous, "street_officer_2")
        outside = await anonymous.patch(
            _url(created.id, head), json=body, headers={**other, "If-Match": 'W/"1"'}
        )
        stranger = await _patch(anonymous, headers, created.id, uuid.uuid4(), body)

        assert_problem(stale, 412, "version_mismatch")
        assert_problem(missing, 428, "if_match_required")
        assert_problem(outside, 404, "not_found")
        assert_problem(stranger, 404, "not_found")


async def _id_number(app: FastAPI, person_id: uuid.UUID) -> str:
    from app.households.models import Person

    async with app.state.services.database.sessionmaker() as session:
        person = await session.get(Person, person_id)
        assert person is not None
        return app.state.services.vault.open(person.id_number_cipher)
