"""What other domains do when a household leaves: it exits the ledger (退出), or, still an
applicant, its application is rejected or withdrawn before acceptance (declined). In that
change's own transaction the referrals domain closes the household's open referrals, so no
organisation goes on working for, or reaching, a household that is not on the ledger.

Listeners register when their domain's module is imported (`app.domains`), as the reach of
organisations does (`scope.reach_organizations_through`), so the ledger does not import the
domains built on it."""

import uuid
from collections.abc import Awaitable, Callable
from enum import StrEnum

from app.core.auth import Actor
from app.core.db import WriteSession


class Leaving(StrEnum):
    """How the household left."""

    exited = "exited"
    """It left the ledger (退出, Beijing 5)."""
    declined = "declined"
    """Its application was rejected or withdrawn before acceptance (DOMAIN 6)."""


LeavingListener = Callable[[WriteSession, Actor, uuid.UUID, Leaving], Awaitable[None]]
"""Called with the session, the actor making the change, the household's id and how."""

_LISTENERS: list[LeavingListener] = []


def on_household_leaving(listener: LeavingListener) -> None:
    """Call `listener` in the transaction of every household's exit or decline (registered
    once)."""
    if listener not in _LISTENERS:
        _LISTENERS.append(listener)


async def household_left(
    session: WriteSession, actor: Actor, household_id: uuid.UUID, how: Leaving
) -> None:
    for listener in _LISTENERS:
        await listener(session, actor, household_id, how)
