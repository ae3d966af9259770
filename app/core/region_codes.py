"""Region codes: the national statistical division codes, extended for grids.

district 6 digits (500112), street/town 9 (500112001), community 12
(500112001001), grid 15 (the community code + 3 digits). A code's ancestors
are its prefixes, and its subtree is the range [code, successor(code)).
"""

import re
from enum import StrEnum
from typing import Any


class RegionLevel(StrEnum):
    district = "district"
    street = "street"
    community = "community"
    grid = "grid"


LEVEL_LENGTHS = {
    RegionLevel.district: 6,
    RegionLevel.street: 9,
    RegionLevel.community: 12,
    RegionLevel.grid: 15,
}
_LEVEL_BY_LENGTH = {length: level for level, length in LEVEL_LENGTHS.items()}
CODE_PATTERN = r"^[0-9]{6}([0-9]{3}){0,3}$"
_CODE = re.compile(CODE_PATTERN)


def is_valid_code(code: str) -> bool:
    return bool(_CODE.fullmatch(code))


def level_of(code: str) -> RegionLevel:
    if not is_valid_code(code):
        raise ValueError(f"not a region code: {code!r}")
    return _LEVEL_BY_LENGTH[len(code)]


def parent_of(code: str) -> str | None:
    """The enclosing region's code, or None for a district."""
    level_of(code)
    return code[:-3] if len(code) > LEVEL_LENGTHS[RegionLevel.district] else None


def ancestors_and_self(code: str) -> list[str]:
    """Codes from the district down to `code` itself."""
    level_of(code)
    return [code[:length] for length in LEVEL_LENGTHS.values() if length <= len(code)]


def subtree_bounds(code: str) -> tuple[str, str]:
    """[low, high) such that exactly the codes starting with `code` fall inside.

    The upper bound is the next code of the same length, which sorts after
    every extension of `code` byte by byte (the column uses collation "C").
    An all-nines code has no such successor, so ':' (after '9') closes it.
    """
    level_of(code)
    if set(code) == {"9"}:
        return code, code + ":"
    return code, str(int(code) + 1).zfill(len(code))


def is_within(code: str, scope: str) -> bool:
    low, high = subtree_bounds(scope)
    return low <= code < high


def in_subtree(column: Any, code: str) -> Any:
    """SQL: `column` within the subtree of `code`, a range both databases index."""
    return in_bounds(column, *subtree_bounds(code))


def in_bounds(column: Any, low: Any, high: Any) -> Any:
    """SQL: `low <= column < high`; the bounds may be values or bound parameters."""
    return (column >= low) & (column < high)


DIVISION_CODE_PATTERN = r"^[0-9]{6}([0-9]{3}){0,2}$"
"""A national administrative division code as a hukou place: a county (6 digits), a
town or street (9) or a village or community (12); grids are ours, not national."""
_DIVISION = re.compile(DIVISION_CODE_PATTERN)
PROVINCE_PREFIXES = frozenset(
    {
        *("11", "12", "13", "14", "15", "21", "22", "23"),
        *("31", "32", "33", "34", "35", "36", "37"),
        *("41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54"),
        *("61", "62", "63", "64", "65", "71", "81", "82"),
    }
)
"""The provincial-level divisions of GB/T 2260 (the first two digits of every code)."""


def is_division_code(code: str) -> bool:
    """A well-formed national division code of a real province, anywhere in the country
    (a hukou place need not be in the ledger's own region table), not ending in a zero
    level below a county ("500112000" names no town)."""
    if not _DIVISION.fullmatch(code) or code[:2] not in PROVINCE_PREFIXES:
        return False
    if code[2:6] == "0000" and len(code) > 6:
        return False
    return all(code[start : start + 3] != "000" for start in range(6, len(code), 3))
