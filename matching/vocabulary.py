"""Shared codes between the tables and the optimiser: weekly slots and care needs.

The optimiser itself treats slots, languages, needs and skills as opaque values; these helpers
fix the encoding the jobs layer uses so that explanations can name a slot ("Tuesday mornings").
"""

from __future__ import annotations

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
DAY_PARTS = ("morning", "afternoon", "evening")
"""Same order as ``models.enums.DayPart``; the slot code depends on it."""

SLOTS_PER_WEEK = len(WEEKDAYS) * len(DAY_PARTS)

DEFAULT_NEED_SKILLS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("visits", ("companionship",)),
    ("calls", ("companionship", "psychological_counselling")),
    ("errands", ("errands", "housework")),
    ("medical_accompaniment", ("medical",)),
    ("psychological_support", ("psychological_counselling",)),
)
"""Which volunteer skills meet which elder care need (``models.enums.CareNeed`` -> ``Skill``).

A need missing from the table is met by a skill of the same name.
"""


def slot_code(weekday: int, day_part: str) -> int:
    """The integer code of a weekly slot: ``weekday * 3 + day part`` (Monday morning = 0).

    ``weekday`` is 0 (Monday) to 6; ``day_part`` is ``morning``, ``afternoon`` or ``evening``.
    """
    if not 0 <= weekday < len(WEEKDAYS):
        raise ValueError(f"weekday {weekday} is not 0 (Monday) to 6 (Sunday)")
    if day_part not in DAY_PARTS:
        raise ValueError(f"day part {day_part!r} is not one of {', '.join(DAY_PARTS)}")
    return weekday * len(DAY_PARTS) + DAY_PARTS.index(day_part)


def slot_label(code: int) -> str:
    """Words for a slot code made by :func:`slot_code` ("Tuesday mornings"); others: "slot 42"."""
    if 0 <= code < SLOTS_PER_WEEK:
        weekday, part = divmod(code, len(DAY_PARTS))
        return f"{WEEKDAYS[weekday]} {DAY_PARTS[part]}s"
    return f"slot {code}"
