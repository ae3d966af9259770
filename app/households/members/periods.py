"""Correcting when a person joined or left a household (DOMAIN 4-5).

Household size on a past date decides eligibility (I / 12 / n), so the dates
a membership began and ended are facts staff can correct, back-dated, each
correction with its reason in the household's history.
"""

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select

from app.core.auth import Actor
from app.core.db import WriteSession
from app.core.errors import NotFound, ValidationFailed
from app.core.etag import check_version
from app.households import access, changes, history
from app.households.changes import Change
from app.households.events import Event
from app.households.members.schemas import MembershipPatch
from app.households.members.service import check_no_overlap
from app.households.models import Household, Membership
from app.households.record import completeness, validation


@dataclass(frozen=True, slots=True)
class Corrected:
    household: Household
    membership: Membership


async def _latest(
    session: WriteSession, household_id: uuid.UUID, person_id: uuid.UUID
) -> Membership:
    """The person's membership in the household: the active one, or else the last that ended."""
    found = await session.scalar(
        select(Membership)
        .where(Membership.household_id == household_id, Membership.person_id == person_id)
        .order_by(Membership.active.desc(), Membership.joined_on.desc(), Membership.id.desc())
        .limit(1)
    )
    if found is None:
        raise NotFound("成员", "member")
    return found


def _check(membership: Membership, data: MembershipPatch, today: date) -> tuple[date, date | None]:
    given = data.model_fields_set
    if "joined_on" in given and data.joined_on is None:
        raise ValidationFailed.at(["body", "joined_on"], "missing")
    if "left_on" in given and membership.active:
        raise ValidationFailed.at(["body", "left_on"], "membership_active")
    if "left_on" in given and data.left_on is None:
        raise ValidationFailed.at(["body", "left_on"], "missing")
    joined = data.joined_on or membership.joined_on
    left = data.left_on if "left_on" in given else membership.left_on
    validation.check_not_future(joined, today, ["body", "joined_on"])
    validation.check_not_future(left, today, ["body", "left_on"])
    if left is not None and left < joined:
        raise ValidationFailed.at(["body", "left_on"], "too_early", earliest="joined_on")
    return joined, left


async def correct(
    session: WriteSession,
    actor: Actor,
    household_id: uuid.UUID,
    person_id: uuid.UUID,
    data: MembershipPatch,
    expected_version: int,
) -> Corrected:
    """Set the joined and left dates of the person's membership (If-Match on the household).

    `left_on` only for an ended membership (ending one is `DELETE .../members/{id}`);
    left_on >= joined_on, neither in the future, and the person in no other household
    on the same days. The reason goes into the history with the dates before and after.
    """
    household = await access.writable(session, actor, household_id)
    # Which membership first: a person not of this household is a 404 whatever the version.
    membership = await _latest(session, household.id, person_id)
    check_version(expected_version, household.version)
    joined, left = _check(membership, data, actor.today)
    await check_no_overlap(
        session, person_id, joined, ["body", "joined_on"], other_than=membership.id
    )
    before: dict[str, Any] = {"joined_on": membership.joined_on, "left_on": membership.left_on}
    membership.joined_on, membership.left_on = joined, left
    diff = history.diff(before, {"joined_on": joined, "left_on": left})
    if diff:
        diff["reason"] = {"before": None, "after": data.reason}
        await completeness.refresh(session, household, actor.today)
    await changes.record(
        session,
        actor,
        household,
        Change(
            "member.dates",
            Event.changed,
            diff,
            person_id=person_id,
            audit_fields=sorted(data.model_fields_set - {"reason"}),
        ),
    )
    return Corrected(household, membership)
