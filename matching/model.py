"""Pairing as one lexicographic min-cost flow, solved exactly over few arcs (column generation).

Why not hand OR-Tools every candidate arc? At district scale most elders simply get their
cheapest candidate: volunteers outnumber elders, and only a few volunteers are wanted by more
elders than they can take. So the flow starts from each elder's cheapest arc (and the cheapest
few for elders whose first choice is contested), is split into connected components (each solved
on its own, trivial ones without a solver), and the optimal potentials of that small flow then
price every candidate arc left out. An arc with negative reduced cost joins the flow and the
touched components are solved again; when none is left, the LP optimality conditions hold for
the whole candidate graph, so the solution is optimal over all arcs, not just the ones seen.

The plain case (no floors, no churn price, no existing pairs in play) first tries
``matching.paths``: when everyone can be paired it finds the optimum by shortest augmenting
paths, with potentials that certify it over every candidate arc, instead of re-solving one big
contested component from scratch in each pricing round.

Scales: ``weight_scale`` M exceeds the largest possible difference in total cost, so one more
unit of priority weight always beats any cost; ``floor_scale`` M2 likewise dominates priority.
All components share the same scales, so the Lagrangian churn term (``lam``) means the same
thing everywhere and a decomposed solve optimises exactly what a single flow would. The scales
define the objective and the duals that price left-out arcs; without floors or a churn price the
solver itself reaches the same optimum with small costs (``network.solve_flow``).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from matching.arrays import unique, unique_inverse
from matching.candidates import Candidates
from matching.encoding import BoolArray, IntArray
from matching.network import FlowGraph, arc_flows, build_flow, potentials, solve_flow
from matching.paths import pair_everyone

FIRST_CHOICES = 3
"""Arcs given at the start to an elder whose cheapest volunteer is over-demanded."""
ADDED_PER_ROUND = 8
"""Most-violated arcs added per elder in one pricing round."""
BATCH_ARCS = 20_000
"""Small components are solved together up to this many arcs (fewer solver calls)."""
BIG = np.iinfo(np.int64).max // 4


@dataclass(frozen=True)
class Solution:
    """``choice[e]``: the candidate column elder e is paired through, -1 if not (free rows)."""

    choice: IntArray
    certified: bool
    """Proven optimal over every candidate arc (False only when the time limit cut pricing)."""
    flow_arcs: int
    solves: int


@dataclass(frozen=True)
class Value:
    """The objective of a solution in the model's integer units (lower is better)."""

    floor_units: int
    weight: int
    cost: int
    broken: int

    def total(self, weight_scale: int, floor_scale: int, lam: int = 0) -> int:
        return (
            self.cost
            - weight_scale * self.weight
            - floor_scale * self.floor_units
            + lam * self.broken
        )


class PairingModel:
    """The flow over the candidate matrix for the elders in ``rows``.

    ``capacity`` is each volunteer's remaining capacity (after pins and kept pairs);
    ``floor_cap`` each street's remaining floor target (None: no floors); ``bonus`` is the
    continuity bonus (break cost, units) on each elder's valid existing arc.
    """

    def __init__(
        self,
        cand: Candidates,
        *,
        rows: BoolArray,
        capacity: IntArray,
        priority: IntArray,
        street: IntArray,
        floor_cap: IntArray | None,
        bonus: int,
        monolithic: bool = False,
    ) -> None:
        self.cand = cand
        self.vol = cand.vol
        self.width: int = cand.vol.shape[1]
        self.safe = np.where(cand.vol >= 0, cand.vol, 0)
        self.usable = cand.ok.copy()
        if not rows.all():
            self.usable &= rows[:, None]
        full = capacity <= 0
        if full.any():  # places taken by pins or kept pairs
            self.usable &= ~full[self.safe]
        self.open_cost = np.where(self.usable, cand.cost, BIG)
        """Cost where an arc is usable, BIG elsewhere: one pass finds cheap arcs."""
        self.capacity = capacity
        self.priority = priority
        self.street = street
        self.floor_cap = floor_cap
        self.monolithic = monolithic
        ne = rows.size
        col = cand.existing_col
        self.existing_col = np.where(
            (col >= 0) & self.usable[np.arange(ne), np.maximum(col, 0)], col, -1
        )
        self.has_existing: BoolArray = self.existing_col >= 0
        self.bonus = bonus
        self.in_flow: BoolArray = np.count_nonzero(self.usable, axis=1) > 0
        self.weight_scale, self.floor_scale = self._scales()
        self.active = np.zeros(self.usable.shape, dtype=np.bool_)
        self.choice = np.full(ne, -1, dtype=np.int64)
        self._state: tuple[bool, int] | None = None
        self._labels = np.zeros(ne, dtype=np.int64)
        self._priced: BoolArray | None = None
        """Elders whose component broke an existing pair at price 0 (None: not known yet)."""
        self.solves = 0

    # -- scales -------------------------------------------------------------------------------
    def _scales(self) -> tuple[int, int]:
        high = np.maximum(np.where(self.usable, self.cand.cost, 0).max(axis=1, initial=0), 0)
        low = np.minimum(self.open_cost.min(axis=1, initial=0), 0)
        rows = np.flatnonzero(self.has_existing)
        low[rows] = np.minimum(
            low[rows], self.cand.cost[rows, self.existing_col[rows]] - self.bonus
        )
        spread = int((high - low)[self.in_flow].sum())
        weight_scale = spread + 1
        if self.floor_cap is None:
            return weight_scale, 0
        weight = int(self.priority[self.in_flow].sum())
        return weight_scale, weight_scale * weight + spread + 1

    # -- objective ----------------------------------------------------------------------------
    def arc_cost(self, rows: IntArray, cols: IntArray, lam: int) -> IntArray:
        """Cost units of arcs, with the continuity bonus and ``lam`` on existing arcs."""
        cost = self.cand.cost[rows, cols]
        keep = cols == self.existing_col[rows]
        out: IntArray = cost - np.where(keep, self.bonus + lam, 0)
        return out

    def value(self, choice: IntArray) -> Value:
        """Floor units, priority weight, cost (with bonuses) and broken existing pairs."""
        rows = np.flatnonzero(choice >= 0)
        cols = choice[rows]
        cost = int(self.arc_cost(rows, cols, 0).sum())
        floor_units = 0
        if self.floor_cap is not None:
            per_street = np.bincount(self.street[rows], minlength=self.floor_cap.size)
            floor_units = int(np.minimum(per_street, self.floor_cap).sum())
        kept = self.has_existing & (choice == self.existing_col)
        return Value(
            floor_units=floor_units,
            weight=int(self.priority[rows].sum()),
            cost=cost,
            broken=int(self.has_existing.sum() - kept.sum()),
        )

    # -- solving ------------------------------------------------------------------------------
    def solve(self, lam: int = 0, *, deadline: float = float("inf")) -> Solution:
        """An optimal pairing for the Lagrangian cost ``lam`` per broken existing pair.

        Floors first solve without the floor layer: if that optimum meets every floor it is also
        optimal with them (the floor term is then at its maximum), and components stay small.
        """
        start_solves = self.solves
        sol = self._generate(lam, floors=False, deadline=deadline)
        if self.floor_cap is not None and not self._floors_met(sol.choice):
            sol = self._generate(lam, floors=True, deadline=deadline)
        if lam == 0 and sol.certified:
            self._note_breaks(sol.choice)
        return Solution(sol.choice, sol.certified, sol.flow_arcs, self.solves - start_solves)

    def _note_breaks(self, choice: IntArray) -> None:
        """Remember the components whose price-0 optimum breaks an existing pair.

        Any other component's optimum x stays optimal at every price lam >= 0: its objective
        does not move (it breaks nothing) while every alternative only gains lam per break.
        So price steps re-solve just these components.
        """
        broken = self.has_existing & (choice != self.existing_col)
        hit = np.zeros(int(self._labels.max(initial=-1)) + 1, dtype=np.bool_)
        hit[self._labels[broken]] = True
        self._priced = hit[self._labels] & self.in_flow

    def _floors_met(self, choice: IntArray) -> bool:
        assert self.floor_cap is not None
        rows = np.flatnonzero(choice >= 0)
        per_street = np.bincount(self.street[rows], minlength=self.floor_cap.size)
        return bool((per_street >= self.floor_cap).all())

    def _generate(self, lam: int, *, floors: bool, deadline: float) -> Solution:
        if self._state is None and not (
            floors or lam or self.monolithic or self.has_existing.any()
        ):
            # the plain case: pairing everyone by shortest paths (see the module docstring)
            done = pair_everyone(self.open_cost, self.safe, self.capacity, self.in_flow, big=BIG)
            if done is not None:
                self.choice = done.choice
                self.solves += 1
                return Solution(done.choice.copy(), True, done.arcs, 0)
        dirty = self._start(lam, floors)
        while True:
            rows, cols = np.nonzero(self.active)
            vols = self.safe[rows, cols]
            labels = self._components(rows, vols, floors)
            self._labels = labels
            self._solve_components(rows, cols, vols, labels, dirty, lam, floors)
            if self.monolithic:
                return Solution(self.choice.copy(), True, rows.size, 0)
            added = self._price(rows, cols, vols, lam, floors)
            if added is None:
                return Solution(self.choice.copy(), True, rows.size, 0)
            if time.monotonic() > deadline:
                return Solution(self.choice.copy(), False, rows.size, 0)
            dirty = np.zeros(self.choice.size, dtype=np.bool_)
            dirty[added] = True

    def _start(self, lam: int, floors: bool) -> BoolArray:
        """Initial arcs (first call) and the elders whose subproblem changed since last time:
        all of them when the floor layer comes or goes, those with an existing pair when only
        the price ``lam`` changed (their arcs are the only ones it touches)."""
        dirty: BoolArray
        if self._state is None:
            self._initial_arcs()
            dirty = self.in_flow.copy()
        elif self.monolithic or self._state[0] != floors:
            dirty = self.in_flow.copy()
        elif self._state[1] != lam:
            # only arcs of existing pairs change; see _note_breaks for why fewer suffice
            touched = self.has_existing if self._priced is None else self._priced
            dirty = touched & self.in_flow
        else:
            dirty = np.zeros(self.choice.size, dtype=np.bool_)
        self._state = (floors, lam)
        return dirty

    def _initial_arcs(self) -> None:
        if self.monolithic:
            self.active[:] = self.usable
            return
        rows = np.flatnonzero(self.in_flow)
        first = self.open_cost[rows].argmin(axis=1)
        self.active[rows, first] = True
        vols = self.safe[rows, first]
        load = np.bincount(vols, minlength=self.capacity.size)
        contested = rows[load[vols] > self.capacity[vols]]
        self._activate_cheapest(contested, self.open_cost[contested], FIRST_CHOICES)
        with_existing = np.flatnonzero(self.has_existing)
        self.active[with_existing, self.existing_col[with_existing]] = True

    def _activate_cheapest(self, rows: IntArray, scores: IntArray, k: int) -> None:
        """Mark the k lowest-score entries of each row active (scores >= BIG never)."""
        if rows.size == 0:
            return
        width = scores.shape[1]
        if k < width:
            pick = np.argpartition(scores, k - 1, axis=1)[:, :k]
        else:
            pick = np.broadcast_to(np.arange(width), (rows.size, width))
        chosen = np.take_along_axis(scores, pick, axis=1) < BIG
        r = np.broadcast_to(rows[:, None], pick.shape)[chosen]
        self.active[r, pick[chosen]] = True

    def _components(self, rows: IntArray, vols: IntArray, floors: bool) -> IntArray:
        """Component label per elder (elders are linked through volunteers, and through their
        street when floors are on)."""
        ne, nv = self.choice.size, self.capacity.size
        n = ne + nv
        left, right = [rows], [ne + vols]
        if floors:
            members = np.flatnonzero(self.in_flow)
            left.append(members)
            right.append(n + self.street[members])
            n += int(self.street.max(initial=0)) + 1
        a, b = np.concatenate(left), np.concatenate(right)
        graph = coo_matrix((np.ones(a.size, dtype=np.int8), (a, b)), shape=(n, n))
        _, labels = connected_components(graph, directed=False)
        out: IntArray = labels[:ne].astype(np.int64)
        return out

    def _solve_components(
        self,
        rows: IntArray,
        cols: IntArray,
        vols: IntArray,
        labels: IntArray,
        dirty: BoolArray,
        lam: int,
        floors: bool,
    ) -> None:
        """Re-solve every component holding a dirty elder; the others keep their optimum."""
        n_labels = int(labels.max(initial=-1)) + 1
        redo = np.zeros(n_labels, dtype=np.bool_)
        redo[labels[dirty & self.in_flow]] = True
        if not redo.any():
            return
        take = redo[labels[rows]]
        rows, cols, vols = rows[take], cols[take], vols[take]
        self.choice[np.flatnonzero(redo[labels] & self.in_flow)] = -1
        # Trivial components: every elder has one arc and no volunteer is over capacity.
        degree = np.bincount(rows, minlength=self.choice.size)
        demand = np.bincount(vols, minlength=self.capacity.size)
        hard = np.zeros(n_labels, dtype=np.bool_)
        hard[labels[rows[degree[rows] > 1]]] = True
        hard[labels[rows[demand[vols] > self.capacity[vols]]]] = True
        easy = ~hard[labels[rows]]
        self.choice[rows[easy]] = cols[easy]
        if self.monolithic:
            self._solve_batch(rows, cols, vols, lam, floors)
            return
        rows, cols, vols = rows[~easy], cols[~easy], vols[~easy]
        order = np.argsort(labels[rows], kind="stable")
        rows, cols, vols = rows[order], cols[order], vols[order]
        bounds = np.flatnonzero(np.diff(labels[rows])) + 1
        start = 0
        for end in [*bounds.tolist(), rows.size]:
            if end - start >= BATCH_ARCS or end == rows.size:
                if end > start:
                    self._solve_batch(
                        rows[start:end], cols[start:end], vols[start:end], lam, floors
                    )
                start = end

    def _network(
        self, rows: IntArray, cols: IntArray, vols: IntArray, lam: int, floors: bool
    ) -> tuple[FlowGraph, IntArray, IntArray, IntArray, IntArray]:
        """The flow over these arcs, with local indices (elders, volunteers)."""
        elders, arc_e = unique_inverse(rows)
        volunteers, arc_v = unique_inverse(vols)
        street = floor_cap = None
        if floors and self.floor_cap is not None:
            streets, street = unique_inverse(self.street[elders])
            floor_cap = self.floor_cap[streets]
        graph = build_flow(
            arc_e,
            arc_v,
            self.arc_cost(rows, cols, lam),
            self.priority[elders],
            self.capacity[volunteers],
            weight_scale=self.weight_scale,
            street=street,
            floor_cap=floor_cap,
            floor_scale=self.floor_scale,
        )
        return graph, elders, volunteers, arc_e, arc_v

    def _solve_batch(
        self, rows: IntArray, cols: IntArray, vols: IntArray, lam: int, floors: bool
    ) -> None:
        graph, _, _, _, _ = self._network(rows, cols, vols, lam, floors)
        used = solve_flow(graph, lexicographic=lam == 0)
        self.solves += 1
        self.choice[rows[used]] = cols[used]

    def _price(
        self, rows: IntArray, cols: IntArray, vols: IntArray, lam: int, floors: bool
    ) -> IntArray | None:
        """Add the arcs that the current potentials price below zero; None if there are none."""
        graph, elders, volunteers, arc_e, arc_v = self._network(rows, cols, vols, lam, floors)
        used = self.choice[rows] == cols
        pi = potentials(graph, arc_flows(graph, used, arc_e, arc_v))
        ne, nv = self.choice.size, self.capacity.size
        pi_sink = pi[graph.sink]
        pi_e = np.zeros(ne, dtype=np.int64)
        pi_e[elders] = pi[: elders.size]
        pi_v = np.full(nv, pi_sink, dtype=np.int64)
        loaded = np.bincount(arc_v[used], minlength=volunteers.size) > 0
        # An idle volunteer may take the sink's potential (its only residual arc goes to T),
        # which prices arcs into it as generously as any dual allows.
        pi_v[volunteers[loaded]] = pi[elders.size + np.flatnonzero(loaded)]
        # pi_v <= pi_T for every volunteer, so an arc can price below zero only if its cost is
        # below pi_T - pi_e: a cheap filter before gathering volunteer potentials.
        rows_m, cols_m = np.nonzero(self.open_cost < (pi_sink - pi_e)[:, None])
        fresh = ~self.active[rows_m, cols_m]
        rows_m, cols_m = rows_m[fresh], cols_m[fresh]
        reduced = self.cand.cost[rows_m, cols_m] + pi_e[rows_m] - pi_v[self.safe[rows_m, cols_m]]
        bad = reduced < 0
        if not bad.any():
            return None
        bad_rows = unique(rows_m[bad])
        scores = np.full((bad_rows.size, self.width), BIG, dtype=np.int64)
        scores[np.searchsorted(bad_rows, rows_m[bad]), cols_m[bad]] = reduced[bad]
        self._activate_cheapest(bad_rows, scores, ADDED_PER_ROUND)
        return bad_rows


def flat_choice(choice: IntArray) -> tuple[IntArray, IntArray]:
    """(rows, cols) of the paired elders of a choice vector."""
    rows = np.flatnonzero(choice >= 0)
    return rows, choice[rows]


def as_int64(a: npt.ArrayLike) -> IntArray:
    out: IntArray = np.asarray(a, dtype=np.int64)
    return out
