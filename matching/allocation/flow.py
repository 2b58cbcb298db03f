"""The LP relaxation of an allocation as a min-cost flow, and the floor test as a max flow.

Relaxing "a grant is 0 or at least the minimum" to "a grant is between 0 and its cap" leaves a
network (money flows from funds to requests to streets to the sink T):

    fund f --(ub, 0)--> request h --(need, -weight)--> street s --(inf, 0; at least floor)--> T
    fund f --(budget, 0)--> T                           (money may stay unspent)

Each fund supplies its budget. A street's floor is a lower bound on its arc to T, and a grant
forced to at least its minimum is a lower bound on its arc; both become node supplies (the
usual transformation), so OR-Tools decides feasibility and optimality exactly, in integers.
The flow is integral, so the LP relaxation's optimum is an allocation in whole fen.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from ortools.graph.python import max_flow, min_cost_flow

from matching.allocation.encoding import Arcs, BoolArray, FloatArray, IntArray

COST_MAX = 10**6
"""Largest integer cost per fen. OR-Tools multiplies costs by the node count during cost
scaling; 10^6 keeps a city (10^5 nodes) far from int64 overflow and resolves urgency weights to
one part in a million."""
INT64_MAX = int(np.iinfo(np.int64).max)


class FlowError(RuntimeError):
    """OR-Tools returned neither an optimum nor infeasibility (a bug or an overflow)."""


@dataclass(frozen=True)
class Weights:
    """Urgency weights as integer costs per fen: ``cost / scale`` approximates the urgency.

    ``error`` is the largest rounding error (0 when every urgency is a decimal that fits, e.g.
    7.5 with scale 10); the LP bound adds ``error`` per fen that could possibly be covered, so
    the bound stays valid for the real weights.
    """

    cost: IntArray
    scale: float
    error: float


def integer_weights(urgency: FloatArray) -> Weights:
    """The smallest power-of-ten scale that makes every urgency an integer, else the finest
    scale that fits ``COST_MAX`` (with its rounding error stated)."""
    if urgency.size == 0:
        return Weights(cost=np.zeros(0, np.int64), scale=1.0, error=0.0)
    top = float(urgency.max())
    for k in range(7):
        scale = 10.0**k
        if top * scale > COST_MAX:
            break
        scaled = urgency * scale
        cost = np.rint(scaled)
        if np.all(np.abs(scaled - cost) <= 1e-9 * np.maximum(1.0, scaled)):
            return Weights(cost=cost.astype(np.int64), scale=scale, error=0.0)
    scale = COST_MAX / top
    cost = np.maximum(np.rint(urgency * scale), 0).astype(np.int64)
    error = float(np.abs(urgency - cost / scale).max())
    return Weights(cost=cost, scale=scale, error=error)


@dataclass(frozen=True)
class Network:
    """What stays fixed across the LP solves of one run."""

    arcs: Arcs
    budget: IntArray
    need: IntArray
    street: IntArray
    n_streets: int
    weights: Weights

    @property
    def n_funds(self) -> int:
        return int(self.budget.size)

    @property
    def n_requests(self) -> int:
        return int(self.need.size)

    def per_fund(self, amounts: IntArray) -> IntArray:
        """Sum per-arc amounts by fund."""
        return _sum_by(self.arcs.fund, amounts, self.n_funds)

    def per_request(self, amounts: IntArray) -> IntArray:
        """Sum per-arc amounts by request."""
        return _sum_by(self.arcs.req, amounts, self.n_requests)

    def per_street(self, amounts: IntArray) -> IntArray:
        """Sum per-arc amounts by street."""
        return _sum_by(self.street[self.arcs.req], amounts, self.n_streets)


def _sum_by(group: IntArray, amounts: IntArray, size: int) -> IntArray:
    out: IntArray = np.bincount(group, weights=amounts, minlength=size).astype(np.int64)
    return out


@dataclass(frozen=True)
class LpSolution:
    """An optimal flow: ``x`` per arc (fen), its scaled value, and the network it solved
    (kept for the dual prices of the funds)."""

    x: IntArray
    value: float
    """Sum of weight * covered fen under the integer weights (divided by their scale)."""
    tails: IntArray
    heads: IntArray
    caps: IntArray
    costs: IntArray
    flows: IntArray
    sink: int


def solve_lp(
    net: Network,
    *,
    targets: IntArray | None = None,
    lower: IntArray | None = None,
    upper: IntArray | None = None,
) -> LpSolution | None:
    """The best allocation of the relaxation; None when the floors (``targets`` per street,
    fen) cannot be met together with the ``lower`` bounds on arcs.

    ``upper`` replaces the arcs' ub (0 closes an arc); the callers keep lower <= upper and
    the lower bounds affordable.
    """
    arcs, nf, nr, ns = net.arcs, net.n_funds, net.n_requests, net.n_streets
    budget = net.budget
    upper = arcs.ub if upper is None else upper
    lower = np.zeros(arcs.size, np.int64) if lower is None else lower
    targets = np.zeros(ns, np.int64) if targets is None else targets
    sink = nf + nr + ns
    street_need = np.bincount(net.street, weights=net.need, minlength=ns).astype(np.int64)
    tails = np.concatenate([arcs.fund, nf + np.arange(nr), nf + nr + np.arange(ns), np.arange(nf)])
    heads = np.concatenate(
        [nf + arcs.req, nf + nr + net.street, np.full(ns, sink), np.full(nf, sink)]
    )
    caps = np.concatenate([upper - lower, net.need, street_need - targets, budget])
    costs = np.concatenate(
        [np.zeros(arcs.size, np.int64), -net.weights.cost, np.zeros(ns + nf, np.int64)]
    )
    supply = np.zeros(sink + 1, np.int64)
    supply[:nf] = budget - net.per_fund(lower)
    supply[nf : nf + nr] = net.per_request(lower)
    supply[nf + nr : sink] = -targets
    supply[sink] = -int(supply[:sink].sum())
    flow = min_cost_flow.SimpleMinCostFlow()
    flow.add_arcs_with_capacity_and_unit_cost(
        tails.astype(np.int32), heads.astype(np.int32), caps, costs
    )
    flow.set_nodes_supplies(np.arange(sink + 1, dtype=np.int32), supply)
    status = flow.solve()
    if status == flow.INFEASIBLE:
        return None
    if status != flow.OPTIMAL:
        raise FlowError(f"min cost flow: {status}")
    flows = flow.flows(np.arange(tails.size, dtype=np.int32)).astype(np.int64)
    x = flows[: arcs.size] + lower
    y = net.per_request(x).astype(np.float64)
    value = float(np.dot(net.weights.cost.astype(np.float64), y)) / net.weights.scale
    return LpSolution(
        x=x, value=value, tails=tails, heads=heads, caps=caps, costs=costs, flows=flows, sink=sink
    )


def floor_cut(net: Network, targets: IntArray) -> tuple[int, BoolArray]:
    """Maximum flow when each street may take only its floor, and which streets lie on the
    source side of a minimum cut. The floors are feasible together iff the flow equals their
    sum; otherwise the cut names the streets whose floors the funds cannot all reach."""
    arcs, nf, nr, ns = net.arcs, net.n_funds, net.n_requests, net.n_streets
    source, sink = nf + nr + ns, nf + nr + ns + 1
    tails = np.concatenate(
        [np.full(nf, source), arcs.fund, nf + np.arange(nr), nf + nr + np.arange(ns)]
    )
    heads = np.concatenate([np.arange(nf), nf + arcs.req, nf + nr + net.street, np.full(ns, sink)])
    caps = np.concatenate([net.budget, arcs.ub, net.need, targets]).astype(np.int64)
    flow = max_flow.SimpleMaxFlow()
    flow.add_arcs_with_capacity(tails.astype(np.int32), heads.astype(np.int32), caps)
    if flow.solve(source, sink) != flow.OPTIMAL:
        raise FlowError("maximum flow failed")
    side = np.zeros(sink + 1, dtype=np.bool_)
    side[np.asarray(flow.get_source_side_min_cut(), dtype=np.int64)] = True
    return int(flow.optimal_flow()), side[nf + nr : nf + nr + ns]


def marginal_values(net: Network, sol: LpSolution) -> FloatArray:
    """Per fund: the LP value of one more fen in its budget (urgency-weighted fen per fen).

    One more fen at fund f travels the cheapest path from f to T in the residual network of
    the optimal flow, so its value is minus that path's cost: shortest distances to T by
    Bellman-Ford on the reversed residual network (only nodes improved in the last round are
    relaxed again). These are the LP duals of the budget rows, right-hand derivatives, so by
    concavity ``extra * value`` bounds the gain of ``extra`` fen from above.
    """
    forward = sol.flows < sol.caps
    backward = sol.flows > 0
    # A residual arc u -> v costs c; distances to T relax d[u] = min(d[u], c + d[v]),
    # so we group residual arcs by their head v.
    tails = np.concatenate([sol.tails[forward], sol.heads[backward]])
    heads = np.concatenate([sol.heads[forward], sol.tails[backward]])
    costs = np.concatenate([sol.costs[forward], -sol.costs[backward]])
    order = np.argsort(heads, kind="stable")
    tails, heads, costs = tails[order], heads[order], costs[order]
    n = sol.sink + 1
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(heads, minlength=n), out=indptr[1:])
    big = INT64_MAX // 4
    dist = np.full(n, big, dtype=np.int64)
    dist[sol.sink] = 0
    frontier = np.array([sol.sink])
    for _ in range(n + 1):
        starts = indptr[frontier]
        lengths = indptr[frontier + 1] - starts
        total = int(lengths.sum())
        if total == 0:
            break
        at = np.repeat(starts - np.cumsum(lengths) + lengths, lengths) + np.arange(total)
        candidate = dist[heads[at]] + costs[at]
        better = candidate < dist[tails[at]]
        if not better.any():
            break
        improved = tails[at][better]
        np.minimum.at(dist, improved, candidate[better])
        frontier = np.unique(improved)
    else:
        raise FlowError("negative cycle in the residual network: the flow is not optimal")
    # Each fund reaches T at cost 0 at worst (leave the fen unspent).
    d = np.minimum(dist[: net.n_funds], 0)
    out: FloatArray = -d.astype(np.float64) / net.weights.scale
    return out
