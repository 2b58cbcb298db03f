"""From a solved flow back to people: pairs with anchors, distances and cost terms, broken pairs,
explanations, the objective in report units, and the metrics."""

from __future__ import annotations

import time
from dataclasses import dataclass
from functools import partial
from operator import attrgetter

import numpy as np

from matching.candidates import Candidates
from matching.commitments import Commitments
from matching.costs import TERMS, break_units, cost_terms
from matching.encoding import Encoded, IntArray
from matching.explain import explain_unpaired
from matching.geo import haversine_many
from matching.metrics import floor_targets, gini, street_coverage
from matching.model import PairingModel
from matching.problem import PairingProblem
from matching.result import (
    Anchor,
    BreakReason,
    BrokenPair,
    Metrics,
    Objective,
    Pair,
    PairingResult,
    PairingStatus,
)


@dataclass(frozen=True)
class Plan:
    """Who is fixed before the flow, and what the flow may still use."""

    fixed: IntArray
    """Volunteer index of each elder's pinned (or kept) pair; -1 if the elder is in the flow."""
    eligible: IntArray
    """Eligible elders per street (some volunteer passes every hard rule)."""
    targets: IntArray | None
    """Floor target per street, None without floors."""
    capacity: IntArray
    """Volunteer places left for the flow."""
    floor_cap: IntArray | None
    """Floor target per street left for the flow."""


def make_plan(
    enc: Encoded,
    cand: Candidates,
    fixed: IntArray,
    floor: float | None,
    *,
    like: Plan | None = None,
) -> Plan:
    """The plan for these fixed pairs; ``like`` reuses another plan's eligibility and targets."""
    ns = enc.streets.size
    if like is None:
        eligible_elder = cand.ok.any(axis=1) | (fixed >= 0)
        eligible = np.bincount(enc.e_street[eligible_elder], minlength=ns).astype(np.int64)
        targets = floor_targets(eligible, floor)
    else:
        eligible, targets = like.eligible, like.targets
    taken = np.bincount(fixed[fixed >= 0], minlength=enc.n_volunteers)
    floor_cap = None
    if targets is not None:
        fixed_per_street = np.bincount(enc.e_street[fixed >= 0], minlength=ns)
        floor_cap = np.maximum(targets - fixed_per_street, 0).astype(np.int64)
    capacity = (enc.v_capacity - taken).astype(np.int64)
    return Plan(fixed, eligible, targets, capacity, floor_cap)


def assemble(
    problem: PairingProblem,
    enc: Encoded,
    cand: Candidates,
    commitments: Commitments,
    plan: Plan,
    model: PairingModel,
    choice: IntArray,
    *,
    bound: int | None,
    solves: int,
    flow_arcs: int,
    started: float,
) -> PairingResult:
    """The result for the flow's ``choice`` (candidate column per free elder) plus fixed pairs."""
    params = problem.params
    ne = enc.n_elders
    vol = plan.fixed.copy()
    rows = np.flatnonzero(choice >= 0)
    vol[rows] = cand.vol[rows, choice[rows]]
    paired = np.flatnonzero(vol >= 0)
    v = vol[paired]
    home = haversine_many(
        enc.e_lat[paired], enc.e_lon[paired], enc.v_home_lat[v], enc.v_home_lon[v]
    )
    work = haversine_many(
        enc.e_lat[paired], enc.e_lon[paired], enc.v_work_lat[v], enc.v_work_lon[v]
    )
    at_work = work < home  # NaN (no workplace) compares False: home wins ties and absences
    distance = np.where(at_work, work, home)
    terms = cost_terms(enc, params, paired, v, distance)
    costs = sum((terms[t] for t in TERMS), np.zeros(paired.size))
    was = {
        enc.elder_index[p.elder_id]: enc.volunteer_index[p.volunteer_id] for p in problem.existing
    }
    kept, pinned = _given(was, paired, v, ne), _given(commitments.pinned, paired, v, ne)
    # One pass of C-level maps per column: a district has 100k pairs to build.
    pairs = tuple(
        map(
            Pair,
            map(attrgetter("id"), map(enc.elders.__getitem__, paired.tolist())),
            map(attrgetter("id"), map(enc.volunteers.__getitem__, v.tolist())),
            map((Anchor.HOME, Anchor.WORK).__getitem__, at_work.tolist()),
            distance.tolist(),
            map(
                dict,
                map(partial(zip, TERMS), zip(*(terms[t].tolist() for t in TERMS), strict=True)),
            ),
            costs.tolist(),
            kept,
            pinned,
        )
    )
    chosen_breaks = [
        BrokenPair(
            enc.elders[e].id,
            enc.volunteers[w].id,
            BreakReason.CHOSEN,
            "broken within the churn budget: the run found a better use of both",
        )
        for e, w in sorted(commitments.existing.items())
        if vol[e] != w
    ]
    broken = tuple(sorted([*commitments.broken, *chosen_breaks], key=lambda b: b.elder_id))
    load = np.bincount(v, minlength=enc.n_volunteers)
    unpaired = tuple(explain_unpaired(enc, cand, np.flatnonzero(vol < 0), load, enc.v_capacity))
    per_street = np.bincount(enc.e_street[paired], minlength=enc.streets.size)
    coverage = street_coverage(enc, plan.eligible, per_street, plan.targets)
    objective = _objective(enc, params.cost_unit_m, cand, plan, model, choice, terms, paired,
                           per_street, len(chosen_breaks), break_units(params))  # fmt: skip
    model_value = model.value(choice).total(model.weight_scale, model.floor_scale)
    report_bound = None if bound is None else bound + objective.value - model_value
    gap = None if report_bound is None else objective.value - report_bound
    status = PairingStatus.OPTIMAL if gap == 0 else PairingStatus.FEASIBLE
    notes = () if bound is not None else ("stopped by the time limit before optimality was proven",)
    covered = np.array([c.coverage for c in coverage if c.eligible], dtype=np.float64)
    metrics = Metrics(
        elders_total=ne,
        elders_paired=int(paired.size),
        weighted_pairs=int(enc.e_priority[paired].sum()),
        total_cost=float(costs.sum()) + params.break_cost * len(chosen_breaks),
        mean_distance_m=float(distance.mean()) if paired.size else 0.0,
        coverage=coverage,
        gini=gini(covered),
        pairs_kept=sum(kept),
        pairs_broken=len(chosen_breaks),
        pairs_broken_forced=len(commitments.broken),
        solve_time_s=time.perf_counter() - started,
        candidate_arcs=cand.arcs,
        flow_arcs=flow_arcs,
        flow_solves=solves,
    )
    return PairingResult(
        status=status,
        pairs=pairs,
        unpaired=unpaired,
        broken=broken,
        objective=objective,
        bound=report_bound,
        gap=gap,
        metrics=metrics,
        notes=notes,
    )


def _given(pairs: dict[int, int], paired: IntArray, v: IntArray, ne: int) -> list[bool]:
    """Whether each paired elder has the volunteer ``pairs`` (elder -> volunteer) gives it."""
    want = np.full(ne, -1, dtype=np.int64)
    if pairs:
        want[list(pairs)] = list(pairs.values())
    same: list[bool] = (want[paired] == v).tolist()
    return same


def _objective(
    enc: Encoded,
    unit_m: float,
    cand: Candidates,
    plan: Plan,
    model: PairingModel,
    choice: IntArray,
    terms: dict[str, np.ndarray],
    paired: IntArray,
    per_street: IntArray,
    breaks: int,
    unit_break: int,
) -> Objective:
    """The objective over all pairs: the flow's cost units for its arcs, the same rounding of
    the exact terms for pinned and kept pairs, and the break cost of chosen breaks."""
    rows = np.flatnonzero(choice >= 0)
    flow_units = int(cand.cost[rows, choice[rows]].sum())
    fixed = plan.fixed[paired] >= 0
    exact = sum((terms[t] for t in TERMS), np.zeros(paired.size))
    fixed_units = int(np.rint(exact[fixed] / unit_m).sum())
    targets = plan.targets
    floor_units = 0 if targets is None else int(np.minimum(per_street, targets).sum())
    return Objective(
        floor_units=floor_units,
        weighted_pairs=int(enc.e_priority[paired].sum()),
        cost_units=flow_units + fixed_units + breaks * unit_break,
        weight_scale=model.weight_scale,
        floor_scale=model.floor_scale,
    )


def infeasible_result(enc: Encoded, reasons: list[str], started: float) -> PairingResult:
    """An INFEASIBLE result: nothing proposed, the reasons say what to fix."""
    return PairingResult(
        status=PairingStatus.INFEASIBLE,
        pairs=(),
        unpaired=(),
        broken=(),
        objective=None,
        bound=None,
        gap=None,
        metrics=Metrics(
            elders_total=enc.n_elders,
            elders_paired=0,
            weighted_pairs=0,
            total_cost=0.0,
            mean_distance_m=0.0,
            coverage=(),
            gini=0.0,
            pairs_kept=0,
            pairs_broken=0,
            pairs_broken_forced=0,
            solve_time_s=time.perf_counter() - started,
            candidate_arcs=0,
            flow_arcs=0,
            flow_solves=0,
        ),
        infeasible_reasons=tuple(reasons),
    )
