"""One rule for refused attempts (Beijing 7; DOMAIN 12): each leaves a `denied` event.

Every 403 (a permission, a confidentiality agreement), every write outside the
caller's jurisdiction (422 or 404, as the route answers it) and every object
that exists out of reach leaves one event with the request's id, written in its
own transaction; the answer itself is what it was.
"""

import uuid
from datetime import timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

import app.domains  # noqa: F401  (every domain's errors are defined)
from app.core.audit import AuditEvent
from app.core.clock import business_today
from app.core.errors import AppError
from app.households.models import Household
from tests.api.households.ledger_http import grid_worker_of_street_b
from tests.api.households.records import (
    HOUSEHOLDS,
    agency_id,
    assign_to_social_worker,
    bearer,
    create,
    household_body,
    patch,
    user_id,
)
from tests.factories import GRID_A1_1, GRID_B1_1, create_demo_district
from tests.problems import assert_invalid, assert_problem


@pytest.fixture(autouse=True)
async def seeded(session: AsyncSession) -> None:
    await create_demo_district(session)


async def _denied(app: FastAPI) -> list[AuditEvent]:
    async with app.state.services.database.sessionmaker() as session:
        rows = await session.scalars(
            select(AuditEvent).where(AuditEvent.outcome == "denied").order_by(AuditEvent.id)
        )
        return list(rows)


def _summary(event: AuditEvent) -> tuple[Any, ...]:
    return (event.action, event.object_type, event.object_id, event.region_code, event.actor)


async def _actor(app: FastAPI, username: str) -> str:
    return f"user:{await user_id(app, username)}"


def _same_answer(one: httpx.Response, other: httpx.Response) -> None:
    """Two answers that differ in nothing but their request (id and path)."""
    assert one.status_code == other.status_code
    strip = ("request_id", "instance")
    assert {k: v for k, v in one.json().items() if k not in strip} == {
        k: v for k, v in other.json().items() if k not in strip
    }


class TestConfidentiality:
    @pytest.mark.parametrize("route", ["", "/members", "/history", "/plan", "/plan/versions"])
    async def test_a_social_worker_without_an_agreement_is_refused_and_it_is_recorded(
        self, app: FastAPI, anonymous: httpx.AsyncClient, route: str
    ) -> None:
        created = await create(anonymous, await bearer(anonymous, "street_officer"))
        await assign_to_social_worker(app, anonymous, created["id"])
        response = await anonymous.get(
            f"{HOUSEHOLDS}/{created['id']}{route}",
            headers=await bearer(anonymous, "social_worker"),
        )
        assert_problem(response, 403, "confidentiality_agreement_required")
        assert "张秀英" not in response.text
        (event,) = await _denied(app)
        # The record itself is also read by department officers through referrals, so its
        # route names that action.
        action = "households:read_referred" if route == "" else "households:read"
        assert _summary(event) == (
            f"denied:{action}",
            "household",
            created["id"],
            "500112001",
            await _actor(app, "social_worker"),
        )
        assert (event.role, event.request_id) == ("social_worker", response.headers["x-request-id"])

    async def test_listing_households_without_any_agreement_is_recorded(
        self, app: FastAPI, anonymous: httpx.AsyncClient
    ) -> None:
        response = await anonymous.get(HOUSEHOLDS, headers=await bearer(anonymous, "social_worker"))
        assert_problem(response, 403, "confidentiality_agreement_required")
        assert [_summary(e) for e in await _denied(app)] == [
            ("denied:households:read", None, None, None, await _actor(app, "social_worker"))
        ]

    async def test_a_street_officer_recording_another_streets_agreement_is_recorded(
        self, app: FastAPI, anonymous: httpx.AsyncClient
    ) -> None:
        today = business_today()
        response = await anonymous.post(
            "/api/v1/confidentiality-agreements",
            json={
                "street_code": "500112002",
                "agency_id": str(await agency_id(app)),
                "signed_on": today.isoformat(),
                "valid_until": (today + timedelta(days=30)).isoformat(),
            },
            headers=await bearer(anonymous, "street_officer"),
        )
        assert_problem(response, 404, "not_found")
        assert [_summary(e) for e in await _denied(app)] == [
            (
                "denied:confidentiality:manage",
                None,
                None,
                "500112002",
                await _actor(app, "street_officer"),
            )
        ]


class TestOutsideTheJurisdiction:
    async def test_creating_a_household_in_another_streets_region(
        self, app: FastAPI, anonymous: httpx.AsyncClient
    ) -> None:
        response = await anonymous.post(
            HOUSEHOLDS,
            json=household_body(region=GRID_A1_1),
            headers=await bearer(anonymous, "street_officer_2"),
        )
        assert_invalid(response, ["body", "region_code"], "region_out_of_scope")
        assert [_summary(e) for e in await _denied(app)] == [
            (
                "denied:households:create",
                None,
                None,
                GRID_A1_1,
                await _actor(app, "street_officer_2"),
            )
        ]
        async with app.state.services.database.sessionmaker() as session:
            assert await session.scalar(select(func.count()).select_from(Household)) == 0

    async def test_moving_a_household_into_another_street(
        self, app: FastAPI, anonymous: httpx.AsyncClient
    ) -> None:
        officer = await bearer(anonymous, "street_officer")
        created = await create(anonymous, officer)
        response = await patch(anonymous, officer, created, {"region_code": GRID_B1_1})
        assert_invalid(response, ["body", "region_code"], "region_out_of_scope")
        assert [_summary(e) for e in await _denied(app)] == [
            (
                "denied:households:write",
                "household",
                created["id"],
                GRID_B1_1,
                await _actor(app, "street_officer"),
            )
        ]

    async def test_a_region_that_does_not_exist_is_invalid_not_refused(
        self, app: FastAPI, anonymous: httpx.AsyncClient
    ) -> None:
        response = await anonymous.post(
            HOUSEHOLDS,
            json=household_body(region="500112001009001"),
            headers=await bearer(anonymous, "street_officer"),
        )
        assert_invalid(response, ["body", "region_code"], "not_found")
        assert await _denied(app) == []

    async def test_pairing_with_a_worker_of_another_street_answers_as_for_no_worker(
        self, app: FastAPI, anonymous: httpx.AsyncClient
    ) -> None:
        officer = await bearer(anonymous, "street_officer")
        created = await create(anonymous, officer)
        url = f"{HOUSEHOLDS}/{created['id']}/paired-worker"
        headers = {**officer, "If-Match": f'W/"{created["version"]}"'}
        foreign = await anonymous.put(
            url, json={"worker_id": str(await grid_worker_of_street_b(app))}, headers=headers
        )
        unknown = await anonymous.put(url, json={"worker_id": str(uuid.uuid4())}, headers=headers)
        assert_invalid(foreign, ["body", "worker_id"], "not_a_street_worker")
        _same_answer(foreign, unknown)
        (event,) = await _denied(app)
        assert _summary(event) == (
            "denied:households:pair",
            "household",
            created["id"],
            GRID_A1_1,
            await _actor(app, "street_officer"),
        )
        assert event.request_id == foreign.headers["x-request-id"]

    async def test_the_completeness_of_another_street(
        self, app: FastAPI, anonymous: httpx.AsyncClient
    ) -> None:
        response = await anonymous.get(
            f"{HOUSEHOLDS}/completeness",
            params={"region": "500112002"},
            headers=await bearer(anonymous, "street_officer"),
        )
        assert_problem(response, 404, "not_found")
        assert [_summary(e) for e in await _denied(app)] == [
            (
                "denied:ledger_quality:read",
                None,
                None,
                "500112002",
                await _actor(app, "street_officer"),
            )
        ]


class TestOneRule:
    async def test_a_role_refused_on_a_household_names_the_household(
        self, app: FastAPI, anonymous: httpx.AsyncClient
    ) -> None:
        created = await create(anonymous, await bearer(anonymous, "street_officer"))
        response = await anonymous.post(
            f"{HOUSEHOLDS}/{created['id']}/assignments",
            json={"agency_id": str(await agency_id(app))},
            headers=await bearer(anonymous, "grid_worker"),
        )
        assert_problem(response, 403, "forbidden")
        assert [_summary(e) for e in await _denied(app)] == [
            (
                "denied:households:assign",
                "household",
                created["id"],
                None,
                await _actor(app, "grid_worker"),
            )
        ]

    async def test_a_household_out_of_reach_is_recorded_whatever_the_route(
        self, app: FastAPI, anonymous: httpx.AsyncClient
    ) -> None:
        created = await create(anonymous, await bearer(anonymous, "street_officer"))
        response = await anonymous.get(
            f"{HOUSEHOLDS}/{created['id']}/plan/versions",
            headers=await bearer(anonymous, "street_officer_2"),
        )
        assert_problem(response, 404, "not_found")
        assert [_summary(e) for e in await _denied(app)] == [
            (
                "denied:household.read",
                "household",
                created["id"],
                None,
                await _actor(app, "street_officer_2"),
            )
        ]

    def test_every_403_is_a_refusal(self) -> None:
        """A 403 added later is audited without a line of its own."""
        classes: list[type[AppError]] = []
        pending: list[type[AppError]] = [AppError]
        while pending:
            cls = pending.pop()
            classes.append(cls)
            pending.extend(cls.__subclasses__())
        forbidden = [c for c in classes if c.status == 403]
        assert {c.code for c in forbidden} >= {
            "forbidden",
            "confidentiality_agreement_required",
            "wrong_password",
        }
        assert all(c.refuses for c in forbidden)
        assert not any(c.refuses for c in classes if c.status != 403)


class TestPlanReads:
    async def test_reading_the_plan_and_its_versions_is_audited(
        self, app: FastAPI, anonymous: httpx.AsyncClient
    ) -> None:
        officer = await bearer(anonymous, "street_officer")
        created = await create(anonymous, officer)
        url = f"{HOUSEHOLDS}/{created['id']}/plan"
        written = await anonymous.put(url, json={"goals": "稳定基本生活"}, headers=officer)
        assert written.status_code == 201, written.text
        grid = await bearer(anonymous, "grid_worker")
        reads = [await anonymous.get(u, headers=grid) for u in (url, f"{url}/versions")]
        assert [r.status_code for r in reads] == [200, 200]
        async with app.state.services.database.sessionmaker() as session:
            events = list(
                await session.scalars(
                    select(AuditEvent)
                    .where(AuditEvent.action.like("household.plan%"))
                    .order_by(AuditEvent.id)
                )
            )
        assert [
            (e.action, e.object_id, e.region_code, e.outcome, e.actor, e.request_id) for e in events
        ] == [
            (
                action,
                created["id"],
                GRID_A1_1,
                "success",
                await _actor(app, "grid_worker"),
                read.headers["x-request-id"],
            )
            for action, read in zip(
                ("household.plan.read", "household.plan.versions.read"), reads, strict=True
            )
        ]
