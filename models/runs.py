"""What every optimisation run has: an idempotency key, parameters, a lifecycle and progress.

Matching runs and allocation runs share these columns (and ``jobs.run_lifecycle`` the code
that moves them), so a client reads the progress of either the same way.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from models.base import UTCDateTime, enum_type
from models.enums import RunStatus

FINISHED = (RunStatus.SUCCEEDED, RunStatus.FAILED, RunStatus.CANCELLED)


def progress_check() -> sa.CheckConstraint:
    return sa.CheckConstraint("progress_percent BETWEEN 0 AND 100", name="progress_range")


class RunFields(SQLModel):
    """Columns of a run table (mix in beside ``Table`` and ``Versioned``)."""

    key: str = Field(max_length=128, unique=True)
    """Idempotency key: starting a run with a key that exists returns that run."""
    params: dict[str, Any] = Field(default_factory=dict, sa_type=sa.JSON)
    seed: int = 0
    status: RunStatus = Field(sa_type=enum_type(RunStatus), index=True)
    progress_percent: int = 0
    progress_phase: str = Field(default="queued", max_length=32)
    progress_message: str = Field(default="", max_length=500)
    error: str | None = Field(default=None, max_length=2000)
    solver_status: str | None = Field(default=None, max_length=32)
    metrics: dict[str, Any] = Field(default_factory=dict, sa_type=sa.JSON)
    started_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    finished_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
