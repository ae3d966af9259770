"""Confidentiality (Beijing 7): street-agency agreements, personal acknowledgement, auditor grants."""

import uuid
from datetime import date, datetime

from app.confidentiality import repository
from app.confidentiality.models import AuditorGrant, ConfidentialityAgreement
from app.confidentiality.schemas import AgreementIn, GrantIn
from app.core import audit
from app.core.auth import Actor
from app.core.db import Database, ReadSession, WriteSession, new_id, utcnow
from app.core.errors import AppError, Conflict, NotFound, ValidationFailed
from app.core.field_messages import FieldMessage, register_field_messages
from app.core.i18n import Message, register_messages
from app.core.pagination import PageRequest
from app.core.permissions import Role
from app.core.principals import Principal
from app.core.region_codes import is_within
from app.identity.public import acknowledge_confidentiality, user_view
from app.organizations.public import get_organization
from app.regions.public import region_with_path


class ConfidentialityAgreementRequired(AppError):
    status = 403
    code = "confidentiality_agreement_required"


register_messages(
    {
        "confidentiality_agreement_required": Message(
            "须先签署保密协议",
            "Confidentiality agreement required",
            "您所在的社工机构与该街道尚无有效的保密协议，或您本人尚未确认保密协议。",
            "Your agency has no valid confidentiality agreement with this street, or you have not acknowledged it.",
        )
    }
)


async def record_agreement(
    session: WriteSession, actor: Actor, data: AgreementIn
) -> ConfidentialityAgreement:
    """Record a signed agreement; a street officer only for its own street (another one is a
    refusal, audited)."""
    principal = actor.principal
    outside = principal.scope_region is not None and not is_within(
        data.street_code, principal.scope_region
    )
    if outside or (
        principal.role is Role.street_officer and principal.scope_region != data.street_code
    ):
        raise NotFound("街道", "street").refusing(region_code=data.street_code)
    await region_with_path(session, data.street_code)
    agency = await get_organization(session, data.agency_id)
    if agency.kind != "social_work_agency":
        raise ValidationFailed.in_body("agency_id", "not_an_agency")
    agreement = ConfidentialityAgreement(
        id=new_id(), recorded_by=principal.caller_id, **data.model_dump()
    )
    session.add(agreement)
    await session.flush()
    await audit.record(
        session,
        actor.context,
        "confidentiality_agreement.create",
        object_type="confidentiality_agreement",
        object_id=str(agreement.id),
        region_code=data.street_code,
        changed_fields=sorted(data.model_fields_set),
    )
    return agreement


async def list_agreements(
    session: ReadSession, actor: Actor, page: PageRequest
) -> tuple[list[ConfidentialityAgreement], str | None]:
    return await repository.agreements(session, actor.principal.scope_region, page)


async def acknowledge(session: WriteSession, actor: Actor) -> datetime:
    """A user personally acknowledges the confidentiality agreement (once; the first date stays)."""
    signed_at = await acknowledge_confidentiality(session, actor.principal.id)
    await audit.record(
        session,
        actor.context,
        "confidentiality.acknowledge",
        object_type="user",
        object_id=str(actor.principal.id),
        changed_fields=["confidentiality_signed_at"],
    )
    return signed_at


async def check_social_worker(
    session: ReadSession, principal: Principal, street_code: str, today: date
) -> None:
    """403 unless the worker acknowledged the agreement and the agency has a valid one with the street.

    Every personal-data endpoint calls this for social workers (Beijing 7).
    """
    if principal.role is not Role.social_worker:
        return
    user = await user_view(session, principal.id)
    valid = (
        user is not None
        and user.confidentiality_signed_at is not None
        and principal.organization_id is not None
        and await repository.valid_agreement_exists(
            session, street_code, principal.organization_id, today
        )
    )
    if not valid:
        raise ConfidentialityAgreementRequired().refusing(region_code=street_code)


async def streets_open_to(session: ReadSession, principal: Principal, today: date) -> list[str]:
    """The streets whose personal data a social worker may see today (Beijing 7); 403 if none."""
    user = await user_view(session, principal.id)
    if user is None or user.confidentiality_signed_at is None or principal.organization_id is None:
        raise ConfidentialityAgreementRequired()
    streets = await repository.agreed_streets(session, principal.organization_id, today)
    if not streets:
        raise ConfidentialityAgreementRequired()
    return streets


async def issue_grant(session: WriteSession, actor: Actor, data: GrantIn) -> AuditorGrant:
    """A district officer opens personal data of a subtree to one auditor, for a limited time."""
    principal = actor.principal
    auditor = await user_view(session, data.auditor_id)
    if auditor is None:
        raise NotFound("用户", "user")
    if auditor.role != Role.auditor.value:
        raise ValidationFailed.in_body("auditor_id", "not_an_auditor")
    if principal.scope_region is not None and not is_within(
        data.region_code, principal.scope_region
    ):
        raise NotFound("区划", "region").refusing(region_code=data.region_code)
    await region_with_path(session, data.region_code)
    grant = AuditorGrant(id=new_id(), issued_by=principal.id, **data.model_dump())
    session.add(grant)
    await session.flush()
    await audit.record(
        session,
        actor.context,
        "auditor_grant.issue",
        object_type="auditor_grant",
        object_id=str(grant.id),
        region_code=data.region_code,
        changed_fields=sorted(data.model_fields_set),
    )
    return grant


async def revoke_grant(session: WriteSession, actor: Actor, grant_id: uuid.UUID) -> AuditorGrant:
    grant = await repository.grant(session, grant_id)
    if grant is None:
        raise NotFound("授权", "grant")
    if grant.revoked_at is not None:
        raise Conflict()
    grant.revoked_at = utcnow()
    await session.flush()
    await audit.record(
        session,
        actor.context,
        "auditor_grant.revoke",
        object_type="auditor_grant",
        object_id=str(grant.id),
        region_code=grant.region_code,
        changed_fields=["revoked_at"],
    )
    return grant


async def list_grants(
    session: ReadSession, actor: Actor, page: PageRequest
) -> tuple[list[AuditorGrant], str | None]:
    """District officers see every grant; an auditor sees its own."""
    principal = actor.principal
    auditor = principal.id if principal.role is Role.auditor else None
    return await repository.grants(session, auditor, page)


async def auditor_may_see(session: WriteSession, principal: Principal, region_code: str) -> bool:
    """True when an auditor holds a live grant covering `region_code`."""
    if principal.role is not Role.auditor:
        return False
    granted = await repository.live_grant_regions(session, principal.id, utcnow())
    return any(is_within(region_code, code) for code in granted)


async def granted_regions(database: Database, auditor_id: uuid.UUID, now: datetime) -> list[str]:
    """The regions an auditor's live grants open now, in a read of its own (for its `Reach`)."""
    async with database.read_sessionmaker() as session:
        return await repository.live_grant_regions(session, auditor_id, now)


register_field_messages({"not_an_auditor": FieldMessage("不是审计员", "not an auditor")})
