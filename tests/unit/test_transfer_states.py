"""The transfer request's state machine (DOMAIN 4), pure."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.core.transitions import InvalidTransition
from app.households.transfers.states import (
    MOVES,
    TransferOutcome,
    TransferStatus,
    TransferStep,
    allowed,
    is_overdue,
    next_status,
)

FINAL = [s for s in TransferStatus if s is not TransferStatus.pending]


def test_a_pending_request_allows_every_step_and_a_final_one_none() -> None:
    assert allowed(TransferStatus.pending) == ["accept", "refuse", "decide", "cancel"]
    assert all(allowed(s) == [] for s in FINAL)


def test_each_step_leads_where_it_says() -> None:
    assert next_status(TransferStatus.pending, TransferStep.accept) is TransferStatus.accepted
    assert next_status(TransferStatus.pending, TransferStep.refuse) is TransferStatus.refused
    assert (
        next_status(TransferStatus.pending, TransferStep.decide, TransferOutcome.accept)
        is TransferStatus.decided_accepted
    )
    assert (
        next_status(TransferStatus.pending, TransferStep.decide, TransferOutcome.refuse)
        is TransferStatus.decided_refused
    )
    assert next_status(TransferStatus.pending, TransferStep.cancel) is TransferStatus.cancelled
    assert {TransferStatus.accepted, TransferStatus.decided_accepted} == MOVES


@given(
    st.sampled_from(FINAL),
    st.sampled_from(list(TransferStep)),
    st.sampled_from(list(TransferOutcome)),
)
def test_nothing_leaves_a_final_state(
    status: TransferStatus, step: TransferStep, outcome: TransferOutcome
) -> None:
    with pytest.raises(InvalidTransition) as raised:
        next_status(status, step, outcome)
    assert raised.value.extra == {"allowed": []}


@given(st.sampled_from(list(TransferStep)), st.sampled_from(list(TransferOutcome)))
def test_every_step_ends_a_pending_request(step: TransferStep, outcome: TransferOutcome) -> None:
    """An outcome only matters to `decide`; every step leads out of `pending`."""
    after = next_status(TransferStatus.pending, step, outcome)
    assert after is not TransferStatus.pending
    assert (after in MOVES) == (
        step is TransferStep.accept
        or (step is TransferStep.decide and outcome is TransferOutcome.accept)
    )


@given(st.dates(), st.integers(min_value=-30, max_value=30), st.sampled_from(list(TransferStatus)))
def test_overdue_means_pending_after_the_due_date(
    due: date, offset: int, status: TransferStatus
) -> None:
    try:
        today = due + timedelta(days=offset)
    except OverflowError:
        return
    assert is_overdue(status, due, today) == (status is TransferStatus.pending and offset > 0)
