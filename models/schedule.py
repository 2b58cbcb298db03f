"""Scheduled work: one row per schedule slot, so each slot runs once however many processes
tick (the unique key decides), and a slot claimed by a process that then died is retried."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field

from models.base import Table, UTCDateTime

CLAIMED = "claimed"
DONE = "done"


class ScheduleSlot(Table, table=True):
    __tablename__ = "schedule_slot"
    __table_args__ = (
        sa.UniqueConstraint("name", "slot_start"),
        sa.CheckConstraint("status IN ('claimed', 'done')", name="status_known"),
        sa.CheckConstraint("missed >= 0", name="missed_non_negative"),
    )

    name: str = Field(max_length=64)
    """The schedule (e.g. nightly_rematch)."""
    slot_start: datetime = Field(sa_type=UTCDateTime)
    status: str = Field(default=CLAIMED, max_length=16)
    missed: int = 0
    """Earlier slots nobody ran (no process was up); this one stands in for them."""
    detail: dict[str, Any] = Field(default_factory=dict, sa_type=sa.JSON)
