"""Guardians and caregivers: legacy text read into contacts, and contacts masked per role."""

import pytest

from app.core.masking import Viewer
from app.core.permissions import Role
from app.dictionaries.catalog import CATALOG
from app.dictionaries.catalog_types import Code
from app.households.contacts import RELATION_WORDS, contact_from_text, shown_contact

KINSHIP = next(t for t in CATALOG if t.name == "kinship")


@pytest.mark.parametrize(
    ("text", "contact"),
    [
        ("侄子 赵强", {"name": "赵强", "relation": "relative"}),
        ("邻居 陈阿姨", {"name": "陈阿姨", "relation": "neighbour"}),
        ("母亲　孙丽", {"name": "孙丽", "relation": "parent"}),
        (
            "女儿张丽 138-0013-8000",
            {"name": "张丽", "relation": "daughter", "phone": "138-0013-8000"},
        ),
        (
            "张丽（女儿），13800138000",
            {"name": "张丽", "relation": "daughter", "phone": "13800138000"},
        ),
        ("祖母", {"relation": "grandparent"}),
        ("王秀兰", {"name": "王秀兰"}),
    ],
)
def test_text_of_relation_name_and_phone_becomes_a_contact(
    text: str, contact: dict[str, str]
) -> None:
    assert contact_from_text(text) == contact


@pytest.mark.parametrize(
    "text",
    [
        "子",
        "张三 李四",
        "女儿 张丽 儿子 李四",
        "女儿 13800138000 13900139000",
        "由其侄子赵强每周探望，电话13800138000",
        "13800138000",
        "由邻居轮流照看",
    ],
)
def test_anything_else_is_kept_whole_as_a_note(text: str) -> None:
    assert contact_from_text(text) == {"note": text}


def test_every_relation_word_means_a_kinship_code() -> None:
    assert set(RELATION_WORDS.values()) <= {c.code for c in KINSHIP.codes}


@pytest.mark.parametrize("code", [c for c in KINSHIP.codes if c.code != "organization"])
def test_the_label_of_each_kinship_code_reads_back_as_that_code(code: Code) -> None:
    """What the downgrade of 0012 writes (the label's first word, the name) reads back."""
    label = code.label_zh.split("、")[0]
    assert contact_from_text(f"{label} 赵强") == {"name": "赵强", "relation": code.code}


CONTACT = {"name": "赵强", "relation": "relative", "phone": "13800138000"}


@pytest.mark.parametrize("role", [Role.grid_worker, Role.admin, Role.auditor])
def test_masked_roles_see_the_first_character_of_the_name_and_the_ends_of_the_phone(
    role: Role,
) -> None:
    assert shown_contact(CONTACT, Viewer(role)) == {
        "name": "赵*",
        "relation": "relative",
        "phone": "138****8000",
        "note": None,
    }


@pytest.mark.parametrize("role", [Role.grid_worker, Role.admin, Role.auditor])
def test_masked_roles_see_no_character_of_legacy_text(role: Role) -> None:
    text = "由其侄子赵强每周探望，电话13800138000"
    for stored in (text, {"note": text}):
        shown = shown_contact(stored, Viewer(role))
        assert shown is not None
        assert shown["note"] == "*" * len(text)


@pytest.mark.parametrize(
    "role",
    [Role.street_officer, Role.community_worker, Role.department_officer, Role.partner],
)
def test_roles_that_see_names_and_phones_see_the_contact_whole(role: Role) -> None:
    assert shown_contact(CONTACT, Viewer(role)) == {**CONTACT, "note": None}
    assert shown_contact("侄子 赵强", Viewer(role)) == {
        "name": None,
        "relation": None,
        "phone": None,
        "note": "侄子 赵强",
    }
