import uuid

from sqlalchemy import ForeignKey, Index, text
from sqlalchemy.orm import Mapped, mapped_column

from app.core.db import Base, Timestamped, uuid_pk
from app.core.types import region_code_type


class HouseholdAssignment(Timestamped, Base):
    """A street assigns a household to a social-work agency and worker (Beijing 4, 7).

    It is what scopes social workers: they see the households assigned to them.
    The household ledger (its own issue) adds the foreign key to households
    and the endpoint; until then tests fill this table through a factory.
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
    household_id: Mapped[uuid.UUID] = mapped_column()
    region_code: Mapped[str] = mapped_column(region_code_type())
    agency_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("organizations.id", ondelete="RESTRICT"), index=True
    )
    social_worker_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="RESTRICT")
    )
    assigned_by: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    active: Mapped[bool] = mapped_column(default=True)
