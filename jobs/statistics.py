"""The weekly figures of every street, as of the week's Monday: households on assistance by
status, overdue reviews, monthly benefits, elders 80+ and how many have a volunteer, open
requests, and the need measures (H, M0) of the households' latest assessments.

A few grouped queries for the whole district, whatever the number of streets; the week's rows
are replaced in one transaction, so computing a week again (a repeated or caught-up slot)
leaves one set of figures.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from assessment.categories import born_by
from models.base import utcnow
from models.commands.assessment import area_measures
from models.commands.lifecycle.overview import review_counts
from models.elder import ELDER_MIN_AGE, Elder
from models.enums import AssistanceStatus, PairStatus, RequestStatus
from models.errors import DomainError
from models.geo import Community, Street
from models.grant import AssistanceRequest
from models.household import Household, Person
from models.pair import Pair
from models.statistics import WeeklyStatistics

OPEN_REQUESTS = (RequestStatus.SUBMITTED, RequestStatus.IN_ALLOCATION)


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


async def _grouped(session: AsyncSession, stmt: Any) -> list[Any]:
    return list((await session.execute(stmt)).all())


def empty_figures() -> dict[str, Any]:
    """A street's figures when it has nothing to count: every key a week's row holds."""
    return {
        "households_on_assistance": 0,
        "by_status": {},
        "overdue_reviews": 0,
        "reviews_due_30_days": 0,
        "monthly_benefits_fen": 0,
        "elders_80_plus": 0,
        "elders_paired": 0,
        "open_requests": 0,
        "assessed_households": 0,
        "headcount_ratio": 0.0,
        "adjusted_headcount": 0.0,
    }


async def street_figures(session: AsyncSession, week_of: date) -> dict[int, dict[str, Any]]:
    """Every street's figures as of ``week_of``."""
    streets = [s for s in (await session.execute(sa.select(col(Street.id)))).scalars() if s]
    out: dict[int, dict[str, Any]] = {s: empty_figures() for s in streets}
    street = col(Community.street_id)
    on_assistance = (col(Household.active), col(Household.status) != AssistanceStatus.NONE)
    for s, status, n, benefits in await _grouped(
        session,
        sa.select(
            street, col(Household.status), sa.func.count(), sa.func.sum(Household.benefit_fen)
        )
        .join(Community, col(Community.id) == col(Household.community_id))
        .where(*on_assistance)
        .group_by(street, col(Household.status)),
    ):
        figures = out[s]
        figures["by_status"][status.value] = int(n)
        figures["households_on_assistance"] += int(n)
        figures["monthly_benefits_fen"] += int(benefits or 0)
    reviews: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for c in await review_counts(session, as_of=week_of):
        reviews[c.street_id][0] += c.overdue
        reviews[c.street_id][1] += c.due_soon
    for s, (overdue, soon) in reviews.items():
        out[s]["overdue_reviews"], out[s]["reviews_due_30_days"] = overdue, soon
    paired = sa.exists().where(
        col(Pair.elder_id) == col(Elder.id), col(Pair.status) == PairStatus.ACTIVE
    )
    for s, n, with_pair in await _grouped(
        session,
        sa.select(street, sa.func.count(), sa.func.sum(sa.case((paired, 1), else_=0)))
        .select_from(Elder)
        .join(Person, col(Person.id) == col(Elder.person_id))
        .join(Community, col(Community.id) == col(Elder.community_id))
        .where(
            col(Elder.active),
            col(Person.active),
            col(Person.birth_date) <= born_by(week_of, ELDER_MIN_AGE),
        )
        .group_by(street),
    ):
        out[s]["elders_80_plus"], out[s]["elders_paired"] = int(n), int(with_pair or 0)
    for s, n in await _grouped(
        session,
        sa.select(street, sa.func.count())
        .select_from(AssistanceRequest)
        .join(Household, col(Household.id) == col(AssistanceRequest.household_id))
        .join(Community, col(Community.id) == col(Household.community_id))
        .where(col(AssistanceRequest.status).in_(OPEN_REQUESTS))
        .group_by(street),
    ):
        out[s]["open_requests"] = int(n)
    try:
        measures = await area_measures(session, week_of)
    except DomainError:  # no policy in force on that date: no need measures this week
        measures = None
    if measures is not None:
        for s, m in measures.streets.items():
            out[s]["assessed_households"] = m.households
            out[s]["headcount_ratio"] = float(m.H)
            out[s]["adjusted_headcount"] = float(m.M0)
    return out


async def record_week(session: AsyncSession, week_of: date) -> int:
    """Compute and store (replacing) the week's figures; returns how many streets."""
    figures = await street_figures(session, week_of)
    await session.execute(
        sa.delete(WeeklyStatistics).where(col(WeeklyStatistics.week_of) == week_of)
    )
    now = utcnow()
    if figures:
        await session.execute(
            sa.insert(WeeklyStatistics),
            [
                {
                    "created_at": now,
                    "updated_at": now,
                    "week_of": week_of,
                    "street_id": s,
                    "figures": f,
                }
                for s, f in sorted(figures.items())
            ],
        )
    return len(figures)
