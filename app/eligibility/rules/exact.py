"""Exact arithmetic for the rules: Decimal only, and an error rather than a rounding.

Every comparison multiplies instead of dividing (I <= 2*L*12*n, never I/(12n) <= 2L), so
only sums and products occur; they run in `EXACT`, a context with room enough in which
any rounding raises, so a figure can never move a household across a line unnoticed.
The contexts are built once and passed to each operation: the rules run millions of
times in a simulation, and entering a local context per figure would cost more than the
figure.
"""

from collections.abc import Iterable
from decimal import Context, Decimal, Inexact, Rounded
from functools import reduce

PRECISION = 60
"""Digits: far beyond any sum of 16-digit amounts times a multiplier and a member count."""
WIDE = Context(prec=PRECISION)
"""Room for every digit of a figure (its traps the default ones): for shaping strings."""
EXACT = Context(prec=PRECISION)
"""`WIDE` in which any rounding raises instead of happening."""
EXACT.traps[Inexact] = True
EXACT.traps[Rounded] = True
_CENT = Decimal("0.01")
_ZERO = Decimal(0)


def total(amounts: Iterable[Decimal]) -> Decimal:
    """The exact sum of `amounts` (0 for none)."""
    return reduce(EXACT.add, amounts, _ZERO)


def product(first: Decimal, *factors: Decimal | int) -> Decimal:
    """The exact product of `first` and `factors`, left to right."""
    return reduce(EXACT.multiply, factors, first)


def quotient(dividend: Decimal, divisor: Decimal | int) -> Decimal:
    """`dividend` / `divisor` when it is a finite decimal; raises when it would be rounded."""
    return EXACT.divide(dividend, divisor)


def text(amount: Decimal) -> str:
    """A canonical string of `amount`: two places when it is a whole number of fen (money,
    areas), else every digit it has; equal values give equal strings, never an exponent."""
    if amount == 0:
        return "0.00"
    cents = amount.quantize(_CENT, context=WIDE)
    if amount == cents:
        return f"{cents:f}"
    return f"{amount.normalize(WIDE):f}"


def plain(number: Decimal) -> str:
    """A multiplier or ratio as written: every significant digit and no more (2, 1.5)."""
    return f"{number.normalize(WIDE):f}" if number else "0"
