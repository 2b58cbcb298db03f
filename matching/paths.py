"""Pairing every elder at least cost, by successive shortest augmenting paths (no flow solver).

When every elder in the flow can be paired, the priority term is at its maximum (every elder
counts), so the lexicographic optimum is simply the cheapest pairing of everybody: an assignment
problem. Column generation then re-solves one big component from scratch round after round; this
solves it in one pass that touches only the contested neighbourhoods.

Start: each elder takes its cheapest arc when that volunteer still has room (lowest elder index
first). Potentials ``phi_e = -(cheapest cost)`` and ``phi_v = 0`` give every arc a reduced cost
``cost + phi_e - phi_v >= 0`` and every taken arc reduced cost 0. Each elder left over is then
paired along a shortest augmenting path (Dijkstra on reduced costs: elder -> volunteer along a
candidate arc, volunteer -> one of its elders backwards along a taken arc, ending at the first
volunteer with room). Updating the potentials by the distances keeps every reduced cost
non-negative, every taken arc at 0 and every volunteer with room at ``phi_v = 0``; those are the
optimality conditions of the assignment over every candidate arc, so the result is a proven
optimum and nothing needs pricing. Rows are scanned cheapest first and a scan stops once no arc
can beat the best path found (``phi_v <= 0`` bounds every reduced cost below by ``cost + phi_e``).

If some elder cannot be paired, or the searches exceed a work budget (a market so tight that
paths grow long), this returns None and the caller falls back to column generation with the
flow solver, which also handles priorities among elders left unpaired.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass

import numpy as np

from matching.arrays import unique
from matching.encoding import BoolArray, IntArray

PREFIX = 8
"""Cheapest arcs per row loaded in bulk; a scan that needs more loads the whole row."""
WORK_PER_ELDER = 3
"""Search budget: node visits allowed per elder in the flow. City-like districts need under 1
(0.9 at 100k elders x 300k volunteers, capacity 1); markets so tight that paths grow long need
far more, and column generation is then much faster, so the budget bounds the time lost."""
WORK_BASE = 10_000
_INF = 1 << 61
"""Above any path length (and below the sentinel costs that end the sorted rows)."""
_PAD = 1 << 62
_MORE = _PAD + 1


@dataclass(frozen=True)
class Assignment:
    """``choice[e]``: the candidate column elder e is paired through (-1: not in the flow)."""

    choice: IntArray
    arcs: int
    """Arcs loaded for the searches, plus each elder's cheapest."""


class _Rows:
    """Each elder's usable arcs as Python lists sorted by cost: volunteers and costs.

    Every list ends with a sentinel cost that stops any scan: ``_PAD`` after the last usable
    arc, ``_MORE`` where arcs are left out, and the scan then loads the whole row (``whole``).
    Rows start empty and load on first scan, or in bulk as prefixes (``prefetch``): a few
    numpy calls per row cost more than sorting many rows at once, but most rows are never
    scanned.
    """

    def __init__(self, cost: IntArray, vol: IntArray, limit: int) -> None:
        self.cost, self.vol, self.limit = cost, vol, limit
        n = cost.shape[0]
        self.vols: list[list[int]] = [[0]] * n
        self.costs: list[list[int]] = [[_MORE]] * n
        self.loaded = 0
        """Arcs loaded so far (a row loaded twice counts twice)."""

    def prefetch(self, rows: IntArray) -> IntArray:
        """Load the ``PREFIX`` cheapest arcs of these rows; returns their volunteers."""
        cost = self.cost[rows]
        width = cost.shape[1]
        order = np.argsort(cost, axis=1)[:, :PREFIX]
        prefix = np.take_along_axis(cost, order, axis=1)
        complete = np.full(rows.size, width <= PREFIX) | (prefix[:, -1:] >= self.limit).any(1)
        sentinel = np.where(complete, _PAD, _MORE)[:, None]
        costs = np.hstack([np.where(prefix >= self.limit, _PAD, prefix), sentinel]).tolist()
        vols = np.take_along_axis(self.vol[rows], order, axis=1)
        listed = np.hstack([vols, np.zeros((rows.size, 1), vols.dtype)]).tolist()
        for x, v, c in zip(rows.tolist(), listed, costs, strict=True):
            self.vols[x], self.costs[x] = v, c
        out: IntArray = vols[prefix < self.limit].astype(np.int64)
        self.loaded += out.size
        return out

    def whole(self, x: int) -> None:
        """Load all usable arcs of row x."""
        row = self.cost[x]
        order = np.argsort(row)
        order = order[row[order] < self.limit]
        self.vols[x] = [*self.vol[x, order].tolist(), 0]
        self.costs[x] = [*row[order].tolist(), _PAD]
        self.loaded += order.size


def pair_everyone(
    open_cost: IntArray, vol: IntArray, capacity: IntArray, in_flow: BoolArray, *, big: int
) -> Assignment | None:
    """The cheapest assignment pairing every elder in ``in_flow``; None if not found.

    ``open_cost[e, j]`` is the cost of elder e's column j, ``big`` or more where unusable;
    ``vol[e, j]`` its volunteer (any valid index where unusable); ``capacity`` the places left.
    """
    ne, nv = open_cost.shape[0], capacity.size
    rows = np.flatnonzero(in_flow)
    cheapest = open_cost.argmin(axis=1)
    first_vol = vol[rows, cheapest[rows]].astype(np.int64)
    first_cost = open_cost[rows, cheapest[rows]]
    # each volunteer takes its first claimants up to its capacity
    order = np.argsort(first_vol, kind="stable")
    claimed = first_vol[order]
    rank = np.arange(claimed.size) - np.searchsorted(claimed, claimed)
    keep = rank < capacity[claimed]
    took = order[keep]
    left = rows[np.sort(order[~keep])]
    lead, extra = keep & (rank == 0), keep & (rank > 0)
    leads = zip(claimed[lead].tolist(), rows[order[lead]].tolist(), strict=True)
    holders = {v: [e] for v, e in leads}
    for v, e in zip(claimed[extra].tolist(), rows[order[extra]].tolist(), strict=True):
        holders[v].append(e)
    assigned = np.full(ne, -1, dtype=np.int64)
    assigned[rows[took]] = first_vol[took]
    taken_cost = np.zeros(ne, dtype=np.int64)
    taken_cost[rows] = first_cost
    phi_e = np.zeros(ne, dtype=np.int64)
    phi_e[rows] = -first_cost
    room = capacity - np.bincount(first_vol[took], minlength=nv)
    # Load in bulk the rows searches will likely scan: the elders whose cheapest volunteer is
    # contested, and the elders holding the volunteers those can turn to.
    arcs = _Rows(open_cost, vol, big)
    claims = np.bincount(first_vol, minlength=nv)
    contested = claims[first_vol] > capacity[first_vol]
    holder = np.full(nv, -1, dtype=np.int64)
    holder[first_vol[took]] = took
    near = holder[arcs.prefetch(rows[contested])]
    near = unique(near[near >= 0])
    arcs.prefetch(rows[near[~contested[near]]])
    search = _Search(
        arcs,
        phi_e.tolist(),
        assigned.tolist(),
        taken_cost.tolist(),
        room.tolist(),
        holders,
        budget=WORK_BASE + WORK_PER_ELDER * rows.size,
    )
    for s in left.tolist():
        if not search.augment(s):
            return None
    choice = np.where(in_flow, cheapest, -1)
    moved = np.array(sorted(search.moved), dtype=np.int64)
    final = np.array(search.assigned, dtype=np.int64)[moved]
    hit = (vol[moved] == final[:, None]) & (open_cost[moved] < big)
    choice[moved] = hit.argmax(axis=1)
    return Assignment(choice, rows.size + arcs.loaded)


class _Search:
    """The state of successive shortest paths: potentials, the pairing, and room left."""

    def __init__(
        self,
        rows: _Rows,
        phi_e: list[int],
        assigned: list[int],
        taken_cost: list[int],
        room: list[int],
        holders: dict[int, list[int]],
        *,
        budget: int,
    ) -> None:
        self.rows = rows
        self.phi_e = phi_e
        self.phi_v = [0] * len(room)
        self.assigned = assigned
        self.taken_cost = taken_cost
        self.room = room
        self.holders = holders
        """The elders of each volunteer (only volunteers with some)."""
        self.moved: set[int] = set()
        """Elders paired along a path (their arc may not be their cheapest)."""
        self.budget = budget

    def augment(self, s: int) -> bool:
        """Pair elder s along a shortest augmenting path; False if none (or out of budget).

        Heap and label keys: elder e as e, volunteer v as ~v (negative). (The hot loop of the
        module: names are bound locally.)
        """
        rows, phi_e, phi_v, room = self.rows, self.phi_e, self.phi_v, self.room
        row_vols, row_costs = rows.vols, rows.costs
        holders, taken_cost = self.holders, self.taken_cost
        push, pop = heapq.heappush, heapq.heappop
        dist = {s: 0}
        label = dist.get
        pred: dict[int, int] = {}
        settled: list[tuple[int, int]] = []
        heap = [(0, s)]
        best, end = _INF, -1
        while heap:
            d, x = pop(heap)
            if d >= best:
                break
            if dist[x] < d:
                continue
            settled.append((x, d))
            if x < 0:  # a full volunteer: on to each of its elders, backwards along taken arcs
                base = phi_v[~x] + d
                for y in holders[~x]:
                    nd = base - taken_cost[y] - phi_e[y]
                    if nd < label(y, _INF):
                        dist[y] = nd
                        pred[y] = x
                        push(heap, (nd, y))
                continue
            base = phi_e[x] + d
            while True:
                for c, v in zip(row_costs[x], row_vols[x], strict=True):  # cheapest first
                    bound = c + base
                    if bound >= best:
                        break
                    nd = bound - phi_v[v]
                    if nd < label(~v, _INF):
                        dist[~v] = nd
                        pred[~v] = x
                        if room[v] > 0:
                            best, end = nd, v
                        else:
                            push(heap, (nd, ~v))
                if c != _MORE:
                    break
                rows.whole(x)  # the prefix ran out: rescan the whole row
        self.budget -= len(settled)
        if end < 0 or self.budget < 0:
            return False
        for x, d in settled:
            if x >= 0:
                phi_e[x] += d - best
            else:
                phi_v[~x] += d - best
        room[end] -= 1
        node = ~end
        while True:
            v, e = ~node, pred[node]
            old = self.assigned[e]
            if old >= 0:
                holders[old].remove(e)
            holders.setdefault(v, []).append(e)
            self.assigned[e] = v
            self.moved.add(e)
            taken_cost[e] = row_costs[e][row_vols[e].index(v)]
            if e == s:
                return True
            node = pred[e]
