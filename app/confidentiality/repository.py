import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, select

from app.confidentiality.models import AuditorGrant, ConfidentialityAgreement
from app.core.db import ReadSession, WriteSession
from app.core.pagination import PageRequest, paginate
from app.core.region_codes import in_subtree


async def agreements(
    session: ReadSession, scope: str | None, page: PageRequest
) -> tuple[list[ConfidentialityAgreement], str | None]:
    stmt: Select[Any] = select(ConfidentialityAgreement)
    if scope is not None:
        stmt = stmt.where(in_subtree(ConfidentialityAgreement.street_code, scope))
    return await paginate(
        session, stmt, [ConfidentialityAgreement.id], page, scope=f"agreements:{scope}"
    )


async def valid_agreement_exists(
    session: ReadSession, street_code: str, agency_id: uuid.UUID, on: date
) -> bool:
    rows = await session.execute(
        select(ConfidentialityAgreement.id)
        .where(
            ConfidentialityAgreement.street_code == street_code,
            ConfidentialityAgreement.agency_id == agency_id,
            ConfidentialityAgreement.signed_on <= on,
            ConfidentialityAgreement.valid_until >= on,
        )
        .limit(1)
    )
    return rows.first() is not None


async def grants(
    session: ReadSession, auditor_id: uuid.UUID | None, page: PageRequest
) -> tuple[list[AuditorGrant], str | None]:
    stmt: Select[Any] = select(AuditorGrant)
    if auditor_id is not None:
        stmt = stmt.where(AuditorGrant.auditor_id == auditor_id)
    return await paginate(session, stmt, [AuditorGrant.id], page, scope=f"grants:{auditor_id}")


async def grant(session: WriteSession, grant_id: uuid.UUID) -> AuditorGrant | None:
    return await session.get(AuditorGrant, grant_id)


async def live_grant_regions(
    session: ReadSession, auditor_id: uuid.UUID, now: datetime
) -> list[str]:
    """The regions of the auditor's grants that are neither revoked nor outside their period."""
    rows = await session.scalars(
        select(AuditorGrant.region_code).where(
            AuditorGrant.auditor_id == auditor_id,
            AuditorGrant.revoked_at.is_(None),
            AuditorGrant.valid_from <= now,
            AuditorGrant.valid_until > now,
        )
    )
    return list(rows)


async def agreed_streets(session: ReadSession, agency_id: uuid.UUID, on: date) -> list[str]:
    rows = await session.scalars(
        select(ConfidentialityAgreement.street_code)
        .where(
            ConfidentialityAgreement.agency_id == agency_id,
            ConfidentialityAgreement.signed_on <= on,
            ConfidentialityAgreement.valid_until >= on,
        )
        .distinct()
        .order_by(ConfidentialityAgreement.street_code)
    )
    return list(rows)
