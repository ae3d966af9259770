from sqlalchemy import CheckConstraint, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.core.db import Base, Timestamped
from app.core.types import region_code_type


class Region(Timestamped, Base):
    """A node of district > street/town > community > grid."""

    __tablename__ = "regions"
    __table_args__ = (
        CheckConstraint("level IN ('district', 'street', 'community', 'grid')", name="level"),
    )

    code: Mapped[str] = mapped_column(region_code_type(), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    level: Mapped[str] = mapped_column(String(16))
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    parent_code: Mapped[str | None] = mapped_column(
        region_code_type(),
        ForeignKey("regions.code", ondelete="RESTRICT", deferrable=True, initially="DEFERRED"),
        index=True,
    )
