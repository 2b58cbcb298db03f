"""Runs a stopped process left behind are picked up when a process that runs jobs starts:
the server (jobs in-process) and an arq worker (with Redis)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlmodel import col

from api.app import create_app
from jobs.worker import make_worker
from models.allocation_run import AllocationRun
from models.commands.allocation import start_allocation_run
from models.db import SessionFactory, transaction
from models.enums import RunStatus
from models.matching_run import MatchingRun, PairProposal
from tests.api.conftest import settings_for
from tests.jobs.test_matching_job import _start


async def _orphans(factory: SessionFactory) -> tuple[int, int]:
    """A matching run left RUNNING (its process died) and an allocation run left QUEUED (its
    enqueue was lost)."""
    matching = await _start(factory, "orphan")
    async with transaction(factory) as session:
        await session.execute(
            sa.update(MatchingRun)
            .where(col(MatchingRun.id) == matching)
            .values(status=RunStatus.RUNNING, progress_phase="solving", progress_percent=30)
        )
        allocation, _ = await start_allocation_run(
            session, key="lost", year=2026, fund_ids=[], street_ids=[], params={}, seed=0
        )
    assert allocation.id is not None
    return matching, allocation.id


async def _outcome(factory: SessionFactory, matching: int, allocation: int) -> tuple[object, ...]:
    async with factory() as session:
        m = await session.get(MatchingRun, matching, populate_existing=True)
        a = await session.get(AllocationRun, allocation, populate_existing=True)
        proposals = (
            await session.execute(
                sa.select(sa.func.count()).where(col(PairProposal.run_id) == matching)
            )
        ).scalar_one()
    assert m is not None
    assert a is not None
    return m.status, a.status, proposals > 0


@pytest.mark.parametrize(
    ("resume", "expected"),
    [
        (True, (RunStatus.SUCCEEDED, RunStatus.SUCCEEDED, True)),
        (False, (RunStatus.RUNNING, RunStatus.QUEUED, False)),  # switched off: left alone
    ],
)
async def test_the_server_resumes_runs_left_unfinished(
    db_url: str, session_factory: SessionFactory, resume: bool, expected: tuple[object, ...]
) -> None:
    matching, allocation = await _orphans(session_factory)
    app = create_app(settings_for(db_url, resume_runs=resume))
    async with app.router.lifespan_context(app):
        await app.state.runner.drain()
    assert await _outcome(session_factory, matching, allocation) == expected


async def test_a_starting_worker_resumes_runs_left_unfinished(
    db_url: str, redis_url: str, session_factory: SessionFactory
) -> None:
    matching, allocation = await _orphans(session_factory)

    worker = make_worker(
        settings_for(db_url, redis_url=redis_url), burst=True, handle_signals=False
    )
    try:
        await worker.async_run()
    finally:
        await worker.close()
    assert worker.jobs_complete == 2
    assert await _outcome(session_factory, matching, allocation) == (
        RunStatus.SUCCEEDED,
        RunStatus.SUCCEEDED,
        True,
    )
