"""Exact arithmetic for the rules: Decimal only, and an error rather than a rounding.

Every comparison multiplies instead of dividing (I <= 2*L*12*n, never I/(12n) <= 2L), so
only sums and products occur; `exact()` gives them room enough and turns any rounding
into an error, so a figure can never move a household across a line unnoticed.
"""

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from decimal import Context, Decimal, Inexact, Rounded, localcontext

PRECISION = 60
"""Digits: far beyond any sum of 16-digit amounts times a multiplier and a member count."""
_CENT = Decimal("0.01")


@contextmanager
def exact() -> Iterator[Context]:
    """A decimal context in which any rounding raises instead of happening."""
    with localcontext() as context:
        context.prec = PRECISION
        context.traps[Inexact] = True
        context.traps[Rounded] = True
        yield context


def total(amounts: Iterable[Decimal]) -> Decimal:
    """The exact sum of `amounts` (0 for none)."""
    with exact():
        return sum(amounts, Decimal(0))


def text(amount: Decimal) -> str:
    """A canonical string of `amount`: two places when it is a whole number of fen (money,
    areas), else every digit it has; equal values give equal strings, never an exponent."""
    with localcontext() as context:
        context.prec = PRECISION
        if amount == 0:
            return "0.00"
        if amount == amount.quantize(_CENT):
            return f"{amount.quantize(_CENT):f}"
        return f"{amount.normalize():f}"


def plain(number: Decimal) -> str:
    """A multiplier or ratio as written: every significant digit and no more (2, 1.5)."""
    with localcontext() as context:
        context.prec = PRECISION
        return f"{number.normalize():f}" if number else "0"
