"""``violations``: every hard rule re-checked on a result, from the problem alone (no solver).

Jobs call it before anything is saved, and tests call it on every result. It trusts nothing
the optimiser computed: distances are recomputed from coordinates, capacities recounted, the
churn budget re-derived from the existing pairs.
"""

from __future__ import annotations

from collections import Counter

import numpy as np

from matching.geo import haversine_many
from matching.problem import Elder, PairingProblem, Volunteer
from matching.result import Anchor, Pair, PairingResult, PairingStatus
from matching.rules import DISTANCE_TOLERANCE_M, broken_rules, limit_m


def violations(problem: PairingProblem, result: PairingResult) -> list[str]:
    """Every hard rule the result breaks, in words; empty when it is sound.

    INFEASIBLE results must propose nothing and say why. Street floors are checked where they
    are plainly achievable: an unmet floor is a violation when one of the street's unpaired
    elders has an eligible volunteer among its nearest candidates with a free place.
    """
    if result.status == PairingStatus.INFEASIBLE:
        out = []
        if result.pairs:
            out.append("an infeasible result proposes pairs")
        if not result.infeasible_reasons:
            out.append("an infeasible result gives no reason")
        return out
    elders = {e.id: e for e in problem.elders}
    volunteers = {v.id: v for v in problem.volunteers}
    params = problem.params
    out = []
    forbidden = set(problem.forbidden)
    count = Counter(p.elder_id for p in result.pairs)
    out += [f"elder {e} has {n} volunteers" for e, n in sorted(count.items()) if n > 1]
    known = [p for p in result.pairs if p.elder_id in elders and p.volunteer_id in volunteers]
    out += [
        f"pair ({p.elder_id}, {p.volunteer_id}) names an unknown person"
        for p in result.pairs
        if p.elder_id not in elders or p.volunteer_id not in volunteers
    ]
    out += _distances(problem, known, elders, volunteers)
    for p in known:
        rules = broken_rules(
            elders[p.elder_id],
            volunteers[p.volunteer_id],
            params,
            forbidden=(p.elder_id, p.volunteer_id) in forbidden,
            distance=False,  # checked per reported anchor above, vectorised
        )
        out += [f"pair ({p.elder_id}, {p.volunteer_id}) breaks {r}" for r in rules]
    load = Counter(p.volunteer_id for p in known)
    out += [
        f"volunteer {v} has {n} elders but capacity {volunteers[v].capacity}"
        for v, n in sorted(load.items())
        if n > volunteers[v].capacity
    ]
    chosen = {(p.elder_id, p.volunteer_id) for p in result.pairs}
    out += [f"pin ({e}, {v}) is not honoured" for e, v in problem.pins if (e, v) not in chosen]
    out += _churn(problem, chosen, elders, volunteers)
    out += _floors(problem, result, elders, volunteers, load)
    return out


def _distances(
    problem: PairingProblem,
    pairs: list[Pair],
    elders: dict[int, Elder],
    volunteers: dict[int, Volunteer],
) -> list[str]:
    """The reported anchor exists and lies within the elder's limit (vectorised)."""
    out = []
    sound = []
    for p in pairs:
        if p.anchor == Anchor.WORK and not volunteers[p.volunteer_id].has_work:
            out.append(f"pair ({p.elder_id}, {p.volunteer_id}) is anchored at a missing workplace")
        else:
            sound.append(p)
    if not sound:
        return out
    es = [elders[p.elder_id] for p in sound]
    vs = [volunteers[p.volunteer_id] for p in sound]
    at_work = [p.anchor == Anchor.WORK for p in sound]
    lat = [v.work_lat if w else v.home_lat for v, w in zip(vs, at_work, strict=True)]
    lon = [v.work_lon if w else v.home_lon for v, w in zip(vs, at_work, strict=True)]
    d = haversine_many(
        np.array([e.lat for e in es]),
        np.array([e.lon for e in es]),
        np.array(lat, dtype=np.float64),
        np.array(lon, dtype=np.float64),
    )
    for p, e, metres in zip(sound, es, d.tolist(), strict=True):
        limit = limit_m(e, problem.params)
        if metres > limit + DISTANCE_TOLERANCE_M:
            out.append(
                f"pair ({p.elder_id}, {p.volunteer_id}) is {metres:.1f} m from its"
                f" {p.anchor} anchor (limit {limit} m)"
            )
    return out


def _churn(
    problem: PairingProblem,
    chosen: set[tuple[int, int]],
    elders: dict[int, Elder],
    volunteers: dict[int, Volunteer],
) -> list[str]:
    """Breaks that count against the budget: rule-valid existing pairs not kept, whose elder is
    not pinned elsewhere, beyond what the volunteer's places (after pins) could hold anyway."""
    pins = dict(problem.pins)
    pin_load = Counter(problem.pins[i][1] for i in range(len(problem.pins)))
    forbidden = set(problem.forbidden)
    valid: Counter[int] = Counter()
    broken: Counter[int] = Counter()
    for pair in problem.existing:
        e, v = pair.elder_id, pair.volunteer_id
        if e in pins or broken_rules(
            elders[e], volunteers[v], problem.params, forbidden=(e, v) in forbidden
        ):
            continue
        valid[v] += 1
        if (e, v) not in chosen:
            broken[v] += 1
    counted = sum(
        max(0, n - max(0, valid[v] - max(0, volunteers[v].capacity - pin_load[v])))
        for v, n in broken.items()
    )
    if counted > problem.params.churn_budget:
        return [
            f"{counted} existing pairs broken; the churn budget is {problem.params.churn_budget}"
        ]
    return []


def _floors(
    problem: PairingProblem,
    result: PairingResult,
    elders: dict[int, Elder],
    volunteers: dict[int, Volunteer],
    load: Counter[int],
) -> list[str]:
    if problem.params.street_floor is None:
        return []
    short = {c.street for c in result.metrics.coverage if c.floor_met is False}
    if not short:
        return []
    paired = {p.elder_id for p in result.pairs}
    forbidden = set(problem.forbidden)
    people = list(volunteers.values())
    home_lat = np.array([v.home_lat for v in people])
    home_lon = np.array([v.home_lon for v in people])
    work_lat = np.array([np.nan if v.work_lat is None else v.work_lat for v in people])
    work_lon = np.array([np.nan if v.work_lon is None else v.work_lon for v in people])
    free = np.array([load[v.id] < v.capacity for v in people], dtype=np.bool_)
    out = []
    for elder in problem.elders:
        if elder.street not in short or elder.id in paired:
            continue
        n = len(people)
        home = haversine_many(np.full(n, elder.lat), np.full(n, elder.lon), home_lat, home_lon)
        work = haversine_many(np.full(n, elder.lat), np.full(n, elder.lon), work_lat, work_lon)
        nearest = np.fmin(home, work)
        every_anchor = np.sort(np.concatenate([home, work[~np.isnan(work)]]))
        reach = np.flatnonzero(free & (nearest <= limit_m(elder, problem.params)))
        for i in reach[np.argsort(nearest[reach], kind="stable")].tolist():
            # Only the nearest max_candidates anchors are candidates, and among anchors at the
            # same distance the cut is arbitrary: count ties as nearer (this one included).
            if (
                np.searchsorted(every_anchor, nearest[i], side="right")
                > problem.params.max_candidates
            ):
                break
            v = people[i]
            if not broken_rules(elder, v, problem.params, forbidden=(elder.id, v.id) in forbidden):
                out.append(
                    f"street {elder.street} misses its floor while elder {elder.id} could take"
                    f" free volunteer {v.id}"
                )
                break
    return out
