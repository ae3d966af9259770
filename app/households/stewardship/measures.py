"""Measures given to a household (帮扶措施, DOMAIN 4): dated records that statistics count.

A record says what was given (a `measure` code), when, by which organisation,
how much money where money was given, and which plan item it carries out.
Records are never deleted: a wrong one is voided with a reason and stays.
"""

import uuid
from decimal import Decimal

from app.core.auth import Actor
from app.core.db import ReadSession, WriteSession, utcnow
from app.core.errors import NotFound, ValidationFailed
from app.core.field_messages import above, object_named
from app.core.pagination import PageRequest
from app.core.transitions import InvalidTransition
from app.dictionaries.public import group_of, unknown_codes
from app.households import access, changes, history
from app.households.changes import Change
from app.households.events import Event
from app.households.models import Household, HouseholdMeasure
from app.households.record import completeness
from app.households.stewardship import repository
from app.households.stewardship.measure_schemas import MeasureIn
from app.organizations.public import organization_kind

MONETARY_KIND = "cash"
"""The `measure_kind` whose measures are money: they carry an amount, the others none."""
ALLOWED = {"recorded": ["void"], "voided": []}
_SHOWN = ("code", "given_on", "organization_id", "amount", "plan_item_id")
"""What the history keeps of a record (the note may hold personal details: it stays in the
record, which is read as personal data)."""


def check_amount(code: str, amount: Decimal | None) -> None:
    """Money measures need an amount above zero; no other measure may carry one."""
    loc: list[str | int] = ["body", "amount"]
    if group_of("measure", code) == MONETARY_KIND:
        if amount is None:
            raise ValidationFailed.at(loc, "required_for_kind", kind=code)
        if amount <= 0:
            raise ValidationFailed.at(loc, "too_small", **above("0.00"))
    elif amount is not None:
        raise ValidationFailed.at(loc, "not_for_kind", kind=code)


async def _check(session: ReadSession, actor: Actor, household: Household, data: MeasureIn) -> None:
    if await unknown_codes(session, "measure", [data.code]):
        raise ValidationFailed.at(["body", "code"], "unknown_code")
    check_amount(data.code, data.amount)
    if data.given_on > actor.today:
        raise ValidationFailed.at(["body", "given_on"], "date_in_future")
    if await organization_kind(session, data.organization_id) is None:
        raise ValidationFailed.at(
            ["body", "organization_id"], "not_found", **object_named("机构", "organization")
        )
    if data.plan_item_id is not None:
        plan = await repository.latest_plan(session, household.id)
        if plan is None or str(data.plan_item_id) not in {i["id"] for i in plan.items}:
            raise ValidationFailed.at(["body", "plan_item_id"], "unknown_plan_item")


async def page(
    session: ReadSession, actor: Actor, household_id: uuid.UUID, request: PageRequest
) -> tuple[list[HouseholdMeasure], str | None]:
    """The household's measure records, newest first; the read is audited (Beijing 7)."""
    household = await access.personal(session, actor, household_id)
    access.audit_read(session, actor, "household.measures.read", household)
    return await repository.measures_page(session, household.id, request)


async def record(
    session: WriteSession, actor: Actor, household_id: uuid.UUID, data: MeasureIn
) -> HouseholdMeasure:
    """Record a measure given; an exited household takes none (409 `household_exited`)."""
    return await _add(session, actor, await access.writable(session, actor, household_id), data)


async def record_for_organization(
    session: WriteSession,
    actor: Actor,
    household_id: uuid.UUID,
    data: MeasureIn,
    need_id: uuid.UUID,
) -> HouseholdMeasure:
    """Record a measure an organisation gave in answer to a need of the household, on behalf
    of its officer or client, outside any actor's reach: the caller has established that
    the organisation may act on the household (the receiver completing a referral). As
    `record` otherwise."""
    household = await access.locked_for_organization(session, household_id)
    if household is None:
        raise NotFound("家庭", "household")
    return await _add(session, actor, household, data, need_id)


async def _add(
    session: WriteSession,
    actor: Actor,
    household: Household,
    data: MeasureIn,
    need_id: uuid.UUID | None = None,
) -> HouseholdMeasure:
    access.require_active(household)
    await _check(session, actor, household, data)
    measure = HouseholdMeasure(
        household_id=household.id,
        region_code=household.region_code,
        district_code=household.district_code,
        code=data.code,
        given_on=data.given_on,
        organization_id=data.organization_id,
        amount=data.amount,
        note=data.note,
        plan_item_id=data.plan_item_id,
        need_id=need_id,
        legacy=False,
        created_by=None if actor.principal.is_client else actor.principal.id,
    )
    session.add(measure)
    await session.flush()
    shown = {"id": measure.id, **{name: getattr(measure, name) for name in _SHOWN}}
    await completeness.refresh(session, household, actor.today)
    await changes.record(
        session,
        actor,
        household,
        Change(
            "measure.record",
            Event.changed,
            history.diff({}, {"measure": shown}),
            audit_object=("household_measure", measure.id),
            audit_fields=sorted(data.model_fields_set),
        ),
    )
    return measure


async def void(
    session: WriteSession,
    actor: Actor,
    household_id: uuid.UUID,
    measure_id: uuid.UUID,
    reason: str,
) -> HouseholdMeasure:
    """Void a wrong record with a reason; it stays, and is no longer counted."""
    household = await access.writable(session, actor, household_id)
    measure = await repository.measure(session, household.id, measure_id)
    if measure is None:
        raise NotFound("帮扶措施", "measure")
    if measure.voided_at is not None:
        raise InvalidTransition("voided", ALLOWED["voided"])
    measure.voided_at = utcnow()
    measure.voided_by = None if actor.principal.is_client else actor.principal.id
    measure.void_reason = reason
    await session.flush()
    await completeness.refresh(session, household, actor.today)
    diff = {"measure_voided": {"before": None, "after": {"id": str(measure.id), "reason": reason}}}
    await changes.record(
        session,
        actor,
        household,
        Change(
            "measure.void",
            Event.changed,
            diff,
            audit_object=("household_measure", measure.id),
            audit_fields=["voided_at", "void_reason"],
        ),
    )
    return measure
