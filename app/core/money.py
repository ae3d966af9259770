"""Exact money: `Decimal` yuan at the edges, integer fen inside."""

import re
from decimal import Context, Decimal, Inexact, localcontext
from typing import Annotated, Any

from pydantic import AfterValidator, GetCoreSchemaHandler, GetJsonSchemaHandler, PlainSerializer
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import core_schema

from app.core.field_messages import field_error

FEN_PER_YUAN = 100
MAX_FEN = 2**63 - 1
"""The largest amount a BIGINT column holds."""
_CENT = Decimal("0.01")
_PRECISION = 60
_WIDE = Context(prec=_PRECISION)
MONEY_PATTERN = r"^-?[0-9]{1,16}(\.[0-9]{1,2})?$"
"""Yuan as JSON accepts them: 16 digits before the point keep every amount within BIGINT fen."""


class SubFenAmountError(ValueError):
    """An amount that cannot be stored exactly as integer fen."""


def yuan_to_fen(amount: Decimal) -> int:
    """Convert yuan to fen, refusing anything finer than a fen or beyond BIGINT."""
    if not amount.is_finite():
        raise SubFenAmountError("amount must be a finite number")
    with localcontext() as context:
        context.prec = _PRECISION
        context.traps[Inexact] = True
        try:
            fen = amount * FEN_PER_YUAN
        except Inexact:
            raise SubFenAmountError("amount has too many digits") from None
        if fen != fen.to_integral_value():
            raise SubFenAmountError("amount has more than two decimal places")
    if abs(fen) > MAX_FEN:
        raise SubFenAmountError("amount is too large")
    return int(fen)


def fen_to_yuan(fen: int) -> Decimal:
    """Yuan with exactly two places (the exponent moved, nothing divided): every amount
    read from the ledger passes here, a simulation millions of them."""
    return Decimal(fen).scaleb(-2, _WIDE)


class DecimalString:
    """`Annotated[Decimal, DecimalString(pattern, example)]`: a decimal written as a JSON string.

    The one pattern both checks the input and is what the contract declares, so the two
    cannot drift. A JSON number is refused: a float has already lost exactness. The
    pattern is matched whole (`fullmatch`): Python's `$` also matches before a final
    newline, ECMA-262's (the contract's) does not.
    """

    def __init__(self, pattern: str, example: str, refusal: str) -> None:
        """`refusal`: the field-error code of a value the pattern refuses (core.field_messages)."""
        self.pattern = pattern
        self.example = example
        self.refusal = refusal
        self._compiled = re.compile(pattern)

    def __get_pydantic_core_schema__(
        self, source: type[Any], handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_before_validator_function(self._parse, handler(source))

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return {"type": "string", "pattern": self.pattern, "examples": [self.example]}

    def _parse(self, value: object) -> object:
        if isinstance(value, Decimal):
            return value
        if isinstance(value, str) and self._compiled.fullmatch(value):
            return Decimal(value)
        raise field_error(self.refusal)


def _two_places(amount: Decimal) -> Decimal:
    try:
        yuan_to_fen(amount)
    except SubFenAmountError:
        raise field_error("money_format") from None
    return amount.quantize(_CENT)


Yuan = Annotated[
    Decimal,
    DecimalString(
        MONEY_PATTERN,
        "546.00",
        "money_format",
    ),
    AfterValidator(_two_places),
    PlainSerializer(lambda amount: f"{amount:.2f}", return_type=str),
]
"""Money in JSON: a decimal string in yuan with two places ("546.00")."""
