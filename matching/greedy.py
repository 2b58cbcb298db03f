"""``greedy_pair``: the nearest-first heuristic coordinators effectively use by hand.

A baseline for tests and benchmarks: the same candidates, rules, pins and kept pairs as
``pair``, then the globally shortest allowed pair is taken first while both sides are free.
It ignores priority, costs other than distance, and street floors; it never breaks an
existing valid pair.
"""

from __future__ import annotations

import time

import numpy as np

from matching.assembly import assemble, infeasible_result, make_plan
from matching.candidates import build_candidates
from matching.commitments import resolve
from matching.encoding import encode
from matching.model import PairingModel
from matching.problem import PairingProblem
from matching.result import PairingResult


def greedy_pair(problem: PairingProblem, *, workers: int = -1) -> PairingResult:
    """Nearest-first pairing (status FEASIBLE, no bound), explained like ``pair``'s results."""
    started = time.perf_counter()
    params = problem.params
    enc = encode(problem)
    commitments = resolve(problem, enc)
    if commitments.infeasible:
        return infeasible_result(enc, commitments.infeasible, started)
    pinned = commitments.pinned_array(enc.n_elders)
    fixed = np.where(pinned >= 0, pinned, commitments.existing_array(enc.n_elders))
    cand = build_candidates(
        enc,
        params,
        forbidden=sorted(commitments.forbidden),
        existing=np.full(enc.n_elders, -1, dtype=np.int64),
        workers=workers,
    )
    plan = make_plan(enc, cand, fixed, params.street_floor)
    safe = np.where(cand.vol >= 0, cand.vol, 0)
    usable = cand.ok & (plan.fixed < 0)[:, None] & (plan.capacity[safe] > 0)
    rows, cols = np.nonzero(usable)
    order = np.lexsort((cols, rows, cand.dist[rows, cols]))
    rows, cols = rows[order], cols[order]
    vols = safe[rows, cols]
    left = plan.capacity.tolist()
    taken = [-1] * enc.n_elders
    waiting = int(np.count_nonzero(usable.any(axis=1)))
    for e, c, v in zip(rows.tolist(), cols.tolist(), vols.tolist(), strict=True):
        if taken[e] < 0 and left[v] > 0:
            taken[e] = c
            left[v] -= 1
            waiting -= 1
            if waiting == 0:  # everyone who can be paired is
                break
    choice = np.array(taken, dtype=np.int64)
    model = PairingModel(
        cand,
        rows=plan.fixed < 0,
        capacity=plan.capacity,
        priority=enc.e_priority,
        street=enc.e_street,
        floor_cap=plan.floor_cap,
        bonus=0,
    )
    return assemble(
        problem, enc, cand, commitments, plan, model, choice,
        bound=None, solves=0, flow_arcs=0, started=started,
    )  # fmt: skip
