"""The district's policy parameters as stored, dated rows (see ``assessment.policy``).

Rows are appended, never changed (a trigger refuses it): a new value from a date is a row, a
correction is a row with the same effective date recorded later. ``revision`` is the highest row
id a computation saw, so a stored score or benefit can be recomputed with exactly the rows that
existed when it was decided.
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlmodel import Field

from models.actor import ACTOR_LENGTH
from models.base import Table


class PolicyParameter(Table, table=True):
    __tablename__ = "policy_parameter"
    __table_args__ = (sa.UniqueConstraint("name", "effective_on", "recorded_on"),)

    name: str = Field(max_length=64, index=True)
    effective_on: date
    recorded_on: date
    value: str = Field(max_length=32)
    """Exact: a whole number ("145000") or a fraction ("3/2")."""
    note: str = Field(default="", max_length=500)
    source: str = Field(max_length=100)
    """``file:<version>`` for rows loaded from a policy file, ``api`` for changes made there."""
    recorded_by: str = Field(default="system", max_length=ACTOR_LENGTH)
