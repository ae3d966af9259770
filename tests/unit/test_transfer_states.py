"""The transfer request's state machine (DOMAIN 4), pure."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.core.transitions import InvalidTransition
from app.households.transfers.states import (
    MOVES,
    Outcome,
    Status,
    Step,
    allowed,
    is_overdue,
    next_status,
)

FINAL = [s for s in Status if s is not Status.pending]


def test_a_pending_request_allows_every_step_and_a_final_one_none() -> None:
    assert allowed(Status.pending) == ["accept", "refuse", "decide", "cancel"]
    assert all(allowed(s) == [] for s in FINAL)


def test_each_step_leads_where_it_says() -> None:
    assert next_status(Status.pending, Step.accept) is Status.accepted
    assert next_status(Status.pending, Step.refuse) is Status.refused
    assert next_status(Status.pending, Step.decide, Outcome.accept) is Status.decided_accepted
    assert next_status(Status.pending, Step.decide, Outcome.refuse) is Status.decided_refused
    assert next_status(Status.pending, Step.cancel) is Status.cancelled
    assert {Status.accepted, Status.decided_accepted} == MOVES


@given(st.sampled_from(FINAL), st.sampled_from(list(Step)), st.sampled_from(list(Outcome)))
def test_nothing_leaves_a_final_state(status: Status, step: Step, outcome: Outcome) -> None:
    with pytest.raises(InvalidTransition) as raised:
        next_status(status, step, outcome)
    assert raised.value.extra == {"allowed": []}


@given(st.sampled_from(list(Step)), st.sampled_from(list(Outcome)))
def test_every_step_ends_a_pending_request(step: Step, outcome: Outcome) -> None:
    """An outcome only matters to `decide`; every step leads out of `pending`."""
    after = next_status(Status.pending, step, outcome)
    assert after is not Status.pending
    assert (after in MOVES) == (
        step is Step.accept or (step is Step.decide and outcome is Outcome.accept)
    )


@given(st.dates(), st.integers(min_value=-30, max_value=30), st.sampled_from(list(Status)))
def test_overdue_means_pending_after_the_due_date(due: date, offset: int, status: Status) -> None:
    try:
        today = due + timedelta(days=offset)
    except OverflowError:
        return
    assert is_overdue(status, due, today) == (status is Status.pending and offset > 0)
