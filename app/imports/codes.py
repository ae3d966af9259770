"""Codes in a screening file: a cell may hold the code, its label, or a common short name.

Offices fill spreadsheets with words (城镇, 本人, 低保), not codes; the
dictionaries give the labels (DOMAIN 14) and this module adds the short
names staff actually write.
"""

from dataclasses import dataclass

from app.dictionaries.public import DictionariesOut

ALIASES: dict[str, dict[str, str]] = {
    "hukou_type": {
        "城镇": "urban",
        "城镇户籍": "urban",
        "城市": "urban",
        "非农业": "urban",
        "非农业户口": "urban",
        "农村": "rural",
        "农业": "rural",
        "农业户口": "rural",
    },
    "relation_to_head": {
        "本人": "self",
        "户主": "self",
        "丈夫": "spouse",
        "妻子": "spouse",
        "夫": "spouse",
        "妻": "spouse",
        "儿子": "child",
        "女儿": "child",
        "子": "child",
        "女": "child",
        "父亲": "parent",
        "母亲": "parent",
        "祖父母": "grandparent",
        "祖父": "grandparent",
        "祖母": "grandparent",
        "外祖父": "grandparent",
        "外祖母": "grandparent",
        "孙子女": "grandchild",
        "孙子": "grandchild",
        "孙女": "grandchild",
        "外孙": "grandchild",
        "外孙女": "grandchild",
        "兄弟": "sibling",
        "姐妹": "sibling",
        "哥哥": "sibling",
        "弟弟": "sibling",
        "姐姐": "sibling",
        "妹妹": "sibling",
        "儿媳": "child_in_law",
        "女婿": "child_in_law",
    },
    "vulnerability_category": {
        "社会救助": "social_assistance",
        "困境老人": "elderly_in_distress",
        "困境老年人": "elderly_in_distress",
        "困境儿童": "child_in_distress",
        "留守儿童": "child_in_distress",
        "重度残疾": "severe_disability",
        "重度残疾人": "severe_disability",
        "大病": "major_illness_or_incident",
        "重大变故": "major_illness_or_incident",
        "其他": "other",
    },
    "vulnerability_subtype": {"低保": "assistance_dibao", "特困": "assistance_tekun"},
    "employment_status": {
        "退休": "retired",
        "务工": "employed",
        "无业": "unemployed",
        "学生": "student",
    },
    "education_level": {
        "文盲": "none",
        "中专": "vocational",
        "大专": "college",
        "本科": "bachelor",
    },
    "health_status": {"慢性病": "chronic_illness", "大病": "major_illness"},
    "disability_grade": {
        "1级": "grade_1",
        "2级": "grade_2",
        "3级": "grade_3",
        "4级": "grade_4",
    },
}


@dataclass(frozen=True, slots=True)
class CodeBook:
    """For each code table, every accepted spelling -> its code."""

    tables: dict[str, dict[str, str]]

    @classmethod
    def build(cls, dictionaries: DictionariesOut) -> "CodeBook":
        tables: dict[str, dict[str, str]] = {}
        for table in dictionaries.tables:
            spellings: dict[str, str] = {}
            for code in table.codes:
                spellings[_fold(code.labels.en)] = code.code
                spellings[_fold(code.labels.zh_cn)] = code.code
            spellings.update({_fold(k): v for k, v in ALIASES.get(table.name, {}).items()})
            spellings.update({code.code: code.code for code in table.codes})
            tables[table.name] = spellings
        return cls(tables)

    def code(self, table: str, text: str) -> str | None:
        """The code `text` stands for in `table`, or None."""
        spellings = self.tables[table]
        return spellings.get(text) or spellings.get(_fold(text))


def _fold(text: str) -> str:
    return " ".join(text.split()).casefold()
