"""An independent exact solver for small allocation problems: CP-SAT on the plain model.

Written from the rules, not from the optimiser's code: eligibility by tag sets, caps less
what was received, one integer variable per (request, fund) with a 0/1 "gives" variable for
minimum grants, and street floors of ceil(phi x eligible need). Urgencies have at most two
decimals, so the integer weights (x100) are exact.
"""

from __future__ import annotations

import math

from ortools.sat.python import cp_model

from matching.allocation import AllocationProblem


def eligible_need(problem: AllocationProblem) -> dict[int, int]:
    """Per street: the need that eligible funds could cover, each on its own, capped by need."""
    received = {(r.household_id, r.fund_id): r.amount_fen for r in problem.received}
    out: dict[int, int] = {}
    for r in problem.requests:
        reach = 0
        for f in problem.funds:
            if f.tags and not (f.tags & r.tags):
                continue
            room = max(0, f.cap_fen - received.get((r.household_id, f.id), 0))
            most = min(room, r.need_fen, f.budget_fen)
            if most >= max(1, f.min_grant_fen):
                reach += most
        out[r.street] = out.get(r.street, 0) + min(r.need_fen, reach)
    return out


def best_objective(problem: AllocationProblem, *, floors: bool = True) -> float | None:
    """The optimum of urgency x covered fen meeting phi's floors, or None if none can."""
    received = {(r.household_id, r.fund_id): r.amount_fen for r in problem.received}
    model = cp_model.CpModel()
    grants: dict[tuple[int, int], cp_model.IntVar] = {}
    for r in problem.requests:
        for f in problem.funds:
            if f.tags and not (f.tags & r.tags):
                continue
            room = max(0, f.cap_fen - received.get((r.household_id, f.id), 0))
            x = model.new_int_var(0, min(room, r.need_fen), f"x{r.id}_{f.id}")
            gives = model.new_bool_var(f"g{r.id}_{f.id}")
            model.add(x >= max(1, f.min_grant_fen)).only_enforce_if(gives)
            model.add(x == 0).only_enforce_if(~gives)
            grants[r.id, f.id] = x
    for f in problem.funds:
        model.add(sum(x for (_, fid), x in grants.items() if fid == f.id) <= f.budget_fen)
    for r in problem.requests:
        model.add(sum(x for (rid, _), x in grants.items() if rid == r.id) <= r.need_fen)
    phi = problem.params.floor_share
    if floors and phi:
        street_of = {r.id: r.street for r in problem.requests}
        for street, need in eligible_need(problem).items():
            target = math.ceil(phi * need)
            mine = [x for (rid, _), x in grants.items() if street_of[rid] == street]
            model.add(sum(mine) >= target)
    urgency = {r.id: round(r.urgency * 100) for r in problem.requests}
    model.maximize(sum(urgency[rid] * x for (rid, _), x in grants.items()))
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_time_in_seconds = 30
    status = solver.solve(model)
    if status == cp_model.INFEASIBLE:
        return None
    assert status == cp_model.OPTIMAL, solver.status_name(status)
    return solver.objective_value / 100
