"""Consents to share with organisations that are not government departments (PIPL art. 23;
DOMAIN 7): street officers, community workers and social workers on their households record
and withdraw them (they meet the household); those, district officers and auditors with a
grant read them. Grid workers do not: a consent names people, and grid workers see masked
data only. Every read and change is audited."""

import uuid
from typing import Annotated

from fastapi import Depends, Path, Response

from app.consents import service
from app.consents.errors import ConsentWithdrawn
from app.consents.schemas import ConsentIn, ConsentOut, WithdrawalIn
from app.consents.views import consents_out
from app.core.auth import Actor, actor_for
from app.core.errors import PreconditionFailed, PreconditionRequired
from app.core.etag import ExpectedVersion, etag_for_version
from app.core.openapi import ETAG, LOCATION, protected_problems, sends
from app.core.pagination import Page, PageParams
from app.core.permissions import Action
from app.core.routing import API_V1, Idempotency, api_router, route_options
from app.core.uow import DbSession, ReadDbSession
from app.households.public import PERSONAL_READ, HouseholdId, audit_read

router = api_router(prefix=API_V1, tags=["consents"])
OF_HOUSEHOLD = "/households/{household_id:uuid}/consents"
CONSENTS = "/consents"
ONE = CONSENTS + "/{consent_id:uuid}"
ConsentId = Annotated[uuid.UUID, Path(description="Consent id.")]
Recorder = Annotated[Actor, Depends(actor_for(Action.consents_record))]
Reader = Annotated[Actor, Depends(actor_for(Action.consents_read))]


@router.post(
    OF_HOUSEHOLD,
    response_model=ConsentOut,
    status_code=201,
    summary="Record a household's consent to share its data with an organisation (PIPL art. 23)",
    description="For an organisation that is not a government department (422 "
    "`consent_not_needed` for one that is). Who consented (a member on the day given, or "
    "the guardian for that member with `by_guardian`), when (not in the future) and, when "
    "given for a period, its last day (`valid_until`), which kinds "
    "of data (`consent_scope`), for what purpose, how (`consent_method`), and the signed "
    "form in the household's file if there is one. Never changed afterwards; it can be "
    "withdrawn. Several consents to the same organisation may be on record: on a day, the "
    "latest given among those in force decides what may be shared.",
    responses={**sends(201, ETAG, LOCATION), **protected_problems(*PERSONAL_READ)},
    openapi_extra=route_options(idempotency_mode=Idempotency.optional),
)
async def household_consents_create(
    household_id: HouseholdId,
    actor: Recorder,
    response: Response,
    session: DbSession,
    body: ConsentIn,
) -> ConsentOut:
    consent = await service.record(session, actor, household_id, body)
    response.headers["Location"] = f"{API_V1}{CONSENTS}/{consent.id}"
    response.headers["ETag"] = etag_for_version(consent.version)
    return (await consents_out(session, [consent], actor.today))[0]


@router.get(
    OF_HOUSEHOLD,
    response_model=Page[ConsentOut],
    summary="A household's consents, newest recorded first",
    description="Withdrawn ones too; `in_force` says whether each is in force today. The "
    "read is audited.",
    responses=protected_problems(*PERSONAL_READ),
)
async def household_consents_list(
    household_id: HouseholdId, actor: Reader, session: ReadDbSession, page: PageParams
) -> Page[ConsentOut]:
    found, cursor = await service.of_household(session, actor, household_id, page)
    audit_read(session, actor, "consent.list.read", subject=("household", household_id))
    return Page(items=await consents_out(session, found, actor.today), next_cursor=cursor)


@router.get(
    ONE,
    response_model=ConsentOut,
    summary="One consent",
    description="The read is audited.",
    responses={**sends(200, ETAG), **protected_problems(*PERSONAL_READ)},
)
async def consents_get(
    consent_id: ConsentId, actor: Reader, response: Response, session: ReadDbSession
) -> ConsentOut:
    consent = await service.detail(session, actor, consent_id)
    audit_read(
        session,
        actor,
        "consent.read",
        region_code=consent.region_code,
        subject=("consent", consent_id),
    )
    response.headers["ETag"] = etag_for_version(consent.version)
    return (await consents_out(session, [consent], actor.today))[0]


@router.post(
    f"{ONE}/withdraw",
    response_model=ConsentOut,
    summary="Record that the household withdrew a consent",
    description="From `withdrawn_on` (today when left out) the consent is no longer in "
    "force, so nothing more is shared under it; what was shared before stays lawful (PIPL "
    "art. 15). Once only: 409 `consent_withdrawn` for a withdrawn one. `If-Match` with the "
    "consent's ETag.",
    responses={
        **sends(200, ETAG),
        **protected_problems(
            *PERSONAL_READ, ConsentWithdrawn, PreconditionFailed, PreconditionRequired
        ),
    },
)
async def consents_withdraw(
    consent_id: ConsentId,
    actor: Recorder,
    response: Response,
    session: DbSession,
    body: WithdrawalIn,
    expected: ExpectedVersion,
) -> ConsentOut:
    consent = await service.withdraw(session, actor, consent_id, body, expected)
    response.headers["ETag"] = etag_for_version(consent.version)
    return (await consents_out(session, [consent], actor.today))[0]
