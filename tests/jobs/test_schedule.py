"""Schedules: slot arithmetic, one run per slot whatever the number of tickers, a baseline first
slot, catch-up after downtime, stale claims retried, and the nightly re-matching of changed
streets only."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from sqlmodel import col

from jobs.registry import JOBS, SCHEDULED, schedule_plan
from jobs.runner import InProcessRunner
from jobs.schedule import Schedule, tick
from jobs.worker import make_worker
from models.db import SessionFactory, transaction
from models.demo import load_demo
from models.elder import Elder
from models.enums import RunStatus
from models.geo import Community
from models.matching_run import MatchingRun
from models.schedule import DONE, ScheduleSlot
from tests.api.conftest import settings_for

SHANGHAI = ZoneInfo("Asia/Shanghai")
NIGHTLY = Schedule("nightly_rematch", "daily 02:00", SHANGHAI)


def local(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


def utc(hour: int, minute: int, second: int = 0) -> datetime:
    return datetime(2026, 11, 29, hour, minute, second, tzinfo=UTC)


@pytest.mark.parametrize(
    ("spec", "now", "slot"),
    [
        (
            "every 5s",
            datetime(2026, 11, 29, 8, 0, 7, tzinfo=UTC),
            datetime(2026, 11, 29, 8, 0, 5, tzinfo=UTC),
        ),
        (
            "every 10m",
            datetime(2026, 11, 29, 8, 19, 59, tzinfo=UTC),
            datetime(2026, 11, 29, 8, 10, tzinfo=UTC),
        ),
        ("daily 02:00", local(2026, 11, 29, 1, 59), local(2026, 11, 28, 2, 0)),
        ("daily 02:00", local(2026, 11, 29, 2, 0), local(2026, 11, 29, 2, 0)),
        ("weekly mon 03:00", local(2026, 11, 29, 12, 0), local(2026, 11, 23, 3, 0)),  # a Sunday
        ("weekly mon 03:00", local(2026, 11, 30, 3, 0), local(2026, 11, 30, 3, 0)),
    ],
)
def test_the_latest_slot_at_or_before_now(spec: str, now: datetime, slot: datetime) -> None:
    assert Schedule("s", spec, SHANGHAI).slot_at(now) == slot


@pytest.mark.parametrize("spec", ["hourly", "daily 25:00", "every 0s", "weekly xyz 03:00", ""])
def test_a_bad_spec_is_refused_when_the_schedule_is_made(spec: str) -> None:
    with pytest.raises(ValueError, match="schedule s"):
        Schedule("s", spec, SHANGHAI)


def test_unknown_scheduled_jobs_are_refused_at_start() -> None:
    settings = settings_for("sqlite+aiosqlite://", schedules={"nightly_rematch": "daily 02:00"})
    assert [s.name for s in schedule_plan(settings)] == ["nightly_rematch"]
    with pytest.raises(ValueError, match="unknown jobs"):
        schedule_plan(settings_for("sqlite+aiosqlite://", schedules={"make_coffee": "every 5s"}))


async def _slots(factory: SessionFactory) -> list[ScheduleSlot]:
    async with factory() as session:
        return list(
            (await session.execute(sa.select(ScheduleSlot).order_by(col(ScheduleSlot.slot_start))))
            .scalars()
            .all()
        )


async def _runs(factory: SessionFactory) -> list[MatchingRun]:
    async with factory() as session:
        return list((await session.execute(sa.select(MatchingRun))).scalars().all())


async def _touch_one_street(factory: SessionFactory, when: datetime) -> int:
    """Change one elder at ``when``; returns the elder's street."""
    async with transaction(factory) as session:
        elder = (await session.execute(sa.select(Elder).limit(1))).scalar_one()
        await session.execute(
            sa.update(Elder).where(col(Elder.id) == elder.id).values(updated_at=when)
        )
        street = (
            await session.execute(
                sa.select(col(Community.street_id)).where(col(Community.id) == elder.community_id)
            )
        ).scalar_one()
    return int(street)


async def test_three_tickers_run_each_slot_once(session_factory: SessionFactory) -> None:
    runner = InProcessRunner(session_factory, JOBS)
    first = local(2031, 1, 1, 3, 0)
    ran = await asyncio.gather(
        *(tick(session_factory, runner, [NIGHTLY], SCHEDULED, first) for _ in range(3))
    )
    assert sorted(len(r) for r in ran) == [0, 0, 1]
    again = [
        await tick(session_factory, runner, [NIGHTLY], SCHEDULED, first + timedelta(hours=h))
        for h in (1, 2)
    ]
    assert again == [[], []]  # the same slot: nothing more
    slots = await _slots(session_factory)
    assert [(s.slot_start, s.status, s.detail) for s in slots] == [
        (local(2031, 1, 1, 2, 0), DONE, {"baseline": True})
    ]


async def test_a_gap_is_caught_up_and_only_changed_streets_rematch(
    session_factory: SessionFactory,
) -> None:
    await load_demo(session_factory, scale="small")
    runner = InProcessRunner(session_factory, JOBS)
    start = local(2031, 1, 1, 3, 0)
    await tick(session_factory, runner, [NIGHTLY], SCHEDULED, start)  # the baseline
    street = await _touch_one_street(session_factory, start + timedelta(hours=5))

    # No process ran for three nights; the next tick stands in for all of them.
    later = start + timedelta(days=3, hours=1)
    ran = await asyncio.gather(
        *(tick(session_factory, runner, [NIGHTLY], SCHEDULED, later) for _ in range(3))
    )
    assert sum(len(r) for r in ran) == 1
    await runner.drain()
    slots = await _slots(session_factory)
    assert [s.missed for s in slots] == [0, 2]
    assert slots[-1].detail["streets"] == [street]
    runs = await _runs(session_factory)
    assert [(r.scope_ids, r.status) for r in runs] == [([street], RunStatus.SUCCEEDED)]
    assert runs[0].key == f"schedule:nightly_rematch:20310103T180000Z:street:{street}"

    # A night with no change starts nothing.
    await tick(session_factory, runner, [NIGHTLY], SCHEDULED, later + timedelta(days=1))
    assert len(await _runs(session_factory)) == 1
    assert (await _slots(session_factory))[-1].detail == {"streets": [], "runs": []}


async def test_a_slot_whose_process_died_is_claimed_again(session_factory: SessionFactory) -> None:
    await load_demo(session_factory, scale="small")
    runner = InProcessRunner(session_factory, JOBS)
    start = local(2031, 1, 1, 3, 0)
    await tick(session_factory, runner, [NIGHTLY], SCHEDULED, start)
    street = await _touch_one_street(session_factory, start + timedelta(hours=5))
    slot = local(2031, 1, 2, 2, 0)
    long_ago = datetime.now(UTC) - timedelta(hours=1)
    async with transaction(session_factory) as session:  # claimed, then its process died
        session.add(
            ScheduleSlot(
                name="nightly_rematch",
                slot_start=slot,
                created_at=long_ago,
                updated_at=long_ago,
            )
        )
    ran = await tick(session_factory, runner, [NIGHTLY], SCHEDULED, start + timedelta(days=1))
    assert ran == [("nightly_rematch", slot.astimezone(UTC))]
    await runner.drain()
    assert [r.scope_ids for r in await _runs(session_factory)] == [[street]]
    assert (await _slots(session_factory))[-1].status == DONE


async def test_three_workers_tick_and_each_slot_runs_once(
    db_url: str, redis_url: str, session_factory: SessionFactory
) -> None:
    settings = settings_for(
        db_url,
        redis_url=redis_url,
        schedules={"nightly_rematch": "every 1s"},
        schedule_tick_s=0.2,
        resume_runs=False,
    )
    workers = [make_worker(settings, burst=True, handle_signals=False) for _ in range(3)]
    contexts = [dict(w.ctx) for w in workers]
    for worker, ctx in zip(workers, contexts, strict=True):
        assert worker.on_startup is not None
        await worker.on_startup(ctx)
    try:
        await asyncio.sleep(3.5)
    finally:
        for worker, ctx in zip(workers, contexts, strict=True):
            assert worker.on_shutdown is not None
            await worker.on_shutdown(ctx)
            await worker.close()
    slots = await _slots(session_factory)
    starts = [s.slot_start for s in slots]
    assert len(starts) >= 3
    assert len(set(starts)) == len(starts)
    assert slots[0].detail == {"baseline": True}
    # A slot claimed in the last moments may still be running when the workers stop (on a
    # loaded machine a run can outlast its 1 s period): only the last two may be unfinished.
    ran = slots[1:]
    assert all(s.status == DONE for s in ran[:-2])
    assert all(s.detail == {"streets": [], "runs": []} for s in ran if s.status == DONE)
    assert sum(s.status == DONE for s in ran) >= 1
