"""The household ledger (台账, DOMAIN 3-4; Beijing 1, 3, 5; Yubei 3(1)): households, the
people in them, and the rows each household owns."""

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from app.core.db import Base, Timestamped, utcnow, uuid_pk
from app.core.types import Money, UTCDateTime, region_code_type


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
        UniqueConstraint("ledger_number"),
        # The list's sorts and filters (issue 13): the latest changes first, and exits by reason.
        Index("ix_households_updated_at_id", "updated_at", "id"),
        Index("ix_households_exit_reason_id", "exit_reason", "id"),
        Index(
            "ix_households_address_trgm",
            "address",
            postgresql_using="gin",
            postgresql_ops={"address": "gin_trgm_ops"},
        ),
    )

    id: Mapped[uuid.UUID] = uuid_pk()
    version: Mapped[int] = mapped_column(default=1)
    ledger_number: Mapped[str] = mapped_column(String(24))
    """一户一档: `<district>-<year of entry>-<sequence>`, given once at creation, never changed
    or reused (`record.numbers`); it stays when the household moves or exits."""
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
    intake_source: Mapped[str | None] = mapped_column(String(24))
    """What brought the household in (DOMAIN 6): `application` or `discovery_report` (with
    `intake_source_id`), `form` (entered by staff), `import` (a screening file); null for
    households entered before intake was recorded (revision 0021)."""
    intake_source_id: Mapped[uuid.UUID | None] = mapped_column()
    application_mode: Mapped[str | None] = mapped_column(String(32))
    """Dictionary `application_mode`, when an application brought it in."""
    discovery_channel: Mapped[str | None] = mapped_column(String(32))
    """Dictionary `discovery_channel`: through which channel it was found (主动发现) or
    applied (自主申请)."""


class LedgerNumberCounter(Base):
    """The last ledger number given in a district and year (一户一档).

    Numbers are taken from it by an atomic `UPDATE ... RETURNING` that locks the row until
    the transaction ends, so two creations never get the same number and a rolled-back one
    gives its numbers back unseen; never `max() + 1`, which two transactions would both read.
    """

    __tablename__ = "ledger_number_counters"

    district_code: Mapped[str] = mapped_column(region_code_type(6), primary_key=True)
    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    last_value: Mapped[int] = mapped_column()


class TargetTypeDecision(HouseholdOwned, Base):
    """A decision that gives a household a target type (DOMAIN 3-4; Yubei 3(1), 3(2)).

    `dibao`, `tekun` and `registered_hardship` are decided by the existing
    procedures and recorded here by street or district officers with the deciding
    body, date and reference (`source` `recorded_by_staff`); the new types come
    from an assessment (`source` `assessment`); types entered as checkboxes before
    decisions existed became `legacy` decisions whose body, date and reference are
    unknown. A decision is in force from `decided_on` until it is ended
    (`ended_on`) or its `ends_on` has passed; rows are never deleted.
    """

    __tablename__ = "target_type_decisions"
    __table_args__ = (
        Index("ix_target_type_decisions_household", "household_id", "recorded_at"),
        Index("ix_target_type_decisions_type_household", "target_type", "household_id"),
    )

    id: Mapped[uuid.UUID] = uuid_pk()
    target_type: Mapped[str] = mapped_column(String(32))
    source: Mapped[str] = mapped_column(String(32))
    deciding_body: Mapped[str | None] = mapped_column(String(100))
    decided_on: Mapped[date | None] = mapped_column(Date)
    reference: Mapped[str | None] = mapped_column(String(64))
    ends_on: Mapped[date | None] = mapped_column(Date)
    assessment_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("assessments.id", ondelete="RESTRICT")
    )
    recorded_by: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="RESTRICT")
    )
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ended_on: Mapped[date | None] = mapped_column(Date)
    end_reason: Mapped[str | None] = mapped_column(String(32))
    end_note: Mapped[str | None] = mapped_column(Text)
    ended_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class HouseholdTargetType(Base):
    """A target type the household holds now (DOMAIN 3): derived from the decisions in force
    (`decision_id`), kept as a row so lists filter and show it cheaply."""

    __tablename__ = "household_target_types"
    __table_args__ = (
        Index("ix_household_target_types_type_household", "target_type", "household_id"),
    )

    household_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("households.id", ondelete="CASCADE"), primary_key=True
    )
    target_type: Mapped[str] = mapped_column(String(32), primary_key=True)
    source: Mapped[str] = mapped_column(String(32))
    assessment_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("assessments.id", ondelete="RESTRICT")
    )
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decision_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("target_type_decisions.id", ondelete="RESTRICT"), index=True
    )


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


class HouseholdNeed(HouseholdOwned, Base):
    """A need as a dated instance (帮扶需求, DOMAIN 4, 6): what was needed, noted when, by
    whom, from which application, home visit or report; so that a referral, a plan item and
    a measure can each point to the need they answer.

    Status: `open` -> `being_met` -> `met`, or `withdrawn` from `open` or `being_met`;
    referrals move it (`needs.service.settle`), also back from `being_met` to `open` when
    every organisation stopped without helping.
    The household's need codes (`household_codes`, list `need`) are derived from its
    instances that are `open` or `being_met`, kept in the same transaction.
    """

    __tablename__ = "household_needs"
    __table_args__ = (
        Index("ix_household_needs_household_status", "household_id", "status", "code"),
        Index("ix_household_needs_source", "source_id", "code"),
    )

    id: Mapped[uuid.UUID] = uuid_pk()
    code: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), default="open")
    noted_on: Mapped[date] = mapped_column(Date)
    noted_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    source: Mapped[str] = mapped_column(String(24))
    """`record` (the record's needs), `application`, `home_visit`, `discovery_report`,
    `import`, or `legacy` (a code the record held before needs were instances)."""
    source_id: Mapped[uuid.UUID | None] = mapped_column()
    note: Mapped[str | None] = mapped_column(Text)
    status_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    status_changed_by: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="RESTRICT")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class HouseholdChange(HouseholdOwned, Base):
    """One entry of a household's history: who changed what, when, before and after."""

    __tablename__ = "household_changes"
    __table_args__ = (Index("ix_household_changes_household_id", "household_id", "id"),)

    id: Mapped[uuid.UUID] = uuid_pk()
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor: Mapped[str | None] = mapped_column(String(64))
    actor_role: Mapped[str | None] = mapped_column(String(32))
    action: Mapped[str] = mapped_column(String(48))
    person_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("persons.id", ondelete="RESTRICT")
    )
    changes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class HouseholdPlan(HouseholdOwned, Base):
    """One version of the household's own plan (一户一策, Beijing 8(4)); versions are never changed."""

    __tablename__ = "household_plans"
    __table_args__ = (UniqueConstraint("household_id", "revision"),)

    id: Mapped[uuid.UUID] = uuid_pk()
    revision: Mapped[int] = mapped_column()
    goals: Mapped[str] = mapped_column(Text)
    planned_measures: Mapped[list[str]] = mapped_column(JSON, default=list)
    items: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list)
    """The planned measures with their stable ids: `[{"id", "text"}]`, in order; an item
    kept from the previous version keeps its id, so a measure can name the item it carries
    out (`planned_measures` is the same texts, for older clients)."""
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
        # A household's assignments, a page at a time, newest first.
        Index("ix_household_assignments_household_id", "household_id", "id"),
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


class HouseholdDocument(HouseholdOwned, Base):
    """A document in the household's file (一户一档): an authorisation, a certificate, a visit
    photo, an ID image.

    The bytes live outside the database, under their SHA-256 (`documents.storage`), once
    however many rows name them; the row says what they are and who brought them. A
    document is voided, never deleted: the row and the bytes stay for the audit trail.
    """

    __tablename__ = "household_documents"
    __table_args__ = (Index("ix_household_documents_household_id", "household_id", "id"),)

    id: Mapped[uuid.UUID] = uuid_pk()
    kind: Mapped[str] = mapped_column(String(32))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    size: Mapped[int] = mapped_column()
    media_type: Mapped[str] = mapped_column(String(32))
    original_filename: Mapped[str | None] = mapped_column(String(255))
    note: Mapped[str | None] = mapped_column(Text)
    uploaded_by: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    voided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    voided_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    void_reason: Mapped[str | None] = mapped_column(Text)


class HouseholdMeasure(HouseholdOwned, Base):
    """A measure given to a household (帮扶措施, DOMAIN 4): dated, coded, by an organisation.

    Records are never deleted: a wrong one is voided with a reason and stays.
    Statistics and public notices count the records that are not voided.
    """

    __tablename__ = "household_measures"
    __table_args__ = (
        Index("ix_household_measures_household_given", "household_id", "given_on", "id"),
        Index("ix_household_measures_district_code_given", "district_code", "code", "given_on"),
    )

    id: Mapped[uuid.UUID] = uuid_pk()
    code: Mapped[str] = mapped_column(String(64))
    given_on: Mapped[date] = mapped_column(Date)
    organization_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("organizations.id", ondelete="RESTRICT")
    )
    amount: Mapped[Decimal | None] = mapped_column(Money)
    note: Mapped[str | None] = mapped_column(Text)
    plan_item_id: Mapped[uuid.UUID | None] = mapped_column()
    need_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("household_needs.id", ondelete="RESTRICT")
    )
    """The need instance the measure answers, when it answers one."""
    legacy: Mapped[bool] = mapped_column(default=False)
    """Migrated from the free-text list the record had before measures were records."""
    created_by: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="RESTRICT")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    voided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    voided_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    void_reason: Mapped[str | None] = mapped_column(Text)


class HouseholdEpisode(HouseholdOwned, Base):
    """One stay of a household in the ledger (Beijing 5, 有进有出): from entry to exit.

    At most one is open (no `exited_on`) per household, held by a partial unique index.
    """

    __tablename__ = "household_episodes"
    __table_args__ = (
        Index(
            "uq_household_episodes_open_household",
            "household_id",
            unique=True,
            postgresql_where=text("exited_on IS NULL"),
            sqlite_where=text("exited_on IS NULL"),
        ),
        Index("ix_household_episodes_household_entered", "household_id", "entered_on", "id"),
    )

    id: Mapped[uuid.UUID] = uuid_pk()
    entered_on: Mapped[date] = mapped_column(Date)
    entry_reason: Mapped[str] = mapped_column(String(64))
    entry_note: Mapped[str | None] = mapped_column(Text)
    entered_by: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="RESTRICT")
    )
    exited_on: Mapped[date | None] = mapped_column(Date)
    exit_reason: Mapped[str | None] = mapped_column(String(64))
    exit_note: Mapped[str | None] = mapped_column(Text)
    exit_proposal_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("household_exit_proposals.id", ondelete="RESTRICT")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class HouseholdExitProposal(HouseholdOwned, Base):
    """A proposal that a household leave the ledger (退出), resting on a follow-up visit or a
    re-check (Beijing 5), that the street confirms or rejects.

    At most one is pending per household, held by a partial unique index.
    """

    __tablename__ = "household_exit_proposals"
    __table_args__ = (
        Index(
            "uq_household_exit_proposals_pending_household",
            "household_id",
            unique=True,
            postgresql_where=text("status = 'proposed'"),
            sqlite_where=text("status = 'proposed'"),
        ),
        Index("ix_household_exit_proposals_household_id", "household_id", "id"),
    )

    id: Mapped[uuid.UUID] = uuid_pk()
    status: Mapped[str] = mapped_column(String(16), default="proposed")
    reason: Mapped[str] = mapped_column(String(64))
    exit_on: Mapped[date] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(Text)
    basis: Mapped[str] = mapped_column(String(64))
    basis_on: Mapped[date] = mapped_column(Date)
    basis_note: Mapped[str | None] = mapped_column(Text)
    proposed_by: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="RESTRICT")
    )
    proposed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_by: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="RESTRICT")
    )
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    rejection_reason: Mapped[str | None] = mapped_column(Text)


class Person(Timestamped, Base):
    """One human, once: the blind index of the ID number is unique over the whole ledger.

    The ID number is stored only encrypted (`id_number_cipher`, key id in
    `id_number_key_id` so rotation can find old rows) and searched through its
    keyed hash (`id_number_index`). Guardian and caregiver are contacts
    (`households.contacts`).
    """

    __tablename__ = "persons"
    __table_args__ = (
        # The list's filter by the head's name is a prefix (LIKE 'x%'): on PostgreSQL only a
        # pattern_ops index serves LIKE under a linguistic collation.
        Index("ix_persons_name", "name", postgresql_ops={"name": "text_pattern_ops"}),
    )

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
