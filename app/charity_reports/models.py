"""The stored monthly needs reports: one row per generation of a street's month."""

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.core.db import Base, utcnow, uuid_pk
from app.core.types import UTCDateTime, region_code_type


class CharityReport(Base):
    """One generation of a street's needs report for a month (immutable).

    Generating the same street and month again adds the next `version` and keeps the older
    ones (what was sent stays as it was sent); the highest version is the current report.
    The unique (street, month, version) makes two generations racing for one version fail
    one of them rather than store two reports under the same number."""

    __tablename__ = "charity_reports"
    __table_args__ = (
        UniqueConstraint("region_code", "month", "version", name="uq_charity_reports_version"),
        Index("ix_charity_reports_month_region", "month", "region_code"),
    )

    id: Mapped[uuid.UUID] = uuid_pk()
    region_code: Mapped[str] = mapped_column(
        region_code_type(9), ForeignKey("regions.code", ondelete="RESTRICT")
    )
    """The street (街道/镇), 9 digits."""
    district_code: Mapped[str] = mapped_column(region_code_type(6))
    month: Mapped[str] = mapped_column(String(7))
    """`YYYY-MM`."""
    version: Mapped[int] = mapped_column(Integer)
    as_of: Mapped[date] = mapped_column(Date)
    """The day the figures describe: the month's last day, or the generation day for the
    current month."""
    body: Mapped[dict[str, Any]] = mapped_column(JSON)
    """The report as `schemas.ReportBody` serialises it."""
    generated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    generated_by: Mapped[str] = mapped_column(String(60))
    """The caller id of the user who asked, or `system` for the monthly job."""
