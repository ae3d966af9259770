"""Agreements and grants as the API shows them: who recorded, issued or holds them, named
(one query for a page, `identity.public.actor_refs`)."""

from app.confidentiality.models import AuditorGrant, ConfidentialityAgreement
from app.confidentiality.schemas import AgreementOut, GrantOut
from app.core.actors import shaped
from app.core.db import ReadSession
from app.identity.public import actor_refs


async def agreements_out(
    session: ReadSession, agreements: list[ConfidentialityAgreement]
) -> list[AgreementOut]:
    actors = await actor_refs(session, [a.recorded_by for a in agreements])
    return [shaped(AgreementOut, a, recorded_by=actors[a.recorded_by]) for a in agreements]


async def grants_out(session: ReadSession, grants: list[AuditorGrant]) -> list[GrantOut]:
    actors = await actor_refs(
        session, [g.issued_by for g in grants] + [g.auditor_id for g in grants]
    )
    return [
        shaped(GrantOut, g, issued_by=actors[g.issued_by], auditor=actors[g.auditor_id])
        for g in grants
    ]
