"""Recording and ending target-type decisions (DOMAIN 3-4; Yubei 3(1), 3(2)).

The household's current target types (`household_target_types`) are derived
from its decisions in force after every change of them, in the same
transaction, each row pointing at the decision it comes from. Decisions are
never deleted; the household's history records each one.
"""

import uuid
from collections.abc import Sequence
from datetime import date
from typing import Any

from app.core.auth import Actor
from app.core.db import ReadSession, WriteSession, new_id, utcnow
from app.core.errors import NotFound, ValidationFailed
from app.core.pagination import PageRequest
from app.core.transitions import InvalidTransition
from app.households import access, changes, history
from app.households.changes import Change
from app.households.decisions import repository, rules
from app.households.decisions.schemas import DecisionEnd, DecisionIn
from app.households.events import Event
from app.households.models import Household, HouseholdTargetType, TargetTypeDecision


def _user(actor: Actor) -> uuid.UUID | None:
    return None if actor.principal.is_client else actor.principal.id


def snapshot(decision: TargetTypeDecision) -> dict[str, Any]:
    """A decision as the household's history keeps it."""
    return {
        "target_type": decision.target_type,
        "source": decision.source,
        "deciding_body": decision.deciding_body,
        "decided_on": decision.decided_on,
        "reference": decision.reference,
        "ends_on": decision.ends_on,
        "assessment_id": decision.assessment_id,
        "ended_on": decision.ended_on,
        "end_reason": decision.end_reason,
    }


def current_rows(
    household_id: uuid.UUID, decisions: Sequence[TargetTypeDecision], today: date
) -> list[HouseholdTargetType]:
    """One row per type held on `today`, from its latest decision in force."""
    latest: dict[str, TargetTypeDecision] = {}
    for decision in sorted(decisions, key=lambda d: d.id):
        if rules.in_force(decision, today):
            latest[decision.target_type] = decision
    return [
        HouseholdTargetType(
            household_id=household_id,
            target_type=d.target_type,
            source=d.source,
            assessment_id=d.assessment_id,
            recorded_at=d.recorded_at,
            decision_id=d.id,
        )
        for _, d in sorted(latest.items())
    ]


async def types_on_many(
    session: ReadSession, household_ids: Sequence[uuid.UUID], day: date
) -> dict[uuid.UUID, frozenset[str]]:
    """The target types each household held on `day`, from the decisions in force that day
    (`rules.in_force`), as they are recorded now: a decision ended later still held it.
    One statement; a household that held none is absent."""
    found: dict[uuid.UUID, set[str]] = {}
    for decision in await repository.dated_of_households(session, household_ids):
        if rules.in_force(decision, day):
            found.setdefault(decision.household_id, set()).add(decision.target_type)
    return {household_id: frozenset(types) for household_id, types in found.items()}


async def current_types(session: ReadSession, household_id: uuid.UUID) -> list[str]:
    """The target types the household holds now (from its decisions in force)."""
    return await repository.current_types(session, household_id)


def _end(decision: TargetTypeDecision, actor: Actor, ended_on: date, reason: str) -> None:
    decision.ended_on = ended_on
    decision.end_reason = reason
    decision.ended_by = _user(actor)
    decision.ended_at = utcnow()


async def _apply(
    session: WriteSession,
    actor: Actor,
    household: Household,
    action: str,
    touched: Sequence[tuple[dict[str, Any] | None, TargetTypeDecision]],
) -> None:
    """Derive the household's types again and record the change in its history: the types
    before and after, and each decision touched, before and after."""
    await session.flush()
    decisions = await repository.of_household(session, household.id)
    rows = current_rows(household.id, decisions, actor.today)
    before = await repository.current_types(session, household.id)
    await repository.replace_current(session, household.id, rows)
    diff = history.diff({"target_types": before}, {"target_types": [r.target_type for r in rows]})
    for earlier, decision in touched:
        name = f"target_type_decision.{decision.id}"
        diff |= history.diff({name: earlier}, {name: snapshot(decision)})
    await changes.record(session, actor, household, Change(action, Event.changed, diff))


async def page(
    session: ReadSession, actor: Actor, household_id: uuid.UUID, request: PageRequest
) -> tuple[list[TargetTypeDecision], str | None]:
    """A household's decisions, ended ones included, oldest first; the read is audited."""
    household = await access.personal(session, actor, household_id)
    found = await repository.page_of(session, household.id, request)
    access.audit_read(session, actor, "household.target_type_decisions.read", household)
    return found


async def record(
    session: WriteSession, actor: Actor, household_id: uuid.UUID, data: DecisionIn
) -> tuple[Household, TargetTypeDecision]:
    """Record a decision of the dibao, tekun or registered-hardship procedure (Yubei 3(2)).

    The household needs urban hukou (Yubei 3(1)); a type in force is not recorded twice;
    dibao and tekun exclude each other; a registered type ends the assessed types in force
    (they are for 非建档家庭 only, Yubei 3(1)).
    """
    household = await access.writable(session, actor, household_id)
    access.require_active(household)
    today = actor.today
    rules.check_dates(data.decided_on, data.ends_on, today, ["body"])
    rules.check_urban_hukou(data.target_type, household.hukou_type, ["body", "target_type"])
    decision = TargetTypeDecision(
        id=new_id(),
        household_id=household.id,
        region_code=household.region_code,
        district_code=household.district_code,
        target_type=data.target_type,
        source="recorded_by_staff",
        deciding_body=data.deciding_body,
        decided_on=data.decided_on,
        reference=data.reference,
        ends_on=data.ends_on,
        recorded_by=_user(actor),
        recorded_at=utcnow(),
    )
    touched: list[tuple[dict[str, Any] | None, TargetTypeDecision]] = []
    if rules.in_force(decision, today):
        held = [
            d
            for d in await repository.of_household(session, household.id)
            if rules.in_force(d, today)
        ]
        rules.check_with_held(
            data.target_type, [d.target_type for d in held], ["body", "target_type"]
        )
        for assessed in (d for d in held if d.target_type in rules.ASSESSED_TYPES):
            earlier = snapshot(assessed)
            _end(assessed, actor, today, "superseded")
            touched.append((earlier, assessed))
    session.add(decision)
    touched.append((None, decision))
    await _apply(session, actor, household, "target_type_decision.record", touched)
    return household, decision


async def end(
    session: WriteSession,
    actor: Actor,
    household_id: uuid.UUID,
    decision_id: uuid.UUID,
    data: DecisionEnd,
) -> tuple[Household, TargetTypeDecision]:
    """End a decision (stopped, expired, superseded, recorded in error); it stays on record."""
    household = await access.writable(session, actor, household_id)
    decision = await repository.in_household(session, household.id, decision_id)
    if decision is None:
        raise NotFound("认定", "decision")
    if decision.ended_on is not None:
        raise InvalidTransition("ended", [])
    rules.check_end(decision.decided_on, data.ended_on, actor.today, ["body"])
    earlier = snapshot(decision)
    _end(decision, actor, data.ended_on, data.reason)
    decision.end_note = data.note
    await _apply(session, actor, household, "target_type_decision.end", [(earlier, decision)])
    return household, decision


async def record_assessed(
    session: WriteSession,
    actor: Actor,
    household_id: uuid.UUID,
    target_types: list[str],
    assessment_id: uuid.UUID | None,
) -> Household:
    """Record what an eligibility assessment decided (Yubei 3(2)): the earlier assessed types
    in force end (superseded) and the new ones are decisions of the assessment.

    The new types are for 非建档家庭 only (Yubei 3(1)): a household holding dibao, tekun or
    registered hardship gets 422 `registered_type_held`; and one household is of one new
    type at most (DOMAIN 5: the two split every household)."""
    unknown = set(target_types) - rules.ASSESSED_TYPES
    if unknown:
        raise ValueError(f"not decided by an assessment: {sorted(unknown)}")
    if len(set(target_types)) > 1:
        raise ValueError("an assessment decides one new target type at most")
    household = await access.writable(session, actor, household_id)
    today = actor.today
    held = [
        d for d in await repository.of_household(session, household.id) if rules.in_force(d, today)
    ]
    registered = sorted({d.target_type for d in held} & rules.REGISTERED_TYPES)
    if target_types and registered:
        raise ValidationFailed.at(["target_types"], "registered_type_held", held=registered[0])
    touched: list[tuple[dict[str, Any] | None, TargetTypeDecision]] = []
    for assessed in (d for d in held if d.source == "assessment"):
        earlier = snapshot(assessed)
        _end(assessed, actor, today, "superseded")
        touched.append((earlier, assessed))
    for target_type in sorted(set(target_types)):
        decision = TargetTypeDecision(
            id=new_id(),
            household_id=household.id,
            region_code=household.region_code,
            district_code=household.district_code,
            target_type=target_type,
            source="assessment",
            decided_on=today,
            assessment_id=assessment_id,
            recorded_by=_user(actor),
            recorded_at=utcnow(),
        )
        session.add(decision)
        touched.append((None, decision))
    await _apply(session, actor, household, "household.assessed_types", touched)
    return household
