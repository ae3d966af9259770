"""Consents to share with organisations that are not government departments (PIPL art. 23;
DOMAIN 7), through HTTP with real sign-ins: recorded and read back, every refusal of a bad
consent, withdrawal and what `consents.public.sharing_allowed` answers around it, reach,
audit and domain events."""

import uuid
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.consents.public import sharing_allowed, sharing_allowed_many
from app.core.audit import AuditEvent
from app.core.clock import business_today
from app.core.events import DomainEvent
from app.households.models import Membership
from tests.api.households.ledger_http import PDF, bearer, fetch, organization_id
from tests.factories import GRID_A1_2, GRID_B1_1, create_demo_district, create_household
from tests.problems import assert_invalid, assert_problem

RED_CROSS = "渝北区红十字会"
CHARITY = "渝北区慈善会"
BUREAU = "渝北区民政局"
OFFICER = "street_officer"
JOINED = "2020-01-01"


@pytest.fixture(autouse=True)
async def seeded(session: AsyncSession) -> None:
    await create_demo_district(session)


async def _home(app: FastAPI) -> Any:
    """A household of street A: its head and a spouse, members since 2020."""
    return await create_household(
        app,
        members=[
            {"name": "张秀英", "relation_to_head": "self", "joined_on": JOINED},
            {"name": "李建国", "relation_to_head": "spouse", "joined_on": JOINED},
        ],
    )


@pytest.fixture
async def home(app: FastAPI) -> Any:
    return await _home(app)


def _url(household_id: Any) -> str:
    return f"/api/v1/households/{household_id}/consents"


async def _body(app: FastAPI, home: Any, **fields: Any) -> dict[str, Any]:
    return {
        "organization_id": str(await organization_id(app, RED_CROSS)),
        "person_id": str(home.head_person_id),
        "given_on": business_today().isoformat(),
        "scope": ["identity_contact", "health_disability"],
        "purpose": "红十字会大病救助核实及救助金发放",
        "method": "written",
        **fields,
    }


async def _record(
    app: FastAPI, http: httpx.AsyncClient, home: Any, username: str = OFFICER, **fields: Any
) -> httpx.Response:
    return await http.post(
        _url(home.id), json=await _body(app, home, **fields), headers=await bearer(http, username)
    )


async def _recorded(
    app: FastAPI, http: httpx.AsyncClient, home: Any, **fields: Any
) -> dict[str, Any]:
    response = await _record(app, http, home, **fields)
    assert response.status_code == 201, response.text
    found: dict[str, Any] = response.json()
    return found


async def _withdraw(
    http: httpx.AsyncClient,
    consent_id: str,
    version: int | None = 1,
    username: str = OFFICER,
    **body: Any,
) -> httpx.Response:
    headers = await bearer(http, username)
    if version is not None:
        headers["If-Match"] = f'W/"{version}"'
    return await http.post(f"/api/v1/consents/{consent_id}/withdraw", json=body, headers=headers)


async def _upload(http: httpx.AsyncClient, household_id: Any, kind: str) -> str:
    response = await http.post(
        f"/api/v1/households/{household_id}/documents",
        files={"file": ("同意书.pdf", PDF, "application/pdf")},
        data={"kind": kind},
        headers=await bearer(http, OFFICER),
    )
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


class TestRecord:
    async def test_recorded_and_read_back_with_every_field(
        self, app: FastAPI, anonymous: httpx.AsyncClient, home: Any
    ) -> None:
        http = anonymous
        document = await _upload(http, home.id, "consent_form")
        day = business_today() - timedelta(days=3)
        rows = await fetch(
            app,
            select(Membership.person_id).where(
                Membership.household_id == home.id, Membership.relation_to_head == "spouse"
            ),
        )
        spouse_id = str(rows[0][0])

        response = await _record(
            app,
            http,
            home,
            "community_worker",
            person_id=spouse_id,
            given_on=day.isoformat(),
            scope=["needs_circumstances", "income_assets"],
            method="by_guardian",
            proxy_name="李小明",
            proxy_relation="son",
            document_id=document,
        )

        assert response.status_code == 201, response.text
        found = response.json()
        assert response.headers["Location"] == f"/api/v1/consents/{found['id']}"
        assert response.headers["ETag"] == 'W/"1"'
        red_cross = str(await organization_id(app, RED_CROSS))
        expected = {
            "household_id": str(home.id),
            "region_code": home.region_code,
            "organization_id": red_cross,
            "organization_name": RED_CROSS,
            "organization_kind": "red_cross",
            "person_id": spouse_id,
            "proxy_name": "李小明",
            "proxy_relation": "son",
            "given_on": day.isoformat(),
            "valid_until": None,
            "scope": ["needs_circumstances", "income_assets"],
            "purpose": "红十字会大病救助核实及救助金发放",
            "method": "by_guardian",
            "document_id": document,
            "withdrawn_on": None,
            "withdrawn_by": None,
            "withdrawn_at": None,
            "withdrawal_reason": None,
            "in_force": True,
            "version": 1,
        }
        assert {k: found[k] for k in expected} == expected
        assert found["recorded_by"]["type"] == "user"
        assert found["recorded_by"]["display_name"]
        assert found["recorded_at"].endswith("Z")

        read = await http.get(
            f"/api/v1/consents/{found['id']}", headers=await bearer(http, "district_officer")
        )
        assert read.status_code == 200, read.text
        assert read.json() == found
        assert read.headers["ETag"] == 'W/"1"'
        listed = await http.get(_url(home.id), headers=await bearer(http, "social_worker"))
        # Not assigned to the social worker: out of its reach.
        assert_problem(listed, 404, "not_found")
        listed = await http.get(_url(home.id), headers=await bearer(http, OFFICER))
        assert listed.status_code == 200, listed.text
        assert listed.json() == {"items": [found], "next_cursor": None}

    async def test_list_is_newest_first_in_keyset_pages(
        self, app: FastAPI, anonymous: httpx.AsyncClient, home: Any
    ) -> None:
        first = await _recorded(app, anonymous, home)
        second = await _recorded(app, anonymous, home, purpose="第二次同意")
        headers = await bearer(anonymous, OFFICER)

        page = (await anonymous.get(_url(home.id), params={"limit": 1}, headers=headers)).json()
        assert [c["id"] for c in page["items"]] == [second["id"]]
        rest = await anonymous.get(
            _url(home.id), params={"limit": 1, "cursor": page["next_cursor"]}, headers=headers
        )
        assert [c["id"] for c in rest.json()["items"]] == [first["id"]]
        assert rest.json()["next_cursor"] is None

    async def test_given_today_is_accepted_tomorrow_is_not(
        self, app: FastAPI, anonymous: httpx.AsyncClient, home: Any
    ) -> None:
        tomorrow = (business_today() + timedelta(days=1)).isoformat()
        assert_invalid(
            await _record(app, anonymous, home, given_on=tomorrow),
            ["body", "given_on"],
            "date_in_future",
        )
        assert (await _record(app, anonymous, home)).status_code == 201

    async def test_a_government_department_needs_no_consent(
        self, app: FastAPI, anonymous: httpx.AsyncClient, home: Any
    ) -> None:
        bureau = str(await organization_id(app, BUREAU))
        assert_invalid(
            await _record(app, anonymous, home, organization_id=bureau),
            ["body", "organization_id"],
            "consent_not_needed",
        )

    async def test_an_unknown_organisation_is_refused(
        self, app: FastAPI, anonymous: httpx.AsyncClient, home: Any
    ) -> None:
        assert_invalid(
            await _record(app, anonymous, home, organization_id=str(uuid.uuid4())),
            ["body", "organization_id"],
            "not_found",
        )

    async def test_the_person_must_be_a_member_on_the_day_given(
        self, app: FastAPI, anonymous: httpx.AsyncClient, home: Any
    ) -> None:
        other = await create_household(app)
        assert_invalid(
            await _record(app, anonymous, home, person_id=str(other.head_person_id)),
            ["body", "person_id"],
            "not_a_member",
        )
        assert_invalid(
            await _record(app, anonymous, home, given_on="2019-12-31"),
            ["body", "person_id"],
            "not_a_member",
        )
        assert (await _record(app, anonymous, home, given_on=JOINED)).status_code == 201

    async def test_the_form_must_be_a_consent_form_of_the_households_file(
        self, app: FastAPI, anonymous: httpx.AsyncClient, home: Any
    ) -> None:
        other = await create_household(app)
        elsewhere = await _upload(anonymous, other.id, "consent_form")
        wrong_kind = await _upload(anonymous, home.id, "authorisation")
        for document in (elsewhere, wrong_kind, str(uuid.uuid4())):
            assert_invalid(
                await _record(app, anonymous, home, document_id=document),
                ["body", "document_id"],
                "not_on_file",
            )

    async def test_a_guardian_is_named_exactly_when_the_guardian_consented(
        self, app: FastAPI, anonymous: httpx.AsyncClient, home: Any
    ) -> None:
        assert_invalid(
            await _record(app, anonymous, home, method="by_guardian", proxy_relation="son"),
            ["body", "proxy_name"],
            "missing",
        )
        assert_invalid(
            await _record(app, anonymous, home, method="by_guardian", proxy_name="李小明"),
            ["body", "proxy_relation"],
            "missing",
        )
        assert_invalid(
            await _record(app, anonymous, home, proxy_name="李小明", proxy_relation="son"),
            ["body", "proxy_name"],
            "guardian_only",
        )

    @pytest.mark.parametrize(
        ("scope", "loc", "code"),
        [
            (["identity_contact", "bank_account"], ["body", "scope", 1], "unknown_code"),
            (["identity_contact", "identity_contact"], ["body", "scope"], "duplicate"),
            ([], ["body", "scope"], "too_short"),
        ],
        ids=["unknown", "twice", "empty"],
    )
    async def test_scope_codes_come_from_the_dictionary(
        self,
        app: FastAPI,
        anonymous: httpx.AsyncClient,
        home: Any,
        scope: list[str],
        loc: list[str | int],
        code: str,
    ) -> None:
        assert_invalid(await _record(app, anonymous, home, scope=scope), loc, code)

    async def test_grid_workers_and_district_officers_do_not_record(
        self, app: FastAPI, anonymous: httpx.AsyncClient, home: Any
    ) -> None:
        for username in ("grid_worker", "district_officer"):
            assert_problem(await _record(app, anonymous, home, username), 403, "forbidden")


class TestWithdraw:
    async def test_sharing_stops_on_the_day_withdrawn(
        self, app: FastAPI, anonymous: httpx.AsyncClient, home: Any
    ) -> None:
        today = business_today()
        given, withdrawn = today - timedelta(days=10), today - timedelta(days=3)
        found = await _recorded(app, anonymous, home, given_on=given.isoformat())
        red_cross = await organization_id(app, RED_CROSS)

        async def allowed(day: date) -> bool:
            async with app.state.services.database.sessionmaker() as session:
                consent = await sharing_allowed(session, home.id, red_cross, on=day)
            if consent is not None:
                assert str(consent.consent_id) == found["id"]
                assert consent.scope == frozenset({"identity_contact", "health_disability"})
            return consent is not None

        assert [await allowed(d) for d in (given - timedelta(days=1), given, today)] == [
            False,
            True,
            True,
        ]
        response = await _withdraw(
            anonymous, found["id"], withdrawn_on=withdrawn.isoformat(), reason="不再同意"
        )
        assert response.status_code == 200, response.text
        body = response.json()
        assert response.headers["ETag"] == 'W/"2"'
        assert (body["withdrawn_on"], body["withdrawal_reason"]) == (
            withdrawn.isoformat(),
            "不再同意",
        )
        assert body["withdrawn_by"]["type"] == "user"
        assert body["withdrawn_at"] is not None
        assert (body["in_force"], body["version"]) == (False, 2)
        days = (given, withdrawn - timedelta(days=1), withdrawn, today)
        assert [await allowed(d) for d in days] == [True, True, False, False]

    async def test_withdrawn_once_only(
        self, app: FastAPI, anonymous: httpx.AsyncClient, home: Any
    ) -> None:
        found = await _recorded(app, anonymous, home)
        assert (await _withdraw(anonymous, found["id"])).status_code == 200
        assert_problem(await _withdraw(anonymous, found["id"], 2), 409, "consent_withdrawn")
        assert_problem(await _withdraw(anonymous, found["id"], 1), 409, "consent_withdrawn")

    async def test_if_match_is_required_and_checked(
        self, app: FastAPI, anonymous: httpx.AsyncClient, home: Any
    ) -> None:
        found = await _recorded(app, anonymous, home)
        assert_problem(await _withdraw(anonymous, found["id"], None), 428, "if_match_required")
        assert_problem(await _withdraw(anonymous, found["id"], 5), 412, "version_mismatch")

    async def test_the_day_is_neither_in_the_future_nor_before_the_day_given(
        self, app: FastAPI, anonymous: httpx.AsyncClient, home: Any
    ) -> None:
        today = business_today()
        found = await _recorded(
            app, anonymous, home, given_on=(today - timedelta(days=2)).isoformat()
        )
        assert_invalid(
            await _withdraw(
                anonymous, found["id"], withdrawn_on=(today + timedelta(days=1)).isoformat()
            ),
            ["body", "withdrawn_on"],
            "date_in_future",
        )
        assert_invalid(
            await _withdraw(
                anonymous, found["id"], withdrawn_on=(today - timedelta(days=3)).isoformat()
            ),
            ["body", "withdrawn_on"],
            "before_given",
        )
        same_day = await _withdraw(
            anonymous, found["id"], withdrawn_on=(today - timedelta(days=2)).isoformat()
        )
        assert same_day.status_code == 200, same_day.text
        assert same_day.json()["in_force"] is False


class TestEndDay:
    async def test_sharing_allowed_on_the_end_day_and_refused_the_day_after(
        self, app: FastAPI, anonymous: httpx.AsyncClient, home: Any
    ) -> None:
        today = business_today()
        given, until = today - timedelta(days=10), today - timedelta(days=3)
        found = await _recorded(
            app, anonymous, home, given_on=given.isoformat(), valid_until=until.isoformat()
        )
        assert (found["valid_until"], found["in_force"]) == (until.isoformat(), False)
        red_cross = await organization_id(app, RED_CROSS)

        async def allowed(day: date) -> str | None:
            async with app.state.services.database.sessionmaker() as session:
                consent = await sharing_allowed(session, home.id, red_cross, on=day)
            return None if consent is None else str(consent.consent_id)

        days = (given, until, until + timedelta(days=1), today)
        assert [await allowed(d) for d in days] == [found["id"], found["id"], None, None]

    async def test_in_force_follows_the_day_read(
        self,
        app: FastAPI,
        anonymous: httpx.AsyncClient,
        home: Any,
        today_is: Callable[[date], None],
    ) -> None:
        today = business_today()
        found = await _recorded(app, anonymous, home, valid_until=today.isoformat())
        assert (found["valid_until"], found["in_force"]) == (today.isoformat(), True)
        headers = await bearer(anonymous, OFFICER)
        url = f"/api/v1/consents/{found['id']}"
        today_is(today + timedelta(days=1))
        read = await anonymous.get(url, headers=headers)
        assert read.status_code == 200, read.text
        assert read.json() == {**found, "in_force": False}
        listed = await anonymous.get(_url(home.id), headers=headers)
        assert listed.json() == {"items": [{**found, "in_force": False}], "next_cursor": None}

    async def test_an_end_day_on_the_day_given_is_accepted_one_before_is_refused(
        self, app: FastAPI, anonymous: httpx.AsyncClient, home: Any
    ) -> None:
        given = business_today() - timedelta(days=2)
        same_day = await _recorded(
            app, anonymous, home, given_on=given.isoformat(), valid_until=given.isoformat()
        )
        assert (same_day["given_on"], same_day["valid_until"]) == (given.isoformat(),) * 2
        before = (given - timedelta(days=1)).isoformat()
        refused = await _record(
            app, anonymous, home, given_on=given.isoformat(), valid_until=before
        )
        body = assert_invalid(refused, ["body", "valid_until"], "before_given")
        assert body["errors"] == [
            {"loc": ["body", "valid_until"], "msg": "不能早于同意日期", "code": "before_given"}
        ]
        events = await fetch(
            app, select(AuditEvent.object_id).where(AuditEvent.action == "consent.record")
        )
        assert events == [(same_day["id"],)]

    async def test_a_newer_consent_past_its_end_day_leaves_the_older_one_deciding(
        self, app: FastAPI, anonymous: httpx.AsyncClient, home: Any
    ) -> None:
        today = business_today()
        older = await _recorded(
            app, anonymous, home, given_on=(today - timedelta(days=5)).isoformat()
        )
        ended = today - timedelta(days=1)
        newer = await _recorded(
            app,
            anonymous,
            home,
            given_on=(today - timedelta(days=2)).isoformat(),
            valid_until=ended.isoformat(),
            scope=["identity_contact"],
        )
        other = await _home(app)
        one_day = await _recorded(
            app, anonymous, other, given_on=ended.isoformat(), valid_until=ended.isoformat()
        )
        red_cross = await organization_id(app, RED_CROSS)
        pairs = [(home.id, red_cross), (other.id, red_cross)]

        async with app.state.services.database.sessionmaker() as session:
            on_the_end_day = await sharing_allowed_many(session, pairs, on=ended)
            after = await sharing_allowed_many(session, pairs, on=today)

        assert {pair: str(c.consent_id) for pair, c in on_the_end_day.items()} == {
            (home.id, red_cross): newer["id"],
            (other.id, red_cross): one_day["id"],
        }
        assert {pair: str(c.consent_id) for pair, c in after.items()} == {
            (home.id, red_cross): older["id"]
        }


class TestSharingAllowedMany:
    async def test_the_latest_given_in_force_decides_for_each_pair(
        self, app: FastAPI, anonymous: httpx.AsyncClient, home: Any
    ) -> None:
        today = business_today()
        older = await _recorded(
            app, anonymous, home, given_on=(today - timedelta(days=5)).isoformat()
        )
        newer = await _recorded(
            app,
            anonymous,
            home,
            given_on=(today - timedelta(days=2)).isoformat(),
            scope=["identity_contact"],
        )
        charity = await organization_id(app, CHARITY)
        withdrawn = await _recorded(app, anonymous, home, organization_id=str(charity))
        assert (await _withdraw(anonymous, withdrawn["id"])).status_code == 200
        red_cross = await organization_id(app, RED_CROSS)
        other = await create_household(app)
        pairs = [(home.id, red_cross), (home.id, charity), (other.id, red_cross)]

        async with app.state.services.database.sessionmaker() as session:
            now = await sharing_allowed_many(session, pairs, on=today)
            before = await sharing_allowed_many(session, pairs, on=today - timedelta(days=3))
            nothing = await sharing_allowed_many(session, [], on=today)

        assert {pair: str(c.consent_id) for pair, c in now.items()} == {
            (home.id, red_cross): newer["id"]
        }
        assert now[(home.id, red_cross)].scope == frozenset({"identity_contact"})
        assert {pair: str(c.consent_id) for pair, c in before.items()} == {
            (home.id, red_cross): older["id"]
        }
        assert nothing == {}


class TestReach:
    async def test_out_of_reach_is_404_on_every_route(
        self, app: FastAPI, anonymous: httpx.AsyncClient, home: Any
    ) -> None:
        found = await _recorded(app, anonymous, home)
        other = await bearer(anonymous, "street_officer_2")
        responses = [
            await anonymous.post(_url(home.id), json=await _body(app, home), headers=other),
            await anonymous.get(_url(home.id), headers=other),
            await anonymous.get(f"/api/v1/consents/{found['id']}", headers=other),
            await _withdraw(anonymous, found["id"], username="street_officer_2"),
        ]
        for response in responses:
            assert_problem(response, 404, "not_found")
        missing = await anonymous.get(f"/api/v1/consents/{uuid.uuid4()}", headers=other)
        assert_problem(missing, 404, "not_found")

    async def test_a_street_b_household_is_its_own_streets(
        self, app: FastAPI, anonymous: httpx.AsyncClient
    ) -> None:
        home_b = await create_household(
            app,
            region=GRID_B1_1,
            members=[{"name": "王芳", "relation_to_head": "self", "joined_on": JOINED}],
        )
        assert (await _record(app, anonymous, home_b, "street_officer_2")).status_code == 201
        assert_problem(await _record(app, anonymous, home_b), 404, "not_found")


class TestRecords:
    async def test_changes_and_reads_are_audited_and_announced(
        self, app: FastAPI, anonymous: httpx.AsyncClient, home: Any
    ) -> None:
        found = await _recorded(app, anonymous, home)
        headers = await bearer(anonymous, OFFICER)
        assert (
            await anonymous.get(f"/api/v1/consents/{found['id']}", headers=headers)
        ).status_code == 200
        assert (await anonymous.get(_url(home.id), headers=headers)).status_code == 200
        assert (await _withdraw(anonymous, found["id"])).status_code == 200

        audited = await fetch(
            app,
            select(
                AuditEvent.action,
                AuditEvent.object_type,
                AuditEvent.object_id,
                AuditEvent.region_code,
            )
            .where(AuditEvent.action.like("consent.%"))
            .order_by(AuditEvent.occurred_at, AuditEvent.id),
        )
        assert [tuple(row) for row in audited] == [
            ("consent.record", "consent", found["id"], home.region_code),
            ("consent.read", "consent", found["id"], home.region_code),
            ("consent.list.read", "household", str(home.id), None),
            ("consent.withdraw", "consent", found["id"], home.region_code),
        ]
        events = await fetch(
            app,
            select(DomainEvent.name, DomainEvent.payload)
            .where(DomainEvent.name.like("consent.%"))
            .order_by(DomainEvent.occurred_at, DomainEvent.id),
        )
        payload = {
            "consent_id": found["id"],
            "household_id": str(home.id),
            "organization_id": str(await organization_id(app, RED_CROSS)),
            "region_code": home.region_code,
        }
        assert [tuple(row) for row in events] == [
            ("consent.recorded", payload),
            ("consent.withdrawn", payload),
        ]


class TestRelocation:
    async def test_a_household_that_moves_takes_its_consents_along(
        self, app: FastAPI, anonymous: httpx.AsyncClient, home: Any
    ) -> None:
        found = await _recorded(app, anonymous, home)
        headers = await bearer(anonymous, OFFICER)
        current = await anonymous.get(f"/api/v1/households/{home.id}", headers=headers)
        moved = await anonymous.patch(
            f"/api/v1/households/{home.id}",
            json={"region_code": GRID_A1_2},
            headers={**headers, "If-Match": current.headers["etag"]},
        )
        assert moved.status_code == 200, moved.text

        read = await anonymous.get(f"/api/v1/consents/{found['id']}", headers=headers)
        assert read.json()["region_code"] == GRID_A1_2
