"""The masking policy: exact shapes, every role, and the auditor grant."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.core.masking import (
    PersonalField,
    Viewer,
    mask_id_number,
    mask_name,
    mask_phone,
    mask_text,
    shown,
)
from app.core.permissions import PERMISSIONS, Action, Role

ID = "110101199003074578"
PHONE = "13800138000"
NAME = "欧阳娜娜"
TEXT = "侄子 赵强 13800138000"


class TestShapes:
    def test_id_number_keeps_first_6_and_last_4(self) -> None:
        assert mask_id_number(ID) == "110101********4578"

    def test_phone_keeps_first_3_and_last_4(self) -> None:
        assert mask_phone(PHONE) == "138****8000"

    def test_name_keeps_the_first_character(self) -> None:
        assert mask_name(NAME) == "欧***"
        assert mask_name("李") == "李"
        assert mask_name("") == ""

    def test_free_text_is_masked_whole(self) -> None:
        assert mask_text(TEXT) == "*" * len(TEXT)

    def test_short_values_are_masked_whole(self) -> None:
        assert mask_id_number("1234567890") == "**********"
        assert mask_phone("1234567") == "*******"

    @given(st.text(alphabet="0123456789X", min_size=11, max_size=30))
    def test_id_mask_length_and_visible_ends(self, value: str) -> None:
        masked = mask_id_number(value)
        assert len(masked) == len(value)
        assert masked[:6] == value[:6]
        assert masked[-4:] == value[-4:]
        assert set(masked[6:-4]) <= {"*"}

    @given(st.text(min_size=1, max_size=20))
    def test_name_mask_reveals_one_character(self, value: str) -> None:
        masked = mask_name(value)
        assert len(masked) == len(value)
        assert masked[0] == value[0]
        assert masked[1:] == "*" * (len(value) - 1)


_CONTACT = {PersonalField.phone, PersonalField.name, PersonalField.text}
FULL = {
    Role.district_officer: {PersonalField.id_number, *_CONTACT},
    Role.street_officer: {PersonalField.id_number, *_CONTACT},
    Role.community_worker: {PersonalField.id_number, *_CONTACT},
    Role.social_worker: {PersonalField.id_number, *_CONTACT},
    Role.department_officer: _CONTACT,
    Role.partner: _CONTACT,
    Role.grid_worker: set(),
    Role.admin: set(),
    Role.auditor: set(),
}
VALUES = {
    PersonalField.id_number: ID,
    PersonalField.phone: PHONE,
    PersonalField.name: NAME,
    PersonalField.text: TEXT,
}


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("field", list(PersonalField))
def test_each_role_sees_each_field_as_the_policy_says(role: Role, field: PersonalField) -> None:
    value = shown(VALUES[field], field, Viewer(role))
    if field in FULL[role]:
        assert value == VALUES[field]
    else:
        assert value != VALUES[field]
        assert value is not None
        assert "*" in value


@pytest.mark.parametrize("field", list(PersonalField))
def test_an_auditor_with_a_grant_sees_full_values(field: PersonalField) -> None:
    assert shown(VALUES[field], field, Viewer(Role.auditor, auditor_grant=True)) == VALUES[field]


def test_none_stays_none() -> None:
    assert shown(None, PersonalField.phone, Viewer(Role.grid_worker)) is None


@pytest.mark.parametrize("action", [Action.households_create, Action.imports_run])
def test_who_enters_persons_sees_their_id_numbers_whole(action: Action) -> None:
    """Entering a person takes an ID number; a role that sees it masked could confirm a
    guess by entering it (issue 12). Routes that take one among other actions say so with
    `actor_for(..., takes=PersonalField.id_number)`."""
    for role in PERMISSIONS[action]:
        assert Viewer(role).sees_full(PersonalField.id_number), role
