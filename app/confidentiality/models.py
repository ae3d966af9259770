import uuid
from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.core.db import Base, Timestamped, uuid_pk
from app.core.types import UTCDateTime, region_code_type


class ConfidentialityAgreement(Timestamped, Base):
    """The agreement a street signs with a social-work agency (Beijing 7, 签订保密协议)."""

    __tablename__ = "confidentiality_agreements"
    __table_args__ = (
        UniqueConstraint("street_code", "agency_id", "signed_on"),
        CheckConstraint("valid_until >= signed_on", name="validity"),
    )

    id: Mapped[uuid.UUID] = uuid_pk()
    street_code: Mapped[str] = mapped_column(
        region_code_type(), ForeignKey("regions.code", ondelete="RESTRICT"), index=True
    )
    agency_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("organizations.id", ondelete="RESTRICT"), index=True
    )
    signed_on: Mapped[date] = mapped_column(Date)
    valid_until: Mapped[date] = mapped_column(Date)
    recorded_by: Mapped[str] = mapped_column(String(60))


class AuditorGrant(Timestamped, Base):
    """A district officer's time-limited permission for one auditor to see personal data."""

    __tablename__ = "auditor_grants"
    __table_args__ = (CheckConstraint("valid_until > valid_from", name="validity"),)

    id: Mapped[uuid.UUID] = uuid_pk()
    auditor_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="RESTRICT"), index=True
    )
    region_code: Mapped[str] = mapped_column(
        region_code_type(), ForeignKey("regions.code", ondelete="RESTRICT")
    )
    reason: Mapped[str] = mapped_column(String(500))
    valid_from: Mapped[datetime] = mapped_column(UTCDateTime)
    valid_until: Mapped[datetime] = mapped_column(UTCDateTime)
    issued_by: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
