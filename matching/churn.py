"""The churn budget ("break at most B existing pairs") by Lagrangian relaxation.

The budget is the only constraint that does not fit a flow, and it couples everything through a
single number, so it is relaxed: each broken pair pays a uniform price ``lam`` and the flow is
re-solved. ``lam = 0`` is the unconstrained optimum. The first price is estimated from the gains
of its breaks (the (B+1)-th largest), then raised by half until the budget holds, which brackets
the answer closely (keeping every pair, the churn-0 solve, is the fallback bracket). The dual
function is concave and piecewise linear in ``lam``; the next price is where the two bracketing
lines meet (a Newton / secant step on its breakpoints). All re-solves share the model's arcs and
only components that broke a pair at price 0 are solved again (see ``PairingModel``).

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
"""Prices tried at most (each one a flow over the components that break pairs)."""


@dataclass(frozen=True)
class Point:
    """A solve at one price: the solution and its value."""

    lam: int
    choice: IntArray
    value: Value


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
    low = Point(0, first.choice, model.value(first.choice))
    solves, flow_arcs, certified = first.solves, first.flow_arcs, first.certified
    if low.value.broken <= budget:
        bound = objective(low.value) if certified else None
        return BudgetOutcome(low.choice, low.value, bound, 1, solves, flow_arcs)
    bound = objective(low.value)  # the unconstrained optimum bounds the constrained one
    high: Point | None = None
    best: Point | None = None
    lam = _first_price(model, first.choice, budget)
    prices = 1
    step = 0  # > 0 while stepping down from the first within-budget price
    while prices < MAX_PRICES and time.monotonic() < deadline:
        sol = model.solve(lam, deadline=deadline)
        prices += 1
        solves += sol.solves
        flow_arcs = sol.flow_arcs
        certified &= sol.certified
        point = Point(lam, sol.choice, model.value(sol.choice))
        if sol.certified:
            bound = max(bound, objective(point.value) + lam * (point.value.broken - budget))
        if point.value.broken > budget:
            low = point
            step = 0
        else:
            step = 1 if high is None else 2 * step
            high = point
            if best is None or objective(point.value) < objective(best.value):
                best = point
        if high is not None and (high.value.broken == budget or high.lam - low.lam <= 1):
            break  # exactly on budget (optimal), or the dual optimum lies between the two
        # The first guess is usually close: walk down 1, 2, 4... below it, then bisect/secant.
        if step and high is not None:
            lam = max(high.lam - step, low.lam + 1)
        else:
            lam = _next_price(low, high, objective)
    if best is None:  # keep everything: always within budget
        kept = fixed.solve(deadline=deadline)
        solves += kept.solves
        certified &= kept.certified
        keep_all = kept.choice.copy()
        rows = np.flatnonzero(model.has_existing)
        keep_all[rows] = model.existing_col[rows]
        best = Point(-1, keep_all, model.value(keep_all))
    choice, value = _spend_rest(model, (best.choice, best.value), low.choice, budget, objective)
    return BudgetOutcome(choice, value, bound if certified else None, prices, solves, flow_arcs)


def _next_price(low: Point, high: Point | None, objective: Callable[[Value], int]) -> int:
    """The next price to try.

    Without a within-budget solution yet, raise by half. Otherwise the secant step, kept
    strictly inside the bracket and halfway when it would repeat an end (a plain secant creeps
    when one end stays put). (The caller first walks down from the first within-budget price.)
    """
    if high is None:
        return low.lam + low.lam // 2 + 1
    gained = objective(high.value) - objective(low.value)
    fewer = low.value.broken - high.value.broken
    lam = -(-gained // max(fewer, 1))
    if not low.lam < lam < high.lam:
        lam = (low.lam + high.lam) // 2
    return max(lam, low.lam + 1)


def _first_price(model: PairingModel, choice: IntArray, budget: int) -> int:
    """A first price per broken pair: just above the (budget+1)-th largest gain of a break.

    The gain of breaking elder e's pair at price 0 is estimated alone: the cost of keeping it
    (with its continuity bonus) minus the cost of the arc it took instead. Breaks interact, so
    this only starts the search near the answer; the price steps that follow are exact.
    """
    rows = np.flatnonzero(model.has_existing & (choice != model.existing_col))
    keep = model.arc_cost(rows, model.existing_col[rows], 0)
    paired = choice[rows] >= 0
    took = np.where(paired, 0, model.weight_scale * model.priority[rows])
    took[paired] = model.arc_cost(rows[paired], choice[rows][paired], 0)
    gains = np.sort(keep - took)[::-1]
    if gains.size <= budget:
        return 1
    return max(1, int(gains[budget]) + 1)


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
