"""Standing pairs (结对) of a volunteer with an elder."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlmodel import Field

from models.base import Table, Versioned, enum_type
from models.enums import PairStatus

_LIVE = "status IN ('proposed', 'active')"


class Pair(Table, Versioned, table=True):
    """A pair is proposed, then active, then ended; an elder has at most one live pair."""

    __tablename__ = "pair"
    __table_args__ = (
        sa.Index(
            "uq_pair_elder_live",
            "elder_id",
            unique=True,
            sqlite_where=sa.text(_LIVE),
            postgresql_where=sa.text(_LIVE),
        ),
        sa.CheckConstraint(
            "ended_on IS NULL OR ended_on >= started_on", name="ended_after_started"
        ),
        sa.CheckConstraint("(status = 'ended') = (ended_on IS NOT NULL)", name="ended_has_date"),
    )

    volunteer_id: int = Field(foreign_key="volunteer.id", index=True)
    elder_id: int = Field(foreign_key="elder.id", index=True)
    status: PairStatus = Field(sa_type=enum_type(PairStatus), index=True)
    started_on: date
    ended_on: date | None = None
    end_reason: str | None = Field(default=None, max_length=500)
