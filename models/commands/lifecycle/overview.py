"""How many households on assistance each community has, and how many of their reviews are
overdue or falling due: the overview a street's civil-affairs section works from."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from models.enums import AssistanceStatus
from models.geo import Community
from models.household import Household

DUE_SOON_DAYS = 30


@dataclass(frozen=True)
class ReviewCounts:
    """One community's counts (``as_of``: overdue = next review before it; due soon = from it
    to ``DUE_SOON_DAYS`` days later, both ends included)."""

    street_id: int
    community_id: int
    on_assistance: int
    overdue: int
    due_soon: int


def overdue_on(day: date) -> list[Any]:
    """Households on assistance whose next review was due before ``day``."""
    return [
        col(Household.status) != AssistanceStatus.NONE,
        col(Household.next_review_on) < day,
    ]


async def review_counts(
    session: AsyncSession, *, as_of: date, street_ids: Collection[int] | None = None
) -> list[ReviewCounts]:
    """Per community with households on assistance (active files), by street: one grouped
    query, whatever the number of streets."""
    review = col(Household.next_review_on)
    soon_until = as_of + timedelta(days=DUE_SOON_DAYS)
    overdue = sa.func.sum(sa.case((review < as_of, 1), else_=0))
    soon = sa.func.sum(sa.case((sa.and_(review >= as_of, review <= soon_until), 1), else_=0))
    stmt = (
        sa.select(
            col(Community.street_id),
            col(Household.community_id),
            sa.func.count(),
            overdue,
            soon,
        )
        .join(Community, col(Community.id) == col(Household.community_id))
        .where(col(Household.active), col(Household.status) != AssistanceStatus.NONE)
        .group_by(col(Community.street_id), col(Household.community_id))
        .order_by(col(Community.street_id), col(Household.community_id))
    )
    if street_ids is not None:
        stmt = stmt.where(col(Community.street_id).in_(street_ids))
    return [
        ReviewCounts(r[0], r[1], int(r[2]), int(r[3] or 0), int(r[4] or 0))
        for r in (await session.execute(stmt)).all()
    ]
