"""``allocate``: the allocation run from problem to explained result (pure; no database).

1. Floors: phi's targets if every street can reach them at once (one max flow), else the
   max-min share's targets (a few max flows), or INFEASIBLE when floors are strict.
2. The LP relaxation (minimum grants relaxed) as one min-cost flow: the bound.
3. Minimum grants: slivers rounded on the relaxation's support (``rounding``), then a greedy
   top-up; the greedy baseline is kept instead if it meets the floors and does better.
4. Small instances: the exact MIP (HiGHS) proves optimality or improves the allocation.
5. Shadow prices and explanations.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from matching.allocation.assembly import assemble, nothing_proposed
from matching.allocation.encoding import Encoded, IntArray, encode
from matching.allocation.exact import solve_mip
from matching.allocation.floors import Floors, plan_floors
from matching.allocation.flow import Network, integer_weights, solve_lp
from matching.allocation.greedy import fill, urgency_order
from matching.allocation.problem import AllocationProblem
from matching.allocation.result import AllocationResult, AllocationStatus, ShadowMethod, Timings
from matching.allocation.rounding import round_min_grants
from matching.allocation.shadow import choose_method, shadow_prices

EXACT_MAX_ARCS = 1_000
"""Instances with at most this many (request, fund) arcs also get the exact MIP. Beyond that
HiGHS rarely proves optimality in seconds (453 x 18, 2,861 arcs, tight floors: no proof in
30 s, and an incumbent 7x further from the bound than the rounding's)."""
EXACT_MAX_S = 10.0
"""Time the exact MIP may take at most (within ``time_limit_s``)."""
OPTIMAL_GAP = 1e-8
STREETS_NAMED = 10
"""Notes name at most this many streets."""


BACK_OFF = (0.99, 0.95, 0.9, 0.8, 0.6, 0.4, 0.2, 0.0)
"""Shares of the street targets tried, in turn, when minimum grants make the targets
unreachable (best-effort floors): the first the rounding meets is kept."""


@dataclass(frozen=True)
class _Candidate:
    x: IntArray
    meets: bool
    """Every street reaches its target."""
    share: float
    """The smallest street coverage share (1.0 without eligible need)."""
    value: float
    method: str

    @property
    def rank(self) -> tuple[float, ...]:
        """Floors first; short of them, the worst-served street (max-min); then the objective."""
        return (1.0, self.value) if self.meets else (0.0, self.share, self.value)


@dataclass(frozen=True)
class _Judge:
    """Turns allocations into ranked candidates against the run's street targets."""

    enc: Encoded
    net: Network
    eligible: IntArray
    """Eligible need per street."""
    order: IntArray

    def __call__(self, x: IntArray, targets: IntArray | None, method: str) -> _Candidate:
        x = fill(self.enc, self.net.arcs, x, self.order)
        covered = self.enc.per_street(self.enc.covered(self.net.arcs, x))
        some = self.eligible > 0
        share = float((covered[some] / self.eligible[some]).min()) if some.any() else 1.0
        return _Candidate(
            x=x,
            meets=targets is None or bool(np.all(covered >= targets)),
            share=share,
            value=self.enc.weighted(self.net.arcs, x),
            method=method,
        )


def allocate(
    problem: AllocationProblem,
    *,
    time_limit_s: float = 60.0,
    shadow: ShadowMethod = ShadowMethod.AUTO,
    exact_max_arcs: int = EXACT_MAX_ARCS,
) -> AllocationResult:
    """Allocate the funds to the requests: street floors first, then urgency-weighted need.

    Never raises for an infeasible instance (INFEASIBLE with reasons when strict floors cannot
    be met); invalid input was refused when the problem was built. Deterministic: the same
    problem gives the same result whatever the order of its lists. ``time_limit_s`` bounds the
    optional work (exact MIP, re-solved shadow prices); the flow solves always run.
    ``exact_max_arcs``: 0 turns the exact MIP off.
    """
    started = time.perf_counter()
    deadline = time.monotonic() + time_limit_s
    enc = encode(problem)
    arcs = enc.arcs()
    net = Network(
        arcs=arcs,
        budget=enc.budget,
        need=enc.need,
        street=enc.street,
        n_streets=enc.n_streets,
        weights=integer_weights(enc.urgency),
    )
    eligible = enc.eligible_need(arcs)
    phi = problem.params.floor_share
    notes: list[str] = []
    floors = None
    if phi:  # a floor of 0 asks for nothing
        floors = plan_floors(net, enc.per_street(eligible), phi)
        if not floors.met_phi:
            if problem.params.strict_floors:
                return nothing_proposed(
                    problem,
                    enc,
                    status=AllocationStatus.INFEASIBLE,
                    reasons=(_unreachable(enc, floors, phi),),
                    started=started,
                )
            notes.append(_unreachable(enc, floors, phi) + "; every street gets that share instead")
    targets = None if floors is None else floors.targets
    lp = solve_lp(net, targets=targets)
    assert lp is not None, "the max flow said the floors were reachable"
    # Each fen covered could be worth up to the weights' rounding error more than the flow saw.
    reach = min(int(enc.budget.sum()), int(eligible.sum()))
    bound = lp.value + net.weights.error * reach
    lp_s = time.perf_counter() - started

    clock = time.perf_counter()
    judge = _Judge(enc=enc, net=net, eligible=enc.per_street(eligible), order=urgency_order(enc))
    candidates = [
        judge(r.x, targets, f"rounding '{r.rule}'")
        for r in round_min_grants(net, enc.min_grant, lp.x, targets)
    ]
    candidates.append(judge(np.zeros(arcs.size, np.int64), targets, "greedy"))
    best = max(candidates, key=lambda c: c.rank)
    rounding_s = time.perf_counter() - clock

    clock = time.perf_counter()
    proven = False
    gap = (bound - best.value) / bound if bound > 0 else 0.0
    small = 0 < arcs.size <= exact_max_arcs and time.monotonic() < deadline
    if small and (gap > OPTIMAL_GAP or not best.meets):
        seconds = min(EXACT_MAX_S, deadline - time.monotonic())
        mip = solve_mip(net, enc.min_grant, enc.urgency, targets=targets, time_limit_s=seconds)
        if mip.infeasible and problem.params.strict_floors:
            reason = (
                "the street floors can be met only with grants below the funds' minimums;"
                " lower the floor or the minimum grants"
            )
            return nothing_proposed(
                problem, enc, status=AllocationStatus.INFEASIBLE, reasons=(reason,), started=started
            )
        if mip.x is not None:
            best = max([best, judge(mip.x, targets, "exact MIP")], key=lambda c: c.rank)
        if mip.bound is not None:
            bound = min(bound, mip.bound)
        proven = mip.optimal
    exact_s = time.perf_counter() - clock

    if not best.meets:
        # Minimum grants defeat the rounding at these targets: the largest share of them it
        # can meet (max-min first); sometimes that is all of them.
        assert targets is not None
        best = max([best, _back_off(judge, targets)], key=lambda c: c.rank)
    if not best.meets:
        assert targets is not None
        if problem.params.strict_floors:
            reason = (
                "the street floors are reachable if grants below the minimum were allowed, but"
                " no allocation with minimum grants meeting them was found in time; allow more"
                " time, lower the floor or the minimum grants"
            )
            return nothing_proposed(
                problem, enc, status=AllocationStatus.UNKNOWN, reasons=(reason,), started=started
            )
        # Best effort: bound the allocation among those that give every street at least what
        # it gives (the LP again, at those targets); shadow prices too.
        covered = enc.per_street(enc.covered(arcs, best.x))
        short = _streets(enc.streets[covered < targets].tolist(), enc.n_streets)
        notes.append(
            f"minimum grants leave {short} short of the floor; the bound is for what this"
            " allocation gives each street"
        )
        targets = np.minimum(targets, covered)
        relaxed = solve_lp(net, targets=targets)
        assert relaxed is not None  # the allocation itself meets these targets
        lp, proven = relaxed, False
        bound = lp.value + net.weights.error * reach

    gap = (bound - best.value) / bound if bound > 0 else 0.0
    status = AllocationStatus.OPTIMAL if proven or gap <= OPTIMAL_GAP else AllocationStatus.FEASIBLE
    clock = time.perf_counter()
    method = choose_method(
        shadow,
        n_funds=enc.n_funds,
        lp_seconds=lp_s,
        time_left_s=deadline - time.monotonic(),
    )
    shadows = shadow_prices(enc, net, lp, targets=targets, method=method, deadline=deadline)
    shadow_s = time.perf_counter() - clock
    return assemble(
        problem,
        enc,
        arcs,
        best.x,
        status=status,
        bound=max(bound, best.value),
        started=started,
        method=best.method,
        floor_share=None if floors is None else float(floors.share),
        shadows=shadows,
        timings=Timings(lp_s=lp_s, rounding_s=rounding_s, exact_s=exact_s, shadow_s=shadow_s),
        notes=tuple(notes),
    )


def _back_off(judge: _Judge, targets: IntArray) -> _Candidate:
    """The allocation for the largest share of ``targets`` in ``BACK_OFF`` that the rounding
    meets (share 0 asks for nothing, so one always does), judged against ``targets``."""
    net, minimum = judge.net, judge.enc.min_grant
    for share in BACK_OFF:
        lower = np.floor(share * targets).astype(np.int64)
        lp = solve_lp(net, targets=lower)
        assert lp is not None  # lower than targets the LP could meet
        rounded = [judge(r.x, lower, "") for r in round_min_grants(net, minimum, lp.x, lower)]
        if any(c.meets for c in rounded):
            x = max((c for c in rounded if c.meets), key=lambda c: c.value).x
            return judge(x, targets, f"rounding at {share:.0%} of the street targets")
    raise AssertionError("share 0 is always met")


def _unreachable(enc: Encoded, floors: Floors, phi: Fraction) -> str:
    streets = _streets(enc.streets[list(floors.blocked)].tolist(), enc.n_streets)
    return (
        f"the funds cannot cover {100 * float(phi):g}% of every street's eligible need at once:"
        f" at most {float(floors.share):.2%} ({streets} cannot all get more)"
    )


def _streets(ids: list[int], total: int) -> str:
    """Street ids in words, at most ``STREETS_NAMED`` of them."""
    if len(ids) == total:
        return "every street"
    named = ", ".join(str(s) for s in ids[:STREETS_NAMED])
    more = len(ids) - STREETS_NAMED
    return f"street(s) {named}" + (f" and {more} more" if more > 0 else "")
