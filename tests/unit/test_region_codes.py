"""Region codes: levels, parents, ancestors and the subtree range [low, high)."""

import itertools

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from app.core.region_codes import (
    RegionLevel,
    ancestors_and_self,
    is_valid_code,
    is_within,
    level_of,
    parent_of,
    subtree_bounds,
)

DISTRICT = "500112"
STREET = "500112001"
COMMUNITY = "500112001001"
GRID = "500112001001007"

INVALID_CODES = [
    "",
    "50011",  # 5 digits
    "5001120",  # 7 digits
    "50011200",  # 8 digits
    "5001120010",  # 10 digits
    "5001120010010071",  # 16 digits
    "500112001001007001",  # 18 digits: deeper than a grid
    "50011a",
    "500112-001",
    " 500112",
    "500112 ",
    "+500112",
    "-500112",
]

# Codes are ASCII digits; the string comparisons the subtree range relies on
# (and the "C" collation of the column) only make sense for those.
NOT_ASCII_CODES = [
    "\uff15\uff10\uff10\uff11\uff11\uff12",  # full-width digits ５００１１２
    "\u0665\u0660\u0660\u0661\u0661\u0662",  # Arabic-Indic digits ٥٠٠١١٢
]

TRAILING_NEWLINE_CODES = ["500112\n", "500112001\n"]


def _digits(count: int, alphabet: str = "0123456789") -> st.SearchStrategy[str]:
    return st.text(alphabet=alphabet, min_size=count, max_size=count)


@st.composite
def codes(draw: st.DrawFn, min_groups: int = 0) -> str:
    """A valid code; digits are often only 0 and 9, where carries and the edge live."""
    alphabet = draw(st.sampled_from(["0123456789", "09", "9", "0189"]))
    groups = draw(st.integers(min_value=min_groups, max_value=3))
    return draw(_digits(6 + 3 * groups, alphabet))


@st.composite
def code_and_extension(draw: st.DrawFn) -> tuple[str, str]:
    code = draw(codes())
    free_groups = (15 - len(code)) // 3
    groups = draw(st.integers(min_value=0, max_value=free_groups))
    alphabet = draw(st.sampled_from(["0123456789", "09", "9", "0"]))
    return code, code + draw(_digits(3 * groups, alphabet))


@st.composite
def code_and_neighbour(draw: st.DrawFn) -> tuple[str, str]:
    """A code and a near miss: its previous or next sibling, possibly extended."""
    code = draw(codes())
    step = draw(st.sampled_from([-1, 1]))
    value = int(code) + step
    assume(0 <= value < 10 ** len(code))
    sibling = str(value).zfill(len(code))
    free_groups = (15 - len(code)) // 3
    groups = draw(st.integers(min_value=0, max_value=free_groups))
    alphabet = draw(st.sampled_from(["0123456789", "09", "9", "0"]))
    return code, sibling + draw(_digits(3 * groups, alphabet))


class TestIsValidCode:
    @pytest.mark.parametrize("code", [DISTRICT, STREET, COMMUNITY, GRID, "000000", "999999"])
    def test_codes_of_every_level_are_valid(self, code: str) -> None:
        assert is_valid_code(code) is True

    @pytest.mark.parametrize("code", INVALID_CODES)
    def test_wrong_length_or_characters_are_invalid(self, code: str) -> None:
        assert is_valid_code(code) is False

    @pytest.mark.parametrize("code", TRAILING_NEWLINE_CODES)
    def test_code_with_trailing_newline_is_invalid(self, code: str) -> None:
        assert is_valid_code(code) is False

    @pytest.mark.parametrize("code", NOT_ASCII_CODES)
    def test_non_ascii_digits_are_invalid(self, code: str) -> None:
        assert is_valid_code(code) is False


class TestLevelOf:
    @pytest.mark.parametrize(
        ("code", "level"),
        [
            (DISTRICT, RegionLevel.district),
            (STREET, RegionLevel.street),
            (COMMUNITY, RegionLevel.community),
            (GRID, RegionLevel.grid),
        ],
    )
    def test_level_follows_the_length(self, code: str, level: RegionLevel) -> None:
        assert level_of(code) is level

    @pytest.mark.parametrize("code", INVALID_CODES)
    def test_invalid_code_raises_value_error(self, code: str) -> None:
        with pytest.raises(ValueError, match="not a region code"):
            level_of(code)

    @pytest.mark.parametrize("code", TRAILING_NEWLINE_CODES)
    def test_trailing_newline_raises_value_error(self, code: str) -> None:
        with pytest.raises(ValueError, match="not a region code"):
            level_of(code)

    @pytest.mark.parametrize("code", NOT_ASCII_CODES)
    def test_non_ascii_digits_raise_value_error(self, code: str) -> None:
        with pytest.raises(ValueError, match="not a region code"):
            level_of(code)


class TestParentOf:
    @pytest.mark.parametrize(
        ("code", "parent"),
        [(GRID, COMMUNITY), (COMMUNITY, STREET), (STREET, DISTRICT)],
    )
    def test_parent_drops_the_last_three_digits(self, code: str, parent: str) -> None:
        assert parent_of(code) == parent

    def test_district_has_no_parent(self) -> None:
        assert parent_of(DISTRICT) is None

    @pytest.mark.parametrize("code", INVALID_CODES)
    def test_invalid_code_raises_value_error(self, code: str) -> None:
        with pytest.raises(ValueError, match="not a region code"):
            parent_of(code)


class TestAncestorsAndSelf:
    def test_grid_lists_all_four_levels_from_the_district_down(self) -> None:
        assert ancestors_and_self(GRID) == [DISTRICT, STREET, COMMUNITY, GRID]

    def test_community_lists_three_levels(self) -> None:
        assert ancestors_and_self(COMMUNITY) == [DISTRICT, STREET, COMMUNITY]

    def test_street_lists_district_and_itself(self) -> None:
        assert ancestors_and_self(STREET) == [DISTRICT, STREET]

    def test_district_is_its_only_ancestor(self) -> None:
        assert ancestors_and_self(DISTRICT) == [DISTRICT]

    @pytest.mark.parametrize("code", INVALID_CODES)
    def test_invalid_code_raises_value_error(self, code: str) -> None:
        with pytest.raises(ValueError, match="not a region code"):
            ancestors_and_self(code)

    @settings(max_examples=100)
    @given(code=codes())
    def test_each_ancestor_is_the_parent_chain(self, code: str) -> None:
        chain = ancestors_and_self(code)
        assert chain[-1] == code
        assert len(chain[0]) == 6
        for parent, child in itertools.pairwise(chain):
            assert parent_of(child) == parent


class TestSubtreeBounds:
    def test_district_bounds_are_the_next_district(self) -> None:
        assert subtree_bounds(DISTRICT) == ("500112", "500113")

    def test_carry_propagates_into_the_parent_digits(self) -> None:
        assert subtree_bounds("500112999") == ("500112999", "500113000")

    def test_leading_zeros_are_kept(self) -> None:
        assert subtree_bounds("000000") == ("000000", "000001")
        assert subtree_bounds("009999999") == ("009999999", "010000000")

    def test_all_nines_code_has_a_successor(self) -> None:
        low, high = subtree_bounds("999999")
        assert (low, high) == ("999999", "999999:")
        assert low <= "999999999999999" < high
        assert high > "999999"

    def test_all_nines_grid_still_contains_itself(self) -> None:
        low, high = subtree_bounds("999999999999999")
        assert low <= "999999999999999" < high

    @pytest.mark.parametrize("code", INVALID_CODES)
    def test_invalid_code_raises_value_error(self, code: str) -> None:
        with pytest.raises(ValueError, match="not a region code"):
            subtree_bounds(code)

    @settings(max_examples=200)
    @given(pair=code_and_extension())
    def test_every_extension_falls_inside(self, pair: tuple[str, str]) -> None:
        code, extension = pair
        low, high = subtree_bounds(code)
        assert low <= extension < high

    @settings(max_examples=200)
    @given(code=codes(), other=codes())
    def test_codes_not_starting_with_the_code_fall_outside(self, code: str, other: str) -> None:
        assume(len(other) >= len(code))
        assume(not other.startswith(code))
        low, high = subtree_bounds(code)
        assert not (low <= other < high)

    @settings(max_examples=200)
    @given(pair=code_and_neighbour())
    def test_siblings_and_their_subtrees_fall_outside(self, pair: tuple[str, str]) -> None:
        code, neighbour = pair
        low, high = subtree_bounds(code)
        assert not (low <= neighbour < high)

    @settings(max_examples=200)
    @given(code=codes(min_groups=1))
    def test_ancestors_above_the_code_fall_outside(self, code: str) -> None:
        low, high = subtree_bounds(code)
        for ancestor in ancestors_and_self(code)[:-1]:
            assert not (low <= ancestor < high)

    @settings(max_examples=100)
    @given(code=codes())
    def test_high_is_a_code_of_the_same_length_or_the_closing_colon(self, code: str) -> None:
        low, high = subtree_bounds(code)
        assert low == code
        if set(code) == {"9"}:
            assert high == code + ":"
        else:
            assert len(high) == len(code)
            assert int(high) == int(code) + 1


class TestIsWithin:
    def test_code_is_within_itself(self) -> None:
        assert is_within(STREET, STREET) is True

    def test_descendants_are_within_their_ancestors(self) -> None:
        assert is_within(GRID, DISTRICT) is True
        assert is_within(GRID, STREET) is True
        assert is_within(GRID, COMMUNITY) is True

    def test_ancestor_is_not_within_its_descendant(self) -> None:
        assert is_within(DISTRICT, STREET) is False
        assert is_within(STREET, COMMUNITY) is False

    def test_sibling_is_not_within(self) -> None:
        assert is_within("500112002", STREET) is False
        assert is_within("500113001", DISTRICT) is False

    def test_next_sibling_after_a_carry_is_not_within(self) -> None:
        assert is_within("500113000", "500112999") is False
        assert is_within("500112999001", "500112999") is True

    def test_all_nines_scope_contains_its_subtree_only(self) -> None:
        assert is_within("999999001", "999999") is True
        assert is_within("999998999", "999999") is False

    def test_invalid_scope_raises_value_error(self) -> None:
        with pytest.raises(ValueError, match="not a region code"):
            is_within(DISTRICT, "12345")
