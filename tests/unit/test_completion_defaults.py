"""The money measure each kind of receiver gives when a completion names none
(`referrals.completion.MONEY_BY_KIND`): built-in organisation kinds, money measures only."""

import pytest

from app.dictionaries.public import group_of, labels_of
from app.referrals.completion import MONEY_BY_KIND


@pytest.mark.parametrize(("kind", "measure"), sorted(MONEY_BY_KIND.items()))
def test_a_kind_of_the_dictionary_gives_a_money_measure(kind: str, measure: str) -> None:
    assert labels_of("organization_kind", kind) is not None
    assert group_of("measure", measure) == "cash"


def test_the_red_cross_gives_its_major_illness_aid() -> None:
    assert MONEY_BY_KIND["red_cross"] == "red_cross_major_illness_aid"
