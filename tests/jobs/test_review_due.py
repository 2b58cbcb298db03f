"""The daily ``review_due`` job: review rows for households on assistance whose next review falls
due within a week (or is overdue); idempotent, so missed, repeated or concurrent slots add
nothing twice."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlmodel import col

from jobs.registry import JOBS, SCHEDULED, schedule_plan
from jobs.runner import InProcessRunner
from jobs.schedule import Schedule, tick
from models.db import SessionFactory, transaction
from models.enums import AssistanceStatus, ReviewOutcome
from models.geo import Community, District, Street
from models.household import Household
from models.lifecycle import HouseholdReview
from models.schedule import ScheduleSlot
from settings import Settings

TODAY = date.today()
REVIEW_DUE = Schedule("review_due", "daily 01:00", ZoneInfo("Asia/Shanghai"))


async def _households(factory: SessionFactory) -> dict[str, int]:
    """Households by what their next review makes of them today."""
    plan = {
        "overdue": (AssistanceStatus.DIBAO, TODAY - timedelta(days=40)),
        "due today": (AssistanceStatus.LOW_INCOME, TODAY),
        "in a week": (AssistanceStatus.EDGE, TODAY + timedelta(days=7)),
        "in 8 days": (AssistanceStatus.DIBAO, TODAY + timedelta(days=8)),
        "has its row": (AssistanceStatus.SPECIAL_HARDSHIP, TODAY + timedelta(days=2)),
        "not on assistance": (AssistanceStatus.NONE, TODAY - timedelta(days=3)),
        "never scheduled": (AssistanceStatus.DIBAO, None),
    }
    async with transaction(factory) as session:
        district = District(name="东城区")
        session.add(district)
        await session.flush()
        street = Street(district_id=district.id, name="东华门街道")  # type: ignore[arg-type]
        session.add(street)
        await session.flush()
        community = Community(
            street_id=street.id,  # type: ignore[arg-type]
            name="多福巷社区",
            latitude=39.92,
            longitude=116.41,
        )
        session.add(community)
        await session.flush()
        rows = {
            name: Household(
                community_id=community.id,  # type: ignore[arg-type]
                address=name,
                latitude=39.92,
                longitude=116.41,
                status=status,
                next_review_on=due,
            )
            for name, (status, due) in plan.items()
        }
        session.add_all(rows.values())
        await session.flush()
        held = rows["has its row"]
        session.add(HouseholdReview(household_id=held.id, due_on=held.next_review_on))  # type: ignore[arg-type]
        # An earlier review, held: it is no reason to skip the household's next one.
        session.add(
            HouseholdReview(
                household_id=rows["overdue"].id,  # type: ignore[arg-type]
                due_on=TODAY - timedelta(days=220),
                held_on=TODAY - timedelta(days=218),
                outcome=ReviewOutcome.CONTINUED,
            )
        )
    return {name: row.id for name, row in rows.items()}  # type: ignore[misc]


async def _open_reviews(factory: SessionFactory) -> list[tuple[int, date, str]]:
    async with factory() as session:
        rows = await session.execute(
            sa.select(
                col(HouseholdReview.household_id),
                col(HouseholdReview.due_on),
                col(HouseholdReview.recorded_by),
            )
            .where(col(HouseholdReview.held_on).is_(None))
            .order_by(col(HouseholdReview.household_id))
        )
        return [(r[0], r[1], r[2]) for r in rows]


def test_review_due_runs_daily_at_one_by_default() -> None:
    plan = schedule_plan(Settings(_env_file=None))
    assert {s.name: s.spec for s in plan} == {
        "nightly_rematch": "daily 02:00",
        "review_due": "daily 01:00",
        "weekly_statistics": "weekly mon 03:00",
    }


async def test_due_reviews_are_made_once(session_factory: SessionFactory) -> None:
    ids = await _households(session_factory)
    job = SCHEDULED["review_due"]
    runner = InProcessRunner(session_factory, JOBS)
    slot = datetime.now(UTC)
    # Three at once (processes catching up the same day): each row is made once.
    first = await asyncio.gather(*(job(session_factory, runner, slot, slot) for _ in range(3)))
    assert sum(r["created"] for r in first) == 3
    expected = sorted(
        [
            (ids["overdue"], TODAY - timedelta(days=40), "schedule:review_due"),
            (ids["due today"], TODAY, "schedule:review_due"),
            (ids["in a week"], TODAY + timedelta(days=7), "schedule:review_due"),
            (ids["has its row"], TODAY + timedelta(days=2), "system"),
        ]
    )
    assert await _open_reviews(session_factory) == expected

    again = await job(session_factory, runner, slot, slot - timedelta(days=1))
    assert again == {
        "today": TODAY.isoformat(),
        "due_by": (TODAY + timedelta(days=7)).isoformat(),
        "households_due": 4,
        "created": 0,
    }
    assert await _open_reviews(session_factory) == expected


async def test_the_schedule_runs_review_due_and_records_its_counts(
    session_factory: SessionFactory,
) -> None:
    await _households(session_factory)
    runner = InProcessRunner(session_factory, JOBS)
    start = datetime(2031, 1, 1, 3, 0, tzinfo=REVIEW_DUE.zone)
    await tick(session_factory, runner, [REVIEW_DUE], SCHEDULED, start)  # the baseline
    ran = await tick(session_factory, runner, [REVIEW_DUE], SCHEDULED, start + timedelta(days=2))
    assert [name for name, _ in ran] == ["review_due"]
    async with session_factory() as session:
        slots = list(
            (
                await session.execute(
                    sa.select(ScheduleSlot).order_by(col(ScheduleSlot.slot_start))
                )
            ).scalars()
        )
    assert [(s.missed, s.detail.get("created")) for s in slots] == [(0, None), (1, 3)]
