"""Money going out and coming in: households' requests, grants, donations and the fund ledger.

Every movement of a fund's money is one ``LedgerEntry`` row, written in the same transaction as
the change of the stored balance (``FundBudget``), so the balance is always derivable from the
ledger. Ledger rows are never updated or deleted: database triggers refuse it (see migration
0003), whatever the application does.
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlmodel import Field

from models.base import Table, Versioned, enum_type
from models.enums import GrantStatus, LedgerKind, RequestStatus

IDEMPOTENCY_KEY_LENGTH = 128


class AssistanceRequest(Table, Versioned, table=True):
    """A household asks for money for a purpose; a community or street submits it."""

    __tablename__ = "assistance_request"
    __table_args__ = (
        sa.CheckConstraint("amount_fen > 0", name="amount_positive"),
        sa.CheckConstraint("urgency BETWEEN 1 AND 100", name="urgency_range"),
    )

    household_id: int = Field(foreign_key="household.id", index=True)
    year: int = Field(index=True)
    amount_fen: int = Field(sa_type=sa.BigInteger)
    """What the household needs, in fen."""
    purpose: str = Field(max_length=200)
    notes: str = Field(default="", max_length=2000)
    urgency: int = 50
    """1 (can wait) to 100 (most urgent); from the assessment where it exists, else given."""
    submitted_by_community_id: int | None = Field(default=None, foreign_key="community.id")
    submitted_by_street_id: int | None = Field(default=None, foreign_key="street.id")
    status: RequestStatus = Field(sa_type=enum_type(RequestStatus), index=True)
    decision_reason: str | None = Field(default=None, max_length=500)


class Grant(Table, Versioned, table=True):
    """Money a fund commits to a household: awarded, then paid, or cancelled before payment."""

    __tablename__ = "fund_grant"
    __table_args__ = (sa.CheckConstraint("amount_fen > 0", name="amount_positive"),)

    fund_id: int = Field(foreign_key="charity_fund.id", index=True)
    year: int
    household_id: int = Field(foreign_key="household.id", index=True)
    request_id: int | None = Field(default=None, foreign_key="assistance_request.id", index=True)
    amount_fen: int = Field(sa_type=sa.BigInteger)
    status: GrantStatus = Field(sa_type=enum_type(GrantStatus), index=True)
    awarded_on: date
    paid_on: date | None = None
    cancel_reason: str | None = Field(default=None, max_length=500)
    idempotency_key: str = Field(max_length=IDEMPOTENCY_KEY_LENGTH, unique=True)


class Donation(Table, table=True):
    """A donation restricted to one fund; it raises that fund's budget for the year."""

    __tablename__ = "donation"
    __table_args__ = (sa.CheckConstraint("amount_fen > 0", name="amount_positive"),)

    fund_id: int = Field(foreign_key="charity_fund.id", index=True)
    year: int
    donor: str = Field(max_length=200)
    amount_fen: int = Field(sa_type=sa.BigInteger)
    restriction: str = Field(default="", max_length=500)
    """The donor's words on how the money may be used, as given."""
    received_on: date
    idempotency_key: str = Field(max_length=IDEMPOTENCY_KEY_LENGTH, unique=True)


class LedgerEntry(Table, table=True):
    """One movement of a fund's money in one year. Append-only."""

    __tablename__ = "ledger_entry"
    __table_args__ = (
        sa.CheckConstraint("amount_fen > 0", name="amount_positive"),
        sa.Index("ix_ledger_entry_fund_year", "fund_id", "year"),
    )

    fund_id: int = Field(foreign_key="charity_fund.id")
    year: int
    kind: LedgerKind = Field(sa_type=enum_type(LedgerKind))
    amount_fen: int = Field(sa_type=sa.BigInteger)
    grant_id: int | None = Field(default=None, foreign_key="fund_grant.id", index=True)
    donation_id: int | None = Field(default=None, foreign_key="donation.id")
    note: str = Field(default="", max_length=500)
    idempotency_key: str | None = Field(
        default=None, max_length=IDEMPOTENCY_KEY_LENGTH, unique=True
    )
    """The key of the request that made a payment or a cancellation (replays find it)."""
