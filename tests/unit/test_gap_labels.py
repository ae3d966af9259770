"""Every gap completeness can name has labels a person can read, in zh-CN and en."""

import re
import uuid
from datetime import date

from app.households.record.gap_labels import gap_labels
from app.households.record.rules import (
    CATEGORIES_WITH_SUBTYPE,
    HOUSEHOLD_FIELDS,
    MEMBER_FACT_FIELDS,
    PERSON_FIELDS,
    CategoryFacts,
    CoreFacts,
    HouseholdFacts,
    MemberFacts,
    missing_fields,
)

PERSON = uuid.UUID(int=7)
CATEGORIES = sorted({*HOUSEHOLD_FIELDS, *PERSON_FIELDS, *CATEGORIES_WITH_SUBTYPE})
HAN = re.compile(r"[\u4e00-\u9fff]")


def every_gap() -> set[str]:
    """Every key the rules produce: a record lacking all it can lack, its categories once
    without their person and once held by a member who has recorded nothing."""
    bare_core = CoreFacts(today=date(2026, 12, 3), region_code="500112001001")
    empty = HouseholdFacts(core=bare_core)
    unplaced = HouseholdFacts(core=bare_core, categories=[CategoryFacts(c) for c in CATEGORIES])
    held = HouseholdFacts(
        core=bare_core,
        members=[MemberFacts(PERSON)],
        categories=[CategoryFacts(c, None, PERSON) for c in CATEGORIES],
    )
    return {key for facts in (empty, unplaced, held) for key in missing_fields(facts)}


def test_the_generated_gaps_cover_every_kind_of_key() -> None:
    gaps = every_gap()
    assert {f"members.{PERSON}.{name}" for name in MEMBER_FACT_FIELDS} <= gaps
    assert {f"categories.{c}.subtype" for c in CATEGORIES_WITH_SUBTYPE} <= gaps
    assert {f"categories.{c}.person" for c in PERSON_FIELDS} <= gaps
    assert {"region_code.grid", "plan", "paired_worker_id", "incomes.2025-12"} <= gaps
    assert len([g for g in gaps if g.startswith("incomes.")]) == 12


def test_every_gap_has_a_chinese_and_an_english_label() -> None:
    for key in every_gap():
        labels = gap_labels(key)
        assert labels is not None, key
        assert HAN.search(labels.zh_cn), key
        assert labels.en, key
        assert not HAN.search(labels.en), key


def test_labels_name_the_month_the_category_and_the_members_field() -> None:
    month = gap_labels("incomes.2026-03")
    assert month is not None
    assert (month.zh_cn, month.en) == (
        "2026 年 3 月的收入",
        "incomes of 2026-03",
    )
    subtype = gap_labels("categories.elderly_in_distress.subtype")
    assert subtype is not None
    assert subtype.en.startswith("subtype of ")
    employment = gap_labels(f"members.{PERSON}.employment")
    assert employment is not None
    assert (employment.zh_cn, employment.en) == ("成员的就业状况", "member's employment")


def test_a_key_of_no_known_kind_has_no_label() -> None:
    assert gap_labels("members.not-a-person.employment") is None
    assert gap_labels("categories.no_such_category.subtype") is None
