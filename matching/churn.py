"""The churn budget ("break at most B existing pairs") by Lagrangian relaxation.

The budget is the only constraint that does not fit a flow, and it couples everything through a
single number, so it is relaxed: each broken pair pays a uniform price ``lam`` and the flow is
re-solved. ``lam = 0`` is the unconstrained optimum; keeping every pair (the churn-0 solve) is
the other end. Between them the dual function is concave and piecewise linear in ``lam``, and
the next price is where the two current lines meet (a Newton / secant step on its breakpoints),
so a handful of flows suffice; all re-solves share the model's arcs and only components that
hold an existing pair are solved again.

Every solve at a price gives a lower bound ``F(x) + lam * (broken(x) - B)``; the best solution
within the budget is the incumbent, improved at the end by taking whole independent parts of
the last over-budget solution while budget remains. ``gap = incumbent - best bound``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from matching.encoding import IntArray
from matching.model import PairingModel, Value

MAX_PRICES = 12


@dataclass(frozen=True)
class BudgetOutcome:
    choice: IntArray
    value: Value
    bound: int | None
    """Lower bound on the model objective (None when a solve was cut by the time limit)."""
    prices: int
    solves: int
    flow_arcs: int


def solve_with_budget(
    model: PairingModel, fixed: PairingModel, budget: int, *, deadline: float
) -> BudgetOutcome:
    """The best pairing found that breaks at most ``budget`` existing pairs.

    ``model`` has the existing pairs in play (with their continuity bonus); ``fixed`` has them
    kept and out of the flow, which is the price-infinity end of the search.
    """
    scale = (model.weight_scale, model.floor_scale)

    def objective(v: Value) -> int:
        return v.total(*scale)

    first = model.solve(0, deadline=deadline)
    low = (first.choice, model.value(first.choice))
    solves, flow_arcs = first.solves, first.flow_arcs
    certified = first.certified
    if low[1].broken <= budget:
        bound = objective(low[1]) if certified else None
        return BudgetOutcome(low[0], low[1], bound, 1, solves, flow_arcs)
    kept = fixed.solve(deadline=deadline)
    solves += kept.solves
    certified &= kept.certified
    keep_all = kept.choice.copy()
    rows = np.flatnonzero(model.has_existing)
    keep_all[rows] = model.existing_col[rows]
    high = (keep_all, model.value(keep_all))
    best = high
    bound = objective(low[1])  # the unconstrained optimum bounds the constrained one
    prices = 1
    while prices < MAX_PRICES and time.monotonic() < deadline:
        f_low, f_high = objective(low[1]), objective(high[1])
        lam = max(1, -(-(f_high - f_low) // (low[1].broken - high[1].broken)))
        sol = model.solve(lam, deadline=deadline)
        prices += 1
        solves += sol.solves
        flow_arcs = sol.flow_arcs
        value = model.value(sol.choice)
        certified &= sol.certified
        if sol.certified:
            bound = max(bound, objective(value) + lam * (value.broken - budget))
        if value.broken <= budget and objective(value) < objective(best[1]):
            best = (sol.choice, value)
        here = objective(value) + lam * value.broken
        if here >= min(f_low + lam * low[1].broken, f_high + lam * high[1].broken):
            break  # nothing below the two lines at this price: it is the dual optimum
        if value.broken > budget:
            low = (sol.choice, value)
        else:
            high = (sol.choice, value)
    best = _spend_rest(model, best, low[0], budget, objective)
    return BudgetOutcome(best[0], best[1], bound if certified else None, prices, solves, flow_arcs)


def _spend_rest(
    model: PairingModel,
    best: tuple[IntArray, Value],
    over: IntArray,
    budget: int,
    objective: Callable[[Value], int],
) -> tuple[IntArray, Value]:
    """Adopt independent parts of an over-budget solution while the budget lasts.

    Elders whose choice differs, with the volunteers either solution gives them, split into
    connected parts; swapping one whole part keeps every capacity (a volunteer's elders all lie
    in its part). Parts that improve the objective are taken, best per broken pair first.
    """
    choice, value = best
    differ = np.flatnonzero(choice != over)
    if differ.size == 0:
        return best
    ne = choice.size
    vol_now = np.where(choice[differ] >= 0, model.safe[differ, np.maximum(choice[differ], 0)], -1)
    vol_alt = np.where(over[differ] >= 0, model.safe[differ, np.maximum(over[differ], 0)], -1)
    a = np.concatenate([differ, differ])
    b = np.concatenate([vol_now, vol_alt])
    keep = b >= 0
    n = ne + model.capacity.size
    graph = coo_matrix(
        (np.ones(int(keep.sum()), dtype=np.int8), (a[keep], ne + b[keep])), shape=(n, n)
    )
    _, labels = connected_components(graph, directed=False)
    parts: dict[int, list[int]] = {}
    for e in differ.tolist():
        parts.setdefault(int(labels[e]), []).append(e)
    scored = []
    for members in parts.values():
        trial = choice.copy()
        idx = np.array(members)
        trial[idx] = over[idx]
        v = model.value(trial)
        gain = objective(value) - objective(v)
        extra = v.broken - value.broken
        if gain > 0:
            scored.append((-(gain / max(extra, 1)), idx))
    scored.sort(key=lambda s: s[0])
    for _, idx in scored:
        trial = choice.copy()
        trial[idx] = over[idx]
        v = model.value(trial)
        if v.broken <= budget and objective(v) < objective(value):
            choice, value = trial, v
    return choice, value
