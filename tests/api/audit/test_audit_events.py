"""The audit trail (DOMAIN 12): one event per change, refusals kept, scoped reading, hash chain."""

import json
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.audit import AuditEvent
from app.core.audit_chain import BreakKind
from app.core.db import Database
from tests.api.audit.chain import seal, verify
from tests.api.identity.helpers import (
    AUDIT_URL,
    CLIENTS_URL,
    LOCKS_URL,
    LOGOUT_URL,
    ME_URL,
    REFRESH_URL,
    STRONG_PASSWORD,
    TOKEN_URL,
    USERS_URL,
    basic,
    bearer,
    client_token,
    headers_for,
    me,
    password_grant,
    tokens_for,
)
from tests.factories import DEMO_PASSWORD, create_organization, create_region
from tests.problems import assert_invalid, assert_problem

pytestmark = pytest.mark.usefixtures("demo")
WRONG = "Wrong-Attempt-Password-3"
EVENT_FIELDS = {
    "id",
    "occurred_at",
    "actor",
    "role",
    "action",
    "object_type",
    "object_id",
    "region_code",
    "request_id",
    "address",
    "user_agent",
    "outcome",
    "changed_fields",
    "seal_seq",
}


async def all_events(
    http: httpx.AsyncClient, headers: dict[str, str] | None = None, **params: Any
) -> list[dict[str, Any]]:
    """Every event matching `params`, following cursors."""
    items: list[dict[str, Any]] = []
    query: dict[str, Any] = {"limit": 200, **params}
    while True:
        response = await http.get(AUDIT_URL, params=query, headers=headers)
        assert response.status_code == 200, response.text
        page = response.json()
        items += page["items"]
        if page["next_cursor"] is None:
            return items
        query["cursor"] = page["next_cursor"]


async def only_event(http: httpx.AsyncClient, **params: Any) -> dict[str, Any]:
    found = await all_events(http, **params)
    assert len(found) == 1, found
    return found[0]


def new_user(username: str = "new_officer", scope: str = "500112001") -> dict[str, Any]:
    return {
        "username": username,
        "display_name": "新街道干部",
        "role": "street_officer",
        "scope_region_code": scope,
        "password": STRONG_PASSWORD,
    }


def assert_success_by(
    event: dict[str, Any], actor_id: str, role: str, response: httpx.Response
) -> None:
    assert set(event) == EVENT_FIELDS
    assert (event["actor"]["type"], event["actor"]["id"]) == ("user", actor_id)
    assert event["actor"]["display_name"], "the actor is named"
    assert event["role"] == role
    assert event["outcome"] == "success"
    assert event["request_id"] == response.headers["x-request-id"]
    assert event["address"] == "127.0.0.1"
    assert event["user_agent"].startswith("python-httpx/")
    assert event["seal_seq"] is None


class TestChangesAreRecorded:
    async def test_admin_user_management(
        self, anonymous: httpx.AsyncClient, admin: dict[str, str], client: httpx.AsyncClient
    ) -> None:
        admin_id = (await me(anonymous, admin))["id"]

        created = await anonymous.post(USERS_URL, json=new_user(), headers=admin)
        user_id = created.json()["id"]
        patched = await anonymous.patch(
            f"{USERS_URL}/{user_id}",
            json={"display_name": "改名", "phone": "13800138000", "role": "street_officer"},
            headers={**admin, "If-Match": 'W/"1"'},
        )
        deactivated = await anonymous.patch(
            f"{USERS_URL}/{user_id}",
            json={"active": False},
            headers={**admin, "If-Match": 'W/"2"'},
        )

        assert created.status_code == 201
        assert patched.status_code == 200
        assert deactivated.status_code == 200
        events = await all_events(client, object_type="user", object_id=user_id)
        assert [e["action"] for e in events] == ["user.create", "user.update", "user.update"]
        for event, response in zip(events, (created, patched, deactivated), strict=True):
            assert_success_by(event, admin_id, "admin", response)
            assert event["region_code"] == "500112001"
        assert events[0]["changed_fields"] == [
            "display_name",
            "role",
            "scope_region_code",
            "username",
        ]
        assert events[1]["changed_fields"] == ["display_name", "phone"]
        assert events[2]["changed_fields"] == ["active"]
        assert STRONG_PASSWORD not in json.dumps(events)

    async def test_own_account_changes(
        self, anonymous: httpx.AsyncClient, client: httpx.AsyncClient
    ) -> None:
        headers = await headers_for(anonymous, "social_worker")
        myself = await me(anonymous, headers)

        renamed = await anonymous.patch(
            ME_URL, json={"display_name": "同心小李"}, headers={**headers, "If-Match": 'W/"1"'}
        )
        changed = await anonymous.post(
            f"{ME_URL}/password",
            json={"old_password": DEMO_PASSWORD, "new_password": STRONG_PASSWORD},
            headers=headers,
        )

        assert renamed.status_code == 200
        assert changed.status_code == 204
        rename = await only_event(client, action="user.update_self")
        assert_success_by(rename, myself["id"], "social_worker", renamed)
        assert (rename["object_type"], rename["object_id"]) == ("user", myself["id"])
        assert rename["changed_fields"] == ["display_name"]
        password = await only_event(client, action="user.change_password")
        assert_success_by(password, myself["id"], "social_worker", changed)
        assert (password["object_type"], password["object_id"]) == ("user", myself["id"])
        assert password["changed_fields"] == ["password"]
        everything = json.dumps(await all_events(client))
        assert STRONG_PASSWORD not in everything
        assert DEMO_PASSWORD not in everything

    async def test_api_client_management(
        self,
        anonymous: httpx.AsyncClient,
        admin: dict[str, str],
        client: httpx.AsyncClient,
        session: AsyncSession,
    ) -> None:
        organization = await create_organization(session, kind="housing")
        admin_id = (await me(anonymous, admin))["id"]

        created = await anonymous.post(
            CLIENTS_URL,
            json={
                "client_id": "housing-system",
                "name": "住房保障系统",
                "organization_id": str(organization.id),
            },
            headers=admin,
        )
        client_uuid = created.json()["id"]
        secret = created.json()["client_secret"]
        granted = await anonymous.post(
            TOKEN_URL,
            data={"grant_type": "client_credentials"},
            headers=basic("housing-system", secret),
        )
        refused = await anonymous.post(
            TOKEN_URL,
            data={"grant_type": "client_credentials"},
            headers=basic("housing-system", "a-wrong-secret"),
        )
        deactivated = await anonymous.patch(
            f"{CLIENTS_URL}/{client_uuid}",
            json={"active": False},
            headers={**admin, "If-Match": 'W/"1"'},
        )

        assert granted.status_code == 200
        assert refused.status_code == 401
        create_event = await only_event(client, action="api_client.create", object_id=client_uuid)
        assert_success_by(create_event, admin_id, "admin", created)
        assert create_event["object_type"] == "api_client"
        assert create_event["changed_fields"] == ["client_id", "name", "organization_id"]
        update_event = await only_event(client, action="api_client.update")
        assert_success_by(update_event, admin_id, "admin", deactivated)
        assert update_event["changed_fields"] == ["active"]
        token_event = await only_event(client, action="auth.client_token", outcome="success")
        assert token_event["actor"] == {
            "type": "api_client",
            "id": client_uuid,
            "display_name": token_event["actor"]["display_name"],
        }
        assert token_event["actor"]["display_name"]
        assert token_event["role"] == "partner"
        assert token_event["object_id"] == client_uuid
        denied = await only_event(client, action="auth.client_token", outcome="denied")
        assert denied["actor"] is None
        assert denied["request_id"] == refused.headers["x-request-id"]
        everything = json.dumps(await all_events(client))
        assert secret not in everything
        assert "a-wrong-secret" not in everything

    async def test_sign_ins_logouts_and_lock_lifts(
        self,
        anonymous: httpx.AsyncClient,
        admin: dict[str, str],
        client: httpx.AsyncClient,
    ) -> None:
        admin_id = (await me(anonymous, admin))["id"]
        tokens = await tokens_for(anonymous, "street_officer")
        officer_id = (await me(anonymous, bearer(tokens["access_token"])))["id"]
        wrong = await password_grant(anonymous, "street_officer", WRONG)
        unknown = await password_grant(anonymous, "nobody_at_all", WRONG)
        logout = await anonymous.post(LOGOUT_URL, json={"refresh_token": tokens["refresh_token"]})
        for _ in range(5):
            await password_grant(anonymous, "grid_worker", WRONG)
        lifted = await anonymous.delete(f"{LOCKS_URL}/account:grid_worker", headers=admin)

        assert logout.status_code == 204
        assert lifted.status_code == 204
        logins = await all_events(
            client, action="auth.login", outcome="success", actor=f"user:{officer_id}"
        )
        assert len(logins) == 1
        assert (logins[0]["object_type"], logins[0]["object_id"]) == ("user", officer_id)
        assert logins[0]["role"] == "street_officer"
        denied = await all_events(client, action="auth.login", outcome="denied")
        by_request = {e["request_id"]: e for e in denied}
        for response in (wrong, unknown):
            event = by_request[response.headers["x-request-id"]]
            assert event["actor"] is None
            assert event["address"] == "127.0.0.1"
            assert event["changed_fields"] == []
        assert len(denied) == 7
        logout_event = await only_event(client, action="auth.logout")
        assert (logout_event["actor"]["type"], logout_event["actor"]["id"]) == ("user", officer_id)
        assert logout_event["object_id"] == officer_id
        assert logout_event["request_id"] == logout.headers["x-request-id"]
        lift = await only_event(client, action="login_lock.lift")
        assert_success_by(lift, admin_id, "admin", lifted)
        assert (lift["object_type"], lift["object_id"]) == ("login_lock", "account:grid_worker")
        everything = json.dumps(await all_events(client))
        assert WRONG not in everything
        assert DEMO_PASSWORD not in everything
        assert tokens["refresh_token"] not in everything

    async def test_refresh_token_reuse_is_recorded_as_denied(
        self, anonymous: httpx.AsyncClient, client: httpx.AsyncClient
    ) -> None:
        tokens = await tokens_for(anonymous, "community_worker")
        worker_id = (await me(anonymous, bearer(tokens["access_token"])))["id"]
        await anonymous.post(REFRESH_URL, json={"refresh_token": tokens["refresh_token"]})

        reused = await anonymous.post(REFRESH_URL, json={"refresh_token": tokens["refresh_token"]})

        assert reused.status_code == 400
        event = await only_event(client, action="auth.refresh_reuse")
        assert event["outcome"] == "denied"
        assert (event["object_type"], event["object_id"]) == ("user", worker_id)
        assert event["request_id"] == reused.headers["x-request-id"]


class TestRefusedAttemptsAreRecorded:
    async def test_a_forbidden_change_leaves_a_denied_event(
        self, anonymous: httpx.AsyncClient, client: httpx.AsyncClient
    ) -> None:
        """The issue: "refused attempts recorded in their own transaction" (outcome `denied`)."""
        officer = await headers_for(anonymous, "street_officer")
        officer_id = (await me(anonymous, officer))["id"]

        refused = await anonymous.post(USERS_URL, json=new_user(), headers=officer)

        assert refused.status_code == 403
        denied = await all_events(client, outcome="denied", actor=f"user:{officer_id}")
        assert [e["request_id"] for e in denied] == [refused.headers["x-request-id"]]
        assert denied[0]["role"] == "street_officer"
        assert STRONG_PASSWORD not in json.dumps(denied)


class TestRefusedChangesLeaveNoSuccessEvent:
    async def test_conflicts_validation_errors_and_403s(
        self, anonymous: httpx.AsyncClient, admin: dict[str, str], client: httpx.AsyncClient
    ) -> None:
        before = await all_events(client, action="user.create")
        officer = await headers_for(anonymous, "street_officer")

        duplicate = await anonymous.post(USERS_URL, json=new_user("street_officer"), headers=admin)
        weak = await anonymous.post(
            USERS_URL, json={**new_user(), "password": "password123"}, headers=admin
        )
        forbidden = await anonymous.post(USERS_URL, json=new_user(), headers=officer)
        stale = await anonymous.patch(
            ME_URL, json={"display_name": "x"}, headers={**officer, "If-Match": 'W/"9"'}
        )

        assert duplicate.status_code == 409
        assert weak.status_code == 422
        assert forbidden.status_code == 403
        assert stale.status_code == 412
        assert await all_events(client, action="user.create") == before
        assert await all_events(client, action="user.update_self") == []
        assert "password123" not in json.dumps(await all_events(client))


class TestFiltersAndPages:
    async def test_filters(
        self, anonymous: httpx.AsyncClient, admin: dict[str, str], client: httpx.AsyncClient
    ) -> None:
        admin_id = (await me(anonymous, admin))["id"]
        first = await anonymous.post(USERS_URL, json=new_user("first_one"), headers=admin)
        middle = datetime.now(UTC)
        second = await anonymous.post(
            USERS_URL, json=new_user("second_one", "500112002"), headers=admin
        )
        await password_grant(anonymous, "street_officer", WRONG)
        first_id, second_id = first.json()["id"], second.json()["id"]

        by_admin = await all_events(client, actor=f"user:{admin_id}")
        assert {(e["actor"]["type"], e["actor"]["id"]) for e in by_admin} == {("user", admin_id)}
        assert {first_id, second_id} <= {e["object_id"] for e in by_admin}
        creates = await all_events(client, action="user.create")
        assert {e["action"] for e in creates} == {"user.create"}
        assert {first_id, second_id} <= {e["object_id"] for e in creates}
        one = await all_events(client, object_type="user", object_id=first_id)
        assert [e["object_id"] for e in one] == [first_id]
        denied = await all_events(client, outcome="denied")
        assert [e["action"] for e in denied] == ["auth.login"]
        assert {e["outcome"] for e in await all_events(client, outcome="success")} == {"success"}
        later = await all_events(client, since=middle.isoformat())
        assert second_id in {e["object_id"] for e in later}
        assert first_id not in {e["object_id"] for e in later}
        earlier = await all_events(client, until=middle.isoformat())
        assert first_id in {e["object_id"] for e in earlier}
        assert second_id not in {e["object_id"] for e in earlier}
        in_street_b = await all_events(client, region="500112002")
        assert second_id in {e["object_id"] for e in in_street_b}
        assert all(e["region_code"].startswith("500112002") for e in in_street_b)
        mine_in_b = await all_events(client, region="500112002", actor=f"user:{admin_id}")
        assert [e["object_id"] for e in mine_in_b] == [second_id]

    async def test_pages_cover_every_event_once_in_time_order(
        self, anonymous: httpx.AsyncClient, admin: dict[str, str], client: httpx.AsyncClient
    ) -> None:
        for _ in range(3):
            await password_grant(anonymous, "auditor", WRONG)
        everything = await all_events(client)
        seen: list[dict[str, Any]] = []
        cursor = None
        while True:
            params: dict[str, Any] = {"limit": 4}
            if cursor is not None:
                params["cursor"] = cursor
            response = await client.get(AUDIT_URL, params=params)
            assert response.status_code == 200, response.text
            page = response.json()
            assert len(page["items"]) <= 4
            seen += page["items"]
            cursor = page["next_cursor"]
            if cursor is None:
                break

        assert seen == everything
        assert len({e["id"] for e in seen}) == len(seen) > 12
        times = [e["occurred_at"] for e in seen]
        assert times == sorted(times)

    async def test_bad_parameters_are_422(self, client: httpx.AsyncClient) -> None:
        cases: list[tuple[dict[str, Any], list[str | int]]] = [
            ({"outcome": "maybe"}, ["query", "outcome"]),
            ({"limit": 201}, ["query", "limit"]),
            ({"since": "yesterday"}, ["query", "since"]),
            ({"region": "5001x"}, ["query", "region"]),
            ({"cursor": "forged"}, ["query", "cursor"]),
        ]
        for params, loc in cases:
            assert_invalid(await client.get(AUDIT_URL, params=params), loc)

    async def test_a_time_without_offset_is_422(self, client: httpx.AsyncClient) -> None:
        """API.md: timestamps carry an offset; a naive one is the client's error, not a 500."""
        for name in ("since", "until"):
            response = await client.get(AUDIT_URL, params={name: "2026-11-23T08:00:00"})

            assert_invalid(response, ["query", name])


class TestWhoMayRead:
    async def test_district_officers_see_their_district_and_regionless_events(
        self,
        anonymous: httpx.AsyncClient,
        admin: dict[str, str],
        client: httpx.AsyncClient,
        session: AsyncSession,
    ) -> None:
        await create_region(session, "500105", "江北区")
        elsewhere = await anonymous.post(
            USERS_URL,
            json={
                **new_user("jiangbei_officer"),
                "role": "district_officer",
                "scope_region_code": "500105",
            },
            headers=admin,
        )
        here = await anonymous.post(USERS_URL, json=new_user(), headers=admin)
        await password_grant(anonymous, "street_officer", WRONG)
        officer = await headers_for(anonymous, "district_officer")

        seen = await all_events(anonymous, officer)
        everything = await all_events(client)

        elsewhere_id, here_id = elsewhere.json()["id"], here.json()["id"]
        assert elsewhere_id not in {e["object_id"] for e in seen}
        assert here_id in {e["object_id"] for e in seen}
        assert all(e["region_code"] is None or e["region_code"].startswith("500112") for e in seen)
        assert any(e["region_code"] is None for e in seen)
        assert [e for e in everything if e["region_code"] == "500105"] == [
            e for e in everything if e["object_id"] == elsewhere_id
        ]
        assert await all_events(anonymous, officer, region="500105") == []
        assert len(everything) > len(seen)

    async def test_other_roles_get_403(self, anonymous: httpx.AsyncClient) -> None:
        for username in ("street_officer", "admin", "community_worker", "social_worker"):
            headers = await headers_for(anonymous, username)

            assert_problem(await anonymous.get(AUDIT_URL, headers=headers), 403, "forbidden")

    async def test_a_partner_client_gets_403(self, anonymous: httpx.AsyncClient) -> None:
        headers = bearer(await client_token(anonymous))

        assert_problem(await anonymous.get(AUDIT_URL, headers=headers), 403, "forbidden")

    async def test_anonymous_gets_401(self, anonymous: httpx.AsyncClient) -> None:
        assert_problem(await anonymous.get(AUDIT_URL), 401, "unauthorized")

    async def test_no_api_changes_events(self, client: httpx.AsyncClient) -> None:
        event = (await all_events(client))[0]

        for method in ("POST", "PUT", "PATCH", "DELETE"):
            response = await client.request(method, AUDIT_URL, json={})
            assert response.status_code in {404, 405}, (method, response.status_code)
            response = await client.request(method, f"{AUDIT_URL}/{event['id']}", json={})
            assert response.status_code in {404, 405}, (method, response.status_code)


class TestHashChain:
    async def test_sealing_numbers_events_in_order_and_verifies(
        self,
        anonymous: httpx.AsyncClient,
        client: httpx.AsyncClient,
        app: FastAPI,
    ) -> None:
        await password_grant(anonymous, "auditor", WRONG)
        count = len(await all_events(client))

        sealed = await seal(app)

        assert sealed == count
        events = await all_events(client)
        assert [e["seal_seq"] for e in events] == list(range(1, count + 1))
        report = await verify(app)
        assert report.checked == count
        assert report.broken is None
        assert report.legacy == 0
        assert report.head_seq == count
        assert report.unsealed == 0
        assert report.oldest_unsealed_at is None
        assert await seal(app) == 0, "sealing again seals nothing"

    async def test_new_events_extend_the_chain(
        self,
        anonymous: httpx.AsyncClient,
        client: httpx.AsyncClient,
        app: FastAPI,
    ) -> None:
        first = await seal(app)
        await password_grant(anonymous, "auditor", WRONG)

        pending = await verify(app)
        await seal(app)
        report = await verify(app)

        assert pending.checked == first
        assert pending.unsealed == 1
        assert pending.oldest_unsealed_at is not None
        assert pending.broken is None
        assert report.checked == first + 1
        assert report.unsealed == 0
        newest = (await all_events(client, outcome="denied"))[-1]
        assert newest["seal_seq"] == first + 1

    async def test_editing_a_sealed_event_is_found(
        self,
        anonymous: httpx.AsyncClient,
        client: httpx.AsyncClient,
        app: FastAPI,
        database: Database,
    ) -> None:
        await password_grant(anonymous, "auditor", WRONG)
        await seal(app)
        victim = (await all_events(client))[4]
        original = {k: victim[k] for k in ("action", "outcome", "changed_fields")}
        # The response names the actor; the row stores what the audit context said.
        async with database.sessionmaker() as session:
            original["actor"] = await session.scalar(
                select(AuditEvent.actor).where(AuditEvent.seal_seq == victim["seal_seq"])
            )
        changes: list[dict[str, Any]] = [
            {"action": "user.read"},
            {"outcome": "failed"},
            {"actor": None},
            {"changed_fields": ["role"]},
            {"address": "10.0.0.1"},
        ]
        for change in changes:
            async with database.sessionmaker() as session, session.begin():
                await session.execute(
                    update(AuditEvent)
                    .where(AuditEvent.seal_seq == victim["seal_seq"])
                    .values(**change)
                )

            report = await verify(app)

            assert report.broken is not None
            assert (report.broken.kind, report.broken.seq) == (BreakKind.altered, 5), change
            assert report.broken.event_id == victim["id"]
            assert victim["seal_seq"] == 5
            assert report.checked == 4
            async with database.sessionmaker() as session, session.begin():
                await session.execute(
                    update(AuditEvent)
                    .where(AuditEvent.seal_seq == victim["seal_seq"])
                    .values(**original, address=victim["address"])
                )
            assert (await verify(app)).broken is None, "restored, intact again"

    async def test_deleting_a_sealed_event_is_found(
        self, client: httpx.AsyncClient, app: FastAPI, database: Database
    ) -> None:
        await seal(app)
        events = await all_events(client)
        async with database.sessionmaker() as session, session.begin():
            await session.execute(delete(AuditEvent).where(AuditEvent.seal_seq == 3))

        report = await verify(app)

        assert report.broken is not None
        assert (report.broken.kind, report.broken.seq) == (BreakKind.gap, 4)
        assert report.broken.event_id == events[3]["id"]
        assert report.broken.detail == (
            f"seal 3 expected but event {events[3]['id']} (seal 4) follows: "
            "sealed events were removed"
        )
