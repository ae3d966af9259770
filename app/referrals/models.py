"""The tables of referrals (DOMAIN 7; Yubei 3(3), 3(5); Beijing 4(1)).

A referral belongs to a household (`HouseholdOwned`: it moves with it). The routing
table is reference data: rules from a need code to organisation kinds, and the default
receiving organisation of each kind for a region.
"""

import uuid
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Date, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from app.core.db import Base, Timestamped, utcnow, uuid_pk
from app.core.types import Money, UTCDateTime, region_code_type
from app.households.public import HouseholdOwned


class ReferralRoute(Timestamped, Base):
    """A rule of the routing table: a need of `need_code` goes to organisations of
    `organization_kind`, due `due_working_days` working days after it is sent."""

    __tablename__ = "referral_routes"
    __table_args__ = (UniqueConstraint("need_code", "organization_kind"),)

    id: Mapped[uuid.UUID] = uuid_pk()
    version: Mapped[int] = mapped_column(default=1)
    need_code: Mapped[str] = mapped_column(String(64))
    organization_kind: Mapped[str] = mapped_column(String(64))
    due_working_days: Mapped[int] = mapped_column()


class ReferralDefault(Timestamped, Base):
    """The organisation that receives the referrals of one kind for a region's households
    (the most specific region on a household's path wins)."""

    __tablename__ = "referral_defaults"
    __table_args__ = (UniqueConstraint("organization_kind", "region_code"),)

    id: Mapped[uuid.UUID] = uuid_pk()
    version: Mapped[int] = mapped_column(default=1)
    organization_kind: Mapped[str] = mapped_column(String(64))
    region_code: Mapped[str] = mapped_column(region_code_type())
    organization_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("organizations.id", ondelete="RESTRICT")
    )


class Referral(HouseholdOwned, Timestamped, Base):
    """A need of a household sent to an organisation that can meet it (转介, 推送), followed
    until it is closed; its state machine is `referrals.states`."""

    __tablename__ = "referrals"
    __table_args__ = (
        Index("ix_referrals_region_status", "region_code", "status", "id"),
        Index("ix_referrals_receiver_status", "receiver_organization_id", "status", "id"),
        # An organisation sees the referrals addressed to it or pushed in by it.
        Index("ix_referrals_sender_organization", "sender_organization_id", "status", "id"),
        Index("ix_referrals_household", "household_id", "id"),
        Index("ix_referrals_status_due", "status", "due_on", "id"),
        Index("ix_referrals_due", "due_on", "id"),
        Index("ix_referrals_application", "application_id", "id"),
        # Each action derives its need's state from all the need's referrals.
        Index("ix_referrals_need", "need_id", "status"),
        # A push (推送) on acceptance is idempotent: one referral per need instance and
        # receiving organisation, however often the push runs.
        Index(
            "uq_referrals_pushed_need_receiver",
            "need_id",
            "receiver_organization_id",
            unique=True,
            postgresql_where=text("source = 'application'"),
            sqlite_where=text("source = 'application'"),
        ),
    )

    id: Mapped[uuid.UUID] = uuid_pk()
    version: Mapped[int] = mapped_column(default=1)
    status: Mapped[str] = mapped_column(String(16), default="requested")
    need_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("household_needs.id", ondelete="RESTRICT")
    )
    need_code: Mapped[str] = mapped_column(String(64))
    source: Mapped[str] = mapped_column(String(16))
    """`manual` (sent by staff) or `application` (pushed when its application was accepted)."""
    application_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("applications.id", ondelete="RESTRICT")
    )
    """The application it answers, if any (a pushed referral's source). A foreign key by the
    table's name: intake uses referrals, not the other way (the import contracts)."""
    sent_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    sender_region_code: Mapped[str | None] = mapped_column(region_code_type())
    """The sender's scope when it sent it (the district officer: the district)."""
    sender_organization_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("organizations.id", ondelete="RESTRICT")
    )
    """A partner organisation that pushed it in (none for staff)."""
    receiver_organization_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("organizations.id", ondelete="RESTRICT")
    )
    sent_on: Mapped[date] = mapped_column(Date)
    due_working_days: Mapped[int] = mapped_column()
    due_on: Mapped[date] = mapped_column(Date)
    provisional: Mapped[bool] = mapped_column(default=False)
    """Counted on a year the official calendar does not cover yet."""
    note: Mapped[str | None] = mapped_column(Text)
    reason: Mapped[str | None] = mapped_column(String(64))
    """Rejected: a `referral_rejection_reason`; failed: a `referral_failure_reason`."""
    reason_note: Mapped[str | None] = mapped_column(Text)
    outcome: Mapped[str | None] = mapped_column(Text)
    amount: Mapped[Decimal | None] = mapped_column(Money)
    """Yuan given, on completion when money was given."""
    measure: Mapped[str | None] = mapped_column(String(64))
    """On completion: what was given (a `measure` code), recorded in the household's ledger."""
    measure_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("household_measures.id", ondelete="RESTRICT")
    )
    """The household's measure record the completion made (帮扶措施)."""
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ReferralTransition(Base):
    """One change of a referral: who, when, from what to what, why (every change is kept)."""

    __tablename__ = "referral_transitions"
    __table_args__ = (Index("ix_referral_transitions_referral", "referral_id", "id"),)

    id: Mapped[uuid.UUID] = uuid_pk()
    referral_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("referrals.id", ondelete="RESTRICT"))
    action: Mapped[str] = mapped_column(String(16))
    from_status: Mapped[str | None] = mapped_column(String(16))
    to_status: Mapped[str] = mapped_column(String(16))
    actor: Mapped[str] = mapped_column(String(64))
    """Who: `user:<id>`, `client:<id>` or `cli` (an `identity.public.ActorKey`)."""
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    reason: Mapped[str | None] = mapped_column(String(64))
    note: Mapped[str | None] = mapped_column(Text)
