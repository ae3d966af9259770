"""The columns of a screening file (摸排表): Chinese headers, what each holds, how rows group.

One row is one person. Rows of one household share the household key
(户编号) and follow each other; household columns are read from the
household's first row. 困难类别/困难子类 may be filled on any row: the
categories that concern one person (困境老年人, 困境儿童, 重度残疾人) belong
to that row's person, the others to the household.

A file carries no target types: dibao, tekun and registered hardship are
decisions recorded per household with their deciding body, date and reference
(`/households/{id}/target-type-decisions`), and the new types come from an
assessment. A 对象类型 column of an earlier template is listed among the
ignored columns.
"""

import re
from dataclasses import dataclass
from enum import StrEnum


class Level(StrEnum):
    household = "household"
    person = "person"
    row = "row"


class Kind(StrEnum):
    text = "text"
    code = "code"
    codes = "codes"
    date = "date"


@dataclass(frozen=True, slots=True)
class Column:
    header: str
    field: str
    level: Level
    kind: Kind = Kind.text
    table: str | None = None
    required: bool = False
    in_template: bool = True
    note: str = ""


H, P, R = Level.household, Level.person, Level.row

COLUMNS: tuple[Column, ...] = (
    Column(
        "户编号", "household_key", H, required=True, note="同一户的各行填写相同的户编号且必须相邻"
    ),
    Column(
        "所属区划代码", "region_code", H, required=True, note="社区（12 位）或网格（15 位）代码"
    ),
    Column("家庭住址", "address", H, required=True),
    Column("户籍地", "hukou_place", H),
    Column(
        "户籍地区划代码", "hukou_region_code", H, note="全国行政区划代码，6、9 或 12 位，如 500112"
    ),
    Column("户籍类型", "hukou_type", H, Kind.code, "hukou_type"),
    Column("来城市居住日期", "settled_since", H, Kind.date, note="如 2008-05-01"),
    Column("困难类别", "categories", R, Kind.codes, "vulnerability_category"),
    Column("困难子类", "subtypes", R, Kind.codes, "vulnerability_subtype"),
    Column("致困原因", "causes", H, Kind.codes, "hardship_cause"),
    Column("帮扶需求", "needs", H, Kind.codes, "need"),
    Column("姓名", "name", P, required=True),
    Column("身份证号", "id_number", P, required=True, note="18 位，请设置为文本格式"),
    Column(
        "与户主关系",
        "relation_to_head",
        P,
        Kind.code,
        "relation_to_head",
        required=True,
        note="每户有且仅有一名户主（本人）",
    ),
    Column("联系电话", "phone", P),
    Column("就业状况", "employment", P, Kind.code, "employment_status"),
    Column("文化程度", "education", P, Kind.code, "education_level"),
    Column("健康状况", "health", P, Kind.code, "health_status"),
    Column("残疾类别", "disability_type", P, Kind.code, "disability_type"),
    Column("残疾等级", "disability_grade", P, Kind.code, "disability_grade"),
    Column("监护人姓名", "guardian_name", P, note="填写监护人时姓名、关系必填"),
    Column("监护人关系", "guardian_relation", P, Kind.code, "kinship", note="监护人与本人的关系"),
    Column("监护人电话", "guardian_phone", P),
    Column("照料人姓名", "caregiver_name", P, note="填写照料人时姓名、关系必填"),
    Column("照料人关系", "caregiver_relation", P, Kind.code, "kinship", note="照料人与本人的关系"),
    Column("照料人电话", "caregiver_phone", P),
    Column("父母状况", "parents_situation", P, Kind.code, "parents_situation"),
    Column("就学状况", "schooling", P, Kind.code, "schooling_status"),
    Column("学校", "school", P),
    Column(
        "已享受政策", "benefits", H, Kind.codes, "government_aid", note="填“无”表示未享受任何政策"
    ),
    Column("未帮扶原因", "no_help_reason", H, Kind.code, "no_help_reason"),
    Column("未帮扶原因说明", "no_help_note", H),
    Column("基本情况", "basic_situation", H),
    Column("紧急情况", "emergency_situation", H),
    Column("性别", "sex", P, Kind.code, "sex", in_template=False, note="可选，须与身份证号一致"),
    Column(
        "出生日期", "birth_date", P, Kind.date, in_template=False, note="可选，须与身份证号一致"
    ),
    Column(
        "监护人",
        "guardian",
        P,
        in_template=False,
        note="旧版模板的一列，如“女儿 张丽 13800000000”；新文件请分列填写",
    ),
    Column(
        "照料人",
        "caregiver",
        P,
        in_template=False,
        note="旧版模板的一列，如“邻居 陈阿姨”；新文件请分列填写",
    ),
)

BY_FIELD = {c.field: c for c in COLUMNS}
KEY = BY_FIELD["household_key"]
REQUIRED = tuple(c for c in COLUMNS if c.required)
TEMPLATE_COLUMNS = tuple(c for c in COLUMNS if c.in_template)

_ALIASES = {
    "户号": "household_key",
    "家庭编号": "household_key",
    "区划代码": "region_code",
    "家庭地址": "address",
    "住址": "address",
    "居住地址": "address",
    "身份证号码": "id_number",
    "公民身份号码": "id_number",
    "电话": "phone",
    "手机号": "phone",
    "手机号码": "phone",
    "联系方式": "phone",
    "就读学校": "school",
}
_HEADERS = {
    **{c.header: c.field for c in COLUMNS},
    **{c.field: c.field for c in COLUMNS},
    **_ALIASES,
}
_DECORATION = re.compile(r"[\s\u3000*＊]|[（(][^）)]*[）)]")


def normalise_header(text: str) -> str:
    """A header without spaces, required-marks (*) and bracketed notes (e.g. `*身份证号（18位）`)."""
    return _DECORATION.sub("", text.replace("\ufeff", ""))


def field_of(header: str) -> str | None:
    """The field a header names (its Chinese header, an accepted variant or the field name)."""
    return _HEADERS.get(normalise_header(header))


GROUPING_RULES = (
    "每行填写一名家庭成员；同一户的成员行填写相同的“户编号”，并且必须上下相邻。",
    "同一户编号在文件中不相邻地再次出现时，后出现的各行全部报错。",
    "户级信息（户编号至帮扶需求、已享受政策至紧急情况）以该户第一行为准，其余行可留空。",
    "困难类别、困难子类可填在任何一行：困境老年人、困境儿童、重度残疾人归属该行成员，其余类别归属整户。",
    "多个值之间用分号（; 或 ；）或顿号（、）分隔。",
    "代码列可填写代码或中文名称，如户籍类型填 urban、城镇 或 城市户籍。",
    "一户中任一行有错误时，整户不导入，其他户照常导入；错误明细可在导入记录中下载。",
    "带 * 的列为必填列。",
)
