"""Numbers as the NACC publishes them: two decimals, rounded half up."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

TWO_PLACES = Decimal("0.01")


def round2(value: Decimal) -> Decimal:
    """93.2558 → 93.26, 84.995 → 85.00 (half up, as published; not Python's half even)."""
    return value.quantize(TWO_PLACES, rounding=ROUND_HALF_UP)
