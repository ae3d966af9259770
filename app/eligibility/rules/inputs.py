"""What the rules read of one household on a reference date D (DOMAIN 5): plain values, no
database. The single assessment and the simulation both build these from the ledger."""

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

REGISTERED_TYPES = frozenset({"dibao", "tekun", "registered_hardship"})
"""低保对象、特困人员、民政特殊困难建档家庭: in scope by their status; the new types are for
非建档家庭 only (Yubei 3(1))."""


class AssetKind(StrEnum):
    """Dictionary `asset_kind`."""

    financial_asset = "financial_asset"
    vehicle = "vehicle"
    real_estate = "real_estate"
    other = "other"


@dataclass(frozen=True, slots=True)
class Member:
    """A member of the household on D, with the facts the priority score reads; None is not
    recorded (and counts as absent in the score, never as a reason to refuse it)."""

    person_id: uuid.UUID
    birth_date: date
    health: str | None = None
    """Dictionary `health_status`: healthy, chronic_illness, major_illness, disabled, other."""
    disability_grade: str | None = None
    """Dictionary `disability_grade`; any recorded grade means a disability."""
    employment: str | None = None
    """Dictionary `employment_status`."""


@dataclass(frozen=True, slots=True)
class AssetFacts:
    """One asset, as the ledger holds it: amounts in yuan, the household's share in percent
    (0 < share <= 100); the kind decides which of the optional fields it has."""

    kind: AssetKind
    ownership_share: Decimal
    value: Decimal | None = None
    area_m2: Decimal | None = None
    vehicle_type: str | None = None
    count: int | None = None


@dataclass(frozen=True, slots=True)
class HouseholdInputs:
    """Every input of one assessment on `reference_date` D (DOMAIN 5)."""

    reference_date: date
    members: tuple[Member, ...]
    """Members present on D; n is their number."""
    income_by_month: Mapping[date, Decimal]
    """Household income of each window month (first days); a month absent is not recorded
    (missing, never 0), a recorded 0 is 0. Months outside the window are not read."""
    rigid_by_kind: Mapping[str, Decimal]
    """Rigid expenditure over the window by kind; only the policy's `rigid_kinds` count. A
    kind absent had no expenditure: expenditures are recorded when they occur."""
    assets: tuple[AssetFacts, ...] | None
    """None: assets never declared (missing); () declared to have none."""
    hukou_region_code: str | None
    district_code: str
    """The district whose hukou the new types require (渝北区户籍): a prefix of the code."""
    lived_in_city_since: date | None
    registered_types: frozenset[str] = frozenset()
    """Target types held on D; only `REGISTERED_TYPES` matter to the rules."""
