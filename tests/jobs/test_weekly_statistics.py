"""The weekly statistics schedule: each street's figures for the week, stored once."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlmodel import col

from jobs.statistics import monday_of, record_week
from models.commands.policy import ensure_policy
from models.db import SessionFactory, transaction
from models.demo import load_demo
from models.enums import AssistanceStatus
from models.household import Household
from models.statistics import WeeklyStatistics


def test_weeks_start_on_monday() -> None:
    assert monday_of(date(2026, 11, 29)) == date(2026, 11, 23)  # a Sunday
    assert monday_of(date(2026, 11, 23)) == date(2026, 11, 23)


async def test_a_week_is_recorded_once_per_street(session_factory: SessionFactory) -> None:
    await load_demo(session_factory, scale="small")
    await ensure_policy(session_factory, None)
    week = monday_of(date.today())
    for _ in range(2):  # a repeated slot replaces the week's rows
        async with transaction(session_factory) as session:
            assert await record_week(session, week) == 17
    async with session_factory() as session:
        rows = list((await session.execute(sa.select(WeeklyStatistics))).scalars())
        homes = list(
            (
                await session.execute(
                    sa.select(Household).where(
                        col(Household.active), col(Household.status) != AssistanceStatus.NONE
                    )
                )
            ).scalars()
        )
    assert len(rows) == 17
    assert {r.week_of for r in rows} == {week}
    figures = [r.figures for r in rows]
    assert sum(f["households_on_assistance"] for f in figures) == len(homes)
    assert sum(f["monthly_benefits_fen"] for f in figures) == sum(h.benefit_fen for h in homes)
    assert sum(sum(f["by_status"].values()) for f in figures) == len(homes)
    assert sum(f["elders_80_plus"] for f in figures) > 0
    assert all(f["elders_paired"] <= f["elders_80_plus"] for f in figures)
    assert sum(f["overdue_reviews"] for f in figures) == sum(
        1 for h in homes if h.next_review_on is not None and h.next_review_on < week
    )
    assert any(f["headcount_ratio"] > 0 for f in figures)
