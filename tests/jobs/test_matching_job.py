"""The matching job is idempotent: re-executions, crashes half-way and cancellations."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import pytest
import sqlalchemy as sa
from sqlmodel import col

from jobs import run_lifecycle as lifecycle
from jobs.matching_job import run_matching
from models.commands.matching import cancel_run, start_run
from models.db import SessionFactory, transaction
from models.demo import load_demo
from models.enums import Project, RunScope, RunStatus
from models.geo import Street
from models.matching_run import MatchingRun, PairProposal, UnpairedElder


async def _start(factory: SessionFactory, key: str, **params: Any) -> int:
    await load_demo(factory, scale="small")
    async with transaction(factory) as session:
        street = (
            await session.execute(sa.select(col(Street.id)).order_by(col(Street.id)).limit(1))
        ).scalar_one()
        assert street is not None
        run, created = await start_run(
            session,
            key=key,
            project=Project.ONE_TO_ONE_80_PLUS,
            scope=RunScope.STREETS,
            scope_ids=[street],
            params={"max_distance_m": 1500, **params},
            seed=1,
        )
        assert created
        assert run.id is not None
        return run.id


async def _state(factory: SessionFactory, run_id: int) -> tuple[RunStatus, int, int, str | None]:
    async with factory() as session:
        run = await session.get(MatchingRun, run_id)
        assert run is not None
        proposals = (
            await session.execute(
                sa.select(sa.func.count()).where(col(PairProposal.run_id) == run_id)
            )
        ).scalar_one()
        unpaired = (
            await session.execute(
                sa.select(sa.func.count()).where(col(UnpairedElder.run_id) == run_id)
            )
        ).scalar_one()
        return run.status, proposals, unpaired, run.error


async def test_a_second_execution_changes_nothing(session_factory: SessionFactory) -> None:
    run_id = await _start(session_factory, "twice")
    await run_matching(session_factory, run_id)
    first = await _state(session_factory, run_id)
    assert first[0] is RunStatus.SUCCEEDED
    assert first[1] > 0
    await run_matching(session_factory, run_id)
    assert await _state(session_factory, run_id) == first


async def test_a_job_killed_half_way_is_redone_once(session_factory: SessionFactory) -> None:
    run_id = await _start(session_factory, "crashed")
    # What a worker killed while solving leaves behind: the run marked running, nothing saved.
    async with transaction(session_factory) as session:
        run = await session.get(MatchingRun, run_id)
        assert run is not None
        run.status = RunStatus.RUNNING
    await run_matching(session_factory, run_id)
    status, proposals, unpaired, _ = await _state(session_factory, run_id)
    assert status is RunStatus.SUCCEEDED
    reference_id = await _start_again(session_factory)
    await run_matching(session_factory, reference_id)
    _, ref_proposals, ref_unpaired, _ = await _state(session_factory, reference_id)
    assert (proposals, unpaired) == (ref_proposals, ref_unpaired)


async def _start_again(factory: SessionFactory) -> int:
    async with transaction(factory) as session:
        old = (await session.execute(sa.select(MatchingRun).limit(1))).scalar_one()
        run, _ = await start_run(
            session,
            key="reference",
            project=old.project,
            scope=old.scope,
            scope_ids=list(old.scope_ids),
            params=dict(old.params),
            seed=old.seed,
        )
        assert run.id is not None
        return run.id


async def test_a_cancelled_run_is_not_executed(session_factory: SessionFactory) -> None:
    run_id = await _start(session_factory, "cancelled")
    async with transaction(session_factory) as session:
        await cancel_run(session, run_id)
    await run_matching(session_factory, run_id)
    assert await _state(session_factory, run_id) == (RunStatus.CANCELLED, 0, 0, None)


async def test_a_failing_run_records_a_masked_error(session_factory: SessionFactory) -> None:
    # Parameters the API would refuse; written straight to the run, they make the solver's
    # input invalid, and the run must fail with a message that leaks nothing.
    run_id = await _start(session_factory, "broken", max_distance_m=-1)
    await run_matching(session_factory, run_id)
    status, proposals, unpaired, error = await _state(session_factory, run_id)
    assert (status, proposals, unpaired) == (RunStatus.FAILED, 0, 0)
    assert error == "ValueError: the run failed; see the server log."


async def test_a_run_cancelled_while_solving_stops_and_saves_nothing(
    session_factory: SessionFactory,
) -> None:
    """The optimiser's thread cannot be interrupted, so the job watches the run instead: a
    cancellation ends the job at its next look, long before a slow solve would return."""
    run_id = await _start(session_factory, "slow")
    release = threading.Event()

    def slow_solver() -> str:  # stands in for an optimiser that takes minutes
        release.wait(timeout=60)
        return "too late"

    async with transaction(session_factory) as session:
        await session.execute(
            sa.update(MatchingRun)
            .where(col(MatchingRun.id) == run_id)
            .values(status=RunStatus.RUNNING)
        )
    solving = asyncio.create_task(
        lifecycle.off_loop(session_factory, MatchingRun, run_id, slow_solver)
    )
    await asyncio.sleep(0.2)
    assert not solving.done()
    async with transaction(session_factory) as session:
        await cancel_run(session, run_id)
    try:
        with pytest.raises(lifecycle.RunCancelled):
            await asyncio.wait_for(solving, timeout=30)  # a liveness bound, not a speed target
        assert not release.is_set()  # it stopped while the solver still ran
    finally:
        release.set()
    assert await _state(session_factory, run_id) == (RunStatus.CANCELLED, 0, 0, None)


async def test_a_solve_that_finishes_returns_its_result(session_factory: SessionFactory) -> None:
    run_id = await _start(session_factory, "quick")
    async with transaction(session_factory) as session:
        await session.execute(
            sa.update(MatchingRun)
            .where(col(MatchingRun.id) == run_id)
            .values(status=RunStatus.RUNNING)
        )
    result = await lifecycle.off_loop(session_factory, MatchingRun, run_id, sum, [1, 2, 3])
    assert result == 6


async def test_a_solve_far_past_its_limit_fails_the_run_with_a_readable_error(
    session_factory: SessionFactory,
) -> None:
    run_id = await _start(session_factory, "stuck")
    release = threading.Event()

    def stuck_solver() -> None:
        release.wait(timeout=60)

    async def body(run: MatchingRun) -> None:
        assert run.id is not None
        await lifecycle.off_loop(session_factory, MatchingRun, run.id, stuck_solver, give_up_s=0.5)

    try:
        await asyncio.wait_for(
            lifecycle.execute(session_factory, MatchingRun, run_id, body), timeout=30
        )
    finally:
        release.set()
    status, proposals, unpaired, error = await _state(session_factory, run_id)
    assert (status, proposals, unpaired) == (RunStatus.FAILED, 0, 0)
    assert error is not None
    assert error.startswith("The optimiser was still working after 0 s")
    assert "longer timeLimitS" in error
