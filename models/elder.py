"""Elders aged 80+: a profile on a person, with preferences, care needs and wanted visit slots.

Age is derived from the person's birth date; it is never stored as a flag.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import Field

from models.base import Table, Versioned, enum_type
from models.enums import CareNeed, DayPart, Gender
from models.geo import coordinate_checks

ELDER_MIN_AGE = 80


class Elder(Table, Versioned, table=True):
    __tablename__ = "elder"
    __table_args__ = coordinate_checks()

    person_id: int = Field(foreign_key="person.id", unique=True)
    community_id: int = Field(foreign_key="community.id", index=True)
    """Denormalised from the household so lists filter by community without a join chain."""
    latitude: float
    longitude: float
    preferred_volunteer_gender: Gender | None = Field(default=None, sa_type=enum_type(Gender))
    active: bool = Field(default=True, index=True)


class ElderLanguage(Table, table=True):
    __tablename__ = "elder_language"
    __table_args__ = (sa.UniqueConstraint("elder_id", "language"),)

    elder_id: int = Field(foreign_key="elder.id", index=True, ondelete="CASCADE")
    language: str = Field(max_length=32)


class ElderCareNeed(Table, table=True):
    __tablename__ = "elder_care_need"
    __table_args__ = (sa.UniqueConstraint("elder_id", "need"),)

    elder_id: int = Field(foreign_key="elder.id", index=True, ondelete="CASCADE")
    need: CareNeed = Field(sa_type=enum_type(CareNeed))


class ElderVisitSlot(Table, table=True):
    """A weekly slot when the elder wants visits (none stated = any time)."""

    __tablename__ = "elder_visit_slot"
    __table_args__ = (
        sa.UniqueConstraint("elder_id", "weekday", "day_part"),
        sa.CheckConstraint("weekday BETWEEN 0 AND 6", name="weekday_range"),
    )

    elder_id: int = Field(foreign_key="elder.id", index=True, ondelete="CASCADE")
    weekday: int
    day_part: DayPart = Field(sa_type=enum_type(DayPart))
