"""The administrative skeleton: District > Street > Community."""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import Field

from models.base import Table, Versioned


def coordinate_checks(
    prefix: str = "", *, nullable: bool = False
) -> tuple[sa.CheckConstraint, ...]:
    """CHECK constraints keeping a latitude/longitude pair on the globe (both or neither)."""
    lat, lon = f"{prefix}latitude", f"{prefix}longitude"
    checks = [
        sa.CheckConstraint(f"{lat} BETWEEN -90 AND 90", name=f"{lat}_range"),
        sa.CheckConstraint(f"{lon} BETWEEN -180 AND 180", name=f"{lon}_range"),
    ]
    if nullable:
        checks.append(
            sa.CheckConstraint(f"({lat} IS NULL) = ({lon} IS NULL)", name=f"{prefix}point_whole")
        )
    return tuple(checks)


class District(Table, Versioned, table=True):
    __tablename__ = "district"

    name: str = Field(max_length=64, unique=True)
    code: str | None = Field(default=None, max_length=16)
    active: bool = True


class Street(Table, Versioned, table=True):
    """A street (街道, subdistrict): the front line of civil affairs."""

    __tablename__ = "street"
    __table_args__ = (sa.UniqueConstraint("district_id", "name"),)

    district_id: int = Field(foreign_key="district.id", index=True)
    name: str = Field(max_length=64)
    code: str | None = Field(default=None, max_length=16)
    active: bool = True


class Community(Table, Versioned, table=True):
    """A community (社区); each has a community volunteer station."""

    __tablename__ = "community"
    __table_args__ = (sa.UniqueConstraint("street_id", "name"), *coordinate_checks())

    street_id: int = Field(foreign_key="street.id", index=True)
    name: str = Field(max_length=64)
    latitude: float
    longitude: float
    active: bool = True
