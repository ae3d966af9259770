"""The discovery report's state machine (DOMAIN 6; Beijing 2), pure."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.core.transitions import InvalidTransition
from app.dictionaries.catalog import CATALOG
from app.households.public import address_key
from app.intake.reports.states import (
    MACHINE,
    SCREENED_CATEGORIES,
    TRIAGED,
    ReportStatus,
    ReportStep,
    allowed,
    next_status,
    screening_applies,
)

FINAL = sorted(TRIAGED)


def _codes(table: str) -> set[str]:
    return {c.code for t in CATALOG if t.name == table for c in t.codes}


def test_the_states_are_the_code_table_and_the_screened_categories_exist() -> None:
    assert {s.value for s in ReportStatus} == _codes("discovery_report_status")
    assert _codes("vulnerability_category") >= SCREENED_CATEGORIES


def test_a_submitted_report_allows_every_step_and_a_triaged_one_none() -> None:
    assert allowed(ReportStatus.submitted, investigated=False) == [
        "investigate",
        "link",
        "convert",
        "dismiss",
    ]
    assert allowed(ReportStatus.submitted, investigated=True) == ["link", "convert", "dismiss"]
    for status in FINAL:
        assert allowed(status, investigated=False) == []
        assert MACHINE.is_final(status)


def test_each_step_leads_where_it_says() -> None:
    assert (
        next_status(ReportStatus.submitted, ReportStep.link, investigated=False)
        is ReportStatus.linked
    )
    assert (
        next_status(ReportStatus.submitted, ReportStep.convert, investigated=True)
        is ReportStatus.converted
    )
    assert (
        next_status(ReportStatus.submitted, ReportStep.dismiss, investigated=False)
        is ReportStatus.dismissed
    )
    assert (
        next_status(ReportStatus.submitted, ReportStep.investigate, investigated=False)
        is ReportStatus.submitted
    )


def test_the_basic_investigation_is_recorded_once() -> None:
    with pytest.raises(InvalidTransition) as raised:
        next_status(ReportStatus.submitted, ReportStep.investigate, investigated=True)
    assert raised.value.extra == {"allowed": ["link", "convert", "dismiss"]}


@given(st.sampled_from(FINAL), st.sampled_from(list(ReportStep)), st.booleans())
def test_nothing_leaves_a_triaged_report(
    status: ReportStatus, step: ReportStep, investigated: bool
) -> None:
    with pytest.raises(InvalidTransition) as raised:
        next_status(status, step, investigated=investigated)
    assert raised.value.extra == {"allowed": []}


@given(st.sampled_from(list(ReportStatus)), st.sampled_from(list(ReportStep)), st.booleans())
def test_a_step_succeeds_exactly_when_it_is_allowed(
    status: ReportStatus, step: ReportStep, investigated: bool
) -> None:
    permitted = step.value in allowed(status, investigated=investigated)
    try:
        after = next_status(status, step, investigated=investigated)
    except InvalidTransition:
        assert not permitted
    else:
        assert permitted
        assert (after is ReportStatus.submitted) == (step is ReportStep.investigate)


@given(st.lists(st.sampled_from(sorted(_codes("vulnerability_category"))), max_size=6))
def test_screening_applies_to_elderly_children_and_disabled_people(guesses: list[str]) -> None:
    expected = any(
        g in {"elderly_in_distress", "child_in_distress", "severe_disability"} for g in guesses
    )
    assert screening_applies(guesses) is expected


def _full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


def test_an_address_is_compared_without_width_case_or_whitespace() -> None:
    assert address_key("百果园小区 3 栋 2 单元 501") == "百果园小区3栋2单元501"
    assert address_key("百果园小区３栋\u3000２单元５０１") == "百果园小区3栋2单元501"
    assert address_key(" Block B\t12 ") == address_key("block b12")
    assert address_key("百果园小区 3 栋") != address_key("百果园小区 8 栋")


@given(
    st.text(alphabet=st.characters(min_codepoint=0x21, max_codepoint=0x7E), max_size=30),
    st.lists(st.sampled_from([" ", "\u3000", "\t", "\n"]), max_size=5),
)
def test_width_and_spacing_never_change_an_address(text: str, spaces: list[str]) -> None:
    spaced = "".join(spaces) + text + "".join(spaces)
    assert address_key(_full_width(spaced)) == address_key(text)
    assert address_key(address_key(text)) == address_key(text)
