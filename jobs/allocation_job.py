"""The allocation-run job: load funds and requests, allocate off the event loop, check, save.

Beside the optimiser's answer it runs the greedy baseline (highest urgency first) on the same
instance and records both, so the association sees what the optimisation bought.
"""

from __future__ import annotations

import time
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlmodel import col

from jobs import metrics
from jobs import run_lifecycle as lifecycle
from jobs.allocation_data import AllocationData, load_allocation
from models.allocation_run import AllocationOutcome, AllocationProposal, AllocationRun
from models.base import utcnow
from models.db import IN_CHUNK, SessionFactory
from models.enums import ProposalStatus, RequestStatus
from models.grant import AssistanceRequest


async def run_allocation(factory: SessionFactory, run_id: int) -> None:
    """The job: idempotent by the run id; arguments are ids only."""
    await lifecycle.execute(factory, AllocationRun, run_id, lambda run: _execute(factory, run))


def _solve(problem: Any, time_limit_s: float) -> tuple[Any, Any, list[str]]:
    from matching.allocation import allocate, greedy_allocate, violations

    result = allocate(problem, time_limit_s=time_limit_s)
    return result, greedy_allocate(problem), violations(problem, result)


async def _execute(factory: SessionFactory, run: AllocationRun) -> None:
    assert run.id is not None
    clock = time.perf_counter()
    async with factory() as session:
        data = await load_allocation(session, run, date.today())
    timings = {"load_s": time.perf_counter() - clock}
    problem = data.problem
    await lifecycle.progress(
        factory,
        AllocationRun,
        run.id,
        30,
        "solving",
        f"{len(problem.requests)} requests, {len(problem.funds)} funds",
    )
    clock = time.perf_counter()
    time_limit = float(run.params.get("time_limit_s", 60))
    result, greedy, broken = await lifecycle.off_loop(
        factory,
        AllocationRun,
        run.id,
        _solve,
        problem,
        time_limit,
        give_up_s=lifecycle.hard_limit(time_limit),
    )
    timings["solve_s"] = time.perf_counter() - clock
    metrics.SOLVE_SECONDS.labels("allocation_run").observe(timings["solve_s"])
    if broken:
        raise RuntimeError(f"allocation breaks {len(broken)} rule(s): {broken[:3]}")
    await lifecycle.progress(
        factory, AllocationRun, run.id, 80, "saving", f"{len(result.grants)} grants"
    )
    await _save(factory, run, data, result, greedy, timings)


def _metrics(data: AllocationData, result: Any, greedy: Any) -> dict[str, Any]:
    return {
        "requests": len(data.problem.requests),
        "skipped_requests": data.skipped_requests,
        "funds": [
            {
                "fund_id": f.fund_id,
                "budget_fen": f.budget_fen,
                "awarded_fen": f.awarded_fen,
                "remaining_fen": f.remaining_fen,
                "grants": f.grants,
                "shadow": None if f.shadow is None else f.shadow.text,
            }
            for f in result.funds
        ],
        "streets": [
            {
                "street_id": s.street,
                "eligible_fen": s.eligible_fen,
                "covered_fen": s.covered_fen,
                "coverage": s.coverage,
                "floor_met": s.floor_met,
            }
            for s in result.streets
        ],
        "objective": result.objective,
        "covered_fen": result.covered_fen,
        "bound": result.bound,
        "gap": result.gap,
        "min_coverage": result.min_coverage,
        "gini": result.gini,
        "floor_share": result.floor_share,
        "notes": list(result.notes) + list(result.infeasible_reasons),
        "greedy": {
            "objective": greedy.objective,
            "covered_fen": greedy.covered_fen,
            "min_coverage": greedy.min_coverage,
            "gini": greedy.gini,
        },
    }


async def _save(
    factory: SessionFactory,
    run: AllocationRun,
    data: AllocationData,
    result: Any,
    greedy: Any,
    timings: dict[str, float],
) -> None:
    assert run.id is not None
    clock = time.perf_counter()
    now = utcnow()
    proposals = [
        {
            "run_id": run.id,
            "request_id": g.request_id,
            "household_id": g.household_id,
            "fund_id": g.fund_id,
            "amount_fen": g.amount_fen,
            "status": ProposalStatus.PROPOSED,
            "version": 1,
            "created_at": now,
            "updated_at": now,
        }
        for g in result.grants
    ]
    outcomes = [
        {
            "run_id": run.id,
            "request_id": r.request_id,
            "need_fen": r.need_fen,
            "eligible_fen": r.eligible_fen,
            "covered_fen": r.covered_fen,
            "reason": str(r.reason),
            "limits": [{"fund_id": x.fund_id, "reason": str(x.reason)} for x in r.limits],
            "detail": r.detail[:1000],
            "created_at": now,
            "updated_at": now,
        }
        for r in result.requests
    ]
    request_ids = [r.id for r in data.problem.requests]
    proposed = sorted({g.request_id for g in result.grants})
    async with lifecycle.finishing(factory, AllocationRun, run.id) as (session, row):
        await lifecycle.replace_results(
            session,
            run.id,
            [(AllocationProposal, proposals), (AllocationOutcome, outcomes)],
            proposals=AllocationProposal,
            subject="request_id",
            subjects=request_ids,
        )
        for start in range(0, len(proposed), IN_CHUNK):
            await session.execute(
                sa.update(AssistanceRequest)
                .where(
                    col(AssistanceRequest.id).in_(proposed[start : start + IN_CHUNK]),
                    col(AssistanceRequest.status) == RequestStatus.SUBMITTED,
                )
                .values(
                    status=RequestStatus.IN_ALLOCATION,
                    version=AssistanceRequest.version + 1,
                    updated_at=now,
                )
            )
        timings["save_s"] = time.perf_counter() - clock
        row.solver_status = str(getattr(result.status, "name", result.status))
        row.metrics = {
            **_metrics(data, result, greedy),
            "timings": {k: round(v, 3) for k, v in timings.items()},
        }
        row.progress_message = f"{len(proposals)} grants proposed for {len(proposed)} requests"
