"""Applicant households (DOMAIN 6; Beijing 4(1)2): a household created with an application is
`pending` (an applicant, not yet in the ledger) until the application is accepted (受理),
when it enters the ledger (`active`, its first stay opens on the acceptance day); when the
application is rejected or withdrawn before acceptance it is `declined` and never enters.

Both steps are household changes like any other (version, history, audit, event). A pending
household takes the ledger's writes (staff complete its record before acceptance), but is
left out of the default list (`status=active`), of completeness figures and of exits; a
declined one refuses writes as an exited one does (409 `household_declined`).

A declined household keeps its members: the family applies again on the same household
(`reapply`, when an application is filed for it: `pending` once more), so its file stays one
(一户一档); a member who joins another household leaves it as from any household (a transfer
moves people out of a declined household, never into one).
"""

from datetime import date

from app.core.auth import Actor
from app.core.db import WriteSession
from app.core.transitions import InvalidTransition
from app.households import changes
from app.households.changes import Change
from app.households.events import Event
from app.households.history import diff
from app.households.leaving import Leaving, household_left
from app.households.models import Household, HouseholdEpisode
from app.households.record.creation import first_stay


def _pending(household: Household) -> None:
    if household.status != "pending":
        raise InvalidTransition(str(household.status), [])


async def admit(session: WriteSession, actor: Actor, household: Household, on: date) -> None:
    """The applicant enters the ledger on `on` (the acceptance's business day): `active`,
    with its first stay (Beijing 5). 409 `invalid_transition` unless pending."""
    _pending(household)
    household.status = "active"
    by = None if actor.principal.is_client else actor.principal.id
    row = first_stay(household.id, household.region_code, on, by, changes.author_of(actor).at)
    session.add(HouseholdEpisode(**row))
    await session.flush()
    await changes.record(
        session,
        actor,
        household,
        Change(
            "household.admit",
            Event.admitted,
            diff({"status": "pending"}, {"status": "active", "entered_on": on}),
        ),
    )


async def decline(session: WriteSession, actor: Actor, household: Household) -> None:
    """The applicant's application was rejected or withdrawn before acceptance: `declined`,
    never in the ledger; its open referrals are cancelled (`leaving`). 409
    `invalid_transition` unless pending."""
    _pending(household)
    household.status = "declined"
    await changes.record(
        session,
        actor,
        household,
        Change(
            "household.decline", Event.declined, diff({"status": "pending"}, {"status": "declined"})
        ),
    )
    await household_left(session, actor, household.id, Leaving.declined)


async def reapply(session: WriteSession, actor: Actor, household: Household) -> None:
    """A declined applicant applies again: `pending` once more, until the new application is
    accepted or not. 409 `invalid_transition` unless declined."""
    if household.status != "declined":
        raise InvalidTransition(str(household.status), [])
    household.status = "pending"
    await changes.record(
        session,
        actor,
        household,
        Change(
            "household.reapply", Event.changed, diff({"status": "declined"}, {"status": "pending"})
        ),
    )
