"""The tables of simulations: one row per run, and the households whose outcome it changes."""

import uuid
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import JSON, Date, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.core.db import Base, Timestamped, uuid_pk
from app.core.types import Hundredths, UTCDateTime, region_code_type


class Simulation(Timestamped, Base):
    """What a policy version would decide over the active households of a region subtree on a
    reference date, against what the versions in force decide (DOMAIN 5). It changes no
    ledger or assessment record.

    Its households are cut into parts (`SimulationPart`) that worker processes walk at the
    same time, each in id order, a batch per transaction; each batch adds its counts
    (`processed`, `changed` here, the transitions to its part's) in the transaction that
    moves its part's checkpoint, so a batch run again after a crash is skipped, never
    counted twice. `transitions` holds [region code, from, to, count] rows, sorted, summed
    over the parts when the last one finishes; their number is bounded by the subtree's
    regions and the outcomes, not by its households."""

    __tablename__ = "simulations"
    __table_args__ = (Index("ix_simulations_region_id", "region_code", "id"),)

    id: Mapped[uuid.UUID] = uuid_pk()
    policy_version_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("policy_versions.id", ondelete="RESTRICT")
    )
    policy_version_version: Mapped[int] = mapped_column(Integer)
    """The version's edit counter when the simulation was asked for: a draft edited since
    is not simulated (its figures are no longer the ones asked about)."""
    region_code: Mapped[str] = mapped_column(region_code_type())
    reference_date: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default="queued")
    created_by: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="RESTRICT")
    )
    job_id: Mapped[uuid.UUID | None] = mapped_column()
    total: Mapped[int | None] = mapped_column(Integer)
    """Active households of the subtree when the run started; None before."""
    processed: Mapped[int] = mapped_column(Integer, default=0)
    changed: Mapped[int] = mapped_column(Integer, default=0)
    transitions: Mapped[list[list[str | int]]] = mapped_column(JSON, default=list)
    failure_code: Mapped[str | None] = mapped_column(String(64))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    """Runs started, of all its parts."""
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class SimulationPart(Base):
    """One run of a simulation's households, walked by one job: the active households of the
    subtree with an id above `checkpoint` (from the first when None) and at most `until_id`
    (to the last when None). The first run of the simulation's job cuts the subtree into
    parts (`households.active_split`) and queues a job for each part but the first, which it
    walks itself; each batch moves its part's `checkpoint`. The simulation succeeds when its
    last part finishes."""

    __tablename__ = "simulation_parts"

    simulation_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("simulations.id", ondelete="CASCADE"), primary_key=True
    )
    part: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    until_id: Mapped[uuid.UUID | None] = mapped_column()
    checkpoint: Mapped[uuid.UUID | None] = mapped_column()
    """The last household walked, or the part's lower bound before its first batch."""
    transitions: Mapped[list[list[str | int]]] = mapped_column(JSON, default=list)
    """This part's counts so far, as the simulation's: written whole with each batch by the
    run that holds them in memory (never read back and merged per batch)."""
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    job_id: Mapped[uuid.UUID | None] = mapped_column()
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class SimulationChange(Base):
    """One household whose outcome the simulated version changes: the outcome in force on
    the reference date (`no_policy` when no version applied), the new one, and the new
    priority score when it is eligible. A snapshot: it does not move with the household."""

    __tablename__ = "simulation_changes"

    simulation_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("simulations.id", ondelete="CASCADE"), primary_key=True
    )
    household_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("households.id", ondelete="RESTRICT"), primary_key=True
    )
    region_code: Mapped[str] = mapped_column(region_code_type())
    from_outcome: Mapped[str] = mapped_column(String(24))
    to_outcome: Mapped[str] = mapped_column(String(24))
    score: Mapped[Decimal | None] = mapped_column(Hundredths)
