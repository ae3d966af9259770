"""The application's state machine (DOMAIN 6), pure: every allowed and every refused step."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.core.transitions import InvalidTransition
from app.intake.applications.states import (
    BEFORE_ACCEPTANCE,
    FINAL,
    MACHINE,
    ApplicationStatus,
    ApplicationStep,
)

ALLOWED: dict[ApplicationStatus, dict[ApplicationStep, ApplicationStatus]] = {
    ApplicationStatus.submitted: {
        ApplicationStep.accept: ApplicationStatus.accepted,
        ApplicationStep.reject: ApplicationStatus.rejected,
        ApplicationStep.withdraw: ApplicationStatus.withdrawn,
    },
    ApplicationStatus.accepted: {
        ApplicationStep.investigate: ApplicationStatus.under_investigation,
        ApplicationStep.withdraw: ApplicationStatus.withdrawn,
    },
    ApplicationStatus.under_investigation: {
        ApplicationStep.assess: ApplicationStatus.assessed,
        ApplicationStep.withdraw: ApplicationStatus.withdrawn,
    },
    ApplicationStatus.assessed: {
        ApplicationStep.approve: ApplicationStatus.approved,
        ApplicationStep.not_approve: ApplicationStatus.not_approved,
        ApplicationStep.withdraw: ApplicationStatus.withdrawn,
    },
    ApplicationStatus.approved: {ApplicationStep.close: ApplicationStatus.closed},
    ApplicationStatus.not_approved: {ApplicationStep.close: ApplicationStatus.closed},
    ApplicationStatus.rejected: {},
    ApplicationStatus.closed: {},
    ApplicationStatus.withdrawn: {},
}
"""The machine as the issue states it: submitted -> accepted or rejected -> under
investigation -> assessed -> approved / not approved -> closed; withdrawal until a decision."""


@pytest.mark.parametrize(("state", "step"), [(s, a) for s, steps in ALLOWED.items() for a in steps])
def test_every_allowed_step_leads_where_the_issue_says(
    state: ApplicationStatus, step: ApplicationStep
) -> None:
    assert MACHINE.next(state, step) is ALLOWED[state][step]


@pytest.mark.parametrize(
    ("state", "step"),
    [(s, a) for s in ApplicationStatus for a in ApplicationStep if a not in ALLOWED[s]],
)
def test_every_other_step_is_refused_listing_the_allowed_ones(
    state: ApplicationStatus, step: ApplicationStep
) -> None:
    with pytest.raises(InvalidTransition) as refused:
        MACHINE.next(state, step)
    assert refused.value.status == 409
    assert refused.value.members_model is not None
    assert MACHINE.allowed(state) == [a.value for a in ApplicationStep if a in ALLOWED[state]]


def test_the_final_states_are_rejected_withdrawn_and_closed() -> None:
    assert {
        ApplicationStatus.rejected,
        ApplicationStatus.withdrawn,
        ApplicationStatus.closed,
    } == FINAL
    assert {ApplicationStatus.submitted} == BEFORE_ACCEPTANCE


@given(st.sampled_from(list(ApplicationStatus)))
def test_allowed_is_exactly_the_steps_next_accepts(state: ApplicationStatus) -> None:
    accepted = []
    for step in ApplicationStep:
        try:
            MACHINE.next(state, step)
        except InvalidTransition:
            continue
        accepted.append(step.value)
    assert MACHINE.allowed(state) == accepted
    assert MACHINE.is_final(state) == (not accepted)


@given(st.lists(st.sampled_from(list(ApplicationStep)), max_size=12))
def test_any_walk_ends_in_a_reachable_state_and_a_final_state_stays(
    steps: list[ApplicationStep],
) -> None:
    state = ApplicationStatus.submitted
    for step in steps:
        if step.value not in MACHINE.allowed(state):
            continue
        after = MACHINE.next(state, step)
        # Never back to submitted; after the decision only closing is left.
        assert after is not ApplicationStatus.submitted
        if state in (ApplicationStatus.approved, ApplicationStatus.not_approved):
            assert after is ApplicationStatus.closed
        state = after
    if state in FINAL:
        assert MACHINE.allowed(state) == []
