"""Tables of the Red Cross major-illness aid: the terms in force per district, and quotes."""

import uuid
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import JSON, Boolean, CheckConstraint, Date, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.core.db import Base, Timestamped, utcnow, uuid_pk
from app.core.types import Hundredths, Money, UTCDateTime, region_code_type
from app.households.public import HouseholdOwned


class AidTerms(Timestamped, Base):
    """The rate and yearly cap of a district's Red Cross major-illness aid for a period
    (Yubei 3(3)1(3): "给予一定救助"; the seed leaves both figures to the Red Cross).

    Periods of one district never share a day (checked under a per-district lock). A
    quote stores the rate and cap it applied, so changing terms never rewrites a quote;
    terms a quote used keep their figures and first day (only the last day may move)."""

    __tablename__ = "red_cross_aid_terms"
    __table_args__ = (
        Index("ix_red_cross_aid_terms_district_from", "district_code", "effective_from"),
        CheckConstraint("rate_percent >= 0 AND rate_percent <= 10000", name="rate_range"),
        CheckConstraint("yearly_cap >= 0", name="cap_not_negative"),
        CheckConstraint(
            "effective_to IS NULL OR effective_to >= effective_from", name="effective_window"
        ),
    )

    id: Mapped[uuid.UUID] = uuid_pk()
    district_code: Mapped[str] = mapped_column(
        region_code_type(6), ForeignKey("regions.code", ondelete="RESTRICT")
    )
    rate_percent: Mapped[Decimal] = mapped_column(Hundredths)
    """Percent of the self-paid amount covered, two places (stored as hundredths)."""
    yearly_cap: Mapped[Decimal] = mapped_column(Money)
    effective_from: Mapped[date] = mapped_column(Date)
    effective_to: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(String(500))
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    created_by: Mapped[str] = mapped_column(String(60))
    updated_by: Mapped[str] = mapped_column(String(60))


class AidQuote(HouseholdOwned, Base):
    """One quote of the aid for one treatment of a household member (immutable): what was
    given, the terms applied, each step of the calculation and who asked, when."""

    __tablename__ = "red_cross_aid_quotes"
    __table_args__ = (
        Index("ix_red_cross_aid_quotes_household_id", "household_id", "id"),
        Index("ix_red_cross_aid_quotes_terms", "terms_id"),
    )

    id: Mapped[uuid.UUID] = uuid_pk()
    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("persons.id", ondelete="RESTRICT"))
    disease_code: Mapped[str] = mapped_column(String(64))
    institution_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("organizations.id", ondelete="RESTRICT")
    )
    treatment_type: Mapped[str] = mapped_column(String(32))
    treatment_date: Mapped[date] = mapped_column(Date)
    total_cost: Mapped[Decimal] = mapped_column(Money)
    in_scope_amount: Mapped[Decimal] = mapped_column(Money)
    insurance_reimbursement: Mapped[Decimal] = mapped_column(Money)
    medical_assistance: Mapped[Decimal] = mapped_column(Money)
    terms_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("red_cross_aid_terms.id", ondelete="RESTRICT")
    )
    rate_percent: Mapped[Decimal | None] = mapped_column(Hundredths)
    yearly_cap: Mapped[Decimal | None] = mapped_column(Money)
    already_received: Mapped[Decimal] = mapped_column(Money)
    self_paid: Mapped[Decimal] = mapped_column(Money)
    covered: Mapped[Decimal] = mapped_column(Money)
    eligible: Mapped[bool] = mapped_column(Boolean)
    reasons: Mapped[list[str]] = mapped_column(JSON)
    steps: Mapped[list[dict[str, str]]] = mapped_column(JSON)
    """The calculation as answered (`rules.Step`, amounts as decimal strings)."""
    created_by: Mapped[str] = mapped_column(String(60))
    """The caller id (user or partner client) who asked for the quote."""
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
