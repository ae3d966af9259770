from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import core_schema

from app.core.field_messages import field_error
from app.dictionaries.catalog import CATALOG


class OneOf:
    """`Annotated[str, OneOf(codes)]`: one of the codes the catalog defines.

    Validates against them (`unknown_code`) and lists them as an enum in the
    OpenAPI schema, without a hand-written copy of the list.
    """

    def __init__(self, codes: tuple[str, ...]) -> None:
        self.codes = codes

    def __get_pydantic_core_schema__(
        self, source: type[Any], handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_after_validator_function(self._check, handler(source))

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        json_schema = handler(schema)
        json_schema["enum"] = list(self.codes)
        return json_schema

    def _check(self, value: str) -> str:
        if value not in self.codes:
            raise field_error("unknown_code")
        return value


class CodeOf(OneOf):
    """`Annotated[str, CodeOf("table")]`: a code of a fixed built-in table."""

    def __init__(self, table: str) -> None:
        found = next((t for t in CATALOG if t.name == table), None)
        if found is None or found.extensible:
            raise LookupError(f"{table!r} is not a fixed built-in code table")
        self.table = table
        super().__init__(tuple(c.code for c in found.codes))


ExtensibleTable = Annotated[str, OneOf(tuple(t.name for t in CATALOG if t.extensible))]
"""The name of a code table that takes additions."""


class Labels(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    zh_cn: str = Field(alias="zh-CN", description="Label in simplified Chinese.")
    en: str = Field(description="Label in English.")


class PersonRuleOut(BaseModel):
    """Whom a code of people fits; a category outside it is refused (`category_not_plausible`)."""

    min_age: int | None = Field(
        description="Youngest age in full years (周岁) on the day recorded; null: no lower bound."
    )
    max_age: int | None = Field(
        description="Oldest age in full years on the day recorded; null: no upper bound."
    )
    disability_grades: list[Annotated[str, CodeOf("disability_grade")]] | None = Field(
        description="Disability grades (dictionary `disability_grade`) the person must have "
        "when a grade is recorded; null: any."
    )
    source: str = Field(description="The norm the thresholds come from.")


class CodeOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "code": "flood_damage",
                    "labels": {"zh-CN": "洪涝受灾", "en": "Flood damage"},
                    "group": None,
                    "builtin": False,
                    "attributes": None,
                    "person_rule": None,
                }
            ]
        }
    )

    code: str = Field(description="Stable lower_snake_case code; never renamed.")
    labels: Labels = Field(description="Display labels by language.")
    group: str | None = Field(
        description="Code of the `group_table` entry this code belongs to, if any."
    )
    builtin: bool = Field(
        description="True for codes shipped with the product; false for codes added locally."
    )
    attributes: dict[str, bool | int | str] | None = Field(
        default=None,
        description="Facts about the code that rules read, e.g. `holds_id_image: true` on a "
        "`document_kind` whose documents show an ID number (served only to roles that see "
        "ID numbers whole); null when it has none.",
    )
    person_rule: PersonRuleOut | None = Field(
        default=None,
        description="For codes of people (vulnerability categories and subtypes): the ages and "
        "disability grades the person must have; null when the code has no such rule.",
    )


class CodeTableOut(BaseModel):
    name: str = Field(description="Table name, used as the field's code type elsewhere in the API.")
    labels: Labels = Field(description="Display name of the table by language.")
    source: str = Field(description="Where the list comes from: DOMAIN.md section or seed clause.")
    extensible: bool = Field(description="Whether administrators may add codes to this table.")
    group_table: str | None = Field(
        description="Table whose codes the `group` of each code refers to."
    )
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
                                    "labels": {
                                        "zh-CN": "城市低保对象",
                                        "en": "Urban dibao recipient",
                                    },
                                    "group": None,
                                    "builtin": True,
                                    "attributes": None,
                                    "person_rule": None,
                                }
                            ],
                        }
                    ]
                }
            ]
        }
    )

    tables: list[CodeTableOut] = Field(description="Every code table of the product.")


class CodeIn(BaseModel):
    code: str = Field(pattern=r"^[a-z][a-z0-9_]{0,63}$", description="New lower_snake_case code.")
    label_zh: str = Field(min_length=1, max_length=200, description="Label in simplified Chinese.")
    label_en: str = Field(min_length=1, max_length=200, description="Label in English.")
