"""A household's assets as plain values, for other domains that reason about them (the
eligibility rules): no ORM rows leave the domain."""

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True, slots=True)
class AssetFact:
    """One asset as recorded: dictionary `asset_kind`, amounts in yuan, the household's share
    in percent; the kind decides which of area, vehicle type and count it has."""

    kind: str
    ownership_share: Decimal
    value: Decimal | None
    area_m2: Decimal | None
    vehicle_type: str | None
    count: int | None
