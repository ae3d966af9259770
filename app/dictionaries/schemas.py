from enum import StrEnum
from functools import cache

from pydantic import BaseModel, ConfigDict, Field

from app.dictionaries.catalog import CATALOG


@cache
def code_enum(table: str) -> type[StrEnum]:
    """The built-in codes of a fixed table as a StrEnum, so schemas list them."""
    found = next((t for t in CATALOG if t.name == table), None)
    if found is None or found.extensible:
        raise LookupError(f"{table!r} is not a fixed built-in code table")
    class_name = "".join(part.title() for part in table.split("_"))
    return StrEnum(class_name, [(c.code, c.code) for c in found.codes])  # type: ignore[return-value]


class Labels(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    zh_cn: str = Field(alias="zh-CN", description="Label in simplified Chinese.")
    en: str = Field(description="Label in English.")


class CodeOut(BaseModel):
    code: str = Field(description="Stable lower_snake_case code; never renamed.")
    labels: Labels = Field(description="Display labels by language.")
    group: str | None = Field(description="Code of the `group_table` entry this code belongs to, if any.")
    builtin: bool = Field(description="True for codes shipped with the product; false for codes added locally.")


class CodeTableOut(BaseModel):
    name: str = Field(description="Table name, used as the field's code type elsewhere in the API.")
    labels: Labels = Field(description="Display name of the table by language.")
    source: str = Field(description="Where the list comes from: DOMAIN.md section or seed clause.")
    extensible: bool = Field(description="Whether administrators may add codes to this table.")
    group_table: str | None = Field(description="Table whose codes the `group` of each code refers to.")
    codes: list[CodeOut] = Field(description="Active codes, built-in first, in display order.")


class DictionariesOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "tables": [
                        {
                            "name": "target_type",
                            "labels": {"zh-CN": "帮扶对象类型", "en": "Target type"},
                            "source": "DOMAIN 3; Yubei 3(1)",
                            "extensible": False,
                            "group_table": None,
                            "codes": [
                                {
                                    "code": "dibao",
                                    "labels": {"zh-CN": "城市低保对象", "en": "Urban dibao recipient"},
                                    "group": None,
                                    "builtin": True,
                                }
                            ],
                        }
                    ]
                }
            ]
        }
    )

    tables: list[CodeTableOut] = Field(description="Every code table of the product.")
