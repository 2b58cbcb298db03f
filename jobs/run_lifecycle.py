"""The lifecycle every run job shares: claim, progress, succeed or fail; cancellable.

At-least-once delivery is made exactly-once in effect: the run row is the key. A run that
already finished is left alone; a job writes its results and the final status in one
transaction (``finishing``), so a job killed half-way leaves nothing half-written and a
re-execution starts cleanly.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from jobs import metrics
from models.actor import set_actor
from models.base import Table, utcnow
from models.db import IN_CHUNK, SessionFactory, transaction
from models.enums import RunStatus
from models.runs import FINISHED

log = logging.getLogger(__name__)

R = TypeVar("R", bound=Table)


class RunCancelled(Exception):
    """The run was cancelled while the job worked on it."""


class RunTimedOut(Exception):
    """The optimiser ran far past the run's time limit; the message is safe to show."""


async def progress(
    factory: SessionFactory,
    model: type[Table],
    run_id: int,
    percent: int,
    phase: str,
    message: str = "",
) -> None:
    """Record progress in its own short transaction; stop if the run was cancelled."""
    await heartbeat(
        factory,
        model,
        run_id,
        progress_percent=percent,
        progress_phase=phase,
        progress_message=message[:500],
    )


async def heartbeat(
    factory: SessionFactory, model: type[Table], run_id: int, **values: Any
) -> None:
    """Touch the running run's row, with ``values`` if any (a process that stops touching it
    has died: see ``jobs.registry.recover_stale``); RunCancelled if it is no longer running."""
    table: Any = model
    async with transaction(factory) as session:
        touched = await session.execute(
            sa.update(table)
            .where(table.id == run_id, table.status == RunStatus.RUNNING)
            .values(**values, updated_at=utcnow())
        )
        if touched.rowcount != 1:  # type: ignore[attr-defined]
            raise RunCancelled(run_id)


async def _claim(factory: SessionFactory, model: type[R], run_id: int) -> R | None:
    """Mark the run running; None when there is nothing to do (finished or unknown)."""
    async with transaction(factory) as session:
        run: Any = await session.get(model, run_id)
        if run is None or run.status in FINISHED:
            return None
        run.status = RunStatus.RUNNING
        run.started_at = run.started_at or utcnow()
        run.progress_phase = "loading"
        run.progress_percent = 5
        run.version += 1
        claimed: R = run
        return claimed


async def execute(
    factory: SessionFactory,
    model: type[R],
    run_id: int,
    body: Callable[[R], Awaitable[None]],
) -> None:
    """Run ``body(run)`` for a claimable run; record a failure (masked for clients, full in
    the log); a cancellation just stops."""
    job = str(model.__tablename__)
    set_actor(f"job:{job}:{run_id}")  # this task's history rows name the run that wrote them
    run = await _claim(factory, model, run_id)
    if run is None:
        metrics.JOBS.labels(job, "skipped").inc()
        return
    metrics.JOBS.labels(job, "started").inc()
    started = time.perf_counter()
    try:
        await body(run)
        metrics.JOBS.labels(job, "succeeded").inc()
    except RunCancelled:
        metrics.JOBS.labels(job, "cancelled").inc()
        log.info("%s %s was cancelled", model.__name__, run_id)
    except Exception as exc:
        metrics.JOBS.labels(job, "failed").inc()
        log.exception("%s %s failed", model.__name__, run_id)
        shown = (
            str(exc)
            if isinstance(exc, RunTimedOut)
            else f"{type(exc).__name__}: the run failed; see the server log."
        )
        table: Any = model
        async with transaction(factory) as session:
            await session.execute(
                sa.update(table)
                .where(table.id == run_id, table.status == RunStatus.RUNNING)
                .values(
                    status=RunStatus.FAILED,
                    error=shown[:2000],
                    finished_at=utcnow(),
                    version=table.version + 1,
                    updated_at=utcnow(),
                )
            )
    finally:
        metrics.JOB_SECONDS.labels(job).observe(time.perf_counter() - started)


CANCEL_POLL_S = 1.0
"""How often a job looks whether its run was cancelled while the optimiser works."""

T = TypeVar("T")


async def off_loop(
    factory: SessionFactory,
    model: type[Table],
    run_id: int,
    fn: Callable[..., T],
    *args: Any,
    give_up_s: float | None = None,
) -> T:
    """``fn(*args)`` in a thread (the event loop, and an arq worker's heartbeat, go on), while
    the run's status is watched: a cancellation raises RunCancelled within about
    :data:`CANCEL_POLL_S` (each look also marks the run alive). The optimisers stop near their
    own time limit, but one flow solve cannot be interrupted; after ``give_up_s`` (see
    :func:`hard_limit`) the job gives up with RunTimedOut. An abandoned solve finishes in the
    background and its result is dropped."""
    work = asyncio.ensure_future(asyncio.to_thread(fn, *args))
    give_up = None if give_up_s is None else time.monotonic() + give_up_s
    try:
        while True:
            done, _ = await asyncio.wait({work}, timeout=CANCEL_POLL_S)
            if done:
                return work.result()
            if give_up is not None and time.monotonic() > give_up:
                raise RunTimedOut(
                    f"The optimiser was still working after {give_up_s:.0f} s, well past the"
                    " run's time limit; start the run again with a longer timeLimitS or a"
                    " smaller scope."
                )
            await heartbeat(factory, model, run_id)
    finally:
        if not work.done():
            work.add_done_callback(_drop)


def hard_limit(limit_s: float) -> float:
    """When a job stops waiting for an optimiser given ``limit_s``: twice that plus half a
    minute (a solver checks its limit between steps, and the last step may run over)."""
    return 2 * limit_s + 30


def _drop(work: asyncio.Future[Any]) -> None:
    """Consume the abandoned solve's outcome (an exception there must not go unretrieved)."""
    if not work.cancelled():
        work.exception()


@asynccontextmanager
async def finishing(
    factory: SessionFactory, model: type[R], run_id: int
) -> AsyncIterator[tuple[AsyncSession, R]]:
    """The transaction that saves a run's results: the run row locked and still RUNNING
    (else RunCancelled), marked SUCCEEDED at 100 % when the block completes. The block sets
    ``solver_status``, ``metrics`` and ``progress_message``."""
    async with transaction(factory) as session:
        run: Any = await session.get(model, run_id, with_for_update=True)
        if run is None or run.status is not RunStatus.RUNNING:
            raise RunCancelled(run_id)
        yield session, run
        run.status = RunStatus.SUCCEEDED
        run.progress_percent = 100
        run.progress_phase = "done"
        run.finished_at = utcnow()
        run.version += 1


INSERT_BATCH = 2000
"""Rows per executemany when a run saves its results."""


async def replace_results(
    session: AsyncSession,
    run_id: int,
    results: list[tuple[type[Table], list[dict[str, Any]]]],
    *,
    proposals: type[Table],
    subject: str,
    subjects: list[int],
) -> None:
    """Save a run's result rows in bulk, replacing whatever an earlier attempt of the same
    job saved, and supersede other runs' open proposals for the same ``subject`` ids (elders,
    requests): only the newest run's proposals stay open."""
    from models.enums import ProposalStatus

    for model, _ in results:
        table: Any = model
        await session.execute(sa.delete(table).where(table.run_id == run_id))
    open_proposals: Any = proposals
    for start in range(0, len(subjects), IN_CHUNK):
        await session.execute(
            sa.update(open_proposals)
            .where(
                getattr(open_proposals, subject).in_(subjects[start : start + IN_CHUNK]),
                open_proposals.status == ProposalStatus.PROPOSED,
                open_proposals.run_id != run_id,
            )
            .values(status=ProposalStatus.SUPERSEDED, updated_at=utcnow())
        )
    for model, rows in results:
        for start in range(0, len(rows), INSERT_BATCH):
            await session.execute(sa.insert(model), rows[start : start + INSERT_BATCH])
