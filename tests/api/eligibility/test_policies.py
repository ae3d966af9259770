"""Policy versions (DOMAIN 5): drafts, publishing, retiring, immutability, audit."""

from typing import Any

import httpx
from fastapi import FastAPI
from sqlalchemy import select

from app.core.audit import AuditEvent
from app.core.events import DomainEvent
from tests.api.eligibility.policies_http import (
    DISTRICT,
    OFFICER,
    POLICIES,
    WEIGHTS,
    create_policy,
    policy_body,
    published,
    step,
)
from tests.api.households.ledger_http import bearer, user_id
from tests.problems import assert_problem


async def _patch(
    http: httpx.AsyncClient, policy: dict[str, Any], body: dict[str, Any], version: Any = None
) -> httpx.Response:
    headers = await bearer(http, OFFICER)
    if version is not False:
        headers["If-Match"] = f'"{policy["version"] if version is None else version}"'
    return await http.patch(f"{POLICIES}/{policy['id']}", json=body, headers=headers)


class TestCreate:
    async def test_a_draft_with_the_default_multipliers(
        self, app: FastAPI, http: httpx.AsyncClient
    ) -> None:
        response = await http.post(
            POLICIES,
            json=policy_body(description="演示", effective_to="2026-12-31"),
            headers=await bearer(http, OFFICER),
        )

        assert response.status_code == 201, response.text
        body = response.json()
        assert response.headers["location"] == f"{POLICIES}/{body['id']}"
        assert response.headers["etag"] == 'W/"1"'
        officer = str(await user_id(app, OFFICER))
        for stamp in ("created_at", "updated_at"):
            assert body.pop(stamp)
        assert body == {
            "id": body["id"],
            "region_code": DISTRICT,
            "name": "测试政策",
            "description": "演示",
            "effective_from": "2026-01-01",
            "effective_to": "2026-12-31",
            "dibao_standard": "720.00",
            "income_floor": "1.00",
            "income_ceiling": "2.00",
            "expenditure_ceiling": "5.00",
            "expenditure_ratio": "1.50",
            "residency_years": 2,
            "rigid_kinds": ["medical", "education", "disaster"],
            "asset_limits": {
                "financial_per_capita": None,
                "vehicles": None,
                "exempt_vehicle_types": ["disability_vehicle"],
                "real_estate_units": None,
                "real_estate_area_per_capita": None,
            },
            "weights": WEIGHTS,
            "status": "draft",
            "allowed": ["publish"],
            "version": 1,
            "created_by": officer,
            "updated_by": officer,
            "published_at": None,
            "published_by": None,
            "retired_at": None,
            "retired_by": None,
        }
        got = await http.get(f"{POLICIES}/{body['id']}", headers=await bearer(http, OFFICER))
        assert got.headers["etag"] == 'W/"1"'
        assert {k: v for k, v in got.json().items() if k not in ("created_at", "updated_at")} == (
            body
        )

    async def test_every_figure_is_stored_as_given(self, http: httpx.AsyncClient) -> None:
        limits = {
            "financial_per_capita": "21600.00",
            "vehicles": 0,
            "exempt_vehicle_types": ["disability_vehicle", "other"],
            "real_estate_units": 1,
            "real_estate_area_per_capita": "35.50",
        }
        created = await create_policy(
            http,
            income_floor="1.1",
            income_ceiling="2.5",
            expenditure_ceiling="6",
            expenditure_ratio="1.25",
            residency_years=3,
            rigid_kinds=["disaster"],
            asset_limits=limits,
        )

        got = (
            await http.get(f"{POLICIES}/{created['id']}", headers=await bearer(http, OFFICER))
        ).json()
        assert [got[k] for k in ("income_floor", "income_ceiling", "expenditure_ceiling")] == [
            "1.10",
            "2.50",
            "6.00",
        ]
        assert (got["expenditure_ratio"], got["residency_years"]) == ("1.25", 3)
        assert got["rigid_kinds"] == ["disaster"]
        assert got["asset_limits"] == limits


class TestUpdate:
    async def test_a_draft_changes_with_if_match(self, http: httpx.AsyncClient) -> None:
        draft = await create_policy(http)

        response = await _patch(
            http,
            draft,
            {"dibao_standard": "760.00", "weights": {**WEIGHTS, "income_gap": 20, "elderly": 20}},
        )

        assert response.status_code == 200, response.text
        body = response.json()
        assert response.headers["etag"] == 'W/"2"'
        assert (body["dibao_standard"], body["version"]) == ("760.00", 2)
        assert (body["weights"]["income_gap"], body["weights"]["elderly"]) == (20, 20)
        assert body["name"] == draft["name"]

    async def test_an_unchanged_body_keeps_the_version(self, http: httpx.AsyncClient) -> None:
        draft = await create_policy(http)

        response = await _patch(http, draft, {"dibao_standard": "720.00"})

        assert response.status_code == 200, response.text
        assert response.json()["version"] == 1

    async def test_a_stale_version_is_412_and_none_is_428(self, http: httpx.AsyncClient) -> None:
        draft = await create_policy(http)
        assert (await _patch(http, draft, {"name": "新"})).status_code == 200

        assert_problem(
            await _patch(http, draft, {"name": "再"}, version=1), 412, "version_mismatch"
        )
        assert_problem(
            await _patch(http, draft, {"name": "再"}, version=False), 428, "if_match_required"
        )

    async def test_the_end_can_be_cleared_but_not_the_figures(
        self, http: httpx.AsyncClient
    ) -> None:
        draft = await create_policy(http, effective_to="2026-06-30")

        cleared = await _patch(http, draft, {"effective_to": None})
        refused = await _patch(http, cleared.json(), {"dibao_standard": None})

        assert cleared.json()["effective_to"] is None
        body = assert_problem(refused, 422, "validation_failed")
        assert body["errors"][0]["loc"] == ["body", "dibao_standard"]
        assert body["errors"][0]["code"] == "missing"

    async def test_a_published_version_never_changes(self, http: httpx.AsyncClient) -> None:
        version = await published(http)

        response = await _patch(http, version, {"dibao_standard": "800.00"})

        body = assert_problem(response, 409, "policy_not_draft")
        assert body["allowed"] == ["retire"]
        got = await http.get(f"{POLICIES}/{version['id']}", headers=await bearer(http, OFFICER))
        assert got.json()["dibao_standard"] == "720.00"
        assert got.json()["version"] == version["version"]

    async def test_a_retired_version_is_history(self, http: httpx.AsyncClient) -> None:
        retired = (await step(http, await published(http), "retire")).json()

        response = await _patch(http, retired, {"name": "改"})

        assert assert_problem(response, 409, "policy_not_draft")["allowed"] == []


class TestSteps:
    async def test_publish_then_retire(self, app: FastAPI, http: httpx.AsyncClient) -> None:
        draft = await create_policy(http)
        officer = str(await user_id(app, OFFICER))

        publishing = await step(http, draft, "publish")
        done = publishing.json()
        retiring = await step(http, done, "retire")

        assert publishing.status_code == 200, publishing.text
        assert publishing.headers["etag"] == 'W/"2"'
        assert (done["status"], done["allowed"], done["published_by"]) == (
            "published",
            ["retire"],
            officer,
        )
        assert done["published_at"] is not None
        assert retiring.status_code == 200, retiring.text
        gone = retiring.json()
        assert (gone["status"], gone["allowed"], gone["retired_by"]) == ("retired", [], officer)
        assert gone["published_at"] == done["published_at"]

    async def test_a_draft_cannot_be_retired_nor_a_published_one_published(
        self, http: httpx.AsyncClient
    ) -> None:
        draft = await create_policy(http)
        assert assert_problem(await step(http, draft, "retire"), 409, "invalid_transition")[
            "allowed"
        ] == ["publish"]
        done = (await step(http, draft, "publish")).json()
        assert assert_problem(await step(http, done, "publish"), 409, "invalid_transition")[
            "allowed"
        ] == ["retire"]

    async def test_a_step_with_a_stale_version_is_412(self, http: httpx.AsyncClient) -> None:
        draft = await create_policy(http)
        await _patch(http, draft, {"name": "改过"})

        assert_problem(await step(http, draft, "publish"), 412, "version_mismatch")

    async def test_every_write_is_audited_and_publishing_is_an_event(
        self, app: FastAPI, http: httpx.AsyncClient
    ) -> None:
        draft = await create_policy(http)
        await _patch(http, draft, {"dibao_standard": "730.00"})
        done = (await step(http, {**draft, "version": 2}, "publish")).json()
        await step(http, done, "retire")

        async with app.state.services.database.sessionmaker() as session:
            audited = (
                await session.execute(
                    select(AuditEvent.action, AuditEvent.changed_fields, AuditEvent.region_code)
                    .where(AuditEvent.object_id == draft["id"])
                    .order_by(AuditEvent.occurred_at, AuditEvent.id)
                )
            ).all()
            events = (
                await session.execute(
                    select(DomainEvent.name, DomainEvent.payload).order_by(DomainEvent.id)
                )
            ).all()
        assert [tuple(row) for row in audited] == [
            ("policy_version.create", sorted(policy_body()), DISTRICT),
            ("policy_version.update", ["dibao_standard"], DISTRICT),
            ("policy_version.publish", ["status"], DISTRICT),
            ("policy_version.retire", ["status"], DISTRICT),
        ]
        assert [(name, payload["policy_version_id"]) for name, payload in events] == [
            ("policy_version.published", draft["id"]),
            ("policy_version.retired", draft["id"]),
        ]
        assert events[0][1] == {
            "policy_version_id": draft["id"],
            "region_code": DISTRICT,
            "effective_from": "2026-01-01",
            "effective_to": None,
            "version": 3,
        }
