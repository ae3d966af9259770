"""The intake deadline rules on the real calendar (Yubei 3(5); Beijing 2): weekends, public
holidays and 调休 working weekends; met on the due day, missed the day after."""

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.core.calendar import PACKAGE_YEARS, Override, WorkingCalendar
from app.intake.deadlines.rules import (
    LEDGER_ENTRIES,
    VISITS,
    WORKING_DAYS,
    DeadlineStatus,
    Due,
    Kind,
    due,
    status_on,
)

CALENDAR = WorkingCalendar({}, frozenset())
FRIDAY_BEFORE_NATIONAL_DAY = date(2025, 9, 26)
"""Friday 2025-09-26: Saturday 27 is off, Sunday 28 is a 调休 working day, 1-8 October off."""


def test_the_calendar_behind_the_examples() -> None:
    """The examples below rest on these days of the official 2025 calendar."""
    assert CALENDAR.is_working_day(date(2025, 9, 26))
    assert not CALENDAR.is_working_day(date(2025, 9, 27))
    assert CALENDAR.is_working_day(date(2025, 9, 28))  # Sunday, 调休
    assert all(not CALENDAR.is_working_day(date(2025, 10, d)) for d in range(1, 9))
    assert CALENDAR.is_working_day(date(2025, 10, 11))  # Saturday, 调休


def test_the_working_days_of_each_kind() -> None:
    assert {
        Kind.visit_after_hardship: 1,
        Kind.ledger_after_hardship: 2,
        Kind.visit_after_approval: 1,
        Kind.ledger_after_screening: 3,
    } == WORKING_DAYS
    assert {Kind.visit_after_hardship, Kind.visit_after_approval} == VISITS
    assert {Kind.ledger_after_hardship, Kind.ledger_after_screening} == LEDGER_ENTRIES


def test_a_hardship_learned_on_the_friday_before_national_day() -> None:
    """The visit is due on the 调休 Sunday; the ledger entry on Monday the 29th (Sunday is
    the first working day after the trigger, Monday the second)."""
    assert due(CALENDAR, Kind.visit_after_hardship, FRIDAY_BEFORE_NATIONAL_DAY) == Due(
        date(2025, 9, 28), False
    )
    assert due(CALENDAR, Kind.ledger_after_hardship, FRIDAY_BEFORE_NATIONAL_DAY) == Due(
        date(2025, 9, 29), False
    )


def test_a_screening_just_before_the_golden_week_is_due_on_the_working_saturday() -> None:
    """Investigated Tue 2025-09-30: 9 Oct, 10 Oct, then Saturday 11 Oct (调休)."""
    assert due(CALENDAR, Kind.ledger_after_screening, date(2025, 9, 30)) == Due(
        date(2025, 10, 11), False
    )


def test_an_approval_on_the_eve_of_the_golden_week() -> None:
    assert due(CALENDAR, Kind.visit_after_approval, date(2025, 9, 30)) == Due(
        date(2025, 10, 9), False
    )


def test_a_plain_weekend_is_skipped() -> None:
    friday = date(2025, 11, 14)
    assert due(CALENDAR, Kind.visit_after_hardship, friday).day == date(2025, 11, 17)
    assert due(CALENDAR, Kind.ledger_after_screening, friday).day == date(2025, 11, 19)


def test_a_trigger_on_a_holiday_counts_from_the_next_working_day() -> None:
    assert due(CALENDAR, Kind.visit_after_hardship, date(2025, 10, 3)).day == date(2025, 10, 9)


def test_an_administrator_override_moves_the_due_day() -> None:
    """An extra holiday announced at short notice on the 调休 Sunday pushes the visit to Monday;
    a Saturday made a working day pulls a weekend trigger's due day forward."""
    closed = WorkingCalendar({date(2025, 9, 28): Override(False, "临时休息")}, frozenset())
    assert due(closed, Kind.visit_after_hardship, FRIDAY_BEFORE_NATIONAL_DAY) == Due(
        date(2025, 9, 29), False
    )
    opened = WorkingCalendar({date(2025, 11, 15): Override(True, "补班")}, frozenset())
    assert due(opened, Kind.visit_after_hardship, date(2025, 11, 14)).day == date(2025, 11, 15)


def test_a_year_beyond_the_official_calendar_is_provisional() -> None:
    later = date(max(PACKAGE_YEARS) + 1, 3, 2)
    assert due(CALENDAR, Kind.visit_after_hardship, later).provisional


def test_done_on_the_due_day_is_met_and_the_day_after_is_missed() -> None:
    due_on = date(2025, 9, 28)
    assert status_on(due_on, due_on, date(2025, 10, 20)) is DeadlineStatus.met
    assert status_on(due_on, due_on - timedelta(days=2), due_on) is DeadlineStatus.met
    assert status_on(due_on, due_on + timedelta(days=1), due_on) is DeadlineStatus.missed


def test_undone_is_open_through_the_due_day_and_missed_after() -> None:
    due_on = date(2025, 9, 29)
    assert status_on(due_on, None, due_on - timedelta(days=1)) is DeadlineStatus.open
    assert status_on(due_on, None, due_on) is DeadlineStatus.open
    assert status_on(due_on, None, due_on + timedelta(days=1)) is DeadlineStatus.missed


@pytest.mark.parametrize("kind", list(Kind))
def test_every_kind_is_due_after_its_trigger(kind: Kind) -> None:
    assert due(CALENDAR, kind, FRIDAY_BEFORE_NATIONAL_DAY).day > FRIDAY_BEFORE_NATIONAL_DAY


official_days = st.dates(date(2010, 1, 1), date(max(PACKAGE_YEARS), 11, 30))


@settings(max_examples=300, deadline=None)
@given(kind=st.sampled_from(list(Kind)), triggered_on=official_days)
def test_the_due_day_is_the_nth_working_day_after_the_trigger(
    kind: Kind, triggered_on: date
) -> None:
    found = due(CALENDAR, kind, triggered_on)
    assert found.day > triggered_on
    assert CALENDAR.is_working_day(found.day)
    assert not found.provisional
    between = CALENDAR.working_days_between(triggered_on, found.day)
    assert between.count == WORKING_DAYS[kind]
    # No earlier day would do: the day before the due day leaves one working day short.
    assert CALENDAR.working_days_between(triggered_on, found.day - timedelta(days=1)).count == (
        WORKING_DAYS[kind] - 1
    )


@settings(max_examples=200, deadline=None)
@given(
    due_on=official_days,
    done_after=st.integers(-30, 30),
    today_after=st.integers(-30, 30),
)
def test_status_follows_the_due_day(due_on: date, done_after: int, today_after: int) -> None:
    today = due_on + timedelta(days=today_after)
    done_on = due_on + timedelta(days=done_after)
    assert status_on(due_on, done_on, today) is (
        DeadlineStatus.met if done_after <= 0 else DeadlineStatus.missed
    )
    assert status_on(due_on, None, today) is (
        DeadlineStatus.open if today_after <= 0 else DeadlineStatus.missed
    )


@settings(max_examples=100, deadline=None)
@given(
    kind=st.sampled_from(list(Kind)),
    triggered_on=official_days,
    holiday_offset=st.integers(1, 10),
)
def test_an_extra_holiday_never_brings_the_due_day_forward(
    kind: Kind, triggered_on: date, holiday_offset: int
) -> None:
    extra = triggered_on + timedelta(days=holiday_offset)
    closed = WorkingCalendar({extra: Override(False, "临时休息")}, frozenset())
    before, after = due(CALENDAR, kind, triggered_on), due(closed, kind, triggered_on)
    assert after.day >= before.day
    assert closed.is_working_day(after.day)
    assert closed.working_days_between(triggered_on, after.day).count == WORKING_DAYS[kind]


def test_a_calendar_change_names_the_span_it_touches() -> None:
    from app.intake.deadlines.upkeep import changed_span

    assert changed_span({"years": [2027], "days": []}) == (date(2027, 1, 1), date(2027, 12, 31))
    assert changed_span({"years": [], "days": ["2026-10-08", "2026-09-27"]}) == (
        date(2026, 9, 27),
        date(2026, 10, 8),
    )
    assert changed_span({"years": [], "days": []}) is None
    assert changed_span({}) is None
