"""Turn a scope's rows into the optimiser's problem, and its result into run metrics.

The only module that knows both the database rows (``jobs.pairing_data``) and the pure
optimiser's types (``matching``).
"""

from __future__ import annotations

from typing import Any

from jobs.pairing_data import ScopeData


def build_problem(data: ScopeData, params: dict[str, Any]) -> Any:
    """The optimiser's problem for a scope and a run's parameters."""
    from matching import (
        Elder,
        ExistingPair,
        PairingParams,
        PairingProblem,
        Volunteer,
        priority_tier,
    )

    elders = tuple(
        Elder(
            id=e.id,
            lat=e.latitude,
            lon=e.longitude,
            street=e.street_id,
            priority=priority_tier(
                living_alone=e.living_alone,
                age=e.age,
                needy=e.needy,
                disabled=e.disabled,
                waiting_days=e.waiting_days,
            ),
            required_gender=e.required_gender,
            slots=frozenset(e.slots),
            languages=frozenset(e.languages),
            needs=frozenset(e.needs),
        )
        for e in data.elders
    )
    volunteers = tuple(
        Volunteer(
            id=v.id,
            home_lat=v.home[0],
            home_lon=v.home[1],
            work_lat=v.work[0] if v.work else None,
            work_lon=v.work[1] if v.work else None,
            gender=v.gender,
            vetted=v.vetted,
            capacity=v.capacity,
            slots=frozenset(v.slots),
            languages=frozenset(v.languages),
            skills=frozenset(v.skills),
        )
        for v in data.volunteers
    )
    known = {v.id for v in volunteers}
    return PairingProblem(
        elders=elders,
        volunteers=volunteers,
        existing=tuple(ExistingPair(e, v) for e, v in data.existing if v in known),
        pins=tuple((e, v) for e, v in data.pins if v in known),
        forbidden=tuple((e, v) for e, v in data.forbidden if v in known),
        params=PairingParams(
            max_distance_m=int(params.get("max_distance_m", 1500)),
            churn_budget=int(params.get("churn_budget", 0)),
            street_floor=params.get("street_floor"),
        ),
    )


def run_metrics(data: ScopeData, result: Any) -> dict[str, Any]:
    """The figures a run shows: coverage per street, Gini, distance, continuity."""
    metrics = result.metrics
    streets = [
        {
            "street_id": int(c.street),
            "street_name": data.street_names.get(int(c.street), str(c.street)),
            "eligible": int(c.eligible),
            "paired": int(c.paired),
            "coverage": float(c.coverage),
            "floor_met": c.floor_met,
        }
        for c in sorted(metrics.coverage, key=lambda c: c.street)
    ]
    return {
        "elders_in_scope": len(data.elders),
        "elders_paired": int(metrics.elders_paired),
        "volunteers_in_reach": len(data.volunteers),
        "total_cost": round(metrics.total_cost),
        "mean_distance_m": float(metrics.mean_distance_m),
        "pairs_kept": int(metrics.pairs_kept),
        "pairs_broken": int(metrics.pairs_broken),
        "pairs_broken_forced": int(metrics.pairs_broken_forced),
        "gini": float(metrics.gini),
        "solve_seconds": float(metrics.solve_time_s),
        "streets": streets,
    }
