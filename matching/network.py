"""The min-cost flow network of a pairing subproblem, its OR-Tools solve and its dual potentials.

Nodes: elders, volunteers, a sink T, a source S and (with street floors) one node per street.

    S --(cap 1, -M*priority)--> elder --(cap 1, cost)--> volunteer --(cap capacity)--> T
    S --(cap n, 0)--> T                                  (elders may stay unpaired)

With floors, elders hang under their street node, and S feeds each street through a floor arc
(cap = floor target, cost -M2) and a normal arc (cost 0), so meeting floors dominates priority,
which dominates cost. A flow pushes n units from S to T.

``potentials`` recovers node potentials (duals) of an optimal flow by Bellman-Ford on the
residual network; they price every candidate arc left out of the network, which is how the
column generation in ``matching.model`` proves that a solution over few arcs is optimal over all.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from ortools.graph.python import max_flow, min_cost_flow

from matching.arrays import unique
from matching.encoding import BoolArray, IntArray

INT64_MAX = np.iinfo(np.int64).max


class FlowError(RuntimeError):
    """OR-Tools did not return an optimal flow (e.g. BAD_COST_RANGE when costs are too large)."""


@dataclass(frozen=True)
class FlowGraph:
    tails: IntArray
    heads: IntArray
    caps: IntArray
    costs: IntArray
    n_nodes: int
    n_elders: int
    n_volunteers: int
    n_pair_arcs: int
    """Arcs 0..n_pair_arcs-1 are the elder -> volunteer arcs, in the caller's order."""
    street: IntArray | None
    floor_cap: IntArray | None
    priority: IntArray
    """Each elder's priority weight (the source arcs cost ``-weight_scale * priority``)."""

    @property
    def sink(self) -> int:
        return self.n_elders + self.n_volunteers

    @property
    def source(self) -> int:
        return self.sink + 1


def build_flow(
    arc_elder: IntArray,
    arc_volunteer: IntArray,
    arc_cost: IntArray,
    priority: IntArray,
    capacity: IntArray,
    *,
    weight_scale: int,
    street: IntArray | None = None,
    floor_cap: IntArray | None = None,
    floor_scale: int = 0,
) -> FlowGraph:
    """A network over local indices: elders 0..len(priority)-1, volunteers 0..len(capacity)-1.

    ``street``/``floor_cap`` (local street index per elder, floor target per street) add the
    floor layer.
    """
    ne, nv = priority.size, capacity.size
    sink, source = ne + nv, ne + nv + 1
    elders = np.arange(ne)
    tails = [arc_elder, np.full(ne, source), nv_range(ne, nv), np.array([source])]
    heads = [ne + arc_volunteer, elders, np.full(nv, sink), np.array([sink])]
    caps = [np.ones(arc_elder.size, np.int64), np.ones(ne, np.int64), capacity, np.array([ne])]
    costs = [arc_cost, -weight_scale * priority, np.zeros(nv, np.int64), np.array([0])]
    n_nodes = ne + nv + 2
    if street is not None and floor_cap is not None:
        ns = floor_cap.size
        street_nodes = n_nodes + np.arange(ns)
        tails[1] = street_nodes[street]
        tails += [np.full(ns, source), np.full(ns, source)]
        heads += [street_nodes, street_nodes]
        caps += [floor_cap, np.full(ns, ne, np.int64)]
        costs += [np.full(ns, -floor_scale, np.int64), np.zeros(ns, np.int64)]
        n_nodes += ns
    return FlowGraph(
        tails=np.concatenate(tails).astype(np.int64),
        heads=np.concatenate(heads).astype(np.int64),
        caps=np.concatenate(caps).astype(np.int64),
        costs=np.concatenate(costs).astype(np.int64),
        n_nodes=n_nodes,
        n_elders=ne,
        n_volunteers=nv,
        n_pair_arcs=arc_elder.size,
        street=street,
        floor_cap=floor_cap,
        priority=priority.astype(np.int64),
    )


def nv_range(ne: int, nv: int) -> IntArray:
    """Node ids of the volunteers."""
    return ne + np.arange(nv, dtype=np.int64)


def fits_int64(graph: FlowGraph) -> bool:
    """Whether OR-Tools can scale these costs: it multiplies them by (nodes + 1) and needs
    headroom of a factor 2 (``ScaleCosts`` in min_cost_flow.cc); we keep another factor 4."""
    if graph.costs.size == 0:
        return True
    biggest = int(np.abs(graph.costs).max())
    return biggest * (graph.n_nodes + 1) * 8 < INT64_MAX


def solve_flow(graph: FlowGraph, *, lexicographic: bool = True) -> BoolArray:
    """Which elder -> volunteer arcs carry flow in a min-cost flow. Raises FlowError.

    A ``lexicographic`` objective without floors (priority weight, then cost) is solved without
    the large scale: see ``_by_priority_profile``. A Lagrangian churn price breaks the
    lexicographic order (keeping a pair may then outweigh pairing an elder), so callers pass
    ``lexicographic=False`` while one is set; that, and floors, take the one scaled flow.
    """
    if lexicographic and graph.street is None:
        return _by_priority_profile(graph)
    if not fits_int64(graph):
        raise FlowError("BAD_COST_RANGE (predicted)")
    used, status = _run(graph.tails, graph.heads, graph.caps, graph.costs, graph)
    if used is None:
        raise FlowError(status)
    return used


def _by_priority_profile(graph: FlowGraph) -> BoolArray:
    """The priority-then-cost optimum as one flow with small costs.

    The sets of elders that can be paired together are the independent sets of a (transversal)
    matroid, so every maximum-weight set pairs, for each weight w, exactly r(w) elders of
    weight >= w, where r(w) is the maximum flow through those elders alone. Fixing how many
    elders of each weight are paired (r(w) minus r of the next weight up) therefore fixes the
    priority term at its optimum, and a min-cost flow that must pair exactly that profile
    minimises cost among all priority-optimal pairings. Cost scaling on these small costs is
    several times faster than on the scaled network, where many elders compete at equal
    weight. The common case, where everyone can be paired, needs no maximum flow at all.
    """
    weights = np.unique(graph.priority)[::-1]
    tier = np.searchsorted(-weights, -graph.priority)
    sizes = np.bincount(tier, minlength=weights.size)
    used = _with_profile(graph, tier, sizes)
    if used is not None:
        return used
    ranks = np.array([_max_flow(graph, graph.priority >= w) for w in weights.tolist()])
    profile = np.diff(ranks, prepend=0)
    used = _with_profile(graph, tier, profile)
    if used is None:  # cannot happen: the profile was just shown to be reachable
        raise FlowError("the priority profile found by maximum flow is not feasible")
    return used


def _with_profile(graph: FlowGraph, tier: IntArray, profile: IntArray) -> BoolArray | None:
    """Min cost flow pairing exactly ``profile[t]`` elders of each weight class t; None if no
    flow can. Nodes: elders, volunteers, T, S, then one node per class."""
    m, ne, nv = graph.n_pair_arcs, graph.n_elders, graph.n_volunteers
    nt = profile.size
    classes = graph.source + 1 + np.arange(nt)
    tails = np.concatenate(
        [graph.tails[:m], classes[tier], nv_range(ne, nv), np.full(nt, graph.source)]
    )
    heads = np.concatenate([graph.heads[:m], np.arange(ne), np.full(nv, graph.sink), classes])
    caps = np.concatenate(
        [graph.caps[:m], np.ones(ne, np.int64), graph.caps[m + ne : m + ne + nv], profile]
    )
    costs = np.concatenate([graph.costs[:m], np.zeros(ne + nv + nt, np.int64)])
    flow = min_cost_flow.SimpleMinCostFlow()
    flow.add_arcs_with_capacity_and_unit_cost(
        tails.astype(np.int32), heads.astype(np.int32), caps.astype(np.int64), costs
    )
    supply = np.zeros(graph.source + 1 + nt, dtype=np.int64)
    supply[graph.source] = int(profile.sum())
    supply[graph.sink] = -int(profile.sum())
    flow.set_nodes_supplies(np.arange(supply.size, dtype=np.int32), supply)
    if flow.solve() != flow.OPTIMAL:
        return None
    used: BoolArray = flow.flows(np.arange(m, dtype=np.int32)) > 0
    return used


def _max_flow(graph: FlowGraph, elders: BoolArray) -> int:
    """How many of these elders can be paired at once."""
    m, ne, nv = graph.n_pair_arcs, graph.n_elders, graph.n_volunteers
    arcs = elders[graph.tails[:m]]
    chosen = np.flatnonzero(elders)
    tails = np.concatenate(
        [np.full(chosen.size, graph.source), graph.tails[:m][arcs], nv_range(ne, nv)]
    )
    heads = np.concatenate([chosen, graph.heads[:m][arcs], np.full(nv, graph.sink)])
    caps = np.concatenate(
        [np.ones(chosen.size + int(arcs.sum()), np.int64), graph.caps[m + ne : m + ne + nv]]
    )
    flow = max_flow.SimpleMaxFlow()
    flow.add_arcs_with_capacity(tails.astype(np.int32), heads.astype(np.int32), caps)
    if flow.solve(graph.source, graph.sink) != flow.OPTIMAL:
        raise FlowError("maximum flow failed")
    return int(flow.optimal_flow())


def _run(
    tails: IntArray, heads: IntArray, caps: IntArray, costs: IntArray, graph: FlowGraph
) -> tuple[BoolArray | None, str]:
    flow = min_cost_flow.SimpleMinCostFlow()
    flow.add_arcs_with_capacity_and_unit_cost(
        tails.astype(np.int32), heads.astype(np.int32), caps, costs
    )
    supply = np.zeros(graph.n_nodes, dtype=np.int64)
    supply[graph.source] = graph.n_elders
    supply[graph.sink] = -graph.n_elders
    flow.set_nodes_supplies(np.arange(graph.n_nodes, dtype=np.int32), supply)
    status = flow.solve()
    if status != flow.OPTIMAL:
        return None, str(status)
    used: BoolArray = flow.flows(np.arange(graph.n_pair_arcs, dtype=np.int32)) > 0
    return used, str(status)


def arc_flows(
    graph: FlowGraph, used: BoolArray, arc_elder: IntArray, arc_volunteer: IntArray
) -> IntArray:
    """The flow on every arc implied by the used elder -> volunteer arcs."""
    ne, nv = graph.n_elders, graph.n_volunteers
    paired = np.bincount(arc_elder[used], minlength=ne).astype(np.int64)
    load = np.bincount(arc_volunteer[used], minlength=nv).astype(np.int64)
    parts = [used.astype(np.int64), paired, load, np.array([ne - int(paired.sum())])]
    if graph.street is not None and graph.floor_cap is not None:
        per_street = np.bincount(graph.street, weights=paired, minlength=graph.floor_cap.size)
        per_street = per_street.astype(np.int64)
        floor = np.minimum(per_street, graph.floor_cap)
        parts += [floor, per_street - floor]
    return np.concatenate(parts)


def potentials(graph: FlowGraph, flow: IntArray) -> IntArray:
    """Node potentials pi with cost + pi[tail] - pi[head] >= 0 on every residual arc.

    Shortest distances from a virtual root joined to every node at cost 0 (Bellman-Ford, with
    only the nodes that improved in the last round relaxed again). The flow must be optimal; a
    negative cycle raises FlowError.
    """
    forward = flow < graph.caps
    backward = flow > 0
    tails = np.concatenate([graph.tails[forward], graph.heads[backward]])
    heads = np.concatenate([graph.heads[forward], graph.tails[backward]])
    costs = np.concatenate([graph.costs[forward], -graph.costs[backward]])
    order = np.argsort(tails, kind="stable")
    tails, heads, costs = tails[order], heads[order], costs[order]
    indptr = np.zeros(graph.n_nodes + 1, dtype=np.int64)
    np.cumsum(np.bincount(tails, minlength=graph.n_nodes), out=indptr[1:])
    pi = np.zeros(graph.n_nodes, dtype=np.int64)
    frontier = np.arange(graph.n_nodes)
    for _ in range(graph.n_nodes + 1):
        starts = indptr[frontier]
        lengths = indptr[frontier + 1] - starts
        total = int(lengths.sum())
        if total == 0:
            return pi
        offsets = np.repeat(starts - np.cumsum(lengths) + lengths, lengths)
        arcs = np.arange(total) + offsets
        candidate = pi[tails[arcs]] + costs[arcs]
        better = candidate < pi[heads[arcs]]
        if not better.any():
            return pi
        improved = heads[arcs][better]
        np.minimum.at(pi, improved, candidate[better])
        frontier = unique(improved)
    raise FlowError("negative cycle in the residual network: the flow is not optimal")
