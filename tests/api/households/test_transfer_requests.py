"""Transfer requests between streets (DOMAIN 4: 人随户走、户随人走): filed by the receiving
street by ID number, answered by the sending street, decided by the district, cancelled by
the requester; the requester learns nothing of the sending household."""

import uuid
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.audit import AuditEvent
from app.core.clock import business_today
from app.core.events import DomainEvent
from app.households.models import PersonLookupBudget
from tests.api.households.ledger_http import (
    bearer,
    exit_household,
    fetch,
    history,
    household,
    memberships,
)
from tests.api.households.transfer_http import REQUESTS, act, family, file, filed, shown
from tests.factories import GRID_A1_2, GRID_B1_1, create_demo_district, create_household, id_number
from tests.problems import assert_invalid, assert_problem

GRID_A2_1 = "500112001002001"


@pytest.fixture(autouse=True)
async def seeded(session: AsyncSession) -> None:
    await create_demo_district(session)


@pytest.fixture
async def requester(anonymous: httpx.AsyncClient) -> dict[str, str]:
    return await bearer(anonymous, "street_officer")


@pytest.fixture
async def sender(anonymous: httpx.AsyncClient) -> dict[str, str]:
    return await bearer(anonymous, "street_officer_2")


@pytest.fixture
async def district(anonymous: httpx.AsyncClient) -> dict[str, str]:
    return await bearer(anonymous, "district_officer")


async def _actions(app: FastAPI, object_id: Any) -> list[tuple[str, str]]:
    rows = await fetch(
        app,
        select(AuditEvent.action, AuditEvent.outcome)
        .where(AuditEvent.object_id == str(object_id))
        .order_by(AuditEvent.occurred_at, AuditEvent.id),
    )
    return [(a, str(o)) for a, o in rows]


class TestFileAndAccept:
    async def test_the_person_moves_when_the_sending_street_accepts(
        self,
        app: FastAPI,
        anonymous: httpx.AsyncClient,
        requester: dict[str, str],
        sender: dict[str, str],
    ) -> None:
        source = await family(app)
        target = await create_household(app, region=GRID_A1_2)
        response = await file(anonymous, requester, source.spouse_id_number, target)
        assert response.status_code == 201, response.text
        created = response.json()
        assert response.headers["location"] == f"{REQUESTS}/{created['id']}"
        assert response.headers["etag"] == 'W/"1"'
        due = await anonymous.get(
            "/api/v1/calendar/add-working-days",
            params={"start": business_today().isoformat(), "days": 5},
            headers=requester,
        )
        assert (created["status"], created["allowed_actions"], created["due_on"]) == (
            "pending",
            ["cancel"],
            due.json()["date"],
        )
        assert (created["filed_on"], created["overdue"]) == (business_today().isoformat(), False)

        [incoming] = (
            await anonymous.get(REQUESTS, params={"direction": "incoming"}, headers=sender)
        ).json()["items"]
        assert (incoming["id"], incoming["person_name"], incoming["from_household_id"]) == (
            created["id"],
            "王芳",
            str(source.id),
        )
        assert incoming["allowed_actions"] == ["accept", "refuse"]
        assert (
            await anonymous.get(REQUESTS, params={"direction": "outgoing"}, headers=sender)
        ).json()["items"] == []

        accepted = await act(anonymous, sender, created["id"], "accept", {"note": "已核实。"})
        assert accepted.status_code == 200, accepted.text
        body = accepted.json()
        assert (body["status"], body["version"], body["note"], body["allowed_actions"]) == (
            "accepted",
            2,
            "已核实。",
            [],
        )
        old, new = await memberships(app, source.spouse)
        assert (old.household_id, old.active, old.left_reason) == (source.id, False, "transferred")
        assert (new.household_id, new.active, new.relation_to_head, new.region_code) == (
            target.id,
            True,
            "parent",
            GRID_A1_2,
        )
        out = (await history(anonymous, sender, source.id))[-1]
        into = (await history(anonymous, requester, target.id))[-1]
        assert (out["action"], out["person_id"]) == ("member.transfer_out", str(source.spouse))
        assert (into["action"], into["person_id"], into["changes"]["from_household_id"]) == (
            "member.transfer_in",
            str(source.spouse),
            {"before": None, "after": str(source.id)},
        )
        new_home = await household(anonymous, requester, target.id)
        assert [(c["category"], c["person_id"]) for c in new_home["categories"]] == [
            ("severe_disability", str(source.spouse))
        ]
        moved = await fetch(
            app,
            select(DomainEvent.payload).where(DomainEvent.name == "household.transferred"),
        )
        assert {p["transfer_request_id"] for (p,) in moved} == {created["id"]}
        assert await _actions(app, created["id"]) == [
            ("transfer_request.file", "success"),
            ("transfer_request.accept", "success"),
        ]
        assert [e.name for e in await _events(app)] == [
            "transfer_request.filed",
            "transfer_request.accepted",
        ]
        # Once the person has moved, the requester sees who arrived, still nothing of where from.
        after = await shown(anonymous, requester, created["id"])
        assert (after["person_id"], after["from_household_id"], after["from_region_code"]) == (
            str(source.spouse),
            None,
            None,
        )

    async def test_a_community_worker_files_and_spends_a_lookup(
        self, app: FastAPI, anonymous: httpx.AsyncClient
    ) -> None:
        source = await family(app)
        target = await create_household(app, region=GRID_A1_2)
        worker = await bearer(anonymous, "community_worker")
        created = await filed(anonymous, worker, source.spouse_id_number, target)
        assert created["allowed_actions"] == ["cancel"]
        [(used,)] = await fetch(app, select(PersonLookupBudget.used))
        assert used == 1

    async def test_a_repeated_filing_with_its_idempotency_key_files_once(
        self, app: FastAPI, anonymous: httpx.AsyncClient, requester: dict[str, str]
    ) -> None:
        source = await family(app)
        target = await create_household(app, region=GRID_A1_2)
        keyed = {**requester, "Idempotency-Key": "transfer-1"}
        first = await file(anonymous, keyed, source.spouse_id_number, target)
        again = await file(anonymous, keyed, source.spouse_id_number, target)
        assert (first.status_code, again.status_code) == (201, 201), again.text
        assert again.json() == first.json()
        assert again.headers["location"] == first.headers["location"]
        listed = (await anonymous.get(REQUESTS, headers=requester)).json()["items"]
        assert [r["id"] for r in listed] == [first.json()["id"]]

    async def test_what_the_number_finds_elsewhere_is_answered_without_filing(
        self, app: FastAPI, anonymous: httpx.AsyncClient, requester: dict[str, str]
    ) -> None:
        mine = await family(app, region=GRID_A1_2)
        target = await create_household(app, region=GRID_A1_2)
        own = await file(anonymous, requester, mine.spouse_id_number, target)
        body = assert_problem(own, 409, "person_already_in_household")
        assert body["household_id"] == str(mine.id)
        nobody = await file(anonymous, requester, id_number(), target)
        assert_problem(nobody, 409, "person_not_in_ledger")
        # A wrong check character is looked up (and audited); a number of the wrong shape is
        # refused by its schema before any lookup (tests/core/test_contract_bounds.py).
        invalid = await file(anonymous, requester, "500112195203150029", target)
        assert_invalid(invalid, ["body", "id_number"], "id_number_checksum")
        source = await family(app)
        await filed(anonymous, requester, source.spouse_id_number, target)
        again = await file(anonymous, requester, source.spouse_id_number, target)
        assert_problem(again, 409, "transfer_request_pending")
        head = await file(
            anonymous, requester, source.spouse_id_number, target, relation_to_head="self"
        )
        assert_invalid(head, ["body", "relation_to_head"], "head_exists")
        lookups = await fetch(
            app,
            select(AuditEvent.action).where(AuditEvent.action == "transfer_request.lookup"),
        )
        assert len(lookups) == 6

    async def test_an_exited_household_takes_no_request(
        self, app: FastAPI, anonymous: httpx.AsyncClient, requester: dict[str, str]
    ) -> None:
        source = await family(app)
        target = await create_household(app, region=GRID_A1_2)
        exited = await exit_household(anonymous, target.id, "moved_out")
        assert exited.status_code == 200, exited.text
        response = await file(anonymous, requester, source.spouse_id_number, target)
        assert assert_problem(response, 409, "household_exited")["household_id"] == str(target.id)
        assert (await anonymous.get(REQUESTS, headers=requester)).json()["items"] == []


class TestRefuseDecideCancel:
    async def test_the_sending_street_refuses_with_a_reason_code(
        self,
        app: FastAPI,
        anonymous: httpx.AsyncClient,
        requester: dict[str, str],
        sender: dict[str, str],
    ) -> None:
        source = await family(app)
        target = await create_household(app, region=GRID_A1_2)
        created = await filed(anonymous, requester, source.spouse_id_number, target)
        unknown = await act(anonymous, sender, created["id"], "refuse", {"reason": "dislike"})
        assert_invalid(unknown, ["body", "reason"], "unknown_code")
        bare = await act(anonymous, sender, created["id"], "refuse", {"reason": "other"})
        assert_invalid(bare, ["body", "note"], "missing")
        refused = await act(
            anonymous,
            sender,
            created["id"],
            "refuse",
            {"reason": "still_resident", "note": "仍在住"},
        )
        assert refused.status_code == 200, refused.text
        assert (refused.json()["status"], refused.json()["refusal_reason"]) == (
            "refused",
            "still_resident",
        )
        [membership] = await memberships(app, source.spouse)
        assert (membership.household_id, membership.active) == (source.id, True)
        late = await act(anonymous, sender, created["id"], "accept")
        assert assert_problem(late, 409, "invalid_transition")["allowed"] == []
        seen = await shown(anonymous, requester, created["id"])
        assert (seen["status"], seen["refusal_reason"], seen["note"]) == (
            "refused",
            "still_resident",
            "仍在住",
        )
        # A refusal is an answer: the person may be asked for again.
        await filed(anonymous, requester, source.spouse_id_number, target)

    async def test_the_district_decides_either_way(
        self,
        app: FastAPI,
        anonymous: httpx.AsyncClient,
        requester: dict[str, str],
        district: dict[str, str],
    ) -> None:
        source = await family(app)
        target = await create_household(app, region=GRID_A1_2)
        first = await filed(anonymous, requester, source.spouse_id_number, target)
        seen = await shown(anonymous, district, first["id"])
        assert (seen["person_name"], seen["allowed_actions"]) == ("王芳", ["decide"])
        no_reason = await act(
            anonymous, district, first["id"], "decide", {"outcome": "refuse", "note": "不迁"}
        )
        assert_invalid(no_reason, ["body"])
        refused = await act(
            anonymous,
            district,
            first["id"],
            "decide",
            {"outcome": "refuse", "reason": "case_in_progress", "note": "救助未办结。"},
        )
        assert refused.status_code == 200, refused.text
        assert refused.json()["status"] == "decided_refused"
        second = await filed(anonymous, requester, source.spouse_id_number, target)
        accepted = await act(
            anonymous, district, second["id"], "decide", {"outcome": "accept", "note": "核实迁居。"}
        )
        assert accepted.status_code == 200, accepted.text
        assert accepted.json()["status"] == "decided_accepted"
        [old, new] = await memberships(app, source.spouse)
        assert (old.active, new.household_id, new.active) == (False, target.id, True)
        transfers = await fetch(
            app, select(AuditEvent.role).where(AuditEvent.action == "person.transfer")
        )
        assert transfers == [("district_officer",)]

    async def test_the_requester_cancels_and_the_sender_may_not(
        self,
        app: FastAPI,
        anonymous: httpx.AsyncClient,
        requester: dict[str, str],
        sender: dict[str, str],
    ) -> None:
        source = await family(app)
        target = await create_household(app, region=GRID_A1_2)
        created = await filed(anonymous, requester, source.spouse_id_number, target)
        foreign = await act(anonymous, sender, created["id"], "cancel")
        assert_problem(foreign, 403, "forbidden")
        answer = await act(anonymous, requester, created["id"], "accept")
        assert_problem(answer, 403, "forbidden")
        cancelled = await act(anonymous, requester, created["id"], "cancel", {"note": "已回原址"})
        assert cancelled.status_code == 200, cancelled.text
        assert (cancelled.json()["status"], cancelled.json()["allowed_actions"]) == (
            "cancelled",
            [],
        )
        late = await act(anonymous, sender, created["id"], "refuse", {"reason": "still_resident"})
        assert assert_problem(late, 409, "invalid_transition")["allowed"] == []
        assert await _actions(app, created["id"]) == [
            ("transfer_request.file", "success"),
            ("denied:transfer_requests:cancel", "denied"),
            ("denied:transfer_requests:accept", "denied"),
            ("transfer_request.cancel", "success"),
        ]
        listed = await anonymous.get(REQUESTS, params={"status": "cancelled"}, headers=requester)
        assert [r["id"] for r in listed.json()["items"]] == [created["id"]]
        pending = await anonymous.get(REQUESTS, params={"status": "pending"}, headers=requester)
        assert pending.json()["items"] == []


class TestPrivacy:
    async def test_the_requester_learns_nothing_of_the_sending_household(
        self,
        app: FastAPI,
        anonymous: httpx.AsyncClient,
        requester: dict[str, str],
        sender: dict[str, str],
    ) -> None:
        source = await family(app)
        target = await create_household(app, region=GRID_A1_2)
        response = await file(anonymous, requester, source.spouse_id_number, target)
        listed = await anonymous.get(REQUESTS, headers=requester)
        got = await anonymous.get(f"{REQUESTS}/{response.json()['id']}", headers=requester)
        for answer in (response, listed, got):
            text = answer.text
            for secret in (str(source.id), source.address, "王芳", "张秀英", GRID_B1_1):
                assert secret not in text, (secret, text)
            assert source.spouse_id_number not in text
        body = got.json()
        assert (
            body["id_number"]
            == source.spouse_id_number[:6] + "********" + source.spouse_id_number[-4:]
        )
        assert (body["person_id"], body["person_name"], body["from_household_id"]) == (None,) * 3
        assert_problem(
            await anonymous.get(f"/api/v1/households/{source.id}", headers=requester),
            404,
            "not_found",
        )
        reads = await fetch(
            app,
            select(AuditEvent.action).where(AuditEvent.action.like("transfer_request%read")),
        )
        assert sorted(a for (a,) in reads) == [
            "transfer_request.list.read",
            "transfer_request.read",
        ]

    async def test_a_grid_worker_may_not_file_or_read(
        self, app: FastAPI, anonymous: httpx.AsyncClient
    ) -> None:
        source = await family(app)
        target = await create_household(app, region="500112001001001")
        grid = await bearer(anonymous, "grid_worker")
        assert_problem(
            await file(anonymous, grid, source.spouse_id_number, target), 403, "forbidden"
        )
        assert_problem(await anonymous.get(REQUESTS, headers=grid), 403, "forbidden")
        assert await fetch(app, select(PersonLookupBudget.used)) == []

    async def test_foreign_ids_are_answered_as_random_ones(
        self,
        app: FastAPI,
        anonymous: httpx.AsyncClient,
        requester: dict[str, str],
    ) -> None:
        """A request between households the caller reaches neither of, and a household out of
        reach to file into, answer exactly as random ids do (no oracle)."""
        source = await family(app)
        far = await create_household(app, region=GRID_A2_1)
        created = await filed(anonymous, requester, source.spouse_id_number, far)
        worker = await bearer(anonymous, "community_worker")
        calls: list[tuple[str, str, dict[str, Any] | None]] = [
            ("GET", "", None),
            ("POST", "/accept", {}),
            ("POST", "/refuse", {"reason": "still_resident"}),
            ("POST", "/cancel", {}),
        ]
        for method, tail, body in calls:
            answers = []
            for request_id in (created["id"], str(uuid.uuid4())):
                response = await anonymous.request(
                    method, f"{REQUESTS}/{request_id}{tail}", json=body, headers=worker
                )
                problem = {
                    k: v for k, v in response.json().items() if k not in ("instance", "request_id")
                }
                answers.append((response.status_code, problem))
            assert answers[0] == answers[1], (method, tail, answers)
            assert answers[0][0] in (403, 404)
        other = await family(app)
        into = [
            await file(anonymous, worker, other.spouse_id_number, household_id)
            for household_id in (far.id, uuid.uuid4())
        ]
        assert [r.status_code for r in into] == [404, 404]
        assert into[0].json()["code"] == into[1].json()["code"] == "not_found"
        # Each refusal is on the audit trail: a community worker may not answer at all (its
        # role), and may not see or cancel a request of neither of its households.
        assert await _actions(app, created["id"]) == [
            ("transfer_request.file", "success"),
            ("denied:transfer_request.read", "denied"),
            ("denied:transfer_requests:answer", "denied"),
            ("denied:transfer_requests:answer", "denied"),
            ("denied:transfer_request.read", "denied"),
        ]


async def _events(app: FastAPI) -> list[Any]:
    rows = await fetch(
        app,
        select(DomainEvent)
        .where(DomainEvent.name.like("transfer_request.%"))
        .order_by(DomainEvent.id),
    )
    return [row[0] for row in rows]
