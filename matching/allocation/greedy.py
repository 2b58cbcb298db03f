"""Greedy filling: the coordinators' rule of thumb, and the optimiser's last top-up step.

``fill`` walks requests in a given order and lets each take, from its funds with the most money
left first, everything the rules allow: up to its need, each fund's cap and budget, and never a
new grant below the fund's minimum (an existing grant may grow by any amount). Started from
nothing in urgency order it is the baseline ``greedy_allocate``; started from the optimiser's
allocation it spends whatever rounding left over, so that every request that is not fully
covered is blocked by a cap, a budget or a minimum grant (which the explanations rely on).
"""

from __future__ import annotations

import time

import numpy as np

from matching.allocation.assembly import assemble
from matching.allocation.encoding import Arcs, Encoded, IntArray, encode
from matching.allocation.problem import AllocationProblem
from matching.allocation.result import AllocationResult, AllocationStatus


def urgency_order(enc: Encoded) -> IntArray:
    """Requests by urgency, highest first; ties by id (the encoding's order)."""
    out: IntArray = np.lexsort((np.arange(enc.n_requests), -enc.urgency)).astype(np.int64)
    return out


def fill(enc: Encoded, arcs: Arcs, x: IntArray, order: IntArray) -> IntArray:
    """``x`` topped up greedily in ``order`` (a new array; ``x`` must already obey the rules)."""
    out = x.copy()
    left = enc.budget - enc.spent(arcs, x)
    covered = enc.covered(arcs, x)
    # Only requests with need left and a fund with money left can change; budgets only shrink.
    open_arc = (left[arcs.fund] > 0) & (out < arcs.ub)
    hopeful = np.zeros(enc.n_requests, dtype=np.bool_)
    hopeful[arcs.req[open_arc]] = True
    hopeful &= covered < enc.need
    todo = order[hopeful[order]]
    if todo.size == 0:
        return out
    start = np.searchsorted(arcs.req, np.arange(enc.n_requests + 1))
    fund, ub, minimum = arcs.fund.tolist(), arcs.ub.tolist(), enc.min_grant.tolist()
    money, given, need = left.tolist(), out.tolist(), enc.need.tolist()
    for h in todo.tolist():
        want = need[h] - int(covered[h])
        mine = range(int(start[h]), int(start[h + 1]))
        for a in sorted(mine, key=lambda a: (-money[fund[a]], fund[a])):
            f = fund[a]
            amount = min(ub[a] - given[a], money[f], want)
            if amount <= 0 or (given[a] == 0 and amount < minimum[f]):
                continue
            given[a] += amount
            money[f] -= amount
            want -= amount
            if want == 0:
                break
    return np.array(given, dtype=np.int64)


def greedy_allocate(problem: AllocationProblem) -> AllocationResult:
    """Highest urgency first, each request taking from its funds with the most money left
    (status FEASIBLE, no bound; street floors ignored), explained like ``allocate``'s results."""
    started = time.perf_counter()
    enc = encode(problem)
    arcs = enc.arcs()
    x = fill(enc, arcs, np.zeros(arcs.size, np.int64), urgency_order(enc))
    return assemble(
        problem,
        enc,
        arcs,
        x,
        status=AllocationStatus.FEASIBLE,
        bound=None,
        started=started,
        method="greedy: highest urgency first, fund with most money left first",
    )
