"""The problem as arrays: funds and requests sorted by id, and the (request, fund) arcs.

Sorting by id makes every result independent of the order of the input lists. An arc is a
(request, fund) pair that may carry money: the fund's tags cover the household and the most it
could pay (the cap left after what was already received, the need and the budget) reaches the
fund's minimum grant. Pairs that pass the tags but not the amounts are kept apart
(``pairs``) because the explanations name them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from matching.allocation.problem import AllocationProblem, Fund, Request

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True)
class Arcs:
    """Arcs sorted by (request, fund); ``ub`` is each arc's largest possible grant and
    ``pair`` its index among the tag-eligible pairs."""

    req: IntArray
    fund: IntArray
    ub: IntArray
    pair: IntArray

    @property
    def size(self) -> int:
        return int(self.req.size)


@dataclass(frozen=True)
class Encoded:
    funds: tuple[Fund, ...]
    requests: tuple[Request, ...]
    budget: IntArray
    min_grant: IntArray
    need: IntArray
    urgency: FloatArray
    street: IntArray
    """Index into ``streets`` per request."""
    streets: IntArray
    """Street ids, sorted."""
    pair_req: IntArray
    pair_fund: IntArray
    pair_room: IntArray
    """Tag-eligible (request, fund) pairs, sorted, with the cap left after what the household
    already received from the fund."""

    @property
    def n_funds(self) -> int:
        return len(self.funds)

    @property
    def n_requests(self) -> int:
        return len(self.requests)

    @property
    def n_streets(self) -> int:
        return int(self.streets.size)

    def arcs(self, budget: IntArray | None = None) -> Arcs:
        """The usable arcs under these budgets (the run's own by default).

        ``ub`` leaves the budget out: the budget binds per fund, not per arc, and an arc
        capped at the budget would hide the value of more money from the LP's dual prices.
        """
        budget = self.budget if budget is None else budget
        f = self.pair_fund
        ub = np.minimum(self.pair_room, self.need[self.pair_req])
        most = np.minimum(ub, budget[f])
        usable = (most > 0) & (most >= self.min_grant[f])
        return Arcs(
            req=self.pair_req[usable],
            fund=f[usable],
            ub=ub[usable],
            pair=np.flatnonzero(usable).astype(np.int64),
        )

    def eligible_need(self, arcs: Arcs) -> IntArray:
        """Per request: the part of its need its arcs could cover, each fund on its own (at
        most the fund's budget), capped by the need."""
        most = np.minimum(arcs.ub, self.budget[arcs.fund])
        reach = np.bincount(arcs.req, weights=most, minlength=self.n_requests)
        out: IntArray = np.minimum(self.need, reach.astype(np.int64))
        return out

    def covered(self, arcs: Arcs, x: IntArray) -> IntArray:
        """Fen covered per request by allocation ``x`` (one amount per arc)."""
        out: IntArray = np.bincount(arcs.req, weights=x, minlength=self.n_requests).astype(np.int64)
        return out

    def spent(self, arcs: Arcs, x: IntArray) -> IntArray:
        """Fen awarded per fund by allocation ``x``."""
        out: IntArray = np.bincount(arcs.fund, weights=x, minlength=self.n_funds).astype(np.int64)
        return out

    def weighted(self, arcs: Arcs, x: IntArray) -> float:
        """The objective: sum of urgency x covered fen."""
        return float(np.dot(self.urgency, self.covered(arcs, x)))

    def per_street(self, per_request: IntArray) -> IntArray:
        """Sum a per-request amount by street."""
        out: IntArray = np.bincount(
            self.street, weights=per_request, minlength=self.n_streets
        ).astype(np.int64)
        return out


def encode(problem: AllocationProblem) -> Encoded:
    funds = tuple(sorted(problem.funds, key=lambda f: f.id))
    requests = tuple(sorted(problem.requests, key=lambda r: r.id))
    streets, street = np.unique(
        np.array([r.street for r in requests], dtype=np.int64), return_inverse=True
    )
    vocabulary = sorted({t for f in funds for t in f.tags} | {t for r in requests for t in r.tags})
    column = {t: i for i, t in enumerate(vocabulary)}
    has = np.zeros((len(requests), len(vocabulary)), dtype=np.bool_)
    for i, r in enumerate(requests):
        has[i, [column[t] for t in r.tags]] = True
    wants = np.zeros((len(funds), len(vocabulary)), dtype=np.bool_)
    for j, f in enumerate(funds):
        wants[j, [column[t] for t in f.tags]] = True
    any_household: BoolArray = ~np.any(wants, axis=1)
    shared: npt.NDArray[np.int32] = has.astype(np.int32) @ wants.T.astype(np.int32)
    eligible = (shared > 0) | any_household[None, :]
    pair_req, pair_fund = (a.astype(np.int64) for a in np.nonzero(eligible))
    cap = np.array([f.cap_fen for f in funds], dtype=np.int64)
    room = cap[pair_fund].copy()
    if problem.received:
        r_index = {r.household_id: i for i, r in enumerate(requests)}
        f_index = {f.id: j for j, f in enumerate(funds)}
        key = pair_req * max(1, len(funds)) + pair_fund
        for got in problem.received:
            k = r_index[got.household_id] * max(1, len(funds)) + f_index[got.fund_id]
            at = int(np.searchsorted(key, k))
            if at < key.size and key[at] == k:  # a fund it is not eligible for pays nothing
                room[at] = max(0, int(room[at]) - got.amount_fen)
    return Encoded(
        funds=funds,
        requests=requests,
        budget=np.array([f.budget_fen for f in funds], dtype=np.int64),
        min_grant=np.array([f.min_grant_fen for f in funds], dtype=np.int64),
        need=np.array([r.need_fen for r in requests], dtype=np.int64),
        urgency=np.array([r.urgency for r in requests], dtype=np.float64),
        street=street.astype(np.int64),
        streets=streets.astype(np.int64),
        pair_req=pair_req,
        pair_fund=pair_fund,
        pair_room=room,
    )
