"""Whether personal data may go to an organisation: the consent in force (PIPL art. 23), for
one (household, organisation) pair or many in one statement; and the age bands of
de-identified data (see `consents.public`)."""

import uuid
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Select, exists, func, select
from sqlalchemy.orm import aliased

from app.consents import repository, rules
from app.consents.models import HouseholdConsent
from app.core.db import ReadSession

Pair = tuple[uuid.UUID, uuid.UUID]
"""(household id, organisation id)."""


@dataclass(frozen=True, slots=True)
class ConsentInForce:
    """The consent that decides what a household's data may go to an organisation on a day."""

    consent_id: uuid.UUID
    household_id: uuid.UUID
    organization_id: uuid.UUID
    given_on: date
    scope: frozenset[str]
    """Kinds of data (dictionary `consent_scope`) that may be provided in full."""
    purpose: str

    @classmethod
    def of(cls, consent: HouseholdConsent) -> "ConsentInForce":
        return cls(
            consent_id=consent.id,
            household_id=consent.household_id,
            organization_id=consent.organization_id,
            given_on=consent.given_on,
            scope=frozenset(consent.scope),
            purpose=consent.purpose,
        )


async def sharing_allowed_many(
    session: ReadSession, pairs: Collection[Pair], *, on: date
) -> dict[Pair, ConsentInForce]:
    """For each (household, organisation) pair, the consent in force on `on` that decides
    (`rules.deciding`); a pair without one is absent. One statement whatever the number of
    pairs. The caller reached the households; it asks only about organisations that need
    consent (`requires_consent`): a government department needs none and has none."""
    wanted = set(pairs)
    if not wanted:
        return {}
    found = await repository.in_force_among(
        session, {h for h, _ in wanted}, {o for _, o in wanted}, on
    )
    by_pair: dict[Pair, list[HouseholdConsent]] = {}
    for consent in found:
        pair = (consent.household_id, consent.organization_id)
        if pair in wanted:
            by_pair.setdefault(pair, []).append(consent)
    decided = {pair: rules.deciding(consents, on) for pair, consents in by_pair.items()}
    return {pair: ConsentInForce.of(c) for pair, c in decided.items() if c is not None}


async def sharing_allowed(
    session: ReadSession, household_id: uuid.UUID, organization_id: uuid.UUID, *, on: date
) -> ConsentInForce | None:
    """The consent in force on `on` of the household to the organisation that decides what
    may be provided in full; None: de-identified data only."""
    found = await sharing_allowed_many(session, [(household_id, organization_id)], on=on)
    return found.get((household_id, organization_id))


AGE_BANDS: tuple[tuple[int, int | None, str], ...] = (
    (0, 5, "0-5"),
    (6, 17, "6-17"),
    (18, 59, "18-59"),
    (60, 79, "60-79"),
    (80, None, "80+"),
)
"""Bands of full years (周岁) of de-identified data: preschool, minor (未成年人保护法 第二条),
working age, elderly (老年人权益保障法 第二条), advanced age (高龄): the thresholds the code
tables' categories use, so a band says what the help needs and no more."""


def age_band(age: int) -> str:
    """The band of an age in full years (`AGE_BANDS`); negative ages are not ages."""
    if age < 0:
        raise ValueError("an age in full years is not negative")
    return next(label for low, high, label in AGE_BANDS if high is None or low <= age <= high)


FULL_SCOPE = frozenset(
    {
        "identity_contact",
        "household_composition",
        "health_disability",
        "income_assets",
        "needs_circumstances",
    }
)
"""Every kind of data of dictionary `consent_scope`: what the whole ledger record shows."""


def consented_in_full(organization: Any, day: Any) -> Select[Any]:
    """The households whose whole ledger record may go to `organization` on `day` (each a
    value or a bound parameter): a consent to it is in force that day, and every consent to
    it in force that day covers every kind of data (`FULL_SCOPE`).

    A narrower consent in force holds the record back even beside a full one: the safe side
    of "the latest given decides". Scope codes are unique within a consent, so the length of
    its list counts its kinds."""
    narrower = aliased(HouseholdConsent)
    return select(HouseholdConsent.household_id).where(
        HouseholdConsent.organization_id == organization,
        repository.in_force_on(HouseholdConsent, day),
        ~exists().where(
            narrower.household_id == HouseholdConsent.household_id,
            narrower.organization_id == organization,
            repository.in_force_on(narrower, day),
            func.json_array_length(narrower.scope) < len(FULL_SCOPE),
        ),
    )
