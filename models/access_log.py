"""The access log: who read which sensitive fields of which records, who revealed a full value
and why, and who changed what (before and after). Append-only: the database refuses to update
or delete its rows (``models.append_only``), so the application cannot alter it.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlmodel import Field

from models.actor import ACTOR_LENGTH
from models.base import Table, enum_type
from models.enums import AccessKind


class AccessLogEntry(Table, table=True):
    __tablename__ = "access_log"
    __table_args__ = (
        sa.CheckConstraint("kind <> 'reveal' OR purpose IS NOT NULL", name="reveal_states_purpose"),
        sa.Index("ix_access_log_record", "record_type", "record_id"),
    )

    kind: AccessKind = Field(sa_type=enum_type(AccessKind), index=True)
    actor: str = Field(max_length=ACTOR_LENGTH, index=True)
    """``user:<name>``, a job or the command line (as in history rows)."""
    user_id: int | None = Field(default=None, index=True)
    """The account (no foreign key: the log outlives accounts)."""
    role: str | None = Field(default=None, max_length=32)
    request_id: str | None = Field(default=None, max_length=128)
    record_type: str = Field(max_length=64)
    """The GraphQL type of the record (``Person``, ``Household``, ``Volunteer``...)."""
    record_id: int
    fields: list[str] = Field(default_factory=list, sa_type=sa.JSON)
    """The sensitive fields read, revealed or changed."""
    purpose: str | None = Field(default=None, max_length=500)
    """Why a full value was revealed (required for reveals)."""
    before: dict[str, Any] | None = Field(default=None, sa_type=sa.JSON)
    after: dict[str, Any] | None = Field(default=None, sa_type=sa.JSON)
    """For changes: the changed fields' values before and after (identifiers masked)."""
