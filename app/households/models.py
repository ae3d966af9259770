"""The household ledger (台账, DOMAIN 3-4; Beijing 1, 3, 5; Yubei 3(1)): households, the
people in them, and the rows each household owns."""

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from app.core.db import Base, Timestamped, utcnow, uuid_pk
from app.core.types import UTCDateTime, region_code_type


class HouseholdOwned:
    """A table whose rows belong to one household and carry its region (DOMAIN 1).

    Jurisdiction is then a range on the row itself, and when the household
    moves, exactly these tables move with it (`relocation.relocate`). Tables of
    other domains declare ownership the same way, through `households.public`.
    """

    @declared_attr
    def household_id(cls) -> Mapped[uuid.UUID]:
        return mapped_column(ForeignKey("households.id", ondelete="RESTRICT"))

    @declared_attr
    def region_code(cls) -> Mapped[str]:
        return mapped_column(region_code_type())

    @declared_attr
    def district_code(cls) -> Mapped[str]:
        return mapped_column(region_code_type(6))


class Household(Timestamped, Base):
    """One household of the ledger; `complete`/`missing_fields` are recomputed on every change."""

    __tablename__ = "households"
    __table_args__ = (
        Index("ix_households_status_region_id", "status", "region_code", "id"),
        Index("ix_households_region_id", "region_code", "id"),
        Index("ix_households_complete_region", "complete", "region_code"),
        # The list's keyset order is the id: this index walks ids in order and
        # checks region, status and completeness on the index entry, so only
        # matching rows are read from the table (docs/performance.md).
        Index("ix_households_id_region_status_complete", "id", "region_code", "status", "complete"),
        Index(
            "ix_households_address_trgm",
            "address",
            postgresql_using="gin",
            postgresql_ops={"address": "gin_trgm_ops"},
        ),
    )

    id: Mapped[uuid.UUID] = uuid_pk()
    version: Mapped[int] = mapped_column(default=1)
    region_code: Mapped[str] = mapped_column(region_code_type())
    district_code: Mapped[str] = mapped_column(region_code_type(6))
    address: Mapped[str] = mapped_column(String(200))
    hukou_region_code: Mapped[str | None] = mapped_column(String(12))
    """National division code of the hukou place (6, 9 or 12 digits); may lie outside
    the ledger's own regions, since people come from elsewhere."""
    hukou_place: Mapped[str | None] = mapped_column(String(100))
    """A readable label of the hukou place; kept text the migration could not map."""
    hukou_type: Mapped[str | None] = mapped_column(String(16))
    settled_since: Mapped[date | None] = mapped_column(Date)
    head_person_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("persons.id", ondelete="RESTRICT"), index=True
    )
    status: Mapped[str] = mapped_column(String(16), default="active")
    exited_on: Mapped[date | None] = mapped_column(Date)
    exit_reason: Mapped[str | None] = mapped_column(String(64))
    exit_note: Mapped[str | None] = mapped_column(Text)
    attention: Mapped[str | None] = mapped_column(String(32))
    basic_situation: Mapped[str | None] = mapped_column(Text)
    emergency_situation: Mapped[str | None] = mapped_column(Text)
    benefits: Mapped[list[str] | None] = mapped_column(JSON)
    measures: Mapped[list[str] | None] = mapped_column(JSON)
    no_help_reason: Mapped[str | None] = mapped_column(String(64))
    no_help_note: Mapped[str | None] = mapped_column(Text)
    paired_worker_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="RESTRICT"), index=True
    )
    complete: Mapped[bool] = mapped_column(default=False)
    missing_fields: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_by: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="RESTRICT")
    )


class HouseholdTargetType(Base):
    """A target type the household holds (DOMAIN 3), with where it came from."""

    __tablename__ = "household_target_types"
    __table_args__ = (
        Index("ix_household_target_types_type_household", "target_type", "household_id"),
    )

    household_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("households.id", ondelete="CASCADE"), primary_key=True
    )
    target_type: Mapped[str] = mapped_column(String(32), primary_key=True)
    source: Mapped[str] = mapped_column(String(32))
    assessment_id: Mapped[uuid.UUID | None] = mapped_column()
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class HouseholdCategory(Base):
    """A vulnerability category (Beijing 1) of the household or of one member, with its subtype."""

    __tablename__ = "household_categories"
    __table_args__ = (
        Index("ix_household_categories_category_household", "category", "household_id"),
    )

    id: Mapped[uuid.UUID] = uuid_pk()
    household_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("households.id", ondelete="CASCADE"), index=True
    )
    category: Mapped[str] = mapped_column(String(32))
    subtype: Mapped[str | None] = mapped_column(String(32))
    person_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("persons.id", ondelete="RESTRICT"), index=True
    )


CAUSES = "cause"
NEEDS = "need"
"""The open lists `HouseholdCode.list` holds: hardship causes and needs."""


class HouseholdCode(Base):
    """A code of an open list the household holds: hardship causes (致困原因) and needs (帮扶需求)."""

    __tablename__ = "household_codes"
    __table_args__ = (
        Index("ix_household_codes_list_code_household", "list", "code", "household_id"),
    )

    household_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("households.id", ondelete="CASCADE"), primary_key=True
    )
    list: Mapped[str] = mapped_column(String(16), primary_key=True)
    code: Mapped[str] = mapped_column(String(64), primary_key=True)


class HouseholdChange(HouseholdOwned, Base):
    """One entry of a household's history: who changed what, when, before and after."""

    __tablename__ = "household_changes"
    __table_args__ = (Index("ix_household_changes_household_id", "household_id", "id"),)

    id: Mapped[uuid.UUID] = uuid_pk()
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor: Mapped[str | None] = mapped_column(String(64))
    actor_role: Mapped[str | None] = mapped_column(String(32))
    action: Mapped[str] = mapped_column(String(48))
    person_id: Mapped[uuid.UUID | None] = mapped_column()
    changes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class HouseholdPlan(HouseholdOwned, Base):
    """One version of the household's own plan (一户一策, Beijing 8(4)); versions are never changed."""

    __tablename__ = "household_plans"
    __table_args__ = (UniqueConstraint("household_id", "revision"),)

    id: Mapped[uuid.UUID] = uuid_pk()
    revision: Mapped[int] = mapped_column()
    goals: Mapped[str] = mapped_column(Text)
    planned_measures: Mapped[list[str]] = mapped_column(JSON, default=list)
    responsible_organization_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("organizations.id", ondelete="RESTRICT")
    )
    review_on: Mapped[date | None] = mapped_column(Date)
    created_by: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="RESTRICT")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class HouseholdAssignment(HouseholdOwned, Timestamped, Base):
    """A street assigns a household to a social-work agency and worker (Beijing 4, 7).

    It is what scopes social workers: they see the households assigned to them.
    """

    __tablename__ = "household_assignments"
    __table_args__ = (
        Index(
            "uq_household_assignments_active_household",
            "household_id",
            unique=True,
            postgresql_where=text("active"),
            sqlite_where=text("active"),
        ),
        Index("ix_household_assignments_worker_active", "social_worker_id", "active"),
    )

    id: Mapped[uuid.UUID] = uuid_pk()
    agency_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("organizations.id", ondelete="RESTRICT"), index=True
    )
    social_worker_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="RESTRICT")
    )
    assigned_by: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    active: Mapped[bool] = mapped_column(default=True)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Person(Timestamped, Base):
    """One human, once: the blind index of the ID number is unique over the whole ledger.

    The ID number is stored only encrypted (`id_number_cipher`, key id in
    `id_number_key_id` so rotation can find old rows) and searched through its
    keyed hash (`id_number_index`). Guardian and caregiver are contacts
    (`households.contacts`).
    """

    __tablename__ = "persons"

    id: Mapped[uuid.UUID] = uuid_pk()
    version: Mapped[int] = mapped_column(default=1)
    name: Mapped[str] = mapped_column(String(50))
    id_number_cipher: Mapped[str] = mapped_column(String(200))
    id_number_key_id: Mapped[str] = mapped_column(String(32), index=True)
    id_number_index: Mapped[str] = mapped_column(String(64), unique=True)
    sex: Mapped[str] = mapped_column(String(8))
    birth_date: Mapped[date] = mapped_column(Date)
    phone: Mapped[str | None] = mapped_column(String(20))
    employment: Mapped[str | None] = mapped_column(String(32))
    education: Mapped[str | None] = mapped_column(String(32))
    health: Mapped[str | None] = mapped_column(String(32))
    disability_type: Mapped[str | None] = mapped_column(String(32))
    disability_grade: Mapped[str | None] = mapped_column(String(32))
    guardian: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    caregiver: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    parents_situation: Mapped[str | None] = mapped_column(String(32))
    schooling: Mapped[str | None] = mapped_column(String(32))
    school: Mapped[str | None] = mapped_column(String(100))


class Membership(HouseholdOwned, Timestamped, Base):
    """A person's membership in a household; at most one active per person (DOMAIN 4).

    The partial unique index is what makes "no duplicates" hold under
    concurrent requests, not a check in Python.
    """

    __tablename__ = "household_members"
    __table_args__ = (
        Index(
            "uq_household_members_active_person",
            "person_id",
            unique=True,
            postgresql_where=text("active"),
            sqlite_where=text("active"),
        ),
        Index("ix_household_members_household_active", "household_id", "active"),
    )

    id: Mapped[uuid.UUID] = uuid_pk()
    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("persons.id", ondelete="RESTRICT"))
    relation_to_head: Mapped[str] = mapped_column(String(32))
    active: Mapped[bool] = mapped_column(default=True)
    joined_on: Mapped[date] = mapped_column(Date)
    left_on: Mapped[date | None] = mapped_column(Date)
    left_reason: Mapped[str | None] = mapped_column(String(32))


class PersonLookupBudget(Base):
    """How many ID numbers one account has looked up in its current minute (`members.lookups`).

    One row per account that ever looked someone up; the window restarts in place.
    """

    __tablename__ = "person_lookup_budgets"

    account: Mapped[str] = mapped_column(String(64), primary_key=True)
    window_start: Mapped[datetime] = mapped_column(UTCDateTime)
    used: Mapped[int] = mapped_column()
