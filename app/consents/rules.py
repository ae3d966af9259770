"""When a consent is in force (PIPL art. 23, 29: consent may be withdrawn; withdrawal stops
further provision but does not undo what was lawfully provided before it).

Days are business dates (Asia/Shanghai). A consent given on D is in force on D; one
withdrawn on W is no longer in force on W; one given for a period up to U (`valid_until`,
"this year's aid") is still in force on U and no longer the day after: in force on `day`
when `given_on <= day < withdrawn_on` and `day <= valid_until` (no end while neither is
set). Several consents to the same organisation may be in force at once (none supersedes
another); the one that decides what may be shared is the latest given (then the latest
recorded: ids are time-ordered).

`repository.in_force_on` is this rule in SQL; the two change together.
"""

import uuid
from collections.abc import Iterable
from datetime import date
from typing import Protocol, TypeVar


class Span(Protocol):
    """The days of a consent: given, withdrawn (None: not withdrawn), valid until (None: no
    end day)."""

    @property
    def given_on(self) -> date: ...

    @property
    def withdrawn_on(self) -> date | None: ...

    @property
    def valid_until(self) -> date | None: ...


class Dated(Span, Protocol):
    @property
    def id(self) -> uuid.UUID: ...


D = TypeVar("D", bound=Dated)


def in_force(consent: Span, day: date) -> bool:
    """Whether the consent is in force on `day`: given on or before it, not withdrawn on or
    before it, and not past its end day."""
    return (
        consent.given_on <= day
        and (consent.withdrawn_on is None or day < consent.withdrawn_on)
        and (consent.valid_until is None or day <= consent.valid_until)
    )


def deciding(consents: Iterable[D], day: date) -> D | None:
    """Of consents to one organisation, the one in force on `day` that decides: the latest
    given, then the latest recorded; None when none is in force."""
    live = [c for c in consents if in_force(c, day)]
    return max(live, key=lambda c: (c.given_on, c.id), default=None)
