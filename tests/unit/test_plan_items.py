"""Plan items keep their ids across versions (pure rule, `stewardship.plan_items`)."""

import itertools
import uuid

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.core.errors import ValidationFailed
from app.households.stewardship.plan_items import GivenItem, next_items

TEXTS = st.sampled_from(["走访", "临时救助", "医疗救助", "就业培训"])


def _fresh(counter: "itertools.count[int]") -> uuid.UUID:
    return uuid.UUID(int=next(counter))


@given(st.lists(TEXTS, max_size=6), st.lists(TEXTS, max_size=6))
def test_texts_only_keep_each_previous_id_at_most_once_and_in_order(
    before: list[str], after: list[str]
) -> None:
    counter = itertools.count(1)
    previous = next_items([], [GivenItem(t) for t in before], lambda: _fresh(counter))
    result = next_items(previous, [GivenItem(t) for t in after], lambda: _fresh(counter))
    assert [i["text"] for i in result] == after
    ids = [i["id"] for i in result]
    assert len(ids) == len(set(ids))
    old = {i["id"]: i["text"] for i in previous}
    # A kept id keeps its text; as many items keep ids as the texts allow.
    assert all(old[i] == r["text"] for r, i in zip(result, ids, strict=True) if i in old)
    kept = sum(1 for i in ids if i in old)
    assert kept == sum(min(before.count(t), after.count(t)) for t in set(after))


@given(st.lists(TEXTS, min_size=1, max_size=6), st.data())
def test_items_by_id_keep_exactly_those_ids(before: list[str], data: st.DataObject) -> None:
    counter = itertools.count(1)
    previous = next_items([], [GivenItem(t) for t in before], lambda: _fresh(counter))
    chosen = data.draw(st.lists(st.sampled_from(previous), unique_by=lambda i: i["id"]))
    given_items = [GivenItem("新" + i["text"], uuid.UUID(i["id"])) for i in chosen]
    result = next_items(previous, given_items, lambda: _fresh(counter))
    assert result == [{"id": i["id"], "text": "新" + i["text"]} for i in chosen]


def test_an_unknown_or_repeated_id_is_refused() -> None:
    previous = [{"id": str(uuid.UUID(int=1)), "text": "走访"}]
    with pytest.raises(ValidationFailed) as unknown:
        next_items(previous, [GivenItem("x", uuid.UUID(int=2))], lambda: uuid.UUID(int=3))
    assert unknown.value.errors[0].code == "unknown_plan_item"
    twice = [GivenItem("a", uuid.UUID(int=1)), GivenItem("b", uuid.UUID(int=1))]
    with pytest.raises(ValidationFailed) as repeated:
        next_items(previous, twice, lambda: uuid.UUID(int=3))
    assert repeated.value.errors[0].code == "duplicate"
