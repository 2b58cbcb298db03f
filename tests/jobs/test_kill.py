"""SIGKILL a real worker process at random points of a matching job, ten times (and SIGTERM it,
three times): each time the run completes under a second worker, with exactly one set of
proposals."""

from __future__ import annotations

import asyncio
import os
import random
import signal
import sys
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlmodel import col

from jobs.runner import ArqRunner
from models.commands.matching import start_run
from models.db import SessionFactory, make_engine, make_session_factory, transaction
from models.demo import load_demo
from models.enums import Project, RunScope, RunStatus
from models.geo import District
from models.matching_run import MatchingRun, PairProposal, UnpairedElder

ARQ = Path(sys.executable).parent / "arq"
KILLS = 10


async def _worker(env: dict[str, str], *burst: str) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        str(ARQ), "jobs.worker.WorkerSettings", *burst,
        env=env, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL,
    )  # fmt: skip


async def _start(factory: SessionFactory, key: str) -> int:
    async with transaction(factory) as session:
        district = (await session.execute(sa.select(col(District.id)))).scalar_one()
        assert district is not None
        run, _ = await start_run(
            session,
            key=key,
            project=Project.ONE_TO_ONE_80_PLUS,
            scope=RunScope.DISTRICT,
            scope_ids=[district],
            params={},
            seed=0,
        )
    assert run.id is not None
    return run.id


async def _until_running(factory: SessionFactory, run_id: int) -> None:
    for _ in range(3000):
        async with factory() as session:
            run = await session.get(MatchingRun, run_id)
            assert run is not None
            if run.status is not RunStatus.QUEUED:
                return
        await asyncio.sleep(0.01)
    raise AssertionError("the first worker never started the run")


async def _outcome(factory: SessionFactory, run_id: int) -> tuple[RunStatus, int, int, int]:
    async with factory() as session:
        run = await session.get(MatchingRun, run_id)
        assert run is not None
        counts = []
        for model in (PairProposal, UnpairedElder):
            table: Any = model
            query = sa.select(sa.func.count()).where(table.run_id == run_id)
            counts.append(int((await session.execute(query)).scalar_one()))
        proposals, unpaired = counts
        return run.status, int(run.metrics.get("elders_paired", -1)), proposals, unpaired


async def _interrupt_and_recover(
    db_url: str, redis_url: str, stop: signal.Signals, times: int, exit_codes: set[int | None]
) -> None:
    """Start a run, stop its worker with ``stop`` at a random point after it took the run, let
    a second worker finish; ``times`` times. The stopped worker must exit with one of
    ``exit_codes``."""
    if db_url.startswith("sqlite"):
        pytest.skip("worker processes on several machines share PostgreSQL; one backend suffices")
    engine = make_engine(db_url)
    factory = make_session_factory(engine)
    await load_demo(factory, scale="small")
    env = {
        **os.environ,
        "BANGFU_DATABASE_URL": db_url,
        "BANGFU_REDIS_URL": redis_url,
        "BANGFU_SCHEDULES": "{}",
        "BANGFU_RUN_STALE_AFTER_S": "2",
    }
    rng = random.Random(2026)
    runner = ArqRunner(redis_url)
    stopped_while: list[str] = []  # the run's status at each stop, for the failure message
    try:
        for attempt in range(times):
            run_id = await _start(factory, f"{stop.name}-{attempt}")
            await runner.enqueue("matching_run", run_id)
            first = await _worker(env)
            await _until_running(factory, run_id)
            await asyncio.sleep(rng.uniform(0.0, 0.3))  # loading, solving, saving or just after
            first.send_signal(stop)
            assert await asyncio.wait_for(first.wait(), timeout=60) in exit_codes
            stopped_while.append((await _outcome(factory, run_id))[0].value)
            second = await _worker(env, "--burst")
            assert await asyncio.wait_for(second.wait(), timeout=120) == 0
            status, paired, proposals, unpaired = await _outcome(factory, run_id)
            where = f"{stop.name} {attempt}, stopped while {stopped_while}"
            assert status is RunStatus.SUCCEEDED, where
            assert proposals == paired > 0, where  # exactly one set of proposals
            assert proposals + unpaired == 500, where  # every elder of the demo, once
    finally:
        await runner.close()
        await engine.dispose()


async def test_killed_workers_runs_complete_once(db_url: str, redis_url: str) -> None:
    await _interrupt_and_recover(db_url, redis_url, signal.SIGKILL, KILLS, {-signal.SIGKILL})


async def test_a_worker_stopped_with_sigterm_leaves_its_run_to_the_next(
    db_url: str, redis_url: str
) -> None:
    await _interrupt_and_recover(db_url, redis_url, signal.SIGTERM, 3, {0, -signal.SIGTERM})
