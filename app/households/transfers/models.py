"""The table of transfer requests (DOMAIN 4)."""

import uuid
from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from app.core.db import Base, Timestamped, uuid_pk
from app.core.types import UTCDateTime, region_code_type


class TransferRequest(Timestamped, Base):
    """A receiving street's request to move a person active in another street's household.

    Not household-owned: it names two households, and who sees it follows where those
    households are now (a join), so it needs no moving when a household moves. The region
    codes are those at filing, kept for the audit trail. One pending request per person
    (a partial unique index), so two streets cannot ask for the same person at once.
    """

    __tablename__ = "transfer_requests"
    __table_args__ = (
        Index(
            "uq_transfer_requests_pending_person",
            "person_id",
            unique=True,
            postgresql_where=text("status = 'pending'"),
            sqlite_where=text("status = 'pending'"),
        ),
        Index("ix_transfer_requests_status_due_on", "status", "due_on", "id"),
    )

    id: Mapped[uuid.UUID] = uuid_pk()
    version: Mapped[int] = mapped_column(default=1)
    status: Mapped[str] = mapped_column(String(24), default="pending")
    person_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("persons.id", ondelete="RESTRICT"), index=True
    )
    from_household_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("households.id", ondelete="RESTRICT"), index=True
    )
    to_household_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("households.id", ondelete="RESTRICT"), index=True
    )
    from_region_code: Mapped[str] = mapped_column(region_code_type())
    to_region_code: Mapped[str] = mapped_column(region_code_type())
    relation_to_head: Mapped[str] = mapped_column(String(32))
    reason: Mapped[str] = mapped_column(Text)
    filed_by: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    filed_on: Mapped[date] = mapped_column(Date)
    due_on: Mapped[date] = mapped_column(Date)
    answered_by: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="RESTRICT")
    )
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    refusal_reason: Mapped[str | None] = mapped_column(String(64))
    note: Mapped[str | None] = mapped_column(Text)
