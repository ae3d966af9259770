"""Red Cross major-illness aid (`/api/v1/red-cross`, Yubei 3(3)1(3)): the terms (the district
sets them) and quotes (the Red Cross, and the street and community preparing an application)."""

import uuid
from typing import Annotated

from fastapi import Depends, Path, Query, Response

from app.core.auth import Actor, actor_for
from app.core.errors import NotFound, PreconditionFailed, PreconditionRequired, ValidationFailed
from app.core.etag import ExpectedVersion, etag_for_version
from app.core.openapi import ETAG, LOCATION, protected_problems, sends
from app.core.pagination import Page, PageParams
from app.core.permissions import Action
from app.core.routing import API_V1, Idempotency, api_router, route_options
from app.core.uow import DbSession, ReadDbSession
from app.households.public import HouseholdDeclined, HouseholdExited
from app.red_cross import service
from app.red_cross.errors import OtherDistrictsTerms, RedCrossOnly, TermsInUse, TermsOverlap
from app.red_cross.models import AidTerms
from app.red_cross.schemas import QuoteIn, QuoteOut, TermsIn, TermsOut, TermsPatch
from app.red_cross.views import quotes_out

router = api_router(prefix=API_V1, tags=["red cross"])
TERMS = "/red-cross/aid-terms"
ONE_TERMS = TERMS + "/{terms_id:uuid}"
QUOTES = "/red-cross/aid-quotes"
TermsId = Annotated[uuid.UUID, Path(description="Aid terms id.")]
QuoteId = Annotated[uuid.UUID, Path(description="Aid quote id.")]
TermsReader = Annotated[Actor, Depends(actor_for(Action.red_cross_terms_read))]
TermsWriter = Annotated[Actor, Depends(actor_for(Action.red_cross_terms_write))]
Quoter = Annotated[Actor, Depends(actor_for(Action.red_cross_quotes_create))]
QuoteReader = Annotated[Actor, Depends(actor_for(Action.red_cross_quotes_read))]
_WRITE_ERRORS = (NotFound, ValidationFailed, PreconditionFailed, PreconditionRequired)


def _terms(terms: AidTerms, response: Response) -> TermsOut:
    response.headers["ETag"] = etag_for_version(terms.version)
    return TermsOut.model_validate(terms)


@router.get(
    TERMS,
    response_model=Page[TermsOut],
    summary="Red Cross major-illness aid terms, oldest first",
    description="The rate and yearly cap per district and period (Yubei 3(3)1(3)). Filter: "
    "`district_code`.",
    responses=protected_problems(ValidationFailed),
)
async def red_cross_aid_terms_list(
    actor: TermsReader,
    session: ReadDbSession,
    page: PageParams,
    district_code: Annotated[
        str | None, Query(pattern=r"^[0-9]{6}$", description="Only this district's terms.")
    ] = None,
) -> Page[TermsOut]:
    found, cursor = await service.list_terms(session, page, district_code)
    return Page(items=[TermsOut.model_validate(t) for t in found], next_cursor=cursor)


@router.get(
    ONE_TERMS,
    response_model=TermsOut,
    summary="One set of aid terms (ETag: its version)",
    description="Terms are reference data: every role that reads them sees every district's.",
    responses={**sends(200, ETAG), **protected_problems(NotFound, ValidationFailed)},
)
async def red_cross_aid_terms_get(
    terms_id: TermsId, actor: TermsReader, response: Response, session: ReadDbSession
) -> TermsOut:
    return _terms(await service.get_terms(session, terms_id), response)


@router.post(
    TERMS,
    response_model=TermsOut,
    status_code=201,
    summary="Set the aid's rate and yearly cap for a district and period",
    description="District officers for their own district (else 422 `region_out_of_scope`), "
    "admins for any. 409 `red_cross_terms_overlap` (naming `conflicting_id`) when other terms "
    "of the district are in force on any of its days: periods are inclusive, so the next may "
    "start the day after one ends.",
    responses={**sends(201, ETAG, LOCATION), **protected_problems(ValidationFailed, TermsOverlap)},
    openapi_extra=route_options(idempotency_mode=Idempotency.optional),
)
async def red_cross_aid_terms_create(
    actor: TermsWriter, response: Response, session: DbSession, body: TermsIn
) -> TermsOut:
    terms = await service.create_terms(session, actor, body)
    response.headers["Location"] = f"{API_V1}{TERMS}/{terms.id}"
    return _terms(terms, response)


@router.patch(
    ONE_TERMS,
    response_model=TermsOut,
    summary="Change aid terms (If-Match)",
    description="Only the fields given change. Once a quote applied the terms, their rate, "
    "cap and first day stay (409 `red_cross_terms_in_use`): end them (`effective_to`) and set "
    "the next terms. A district officer changes its own district's terms only (403 "
    "`red_cross_terms_other_district`).",
    responses={
        **sends(200, ETAG),
        **protected_problems(*_WRITE_ERRORS, TermsOverlap, TermsInUse, OtherDistrictsTerms),
    },
)
async def red_cross_aid_terms_update(
    terms_id: TermsId,
    actor: TermsWriter,
    response: Response,
    session: DbSession,
    body: TermsPatch,
    expected: ExpectedVersion,
) -> TermsOut:
    terms = await service.update_terms(session, actor, terms_id, body, expected)
    return _terms(terms, response)


@router.post(
    QUOTES,
    response_model=QuoteOut,
    status_code=201,
    summary="Quote the Red Cross major-illness aid for one treatment (Yubei 3(3)1(3))",
    description="Self-paid within the policy's scope = in-scope amount - insurance "
    "reimbursement - medical assistance (not below 0); covered = min(self-paid x rate rounded "
    "to the fen half up, yearly cap - aid already received in the treatment's calendar year "
    "(not below 0)), under the terms in force on the treatment day. Conditions: a prescribed "
    "disease, a designated institution, inpatient treatment or outpatient chemotherapy, "
    "radiotherapy, dialysis or transfusion. An ineligible quote is still a quote (201, "
    "`eligible: false`, `reasons`, covered 0.00). Every quote is stored. 422: the in-scope "
    "amount exceeds the total (`exceeds_total_cost`), reimbursement and assistance exceed the "
    "in-scope amount (`exceeds_in_scope`), the person is not a current member "
    "(`not_a_member`), the institution does not exist, the treatment date is in the future. "
    "404: the household is not in your reach (the Red Cross reaches households referred to "
    "it). 403 `red_cross_only`: a department officer or partner of another organisation. "
    "409 `household_exited`: the household has left the ledger (`household_declined`: its "
    "application was declined).",
    responses={
        **sends(201, LOCATION),
        **protected_problems(
            NotFound, ValidationFailed, RedCrossOnly, HouseholdExited, HouseholdDeclined
        ),
    },
    openapi_extra=route_options(idempotency_mode=Idempotency.optional),
)
async def red_cross_aid_quotes_create(
    actor: Quoter, response: Response, session: DbSession, body: QuoteIn
) -> QuoteOut:
    quote = await service.create_quote(session, actor, body)
    response.headers["Location"] = f"{API_V1}{QUOTES}/{quote.id}"
    return (await quotes_out(session, [quote]))[0]


@router.get(
    QUOTES,
    response_model=Page[QuoteOut],
    summary="A household's aid quotes, newest first",
    description="`household_id` is required; 404 when the household is not in your reach.",
    responses=protected_problems(NotFound, ValidationFailed, RedCrossOnly),
)
async def red_cross_aid_quotes_list(
    actor: QuoteReader,
    session: ReadDbSession,
    page: PageParams,
    household_id: Annotated[uuid.UUID, Query(description="The household whose quotes.")],
) -> Page[QuoteOut]:
    found, cursor = await service.list_quotes(session, actor, household_id, page)
    return Page(items=await quotes_out(session, found), next_cursor=cursor)


@router.get(
    QUOTES + "/{quote_id:uuid}",
    response_model=QuoteOut,
    summary="One stored aid quote",
    description="404 when its household is not in your reach.",
    responses=protected_problems(NotFound, ValidationFailed, RedCrossOnly),
)
async def red_cross_aid_quotes_get(
    quote_id: QuoteId, actor: QuoteReader, session: ReadDbSession
) -> QuoteOut:
    return (await quotes_out(session, [await service.get_quote(session, actor, quote_id)]))[0]
