"""Masked personal identifiers, as shown to people who need to recognise, not read, them.

``110101199003071234`` -> ``1101**********1234``; ``13812345678`` -> ``138****5678``. A masked
value never shows more than the start (region or carrier) and the last digits; short values
show at most half of their characters.
"""

from __future__ import annotations

import enum
import math

MASK = "*"


class Identifier(enum.Enum):
    """The kinds of identifiers stored encrypted."""

    ID_NUMBER = "id_number"
    PHONE = "phone"


def _masked(value: str, head: int, tail: int) -> str:
    hidden = len(value) - head - tail
    return value[:head] + MASK * hidden + (value[-tail:] if tail else "")


def mask_id_number(value: str) -> str:
    """The first 4 (province and city) and last 4 characters of an ID number; the rest hidden.

    Shorter values (a 15-digit first-generation number) show a quarter at each end.
    """
    keep = 4 if len(value) >= 16 else len(value) // 4
    return _masked(value, keep, keep)


def mask_phone(value: str) -> str:
    """Mobile numbers and longer keep their first 3 and last 4 digits (``138****5678``);
    shorter ones (landlines) their first and last 2 at most, with at least half hidden."""
    length = len(value)
    if length >= 11:
        return _masked(value, 3, 4)
    hidden = min(length, max(4, math.ceil(length / 2)))
    tail = min(2, length - hidden)
    return _masked(value, length - hidden - tail, tail)


def mask(kind: Identifier, value: str) -> str:
    """``value`` masked as its ``kind`` requires."""
    return mask_id_number(value) if kind is Identifier.ID_NUMBER else mask_phone(value)
