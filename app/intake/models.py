"""The tables of intake (DOMAIN 6; Yubei 3(5), 3(1); Beijing 2, 4(1)2).

Applications and home visits belong to a household (`HouseholdOwned`: they move with
it). A discovery report is about someone noticed, who may not be in the ledger, so it
keeps the region where it was noticed; a deadline keeps the region of the household or
report that triggered it, so the worklist is a range on the row itself.
"""

import uuid
from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from app.core.db import Base, Timestamped, utcnow, uuid_pk
from app.core.types import UTCDateTime, region_code_type
from app.households.public import HouseholdOwned


class DiscoveryReport(Timestamped, Base):
    """A lead (线索) about a person or household someone of the three-level network noticed
    (主动发现): street, community or grid worker. Triaged: linked to a household of the
    ledger, turned into an application (which names the report), or dismissed.

    The ID number, when given, is sealed like a person's (cipher with its key id, and the
    keyed blind index that finds the household it may duplicate)."""

    __tablename__ = "discovery_reports"
    __table_args__ = (
        Index("ix_discovery_reports_region_status", "region_code", "status", "id"),
        Index("ix_discovery_reports_filed_by", "filed_by", "id"),
        Index("ix_discovery_reports_region_urgency", "region_code", "urgency", "id"),
    )

    id: Mapped[uuid.UUID] = uuid_pk()
    version: Mapped[int] = mapped_column(default=1)
    status: Mapped[str] = mapped_column(String(16), default="submitted")
    region_code: Mapped[str] = mapped_column(region_code_type())
    district_code: Mapped[str] = mapped_column(region_code_type(6))
    channel: Mapped[str] = mapped_column(String(32))
    filed_by: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    filed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    noticed_on: Mapped[date] = mapped_column(Date)
    """The day the hardship was learned of (the deadlines count from it, not from filing)."""
    subject_name: Mapped[str | None] = mapped_column(String(50))
    id_number_cipher: Mapped[str | None] = mapped_column(String(200))
    id_number_key_id: Mapped[str | None] = mapped_column(String(32))
    id_number_index: Mapped[str | None] = mapped_column(String(64), index=True)
    address: Mapped[str] = mapped_column(String(200))
    situation: Mapped[str] = mapped_column(Text)
    urgency: Mapped[str] = mapped_column(String(16))
    category_guesses: Mapped[list[str]] = mapped_column(JSON, default=list)
    hardship_kind: Mapped[str | None] = mapped_column(String(32))
    """Dictionary `hardship_event`: a major illness, incident or other hardship, which
    starts the 1- and 2-working-day deadlines (Yubei 3(5))."""
    needs: Mapped[list[str]] = mapped_column(JSON, default=list)
    likely_duplicate_of: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("households.id", ondelete="RESTRICT")
    )
    """An active household with the same ID number, or the same address in the same
    community, found at filing: shown to the triaging officer, never to the filer."""
    household_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("households.id", ondelete="RESTRICT"), index=True
    )
    """The household it was linked to, or that its application is for."""
    basic_investigation_on: Mapped[date | None] = mapped_column(Date)
    """The day of the basic investigation (摸排) that found elderly, children or disabled
    people: the 3-working-day ledger deadline counts from it (Beijing 2)."""
    triaged_by: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="RESTRICT")
    )
    triaged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    dismissal_reason: Mapped[str | None] = mapped_column(String(64))
    triage_note: Mapped[str | None] = mapped_column(Text)


class Application(HouseholdOwned, Timestamped, Base):
    """An application at the one window (一门受理, DOMAIN 6): self, proxy (with the
    household's recorded authorisation) or from a discovery report; its state machine is
    `intake.applications.states`. A household created with it stays `pending` (an
    applicant) until the application is accepted."""

    __tablename__ = "applications"
    __table_args__ = (
        Index("ix_applications_region_status", "region_code", "status", "id"),
        Index("ix_applications_household", "household_id", "id"),
        Index(
            "uq_applications_discovery_report",
            "discovery_report_id",
            unique=True,
            postgresql_where=text("discovery_report_id IS NOT NULL"),
            sqlite_where=text("discovery_report_id IS NOT NULL"),
        ),
    )

    id: Mapped[uuid.UUID] = uuid_pk()
    version: Mapped[int] = mapped_column(default=1)
    status: Mapped[str] = mapped_column(String(24), default="submitted")
    mode: Mapped[str] = mapped_column(String(32))
    channel: Mapped[str] = mapped_column(String(32))
    applied_on: Mapped[date] = mapped_column(Date)
    """The day the household applied: the reference date of its assessment."""
    applicant_person_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("persons.id", ondelete="RESTRICT")
    )
    """The member who applies, or on whose behalf a proxy applies."""
    proxy_organization_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("organizations.id", ondelete="RESTRICT")
    )
    authorisation_document_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("household_documents.id", ondelete="RESTRICT")
    )
    discovery_report_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("discovery_reports.id", ondelete="RESTRICT")
    )
    created_household: Mapped[bool] = mapped_column(Boolean, default=False)
    situation: Mapped[str | None] = mapped_column(Text)
    hardship_kind: Mapped[str | None] = mapped_column(String(32))
    hardship_learned_on: Mapped[date | None] = mapped_column(Date)
    filed_by: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    filed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    approved_on: Mapped[date | None] = mapped_column(Date)
    """The day of the approval for social assistance (the home-visit deadline counts from
    it); null unless approved."""


class ApplicationTransition(Base):
    """One step of an application: who, when, why (every transition is kept)."""

    __tablename__ = "application_transitions"
    __table_args__ = (Index("ix_application_transitions_application", "application_id", "id"),)

    id: Mapped[uuid.UUID] = uuid_pk()
    application_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("applications.id", ondelete="RESTRICT")
    )
    action: Mapped[str] = mapped_column(String(24))
    from_status: Mapped[str | None] = mapped_column(String(24))
    to_status: Mapped[str] = mapped_column(String(24))
    actor_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    effective_on: Mapped[date] = mapped_column(Date)
    """The business day the step happened (an approval's date), not when it was typed."""
    reason: Mapped[str | None] = mapped_column(String(64))
    note: Mapped[str | None] = mapped_column(Text)


class HomeVisit(HouseholdOwned, Timestamped, Base):
    """A home visit (入户访谈): scheduled, assigned to a social or community worker, recorded
    with findings, a needs assessment (需求评估) and the plan drawn from it (方案制订)."""

    __tablename__ = "home_visits"
    __table_args__ = (
        Index("ix_home_visits_visitor_status", "visitor_id", "status", "scheduled_on"),
        Index("ix_home_visits_household", "household_id", "id"),
        Index("ix_home_visits_region_status", "region_code", "status", "id"),
    )

    id: Mapped[uuid.UUID] = uuid_pk()
    version: Mapped[int] = mapped_column(default=1)
    status: Mapped[str] = mapped_column(String(16), default="scheduled")
    application_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("applications.id", ondelete="RESTRICT")
    )
    scheduled_on: Mapped[date] = mapped_column(Date)
    scheduled_by: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    visitor_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    visitor_organization_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("organizations.id", ondelete="RESTRICT")
    )
    """The visitor's organisation when scheduled; only a social-work agency's visit meets
    the 1-working-day deadline (Yubei 3(5))."""
    visited_on: Mapped[date | None] = mapped_column(Date)
    living_situation: Mapped[str | None] = mapped_column(Text)
    note: Mapped[str | None] = mapped_column(Text)
    needs_found: Mapped[list[str]] = mapped_column(JSON, default=list)
    assessment: Mapped[str | None] = mapped_column(Text)
    plan_revision: Mapped[int | None] = mapped_column(Integer)
    """The plan version drawn from the visit (一户一策), when it drew one."""
    document_ids: Mapped[list[str]] = mapped_column(JSON, default=list)
    recorded_by: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="RESTRICT")
    )
    recorded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancel_reason: Mapped[str | None] = mapped_column(Text)


class Deadline(HouseholdOwned, Base):
    """A deadline in working days from the day its triggering event happened (DOMAIN 6):
    open until the event that meets it, missed once its due day has passed without it.

    Household-owned when it has a household, so it moves with it to the worklist of the
    household's new region; a report's deadline before the report is linked or applied
    for has none and keeps the region where the person was noticed.

    A missed deadline done late keeps `missed` and gets `done_on`; the worklist shows what
    is not done. `provisional` when the due day was counted on a year the official
    calendar does not cover yet."""

    __tablename__ = "deadlines"
    __table_args__ = (
        Index(
            "ix_deadlines_undone_region_due",
            "region_code",
            "due_on",
            "id",
            postgresql_where=text("done_on IS NULL"),
            sqlite_where=text("done_on IS NULL"),
        ),
        Index(
            "ix_deadlines_open_due",
            "due_on",
            "id",
            postgresql_where=text("status = 'open'"),
            sqlite_where=text("status = 'open'"),
        ),
        Index("ix_deadlines_household", "household_id", "kind"),
        Index("ix_deadlines_application", "application_id"),
        Index("ix_deadlines_report", "discovery_report_id"),
    )

    id: Mapped[uuid.UUID] = uuid_pk()
    kind: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(16), default="open")
    # Nullable here (a report's deadline may have no household yet): relocation moves the
    # rows that have one, by household id.
    household_id: Mapped[uuid.UUID | None] = mapped_column(  # type: ignore[assignment]
        ForeignKey("households.id", ondelete="RESTRICT")
    )
    application_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("applications.id", ondelete="RESTRICT")
    )
    discovery_report_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("discovery_reports.id", ondelete="RESTRICT")
    )
    triggered_on: Mapped[date] = mapped_column(Date)
    working_days: Mapped[int] = mapped_column(Integer)
    due_on: Mapped[date] = mapped_column(Date)
    provisional: Mapped[bool] = mapped_column(Boolean, default=False)
    responsible_user_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="RESTRICT")
    )
    done_on: Mapped[date | None] = mapped_column(Date)
    done_by_visit_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("home_visits.id", ondelete="RESTRICT")
    )
    missed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class InboxItem(Base):
    """What concerns one user (a new assignment, an approaching or missed deadline, a step
    of an application it filed), written with the domain event that announces it."""

    __tablename__ = "inbox_items"
    __table_args__ = (Index("ix_inbox_items_user", "user_id", "id"),)

    id: Mapped[uuid.UUID] = uuid_pk()
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    event: Mapped[str] = mapped_column(String(64))
    subject_type: Mapped[str] = mapped_column(String(32))
    subject_id: Mapped[uuid.UUID] = mapped_column()
    household_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("households.id", ondelete="RESTRICT")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
