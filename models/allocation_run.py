"""Allocation runs: the optimiser's proposed grants from restricted funds, and its explanations.

A proposal becomes a grant only when a charity officer approves it (through the same award
command as a hand-made grant, so every rule and the ledger apply unchanged).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field

from models.base import Table, UTCDateTime, Versioned, enum_type
from models.enums import ProposalStatus
from models.runs import RunFields, progress_check


class AllocationRun(Table, Versioned, RunFields, table=True):
    """One allocation of a year's funds to the open requests of a scope."""

    __tablename__ = "allocation_run"
    __table_args__ = (progress_check(),)

    year: int
    fund_ids: list[int] = Field(default_factory=list, sa_type=sa.JSON)
    """The funds it may spend (empty: every active fund)."""
    street_ids: list[int] = Field(default_factory=list, sa_type=sa.JSON)
    """The streets whose requests it serves (empty: the whole district)."""


class AllocationProposal(Table, Versioned, table=True):
    """A grant a run proposes: this much from this fund for this request."""

    __tablename__ = "allocation_proposal"
    __table_args__ = (
        sa.UniqueConstraint("run_id", "request_id", "fund_id"),
        sa.CheckConstraint("amount_fen > 0", name="amount_positive"),
    )

    run_id: int = Field(foreign_key="allocation_run.id", index=True, ondelete="CASCADE")
    request_id: int = Field(foreign_key="assistance_request.id", index=True)
    household_id: int = Field(foreign_key="household.id")
    fund_id: int = Field(foreign_key="charity_fund.id")
    amount_fen: int = Field(sa_type=sa.BigInteger)
    status: ProposalStatus = Field(sa_type=enum_type(ProposalStatus), index=True)
    grant_id: int | None = Field(default=None, foreign_key="fund_grant.id")
    decision_reason: str | None = Field(default=None, max_length=500)
    decided_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class AllocationOutcome(Table, table=True):
    """What a run gave one request and what stopped it getting more."""

    __tablename__ = "allocation_outcome"
    __table_args__ = (sa.UniqueConstraint("run_id", "request_id"),)

    run_id: int = Field(foreign_key="allocation_run.id", index=True, ondelete="CASCADE")
    request_id: int = Field(foreign_key="assistance_request.id", index=True)
    need_fen: int = Field(sa_type=sa.BigInteger)
    eligible_fen: int = Field(sa_type=sa.BigInteger)
    covered_fen: int = Field(sa_type=sa.BigInteger)
    reason: str = Field(max_length=48)
    limits: list[dict[str, Any]] = Field(default_factory=list, sa_type=sa.JSON)
    """Per fund the request qualifies for: ``{"fund_id", "reason"}``."""
    detail: str = Field(default="", max_length=1000)
