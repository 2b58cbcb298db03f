"""``violations``: every hard rule re-checked on a result, from the problem alone (no solver).

Jobs call it before anything is saved, and tests call it on every result. It trusts nothing
the optimiser computed: eligibility, remaining caps, eligible need and floors are recomputed
from the problem in plain Python, and the reported totals are checked against the grants.
"""

from __future__ import annotations

import math
from collections import defaultdict

from matching.allocation.problem import AllocationProblem, Fund, Request
from matching.allocation.result import AllocationResult, AllocationStatus

TOLERANCE = 1e-9


def violations(problem: AllocationProblem, result: AllocationResult) -> list[str]:
    """Every hard rule the result breaks, in words; empty when it is sound.

    INFEASIBLE and UNKNOWN results must grant nothing and say why. Street floors: with strict
    floors every street must reach ``ceil(phi x eligible need)``; otherwise a street below it
    is a violation when one of its requests could still take money that is left.
    """
    if result.status in (AllocationStatus.INFEASIBLE, AllocationStatus.UNKNOWN):
        granted = ["a result without an allocation grants money"] if result.grants else []
        return granted + ([] if result.infeasible_reasons else ["it gives no reason"])
    funds = {f.id: f for f in problem.funds}
    requests = {r.id: r for r in problem.requests}
    received = {(r.household_id, r.fund_id): r.amount_fen for r in problem.received}
    out: list[str] = []
    pair: dict[tuple[int, int], int] = defaultdict(int)
    for g in result.grants:
        fund, request = funds.get(g.fund_id), requests.get(g.request_id)
        what = f"grant (request {g.request_id}, fund {g.fund_id})"
        if fund is None or request is None:
            out.append(f"{what} names an unknown request or fund")
            continue
        if g.household_id != request.household_id:
            out.append(f"{what} names household {g.household_id}, not {request.household_id}")
        if not isinstance(g.amount_fen, int) or g.amount_fen <= 0:
            out.append(f"{what} is {g.amount_fen!r}; grants are positive whole fen")
            continue
        if g.amount_fen < fund.min_grant_fen:
            out.append(f"{what} of {g.amount_fen} is below the minimum {fund.min_grant_fen}")
        if not fund.pays_for(request.tags):
            out.append(f"{what}: the fund does not pay for this household's circumstances")
        pair[g.request_id, g.fund_id] += g.amount_fen
    spent: dict[int, int] = defaultdict(int)
    covered: dict[int, int] = defaultdict(int)
    for (request_id, fund_id), amount in pair.items():
        request, fund = requests[request_id], funds[fund_id]
        room = _room(fund, request, received)
        if amount > room:
            out.append(
                f"request {request_id} gets {amount} from fund {fund_id}; its cap leaves {room}"
            )
        spent[fund_id] += amount
        covered[request_id] += amount
    out += [
        f"fund {f} awards {s} but has {funds[f].budget_fen}"
        for f, s in sorted(spent.items())
        if s > funds[f].budget_fen
    ]
    out += [
        f"request {r} gets {c} but needs {requests[r].need_fen}"
        for r, c in sorted(covered.items())
        if c > requests[r].need_fen
    ]
    out += _floors(problem, result, spent, covered, received)
    out += _reported(problem, result, spent, covered)
    return out


def _room(fund: Fund, request: Request, received: dict[tuple[int, int], int]) -> int:
    return max(0, fund.cap_fen - received.get((request.household_id, fund.id), 0))


def _floors(
    problem: AllocationProblem,
    result: AllocationResult,
    spent: dict[int, int],
    covered: dict[int, int],
    received: dict[tuple[int, int], int],
) -> list[str]:
    phi = problem.params.floor_share
    if not phi:
        return []
    eligible: dict[int, int] = defaultdict(int)
    got: dict[int, int] = defaultdict(int)
    members: dict[int, list[Request]] = defaultdict(list)
    for r in problem.requests:
        reach = 0
        for f in problem.funds:
            if f.pays_for(r.tags):
                most = min(_room(f, r, received), r.need_fen, f.budget_fen)
                reach += most if most >= max(1, f.min_grant_fen) else 0
        eligible[r.street] += min(r.need_fen, reach)
        got[r.street] += covered.get(r.id, 0)
        members[r.street].append(r)
    given: dict[tuple[int, int], int] = defaultdict(int)
    for g in result.grants:
        given[g.request_id, g.fund_id] += g.amount_fen
    out = []
    for street in sorted(eligible):
        target = math.ceil(phi * eligible[street])
        if got[street] >= target:
            continue
        if problem.params.strict_floors:
            out.append(f"street {street} gets {got[street]}; its strict floor is {target}")
            continue
        for r in members[street]:
            chance = _open_grant(problem, r, spent, covered, received, given)
            if chance:
                out.append(f"street {street} misses its floor ({got[street]} < {target}) {chance}")
                break
    return out


def _open_grant(
    problem: AllocationProblem,
    request: Request,
    spent: dict[int, int],
    covered: dict[int, int],
    received: dict[tuple[int, int], int],
    given: dict[tuple[int, int], int],
) -> str:
    """Words saying how this request could still take money that is left, or ''."""
    r = request
    if covered.get(r.id, 0) >= r.need_fen:
        return ""
    for f in problem.funds:
        if not f.pays_for(r.tags):
            continue
        already = given.get((r.id, f.id), 0)
        least = 1 if already else max(1, f.min_grant_fen)
        room = _room(f, r, received) - already
        can = min(room, f.budget_fen - spent.get(f.id, 0), r.need_fen - covered.get(r.id, 0))
        if can >= least:
            return f"while request {r.id} could still take {can} from fund {f.id}"
    return ""


def _reported(
    problem: AllocationProblem,
    result: AllocationResult,
    spent: dict[int, int],
    covered: dict[int, int],
) -> list[str]:
    """The totals a coordinator reads must agree with the grants."""
    out = []
    total = sum(covered.values())
    if result.covered_fen != total:
        out.append(f"covered_fen says {result.covered_fen}; the grants add up to {total}")
    objective = sum(r.urgency * covered.get(r.id, 0) for r in problem.requests)
    if abs(result.objective - objective) > TOLERANCE * max(1.0, abs(objective)):
        out.append(f"objective says {result.objective}; the grants are worth {objective}")
    if result.bound is not None and result.bound < result.objective * (1 - TOLERANCE):
        out.append(f"bound {result.bound} is below the objective {result.objective}")
    for fund in result.funds:
        if fund.awarded_fen != spent.get(fund.fund_id, 0):
            out.append(f"fund {fund.fund_id} reports {fund.awarded_fen} awarded")
    for request in result.requests:
        if request.covered_fen != covered.get(request.request_id, 0):
            out.append(f"request {request.request_id} reports {request.covered_fen} covered")
    return out
