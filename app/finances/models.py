"""Incomes, rigid expenditures and assets of a household (DOMAIN 4; Yubei 3(2)).

Amounts are integer fen (`Money`); months are the first day of the month.
"""

import uuid
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Date, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.core.db import Base, Timestamped, uuid_pk
from app.core.types import Hundredths, Money, UTCDateTime
from app.households.public import HouseholdOwned


class Income(HouseholdOwned, Timestamped, Base):
    """A monthly income of one member (or of the household as a whole) from one source."""

    __tablename__ = "household_incomes"
    __table_args__ = (Index("ix_household_incomes_household_month", "household_id", "month"),)

    id: Mapped[uuid.UUID] = uuid_pk()
    person_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("persons.id", ondelete="RESTRICT"), index=True
    )
    month: Mapped[date] = mapped_column(Date)
    source: Mapped[str] = mapped_column(String(32))
    amount: Mapped[Decimal] = mapped_column(Money)


class Expenditure(HouseholdOwned, Timestamped, Base):
    """A rigid expenditure (刚性支出) of one kind in one month; the kinds are an open list.

    `amount` is what the household bore: gross minus what was reimbursed (医保报销 and
    the like), stored so sums stay one column; it is never negative."""

    __tablename__ = "household_expenditures"
    __table_args__ = (Index("ix_household_expenditures_household_month", "household_id", "month"),)

    id: Mapped[uuid.UUID] = uuid_pk()
    month: Mapped[date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(64))
    gross_amount: Mapped[Decimal] = mapped_column(Money)
    reimbursed_amount: Mapped[Decimal] = mapped_column(Money)
    amount: Mapped[Decimal] = mapped_column(Money)
    note: Mapped[str | None] = mapped_column(String(200))


class Asset(HouseholdOwned, Timestamped, Base):
    """An asset: financial assets, vehicles, real estate (DOMAIN 4), with the share of it the
    household owns; the kind decides which of area, vehicle type, count and financial type
    it has."""

    __tablename__ = "household_assets"

    id: Mapped[uuid.UUID] = uuid_pk()
    household_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("households.id", ondelete="RESTRICT"), index=True
    )
    person_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("persons.id", ondelete="RESTRICT")
    )
    kind: Mapped[str] = mapped_column(String(32))
    description: Mapped[str] = mapped_column(String(200))
    value: Mapped[Decimal | None] = mapped_column(Money)
    """Required on every write; null only on assets recorded before it was."""
    area_m2: Mapped[Decimal | None] = mapped_column(Hundredths)
    vehicle_type: Mapped[str | None] = mapped_column(String(32))
    count: Mapped[int | None] = mapped_column(Integer)
    financial_type: Mapped[str | None] = mapped_column(String(32))
    ownership_share: Mapped[Decimal] = mapped_column(Hundredths)
    """Percent of the asset the household owns, 0 < share <= 100."""


class AssetDeclaration(HouseholdOwned, Base):
    """That the household has declared its asset list, and when it last did (DOMAIN 5).

    The asset rows alone cannot tell "declared to have none" from "never declared": both
    are no rows. Every replacement of the list writes this row, an empty one included, so
    an assessment reads missing assets only for a household that never declared them."""

    __tablename__ = "household_asset_declarations"

    household_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("households.id", ondelete="RESTRICT"), primary_key=True
    )
    declared_at: Mapped[datetime] = mapped_column(UTCDateTime)
    """The last replacement of the list (the first one set the household declared)."""
