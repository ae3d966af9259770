"""The charity report's pure rules: the period a month describes, and the figures."""

import uuid
from datetime import UTC, date, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from app.charity_reports.rules import figures, period, previous_month

NOW = datetime(2026, 12, 5, 3, 0, tzinfo=UTC)
TODAY = date(2026, 12, 5)


def test_a_past_month_ends_at_midnight_shanghai_after_its_last_day() -> None:
    found = period("2026-11", TODAY, NOW)
    assert found is not None
    assert found.as_of == date(2026, 11, 30)
    assert found.until == datetime(2026, 11, 30, 16, 0, tzinfo=UTC)


def test_december_ends_at_the_new_year_and_the_current_month_is_now() -> None:
    found = period("2025-12", TODAY, NOW)
    assert found is not None
    assert (found.as_of, found.until) == (
        date(2025, 12, 31),
        datetime(2025, 12, 31, 16, tzinfo=UTC),
    )
    current = period("2026-12", TODAY, NOW)
    assert current is not None
    assert (current.as_of, current.until) == (TODAY, NOW)
    assert period("2027-01", TODAY, NOW) is None


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31)))
def test_the_previous_month_is_a_complete_past_month(today: date) -> None:
    month = previous_month(today)
    found = period(month, today, NOW)
    assert found is not None
    assert found.as_of < today.replace(day=1)
    assert found.as_of + timedelta(days=1) == today.replace(day=1)


households = st.lists(st.uuids(), min_size=0, max_size=6, unique=True)
codes = st.sampled_from(["medical", "housing", "care"])


@given(
    households.flatmap(
        lambda ids: st.tuples(
            st.just(ids),
            st.lists(st.tuples(st.sampled_from(ids), codes), max_size=10) if ids else st.just([]),
            st.lists(st.tuples(st.sampled_from(ids), codes), max_size=10) if ids else st.just([]),
            st.sets(st.sampled_from(ids)) if ids else st.just(set()),
        )
    )
)
def test_every_counted_household_is_listed_or_not_and_referred_ones_are_counted(
    drawn: tuple[
        list[uuid.UUID], list[tuple[uuid.UUID, str]], list[tuple[uuid.UUID, str]], set[uuid.UUID]
    ],
) -> None:
    _, live, referred, consented = drawn
    receiver = uuid.uuid4()
    body = figures(
        [(h, code, "500112001001") for h, code in live],
        [(h, code, receiver) for h, code in referred],
        {receiver: "red_cross"},
        {},
        consented,
        {h: f"L{h}" for h in consented},
    )
    counted = {h for h, _ in live}
    assert body.households == len(counted)
    assert body.households == len(body.listed) + body.not_listed
    assert {item.household_id for item in body.listed} == counted & consented
    for need in body.needs:
        assert need.households == len({h for h, code in live if code == need.code})
        assert need.with_open_referral == len(
            {h for h, code in referred if code == need.code and (h, code) in set(live)}
        )
        assert need.target_types == {"none": need.households}
