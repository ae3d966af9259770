"""What other domains do when a household leaves the ledger (退出), in the exit's own
transaction: the referrals domain closes the household's open referrals, so no organisation
goes on working for, or reaching, a household that is no longer on the ledger.

Listeners register when their domain's module is imported (`app.domains`), as the reach of
organisations does (`scope.reach_organizations_through`), so the ledger does not import the
domains built on it."""

import uuid
from collections.abc import Awaitable, Callable

from app.core.auth import Actor
from app.core.db import WriteSession

ExitListener = Callable[[WriteSession, Actor, uuid.UUID], Awaitable[None]]
"""Called with the session, the actor confirming the exit and the household's id."""

_LISTENERS: list[ExitListener] = []


def on_household_exit(listener: ExitListener) -> None:
    """Call `listener` in the transaction of every household's exit (registered once)."""
    if listener not in _LISTENERS:
        _LISTENERS.append(listener)


async def household_exited(session: WriteSession, actor: Actor, household_id: uuid.UUID) -> None:
    for listener in _LISTENERS:
        await listener(session, actor, household_id)
