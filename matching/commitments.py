"""Pins and existing pairs: what is fixed before the flow, what is free, what must break.

Decisions (documented for coordinators):
- A pin that breaks a hard rule (distance, gender, vetting, availability, forbidden), two pins
  for one elder, or more pins on a volunteer than their capacity make the run INFEASIBLE: the
  result lists what to fix and proposes nothing. Pins are commitments; silently dropping one
  would be worse than stopping.
- An existing pair that now breaks a hard rule, whose elder is pinned elsewhere, or that no
  longer fits the volunteer's capacity (after pins) breaks without touching the churn budget.
  When several compete for too few places, the higher priority, then the shorter distance, then
  the smaller elder id stays.
- With churn budget 0 every other existing pair is kept and leaves the flow (elder done,
  volunteer capacity reduced); with a budget they enter the flow with a continuity bonus.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np

from matching.encoding import Encoded, IntArray
from matching.problem import PairingProblem
from matching.result import BreakReason, BrokenPair
from matching.rules import broken_rules, nearest_anchor


@dataclass
class Commitments:
    pinned: dict[int, int] = field(default_factory=dict)
    """Elder index -> volunteer index."""
    existing: dict[int, int] = field(default_factory=dict)
    """Valid existing pairs (elder index -> volunteer index), after forced breaks."""
    broken: list[BrokenPair] = field(default_factory=list)
    infeasible: list[str] = field(default_factory=list)
    forbidden: set[tuple[int, int]] = field(default_factory=set)
    """Forbidden pairs as (elder index, volunteer index)."""

    def existing_array(self, n_elders: int) -> IntArray:
        """Volunteer index of each elder's valid existing pair, -1 if none."""
        return _as_array(self.existing, n_elders)

    def pinned_array(self, n_elders: int) -> IntArray:
        """Volunteer index of each elder's pin, -1 if none."""
        return _as_array(self.pinned, n_elders)


def _as_array(pairs: dict[int, int], n: int) -> IntArray:
    out = np.full(n, -1, dtype=np.int64)
    for e, v in pairs.items():
        out[e] = v
    return out


def resolve(problem: PairingProblem, enc: Encoded) -> Commitments:
    """Check pins, classify existing pairs; never raises for rule conflicts (see module doc)."""
    params = problem.params
    out = Commitments()
    out.forbidden = {(enc.elder_index[e], enc.volunteer_index[v]) for e, v in problem.forbidden}
    by_elder: dict[int, list[int]] = defaultdict(list)
    for e_id, v_id in problem.pins:
        by_elder[enc.elder_index[e_id]].append(enc.volunteer_index[v_id])
    for e, vols in sorted(by_elder.items()):
        elder = enc.elders[e]
        if len(vols) > 1:
            names = ", ".join(str(enc.volunteers[v].id) for v in sorted(vols))
            out.infeasible.append(
                f"elder {elder.id} is pinned to several volunteers ({names}); keep one pin"
            )
            continue
        v = vols[0]
        for problem_text in broken_rules(
            elder, enc.volunteers[v], params, forbidden=(e, v) in out.forbidden
        ):
            out.infeasible.append(f"pin ({elder.id}, {enc.volunteers[v].id}) breaks {problem_text}")
        out.pinned[e] = v
    load = np.bincount(
        np.fromiter(out.pinned.values(), np.int64, len(out.pinned)), minlength=enc.n_volunteers
    )
    for over in np.flatnonzero(load > enc.v_capacity).tolist():
        volunteer = enc.volunteers[over]
        out.infeasible.append(
            f"volunteer {volunteer.id} has {int(load[over])} pins but capacity"
            f" {volunteer.capacity}; remove a pin or raise the capacity"
        )
    _classify_existing(problem, enc, out, load)
    return out


def _classify_existing(
    problem: PairingProblem, enc: Encoded, out: Commitments, pin_load: IntArray
) -> None:
    params = problem.params
    wanting: dict[int, list[tuple[int, float, int]]] = defaultdict(list)
    for pair in sorted(problem.existing, key=lambda p: p.elder_id):
        e, v = enc.elder_index[pair.elder_id], enc.volunteer_index[pair.volunteer_id]
        elder, volunteer = enc.elders[e], enc.volunteers[v]
        if e in out.pinned:
            if out.pinned[e] != v:
                pinned_to = enc.volunteers[out.pinned[e]].id
                out.broken.append(
                    BrokenPair(
                        elder.id,
                        volunteer.id,
                        BreakReason.PIN,
                        f"elder {elder.id} is pinned to volunteer {pinned_to}",
                    )
                )
            continue
        problems = broken_rules(elder, volunteer, params, forbidden=(e, v) in out.forbidden)
        if problems:
            out.broken.append(
                BrokenPair(elder.id, volunteer.id, BreakReason.RULES, "; ".join(problems))
            )
            continue
        _, distance = nearest_anchor(elder, volunteer)
        wanting[v].append((e, distance, elder.priority))
    for v, claims in sorted(wanting.items()):
        free = int(enc.v_capacity[v] - pin_load[v])
        ranked = sorted(claims, key=lambda c: (-c[2], c[1], enc.elders[c[0]].id))
        for rank, (e, _, _) in enumerate(ranked):
            if rank < free:
                out.existing[e] = v
                continue
            volunteer = enc.volunteers[v]
            by_pins = rank < volunteer.capacity
            out.broken.append(
                BrokenPair(
                    enc.elders[e].id,
                    volunteer.id,
                    BreakReason.PIN if by_pins else BreakReason.CAPACITY,
                    f"volunteer {volunteer.id} has {max(free, 0)} place(s) left"
                    + (" after pins" if by_pins else "")
                    + f" for {len(ranked)} existing pairs",
                )
            )
