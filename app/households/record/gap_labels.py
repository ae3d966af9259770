"""What a person reads for each gap of completeness (`missing_fields`), in zh-CN and en.

A key is a fixed name (`hukou_type`, `plan`), a month without incomes
(`incomes.2026-10`), a category's subtype or member
(`categories.<category>.subtype`, `.person`) or a member's field
(`members.<person id>.<field>`); `rules.missing_fields` makes no other kind.
"""

import re

from app.dictionaries.public import Labels, labels_of

_FIXED: dict[str, tuple[str, str]] = {
    "region_code.grid": ("所属网格（区划须细化到网格）", "grid (the region must be a grid)"),
    "hukou_region_code": ("户籍所在地", "hukou place"),
    "hukou_type": ("户籍类型", "hukou type"),
    "settled_since": ("在本市居住起始日期", "living in the city since"),
    "paired_worker_id": ("对口帮扶人员", "paired worker"),
    "plan": ("帮扶计划", "assistance plan"),
    "members": ("家庭成员", "household members"),
    "head": ("户主", "head of household"),
    "needs": ("需求", "needs"),
    "measures_or_no_help_reason": (
        "帮扶措施或未采取措施的原因",
        "measures taken, or why none was taken",
    ),
    "categories": ("困难类别", "vulnerability categories"),
    "benefits": ("享受的救助待遇", "benefits received"),
    "basic_situation": ("基本情况", "basic situation"),
    "emergency_situation": ("紧急情况", "emergency situation"),
}

MEMBER_FIELD_LABELS: dict[str, tuple[str, str]] = {
    "employment": ("就业状况", "employment"),
    "education": ("文化程度", "education"),
    "health": ("健康状况", "health"),
    "disability_type": ("残疾类别", "disability type"),
    "disability_grade": ("残疾等级", "disability grade"),
    "guardian": ("监护人", "guardian"),
    "caregiver": ("照料人", "caregiver"),
    "parents_situation": ("父母情况", "parents' situation"),
    "schooling": ("就学情况", "schooling"),
}

_MONTH = re.compile(r"incomes\.([0-9]{4})-([0-9]{2})")
_CATEGORY = re.compile(r"categories\.([a-z0-9_]+)\.(subtype|person)")
_MEMBER = re.compile(r"members\.[0-9a-f-]{36}\.([a-z_]+)")


def _category(code: str) -> tuple[str, str] | None:
    return labels_of("vulnerability_category", code)


def _pair(key: str) -> tuple[str, str] | None:
    if key in _FIXED:
        return _FIXED[key]
    if month := _MONTH.fullmatch(key):
        year, number = month.groups()
        return f"{year} 年 {int(number)} 月的收入", f"incomes of {year}-{number}"
    if (held := _CATEGORY.fullmatch(key)) and (category := _category(held[1])):
        zh, en = category
        if held[2] == "subtype":
            return f"{zh}的子类", f"subtype of {en}"
        return f"{zh}所指的家庭成员", f"the member {en} applies to"
    if (member := _MEMBER.fullmatch(key)) and member[1] in MEMBER_FIELD_LABELS:
        zh, en = MEMBER_FIELD_LABELS[member[1]]
        return f"成员的{zh}", f"member's {en}"
    return None


def gap_labels(key: str) -> Labels | None:
    """The labels of a `missing_fields` key; None for a key of no known kind."""
    pair = _pair(key)
    return None if pair is None else Labels(zh_cn=pair[0], en=pair[1])
