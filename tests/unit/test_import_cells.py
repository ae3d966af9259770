"""Reading the cells of a screening file: text, dates, codes, headers, grouping (pure rules)."""

from datetime import date, datetime
from pathlib import Path

import pytest

from app.dictionaries.catalog import CATALOG
from app.dictionaries.schemas import CodeOut, CodeTableOut, DictionariesOut, Labels
from app.imports.codes import CodeBook
from app.imports.columns import field_of
from app.imports.parsing import date_of, groups_of, text_of
from app.imports.sources import detect_encoding, sniff_format


def _book() -> CodeBook:
    return CodeBook.build(
        DictionariesOut(
            tables=[
                CodeTableOut(
                    name=t.name,
                    labels=Labels(zh_cn=t.label_zh, en=t.label_en),
                    source=t.source,
                    extensible=t.extensible,
                    group_table=t.group_table,
                    codes=[
                        CodeOut(
                            code=c.code,
                            labels=Labels(zh_cn=c.label_zh, en=c.label_en),
                            group=c.group,
                            builtin=True,
                        )
                        for c in t.codes
                    ],
                )
                for t in CATALOG
            ]
        )
    )


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, ""),
        ("  张三 ", "张三"),
        (500112001001001.0, "500112001001001"),
        (13800000000, "13800000000"),
        (datetime(2008, 5, 1, 0, 0), "2008-05-01"),
        (1.5, "1.5"),
    ],
)
def test_text_of_a_cell(value: object, text: str) -> None:
    assert text_of(value) == text


@pytest.mark.parametrize(
    "value",
    ["2008-05-01", "2008/5/1", "2008.05.01", "2008年5月1日", "20080501", datetime(2008, 5, 1)],
)
def test_dates_as_offices_write_them(value: object) -> None:
    assert date_of(value) == date(2008, 5, 1)


@pytest.mark.parametrize("value", ["去年", "2008-13-01", "2008-02-30", "08-5-1"])
def test_not_dates(value: str) -> None:
    with pytest.raises(ValueError):  # noqa: PT011 - any ValueError is "not a date"
        date_of(value)


@pytest.mark.parametrize(
    ("table", "text", "code"),
    [
        ("hukou_type", "城镇", "urban"),
        ("hukou_type", "urban", "urban"),
        ("hukou_type", "城市户籍", "urban"),
        ("hukou_type", "Rural", "rural"),
        ("relation_to_head", "本人", "self"),
        ("relation_to_head", "户主本人", "self"),
        ("vulnerability_subtype", "独居", "elderly_living_alone"),
        ("hukou_type", "海外", None),
    ],
)
def test_codes_by_code_label_or_short_name(table: str, text: str, code: str | None) -> None:
    assert _book().code(table, text) == code


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("户编号", "household_key"),
        ("*身份证号（18位）", "id_number"),
        ("\ufeff 户 编 号", "household_key"),
        ("身份证号码", "id_number"),
        ("id_number", "id_number"),
        ("备注", None),
    ],
)
def test_headers(header: str, field: str | None) -> None:
    assert field_of(header) == field


def test_rows_group_by_consecutive_key() -> None:
    rows = [(2, {"household_key": "A"}), (3, {"household_key": "A"}), (4, {"household_key": ""})]
    rows += [(5, {"household_key": ""}), (6, {"household_key": "A"})]
    assert [[n for n, _ in g] for g in groups_of(rows)] == [[2, 3], [4], [5], [6]]


def test_encoding_detection(tmp_path: Path) -> None:
    utf8, gb = tmp_path / "u.csv", tmp_path / "g.csv"
    utf8.write_bytes("\ufeff户编号".encode())
    gb.write_bytes("户编号,姓名".encode("gb18030"))
    assert (detect_encoding(utf8), detect_encoding(gb)) == ("utf-8", "gb18030")


def test_formats_by_content() -> None:
    assert sniff_format(b"PK\x03\x04") == "xlsx"
    assert sniff_format("户编号".encode()) == "csv"
    assert sniff_format(b"\xd0\xcf\x11\xe0") is None
