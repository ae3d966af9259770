"""Chinese resident ID numbers (GB 11643-1999): 18 characters, ISO 7064 MOD 11-2.

Each failed rule has its own code, so a client can tell the user what to fix:
`id_number_length`, `id_number_format`, `id_number_birth_date`,
`id_number_checksum`. The birth date and sex are derived from the number.
"""

import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Annotated, Any

from pydantic import GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import core_schema

from app.core.dates import FIRST_YEAR
from app.core.field_messages import FieldMessage, field_error, register_field_messages

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CHARACTERS = "10X98765432"
_FORMAT = re.compile(r"[1-9][0-9]{16}[0-9X]")
ID_NUMBER_LENGTH = 18
ID_NUMBER_PATTERN = r"^[1-9][0-9]{16}[0-9Xx]$"
"""What a request may send: the form `_FORMAT` takes once upper-cased."""


class Sex(StrEnum):
    male = "male"
    female = "female"


class InvalidIdNumber(ValueError):
    """`code` names the rule that failed."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True, slots=True)
class IdNumber:
    value: str
    birth_date: date
    sex: Sex


def check_character(first17: str) -> str:
    """The ISO 7064 MOD 11-2 check character of the first 17 digits."""
    total = sum(int(digit) * weight for digit, weight in zip(first17, _WEIGHTS, strict=True))
    return _CHECK_CHARACTERS[total % 11]


def parse_id_number(raw: str, *, today: date) -> IdNumber:
    """Validate and normalise (upper-case X) an ID number; raise InvalidIdNumber with the rule's code."""
    value = raw.strip().upper()
    if len(value) != ID_NUMBER_LENGTH:
        raise InvalidIdNumber("id_number_length", "an ID number has 18 characters")
    if not _FORMAT.fullmatch(value):
        raise InvalidIdNumber("id_number_format", "17 digits followed by a digit or X")
    try:
        birth = date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        raise InvalidIdNumber("id_number_birth_date", "the birth date is not a real date") from None
    if birth > today or birth.year < FIRST_YEAR:
        raise InvalidIdNumber(
            "id_number_birth_date", "the birth date is in the future or before 1900"
        )
    if value[17] != check_character(value[:17]):
        raise InvalidIdNumber("id_number_checksum", "the check character does not match")
    sex = Sex.male if int(value[16]) % 2 else Sex.female
    return IdNumber(value, birth, sex)


class IdNumberString:
    """`Annotated[str, IdNumberString()]`: an ID number as a request sends it, 18 characters of
    the stated pattern, each refusal with the rule's code; the birth date and check character
    are `parse_id_number`'s, which needs today."""

    def __get_pydantic_core_schema__(
        self, source: type[Any], handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_after_validator_function(_shape, handler(source))

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return handler(schema) | {
            "minLength": ID_NUMBER_LENGTH,
            "maxLength": ID_NUMBER_LENGTH,
            "pattern": ID_NUMBER_PATTERN,
        }


_PATTERN = re.compile(ID_NUMBER_PATTERN)


def _shape(value: str) -> str:
    if len(value) != ID_NUMBER_LENGTH:
        raise field_error("id_number_length")
    if not _PATTERN.fullmatch(value):
        raise field_error("id_number_format")
    return value


IdNumberText = Annotated[str, IdNumberString()]
"""An ID number in a request body."""


register_field_messages(
    {
        "id_number_length": FieldMessage("身份证号应为 18 位", "an ID number has 18 characters"),
        "id_number_format": FieldMessage(
            "身份证号格式有误：前 17 位为数字，最后一位为数字或 X",
            "17 digits followed by a digit or X",
        ),
        "id_number_birth_date": FieldMessage(
            "身份证号中的出生日期无效（须为 1900 年以后、不晚于今天的真实日期）",
            "the birth date is not a real date between 1900 and today",
        ),
        "id_number_checksum": FieldMessage(
            "身份证号校验位不正确", "the check character does not match"
        ),
    }
)
