"""Charity funds (专项基金) and their yearly budgets. Money is integer fen."""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import Field

from models.base import Table, Versioned


class CharityFund(Table, Versioned, table=True):
    """A restricted special fund of the charity association: it may only pay for its purpose."""

    __tablename__ = "charity_fund"

    name: str = Field(max_length=128, unique=True)
    purpose: str = Field(max_length=1000)
    active: bool = Field(default=True, index=True)


class FundBudget(Table, table=True):
    """A fund's budget for one calendar year, in fen."""

    __tablename__ = "fund_budget"
    __table_args__ = (
        sa.UniqueConstraint("fund_id", "year"),
        sa.CheckConstraint("budget_fen >= 0", name="budget_non_negative"),
        sa.CheckConstraint("year BETWEEN 2000 AND 2200", name="year_range"),
    )

    fund_id: int = Field(foreign_key="charity_fund.id", index=True, ondelete="CASCADE")
    year: int
    budget_fen: int = Field(sa_type=sa.BigInteger)
