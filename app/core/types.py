"""Column types that behave the same on PostgreSQL and SQLite."""

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import BigInteger, DateTime, Dialect, String
from sqlalchemy.types import TypeDecorator

from app.core.money import fen_to_yuan, yuan_to_fen


class UTCDateTime(TypeDecorator[datetime]):
    """`timestamptz` on PostgreSQL; naive UTC text on SQLite, returned aware.

    Refuses naive datetimes on the way in, so local time can never be stored
    by mistake.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    @property
    def python_type(self) -> type[datetime]:
        return datetime

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime refused: timestamps must carry a time zone")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Money(TypeDecorator[Decimal]):
    """Yuan as `Decimal` in Python, integer fen (BIGINT) in the database.

    SQLite does decimal arithmetic in floating point; integers keep sums exact
    on both databases.
    """

    impl = BigInteger
    cache_ok = True

    @property
    def python_type(self) -> type[Decimal]:
        return Decimal

    def process_bind_param(self, value: Decimal | int | None, dialect: Dialect) -> int | None:
        return None if value is None else yuan_to_fen(Decimal(value))

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        return None if value is None else fen_to_yuan(int(value))


class Hundredths(Money):
    """A non-money decimal of at most two places (an area in m², a share in percent): stored
    exactly as money is, integer hundredths (BIGINT), `Decimal` in Python."""

    cache_ok = True


def region_code_type(length: int = 15) -> String:
    """Region codes compare bytewise (collation "C") on PostgreSQL.

    Subtree filters are ranges on the code; a linguistic collation could order
    digits differently from bytes and break them.
    """
    return String(length).with_variant(String(length, collation="C"), "postgresql")
