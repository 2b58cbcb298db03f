"""The one rounding rule of the package: half up, to an integer (fen, urgency points).

Python's ``round`` rounds half to even (banker's rounding), which a household reading its
benefit slip would not expect; money here is rounded half up, to the fen, per member.
"""

from __future__ import annotations

from fractions import Fraction


def round_half_up(x: Fraction) -> int:
    """The nearest integer to a non-negative ``x``; halves go up (2.5 -> 3)."""
    if x < 0:
        raise ValueError(f"round_half_up expects a non-negative amount, not {x}")
    return int((x * 2 + 1) // 2)
