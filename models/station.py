"""Volunteer stations (志愿服务站)."""

from __future__ import annotations

from sqlmodel import Field

from models.base import Table, Versioned, enum_type
from models.enums import StationKind
from models.geo import coordinate_checks


class Station(Table, Versioned, table=True):
    """A volunteer station of one of four kinds, in a street and usually a community."""

    __tablename__ = "station"
    __table_args__ = coordinate_checks()

    name: str = Field(max_length=128)
    kind: StationKind = Field(sa_type=enum_type(StationKind), index=True)
    street_id: int = Field(foreign_key="street.id", index=True)
    community_id: int | None = Field(default=None, foreign_key="community.id", index=True)
    address: str = Field(max_length=256)
    latitude: float
    longitude: float
    active: bool = True
