"""Exact money: `Decimal` yuan at the edges, integer fen inside."""

from decimal import Decimal
from typing import Annotated

from pydantic import AfterValidator, PlainSerializer, WithJsonSchema

FEN_PER_YUAN = 100
_CENT = Decimal("0.01")


class SubFenAmountError(ValueError):
    """An amount with more than two decimal places cannot be stored exactly."""


def yuan_to_fen(amount: Decimal) -> int:
    """Convert yuan to fen, refusing anything finer than a fen."""
    if not amount.is_finite():
        raise SubFenAmountError("amount must be a finite number")
    fen = amount * FEN_PER_YUAN
    if fen != fen.to_integral_value():
        raise SubFenAmountError("amount has more than two decimal places")
    return int(fen)


def fen_to_yuan(fen: int) -> Decimal:
    return (Decimal(fen) / FEN_PER_YUAN).quantize(_CENT)


def _two_places(amount: Decimal) -> Decimal:
    yuan_to_fen(amount)
    return amount.quantize(_CENT)


Yuan = Annotated[
    Decimal,
    AfterValidator(_two_places),
    PlainSerializer(lambda amount: f"{amount:.2f}", return_type=str),
    WithJsonSchema(
        {"type": "string", "pattern": r"^-?\d+(\.\d{1,2})?$", "examples": ["546.00"]},
        mode="serialization",
    ),
]
"""Money in JSON: a decimal string in yuan with two places ("546.00")."""
