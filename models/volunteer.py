"""Volunteers, their station memberships, skills, languages and weekly availability."""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import Field

from models.base import Table, Versioned, enum_type
from models.encrypted import EncryptedText, lookup_hash_field
from models.enums import DayPart, Gender, Skill
from models.geo import coordinate_checks


class Volunteer(Table, Versioned, table=True):
    __tablename__ = "volunteer"
    __table_args__ = (
        *coordinate_checks("home_"),
        *coordinate_checks("work_", nullable=True),
        sa.CheckConstraint("capacity >= 0", name="capacity_non_negative"),
    )

    name: str = Field(max_length=64)
    gender: Gender = Field(sa_type=enum_type(Gender))
    birth_year: int
    phone: str = Field(sa_type=EncryptedText("volunteer.phone"), repr=False)
    """Encrypted at rest; found and kept unique per station by ``phone_hash``."""
    phone_hash: str | None = lookup_hash_field("volunteer.phone", nullable=False)
    home_latitude: float
    home_longitude: float
    work_latitude: float | None = None
    work_longitude: float | None = None
    capacity: int = 1
    """How many standing pairs this volunteer takes at once."""
    vetted: bool = False
    """Background-checked: required for work with children."""
    active: bool = Field(default=True, index=True)


class VolunteerStation(Table, table=True):
    """Membership of a volunteer in a station (a volunteer may serve several)."""

    __tablename__ = "volunteer_station"
    __table_args__ = (sa.UniqueConstraint("volunteer_id", "station_id"),)

    volunteer_id: int = Field(foreign_key="volunteer.id", index=True, ondelete="CASCADE")
    station_id: int = Field(foreign_key="station.id", index=True)


class VolunteerSkill(Table, table=True):
    __tablename__ = "volunteer_skill"
    __table_args__ = (sa.UniqueConstraint("volunteer_id", "skill"),)

    volunteer_id: int = Field(foreign_key="volunteer.id", index=True, ondelete="CASCADE")
    skill: Skill = Field(sa_type=enum_type(Skill), index=True)


class VolunteerLanguage(Table, table=True):
    """A language or dialect a volunteer speaks (normalised lower-case code, e.g. ``mandarin``)."""

    __tablename__ = "volunteer_language"
    __table_args__ = (sa.UniqueConstraint("volunteer_id", "language"),)

    volunteer_id: int = Field(foreign_key="volunteer.id", index=True, ondelete="CASCADE")
    language: str = Field(max_length=32)


class VolunteerAvailability(Table, table=True):
    """A weekly slot (weekday 0 = Monday, part of day) when the volunteer can serve."""

    __tablename__ = "volunteer_availability"
    __table_args__ = (
        sa.UniqueConstraint("volunteer_id", "weekday", "day_part"),
        sa.CheckConstraint("weekday BETWEEN 0 AND 6", name="weekday_range"),
    )

    volunteer_id: int = Field(foreign_key="volunteer.id", index=True, ondelete="CASCADE")
    weekday: int
    day_part: DayPart = Field(sa_type=enum_type(DayPart))
