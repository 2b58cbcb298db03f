"""Schedules: work that runs on its own at set times, once per slot whatever the process count.

Every process that runs jobs (each arq worker; the server when it runs jobs itself) ticks every
``BANGFU_SCHEDULE_TICK_S``. A tick computes each schedule's latest slot at or before now and
claims it by inserting its ``schedule_slot`` row: the unique (name, slot) key lets exactly one
process win. A schedule's first slot only records where it began. Slots that passed while no
process was up are caught up by the next tick as one run that stands in for them (``missed``
says how many): the scheduled jobs look at what changed since the previous slot, so running
each missed night separately would only repeat work. A slot claimed by a process that died
before finishing is claimed again after ``STALE_AFTER``; the jobs are idempotent (their runs are
keyed by the slot), so a retry duplicates nothing.

Specs: ``every 30s`` / ``every 10m`` / ``every 2h`` (aligned to the epoch), ``daily HH:MM`` and
``weekly mon HH:MM`` in ``BANGFU_SCHEDULE_TIMEZONE`` (default Asia/Shanghai).
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlmodel import col

from jobs.runner import JobRunner
from models.actor import set_actor
from models.db import SessionFactory, transaction
from models.schedule import CLAIMED, DONE, ScheduleSlot

log = logging.getLogger(__name__)

STALE_AFTER = timedelta(minutes=15)
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_UNITS = {"s": 1, "m": 60, "h": 3600}

ScheduledJob = Callable[[SessionFactory, JobRunner, datetime, datetime], Awaitable[dict[str, Any]]]
"""(factory, runner, this slot, the previous slot) -> what it did (JSON for the slot's row)."""


@dataclass(frozen=True)
class Schedule:
    name: str
    spec: str
    zone: ZoneInfo

    def __post_init__(self) -> None:
        self.slot_at(datetime(2026, 1, 1, tzinfo=UTC))  # a bad spec fails now, not at 2 a.m.

    def slot_at(self, now: datetime) -> datetime:
        """The latest slot start at or before ``now`` (UTC)."""
        spec = self.spec.strip().lower()
        if m := re.fullmatch(r"every (\d+)([smh])", spec):
            period = int(m[1]) * _UNITS[m[2]]
            if period <= 0:
                raise ValueError(f"schedule {self.name}: the period must be positive")
            seconds = int(now.timestamp()) // period * period
            return datetime.fromtimestamp(seconds, UTC)
        if m := re.fullmatch(r"(daily|weekly (mon|tue|wed|thu|fri|sat|sun)) (\d\d):(\d\d)", spec):
            local = now.astimezone(self.zone)
            hour, minute = int(m[3]), int(m[4])
            if hour > 23 or minute > 59:
                raise ValueError(f"schedule {self.name}: {m[3]}:{m[4]} is not a time of day")
            slot = local.replace(hour=hour, minute=minute, second=0, microsecond=0)
            step = 1
            if m[2]:
                slot -= timedelta(days=(local.weekday() - WEEKDAYS.index(m[2])) % 7)
                step = 7
            if slot > local:
                slot -= timedelta(days=step)
            return slot.astimezone(UTC)
        raise ValueError(
            f"schedule {self.name}: {self.spec!r} is not 'every N(s|m|h)', 'daily HH:MM' or"
            " 'weekly mon HH:MM'"
        )

    def period(self, slot: datetime) -> timedelta:
        """The time from ``slot`` to the slot before it."""
        return slot - self.slot_at(slot - timedelta(seconds=1))


def schedules(specs: Mapping[str, str], timezone: str) -> list[Schedule]:
    zone = ZoneInfo(timezone)
    return [Schedule(name, spec, zone) for name, spec in sorted(specs.items())]


async def _claim(factory: SessionFactory, name: str, slot: datetime, missed: int) -> bool:
    """Insert the slot's row (or take over a stale claim); False if another process has it."""
    try:
        async with transaction(factory) as session:
            row = (
                await session.execute(
                    sa.select(ScheduleSlot).where(
                        col(ScheduleSlot.name) == name, col(ScheduleSlot.slot_start) == slot
                    )
                )
            ).scalar_one_or_none()
            if row is None:
                session.add(ScheduleSlot(name=name, slot_start=slot, missed=missed))
                return True
            stale = datetime.now(UTC) - STALE_AFTER
            if row.status == CLAIMED and row.updated_at < stale:
                taken = await session.execute(
                    sa.update(ScheduleSlot)
                    .where(col(ScheduleSlot.id) == row.id, col(ScheduleSlot.updated_at) < stale)
                    .values(updated_at=datetime.now(UTC))
                )
                return bool(taken.rowcount == 1)  # type: ignore[attr-defined]
            return False
    except IntegrityError:  # another process inserted the same slot first
        return False


async def _previous(factory: SessionFactory, name: str, slot: datetime) -> datetime | None:
    async with factory() as session:
        last: datetime | None = (
            await session.execute(
                sa.select(sa.func.max(ScheduleSlot.slot_start)).where(
                    col(ScheduleSlot.name) == name, col(ScheduleSlot.slot_start) < slot
                )
            )
        ).scalar_one()
    if last is not None and last.tzinfo is None:  # SQLite keeps no offset
        last = last.replace(tzinfo=UTC)
    return last


async def tick(
    factory: SessionFactory,
    runner: JobRunner,
    plan: list[Schedule],
    jobs: Mapping[str, ScheduledJob],
    now: datetime | None = None,
) -> list[tuple[str, datetime]]:
    """Run every schedule whose latest slot nobody has run yet; returns what this call ran."""
    now = now or datetime.now(UTC)
    ran: list[tuple[str, datetime]] = []
    for schedule in plan:
        slot = schedule.slot_at(now)
        previous = await _previous(factory, schedule.name, slot)
        missed = 0
        if previous is not None:
            missed = max(0, round((slot - previous) / schedule.period(slot)) - 1)
        if not await _claim(factory, schedule.name, slot, missed):
            continue
        if previous is None:
            # A schedule's first slot only marks where it began: a new installation (or a new
            # schedule) does not start a district's worth of runs the moment it comes up.
            detail: dict[str, Any] = {"baseline": True}
        else:
            set_actor(f"schedule:{schedule.name}")
            try:
                detail = await jobs[schedule.name](factory, runner, slot, previous)
            except Exception:
                log.exception("schedule %s slot %s failed; retried later", schedule.name, slot)
                continue
        async with transaction(factory) as session:
            await session.execute(
                sa.update(ScheduleSlot)
                .where(
                    col(ScheduleSlot.name) == schedule.name, col(ScheduleSlot.slot_start) == slot
                )
                .values(status=DONE, detail=detail, updated_at=datetime.now(UTC))
            )
        ran.append((schedule.name, slot))
    return ran


async def loop(
    factory: SessionFactory,
    runner: JobRunner,
    plan: list[Schedule],
    jobs: Mapping[str, ScheduledJob],
    every_s: float,
) -> None:
    """Tick until cancelled; a failing tick is logged and the loop goes on."""
    while True:
        try:
            await tick(factory, runner, plan, jobs)
        except Exception:
            log.exception("schedule tick failed")
        await asyncio.sleep(every_s)
