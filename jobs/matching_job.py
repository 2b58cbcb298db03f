"""The matching-run job: load the scope, solve off the event loop, check, save in one go.

At-least-once delivery is made exactly-once in effect: the run row is the key. A run that
already finished is left alone; the proposals, the explanations and the final status are
written in one transaction, so a job killed half-way leaves nothing half-written and a
re-execution starts cleanly.
"""

from __future__ import annotations

import asyncio
import logging
import time
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlmodel import col

from jobs.pairing_data import ScopeData, load_scope
from jobs.pairing_problem import build_problem, run_metrics
from models.base import utcnow
from models.db import IN_CHUNK, SessionFactory, transaction
from models.enums import ProposalStatus, RunStatus
from models.matching_run import MatchingRun, PairProposal, UnpairedElder

log = logging.getLogger(__name__)

FINISHED = (RunStatus.SUCCEEDED, RunStatus.FAILED, RunStatus.CANCELLED)


class RunCancelled(Exception):
    """The run was cancelled while the job worked on it."""


async def _progress(
    factory: SessionFactory, run_id: int, percent: int, phase: str, message: str = ""
) -> None:
    """Record progress in its own short transaction; stop if the run was cancelled."""
    async with transaction(factory) as session:
        result = await session.execute(
            sa.update(MatchingRun)
            .where(col(MatchingRun.id) == run_id, col(MatchingRun.status) == RunStatus.RUNNING)
            .values(
                progress_percent=percent,
                progress_phase=phase,
                progress_message=message,
                updated_at=utcnow(),
            )
        )
        if result.rowcount != 1:  # type: ignore[attr-defined]
            raise RunCancelled(run_id)


async def _claim(factory: SessionFactory, run_id: int) -> MatchingRun | None:
    """Mark the run running; None when there is nothing to do (finished or unknown)."""
    async with transaction(factory) as session:
        run = await session.get(MatchingRun, run_id)
        if run is None or run.status in FINISHED:
            return None
        run.status = RunStatus.RUNNING
        run.started_at = run.started_at or utcnow()
        run.progress_phase = "loading"
        run.progress_percent = 5
        run.version += 1
        return run


async def run_matching(factory: SessionFactory, run_id: int) -> None:
    """The job: idempotent by the run id; arguments are ids only."""
    run = await _claim(factory, run_id)
    if run is None:
        return
    try:
        await _execute(factory, run)
    except RunCancelled:
        log.info("matching run %s was cancelled", run_id)
    except Exception as exc:
        log.exception("matching run %s failed", run_id)
        async with transaction(factory) as session:
            await session.execute(
                sa.update(MatchingRun)
                .where(col(MatchingRun.id) == run_id, col(MatchingRun.status) == RunStatus.RUNNING)
                .values(
                    status=RunStatus.FAILED,
                    error=f"{type(exc).__name__}: the run failed; see the server log.",
                    finished_at=utcnow(),
                    version=MatchingRun.version + 1,
                    updated_at=utcnow(),
                )
            )


async def _execute(factory: SessionFactory, run: MatchingRun) -> None:
    assert run.id is not None
    params: dict[str, Any] = dict(run.params)
    clock = time.perf_counter()
    async with factory() as session:
        data = await load_scope(
            session,
            run.scope,
            list(run.scope_ids),
            max_distance_m=int(params.get("max_distance_m", 1500)),
            today=date.today(),
        )
    await _progress(
        factory,
        run.id,
        30,
        "solving",
        f"{len(data.elders)} elders, {len(data.volunteers)} volunteers",
    )
    timings = {"load_s": time.perf_counter() - clock}
    clock = time.perf_counter()
    problem = build_problem(data, params)
    from matching import pair, violations

    result = await asyncio.to_thread(
        pair, problem, time_limit_s=float(params.get("time_limit_s", 60)), seed=run.seed
    )
    timings["solve_s"] = time.perf_counter() - clock
    clock = time.perf_counter()
    broken = await asyncio.to_thread(violations, problem, result)
    if broken:
        raise RuntimeError(f"solver result breaks {len(broken)} rule(s): {broken[:3]}")
    timings["check_s"] = time.perf_counter() - clock
    await _progress(factory, run.id, 80, "saving", f"{len(result.pairs)} pairs")
    await _save(factory, run.id, data, result, timings)


async def _save(
    factory: SessionFactory, run_id: int, data: ScopeData, result: Any, timings: dict[str, float]
) -> None:
    """Proposals, explanations, metrics and the final status in one transaction.

    ``timings`` (load, solve, check) gains ``save_s``: the writes up to the commit."""
    clock = time.perf_counter()
    now = utcnow()
    existing = set(data.existing)
    proposals = [
        {
            "run_id": run_id,
            "elder_id": p.elder_id,
            "volunteer_id": p.volunteer_id,
            "anchor": str(p.anchor),
            "distance_m": round(p.distance_m),
            "cost_terms": {k: round(v) for k, v in p.cost_terms.items()},
            "keeps_existing": (p.elder_id, p.volunteer_id) in existing,
            "status": (
                ProposalStatus.CONFIRMED
                if (p.elder_id, p.volunteer_id) in existing
                else ProposalStatus.PROPOSED
            ),
            "volunteer_consent": (p.elder_id, p.volunteer_id) in existing,
            "elder_consent": (p.elder_id, p.volunteer_id) in existing,
            "created_at": now,
            "updated_at": now,
            "version": 1,
        }
        for p in result.pairs
    ]
    unpaired = [
        {
            "run_id": run_id,
            "elder_id": u.elder_id,
            "reason": str(getattr(u.reason, "value", u.reason)),
            "detail": str(getattr(u, "detail", ""))[:500],
            "suggestion": str(getattr(u, "suggestion", ""))[:500],
            "created_at": now,
            "updated_at": now,
        }
        for u in result.unpaired
    ]
    elder_ids = [e.id for e in data.elders]
    async with transaction(factory) as session:
        run = await session.get(MatchingRun, run_id, with_for_update=True)
        if run is None or run.status is not RunStatus.RUNNING:
            raise RunCancelled(run_id)
        # A re-executed job replaces nothing twice: whatever an earlier attempt saved goes.
        await session.execute(sa.delete(PairProposal).where(col(PairProposal.run_id) == run_id))
        await session.execute(sa.delete(UnpairedElder).where(col(UnpairedElder.run_id) == run_id))
        # Open proposals of earlier runs for these elders are superseded by this run's.
        for start in range(0, len(elder_ids), IN_CHUNK):
            await session.execute(
                sa.update(PairProposal)
                .where(
                    col(PairProposal.elder_id).in_(elder_ids[start : start + IN_CHUNK]),
                    col(PairProposal.status) == ProposalStatus.PROPOSED,
                    col(PairProposal.run_id) != run_id,
                )
                .values(status=ProposalStatus.SUPERSEDED, updated_at=now)
            )
        for start in range(0, len(proposals), 2000):
            await session.execute(sa.insert(PairProposal), proposals[start : start + 2000])
        for start in range(0, len(unpaired), 2000):
            await session.execute(sa.insert(UnpairedElder), unpaired[start : start + 2000])
        run.status = RunStatus.SUCCEEDED
        run.solver_status = str(getattr(result.status, "name", result.status))
        timings["save_s"] = time.perf_counter() - clock
        run.metrics = {
            **run_metrics(data, result),
            "timings": {k: round(v, 3) for k, v in timings.items()},
        }
        run.progress_percent = 100
        run.progress_phase = "done"
        run.progress_message = f"{len(proposals)} pairs, {len(unpaired)} elders unpaired"
        run.finished_at = now
        run.version += 1
