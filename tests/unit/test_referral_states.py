"""The referral state machine (DOMAIN 7), pure: every allowed and every refused move, the
sides, and what a path through it can reach."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.core.transitions import InvalidTransition
from app.referrals.states import (
    FINAL,
    MACHINE,
    OPEN,
    SIDE,
    ReferralAction,
    ReferralStatus,
    Side,
    allowed_for,
)

S = ReferralStatus
A = ReferralAction

MOVES = {
    (S.requested, A.receive): S.received,
    (S.received, A.accept): S.accepted,
    (S.received, A.reject): S.rejected,
    (S.accepted, A.start): S.in_progress,
    (S.in_progress, A.complete): S.completed,
    (S.accepted, A.fail): S.failed,
    (S.in_progress, A.fail): S.failed,
    (S.requested, A.cancel): S.cancelled,
    (S.received, A.cancel): S.cancelled,
    (S.accepted, A.cancel): S.cancelled,
    (S.in_progress, A.cancel): S.cancelled,
}
"""DOMAIN 7 as the issue states it, written out independently of the machine."""


@pytest.mark.parametrize(("state", "action"), [(s, a) for s in S for a in A])
def test_every_pair_moves_as_the_table_says_or_is_refused(
    state: ReferralStatus, action: ReferralAction
) -> None:
    expected = MOVES.get((state, action))
    if expected is not None:
        assert MACHINE.next(state, action) is expected
        return
    with pytest.raises(InvalidTransition) as refused:
        MACHINE.next(state, action)
    allowed = [a for a in A if (state, a) in MOVES]
    assert refused.value.status == 409
    assert refused.value.extra == {"allowed": [a.value for a in allowed]}


def test_the_receiver_does_not_decide_before_it_has_received() -> None:
    assert MACHINE.allowed(S.requested) == ["receive", "cancel"]


def test_open_and_final_split_the_states() -> None:
    assert {S.requested, S.received, S.accepted, S.in_progress} == OPEN
    assert {S.rejected, S.completed, S.failed, S.cancelled} == FINAL


def test_the_sender_only_cancels() -> None:
    assert [a for a in A if SIDE[a] is Side.sender] == [A.cancel]
    assert allowed_for(S.received, Side.receiver) == [A.accept, A.reject]
    assert allowed_for(S.received, Side.sender) == [A.cancel]
    assert allowed_for(S.received, None) == []


@given(st.lists(st.sampled_from(list(A)), max_size=12))
def test_any_sequence_of_actions_stays_in_the_machine(actions: list[ReferralAction]) -> None:
    """Whatever is tried, a referral only ever moves along the table, and once final it
    stays where it is."""
    state = S.requested
    for action in actions:
        before = state
        try:
            state = MACHINE.next(state, action)
        except InvalidTransition:
            assert (before, action) not in MOVES
            continue
        assert MOVES[(before, action)] is state
        assert before not in FINAL
