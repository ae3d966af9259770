"""Red Cross major-illness aid (Yubei 3(3)1(3)): the terms per district, and quotes.

Terms are set by the district (or an admin) for a period; periods of a district never share a
day (409 `red_cross_terms_overlap`, under a per-district lock). A quote applies the terms in
force on the treatment day, stores the figures it applied, and is never changed: terms a quote
used keep their rate, cap and first day (409 `red_cross_terms_in_use`).

Who quotes: the Red Cross's staff and partner systems (their reach: households referred to
their organisation) and street officers and community workers in their region. A department
officer or partner of another organisation is refused (403 `red_cross_only`).
"""

import uuid
from datetime import date

from app.core import audit
from app.core.auth import Actor
from app.core.db import ReadSession, WriteSession, new_id
from app.core.errors import NotFound, ValidationFailed
from app.core.etag import check_version
from app.core.field_messages import FieldIssue, object_named
from app.core.pagination import PageRequest
from app.core.permissions import Role
from app.dictionaries.public import unknown_codes
from app.households.public import (
    audit_read,
    measures_total_in_year,
    members_on,
    require_active,
    visible,
)
from app.organizations.public import organization_kind
from app.red_cross import repository, rules
from app.red_cross.errors import OtherDistrictsTerms, RedCrossOnly, TermsInUse, TermsOverlap
from app.red_cross.models import AidQuote, AidTerms
from app.red_cross.schemas import QuoteIn, TermsIn, TermsPatch
from app.regions.public import region_exists

AID_MEASURE = "red_cross_major_illness_aid"
"""The measure code (dictionary `measure`) under which the aid given is recorded."""
DISEASES = "red_cross_disease"
DESIGNATED = "designated_hospital"
_ORGANISATION_ROLES = frozenset({Role.department_officer, Role.partner})
_FIGURES = ("rate_percent", "yearly_cap", "effective_from")


def _check_district(actor: Actor, district_code: str, loc: list[str | int]) -> None:
    """A district officer sets the terms of its own district; an admin of any."""
    scope = actor.principal.scope_region
    if actor.principal.role is Role.district_officer and scope != district_code:
        raise ValidationFailed.at(loc, "region_out_of_scope").refusing(region_code=district_code)


async def _check_window(
    session: WriteSession,
    district_code: str,
    start: date,
    end: date | None,
    terms_id: uuid.UUID | None,
) -> None:
    if end is not None and end < start:
        raise ValidationFailed.in_body("effective_to", "too_early", earliest="effective_from")
    await repository.lock_district(session, district_code)
    overlapping = await repository.first_overlapping(session, district_code, start, end, terms_id)
    if overlapping is not None:
        raise TermsOverlap(overlapping.id, overlapping.effective_from, overlapping.effective_to)


async def create_terms(session: WriteSession, actor: Actor, data: TermsIn) -> AidTerms:
    """New terms of a district for a period (none of its other terms in force on its days)."""
    _check_district(actor, data.district_code, ["body", "district_code"])
    if not await region_exists(session, data.district_code):
        raise ValidationFailed.in_body(
            "district_code", "not_found", **object_named("区划", "region")
        )
    await _check_window(session, data.district_code, data.effective_from, data.effective_to, None)
    caller = actor.principal.caller_id
    terms = AidTerms(id=new_id(), created_by=caller, updated_by=caller, **data.model_dump())
    session.add(terms)
    await session.flush()
    await audit.record(
        session,
        actor.context,
        "red_cross_terms.create",
        object_type="red_cross_aid_terms",
        object_id=str(terms.id),
        region_code=terms.district_code,
        changed_fields=sorted(data.model_fields_set),
    )
    return terms


async def get_terms(session: ReadSession, terms_id: uuid.UUID) -> AidTerms:
    """Terms are reference data, no personal data: every reader sees every district's."""
    found = await repository.terms(session, terms_id)
    if found is None:
        raise NotFound("救助标准", "aid terms")
    return found


async def list_terms(
    session: ReadSession, page: PageRequest, district_code: str | None
) -> tuple[list[AidTerms], str | None]:
    return await repository.terms_page(session, page, district_code)


async def count_terms(session: ReadSession) -> int:
    """How many terms there are, of every district (the demo seeds them only once)."""
    return await repository.count_terms(session)


async def update_terms(
    session: WriteSession, actor: Actor, terms_id: uuid.UUID, data: TermsPatch, expected: int
) -> AidTerms:
    """Change terms (If-Match). Terms a quote applied keep their rate, cap and first day;
    their last day may move (to end them before the next terms start)."""
    terms = await repository.terms_for_update(session, terms_id)
    if terms is None:
        raise NotFound("救助标准", "aid terms")
    if actor.principal.role is Role.district_officer and (
        actor.principal.scope_region != terms.district_code
    ):
        raise OtherDistrictsTerms().refusing(region_code=terms.district_code)
    check_version(expected, terms.version)
    given = data.model_dump(exclude_unset=True)
    for name in _FIGURES:
        if name in given and given[name] is None:
            raise ValidationFailed.in_body(name, "missing")
    changed = {name: value for name, value in given.items() if getattr(terms, name) != value}
    if not changed:
        return terms
    if changed.keys() & set(_FIGURES) and await repository.terms_used(session, terms.id):
        raise TermsInUse()
    start = changed.get("effective_from", terms.effective_from)
    end = changed.get("effective_to", terms.effective_to)
    await _check_window(session, terms.district_code, start, end, terms.id)
    for name, value in changed.items():
        setattr(terms, name, value)
    terms.version += 1
    terms.updated_by = actor.principal.caller_id
    await session.flush()
    await audit.record(
        session,
        actor.context,
        "red_cross_terms.update",
        object_type="red_cross_aid_terms",
        object_id=str(terms.id),
        region_code=terms.district_code,
        changed_fields=sorted(changed),
    )
    return terms


async def _check_organisation(session: ReadSession, actor: Actor) -> None:
    """Department officers and partner systems quote only for a Red Cross organisation."""
    principal = actor.principal
    if principal.role not in _ORGANISATION_ROLES:
        return
    kind = (
        None
        if principal.organization_id is None
        else await organization_kind(session, principal.organization_id)
    )
    if kind != "red_cross":
        raise RedCrossOnly()


def _check_amounts(data: QuoteIn, today: date) -> None:
    """Figures that cannot describe one bill are bad input (422), not an ineligible quote."""
    issues = []
    if data.treatment_date > today:
        issues.append(FieldIssue(["body", "treatment_date"], "date_in_future"))
    if data.in_scope_amount > data.total_cost:
        issues.append(FieldIssue(["body", "in_scope_amount"], "exceeds_total_cost"))
    if data.insurance_reimbursement + data.medical_assistance > data.in_scope_amount:
        issues += [
            FieldIssue(["body", "insurance_reimbursement"], "exceeds_in_scope"),
            FieldIssue(["body", "medical_assistance"], "exceeds_in_scope"),
        ]
    if issues:
        raise ValidationFailed(issues)


async def create_quote(session: WriteSession, actor: Actor, data: QuoteIn) -> AidQuote:
    """Quote the aid for one treatment of a current member of a household in the actor's
    reach (404 otherwise) that has not left the ledger (409 `household_exited`, as a
    referral of it is refused; a declined applicant 409 `household_declined`), store it and
    audit it. An ineligible quote is stored too, with
    its reasons; the already received sum is the household's measures `AID_MEASURE` of the
    treatment's calendar year (the ledger records measures per household: the cap is per
    household and year)."""
    await _check_organisation(session, actor)
    household = await visible(session, actor, data.household_id)
    require_active(household)
    _check_amounts(data, actor.today)
    if data.person_id not in await members_on(session, household.id, actor.today):
        raise ValidationFailed.in_body("person_id", "not_a_member")
    kind = await organization_kind(session, data.institution_id)
    if kind is None:
        raise ValidationFailed.in_body(
            "institution_id", "not_found", **object_named("机构", "organization")
        )
    terms = await repository.in_force(session, household.district_code, data.treatment_date)
    already = await measures_total_in_year(
        session, household.id, AID_MEASURE, data.treatment_date.year
    )
    treatment = rules.Treatment(
        disease_prescribed=not await unknown_codes(session, DISEASES, [data.disease_code]),
        institution_designated=kind == DESIGNATED,
        treatment_type=data.treatment_type,
        in_scope_amount=data.in_scope_amount,
        insurance_reimbursement=data.insurance_reimbursement,
        medical_assistance=data.medical_assistance,
    )
    figures = None if terms is None else rules.Terms(terms.rate_percent, terms.yearly_cap)
    outcome = rules.quote(treatment, figures, already)
    quote = AidQuote(
        id=new_id(),
        household_id=household.id,
        region_code=household.region_code,
        district_code=household.district_code,
        **data.model_dump(exclude={"household_id"}),
        terms_id=None if terms is None else terms.id,
        rate_percent=None if terms is None else terms.rate_percent,
        yearly_cap=None if terms is None else terms.yearly_cap,
        already_received=already,
        self_paid=outcome.self_paid,
        covered=outcome.covered,
        eligible=outcome.eligible,
        reasons=[reason.value for reason in outcome.reasons],
        steps=[_step_json(step) for step in outcome.steps],
        created_by=actor.principal.caller_id,
    )
    session.add(quote)
    await session.flush()
    await audit.record(
        session,
        actor.context,
        "red_cross_aid_quote.create",
        object_type="red_cross_aid_quote",
        object_id=str(quote.id),
        region_code=household.region_code,
    )
    return quote


def _step_json(step: rules.Step) -> dict[str, str]:
    return {
        "key": step.key,
        "label_zh": step.label_zh,
        "label_en": step.label_en,
        "formula": step.formula,
        "calculation": step.calculation,
        "amount": f"{step.amount:.2f}",
    }


async def get_quote(session: ReadSession, actor: Actor, quote_id: uuid.UUID) -> AidQuote:
    """A stored quote of a household in the actor's reach (404 otherwise); the read of a
    member's treatment is audited."""
    await _check_organisation(session, actor)
    found = await repository.quote(session, actor.reach, quote_id)
    if found is None:
        raise NotFound("救助测算", "aid quote")
    audit_read(
        session,
        actor,
        "red_cross_aid_quote.read",
        region_code=found.region_code,
        subject=("red_cross_aid_quote", found.id),
    )
    return found


async def list_quotes(
    session: ReadSession, actor: Actor, household_id: uuid.UUID, page: PageRequest
) -> tuple[list[AidQuote], str | None]:
    """The quotes of a household in the actor's reach (404 otherwise), newest first;
    audited as a read of the household's quotes."""
    await _check_organisation(session, actor)
    household = await visible(session, actor, household_id)
    audit_read(session, actor, "red_cross_aid_quote.list", household)
    return await repository.quotes_page(session, household.id, page)
