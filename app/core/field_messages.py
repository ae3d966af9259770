"""Field errors of a 422: one stable code per kind of error, a message in zh-CN and en.

A 422 body lists `errors: [{loc, msg, code}]`. `code` names the kind of error and
is the same in every language and every domain; `msg` is rendered in the
negotiated language from the code's template and the parameters the raiser
gave (or pydantic's context). Domains register the codes of their own rules
with `register_field_messages` at import time; a test fails when any code the
application raises is not registered.

Request validation by pydantic is mapped onto a small set of core codes:

| code | pydantic error types |
| --- | --- |
| `missing` | missing, missing_argument, ... (also a required value given as null) |
| `unknown_field` | extra_forbidden, unexpected_keyword_argument |
| `wrong_type` | string_type, list_type, dict_type, model_type, ... |
| `too_long` / `too_short` | string_too_long, too_long / string_too_short, too_short |
| `pattern` | string_pattern_mismatch |
| `not_a_number` / `not_an_integer` | float_*, decimal_* / int_* |
| `too_large` / `too_small` | less_than(_equal) / greater_than(_equal) |
| `too_many_digits` / `too_many_decimals` | decimal_max_digits / decimal_max_places |
| `not_a_boolean` | bool_parsing, bool_type |
| `not_a_date` / `not_a_datetime` | date_* / datetime_*, timezone_* |
| `date_in_future` / `date_in_past` | date_past / date_future |
| `not_a_uuid` | uuid_* |
| `unknown_code` | enum, literal_error (and every value that is not a code of a dictionary table) |
| `invalid` | anything else: the generic fallback |

A validator that needs its own code raises `field_error(code, ...)`, whose
code must be registered like any other.
"""

import re
import string
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic_core import PydanticCustomError

from app.core.i18n import Language

GENERIC_CODE = "invalid"
"""The code of a pydantic error type the mapping does not name."""


@dataclass(frozen=True, slots=True)
class FieldMessage:
    """Templates of one code's message; `{name}` is filled from the error's parameters.

    A parameter given as `name_zh` and `name_en` is filled in the chosen language.
    """

    zh: str
    en: str


@dataclass(frozen=True, slots=True)
class FieldIssue:
    """One field's error as raised: where, which code, the parameters of its message."""

    loc: list[str | int]
    code: str
    params: Mapping[str, object] = field(default_factory=dict)


_FIELD_MESSAGES: dict[str, FieldMessage] = {}


def register_field_messages(messages: dict[str, FieldMessage]) -> None:
    duplicated = _FIELD_MESSAGES.keys() & messages.keys()
    if duplicated:
        raise ValueError(f"field-error codes registered twice: {sorted(duplicated)}")
    _FIELD_MESSAGES.update(messages)


def registered_codes() -> frozenset[str]:
    return frozenset(_FIELD_MESSAGES)


def field_message(code: str) -> FieldMessage:
    return _FIELD_MESSAGES[code]


class _Params(dict[str, object]):
    """Parameters for a template; one the raiser left out stays visible as `{name}`."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def _localised(params: Mapping[str, object], language: Language) -> _Params:
    suffix = "_en" if language == "en" else "_zh"
    resolved = _Params({k: v for k, v in params.items() if not k.endswith(("_zh", "_en"))})
    for key, value in params.items():
        if key.endswith(suffix):
            resolved[key.removesuffix(suffix)] = value
    return resolved


def render_field(code: str, language: Language, params: Mapping[str, object]) -> str:
    """The message of a code in a language; an unregistered code renders as `invalid`."""
    message = _FIELD_MESSAGES.get(code) or _FIELD_MESSAGES[GENERIC_CODE]
    template = message.en if language == "en" else message.zh
    return string.Formatter().vformat(template, (), _localised(params, language))


def template_fields(message: FieldMessage) -> frozenset[str]:
    """The parameters a message's templates name (without the `_zh`/`_en` suffix)."""
    return frozenset(
        name
        for template in (message.zh, message.en)
        for _, name, _, _ in string.Formatter().parse(template)
        if name
    )


def field_error(code: str, **params: object) -> PydanticCustomError:
    """What a pydantic validator raises for a rule with its own code."""
    return PydanticCustomError(code, field_message(code).en, params)


CHARACTERS = {"unit_zh": "个字符", "unit_en": "characters"}
ITEMS = {"unit_zh": "项", "unit_en": "items"}
DAYS = {"unit_zh": "天", "unit_en": "days"}
MONTHS = {"unit_zh": "个月", "unit_en": "months"}


def object_named(zh: str, en: str) -> dict[str, object]:
    """The `object` parameter of `not_found`."""
    return {"object_zh": zh, "object_en": en}


def at_least(limit: object) -> dict[str, object]:
    return {"comparison_zh": "不能小于", "comparison_en": "at least", "limit": limit}


def above(limit: object) -> dict[str, object]:
    return {"comparison_zh": "须大于", "comparison_en": "greater than", "limit": limit}


def at_most(limit: object) -> dict[str, object]:
    return {"comparison_zh": "不能大于", "comparison_en": "at most", "limit": limit}


def below(limit: object) -> dict[str, object]:
    return {"comparison_zh": "须小于", "comparison_en": "less than", "limit": limit}


@dataclass(frozen=True, slots=True)
class _Rule:
    code: str
    bound: str | None = None
    """The context key holding the bound of a comparison (`ge`, `lt`...)."""
    unit: Mapping[str, str] | None = None


_COMPARISONS = {"gt": above, "ge": at_least, "lt": below, "le": at_most}
_DECIMAL_REPR = re.compile(r"Decimal\('([^']*)'\)")


def _bound(value: object) -> object:
    """A bound as a person writes it: pydantic reports the bound of a constraint that runs
    after a validator of ours (money) as its repr, `Decimal('99999999.99')`."""
    found = _DECIMAL_REPR.fullmatch(value) if isinstance(value, str) else None
    return found[1] if found else value


_PYDANTIC: dict[str, _Rule] = {
    **dict.fromkeys(
        (
            "missing",
            "missing_argument",
            "missing_keyword_only_argument",
            "missing_positional_only_argument",
        ),
        _Rule("missing"),
    ),
    "extra_forbidden": _Rule("unknown_field"),
    "unexpected_keyword_argument": _Rule("unknown_field"),
    "string_too_long": _Rule("too_long", unit=CHARACTERS),
    "too_long": _Rule("too_long", unit=ITEMS),
    "string_too_short": _Rule("too_short", unit=CHARACTERS),
    "too_short": _Rule("too_short", unit=ITEMS),
    "string_pattern_mismatch": _Rule("pattern"),
    **dict.fromkeys(
        (
            "float_parsing",
            "float_type",
            "decimal_parsing",
            "decimal_type",
            "decimal_not_finite",
            "finite_number",
        ),
        _Rule("not_a_number"),
    ),
    **dict.fromkeys(
        ("int_parsing", "int_type", "int_from_float", "int_parsing_size"),
        _Rule("not_an_integer"),
    ),
    "greater_than": _Rule("too_small", bound="gt"),
    "greater_than_equal": _Rule("too_small", bound="ge"),
    "less_than": _Rule("too_large", bound="lt"),
    "less_than_equal": _Rule("too_large", bound="le"),
    "decimal_max_digits": _Rule("too_many_digits"),
    "decimal_whole_digits": _Rule("too_many_digits"),
    "decimal_max_places": _Rule("too_many_decimals"),
    "bool_parsing": _Rule("not_a_boolean"),
    "bool_type": _Rule("not_a_boolean"),
    **dict.fromkeys(
        ("date_parsing", "date_type", "date_from_datetime_parsing", "date_from_datetime_inexact"),
        _Rule("not_a_date"),
    ),
    **dict.fromkeys(
        (
            "datetime_parsing",
            "datetime_type",
            "datetime_from_date_parsing",
            "timezone_aware",
            "timezone_naive",
        ),
        _Rule("not_a_datetime"),
    ),
    "date_past": _Rule("date_in_future"),
    "date_future": _Rule("date_in_past"),
    **dict.fromkeys(("uuid_parsing", "uuid_type", "uuid_version"), _Rule("not_a_uuid")),
    "enum": _Rule("unknown_code"),
    "literal_error": _Rule("unknown_code"),
    **dict.fromkeys(
        (
            "string_type",
            "string_unicode",
            "string_sub_type",
            "bytes_type",
            "list_type",
            "tuple_type",
            "set_type",
            "dict_type",
            "model_type",
            "model_attributes_type",
            "dataclass_type",
            "is_instance_of",
            "none_required",
            "json_type",
        ),
        _Rule("wrong_type"),
    ),
}


def pydantic_types() -> frozenset[str]:
    """The pydantic error types mapped onto a core code."""
    return frozenset(_PYDANTIC)


def from_pydantic(
    error_type: str, context: Mapping[str, Any] | None
) -> tuple[str, dict[str, object]]:
    """The code and parameters of one pydantic error.

    A type of our own (`field_error`) keeps its code when it is registered; an
    unknown one falls back to `invalid`.
    """
    context = dict(context or {})
    rule = _PYDANTIC.get(error_type)
    if rule is None:
        code = error_type if error_type in _FIELD_MESSAGES else GENERIC_CODE
        return code, context
    params: dict[str, object] = dict(context)
    if rule.bound is not None:
        params.update(_COMPARISONS[rule.bound](_bound(context.get(rule.bound, "?"))))
    if rule.unit is not None:
        params.update(rule.unit)
    return rule.code, params


register_field_messages(
    {
        GENERIC_CODE: FieldMessage("取值不正确", "invalid value"),
        "missing": FieldMessage("此项必填", "a value is required"),
        "unknown_field": FieldMessage("不接受此字段", "this field is not accepted"),
        "wrong_type": FieldMessage("取值的类型不正确", "the value has the wrong type"),
        "too_long": FieldMessage("不能超过 {max_length} {unit}", "at most {max_length} {unit}"),
        "too_short": FieldMessage("不能少于 {min_length} {unit}", "at least {min_length} {unit}"),
        "pattern": FieldMessage("格式不符合要求", "does not have the required format"),
        "not_a_number": FieldMessage("须为数字", "must be a number"),
        "not_an_integer": FieldMessage("须为整数", "must be a whole number"),
        "too_large": FieldMessage("{comparison} {limit}", "must be {comparison} {limit}"),
        "too_small": FieldMessage("{comparison} {limit}", "must be {comparison} {limit}"),
        "too_many_digits": FieldMessage("数字位数过多", "has too many digits"),
        "too_many_decimals": FieldMessage(
            "小数不能超过 {decimal_places} 位", "at most {decimal_places} decimal places"
        ),
        "not_a_boolean": FieldMessage("须为 true 或 false", "must be true or false"),
        "not_a_date": FieldMessage("须为日期，格式 YYYY-MM-DD", "must be a date, YYYY-MM-DD"),
        "not_a_datetime": FieldMessage(
            "须为带时区的 ISO 8601 时间", "must be an ISO 8601 timestamp with a time zone"
        ),
        "date_in_future": FieldMessage("不能晚于今天", "may not be in the future"),
        "date_in_past": FieldMessage("不能早于今天", "may not be in the past"),
        "not_a_uuid": FieldMessage("须为 UUID", "must be a UUID"),
        "unknown_code": FieldMessage("不是可用的代码", "not an accepted code"),
        "not_allowed": FieldMessage("此处不接受这个值", "this value is not accepted here"),
        "duplicate": FieldMessage("与另一项重复", "given twice"),
        "not_found": FieldMessage("找不到该{object}", "no such {object}"),
        "too_early": FieldMessage("不能早于 {earliest}", "may not be before {earliest}"),
        "range_too_long": FieldMessage(
            "范围不能超过 {limit} {unit}", "at most {limit} {unit} apart"
        ),
        "required_for_kind": FieldMessage("{kind} 类须填写此项", "required for kind {kind}"),
        "not_for_kind": FieldMessage("{kind} 类不填写此项", "not a field of kind {kind}"),
        "invalid_cursor": FieldMessage(
            "游标无效，或属于另一个查询", "the cursor is invalid or belongs to another query"
        ),
        "file_empty": FieldMessage("文件为空", "the file is empty"),
        "too_many_files": FieldMessage("只能上传一个文件", "send one file"),
        "money_format": FieldMessage(
            '金额须为以元为单位、最多两位小数的字符串，如 "546.00"',
            'money is a decimal string in yuan with at most two places, e.g. "546.00"',
        ),
    }
)
