"""Partner inbound referrals (issue 16 item 3): a partner system pushes a need of a household
its organisation knows into the loop, with a required Idempotency-Key; precise problems,
no lookup oracle, exactly one referral however the retries race."""

import asyncio
import uuid
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import func, select

from app.consents.public import FULL_SCOPE
from app.core.audit import AuditEvent
from app.core.events import DomainEvent
from app.households.models import HouseholdNeed
from app.referrals.models import Referral
from tests.api.households.ledger_http import (
    bearer,
    exit_household,
    fetch,
    organization_id,
    user_id,
)
from tests.api.identity.conftest import database_url, demo, demo_template
from tests.api.referrals.partner_http import (
    PUSH,
    STATION_A,
    known_household,
    one_window,
    partner,
    push,
)
from tests.api.referrals.referrals_http import (
    RED_CROSS,
    REFERRALS,
    act,
    consent,
    household_with_need,
    refer_need,
    send,
)
from tests.factories import GRID_B1_1, STREET_B, create_household, create_organization
from tests.problems import assert_invalid, assert_problem

__all__ = ["database_url", "demo", "demo_template"]

CHARITY = "渝北区慈善会"
NOWHERE = "01936f0e-7c1a-7d4e-9a51-3f0c2b9d8e99"


@pytest.fixture(autouse=True)
async def window(demo: None, app: FastAPI, anonymous: httpx.AsyncClient) -> None:
    await one_window(app, anonymous)


def _without_request(body: dict[str, Any]) -> dict[str, Any]:
    """A problem body without what differs per request (its id)."""
    return {k: v for k, v in body.items() if k != "request_id"}


async def _pushed_rows(app: FastAPI, household_id: Any) -> int:
    rows = await fetch(
        app,
        select(func.count())
        .select_from(Referral)
        .where(Referral.household_id == uuid.UUID(str(household_id)), Referral.source == "partner"),
    )
    return int(rows[0][0])


class TestPush:
    async def test_a_push_without_receiver_goes_to_the_one_window_and_notes_a_new_need(
        self, app: FastAPI, anonymous: httpx.AsyncClient
    ) -> None:
        known = await known_household(app, anonymous)
        red_cross = str(await organization_id(app, RED_CROSS))
        station = str(await organization_id(app, STATION_A))

        response = await push(
            anonymous,
            await partner(anonymous),
            {"household_id": known["household_id"], "need_code": "basic_living", "note": "请核查"},
        )

        assert response.status_code == 201, response.text
        body = response.json()
        assert response.headers["location"] == f"{REFERRALS}/{body['id']}"
        assert response.headers["etag"] == 'W/"1"'
        assert body["status"] == "requested"
        assert body["source"] == "partner"
        assert body["household_id"] == known["household_id"]
        assert body["need_code"] == "basic_living"
        assert body["receiver_organization_id"] == station
        assert body["receiver_organization_name"] == STATION_A
        assert body["sender_organization_id"] == red_cross
        assert body["sent_by"] is None
        assert body["note"] == "请核查"
        assert body["allowed"] == ["cancel"]
        assert [(t["action"], t["to_status"], t["by"]["type"]) for t in body["transitions"]] == [
            ("send", "requested", "api_client")
        ]
        [(source, status)] = await fetch(
            app,
            select(HouseholdNeed.source, HouseholdNeed.status).where(
                HouseholdNeed.id == uuid.UUID(body["need_id"])
            ),
        )
        assert (source, status) == ("partner_referral", "open")
        events = await fetch(
            app, select(DomainEvent.payload).where(DomainEvent.name == "referral.created")
        )
        [payload] = [p for (p,) in events if p["referral_id"] == body["id"]]
        assert payload == {
            "referral_id": body["id"],
            "household_id": known["household_id"],
            "status": "requested",
            "version": 1,
            "region_code": body["region_code"],
            "organizations": [station, red_cross],
        }

    async def test_a_live_need_of_the_code_is_referred_again_to_the_receiver_named(
        self, app: FastAPI, anonymous: httpx.AsyncClient
    ) -> None:
        known = await known_household(app, anonymous)
        charity = str(await organization_id(app, CHARITY))

        response = await push(
            anonymous,
            await partner(anonymous),
            {
                "household_id": known["household_id"],
                "need_code": "medical",
                "receiver_organization_id": charity,
            },
        )

        assert response.status_code == 201, response.text
        assert response.json()["need_id"] == known["need_id"]
        assert response.json()["receiver_organization_id"] == charity

    async def test_a_household_the_partner_pushed_about_stays_known_to_it(
        self, app: FastAPI, anonymous: httpx.AsyncClient
    ) -> None:
        known = await known_household(app, anonymous)
        red_cross = await partner(anonymous)
        first = await push(
            anonymous, red_cross, {"household_id": known["household_id"], "need_code": "care"}
        )
        assert first.status_code == 201, first.text
        # Cancelling the referral addressed to the Red Cross leaves its own push.
        cancelled = await anonymous.post(
            f"{REFERRALS}/{known['id']}/cancel",
            json={},
            headers={**await bearer(anonymous, "street_officer"), "If-Match": 'W/"1"'},
        )
        assert cancelled.status_code == 200, cancelled.text

        again = await push(
            anonymous, red_cross, {"household_id": known["household_id"], "need_code": "housing"}
        )

        assert again.status_code == 201, again.text


class TestProblems:
    async def test_without_an_idempotency_key_400(
        self, app: FastAPI, anonymous: httpx.AsyncClient
    ) -> None:
        known = await known_household(app, anonymous)
        response = await anonymous.post(
            PUSH,
            json={"household_id": known["household_id"], "need_code": "care"},
            headers=await partner(anonymous),
        )
        assert_problem(response, 400, "idempotency_key_required")
        assert await _pushed_rows(app, known["household_id"]) == 0

    @pytest.mark.parametrize("authorization", [None, "Bearer not-a-token"])
    async def test_without_valid_credentials_401_comes_before_the_missing_key(
        self, anonymous: httpx.AsyncClient, authorization: str | None
    ) -> None:
        headers = {} if authorization is None else {"Authorization": authorization}
        response = await anonymous.post(
            PUSH, json={"household_id": NOWHERE, "need_code": "care"}, headers=headers
        )
        assert_problem(response, 401, "unauthorized")
        assert response.headers["www-authenticate"].startswith("Bearer")

    @pytest.mark.parametrize(
        ("username", "key"),
        [
            ("street_officer", None),
            ("district_officer", None),
            ("street_officer", ""),
            ("district_officer", "k" * 256),
        ],
    )
    async def test_a_role_that_may_not_push_is_403_before_the_key_is_asked_for_or_checked(
        self, app: FastAPI, anonymous: httpx.AsyncClient, username: str, key: str | None
    ) -> None:
        known = await known_household(app, anonymous)
        headers = await bearer(anonymous, username)
        if key is not None:
            headers["Idempotency-Key"] = key
        response = await anonymous.post(
            PUSH, json={"household_id": known["household_id"], "need_code": "care"}, headers=headers
        )
        assert_problem(response, 403, "forbidden")
        assert await _pushed_rows(app, known["household_id"]) == 0
        denied = await fetch(
            app, select(AuditEvent.action, AuditEvent.actor).where(AuditEvent.outcome == "denied")
        )
        assert denied == [("denied:referrals:push", f"user:{await user_id(app, username)}")]

    async def test_unknown_and_existing_but_unknown_households_are_the_same_422(
        self, app: FastAPI, anonymous: httpx.AsyncClient
    ) -> None:
        red_cross = await partner(anonymous)
        stranger = await create_household(app)
        known_to_red_cross = await known_household(app, anonymous)

        answers = [
            await push(anonymous, red_cross, {"household_id": NOWHERE, "need_code": "care"}),
            await push(
                anonymous, red_cross, {"household_id": str(stranger.id), "need_code": "care"}
            ),
            await push(
                anonymous,
                await partner(anonymous, "charity-federation"),
                {"household_id": known_to_red_cross["household_id"], "need_code": "care"},
            ),
        ]

        bodies = [
            _without_request(assert_invalid(a, ["body", "household_id"], "not_found"))
            for a in answers
        ]
        assert bodies[0] == bodies[1] == bodies[2]
        assert bodies[0]["errors"] == [
            {"loc": ["body", "household_id"], "msg": "找不到该家庭", "code": "not_found"}
        ]
        assert await _pushed_rows(app, stranger.id) == 0

    async def test_an_exited_household_it_knows_is_409(
        self, app: FastAPI, anonymous: httpx.AsyncClient
    ) -> None:
        known = await known_household(app, anonymous)
        exited = await exit_household(anonymous, known["household_id"])
        assert exited.status_code == 200, exited.text

        response = await push(
            anonymous,
            await partner(anonymous),
            {"household_id": known["household_id"], "need_code": "care"},
        )

        assert_problem(response, 409, "household_exited")
        assert await _pushed_rows(app, known["household_id"]) == 0

    @pytest.mark.parametrize(
        ("fields", "loc", "code"),
        [
            ({"need_code": "no_such_need"}, "need_code", "unknown_code"),
            ({"receiver_organization_id": NOWHERE}, "receiver_organization_id", "not_found"),
            ({"status": "completed"}, "status", "unknown_field"),
            ({"need_code": "Care!"}, "need_code", "pattern"),
        ],
    )
    async def test_bad_fields_are_precise_422s_and_write_nothing(
        self,
        app: FastAPI,
        anonymous: httpx.AsyncClient,
        fields: dict[str, Any],
        loc: str,
        code: str,
    ) -> None:
        known = await known_household(app, anonymous)
        body = {"household_id": known["household_id"], "need_code": "care", **fields}

        response = await push(anonymous, await partner(anonymous), body)

        problem = assert_invalid(response, ["body", loc], code)
        assert [e["code"] for e in problem["errors"]] == [code]
        assert await _pushed_rows(app, known["household_id"]) == 0
        needs = await fetch(
            app,
            select(HouseholdNeed.code).where(
                HouseholdNeed.household_id == uuid.UUID(known["household_id"])
            ),
        )
        assert needs == [("medical",)]

    async def test_its_own_organisation_is_no_receiver(
        self, app: FastAPI, anonymous: httpx.AsyncClient
    ) -> None:
        known = await known_household(app, anonymous)
        own = str(await organization_id(app, RED_CROSS))

        response = await push(
            anonymous,
            await partner(anonymous),
            {
                "household_id": known["household_id"],
                "need_code": "care",
                "receiver_organization_id": own,
            },
        )

        problem = assert_invalid(response, ["body", "receiver_organization_id"], "own_organization")
        assert problem["errors"] == [
            {
                "loc": ["body", "receiver_organization_id"],
                "msg": "不能转介给本单位",
                "code": "own_organization",
            }
        ]

    async def test_a_receiver_that_does_not_serve_the_household_is_refused(
        self, app: FastAPI, anonymous: httpx.AsyncClient
    ) -> None:
        """The known household lives in street A: street B's station does not serve it."""
        known = await known_household(app, anonymous)
        async with app.state.services.database.sessionmaker() as session, session.begin():
            elsewhere = await create_organization(
                session, kind="street_assistance_station", region_code=STREET_B
            )
        response = await push(
            anonymous,
            await partner(anonymous),
            {
                "household_id": known["household_id"],
                "need_code": "care",
                "receiver_organization_id": str(elsewhere.id),
            },
        )
        assert_invalid(response, ["body", "receiver_organization_id"], "receiver_not_serving")
        assert await _pushed_rows(app, known["household_id"]) == 0

    async def test_a_second_push_of_an_open_referral_under_another_key_is_409(
        self, app: FastAPI, anonymous: httpx.AsyncClient
    ) -> None:
        """A retry under a new key (or another partner) makes no twin of an open referral."""
        known = await known_household(app, anonymous)
        red_cross = await partner(anonymous)
        body = {"household_id": known["household_id"], "need_code": "care"}
        first = await push(anonymous, red_cross, body)
        assert first.status_code == 201, first.text
        again = await push(anonymous, red_cross, body)
        assert_problem(again, 409, "referral_already_open")
        assert await _pushed_rows(app, known["household_id"]) == 1

    async def test_without_a_one_window_for_the_region_a_receiver_must_be_named(
        self, app: FastAPI, anonymous: httpx.AsyncClient
    ) -> None:
        known = await send(app, anonymous, username="street_officer_2", region=GRID_B1_1)

        response = await push(
            anonymous,
            await partner(anonymous),
            {"household_id": known["household_id"], "need_code": "care"},
        )

        problem = assert_invalid(
            response, ["body", "receiver_organization_id"], "no_default_receiver"
        )
        assert [e["code"] for e in problem["errors"]] == ["no_default_receiver"]
        assert await _pushed_rows(app, known["household_id"]) == 0

    async def test_staff_may_not_push(self, app: FastAPI, anonymous: httpx.AsyncClient) -> None:
        known = await known_household(app, anonymous)
        response = await push(
            anonymous,
            await bearer(anonymous, "street_officer"),
            {"household_id": known["household_id"], "need_code": "care"},
        )
        assert_problem(response, 403, "forbidden")


class TestIdempotency:
    async def test_a_retry_replays_the_first_push_and_another_body_is_refused(
        self, app: FastAPI, anonymous: httpx.AsyncClient
    ) -> None:
        known = await known_household(app, anonymous)
        red_cross = await partner(anonymous)
        body = {"household_id": known["household_id"], "need_code": "care"}

        first = await push(anonymous, red_cross, body, key="push-1")
        again = await push(anonymous, red_cross, body, key="push-1")
        other = await push(anonymous, red_cross, {**body, "need_code": "housing"}, key="push-1")

        assert first.status_code == again.status_code == 201
        assert again.json() == first.json()
        assert again.headers["idempotent-replayed"] == "true"
        assert again.headers["location"] == first.headers["location"]
        assert "idempotent-replayed" not in first.headers
        assert_problem(other, 422, "idempotency_key_reused")
        assert await _pushed_rows(app, known["household_id"]) == 1

    async def test_racing_identical_pushes_make_exactly_one_referral(
        self, app: FastAPI, anonymous: httpx.AsyncClient
    ) -> None:
        known = await known_household(app, anonymous)
        red_cross = await partner(anonymous)
        body = {"household_id": known["household_id"], "need_code": "care"}

        async def until_answered() -> httpx.Response:
            """One client of its own, retrying while the key is in progress, as a partner
            system does (Retry-After)."""
            transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
            async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as own:
                while True:
                    answer = await push(own, red_cross, body, key="racing")
                    if answer.status_code != 409:
                        return answer
                    assert_problem(answer, 409, "idempotency_in_progress")
                    assert answer.headers["retry-after"] == "1"
                    await asyncio.sleep(0.05)

        answers = await asyncio.gather(*(until_answered() for _ in range(8)))

        assert [a.status_code for a in answers] == [201] * 8
        assert len({a.json()["id"] for a in answers}) == 1
        assert sum(a.headers.get("idempotent-replayed") == "true" for a in answers) == 7
        assert await _pushed_rows(app, known["household_id"]) == 1


async def _act(
    http: httpx.AsyncClient, headers: dict[str, str], referral: dict[str, Any], action: str
) -> httpx.Response:
    return await http.post(
        f"{REFERRALS}/{referral['id']}/{action}",
        json={},
        headers={**headers, "If-Match": f'W/"{referral["version"]}"'},
    )


class TestPartnerActions:
    async def test_the_receiver_side_on_a_referral_addressed_to_it(
        self, app: FastAPI, anonymous: httpx.AsyncClient
    ) -> None:
        addressed = await known_household(app, anonymous)
        red_cross = await partner(anonymous)

        shown = await anonymous.get(f"{REFERRALS}/{addressed['id']}", headers=red_cross)
        assert shown.status_code == 200, shown.text
        assert shown.json()["allowed"] == ["receive"]
        received = await _act(anonymous, red_cross, addressed, "receive")
        assert received.status_code == 200, received.text
        accepted = await _act(anonymous, red_cross, received.json(), "accept")
        assert accepted.status_code == 200, accepted.text
        assert accepted.json()["status"] == "accepted"
        assert accepted.json()["transitions"][-1]["by"]["type"] == "api_client"

        cancel = await _act(anonymous, red_cross, accepted.json(), "cancel")
        assert_problem(cancel, 404, "not_found")

    async def test_it_cancels_what_it_pushed_and_takes_no_receiver_action_on_it(
        self, app: FastAPI, anonymous: httpx.AsyncClient
    ) -> None:
        known = await known_household(app, anonymous)
        red_cross = await partner(anonymous)
        pushed = await push(
            anonymous, red_cross, {"household_id": known["household_id"], "need_code": "care"}
        )
        assert pushed.status_code == 201, pushed.text

        receive = await _act(anonymous, red_cross, pushed.json(), "receive")
        assert_problem(receive, 404, "not_found")
        cancelled = await _act(anonymous, red_cross, pushed.json(), "cancel")
        assert cancelled.status_code == 200, cancelled.text
        assert cancelled.json()["status"] == "cancelled"
        assert cancelled.json()["allowed"] == []

    async def test_another_partner_neither_sees_nor_acts(
        self, app: FastAPI, anonymous: httpx.AsyncClient
    ) -> None:
        known = await known_household(app, anonymous)
        pushed = await push(
            anonymous,
            await partner(anonymous),
            {"household_id": known["household_id"], "need_code": "care"},
        )
        charity = await partner(anonymous, "charity-federation")

        for referral in (known, pushed.json()):
            shown = await anonymous.get(f"{REFERRALS}/{referral['id']}", headers=charity)
            assert_problem(shown, 404, "not_found")
            for action in ("receive", "cancel"):
                assert_problem(await _act(anonymous, charity, referral, action), 404, "not_found")

    async def test_it_lists_what_is_addressed_to_it_and_what_it_pushed_but_reads_no_household(
        self, app: FastAPI, anonymous: httpx.AsyncClient
    ) -> None:
        known = await known_household(app, anonymous)
        await send(app, anonymous)  # another household, to the Red Cross too
        red_cross = await partner(anonymous)
        pushed = await push(
            anonymous, red_cross, {"household_id": known["household_id"], "need_code": "care"}
        )
        assert pushed.status_code == 201, pushed.text

        listed = await anonymous.get(
            REFERRALS, params={"household_id": known["household_id"]}, headers=red_cross
        )

        assert listed.status_code == 200, listed.text
        assert [r["id"] for r in listed.json()["items"]] == [known["id"], pushed.json()["id"]]
        household = await anonymous.get(
            f"/api/v1/households/{known['household_id']}", headers=red_cross
        )
        assert_problem(household, 403, "forbidden")


class TestHouseholdDataOfPushedReferrals:
    """A partner that pushed a referral in is not its receiver: it reads the referral's
    household data de-identified, whatever the receiver is given (here a government one
    window, which gets its whole list)."""

    async def test_the_pushing_partner_reads_it_de_identified(
        self, app: FastAPI, anonymous: httpx.AsyncClient
    ) -> None:
        known = await known_household(app, anonymous)
        red_cross = await partner(anonymous)
        pushed = await push(
            anonymous, red_cross, {"household_id": known["household_id"], "need_code": "care"}
        )
        assert pushed.status_code == 201, pushed.text
        read = await anonymous.get(f"{REFERRALS}/{pushed.json()['id']}", headers=red_cross)
        for answer in (pushed, read):
            data = answer.json()["household_data"]
            assert data["basis"] == "not_receiver"
            assert [data[i] for i in ("head_name", "contact_phone", "address", "members")] == [
                None
            ] * 4
        staff = await anonymous.get(
            f"{REFERRALS}/{pushed.json()['id']}", headers=await bearer(anonymous, "street_officer")
        )
        assert staff.json()["household_data"]["basis"] == "government"
        assert staff.json()["household_data"]["head_name"] is not None


async def test_a_receiver_reads_a_closed_referral_de_identified(
    app: FastAPI, anonymous: httpx.AsyncClient
) -> None:
    """The household's data went to the receiver for the work: once the referral is closed,
    the receiver reads it de-identified, consent or not; staff still see what it was given."""
    household, need = await household_with_need(app)
    await consent(app, anonymous, household, sorted(FULL_SCOPE))
    referral = await refer_need(app, anonymous, need)
    red_cross = await partner(anonymous)
    url = f"{REFERRALS}/{referral['id']}"
    assert (await anonymous.get(url, headers=red_cross)).json()["household_data"]["basis"] == (
        "consent"
    )
    received = await act(anonymous, referral, "receive", "department_officer")
    assert received.status_code == 200, received.text
    rejected = await act(
        anonymous, received.json(), "reject", "department_officer", reason="not_in_remit"
    )
    assert rejected.status_code == 200, rejected.text
    data = (await anonymous.get(url, headers=red_cross)).json()["household_data"]
    assert (data["basis"], data["head_name"], data["contact_phone"]) == ("closed", None, None)
    staff = (await anonymous.get(url, headers=await bearer(anonymous, "street_officer"))).json()
    assert staff["household_data"]["basis"] == "consent"
