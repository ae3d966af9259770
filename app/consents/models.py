import uuid
from datetime import date, datetime

from sqlalchemy import JSON, CheckConstraint, Date, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.core.db import Base, Timestamped, uuid_pk
from app.core.types import UTCDateTime
from app.households.public import HouseholdOwned


class HouseholdConsent(HouseholdOwned, Timestamped, Base):
    """A household's consent to provide personal data to one organisation (PIPL art. 23,
    个人信息保护法第二十三条): who gave it, when, for which kinds of data, for what purpose
    and how. Never changed once recorded, except that it may be withdrawn (once).

    `created_at` is when it was recorded; `recorded_by` and `withdrawn_by` are actor keys
    (`core.actors`)."""

    __tablename__ = "household_consents"
    __table_args__ = (
        # `sharing_allowed`: the consents of a household for an organisation, by day given.
        Index("ix_household_consents_pair", "household_id", "organization_id", "given_on"),
        # A household's list, newest first (ids are time-ordered).
        Index("ix_household_consents_household_id", "household_id", "id"),
        CheckConstraint("withdrawn_on IS NULL OR withdrawn_on >= given_on", name="withdrawal"),
        CheckConstraint("valid_until IS NULL OR valid_until >= given_on", name="validity"),
        CheckConstraint(
            "(withdrawn_on IS NULL) = (withdrawn_by IS NULL)", name="withdrawal_complete"
        ),
        CheckConstraint(
            "(method = 'by_guardian') = (proxy_name IS NOT NULL)", name="guardian_named"
        ),
    )

    id: Mapped[uuid.UUID] = uuid_pk()
    organization_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("organizations.id", ondelete="RESTRICT"), index=True
    )
    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("persons.id", ondelete="RESTRICT"))
    """The member who consented, or on whose behalf the guardian did."""
    proxy_name: Mapped[str | None] = mapped_column(String(60))
    proxy_relation: Mapped[str | None] = mapped_column(String(32))
    given_on: Mapped[date] = mapped_column(Date)
    valid_until: Mapped[date | None] = mapped_column(Date)
    """The last day it is in force, when given for a period; None: until withdrawn."""
    scope: Mapped[list[str]] = mapped_column(JSON)
    purpose: Mapped[str] = mapped_column(String(500))
    method: Mapped[str] = mapped_column(String(32))
    document_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("household_documents.id", ondelete="RESTRICT")
    )
    recorded_by: Mapped[str] = mapped_column(String(60))
    withdrawn_on: Mapped[date | None] = mapped_column(Date)
    withdrawn_by: Mapped[str | None] = mapped_column(String(60))
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    withdrawal_reason: Mapped[str | None] = mapped_column(String(500))
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
