"""A household's assessment: indicator values as measured on a date, and the need score,
urgencies and flag computed from them under the policy revision of the day (kept as decided;
the explanation is recomputed from the same values and revision on request)."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlmodel import Field

from models.actor import ACTOR_LENGTH
from models.base import Table


class HouseholdAssessment(Table, table=True):
    __tablename__ = "household_assessment"
    __table_args__ = (
        sa.CheckConstraint(
            "income_fen_per_person >= 0 AND consumption_fen_per_person >= 0 AND "
            "children_out_of_school >= 0 AND members_ill_or_disabled >= 0 AND "
            "living_space_m2_per_person >= 0 AND members_mentally_ill >= 0",
            name="indicators_not_negative",
        ),
        sa.CheckConstraint(
            "distress_score = 0 OR distress_score BETWEEN 10 AND 50", name="k10_range"
        ),
        sa.Index("ix_household_assessment_latest", "household_id", "assessed_on", "id"),
    )

    household_id: int = Field(foreign_key="household.id")
    assessed_on: date
    income_fen_per_person: int = Field(sa_type=sa.BigInteger)
    consumption_fen_per_person: int = Field(sa_type=sa.BigInteger)
    children_out_of_school: int
    members_ill_or_disabled: int
    living_space_m2_per_person: int
    members_mentally_ill: int
    distress_score: int
    policy_revision: int
    """The highest policy_parameter id the score was computed with."""
    score: str = Field(max_length=32)
    """Exact, e.g. "2/7"."""
    score_value: float = Field(index=True)
    """The same as a number, for ordering."""
    poor: bool
    flag: str | None = Field(default=None, max_length=32)
    urgency_cash: int
    urgency_medical: int
    urgency_education: int
    urgency_daily_life_care: int
    urgency_counselling: int
    urgency_skills_training: int
    note: str = Field(default="", max_length=500)
    recorded_by: str = Field(default="system", max_length=ACTOR_LENGTH)
