"""Households: the ledger record (DOMAIN 3-4), and the completeness of records (Beijing 7)."""

from typing import Annotated

from fastapi import Depends, Query, Response

from app.confidentiality.public import ConfidentialityAgreementRequired
from app.core.auth import Actor, Forbidden, actor_for
from app.core.errors import NotFound, PreconditionFailed, PreconditionRequired, ValidationFailed
from app.core.etag import ExpectedVersion, etag_for_version
from app.core.masking import PersonalField
from app.core.openapi import ETAG, LOCATION, protected_problems, sends
from app.core.pagination import Page, PageParams
from app.core.permissions import Action
from app.core.region_codes import CODE_PATTERN
from app.core.routing import Idempotency, api_router, route_options
from app.core.uow import DbSession, ReadDbSession
from app.households import access, history
from app.households.decisions.schemas import TargetType
from app.households.errors import PersonInAnotherHousehold, TooManyLookups
from app.households.http import (
    HOUSEHOLD,
    HOUSEHOLDS,
    PERSONAL_READ,
    HouseholdId,
    HouseholdReader,
    LedgerReader,
    LedgerWriter,
    answer_household_version,
    household_written,
)
from app.households.members import lookups
from app.households.members.schemas import Category
from app.households.record import completeness, numbers, service, views
from app.households.record.listing import SORTS, HouseholdFilters
from app.households.record.schemas import (
    ChangeOut,
    CompletenessOut,
    HouseholdCreate,
    HouseholdOut,
    HouseholdPatch,
    HouseholdSummary,
    RegionCompletenessOut,
)

router = api_router(prefix=HOUSEHOLDS, tags=["ledger"])
Creator = Annotated[Actor, Depends(actor_for(Action.households_create))]
QualityReader = Annotated[Actor, Depends(actor_for(Action.ledger_quality_read))]
OpenCodeQuery = Query(pattern=r"^[a-z][a-z0-9_]{0,63}$")


_SORT_PATTERN = "^-?(" + "|".join(SORTS) + ")$"
_LIST_DESCRIPTION = (
    "Order: `sort` (default `created_at`, oldest first; `-` in front for descending): "
    "`created_at` is entry order (ids are time-ordered UUIDv7s), `updated_at` the last change, "
    "`region_code` the region tree's order; ties are broken by id, so pages never skip or "
    "repeat a household and the cursor (which holds the sort key) belongs to one sort and one "
    "set of filters. `name` filters by the head's name and is refused (403) to roles that see "
    "names masked: no list filters or sorts by a field its caller sees masked."
)


@router.get(
    "",
    response_model=Page[HouseholdSummary],
    summary="List households in your jurisdiction, with filters",
    description=_LIST_DESCRIPTION,
    responses=protected_problems(ValidationFailed, ConfidentialityAgreementRequired),
)
async def households_list(
    actor: LedgerReader,
    session: ReadDbSession,
    page: PageParams,
    region: Annotated[
        str | None, Query(pattern=CODE_PATTERN, description="Only this region's subtree.")
    ] = None,
    status: Annotated[
        str,
        Query(
            pattern="^(active|exited|pending|declined|all)$",
            description="`active` (default), `exited`, `pending` (applicants not yet accepted), "
            "`declined` (applicants whose application was rejected or withdrawn before "
            "acceptance) or `all`.",
        ),
    ] = "active",
    target_type: Annotated[
        TargetType | None, Query(description="Holding this target type.")
    ] = None,
    category: Annotated[
        Category | None, Query(description="Holding this vulnerability category.")
    ] = None,
    cause: Annotated[
        str | None,
        Query(pattern=r"^[a-z][a-z0-9_]{0,63}$", description="With this hardship cause."),
    ] = None,
    need: Annotated[
        str | None, Query(pattern=r"^[a-z][a-z0-9_]{0,63}$", description="With this need.")
    ] = None,
    complete: Annotated[
        bool | None, Query(description="Complete (true) or incomplete (false) records.")
    ] = None,
    address: Annotated[
        str | None,
        Query(min_length=1, max_length=100, description="Address contains this text."),
    ] = None,
    ledger_number: Annotated[
        str | None,
        Query(
            pattern=numbers.PATTERN,
            max_length=24,
            description="Exactly this ledger number (一户一档), e.g. `500112-2026-000123`.",
        ),
    ] = None,
    paired_to_me: Annotated[
        bool | None,
        Query(
            description="true: only households paired with you (对口帮扶, `paired_worker_id` is "
            "you); false: only the others."
        ),
    ] = None,
    has_plan: Annotated[
        bool | None, Query(description="With (true) or without (false) a plan (一户一策).")
    ] = None,
    exit_reason: Annotated[
        str | None,
        Query(
            pattern=r"^[a-z][a-z0-9_]{0,63}$",
            description="Left the ledger for this reason (dictionary `exit_reason`); "
            "combine with `status=exited` or `all`.",
        ),
    ] = None,
    name: Annotated[
        str | None,
        Query(
            min_length=1,
            max_length=50,
            description="The head's name begins with this (e.g. a surname). Refused (403) to "
            "roles that see names masked.",
        ),
    ] = None,
    sort: Annotated[
        str,
        Query(
            pattern=_SORT_PATTERN,
            description="`created_at` (default), `updated_at` or `region_code`; `-` in front "
            "for descending, e.g. `-updated_at` for the latest changes first.",
        ),
    ] = "created_at",
) -> Page[HouseholdSummary]:
    head_name = name.strip() if name else None
    if head_name and not actor.viewer.sees_full(PersonalField.name):
        taking = f"{Action.households_read.value}+{PersonalField.name.value}"
        raise Forbidden().refusing(action=taking)
    filters = HouseholdFilters(
        region=region,
        status=None if status == "all" else status,
        target_type=target_type,
        category=category,
        cause=cause,
        need=need,
        complete=complete,
        address=address.strip() if address else None,
        ledger_number=ledger_number,
        paired_worker_id=actor.principal.id if paired_to_me is not None else None,
        paired=paired_to_me,
        has_plan=has_plan,
        exit_reason=exit_reason,
        head_name=head_name or None,
        sort=sort,
    )
    items, cursor = await service.search(session, actor, filters, page)
    return Page(items=await views.summaries_out(session, actor.viewer, items), next_cursor=cursor)


@router.post(
    "",
    response_model=HouseholdOut,
    status_code=201,
    summary="Enter a household into the ledger, with its members",
    description="Each member's ID number spends one of the account's lookups of the minute "
    "(`SANZHU_PERSON_LOOKUPS_PER_MINUTE`).",
    responses={
        **household_written(201, ETAG, LOCATION),
        **protected_problems(ValidationFailed, PersonInAnotherHousehold, TooManyLookups),
    },
    openapi_extra=route_options(idempotency_mode=Idempotency.optional),
)
async def households_create(
    actor: Creator, response: Response, session: DbSession, body: HouseholdCreate
) -> HouseholdOut:
    if body.members:
        await lookups.spend(actor, len(body.members))
    household = await service.create(session, actor, body)
    response.headers["Location"] = f"/api/v1/households/{household.id}"
    response.headers["ETag"] = etag_for_version(household.version)
    answer_household_version(response, session, household.id, household.version)
    return await views.household_out(session, actor, household)


@router.get(
    HOUSEHOLD,
    response_model=HouseholdOut,
    summary="Get one household with its members (masked per role; the read is audited)",
    responses={**sends(200, ETAG), **protected_problems(*PERSONAL_READ)},
)
async def households_get(
    household_id: HouseholdId, actor: HouseholdReader, response: Response, session: ReadDbSession
) -> HouseholdOut:
    out = await views.read_household(session, actor, household_id)
    response.headers["ETag"] = etag_for_version(out.version)
    return out


@router.patch(
    HOUSEHOLD,
    response_model=HouseholdOut,
    summary="Change a household (If-Match); lists given replace the old ones",
    responses={
        **household_written(200, ETAG),
        **protected_problems(
            NotFound,
            ValidationFailed,
            PreconditionFailed,
            PreconditionRequired,
            ConfidentialityAgreementRequired,
        ),
    },
)
async def households_update(
    household_id: HouseholdId,
    actor: LedgerWriter,
    response: Response,
    session: DbSession,
    body: HouseholdPatch,
    expected: ExpectedVersion,
) -> HouseholdOut:
    household = await service.update(session, actor, household_id, body, expected)
    response.headers["ETag"] = etag_for_version(household.version)
    answer_household_version(response, session, household.id)
    return await views.household_out(session, actor, household)


@router.get(
    HOUSEHOLD + "/history",
    response_model=Page[ChangeOut],
    summary="A household's history: who changed what, when, before and after",
    description="Order: oldest entry first (by id, which is time-ordered).",
    responses=protected_problems(*PERSONAL_READ),
)
async def household_history_list(
    household_id: HouseholdId, actor: LedgerReader, session: ReadDbSession, page: PageParams
) -> Page[ChangeOut]:
    household = await access.personal(session, actor, household_id)
    items, cursor = await history.page_of(session, household.id, page)
    access.audit_read(session, actor, "household.history.read", household)
    return Page(items=await views.changes_out(session, items, actor.viewer), next_cursor=cursor)


@router.get(
    "/completeness",
    response_model=CompletenessOut,
    summary="Share of complete records per child region of a subtree (district spot-checks, Beijing 7)",
    responses=protected_problems(NotFound, ValidationFailed),
)
async def households_completeness(
    actor: QualityReader,
    session: ReadDbSession,
    region: Annotated[
        str | None, Query(pattern=CODE_PATTERN, description="Region; default your own scope.")
    ] = None,
) -> CompletenessOut:
    found = await completeness.report(session, actor, region)
    return CompletenessOut(
        region_code=found.region_code,
        households=found.households,
        complete=found.complete,
        share=completeness.share(found.complete, found.households),
        regions=[
            RegionCompletenessOut(
                region_code=r.region_code,
                households=r.households,
                complete=r.complete,
                share=completeness.share(r.complete, r.households),
            )
            for r in found.regions
        ],
    )
