"""``pair``: the pairing run from problem to explained result (pure; no database, no settings)."""

from __future__ import annotations

import gc
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import replace

import numpy as np

from matching.assembly import Plan, assemble, infeasible_result, make_plan
from matching.candidates import Candidates, build_candidates, nearest_points
from matching.churn import solve_with_budget
from matching.commitments import resolve
from matching.costs import break_units
from matching.encoding import Encoded, encode, locate
from matching.model import PairingModel
from matching.network import FlowError
from matching.problem import PairingProblem
from matching.result import PairingResult

COARSER_TRIES = 2
"""Retries with 10x coarser cost units when the flow's integers would overflow."""


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector, restoring its state afterwards.

    A district's problem is a few hundred thousand small objects; the collections our own
    allocations trigger traverse all of them to find no cycles, which measured 15-20 % of a
    20k x 60k run. Reference counting still frees everything meanwhile.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def pair(
    problem: PairingProblem,
    *,
    time_limit_s: float = 60.0,
    seed: int = 0,
    monolithic: bool = False,
    workers: int = -1,
) -> PairingResult:
    """Pair elders with volunteers: street floors first, then priority weight, then cost.

    Never raises for an infeasible instance (status INFEASIBLE with reasons instead); invalid
    input was already refused when the problem was built. The solver is deterministic: the same
    problem gives the same result whatever the order of its lists; ``seed`` is recorded by
    callers and changes nothing today (no step is random). ``time_limit_s`` is checked between
    flow solves: a result cut short is FEASIBLE, without a bound. ``monolithic`` solves one flow
    over every candidate arc, without components or pricing (the reference for tests and
    benchmarks; slower). ``workers`` goes to the KD-tree queries (-1: all cores).
    """
    del seed  # see the docstring: nothing random happens
    with _collector_paused():
        for coarser in range(COARSER_TRIES + 1):
            try:
                result = _pair(
                    problem, time_limit_s=time_limit_s, monolithic=monolithic, workers=workers
                )
            except FlowError as error:
                if coarser == COARSER_TRIES:
                    enc = encode(problem)
                    reason = f"the flow solver failed ({error}); try a coarser cost_unit_m"
                    return infeasible_result(enc, [reason], time.perf_counter())
                # The scales that keep floors above priority above cost grow with the square
                # of the instance; coarser cost units shrink them back into int64 range.
                unit = problem.params.cost_unit_m * 10
                problem = replace(problem, params=replace(problem.params, cost_unit_m=unit))
                continue
            if coarser:
                note = f"costs rounded to {problem.params.cost_unit_m:g} m to fit the solver"
                result = replace(result, notes=(*result.notes, note))
            return result
    raise AssertionError("unreachable")


def _pair(
    problem: PairingProblem, *, time_limit_s: float, monolithic: bool, workers: int
) -> PairingResult:
    started = time.perf_counter()
    deadline = time.monotonic() + time_limit_s
    params = problem.params
    points = locate(problem)
    with ThreadPoolExecutor(max_workers=1) as pool:
        # The KD-tree query releases the GIL: the rest of the problem is encoded meanwhile.
        nearest = pool.submit(nearest_points, points, params, workers=workers)
        enc = encode(problem, points)
        commitments = resolve(problem, enc)
        if commitments.infeasible:
            return infeasible_result(enc, commitments.infeasible, started)
        pinned = commitments.pinned_array(enc.n_elders)
        existing = commitments.existing_array(enc.n_elders)
        kept_and_pinned = np.where(pinned >= 0, pinned, existing)
        churn = params.churn_budget > 0 and bool(commitments.existing)
        cand = build_candidates(
            enc,
            params,
            forbidden=sorted(commitments.forbidden),
            existing=existing if churn else np.full(enc.n_elders, -1, dtype=np.int64),
            nearest=nearest.result(),
        )
    plan = make_plan(enc, cand, pinned if churn else kept_and_pinned, params.street_floor)
    if churn:
        free = _model(enc, cand, plan, bonus=break_units(params), monolithic=monolithic)
        fixed_plan = make_plan(enc, cand, kept_and_pinned, params.street_floor, like=plan)
        fixed = _model(enc, cand, fixed_plan, bonus=0, monolithic=monolithic)
        out = solve_with_budget(free, fixed, params.churn_budget, deadline=deadline)
        model, choice, bound = free, out.choice, out.bound
        solves, arcs = out.solves, out.flow_arcs
    else:
        model = _model(enc, cand, plan, bonus=0, monolithic=monolithic)
        sol = model.solve(deadline=deadline)
        choice, solves, arcs = sol.choice, sol.solves, sol.flow_arcs
        value = model.value(choice).total(model.weight_scale, model.floor_scale)
        bound = value if sol.certified else None
    return assemble(
        problem, enc, cand, commitments, plan, model, choice,
        bound=bound, solves=solves, flow_arcs=arcs, started=started,
    )  # fmt: skip


def _model(
    enc: Encoded, cand: Candidates, plan: Plan, *, bonus: int, monolithic: bool
) -> PairingModel:
    return PairingModel(
        cand,
        rows=plan.fixed < 0,
        capacity=plan.capacity,
        priority=enc.e_priority,
        street=enc.e_street,
        floor_cap=plan.floor_cap,
        bonus=bonus,
        monolithic=monolithic,
    )
