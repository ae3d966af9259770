"""The application's state machine (DOMAIN 6), pure: every allowed and every refused step."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.core.transitions import InvalidTransition
from app.intake.applications.states import BEFORE_ACCEPTANCE, FINAL, MACHINE, Status, Step

ALLOWED: dict[Status, dict[Step, Status]] = {
    Status.submitted: {
        Step.accept: Status.accepted,
        Step.reject: Status.rejected,
        Step.withdraw: Status.withdrawn,
    },
    Status.accepted: {
        Step.investigate: Status.under_investigation,
        Step.withdraw: Status.withdrawn,
    },
    Status.under_investigation: {Step.assess: Status.assessed, Step.withdraw: Status.withdrawn},
    Status.assessed: {
        Step.approve: Status.approved,
        Step.not_approve: Status.not_approved,
        Step.withdraw: Status.withdrawn,
    },
    Status.approved: {Step.close: Status.closed},
    Status.not_approved: {Step.close: Status.closed},
    Status.rejected: {},
    Status.closed: {},
    Status.withdrawn: {},
}
"""The machine as the issue states it: submitted -> accepted or rejected -> under
investigation -> assessed -> approved / not approved -> closed; withdrawal until a decision."""


@pytest.mark.parametrize(("state", "step"), [(s, a) for s, steps in ALLOWED.items() for a in steps])
def test_every_allowed_step_leads_where_the_issue_says(state: Status, step: Step) -> None:
    assert MACHINE.next(state, step) is ALLOWED[state][step]


@pytest.mark.parametrize(
    ("state", "step"), [(s, a) for s in Status for a in Step if a not in ALLOWED[s]]
)
def test_every_other_step_is_refused_listing_the_allowed_ones(state: Status, step: Step) -> None:
    with pytest.raises(InvalidTransition) as refused:
        MACHINE.next(state, step)
    assert refused.value.status == 409
    assert refused.value.members_model is not None
    assert MACHINE.allowed(state) == [a.value for a in Step if a in ALLOWED[state]]


def test_the_final_states_are_rejected_withdrawn_and_closed() -> None:
    assert {Status.rejected, Status.withdrawn, Status.closed} == FINAL
    assert {Status.submitted} == BEFORE_ACCEPTANCE


@given(st.sampled_from(list(Status)))
def test_allowed_is_exactly_the_steps_next_accepts(state: Status) -> None:
    accepted = []
    for step in Step:
        try:
            MACHINE.next(state, step)
        except InvalidTransition:
            continue
        accepted.append(step.value)
    assert MACHINE.allowed(state) == accepted
    assert MACHINE.is_final(state) == (not accepted)


@given(st.lists(st.sampled_from(list(Step)), max_size=12))
def test_any_walk_ends_in_a_reachable_state_and_a_final_state_stays(steps: list[Step]) -> None:
    state = Status.submitted
    for step in steps:
        if step.value not in MACHINE.allowed(state):
            continue
        after = MACHINE.next(state, step)
        # Never back to submitted; after the decision only closing is left.
        assert after is not Status.submitted
        if state in (Status.approved, Status.not_approved):
            assert after is Status.closed
        state = after
    if state in FINAL:
        assert MACHINE.allowed(state) == []
