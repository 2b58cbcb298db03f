"""Charity funds (专项基金) and their yearly budgets. Money is integer fen.

Per fund and year, ``budget_fen >= awarded_fen >= paid_fen >= 0`` always: CHECK constraints
hold it in the database, and awards move ``awarded_fen`` with one conditional UPDATE (see
``models.commands.ledger``), so two awards racing for the last yuan cannot both succeed.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import Field

from models.base import Table, Versioned


class CharityFund(Table, Versioned, table=True):
    """A restricted special fund of the charity association: it may only pay for its purpose."""

    __tablename__ = "charity_fund"
    __table_args__ = (
        sa.CheckConstraint(
            "household_cap_fen IS NULL OR household_cap_fen > 0", name="cap_positive"
        ),
        sa.CheckConstraint("min_grant_fen >= 0", name="min_grant_non_negative"),
    )

    name: str = Field(max_length=128, unique=True)
    purpose: str = Field(max_length=1000)
    active: bool = Field(default=True, index=True)
    eligible_tags: list[str] = Field(default_factory=list, sa_type=sa.JSON)
    """``HouseholdTag`` values: the fund may pay a household with at least one (none: any)."""
    household_cap_fen: int | None = Field(default=None, sa_type=sa.BigInteger)
    """Most one household may receive from the fund in one year (None: no cap)."""
    min_grant_fen: int = Field(default=0, sa_type=sa.BigInteger)
    """Smallest grant worth making (handling costs); 0 for none."""


class FundBudget(Table, table=True):
    """A fund's budget for one calendar year, in fen."""

    __tablename__ = "fund_budget"
    __table_args__ = (
        sa.UniqueConstraint("fund_id", "year"),
        sa.CheckConstraint("budget_fen >= 0", name="budget_non_negative"),
        sa.CheckConstraint("year BETWEEN 2000 AND 2200", name="year_range"),
        sa.CheckConstraint("awarded_fen <= budget_fen", name="never_overspent"),
        sa.CheckConstraint("paid_fen <= awarded_fen", name="paid_within_awarded"),
        sa.CheckConstraint("paid_fen >= 0", name="paid_non_negative"),
    )

    fund_id: int = Field(foreign_key="charity_fund.id", index=True, ondelete="CASCADE")
    year: int
    budget_fen: int = Field(sa_type=sa.BigInteger)
    """The year's budget, donations included."""
    awarded_fen: int = Field(default=0, sa_type=sa.BigInteger)
    """Granted and not cancelled (paid or not)."""
    paid_fen: int = Field(default=0, sa_type=sa.BigInteger)
