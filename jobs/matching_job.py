"""The matching-run job: load the scope, solve off the event loop, check, save in one go
(the lifecycle, exactly-once in effect, is ``jobs.run_lifecycle``'s)."""

from __future__ import annotations

import asyncio
import time
from datetime import date
from functools import partial
from typing import Any

from jobs import metrics
from jobs import run_lifecycle as lifecycle
from jobs.pairing_data import ScopeData, load_scope
from jobs.pairing_problem import build_problem, run_metrics
from jobs.partition import load_share
from jobs.split_runs import PARTITION, SPLIT, execute_split, scope_streets
from models.base import utcnow
from models.db import SessionFactory
from models.enums import ProposalStatus
from models.matching_run import MatchingRun, PairProposal, UnpairedElder


async def run_matching(factory: SessionFactory, run_id: int) -> None:
    """The job: idempotent by the run id; arguments are ids only."""
    await lifecycle.execute(factory, MatchingRun, run_id, lambda run: _execute(factory, run))


async def _execute(factory: SessionFactory, run: MatchingRun) -> None:
    assert run.id is not None
    params: dict[str, Any] = dict(run.params)
    if params.get(SPLIT):
        streets = await scope_streets(factory, run)
        if len(streets) > 1:
            await execute_split(factory, run, streets, run_matching)
            return
    clock = time.perf_counter()
    distance = int(params.get("max_distance_m", 1500))
    today = date.today()
    split_of = params.get(PARTITION)  # a street run of a split run
    async with factory() as session:
        share = await load_share(session, int(split_of), run.scope_ids[0]) if split_of else None
        data = await load_scope(
            session,
            run.scope,
            list(run.scope_ids),
            max_distance_m=distance,
            today=today,
            share=share,
        )
    await lifecycle.progress(
        factory,
        MatchingRun,
        run.id,
        30,
        "solving",
        f"{len(data.elders)} elders, {len(data.volunteers)} volunteers",
    )
    timings = {"load_s": time.perf_counter() - clock}
    clock = time.perf_counter()
    problem = build_problem(data, params)
    from matching import pair, violations

    limit = float(params.get("time_limit_s", 60))
    solve = partial(pair, time_limit_s=limit, seed=run.seed)
    result = await lifecycle.off_loop(
        factory, MatchingRun, run.id, solve, problem, give_up_s=lifecycle.hard_limit(limit)
    )
    timings["solve_s"] = time.perf_counter() - clock
    metrics.SOLVE_SECONDS.labels("matching_run").observe(timings["solve_s"])
    clock = time.perf_counter()
    broken = await asyncio.to_thread(violations, problem, result)
    if broken:
        raise RuntimeError(f"solver result breaks {len(broken)} rule(s): {broken[:3]}")
    timings["check_s"] = time.perf_counter() - clock
    await lifecycle.progress(
        factory, MatchingRun, run.id, 80, "saving", f"{len(result.pairs)} pairs"
    )
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
    async with lifecycle.finishing(factory, MatchingRun, run_id) as (session, run):
        await lifecycle.replace_results(
            session,
            run_id,
            [(PairProposal, proposals), (UnpairedElder, unpaired)],
            proposals=PairProposal,
            subject="elder_id",
            subjects=elder_ids,
        )
        timings["save_s"] = time.perf_counter() - clock
        run.solver_status = str(getattr(result.status, "name", result.status))
        run.metrics = {
            **run_metrics(data, result),
            "timings": {k: round(v, 3) for k, v in timings.items()},
        }
        run.progress_message = f"{len(proposals)} pairs, {len(unpaired)} elders unpaired"
