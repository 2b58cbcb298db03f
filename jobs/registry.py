"""The jobs bangfu runs, by name, and the runner a process uses for them."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa

from jobs.allocation_job import run_allocation
from jobs.matching_job import run_matching
from jobs.runner import ArqRunner, InProcessRunner, JobFunction, JobRunner
from jobs.schedule import Schedule, ScheduledJob, schedules
from jobs.schedule import loop as schedule_loop
from jobs.scheduled import nightly_rematch, review_due, weekly_statistics
from models.allocation_run import AllocationRun
from models.base import Table
from models.db import SessionFactory
from models.enums import RunStatus
from models.matching_run import MatchingRun
from settings import Settings

log = logging.getLogger(__name__)

JOBS: dict[str, JobFunction] = {"matching_run": run_matching, "allocation_run": run_allocation}


RUN_MODELS: dict[str, type[Table]] = {"matching_run": MatchingRun, "allocation_run": AllocationRun}
"""The run table each run job works on (its argument is that table's id)."""


async def _runs_where(
    factory: SessionFactory, condition: Callable[[Any], Any]
) -> list[tuple[str, int]]:
    """(job name, run id) of every run of every kind that meets ``condition(table)``."""
    found: list[tuple[str, int]] = []
    async with factory() as session:
        for job, model in RUN_MODELS.items():
            table: Any = model
            ids = await session.execute(
                sa.select(table.id).where(condition(table)).order_by(table.id)
            )
            found += [(job, run_id) for run_id in ids.scalars()]
    return found


async def resume_unfinished(factory: SessionFactory, runner: JobRunner) -> int:
    """Enqueue every run that is queued or running, as a process that runs jobs starts.

    A server or worker that stopped (crash, deploy, power cut) leaves its runs QUEUED or
    RUNNING, and a start whose enqueue was lost leaves one QUEUED: nothing else would ever pick
    them up. Enqueueing a run that another live process is working on is harmless: arq drops a
    job whose id is queued or in progress, and a second execution of a run saves nothing twice
    (``jobs.run_lifecycle``). Returns how many runs were enqueued.
    """
    runs = await _runs_where(factory, lambda t: t.status.in_((RunStatus.QUEUED, RunStatus.RUNNING)))
    for job, run_id in runs:
        log.info("resuming %s %s", job, run_id)
        await runner.enqueue(job, run_id)
    return len(runs)


async def recover_stale(factory: SessionFactory, runner: JobRunner, stale_after_s: float) -> int:
    """Hand on the runs whose process died: RUNNING, and their row untouched for longer than
    ``stale_after_s`` (a job touches it at every phase and every second of solving). A run that
    was merely slow gets a second execution, which saves nothing twice. Returns how many."""
    cutoff = datetime.now(UTC) - timedelta(seconds=stale_after_s)
    runs = await _runs_where(
        factory, lambda t: sa.and_(t.status == RunStatus.RUNNING, t.updated_at < cutoff)
    )
    for job, run_id in runs:
        log.warning("%s %s shows no sign of life; handing it on", job, run_id)
        await runner.release(job, run_id)
    return len(runs)


SCHEDULED: dict[str, ScheduledJob] = {
    "nightly_rematch": nightly_rematch,
    "review_due": review_due,
    "weekly_statistics": weekly_statistics,
}
"""Jobs a schedule may name (``BANGFU_SCHEDULES``)."""


def schedule_plan(settings: Settings) -> list[Schedule]:
    """The configured schedules, checked (an unknown job or a bad time fails at start)."""
    unknown = sorted(set(settings.schedules) - set(SCHEDULED))
    if unknown:
        raise ValueError(
            f"BANGFU_SCHEDULES names unknown jobs {unknown}; known: {sorted(SCHEDULED)}"
        )
    return schedules(settings.schedules, settings.schedule_timezone)


def start_schedules(
    settings: Settings, factory: SessionFactory, runner: JobRunner
) -> asyncio.Task[None] | None:
    """The ticking task of this process (cancel it to stop), or None without schedules."""
    plan = schedule_plan(settings)
    if not plan:
        return None
    return asyncio.create_task(
        schedule_loop(factory, runner, plan, SCHEDULED, settings.schedule_tick_s),
        name="schedules",
    )


def make_runner(settings: Settings, factory: SessionFactory) -> JobRunner:
    """arq through Redis when ``BANGFU_REDIS_URL`` is set, else in this process."""
    if settings.redis_url:
        return ArqRunner(settings.redis_url)
    return InProcessRunner(factory, JOBS)
