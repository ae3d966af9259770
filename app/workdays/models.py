from datetime import date, datetime

from sqlalchemy import Date, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.core.db import Base, Timestamped, utcnow
from app.core.types import UTCDateTime


class CalendarYear(Base):
    """A year whose holidays and exchanged working days are fully loaded here."""

    __tablename__ = "calendar_years"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    source: Mapped[str] = mapped_column(String(200))
    loaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CalendarDay(Timestamped, Base):
    """A day whose status differs from the default rule: a holiday or a 调休 working day."""

    __tablename__ = "calendar_days"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    is_working_day: Mapped[bool] = mapped_column()
    name: Mapped[str | None] = mapped_column(String(100))
    official: Mapped[bool] = mapped_column(default=False)
