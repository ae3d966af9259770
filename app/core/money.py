"""Exact money: `Decimal` yuan at the edges, integer fen inside."""

import re
from decimal import Decimal, Inexact, InvalidOperation, localcontext
from typing import Annotated

from pydantic import AfterValidator, BeforeValidator, PlainSerializer, WithJsonSchema

from app.core.field_messages import field_error

FEN_PER_YUAN = 100
MAX_FEN = 2**63 - 1
"""The largest amount a BIGINT column holds."""
_CENT = Decimal("0.01")
_PRECISION = 60
MONEY_PATTERN = r"^-?[0-9]{1,17}(\.[0-9]{1,2})?$"
_MONEY = re.compile(MONEY_PATTERN)


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
    with localcontext() as context:
        context.prec = _PRECISION
        return (Decimal(fen) / FEN_PER_YUAN).quantize(_CENT)


def _decimal_string(value: object) -> object:
    """JSON money must be a string: a float has already lost exactness."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, str) and _MONEY.match(value):
        try:
            return Decimal(value)
        except InvalidOperation:
            pass
    raise field_error("money_format")


def _two_places(amount: Decimal) -> Decimal:
    try:
        yuan_to_fen(amount)
    except SubFenAmountError:
        raise field_error("money_format") from None
    return amount.quantize(_CENT)


_SCHEMA = {"type": "string", "pattern": MONEY_PATTERN, "examples": ["546.00"]}

Yuan = Annotated[
    Decimal,
    BeforeValidator(_decimal_string),
    AfterValidator(_two_places),
    PlainSerializer(lambda amount: f"{amount:.2f}", return_type=str),
    WithJsonSchema(_SCHEMA, mode="validation"),
    WithJsonSchema(_SCHEMA, mode="serialization"),
]
"""Money in JSON: a decimal string in yuan with two places ("546.00")."""
