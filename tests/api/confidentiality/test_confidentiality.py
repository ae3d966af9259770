"""Confidentiality (Beijing 7): agreements, personal acknowledgement, the social-worker gate, auditor grants."""

from datetime import date, timedelta

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.confidentiality import service
from app.core.audit import AuditEvent
from app.core.db import utcnow
from app.core.permissions import Role
from app.core.principals import Principal
from app.identity import users
from app.identity.models import User
from app.organizations.models import Organization
from tests.conftest import sign_in
from tests.factories import create_demo_district
from tests.problems import assert_invalid, assert_problem

AGENCY = "渝北区同心社会工作服务中心"
OTHER_AGENCY = "渝北区暖阳社会工作服务社"


async def _bearer(http: httpx.AsyncClient, username: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {await sign_in(http, username)}"}


async def _org_id(session: AsyncSession, name: str) -> str:
    found = (
        await session.execute(select(Organization.id).where(Organization.name == name))
    ).scalar_one()
    await session.commit()  # on SQLite an open transaction would hold the write lock
    return str(found)


async def _user(session: AsyncSession, username: str) -> User:
    user = await users.find(session, username)
    assert user is not None
    await session.commit()
    return user


async def _gate(session: AsyncSession, principal: Principal, street: str, on: date) -> None:
    try:
        await service.check_social_worker(session, principal, street, on)
    finally:
        await session.commit()


async def _may_see(session: AsyncSession, principal: Principal, region_code: str) -> bool:
    visible = await service.auditor_may_see(session, principal, region_code)
    await session.commit()
    return visible


@pytest.fixture
async def seeded(session: AsyncSession) -> None:
    await create_demo_district(session)


def _agreement(agency_id: str, street: str = "500112001", days: int = 365) -> dict[str, str]:
    today = date(2026, 11, 23)
    return {
        "street_code": street,
        "agency_id": agency_id,
        "signed_on": today.isoformat(),
        "valid_until": (today + timedelta(days=days)).isoformat(),
    }


@pytest.mark.usefixtures("seeded")
class TestAgreements:
    async def test_street_officer_records_one_for_its_street_and_it_is_audited(
        self, anonymous: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        headers = await _bearer(anonymous, "street_officer")
        body = _agreement(await _org_id(session, AGENCY))
        response = await anonymous.post(
            "/api/v1/confidentiality-agreements", json=body, headers=headers
        )
        assert response.status_code == 201
        created = response.json()
        assert {k: created[k] for k in body} == body
        officer = await _user(session, "street_officer")
        assert created["recorded_by"] == {
            "type": "user",
            "id": str(officer.id),
            "display_name": "双龙湖街道干部",
        }
        assert response.headers["location"] == f"/api/v1/confidentiality-agreements/{created['id']}"
        events = (
            (
                await session.execute(
                    select(AuditEvent).where(
                        AuditEvent.action == "confidentiality_agreement.create"
                    )
                )
            )
            .scalars()
            .all()
        )
        assert [(e.object_id, e.region_code, e.outcome) for e in events] == [
            (created["id"], "500112001", "success")
        ]
        listed = await anonymous.get("/api/v1/confidentiality-agreements", headers=headers)
        assert [a["id"] for a in listed.json()["items"]] == [created["id"]]

    async def test_street_officer_cannot_record_for_another_street(
        self, anonymous: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        headers = await _bearer(anonymous, "street_officer")
        body = _agreement(await _org_id(session, AGENCY), street="500112002")
        response = await anonymous.post(
            "/api/v1/confidentiality-agreements", json=body, headers=headers
        )
        assert_problem(response, 404, "not_found")

    async def test_other_streets_agreements_are_not_listed(
        self, anonymous: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        district = await _bearer(anonymous, "district_officer")
        body = _agreement(await _org_id(session, AGENCY), street="500112002")
        assert (
            await anonymous.post("/api/v1/confidentiality-agreements", json=body, headers=district)
        ).status_code == 201
        street_a = await _bearer(anonymous, "street_officer")
        assert (await anonymous.get("/api/v1/confidentiality-agreements", headers=street_a)).json()[
            "items"
        ] == []

    async def test_the_agency_must_be_a_social_work_agency(
        self, anonymous: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        headers = await _bearer(anonymous, "district_officer")
        body = _agreement(await _org_id(session, "渝北区红十字会"))
        response = await anonymous.post(
            "/api/v1/confidentiality-agreements", json=body, headers=headers
        )
        assert_invalid(response, ["body", "agency_id"], "not_an_agency")

    async def test_validity_must_not_end_before_signing(
        self, anonymous: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        headers = await _bearer(anonymous, "district_officer")
        body = _agreement(await _org_id(session, AGENCY), days=-1)
        response = await anonymous.post(
            "/api/v1/confidentiality-agreements", json=body, headers=headers
        )
        assert_problem(response, 422, "validation_failed")


@pytest.mark.usefixtures("seeded")
class TestSocialWorkerGate:
    async def _principal(self, session: AsyncSession, username: str) -> Principal:
        user = await _user(session, username)
        return Principal(
            user.id, Role(user.role), user.scope_region_code, user.organization_id, False, "t"
        )

    async def test_refused_without_agreement_or_acknowledgement(
        self, anonymous: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        worker = await self._principal(session, "social_worker")
        today = date(2026, 11, 23)
        with pytest.raises(service.ConfidentialityAgreementRequired):
            await _gate(session, worker, "500112001", today)
        district = await _bearer(anonymous, "district_officer")
        body = _agreement(await _org_id(session, AGENCY))
        await anonymous.post("/api/v1/confidentiality-agreements", json=body, headers=district)
        with pytest.raises(service.ConfidentialityAgreementRequired):
            await _gate(session, worker, "500112001", today)
        mine = await _bearer(anonymous, "social_worker")
        acknowledged = await anonymous.post(
            "/api/v1/users/me/confidentiality-acknowledgement", headers=mine
        )
        assert acknowledged.status_code == 200
        assert acknowledged.json()["confidentiality_signed_at"].endswith("Z")
        session.expire_all()
        await _gate(session, worker, "500112001", today)
        with pytest.raises(service.ConfidentialityAgreementRequired):
            await _gate(session, worker, "500112002", today)
        with pytest.raises(service.ConfidentialityAgreementRequired):
            await service.check_social_worker(
                session, worker, "500112001", today + timedelta(days=366)
            )

    async def test_agency_without_agreement_is_refused_even_after_acknowledging(
        self, anonymous: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        district = await _bearer(anonymous, "district_officer")
        await anonymous.post(
            "/api/v1/confidentiality-agreements",
            json=_agreement(await _org_id(session, AGENCY)),
            headers=district,
        )
        other = await _bearer(anonymous, "social_worker_2")
        await anonymous.post("/api/v1/users/me/confidentiality-acknowledgement", headers=other)
        worker = await self._principal(session, "social_worker_2")
        with pytest.raises(service.ConfidentialityAgreementRequired):
            await _gate(session, worker, "500112001", date(2026, 11, 23))

    async def test_other_roles_are_not_gated(self, session: AsyncSession) -> None:
        officer = await self._principal(session, "street_officer")
        await _gate(session, officer, "500112001", date(2026, 11, 23))


@pytest.mark.usefixtures("seeded")
class TestAuditorGrants:
    async def _grant_body(self, session: AsyncSession, hours: int = 24) -> dict[str, str]:
        auditor = await _user(session, "auditor")
        start = utcnow() - timedelta(minutes=1)
        return {
            "auditor_id": str(auditor.id),
            "region_code": "500112001",
            "reason": "第四季度台账抽查",
            "valid_from": start.isoformat(),
            "valid_until": (start + timedelta(hours=hours)).isoformat(),
        }

    async def test_district_officer_issues_and_revokes_and_the_auditor_sees_it(
        self, anonymous: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        district = await _bearer(anonymous, "district_officer")
        body = await self._grant_body(session)
        created = await anonymous.post("/api/v1/auditor-grants", json=body, headers=district)
        assert created.status_code == 201
        grant = created.json()
        auditor_user = await _user(session, "auditor")
        officer = await _user(session, "district_officer")
        assert grant["auditor"] == {
            "type": "user",
            "id": str(auditor_user.id),
            "display_name": "监督审计员",
        }
        assert grant["issued_by"] == {
            "type": "user",
            "id": str(officer.id),
            "display_name": "区民政局干部",
        }
        principal = Principal(auditor_user.id, Role.auditor, None, None, False, "t")
        assert await _may_see(session, principal, "500112001001001") is True
        assert await _may_see(session, principal, "500112002001") is False
        auditor = await _bearer(anonymous, "auditor")
        mine = await anonymous.get("/api/v1/auditor-grants", headers=auditor)
        assert [g["id"] for g in mine.json()["items"]] == [grant["id"]]
        revoked = await anonymous.post(
            f"/api/v1/auditor-grants/{grant['id']}/revoke", headers=district
        )
        assert revoked.json()["revoked_at"] is not None
        assert await _may_see(session, principal, "500112001001001") is False
        again = await anonymous.post(
            f"/api/v1/auditor-grants/{grant['id']}/revoke", headers=district
        )
        assert_problem(again, 409, "integrity_conflict")
        actions = (
            (
                await session.execute(
                    select(AuditEvent.action).where(AuditEvent.object_id == grant["id"])
                )
            )
            .scalars()
            .all()
        )
        assert sorted(actions) == ["auditor_grant.issue", "auditor_grant.revoke"]

    async def test_only_auditors_can_be_granted(
        self, anonymous: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        district = await _bearer(anonymous, "district_officer")
        body = await self._grant_body(session)
        officer = await _user(session, "street_officer")
        body["auditor_id"] = str(officer.id)
        response = await anonymous.post("/api/v1/auditor-grants", json=body, headers=district)
        assert_invalid(response, ["body", "auditor_id"], "not_an_auditor")

    async def test_a_grant_lasts_at_most_31_days(
        self, anonymous: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        district = await _bearer(anonymous, "district_officer")
        body = await self._grant_body(session, hours=32 * 24)
        response = await anonymous.post("/api/v1/auditor-grants", json=body, headers=district)
        assert_problem(response, 422, "validation_failed")

    async def test_without_a_grant_an_auditor_sees_nothing(self, session: AsyncSession) -> None:
        auditor_user = await _user(session, "auditor")
        principal = Principal(auditor_user.id, Role.auditor, None, None, False, "t")
        assert await _may_see(session, principal, "500112001") is False
