"""People of the ledger and their memberships in households (DOMAIN 4; 人随户走、户随人走)."""

import uuid
from datetime import date

from sqlalchemy import Date, ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column

from app.core.db import Base, Timestamped, uuid_pk
from app.core.types import region_code_type


class Person(Timestamped, Base):
    """One human, once: the blind index of the ID number is unique over the whole ledger.

    The ID number is stored only encrypted (`id_number_cipher`, key id in
    `id_number_key_id` so rotation can find old rows) and searched through its
    keyed hash (`id_number_index`).
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
    guardian: Mapped[str | None] = mapped_column(String(100))
    caregiver: Mapped[str | None] = mapped_column(String(100))
    parents_situation: Mapped[str | None] = mapped_column(String(32))
    schooling: Mapped[str | None] = mapped_column(String(32))
    school: Mapped[str | None] = mapped_column(String(100))


class Membership(Timestamped, Base):
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
    household_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("households.id", ondelete="RESTRICT")
    )
    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("persons.id", ondelete="RESTRICT"))
    region_code: Mapped[str] = mapped_column(region_code_type())
    district_code: Mapped[str] = mapped_column(region_code_type(6))
    relation_to_head: Mapped[str] = mapped_column(String(32))
    active: Mapped[bool] = mapped_column(default=True)
    joined_on: Mapped[date] = mapped_column(Date)
    left_on: Mapped[date | None] = mapped_column(Date)
    left_reason: Mapped[str | None] = mapped_column(String(32))
