"""Writes return what the next write needs (issue 13): every write that changes a household
answers the household's new ETag (`X-Household-ETag`) and version (`X-Household-Version`),
so a client chains `If-Match` without reading the household again."""

from datetime import timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.clock import business_today
from tests.api.households.ledger_http import (
    PDF,
    bearer,
    exit_household,
    member,
    organization_id,
    user_id,
)
from tests.api.households.records import HOUSEHOLDS, VEHICLE, household_body
from tests.api.households.transfer_http import Family, act, family, filed
from tests.factories import GRID_A1_2, create_demo_district, create_household, decision
from tests.problems import assert_problem

AGENCY = "渝北区同心社会工作服务中心"


@pytest.fixture(autouse=True)
async def seeded(session: AsyncSession) -> None:
    await create_demo_district(session)


@pytest.fixture
async def officer(anonymous: httpx.AsyncClient) -> dict[str, str]:
    return await bearer(anonymous, "street_officer")


class Chain:
    """A client that keeps only the last household ETag a write gave it, and checks after
    each write that it is the household's current one and works as the next If-Match."""

    def __init__(self, http: httpx.AsyncClient, headers: dict[str, str], hid: str) -> None:
        self.http, self.headers, self.hid = http, headers, hid
        self.etag: str | None = None

    async def took(self, response: httpx.Response, status: int) -> httpx.Response:
        assert response.status_code == status, response.text
        etag = response.headers["x-household-etag"]
        version = int(response.headers["x-household-version"])
        assert etag == f'W/"{version}"'
        current = await self.http.get(f"{HOUSEHOLDS}/{self.hid}", headers=self.headers)
        assert current.headers["etag"] == etag, "the answered ETag is the household's current one"
        assert current.json()["version"] == version
        if self.etag is not None:
            assert version > int(self.etag.strip('W/"')), "a write that changes moves the version"
        self.etag = etag
        return response

    def if_match(self) -> dict[str, str]:
        assert self.etag is not None
        return {**self.headers, "If-Match": self.etag}

    @property
    def url(self) -> str:
        return f"{HOUSEHOLDS}/{self.hid}"


async def test_every_household_write_answers_the_next_if_match(
    app: FastAPI, anonymous: httpx.AsyncClient, officer: dict[str, str]
) -> None:
    created = await anonymous.post(
        HOUSEHOLDS, json=household_body(hukou_type="urban"), headers=officer
    )
    chain = Chain(anonymous, officer, created.json()["id"])
    await chain.took(created, 201)
    assert created.headers["etag"] == created.headers["x-household-etag"] == 'W/"1"'

    patched = await anonymous.patch(
        chain.url, json={"basic_situation": "独居老人"}, headers=chain.if_match()
    )
    await chain.took(patched, 200)

    added = await chain.took(
        await anonymous.post(f"{chain.url}/members", json=member(), headers=officer), 201
    )
    person = added.json()["person_id"]
    assert added.headers["etag"] == 'W/"1"', "a member's own ETag stays the person's"
    changed = await anonymous.patch(
        f"{chain.url}/members/{person}",
        json={"phone": "13800138000"},
        headers={**officer, "If-Match": added.headers["etag"]},
    )
    await chain.took(changed, 200)
    assert changed.headers["etag"] == 'W/"2"'

    month = business_today().replace(day=1) - timedelta(days=1)
    span = {"from": f"{month:%Y-%m}", "to": f"{month:%Y-%m}"}
    income = {"month": f"{month:%Y-%m}", "source": "wages", "amount": "1200.00"}
    await chain.took(
        await anonymous.put(
            f"{chain.url}/incomes", json={"items": [income]}, params=span, headers=chain.if_match()
        ),
        200,
    )
    spent = {
        "month": f"{month:%Y-%m}",
        "kind": "medical",
        "gross_amount": "300.00",
        "reimbursed_amount": "0.00",
    }
    await chain.took(
        await anonymous.put(
            f"{chain.url}/expenditures",
            json={"items": [spent]},
            params=span,
            headers=chain.if_match(),
        ),
        200,
    )
    asset = VEHICLE
    await chain.took(
        await anonymous.put(
            f"{chain.url}/assets", json={"items": [asset]}, headers=chain.if_match()
        ),
        200,
    )

    plan = await anonymous.put(f"{chain.url}/plan", json={"goals": "稳定基本生活"}, headers=officer)
    await chain.took(plan, 201)
    assert plan.headers["etag"] == 'W/"1"', "the plan's own ETag stays its revision"
    plan = await anonymous.put(
        f"{chain.url}/plan",
        json={"goals": "落实医疗救助"},
        headers={**officer, "If-Match": plan.headers["etag"]},
    )
    await chain.took(plan, 200)

    worker = str(await user_id(app, "community_worker"))
    await chain.took(
        await anonymous.put(
            f"{chain.url}/paired-worker", json={"worker_id": worker}, headers=chain.if_match()
        ),
        200,
    )
    agency = str(await organization_id(app, AGENCY))
    assigned = await chain.took(
        await anonymous.post(
            f"{chain.url}/assignments", json={"agency_id": agency}, headers=officer
        ),
        201,
    )
    await chain.took(
        await anonymous.delete(f"{chain.url}/assignments/{assigned.json()['id']}", headers=officer),
        204,
    )

    await chain.took(
        await anonymous.patch(
            f"{chain.url}/members/{person}/membership",
            json={"joined_on": "2019-03-01", "reason": "户口簿"},
            headers=chain.if_match(),
        ),
        200,
    )
    await _ledger_records(app, anonymous, chain)
    await _exit_proposal_rejected(anonymous, chain)

    await chain.took(
        await anonymous.delete(
            f"{chain.url}/members/{person}", params={"reason": "moved_out"}, headers=officer
        ),
        204,
    )
    await chain.took(await exit_household(anonymous, chain.hid), 200)
    await chain.took(
        await anonymous.post(
            f"{chain.url}/reentry", json={"reason": "hardship_again"}, headers=officer
        ),
        200,
    )

    final = await anonymous.patch(
        chain.url, json={"basic_situation": "已复核"}, headers=chain.if_match()
    )
    assert final.status_code == 200, final.text


async def _ledger_records(app: FastAPI, http: httpx.AsyncClient, chain: Chain) -> None:
    """Measures, target-type decisions and documents, each recorded and then undone."""
    given = await chain.took(
        await http.post(
            f"{chain.url}/measures",
            json={
                "code": "visit",
                "given_on": business_today().isoformat(),
                "organization_id": str(await organization_id(app, AGENCY)),
            },
            headers=chain.headers,
        ),
        201,
    )
    await chain.took(
        await http.post(
            f"{chain.url}/measures/{given.json()['id']}/void",
            json={"reason": "重复登记"},
            headers=chain.headers,
        ),
        200,
    )
    decided = await chain.took(
        await http.post(
            f"{chain.url}/target-type-decisions", json=decision(), headers=chain.headers
        ),
        201,
    )
    await chain.took(
        await http.post(
            f"{chain.url}/target-type-decisions/{decided.json()['id']}/end",
            json={"ended_on": business_today().isoformat(), "reason": "terminated"},
            headers=chain.headers,
        ),
        200,
    )
    filed = await chain.took(
        await http.post(
            f"{chain.url}/documents",
            files={"file": ("授权委托书.pdf", PDF, "application/pdf")},
            data={"kind": "authorisation"},
            headers=chain.headers,
        ),
        201,
    )
    await chain.took(
        await http.post(
            f"{chain.url}/documents/{filed.json()['id']}/void",
            json={"reason": "上传错了"},
            headers=chain.headers,
        ),
        200,
    )


async def _exit_proposal_rejected(http: httpx.AsyncClient, chain: Chain) -> None:
    proposed = await chain.took(
        await http.post(
            f"{chain.url}/exit-proposals",
            json={
                "reason": "out_of_hardship",
                "basis": {"code": "follow_up_visit", "on": business_today().isoformat()},
            },
            headers=chain.headers,
        ),
        201,
    )
    await chain.took(
        await http.post(
            f"{chain.url}/exit-proposals/{proposed.json()['id']}/reject",
            json={"reason": "回访记录不完整"},
            headers=chain.headers,
        ),
        200,
    )


async def test_a_transfer_answers_the_receiving_households_etag(
    anonymous: httpx.AsyncClient, officer: dict[str, str]
) -> None:
    moving = member()
    source = await anonymous.post(
        HOUSEHOLDS,
        json=household_body(members=[member(relation="self"), moving]),
        headers=officer,
    )
    target = await anonymous.post(HOUSEHOLDS, json=household_body(), headers=officer)
    person = next(m for m in source.json()["members"] if m["relation_to_head"] == "spouse")
    chain = Chain(anonymous, officer, target.json()["id"])
    chain.etag = target.headers["x-household-etag"]

    moved = await anonymous.post(
        f"/api/v1/persons/{person['person_id']}/transfer",
        json={
            "from_household_id": source.json()["id"],
            "to_household_id": target.json()["id"],
            "relation_to_head": "other",
        },
        headers=officer,
    )

    await chain.took(moved, 200)


class TestTransferRequests:
    """An answer that moves the person gives the sending household's new ETag: the answering
    side holds that household; the receiving one may be outside its reach."""

    async def _filed(self, app: FastAPI, http: httpx.AsyncClient) -> tuple[Family, str]:
        source = await family(app)
        target = await create_household(app, region=GRID_A1_2)
        requester = await bearer(http, "street_officer")
        created = await filed(http, requester, source.spouse_id_number, target)
        return source, created["id"]

    async def test_accepting_answers_the_sending_households_etag(
        self, app: FastAPI, anonymous: httpx.AsyncClient
    ) -> None:
        source, request_id = await self._filed(app, anonymous)
        sending = await bearer(anonymous, "street_officer_2")
        chain = Chain(anonymous, sending, str(source.id))

        accepted = await chain.took(await act(anonymous, sending, request_id, "accept"), 200)

        assert accepted.json()["status"] == "accepted"
        patched = await anonymous.patch(
            chain.url, json={"basic_situation": "配偶已迁出"}, headers=chain.if_match()
        )
        assert patched.status_code == 200, patched.text

    async def test_a_district_decision_to_accept_answers_it_too(
        self, app: FastAPI, anonymous: httpx.AsyncClient
    ) -> None:
        source, request_id = await self._filed(app, anonymous)
        district = await bearer(anonymous, "district_officer")
        chain = Chain(anonymous, district, str(source.id))

        decided = await chain.took(
            await act(
                anonymous,
                district,
                request_id,
                "decide",
                {"outcome": "accept", "note": "经核实已迁居"},
            ),
            200,
        )

        assert decided.json()["status"] == "decided_accepted"

    async def test_a_refusal_moves_nobody_and_answers_no_household_etag(
        self, app: FastAPI, anonymous: httpx.AsyncClient
    ) -> None:
        source, request_id = await self._filed(app, anonymous)
        district = await bearer(anonymous, "district_officer")
        before = await anonymous.get(f"{HOUSEHOLDS}/{source.id}", headers=district)

        refused = await act(
            anonymous,
            district,
            request_id,
            "decide",
            {"outcome": "refuse", "reason": "still_resident", "note": "本人仍在原址居住"},
        )

        assert refused.status_code == 200, refused.text
        assert refused.json()["status"] == "decided_refused"
        assert "x-household-etag" not in refused.headers
        after = await anonymous.get(f"{HOUSEHOLDS}/{source.id}", headers=district)
        assert after.headers["etag"] == before.headers["etag"]


async def test_a_stale_household_etag_is_refused_once_a_member_write_moved_it(
    anonymous: httpx.AsyncClient, officer: dict[str, str]
) -> None:
    created = await anonymous.post(HOUSEHOLDS, json=household_body(), headers=officer)
    url = f"{HOUSEHOLDS}/{created.json()['id']}"
    before = created.headers["etag"]
    added = await anonymous.post(f"{url}/members", json=member(), headers=officer)
    assert added.status_code == 201, added.text

    stale = await anonymous.patch(
        url, json={"basic_situation": "独居老人"}, headers={**officer, "If-Match": before}
    )
    fresh = await anonymous.patch(
        url,
        json={"basic_situation": "独居老人"},
        headers={**officer, "If-Match": added.headers["x-household-etag"]},
    )

    assert_problem(stale, 412, "version_mismatch")
    assert fresh.status_code == 200, fresh.text
    assert fresh.json()["basic_situation"] == "独居老人"


def test_the_contract_declares_the_household_etag_on_every_household_write(
    document: dict[str, Any],
) -> None:
    paths: dict[str, Any] = document["paths"]
    writes = [
        ("post", "/api/v1/households", "201"),
        ("patch", "/api/v1/households/{household_id}", "200"),
        ("post", "/api/v1/households/{household_id}/members", "201"),
        ("patch", "/api/v1/households/{household_id}/members/{person_id}", "200"),
        ("delete", "/api/v1/households/{household_id}/members/{person_id}", "204"),
        ("post", "/api/v1/persons/{person_id}/transfer", "200"),
        ("put", "/api/v1/households/{household_id}/incomes", "200"),
        ("put", "/api/v1/households/{household_id}/expenditures", "200"),
        ("put", "/api/v1/households/{household_id}/assets", "200"),
        ("put", "/api/v1/households/{household_id}/plan", "200"),
        ("put", "/api/v1/households/{household_id}/plan", "201"),
        ("put", "/api/v1/households/{household_id}/paired-worker", "200"),
        ("post", "/api/v1/households/{household_id}/assignments", "201"),
        ("delete", "/api/v1/households/{household_id}/assignments/{assignment_id}", "204"),
        ("post", "/api/v1/households/{household_id}/exit-proposals/{proposal_id}/confirm", "200"),
        ("post", "/api/v1/households/{household_id}/reentry", "200"),
        ("patch", "/api/v1/households/{household_id}/members/{person_id}/membership", "200"),
        ("post", "/api/v1/households/{household_id}/measures", "201"),
        ("post", "/api/v1/households/{household_id}/measures/{measure_id}/void", "200"),
        ("post", "/api/v1/households/{household_id}/target-type-decisions", "201"),
        (
            "post",
            "/api/v1/households/{household_id}/target-type-decisions/{decision_id}/end",
            "200",
        ),
        ("post", "/api/v1/households/{household_id}/documents", "201"),
        ("post", "/api/v1/households/{household_id}/documents/{document_id}/void", "200"),
        ("post", "/api/v1/households/{household_id}/exit-proposals", "201"),
        ("post", "/api/v1/households/{household_id}/exit-proposals/{proposal_id}/reject", "200"),
        ("post", "/api/v1/transfer-requests/{request_id}/accept", "200"),
        ("post", "/api/v1/transfer-requests/{request_id}/decide", "200"),
    ]
    for method, path, status in writes:
        headers = paths[path][method]["responses"][status].get("headers", {})
        assert {"X-Household-ETag", "X-Household-Version"} <= set(headers), (method, path)
    # Every write below a household changes it, but an assessment and a consent: records of
    # their own about the household (DOMAIN 5; PIPL art. 23). A new write belongs in one of
    # the two lists.
    reads_the_household = {
        ("post", "/api/v1/households/{household_id}/assessments"),
        ("post", "/api/v1/households/{household_id}/consents"),
    }
    below = {
        (method, path)
        for path, operations in paths.items()
        if path.startswith("/api/v1/households/{household_id}")
        for method in operations
        if method in {"post", "put", "patch", "delete"}
    }
    assert below - reads_the_household <= {(method, path) for method, path, _ in writes}
    assert reads_the_household <= below
