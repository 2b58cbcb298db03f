"""A household's way through assistance: application, economic-status verification (核对),
periodic reviews (复审) and benefit changes. Exit and re-entry are status-history rows
(``HouseholdStatusChange``); nothing here is deleted when a household leaves."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlmodel import Field

from models.actor import ACTOR_LENGTH
from models.base import Table, Versioned, enum_type
from models.enums import (
    ApplicationState,
    AssistanceStatus,
    CheckResult,
    ReviewOutcome,
    VerificationItem,
    VerificationUnit,
)


class AssistanceApplication(Table, Versioned, table=True):
    """One application; a re-entry is a new application of a household that exited before."""

    __tablename__ = "assistance_application"
    __table_args__ = (
        sa.CheckConstraint("requested_status <> 'none'", name="requests_assistance"),
        # At most one open application per household.
        sa.Index(
            "uq_assistance_application_open",
            "household_id",
            unique=True,
            sqlite_where=sa.text("state = 'verifying'"),
            postgresql_where=sa.text("state = 'verifying'"),
        ),
    )

    household_id: int = Field(foreign_key="household.id", index=True)
    requested_status: AssistanceStatus = Field(
        sa_type=enum_type(AssistanceStatus, name="requested_status")
    )
    applied_on: date
    state: ApplicationState = Field(sa_type=enum_type(ApplicationState), index=True)
    re_entry: bool = False
    """The household had exited assistance before."""
    decided_on: date | None = None
    decision_reason: str = Field(default="", max_length=500)
    note: str = Field(default="", max_length=500, sa_column_kwargs={"server_default": ""})
    """What the applicant or the clerk said when applying."""
    recorded_by: str = Field(default="system", max_length=ACTOR_LENGTH)
    """Who recorded the application."""
    decided_by: str | None = Field(default=None, max_length=ACTOR_LENGTH)
    """Who admitted, refused or recorded the withdrawal."""


class VerificationCheck(Table, Versioned, table=True):
    """One of the 11 checks of an application; open while the application is."""

    __tablename__ = "verification_check"
    __table_args__ = (sa.UniqueConstraint("application_id", "item"),)

    application_id: int = Field(foreign_key="assistance_application.id", index=True)
    item: VerificationItem = Field(sa_type=enum_type(VerificationItem))
    unit: VerificationUnit = Field(sa_type=enum_type(VerificationUnit))
    result: CheckResult = Field(sa_type=enum_type(CheckResult))
    checked_on: date | None = None
    note: str = Field(default="", max_length=500)
    source: str = Field(default="entered", max_length=100)
    """``entered`` by hand or ``import:<file name>``."""
    recorded_by: str = Field(default="system", max_length=ACTOR_LENGTH)


class HouseholdReview(Table, Versioned, table=True):
    """A periodic review: generated as due by the daily job, completed when held."""

    __tablename__ = "household_review"
    __table_args__ = (sa.UniqueConstraint("household_id", "due_on"),)

    household_id: int = Field(foreign_key="household.id", index=True)
    due_on: date = Field(index=True)
    held_on: date | None = None
    outcome: ReviewOutcome | None = Field(default=None, sa_type=enum_type(ReviewOutcome))
    note: str = Field(default="", max_length=500)
    recorded_by: str = Field(default="system", max_length=ACTOR_LENGTH)


class BenefitChange(Table, table=True):
    """One change of a household's monthly benefit, with the policy revision and the reason."""

    __tablename__ = "benefit_change"
    __table_args__ = (
        sa.CheckConstraint("after_fen >= 0 AND before_fen >= 0", name="not_negative"),
    )

    household_id: int = Field(foreign_key="household.id", index=True)
    effective_on: date
    before_fen: int = Field(sa_type=sa.BigInteger)
    after_fen: int = Field(sa_type=sa.BigInteger)
    standard_fen: int = Field(sa_type=sa.BigInteger)
    policy_revision: int
    reason: str = Field(max_length=500)
    recorded_by: str = Field(default="system", max_length=ACTOR_LENGTH)
