"""GB 11643-1999 ID numbers: every rule, its own code, and the derived birth date and sex."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.core.id_numbers import InvalidIdNumber, Sex, check_character, parse_id_number

TODAY = date(2026, 11, 23)
VALID = "11010519491231002X"  # the standard's own example: born 1949-12-31, female


def _code(raw: str) -> str:
    with pytest.raises(InvalidIdNumber) as caught:
        parse_id_number(raw, today=TODAY)
    return caught.value.code


class TestValid:
    def test_the_standard_example(self) -> None:
        parsed = parse_id_number(VALID, today=TODAY)
        assert parsed.birth_date == date(1949, 12, 31)
        assert parsed.sex is Sex.female

    def test_lower_case_x_and_spaces_are_normalised(self) -> None:
        assert parse_id_number(" 11010519491231002x ", today=TODAY).value == VALID

    def test_odd_sequence_digit_is_male(self) -> None:
        first17 = "50011219900101001"
        parsed = parse_id_number(first17 + check_character(first17), today=TODAY)
        assert parsed.sex is Sex.male

    def test_born_today_is_valid(self) -> None:
        first17 = "50011220261123002"
        assert parse_id_number(first17 + check_character(first17), today=TODAY).birth_date == TODAY


class TestInvalid:
    @pytest.mark.parametrize("raw", ["", "1101051949123100", "11010519491231002XX"])
    def test_length(self, raw: str) -> None:
        assert _code(raw) == "id_number_length"

    @pytest.mark.parametrize(
        "raw", ["01010519491231002X", "1101051949123100X2", "11010519491231A02X"]
    )
    def test_format(self, raw: str) -> None:
        assert _code(raw) == "id_number_format"

    @pytest.mark.parametrize("birth", ["19490230", "19491301", "20261124", "18991231"])
    def test_birth_date(self, birth: str) -> None:
        first17 = "110105" + birth + "002"
        assert _code(first17 + check_character(first17)) == "id_number_birth_date"

    def test_checksum(self) -> None:
        assert _code("110105194912310021") == "id_number_checksum"


@given(
    st.integers(min_value=100000, max_value=999999),
    st.dates(min_value=date(1900, 1, 1), max_value=TODAY),
    st.integers(min_value=0, max_value=999),
)
def test_any_number_with_its_check_character_is_valid_and_any_other_is_not(
    area: int, birth: date, sequence: int
) -> None:
    first17 = f"{area}{birth:%Y%m%d}{sequence:03d}"
    good = first17 + check_character(first17)
    parsed = parse_id_number(good, today=TODAY)
    assert parsed.birth_date == birth
    assert parsed.sex is (Sex.male if sequence % 2 else Sex.female)
    for wrong in "0123456789X":
        if wrong != good[-1]:
            with pytest.raises(InvalidIdNumber):
                parse_id_number(first17 + wrong, today=TODAY)
