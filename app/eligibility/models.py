"""The tables of eligibility (DOMAIN 5)."""

import uuid
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import JSON, BigInteger, Date, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from app.core.db import Base, Timestamped, uuid_pk
from app.core.types import Hundredths, Money, UTCDateTime, region_code_type
from app.households.public import HouseholdOwned


class PolicyVersion(Timestamped, Base):
    """One effective-dated version of the policy of a region and its subtree (DOMAIN 5): the
    urban dibao standard L (城市低保标准), the multipliers, residency, rigid kinds, asset
    limits and scoring weights, exactly the figures of `eligibility.terms.PolicyTerms`.

    In force from `effective_from` to `effective_to`, both days included (None: open-ended).
    Published versions of one region never overlap in time; a more specific region's
    version wins over its ancestors' (`policies.service.in_force`)."""

    __tablename__ = "policy_versions"
    __table_args__ = (
        Index("ix_policy_versions_region_status_from", "region_code", "status", "effective_from"),
        Index("ix_policy_versions_status_id", "status", "id"),
        Index("ix_policy_versions_effective", "effective_from", "effective_to"),
    )

    id: Mapped[uuid.UUID] = uuid_pk()
    version: Mapped[int] = mapped_column(default=1)
    status: Mapped[str] = mapped_column(String(16), default="draft")
    region_code: Mapped[str] = mapped_column(
        region_code_type(), ForeignKey("regions.code", ondelete="RESTRICT")
    )
    name: Mapped[str] = mapped_column(String(200))
    """The version's name or the reference of the document that sets it."""
    description: Mapped[str] = mapped_column(Text, default="")
    effective_from: Mapped[date] = mapped_column(Date)
    effective_to: Mapped[date | None] = mapped_column(Date)
    """The last day in force (inclusive); None: until further notice."""
    dibao_standard: Mapped[Decimal] = mapped_column(Money)
    income_floor: Mapped[Decimal] = mapped_column(Hundredths)
    income_ceiling: Mapped[Decimal] = mapped_column(Hundredths)
    expenditure_ceiling: Mapped[Decimal] = mapped_column(Hundredths)
    expenditure_ratio: Mapped[Decimal] = mapped_column(Hundredths)
    residency_years: Mapped[int] = mapped_column(Integer)
    rigid_kinds: Mapped[list[str]] = mapped_column(JSON)
    asset_financial_per_capita: Mapped[Decimal | None] = mapped_column(Money)
    asset_vehicles: Mapped[int | None] = mapped_column(Integer)
    asset_exempt_vehicle_types: Mapped[list[str]] = mapped_column(JSON)
    asset_real_estate_units: Mapped[int | None] = mapped_column(Integer)
    asset_real_estate_area_per_capita: Mapped[Decimal | None] = mapped_column(Hundredths)
    weight_income_gap: Mapped[int] = mapped_column(Integer)
    weight_expenditure_ratio: Mapped[int] = mapped_column(Integer)
    weight_dependants: Mapped[int] = mapped_column(Integer)
    weight_elderly: Mapped[int] = mapped_column(Integer)
    weight_children: Mapped[int] = mapped_column(Integer)
    weight_disability: Mapped[int] = mapped_column(Integer)
    weight_major_illness: Mapped[int] = mapped_column(Integer)
    created_by: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="RESTRICT")
    )
    updated_by: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="RESTRICT")
    )
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    published_by: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="RESTRICT")
    )
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    retired_by: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="RESTRICT")
    )


class Assessment(HouseholdOwned, Timestamped, Base):
    """One assessment of a household on a reference date D under the policy version in force
    on D (DOMAIN 5). Immutable once stored: its inputs (ages on D, not birth dates), every
    rule with its figures and the outcome never change; only the bookkeeping around it does
    (`superseded_by` when a newer assessment of the household is stored, `accepted_*` when
    its finding is set on the ledger).

    `fingerprint` digests the inputs as gathered, so a later edit of the ledger shows as
    "inputs changed since" instead of altering history. `score` and `per_capita_micro` are
    set for the eligible outcomes only and order the priority list."""

    __tablename__ = "assessments"
    __table_args__ = (
        Index("ix_assessments_household_id", "household_id", "id"),
        Index("ix_assessments_application", "application_id"),
        Index("ix_assessments_policy_version", "policy_version_id"),
        # The priority list: a region subtree's current eligible assessments (a range on the
        # region code; the order by score is a sort of those rows).
        Index(
            "ix_assessments_priority",
            "region_code",
            "score",
            "per_capita_micro",
            "household_id",
            postgresql_where=text("superseded_by IS NULL AND score IS NOT NULL"),
            sqlite_where=text("superseded_by IS NULL AND score IS NOT NULL"),
        ),
    )

    id: Mapped[uuid.UUID] = uuid_pk()
    application_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("applications.id", ondelete="RESTRICT")
    )
    """The application assessed (D is its applied date); None for a re-check."""
    reference_date: Mapped[date] = mapped_column(Date)
    policy_version_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("policy_versions.id", ondelete="RESTRICT")
    )
    outcome: Mapped[str] = mapped_column(String(24))
    missing: Mapped[list[str]] = mapped_column(JSON)
    """Stable keys of the missing inputs (`cannot_assess`), else empty."""
    member_count: Mapped[int | None] = mapped_column(Integer)
    income_total: Mapped[Decimal | None] = mapped_column(Money)
    rigid_total: Mapped[Decimal | None] = mapped_column(Money)
    score: Mapped[Decimal | None] = mapped_column(Hundredths)
    per_capita_micro: Mapped[int | None] = mapped_column(BigInteger)
    """Per-capita monthly income I/(12n) in millionths of a yuan, rounded down: the
    priority list's tie-break after the score (`rules.priority_key`)."""
    inputs: Mapped[dict[str, object]] = mapped_column(JSON)
    rules: Mapped[list[dict[str, object]]] = mapped_column(JSON)
    contributions: Mapped[list[dict[str, object]] | None] = mapped_column(JSON)
    fingerprint: Mapped[str] = mapped_column(String(64))
    created_by: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="RESTRICT")
    )
    superseded_by: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("assessments.id", ondelete="RESTRICT")
    )
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    accepted_by: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="RESTRICT")
    )
