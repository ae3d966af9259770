"""The actions on a referral through HTTP (DOMAIN 7): every allowed and every refused move of
the machine, each side's actions, reasons from the dictionaries, outcome and amount on
completion, If-Match, and the audit and domain events of each change."""

from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.audit import AuditEvent
from app.core.events import DomainEvent
from app.referrals.public import REFERRAL_CREATED, REFERRAL_STATUS_CHANGED
from app.referrals.states import MACHINE, SIDE, ReferralAction, ReferralStatus, Side
from tests.api.households.ledger_http import bearer, fetch, organization_id
from tests.api.referrals.referrals_http import RED_CROSS, REFERRALS, act, send, set_row
from tests.factories import add_dictionary_code, create_demo_district
from tests.problems import assert_invalid, assert_problem

BODIES: dict[ReferralAction, dict[str, Any]] = {
    ReferralAction.reject: {"reason": "at_capacity", "note": "本月名额已满"},
    ReferralAction.fail: {"reason": "unable_to_contact"},
    ReferralAction.complete: {
        "outcome": "已发放大病救助金",
        "measure": "red_cross_major_illness_aid",
        "amount": "3000.00",
    },
}
ACTOR = {Side.receiver: "department_officer", Side.sender: "street_officer"}


@pytest.fixture(autouse=True)
async def seeded(session: AsyncSession) -> None:
    await create_demo_district(session)


@pytest.mark.parametrize(
    ("state", "action"), [(s, a) for s in ReferralStatus for a in ReferralAction]
)
async def test_every_action_in_every_state(
    app: FastAPI, anonymous: httpx.AsyncClient, state: ReferralStatus, action: ReferralAction
) -> None:
    """Allowed: 200 in the next state, a transition kept, version + 1. Refused: 409
    `invalid_transition` listing what the state allows, nothing changed."""
    sent = await send(app, anonymous)
    await set_row(app, sent["id"], status=state.value)
    response = await act(
        anonymous, sent, action.value, ACTOR[SIDE[action]], **BODIES.get(action, {})
    )
    moves = MACHINE.moves
    if (state, action) in moves:
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["status"] == moves[(state, action)].value
        assert body["version"] == 2
        last = body["transitions"][-1]
        assert (last["action"], last["from_status"], last["to_status"]) == (
            action.value,
            state.value,
            body["status"],
        )
        assert last["by"]["type"] == "user"
        return
    problem = assert_problem(response, 409, "invalid_transition")
    assert problem["allowed"] == MACHINE.allowed(state)


async def test_the_whole_loop_with_its_reasons_outcome_events_and_audit(
    app: FastAPI, anonymous: httpx.AsyncClient
) -> None:
    sent = await send(app, anonymous)
    current = sent
    for action in ("receive", "accept", "start", "complete"):
        response = await act(anonymous, current, action, **BODIES.get(ReferralAction(action), {}))
        assert response.status_code == 200, response.text
        current = response.json()
        assert response.headers["ETag"] == f'W/"{current["version"]}"'
    assert current["status"] == "completed"
    assert (current["outcome"], current["amount"]) == ("已发放大病救助金", "3000.00")
    assert current["allowed"] == []
    assert [t["action"] for t in current["transitions"]] == [
        "send",
        "receive",
        "accept",
        "start",
        "complete",
    ]
    audited = [
        a
        for (a,) in await fetch(
            app,
            select(AuditEvent.action)
            .where(AuditEvent.object_id == sent["id"])
            .order_by(AuditEvent.occurred_at),
        )
        if not a.endswith(".read")
    ]
    assert audited == [
        "referral.create",
        "referral.receive",
        "referral.accept",
        "referral.start",
        "referral.complete",
    ]
    events = await fetch(
        app,
        select(DomainEvent.name, DomainEvent.payload)
        .where(DomainEvent.name.like("referral.%"))
        .order_by(DomainEvent.occurred_at, DomainEvent.id),
    )
    receiver = str(await organization_id(app, RED_CROSS))
    expected = [
        (name, status, version)
        for name, status, version in [
            (REFERRAL_CREATED, "requested", 1),
            (REFERRAL_STATUS_CHANGED, "received", 2),
            (REFERRAL_STATUS_CHANGED, "accepted", 3),
            (REFERRAL_STATUS_CHANGED, "in_progress", 4),
            (REFERRAL_STATUS_CHANGED, "completed", 5),
        ]
    ]
    assert [(n, p["status"], p["version"]) for n, p in events] == expected
    for _, payload in events:
        assert payload == {
            "referral_id": sent["id"],
            "household_id": sent["household_id"],
            "status": payload["status"],
            "version": payload["version"],
            "region_code": sent["region_code"],
            "organizations": [receiver],
        }


class TestReasons:
    async def test_reject_needs_a_rejection_reason(
        self, app: FastAPI, anonymous: httpx.AsyncClient
    ) -> None:
        sent = await send(app, anonymous)
        received = (await act(anonymous, sent, "receive")).json()
        assert_invalid(await act(anonymous, received, "reject"), ["body", "reason"], "missing")
        unknown = await act(anonymous, received, "reject", reason="unable_to_contact")
        assert_invalid(unknown, ["body", "reason"], "unknown_code")
        renamed = await act(anonymous, received, "reject", reason="capacity")
        assert_invalid(renamed, ["body", "reason"], "unknown_code")
        for code in ("at_capacity", "not_in_remit", "not_eligible"):
            assert code in await _codes(anonymous, "referral_rejection_reason")
        rejected = await act(
            anonymous, received, "reject", reason="not_in_remit", note="非本单位职责"
        )
        assert rejected.status_code == 200, rejected.text
        assert (rejected.json()["reason"], rejected.json()["reason_note"]) == (
            "not_in_remit",
            "非本单位职责",
        )

    async def test_fail_takes_a_failure_reason_an_administrator_added(
        self, app: FastAPI, session: AsyncSession, anonymous: httpx.AsyncClient
    ) -> None:
        for code in ("unable_to_contact", "declined_by_household"):
            assert code in await _codes(anonymous, "referral_failure_reason")
        added = await add_dictionary_code(session, "referral_failure_reason", "hospital_closed")
        sent = await send(app, anonymous)
        await set_row(app, sent["id"], status="accepted")
        assert_invalid(
            await act(anonymous, sent, "fail", reason="at_capacity"),
            ["body", "reason"],
            "unknown_code",
        )
        failed = await act(anonymous, sent, "fail", reason=added)
        assert failed.status_code == 200, failed.text

    async def test_reasons_outcomes_and_amounts_only_where_they_belong(
        self, app: FastAPI, anonymous: httpx.AsyncClient
    ) -> None:
        sent = await send(app, anonymous)
        assert_invalid(
            await act(anonymous, sent, "receive", reason="at_capacity"),
            ["body", "reason"],
            "not_allowed",
        )
        assert_invalid(
            await act(anonymous, sent, "receive", amount="1.00"), ["body", "amount"], "not_allowed"
        )
        await set_row(app, sent["id"], status="in_progress")
        assert_invalid(await act(anonymous, sent, "complete"), ["body", "outcome"], "missing")
        assert_invalid(
            await act(
                anonymous,
                sent,
                "complete",
                outcome="已办结",
                measure="charity_cash",
                amount="1.001",
            ),
            ["body", "amount"],
        )


async def _codes(http: httpx.AsyncClient, table: str) -> list[str]:
    tables = (await http.get("/api/v1/dictionaries")).json()
    found = next(t for t in tables["tables"] if t["name"] == table)
    return [c["code"] for c in found["codes"]]


class TestSides:
    async def test_the_sender_cancels_and_the_receiver_may_not(
        self, app: FastAPI, anonymous: httpx.AsyncClient
    ) -> None:
        sent = await send(app, anonymous)
        refused = await act(anonymous, sent, "cancel", "department_officer")
        assert_problem(refused, 403, "forbidden")
        cancelled = await act(anonymous, sent, "cancel", "street_officer", note="已另行解决")
        assert cancelled.status_code == 200, cancelled.text
        assert cancelled.json()["status"] == "cancelled"

    async def test_the_sender_may_not_take_the_receivers_actions(
        self, app: FastAPI, anonymous: httpx.AsyncClient
    ) -> None:
        sent = await send(app, anonymous)
        assert_problem(await act(anonymous, sent, "receive", "street_officer"), 403, "forbidden")

    async def test_another_street_and_another_organisation_get_404(
        self, app: FastAPI, anonymous: httpx.AsyncClient
    ) -> None:
        from tests.api.referrals.referrals_http import HEALTH, department_officer_of

        sent = await send(app, anonymous)
        assert_problem(await act(anonymous, sent, "cancel", "street_officer_2"), 404, "not_found")
        await department_officer_of(app, HEALTH, "health_officer")
        assert_problem(await act(anonymous, sent, "receive", "health_officer"), 404, "not_found")
        denied = await fetch(
            app,
            select(AuditEvent.action).where(
                AuditEvent.object_id == sent["id"], AuditEvent.outcome == "denied"
            ),
        )
        assert len(denied) == 2

    async def test_a_stale_version_is_412_and_none_428(
        self, app: FastAPI, anonymous: httpx.AsyncClient
    ) -> None:
        sent = await send(app, anonymous)
        assert (await act(anonymous, sent, "receive")).status_code == 200
        assert_problem(await act(anonymous, sent, "accept"), 412, "version_mismatch")
        bare = await anonymous.post(
            f"{REFERRALS}/{sent['id']}/accept",
            json={},
            headers=await bearer(anonymous, "department_officer"),
        )
        assert_problem(bare, 428, "if_match_required")
