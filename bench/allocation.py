"""Allocation benchmark: bangfu's ``allocate`` against the LP bound, greedy and CP-SAT.

Instances are generated district-like (deterministic seed): restricted funds modelled on the
charity association's (elder medical card, serious illness, student aid, disability,
hardship relief, general relief ...) with yearly caps and minimum grants, households with
tags, needs and urgency scores that differ by street (so urgency-first greedy starves some
streets), and 10 % of households that already received money this year. For each instance
the script prints, in the same run: ``allocate``'s time (to the allocation, and with shadow
prices), objective, gap to the LP bound, street coverage (minimum share and Gini) and peak
memory; greedy's objective and coverage; and CP-SAT on one integer variable per (household,
fund) with a time limit, the time its incumbent first came within the target gap of the
same LP bound, and the gap it ended with. Targets end the run with PASS/FAIL and a non-zero
exit on FAIL.

    python bench/allocation.py            # 453 x 18, 7,500 x 18 (with and without floors),
                                          # 75,000 x 50 (a few minutes)
    python bench/allocation.py --quick    # 453 x 18 and 7,500 x 18 only, CP-SAT 20 s
"""

from __future__ import annotations

import argparse
import gc
import resource
import sys
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TypeVar

import numpy as np
import numpy.typing as npt
from ortools.sat.python import cp_model
from scipy.optimize import linprog
from scipy.sparse import csr_array, vstack
from verdict import verdict

from matching.allocation import (
    AllocationParams,
    AllocationProblem,
    AllocationResult,
    Fund,
    Received,
    Request,
    allocate,
    greedy_allocate,
    violations,
)
from matching.allocation.encoding import encode
from matching.allocation.floors import plan_floors
from matching.allocation.flow import Network, integer_weights

T = TypeVar("T")

# (purpose, tags, cap yuan, minimum grant yuan, weight of the budget)
FUND_KINDS: tuple[tuple[str, frozenset[str], int, int, float], ...] = (
    ("elder medical card", frozenset({"elder_80"}), 3_000, 300, 1.0),
    ("serious illness relief", frozenset({"serious_illness"}), 20_000, 1_000, 2.0),
    ("student aid", frozenset({"school_age_child"}), 6_000, 500, 1.2),
    ("disability support", frozenset({"disability"}), 8_000, 500, 1.0),
    ("hardship relief", frozenset({"dibao", "special_hardship"}), 6_000, 300, 1.5),
    ("low-income relief", frozenset({"low_income", "dibao"}), 4_000, 300, 1.0),
    ("general relief", frozenset(), 5_000, 200, 1.5),
    ("illness or disability", frozenset({"serious_illness", "disability"}), 10_000, 500, 1.2),
    ("special hardship", frozenset({"special_hardship"}), 12_000, 1_000, 0.5),
)
TAG_ODDS = {
    "elder_80": 0.22,
    "serious_illness": 0.15,
    "school_age_child": 0.20,
    "dibao": 0.45,
    "low_income": 0.30,
    "special_hardship": 0.04,
    "disability": 0.15,
}
BUDGET_SHARE = 0.5
"""Budgets add up to this share of all need: money is scarce, as it is."""


def generate(
    n_households: int, n_funds: int, n_streets: int, *, seed: int = 0, minimums: bool = True
) -> tuple[list[Fund], list[Request], list[Received]]:
    """A district-like instance (deterministic for the seed)."""
    rng = np.random.default_rng(seed)
    street_size = rng.dirichlet(np.full(n_streets, 3.0))
    street = rng.choice(n_streets, size=n_households, p=street_size)
    # Streets differ in who lives there and in how their assessors score urgency.
    profile = rng.uniform(0.6, 1.4, size=(n_streets, len(TAG_ODDS)))
    bias = rng.normal(0.0, 1.2, size=n_streets)
    odds = np.array(list(TAG_ODDS.values()))
    has = rng.random((n_households, len(TAG_ODDS))) < np.minimum(0.95, odds * profile[street])
    names = list(TAG_ODDS)
    ill, child, disabled = (
        names.index(t) for t in ("serious_illness", "school_age_child", "disability")
    )
    need_yuan = np.exp(rng.normal(np.log(3_500), 0.7, n_households))
    need_yuan += 9_000 * has[:, ill] * rng.uniform(0.3, 2.0, n_households)
    need_yuan += 3_000 * has[:, child] + 2_000 * has[:, disabled]
    need = (np.rint(need_yuan) * 100).astype(np.int64)
    score = 1.0 + 1.4 * has.sum(axis=1) + bias[street] + rng.normal(0, 0.8, n_households)
    urgency = np.round(np.clip(score, 1.0, 10.0), 2)
    requests = [
        Request(
            id=i + 1,
            household_id=10_000 + i,
            street=int(street[i]) + 1,
            need_fen=int(need[i]),
            urgency=float(urgency[i]),
            tags=frozenset(names[j] for j in np.flatnonzero(has[i]).tolist()),
        )
        for i in range(n_households)
    ]
    kinds = [FUND_KINDS[j % len(FUND_KINDS)] for j in range(n_funds)]
    weight = np.array([k[4] for k in kinds]) * rng.uniform(0.6, 1.4, n_funds)
    total = BUDGET_SHARE * float(need.sum())
    funds = []
    for j, (_, tags, cap, minimum, _) in enumerate(kinds):
        funds.append(
            Fund(
                id=j + 1,
                budget_fen=int(total * weight[j] / weight.sum()) // 100 * 100,
                cap_fen=int(cap * rng.uniform(0.7, 1.3)) * 100,
                min_grant_fen=(minimum * 100 if minimums else 0),
                tags=tags,
            )
        )
    received = []
    for i in rng.permutation(n_households)[: n_households // 10].tolist():
        able = [f for f in funds if f.pays_for(requests[i].tags)]
        if able:
            f = able[int(rng.integers(len(able)))]
            amount = int(rng.uniform(0.1, 1.2) * f.cap_fen) // 100 * 100
            received.append(Received(requests[i].household_id, f.id, amount))
    return funds, requests, received


# -- measuring -------------------------------------------------------------------------------


def timed(fn: Callable[[], T]) -> tuple[float, T]:
    gc.collect()
    start = time.perf_counter()
    out = fn()
    return time.perf_counter() - start, out


def peak_mib(fn: Callable[[], object]) -> float:
    """Peak memory allocated while running ``fn``: Python objects and numpy arrays (tracemalloc
    sees both); OR-Tools' and HiGHS's C++ internals are not traced (max RSS is printed too)."""
    gc.collect()
    tracemalloc.start()
    fn()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 2**20


def lp_targets(problem: AllocationProblem) -> npt.NDArray[np.int64] | None:
    """The street targets ``allocate`` works to (phi's, or the max-min share's)."""
    phi = problem.params.floor_share
    if not phi:
        return None
    enc = encode(problem)
    arcs = enc.arcs()
    net = _network(problem)
    return plan_floors(net, enc.per_street(enc.eligible_need(arcs)), phi).targets


def _network(problem: AllocationProblem) -> Network:
    enc = encode(problem)
    return Network(
        arcs=enc.arcs(),
        budget=enc.budget,
        need=enc.need,
        street=enc.street,
        n_streets=enc.n_streets,
        weights=integer_weights(enc.urgency),
    )


def highs_lp(problem: AllocationProblem) -> tuple[float, float]:
    """Time and value of the LP relaxation solved by HiGHS (scipy.optimize.linprog): the
    independent check of the flow's bound, and the issue's reference measurement."""
    enc = encode(problem)
    arcs = enc.arcs()
    targets = lp_targets(problem)
    n = arcs.size
    columns = np.arange(n)

    def rows(row_of: npt.NDArray[np.int64], count: int) -> csr_array:
        return csr_array((np.ones(n), (row_of, columns)), shape=(count, n))

    blocks = [rows(arcs.fund, enc.n_funds), rows(arcs.req, enc.n_requests)]
    rhs = [enc.budget, enc.need]
    if targets is not None:
        blocks.append(-rows(enc.street[arcs.req], enc.n_streets))
        rhs.append(-targets)
    start = time.perf_counter()
    res = linprog(
        -enc.urgency[arcs.req],
        A_ub=vstack(blocks),
        b_ub=np.concatenate(rhs),
        bounds=np.column_stack([np.zeros(n), arcs.ub]),
        method="highs",
    )
    return time.perf_counter() - start, -float(res.fun)


@dataclass
class CpSat:
    build_s: float
    solve_s: float
    status: str
    objective: float
    reached: dict[float, float]
    """Gap target -> seconds (from the start of the solve) until an incumbent was within it."""


class _Incumbents(cp_model.CpSolverSolutionCallback):
    def __init__(self) -> None:
        super().__init__()
        self.start = time.perf_counter()
        self.seen: list[tuple[float, float]] = []

    def on_solution_callback(self) -> None:
        self.seen.append((time.perf_counter() - self.start, float(self.ObjectiveValue())))


def cpsat(
    problem: AllocationProblem, bound: float, *, time_limit_s: float, gaps: tuple[float, ...]
) -> CpSat:
    """CP-SAT on one integer variable per (household, fund) arc, plus a 0/1 "gives" variable
    where the fund has a minimum; the same street targets as ``allocate``; urgency weights
    scaled to exact integers (2 decimals). Times are from the start of the solve (the model's
    build is printed apart)."""
    start = time.perf_counter()
    enc = encode(problem)
    arcs = enc.arcs()
    weights = integer_weights(enc.urgency)
    assert weights.error == 0, "the generator's urgencies have 2 decimals"
    targets = lp_targets(problem)
    model = cp_model.CpModel()
    x = [model.new_int_var(0, ub, "") for ub in arcs.ub.tolist()]
    m = enc.min_grant[arcs.fund].tolist()
    for a, (least, var) in enumerate(zip(m, x, strict=True)):
        if least > 0:
            gives = model.new_bool_var(f"g{a}")
            model.add(var >= least).only_enforce_if(gives)
            model.add(var == 0).only_enforce_if(~gives)
    for group, count, limit in (
        (arcs.fund, enc.n_funds, enc.budget),
        (arcs.req, enc.n_requests, enc.need),
    ):
        members: list[list[cp_model.IntVar]] = [[] for _ in range(count)]
        for g, var in zip(group.tolist(), x, strict=True):
            members[g].append(var)
        for vs, cap in zip(members, limit.tolist(), strict=True):
            if vs:
                model.add(cp_model.LinearExpr.sum(vs) <= cap)
    if targets is not None:
        streets: list[list[cp_model.IntVar]] = [[] for _ in range(enc.n_streets)]
        for s, var in zip(enc.street[arcs.req].tolist(), x, strict=True):
            streets[s].append(var)
        for vs, target in zip(streets, targets.tolist(), strict=True):
            if target > 0:
                model.add(cp_model.LinearExpr.sum(vs) >= target)
    model.maximize(cp_model.LinearExpr.weighted_sum(x, weights.cost[arcs.req].tolist()))
    build = time.perf_counter() - start
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = time_limit_s
    solver.parameters.num_workers = 2  # the machine's cores; allocate itself uses one
    seen = _Incumbents()
    status = solver.solve(model, seen)
    solve = time.perf_counter() - seen.start
    reached = {}
    for gap in gaps:
        for t, value in seen.seen:
            if (bound - value / weights.scale) / bound <= gap:
                reached[gap] = t
                break
    best = seen.seen[-1][1] / weights.scale if seen.seen else 0.0
    return CpSat(build, solve, solver.status_name(status), best, reached)


# -- the run ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Instance:
    name: str
    label: str
    households: int
    funds: int
    streets: int
    floor: float | None
    minimums: bool
    highs: bool = True
    """Also solve the LP with HiGHS (minutes at city scale)."""

    def problem(self) -> AllocationProblem:
        funds, requests, received = generate(
            self.households, self.funds, self.streets, minimums=self.minimums
        )
        return AllocationProblem(
            funds=tuple(funds),
            requests=tuple(requests),
            received=tuple(received),
            params=AllocationParams(street_floor=self.floor),
        )


DISTRICT = Instance(
    "453 x 18", "453 x 18, 17 streets, floor 0.45, minimums", 453, 18, 17, 0.45, True
)
LP_ONLY = Instance(
    "7,500 x 18 LP", "7,500 x 18, no floor, no minimums (LP)", 7_500, 18, 17, None, False
)
MAIN = Instance(
    "7,500 x 18", "7,500 x 18, 17 streets, floor 0.45, minimums", 7_500, 18, 17, 0.45, True
)
MAX_MIN = Instance(
    "7,500 x 18 max-min", "7,500 x 18, floor 0.9 (out of reach: max-min)", 7_500, 18, 17, 0.9, True
)
CITY = Instance(
    "75,000 x 50", "75,000 x 50, 330 streets, floor 0.45, minimums", 75_000, 50, 330, 0.45, True
)
GAPS = (0.01, 0.001)


@dataclass
class Row:
    instance: Instance
    arcs: int
    result: AllocationResult
    wall_s: float
    greedy: AllocationResult
    greedy_s: float
    peak_mib: float
    rss_mib: float
    """The process's max RSS before CP-SAT and HiGHS ran on this instance."""
    cpsat: CpSat | None
    highs: tuple[float, float] | None


def floors_met(result: AllocationResult) -> tuple[int, int]:
    flags = [s.floor_met for s in result.streets if s.floor_met is not None]
    return sum(flags), len(flags)


def run(instance: Instance, *, cpsat_s: float, highs: bool) -> Row:
    problem = instance.problem()
    wall, result = timed(lambda: allocate(problem))
    assert not violations(problem, result), violations(problem, result)[:3]
    greedy_s, greedy = timed(lambda: greedy_allocate(problem))
    assert not violations(problem, replace(greedy, bound=None)), "greedy broke a rule"
    peak = peak_mib(lambda: allocate(problem))
    assert result.bound is not None
    return Row(
        instance=instance,
        arcs=encode(problem).arcs().size,
        result=result,
        wall_s=wall,
        greedy=greedy,
        greedy_s=greedy_s,
        peak_mib=peak,
        rss_mib=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        cpsat=cpsat(problem, result.bound, time_limit_s=cpsat_s, gaps=GAPS),
        highs=highs_lp(problem) if highs and instance.highs else None,
    )


def weighted_yuan(value: float) -> str:
    return f"{value / 100:,.0f}"


def print_row(row: Row, cpsat_s: float) -> None:
    r, g = row.result, row.greedy
    met, streets = floors_met(r)
    g_met, _ = floors_met(g)
    floors = f"floors met {met}/{streets}" if streets else "no floors"
    if r.floor_share is not None and r.floor_share != row.instance.floor:
        floors = f"phi out of reach: max-min share {r.floor_share:.4f} for every street"
    g_floors = f", floors met {g_met}/{streets}" if streets else ""
    memory = f", peak {row.peak_mib:.0f} MiB traced, max RSS so far {row.rss_mib:.0f} MiB"
    shadow = r.funds[0].shadow.method.value if r.funds and r.funds[0].shadow else "none"
    print(f"== {row.instance.label}: {row.arcs:,} (household, fund) arcs")
    print(
        f"  allocate  {r.timings.solve_s:6.2f} s to the allocation, {row.wall_s:6.2f} s with"
        f" shadow prices ({shadow}) and explanations | {r.status.value}, {r.method}"
        f" | objective {weighted_yuan(r.objective)} | gap {r.gap or 0:.1e}"
        f" | min coverage {r.min_coverage:.3f}, Gini {r.gini:.3f}, {floors}{memory}"
    )
    print(
        f"  greedy    {row.greedy_s:6.2f} s | objective {weighted_yuan(g.objective)}"
        f" ({100 * g.objective / r.objective:.2f}% of allocate)"
        f" | min coverage {g.min_coverage:.3f}, Gini {g.gini:.3f}{g_floors}"
    )
    if row.cpsat is not None:
        c = row.cpsat
        assert r.bound is not None
        gap = (r.bound - c.objective) / r.bound
        reached = ", ".join(
            f"within {100 * k:g}% at {c.reached[k]:.1f} s"
            if k in c.reached
            else f"within {100 * k:g}%: not in {cpsat_s:g} s"
            for k in GAPS
        )
        print(
            f"  CP-SAT    build {c.build_s:.1f} s, solve {c.solve_s:.1f} s (limit {cpsat_s:g} s,"
            f" 2 workers) | {c.status} | gap {100 * gap:.3f}% | {reached}"
        )
    if row.highs is not None:
        t, value = row.highs
        assert r.bound is not None
        print(
            f"  HiGHS LP  {t:6.2f} s | relaxation {weighted_yuan(value)}; flow bound"
            f" {weighted_yuan(r.bound)} (relative difference {abs(value - r.bound) / value:.1e})"
        )
    print(flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="453 and 7,500 households only")
    parser.add_argument("--cpsat-s", type=float, default=None, help="CP-SAT time limit")
    parser.add_argument(
        "--highs-city", action="store_true", help="also solve the city LP with HiGHS (~3 min)"
    )
    args = parser.parse_args(argv)
    cpsat_s = args.cpsat_s or (20.0 if args.quick else 60.0)
    instances = [DISTRICT, LP_ONLY, MAIN, MAX_MIN] + ([] if args.quick else [CITY])
    rows = {}
    for instance in instances:
        highs = instance is not CITY or args.highs_city
        rows[instance] = run(instance, cpsat_s=cpsat_s, highs=highs)
        print_row(rows[instance], cpsat_s)
    return report(rows, cpsat_s=cpsat_s, quick=args.quick)


def report(rows: dict[Instance, Row], *, cpsat_s: float, quick: bool) -> int:
    """PASS/FAIL per target; the exit status is 1 if any fails."""
    checks: list[tuple[str, bool]] = []
    for instance, row in rows.items():
        r, g = row.result, row.greedy
        met, streets = floors_met(r)
        g_met, _ = floors_met(g)
        name = instance.name
        checks.append(
            (
                f"{name}: not below greedy: its objective, or a better-served worst street"
                f" ({r.min_coverage:.3f} vs {g.min_coverage:.3f}; floors come first)",
                r.objective >= g.objective or (streets > 0 and r.min_coverage > g.min_coverage),
            )
        )
        if streets and r.floor_share == instance.floor:
            checks.append(
                (
                    f"{name}: every street floor met (greedy misses {streets - g_met})",
                    met == streets,
                )
            )
        elif streets and r.floor_share is not None:
            checks.append(
                (
                    f"{name}: every street gets the max-min share {r.floor_share:.4f}"
                    f" (greedy's worst street {g.min_coverage:.4f})",
                    r.min_coverage >= r.floor_share - 1e-6 > g.min_coverage,
                )
            )
        if row.highs is not None:
            _, value = row.highs
            assert r.bound is not None
            checks.append(
                (f"{name}: flow bound equals HiGHS's LP", abs(value - r.bound) <= 1e-9 * value)
            )
    main_row = rows.get(MAIN)
    if main_row is not None:
        r = main_row.result
        assert main_row.cpsat is not None
        reached = main_row.cpsat.reached.get(0.001)
        cp = f"{reached:.1f} s" if reached is not None else f"more than {cpsat_s:g} s"
        checks += [
            ("7,500 x 18 floors + minimums: within 0.1% of the LP bound", (r.gap or 0) <= 0.001),
            (
                f"7,500 x 18: under a tenth of CP-SAT's time to 0.1% ({r.timings.solve_s:.2f} s"
                f" vs CP-SAT {cp})",
                r.timings.solve_s < (reached if reached is not None else cpsat_s) / 10,
            ),
        ]
    city = rows.get(CITY)
    if city is not None:
        checks.append(
            (
                f"75,000 x 50: within 1% of the bound in under a minute ({city.wall_s:.1f} s,"
                f" gap {city.result.gap or 0:.1e})",
                (city.result.gap or 0) <= 0.01 and city.wall_s < 60,
            )
        )
    elif not quick:
        checks.append(("75,000 x 50 measured", False))
    return verdict(checks, memory_note="everything above, CP-SAT's models included")


if __name__ == "__main__":
    sys.exit(main())
