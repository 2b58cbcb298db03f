"""An independent model of the pairing rules and costs, in plain Python over the input objects,
and an exact lexicographic optimum by mixed-integer programming (scipy's HiGHS).

Nothing here uses the optimiser's code: its own great-circle distance, its own rule checks, its
own cost terms from the sets, and a MILP that solves floors, then priority, then cost as three
separate optimisations instead of one weighted flow.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp

from matching import Elder, PairingProblem, Volunteer

R = 6_371_008.8


def great_circle(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = (
        math.sin((p2 - p1) / 2) ** 2
        + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    )
    return 2 * R * math.asin(min(1.0, math.sqrt(a)))


def distance(e: Elder, v: Volunteer) -> float:
    d = great_circle(e.lat, e.lon, v.home_lat, v.home_lon)
    if v.work_lat is not None and v.work_lon is not None:
        d = min(d, great_circle(e.lat, e.lon, v.work_lat, v.work_lon))
    return d


def allowed(p: PairingProblem, e: Elder, v: Volunteer) -> bool:
    limit = p.params.max_distance_m if e.max_distance_m is None else e.max_distance_m
    return (
        distance(e, v) <= limit
        and (e.required_gender is None or e.required_gender == v.gender)
        and (not e.needs_vetted or v.vetted)
        and (not e.slots or bool(e.slots & v.slots))
        and (e.id, v.id) not in set(p.forbidden)
        and v.capacity > 0
    )


def terms(p: PairingProblem, e: Elder, v: Volunteer) -> dict[str, float]:
    params = p.params
    meets = dict(params.need_skills)
    unmet = sum(1 for need in e.needs if not set(meets.get(need, (need,))) & v.skills)
    speaks = not e.languages or bool(e.languages & v.languages)
    return {
        "distance": params.distance_weight * distance(e, v),
        "language": 0.0 if speaks else params.language_mismatch_cost,
        "skills": params.unmet_need_cost * unmet,
        "availability": (
            params.availability_cost * len(e.slots - v.slots) / len(e.slots) if e.slots else 0.0
        ),
    }


def units(p: PairingProblem, e: Elder, v: Volunteer) -> int:
    """Integer cost units (round half to even, like numpy's rint)."""
    return round(sum(terms(p, e, v).values()) / p.params.cost_unit_m)


@dataclass(frozen=True)
class Optimum:
    floor_units: int
    weighted_pairs: int
    cost_units: int


def exact_optimum(p: PairingProblem) -> Optimum:
    """Lexicographic optimum: floor units, then priority weight, then cost (with break costs).

    Supports what the exact tests generate: no pins, existing pairs within capacity, and every
    allowed pair a candidate (max_candidates large).
    """
    arcs = [(e, v) for e in p.elders for v in p.volunteers if allowed(p, e, v)]
    n = len(arcs)
    streets = sorted({e.street for e in p.elders})
    ns = len(streets)
    existing = {(x.elder_id, x.volunteer_id) for x in p.existing}
    valid = [i for i, (e, v) in enumerate(arcs) if (e.id, v.id) in existing]
    budget = p.params.churn_budget
    break_units = round(p.params.break_cost / p.params.cost_unit_m)
    rows: list[np.ndarray] = []
    low: list[float] = []
    high: list[float] = []

    def add(coefficients: np.ndarray, lo: float, hi: float) -> None:
        rows.append(coefficients)
        low.append(lo)
        high.append(hi)

    for elder in p.elders:
        add(np.array([1.0 * (e is elder) for e, _ in arcs] + [0.0] * ns), 0, 1)
    for vol in p.volunteers:
        add(np.array([1.0 * (v is vol) for _, v in arcs] + [0.0] * ns), 0, vol.capacity)
    lower = np.zeros(n + ns)
    upper = np.ones(n + ns)
    if budget == 0:
        lower[valid] = 1
    elif valid:
        keep = np.zeros(n + ns)
        keep[valid] = 1
        add(keep, len(valid) - budget, np.inf)
    targets = [0] * ns
    if p.params.street_floor is not None:
        for s, street in enumerate(streets):
            eligible = {e.id for e, _ in arcs if e.street == street}
            targets[s] = math.ceil(p.params.street_floor * len(eligible) - 1e-9)
            row = np.array([-1.0 * (e.street == street) for e, _ in arcs] + [0.0] * ns)
            row[n + s] = 1
            add(row, -np.inf, 0)  # y_s <= paired in street s
    upper[n:] = targets
    weight = np.array([e.priority for e, _ in arcs] + [0] * ns, dtype=float)
    cost = np.array([units(p, e, v) for e, v in arcs] + [0] * ns, dtype=float)
    if budget > 0:
        cost[valid] -= break_units  # breaking = not keeping; the constant is added back below
    floor = np.concatenate([np.zeros(n), np.ones(ns)])
    integrality = np.concatenate([np.ones(n), np.zeros(ns)])
    levels: list[float] = []
    for objective in (-floor, -weight, cost):
        constraints = [LinearConstraint(np.array(rows), low, high)] if rows else []
        result = milp(
            objective,
            constraints=constraints,
            integrality=integrality,
            bounds=Bounds(lower, upper),
        )
        assert result.success, result.message
        best = round(result.fun)
        levels.append(best)
        add(objective, -np.inf, best + 0.5)  # keep this level optimal for the next
    constant = break_units * len(valid) if budget > 0 else 0
    return Optimum(int(-levels[0]), int(-levels[1]), int(levels[2] + constant))
