"""Household tags: the facts restricted funds are defined by, derived from a household's rows.

One function serves award checks and allocation runs alike, so a fund's rule means the same
thing in both.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from assessment.categories import age_on
from models.db import rows_in_chunks
from models.enums import AssistanceStatus, HouseholdTag
from models.household import Household, Person

_STATUS_TAGS = {
    AssistanceStatus.DIBAO: HouseholdTag.DIBAO,
    AssistanceStatus.SPECIAL_HARDSHIP: HouseholdTag.SPECIAL_HARDSHIP,
    AssistanceStatus.LOW_INCOME: HouseholdTag.LOW_INCOME,
    AssistanceStatus.EDGE: HouseholdTag.EDGE,
}
SCHOOL_AGES = range(6, 18)
ELDER_AGE = 80


async def household_tags(
    session: AsyncSession, household_ids: Sequence[int], on: date
) -> dict[int, set[HouseholdTag]]:
    """Each household's tags on date ``on`` (its status and its active members' facts)."""
    tags: dict[int, set[HouseholdTag]] = {h: set() for h in household_ids}
    statuses = await rows_in_chunks(
        session,
        lambda chunk: sa.select(col(Household.id), col(Household.status)).where(
            col(Household.id).in_(chunk)
        ),
        household_ids,
    )
    for household_id, status in statuses:
        if status in _STATUS_TAGS:
            tags[household_id].add(_STATUS_TAGS[status])
    members = await rows_in_chunks(
        session,
        lambda chunk: sa.select(
            col(Person.household_id),
            col(Person.birth_date),
            col(Person.disability_grade),
            col(Person.serious_illness),
            col(Person.student),
        ).where(col(Person.household_id).in_(chunk), col(Person.active)),
        household_ids,
    )
    for household_id, birth, disability, illness, student in members:
        age = age_on(birth, on)
        found = tags[household_id]
        if illness:
            found.add(HouseholdTag.SERIOUS_ILLNESS)
        if disability > 0:
            found.add(HouseholdTag.DISABILITY)
        if age in SCHOOL_AGES or (student and age < 25):
            found.add(HouseholdTag.SCHOOL_AGE_CHILD)
        if age >= ELDER_AGE:
            found.add(HouseholdTag.ELDER_80)
    return tags


def eligible(fund_tags: Sequence[str], household: set[HouseholdTag]) -> bool:
    """Whether a fund restricted to ``fund_tags`` (none: anyone) may pay this household."""
    return not fund_tags or any(HouseholdTag(t) in household for t in fund_tags)
