"""Households, their members and their assistance-status history."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlmodel import Field

from models.actor import ACTOR_LENGTH
from models.base import Table, Versioned, enum_type
from models.encrypted import EncryptedText, hash_beside, lookup_hash_field
from models.enums import (
    AssistanceStatus,
    Gender,
    IdentityCategory,
    IncomeStability,
    LabourCapacity,
    Relation,
    StatusChangeKind,
)
from models.geo import coordinate_checks


class Household(Table, Versioned, table=True):
    __tablename__ = "household"
    __table_args__ = coordinate_checks()

    community_id: int = Field(foreign_key="community.id", index=True)
    address: str = Field(max_length=256)
    latitude: float
    longitude: float
    status: AssistanceStatus = Field(sa_type=enum_type(AssistanceStatus), index=True)
    active: bool = Field(default=True, index=True)
    income_stability: IncomeStability | None = Field(
        default=None, sa_type=enum_type(IncomeStability)
    )
    """Recorded at enrolment and each review; with labour capacity it sets the review interval."""
    benefit_fen: int = Field(
        default=0, sa_type=sa.BigInteger, sa_column_kwargs={"server_default": "0"}
    )
    """The monthly dibao benefit in force (0 when none); every change is a BenefitChange row."""
    next_review_on: date | None = Field(default=None, index=True)
    """When the next periodic review (复审) is due; None when not on assistance."""


class HouseholdStatusChange(Table, table=True):
    """One row per change of a household's assistance status; never updated, never deleted."""

    __tablename__ = "household_status_change"
    __table_args__ = (
        sa.CheckConstraint("kind <> 'exited' OR to_status = 'none'", name="exit_to_none"),
        sa.CheckConstraint(
            "kind NOT IN ('entered', 're_entered') OR "
            "((from_status IS NULL OR from_status = 'none') AND to_status <> 'none')",
            name="entry_from_none",
        ),
    )

    household_id: int = Field(foreign_key="household.id", index=True)
    kind: StatusChangeKind = Field(sa_type=enum_type(StatusChangeKind))
    from_status: AssistanceStatus | None = Field(
        default=None, sa_type=enum_type(AssistanceStatus, name="from_status")
    )
    to_status: AssistanceStatus = Field(sa_type=enum_type(AssistanceStatus, name="to_status"))
    effective_on: date
    reason: str = Field(max_length=500)
    recorded_by: str = Field(
        default="system", max_length=ACTOR_LENGTH, sa_column_kwargs={"server_default": "system"}
    )


class Person(Table, Versioned, table=True):
    """A member of a household."""

    __tablename__ = "person"
    __table_args__ = (
        sa.CheckConstraint("disability_grade BETWEEN 0 AND 4", name="disability_grade_range"),
        hash_beside("id_number"),
        hash_beside("phone"),
        # At most one active head per household.
        sa.Index(
            "uq_person_household_head",
            "household_id",
            unique=True,
            sqlite_where=sa.text("relation = 'head' AND active"),
            postgresql_where=sa.text("relation = 'head' AND active"),
        ),
    )

    household_id: int = Field(foreign_key="household.id", index=True)
    name: str = Field(max_length=64)
    gender: Gender = Field(sa_type=enum_type(Gender))
    birth_date: date = Field(index=True)
    relation: Relation = Field(sa_type=enum_type(Relation))
    identity_category: IdentityCategory | None = Field(
        default=None, sa_type=enum_type(IdentityCategory)
    )
    disability_grade: int = 0
    """0 = none; 1 (most severe) to 4, as on the Chinese disability certificate."""
    serious_illness: bool = False
    labour_capacity: LabourCapacity = Field(sa_type=enum_type(LabourCapacity))
    student: bool = False
    living_alone: bool = False
    active: bool = Field(default=True, index=True)
    id_number: str | None = Field(
        default=None, sa_type=EncryptedText("person.id_number"), repr=False
    )
    """The resident ID-card number (18 characters), encrypted at rest; unique by its hash."""
    id_number_hash: str | None = lookup_hash_field("person.id_number", nullable=True, unique=True)
    phone: str | None = Field(default=None, sa_type=EncryptedText("person.phone"), repr=False)
    """Encrypted at rest; found by ``phone_hash`` (members of a household may share one)."""
    phone_hash: str | None = lookup_hash_field("person.phone", nullable=True)
