"""Social workers' cases: which households a social worker is assigned to.

A social worker sees and works on the households of their active assignments only. Ending an
assignment keeps its row (who worked on which case, and when, stays on record).
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlmodel import Field

from models.actor import ACTOR_LENGTH
from models.base import Table


class CaseAssignment(Table, table=True):
    __tablename__ = "case_assignment"
    __table_args__ = (
        # One active assignment of a household to a worker at a time.
        sa.Index(
            "uq_case_assignment_active",
            "user_id",
            "household_id",
            unique=True,
            sqlite_where=sa.text("ended_on IS NULL"),
            postgresql_where=sa.text("ended_on IS NULL"),
        ),
        sa.CheckConstraint("ended_on IS NULL OR ended_on >= assigned_on", name="ends_after_start"),
    )

    user_id: int = Field(foreign_key="app_user.id", index=True)
    """The social worker's account."""
    household_id: int = Field(foreign_key="household.id", index=True)
    assigned_on: date
    ended_on: date | None = None
    assigned_by: str = Field(max_length=ACTOR_LENGTH)
    ended_by: str | None = Field(default=None, max_length=ACTOR_LENGTH)
