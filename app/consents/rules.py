"""When a consent is in force (PIPL art. 23, 29: consent may be withdrawn; withdrawal stops
further provision but does not undo what was lawfully provided before it).

Days are business dates (Asia/Shanghai). A consent given on D is in force on D; one
withdrawn on W is no longer in force on W: in force on `day` when
`given_on <= day < withdrawn_on` (no end while not withdrawn). Several consents to the same
organisation may be in force at once (none supersedes another); the one that decides what
may be shared is the latest given (then the latest recorded: ids are time-ordered).
"""

import uuid
from collections.abc import Iterable
from datetime import date
from typing import Protocol, TypeVar


class Dated(Protocol):
    @property
    def id(self) -> uuid.UUID: ...

    @property
    def given_on(self) -> date: ...

    @property
    def withdrawn_on(self) -> date | None: ...


D = TypeVar("D", bound=Dated)


def in_force(given_on: date, withdrawn_on: date | None, day: date) -> bool:
    """Whether a consent given on `given_on` and withdrawn on `withdrawn_on` (None: not
    withdrawn) is in force on `day`."""
    return given_on <= day and (withdrawn_on is None or day < withdrawn_on)


def deciding(consents: Iterable[D], day: date) -> D | None:
    """Of consents to one organisation, the one in force on `day` that decides: the latest
    given, then the latest recorded; None when none is in force."""
    live = [c for c in consents if in_force(c.given_on, c.withdrawn_on, day)]
    return max(live, key=lambda c: (c.given_on, c.id), default=None)
