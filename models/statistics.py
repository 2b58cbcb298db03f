"""Weekly figures per street, written by the ``weekly_statistics`` schedule: one row per
(week, street), replaced whole if the week is computed again."""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field

from models.base import Table


class WeeklyStatistics(Table, table=True):
    __tablename__ = "weekly_statistics"
    __table_args__ = (sa.UniqueConstraint("week_of", "street_id"),)

    week_of: date = Field(index=True)
    """The Monday the week starts on; the figures are as of that day."""
    street_id: int = Field(foreign_key="street.id", index=True)
    figures: dict[str, Any] = Field(default_factory=dict, sa_type=sa.JSON)
