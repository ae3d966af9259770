"""Where a need stands from the states of the referrals answering it (`states.need_status`),
pure: each state alone, the mixes that matter, and properties over any mix."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.referrals.states import FINAL, OPEN, ReferralStatus, need_status

S = ReferralStatus
ANY_MIX = st.lists(st.sampled_from(list(ReferralStatus)), max_size=6)


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (S.requested, "open"),
        (S.received, "open"),
        (S.accepted, "being_met"),
        (S.in_progress, "being_met"),
        (S.completed, "met"),
        (S.rejected, "open"),
        (S.failed, "open"),
        (S.cancelled, "open"),
    ],
)
def test_one_referral(status: ReferralStatus, expected: str) -> None:
    assert need_status([status]) == expected


@pytest.mark.parametrize(
    ("statuses", "expected"),
    [
        ([], "open"),
        ([S.completed, S.requested], "being_met"),
        ([S.completed, S.received], "being_met"),
        ([S.completed, S.rejected], "met"),
        ([S.completed, S.failed, S.cancelled], "met"),
        ([S.requested, S.rejected], "open"),
        ([S.failed, S.accepted], "being_met"),
    ],
)
def test_mixes(statuses: list[ReferralStatus], expected: str) -> None:
    assert need_status(statuses) == expected


@given(ANY_MIX)
def test_met_only_when_all_closed_and_one_completed(statuses: list[ReferralStatus]) -> None:
    met = need_status(statuses) == "met"
    assert met == (S.completed in statuses and all(s in FINAL for s in statuses))


@given(ANY_MIX)
def test_someone_at_work_means_being_met(statuses: list[ReferralStatus]) -> None:
    if S.accepted in statuses or S.in_progress in statuses:
        assert need_status(statuses) == "being_met"


@given(ANY_MIX)
def test_without_help_given_or_under_way_the_need_is_open(
    statuses: list[ReferralStatus],
) -> None:
    untouched = not {S.accepted, S.in_progress, S.completed} & set(statuses)
    assert (need_status(statuses) == "open") == untouched


@given(ANY_MIX, st.sampled_from(sorted(OPEN)))
def test_order_does_not_matter(statuses: list[ReferralStatus], extra: ReferralStatus) -> None:
    mixed = [*statuses, extra]
    assert need_status(mixed) == need_status(list(reversed(mixed)))
