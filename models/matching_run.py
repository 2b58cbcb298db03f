"""Matching runs, their proposals and explanations, and coordinators' pins and forbidden pairs."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field

from models.base import Table, UTCDateTime, Versioned, enum_type
from models.enums import PairRuleKind, Project, ProposalStatus, RunScope
from models.runs import RunFields, progress_check

_ACTIVE = "active"


class PairRule(Table, Versioned, table=True):
    """A pin (always pair) or a forbidden pair, honoured by every later run while active."""

    __tablename__ = "pair_rule"
    __table_args__ = (
        sa.Index(
            "uq_pair_rule_active",
            "volunteer_id",
            "elder_id",
            unique=True,
            sqlite_where=sa.text(_ACTIVE),
            postgresql_where=sa.text(_ACTIVE),
        ),
    )

    kind: PairRuleKind = Field(sa_type=enum_type(PairRuleKind))
    volunteer_id: int = Field(foreign_key="volunteer.id", index=True)
    elder_id: int = Field(foreign_key="elder.id", index=True)
    reason: str = Field(max_length=500)
    active: bool = Field(default=True, index=True)


class MatchingRun(Table, Versioned, RunFields, table=True):
    """One optimisation over a scope: queued, running, then succeeded, failed or cancelled."""

    __tablename__ = "matching_run"
    __table_args__ = (progress_check(),)

    project: Project = Field(sa_type=enum_type(Project))
    scope: RunScope = Field(sa_type=enum_type(RunScope))
    scope_ids: list[int] = Field(default_factory=list, sa_type=sa.JSON)
    """District id, street ids or community ids, by ``scope``."""
    parent_id: int | None = Field(
        default=None, foreign_key="matching_run.id", index=True, ondelete="CASCADE"
    )
    """The split run this street's run is part of (``splitByStreet``); None for a whole run."""


class PairProposal(Table, Versioned, table=True):
    """A run's proposed pair; a coordinator confirms (with both sides' consent) or rejects it."""

    __tablename__ = "pair_proposal"
    __table_args__ = (
        sa.UniqueConstraint("run_id", "elder_id"),
        sa.CheckConstraint(
            "status <> 'confirmed' OR (volunteer_consent AND elder_consent)",
            name="confirmed_with_consent",
        ),
    )

    run_id: int = Field(foreign_key="matching_run.id", index=True, ondelete="CASCADE")
    elder_id: int = Field(foreign_key="elder.id", index=True)
    volunteer_id: int = Field(foreign_key="volunteer.id", index=True)
    anchor: str = Field(max_length=8)
    distance_m: int
    cost_terms: dict[str, int] = Field(default_factory=dict, sa_type=sa.JSON)
    keeps_existing: bool = False
    """The run keeps a pair that already stands (no decision needed)."""
    status: ProposalStatus = Field(sa_type=enum_type(ProposalStatus), index=True)
    volunteer_consent: bool = False
    elder_consent: bool = False
    """Both sides agreed (recorded by the coordinator) before the pair became active."""
    decision_reason: str | None = Field(default=None, max_length=500)
    decided_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    pair_id: int | None = Field(default=None, foreign_key="pair.id")


class UnpairedElder(Table, table=True):
    """Why a run left an elder unpaired, and what would help."""

    __tablename__ = "unpaired_elder"
    __table_args__ = (sa.UniqueConstraint("run_id", "elder_id"),)

    run_id: int = Field(foreign_key="matching_run.id", index=True, ondelete="CASCADE")
    elder_id: int = Field(foreign_key="elder.id", index=True)
    reason: str = Field(max_length=48)
    detail: str = Field(default="", max_length=500)
    suggestion: str = Field(default="", max_length=500)


class SplitShare(Table, table=True):
    """The volunteers one street's run of a split run may use, decided once by the split run
    (``jobs.partition``): ids packed as little-endian int64, and the capacity caps of volunteers
    whose capacity is shared between streets."""

    __tablename__ = "split_share"
    __table_args__ = (sa.UniqueConstraint("run_id", "street_id"),)

    run_id: int = Field(foreign_key="matching_run.id", index=True, ondelete="CASCADE")
    street_id: int = Field(foreign_key="street.id")
    volunteer_ids: bytes = Field(sa_type=sa.LargeBinary)
    caps: dict[str, int] = Field(default_factory=dict, sa_type=sa.JSON)
    """Volunteer id (as text, JSON keys are) -> the most of their capacity this street uses."""
