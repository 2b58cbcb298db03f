"""Service records (服务记录): a volunteer's visit, call or errand for the elder of a pair."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlmodel import Field

from models.actor import ACTOR_LENGTH
from models.base import Table, enum_type
from models.enums import ServiceKind


class ServiceRecord(Table, table=True):
    __tablename__ = "service_record"
    __table_args__ = (sa.CheckConstraint("minutes BETWEEN 1 AND 720", name="minutes_range"),)

    pair_id: int = Field(foreign_key="pair.id", index=True)
    served_on: date = Field(index=True)
    kind: ServiceKind = Field(sa_type=enum_type(ServiceKind))
    minutes: int
    note: str = Field(default="", max_length=500)
    recorded_by: str = Field(max_length=ACTOR_LENGTH)
