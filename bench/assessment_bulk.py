"""Assessment benchmark: bulk benefit recomputation and Alkire-Foster measures for a district.

Builds 7,500 households (about 12,200 members, the size of Dongcheng's dibao caseload in 2017)
across 17 streets from a fixed seed, then times, in this run:

- ``recompute_benefits`` for all households after the standard rises on 2024-07-01 (with the
  per-member traces and the list of changed amounts); target under 10 s;
- the need score with explanation and urgency for every household;
- ``deprivation_matrix`` + ``af_measures_np`` (district) + ``af_measures_by_group`` (streets),
  checked equal to the exact Fraction reference ``af_measures``.

    python bench/assessment_bulk.py
"""

from __future__ import annotations

import datetime as dt
import time

import numpy as np
from verdict import verdict

from assessment import (
    Household,
    Indicators,
    Member,
    af_measures,
    af_measures_by_group,
    af_measures_np,
    default_policy,
    deprivation_matrix,
    need_score,
    policy_weights,
    recompute_benefits,
    urgency,
)
from assessment.vocabulary import CATEGORIES

HOUSEHOLDS = 7_500
STREETS = 17
TARGET_S = 10.0
SEED = 20170401
BEFORE, AFTER = dt.date(2024, 6, 30), dt.date(2024, 7, 1)


def district(rng: np.random.Generator) -> tuple[list[Household], list[Indicators], list[int]]:
    """Households with 1-4 members (mean about 1.6), each member fitting 1-3 categories."""
    sizes = rng.choice([1, 2, 3, 4], size=HOUSEHOLDS, p=[0.55, 0.32, 0.09, 0.04])
    households = []
    member_id = 0
    for h, size in enumerate(sizes, start=1):
        members = []
        for _ in range(int(size)):
            member_id += 1
            fits = rng.choice(len(CATEGORIES), size=int(rng.integers(1, 4)), replace=False)
            members.append(Member(member_id, frozenset(CATEGORIES[int(i)] for i in fits)))
        households.append(Household(h, tuple(members)))
    indicators = [
        Indicators(
            income_fen_per_person=int(rng.integers(0, 400_000)),
            consumption_fen_per_person=int(rng.integers(50_000, 350_000)),
            children_out_of_school=int(rng.random() < 0.05),
            members_ill_or_disabled=int(rng.random() < 0.3),
            living_space_m2_per_person=int(rng.integers(4, 40)),
            members_mentally_ill=int(rng.random() < 0.06),
            distress_score=int(rng.choice([0, 15, 24, 32])),
        )
        for _ in range(HOUSEHOLDS)
    ]
    streets = [int(s) for s in rng.integers(1, STREETS + 1, size=HOUSEHOLDS)]
    return households, indicators, streets


def main() -> int:
    policy = default_policy()
    households, indicators, streets = district(np.random.default_rng(SEED))
    members = sum(len(h.members) for h in households)
    print(f"{HOUSEHOLDS} households, {members} members, {STREETS} streets")

    old = recompute_benefits(households, policy, BEFORE)
    start = time.perf_counter()
    new = recompute_benefits(
        households, policy, AFTER, previous={b.household_id: b.total_fen for b in old.benefits}
    )
    bulk_s = time.perf_counter() - start
    print(
        f"recompute_benefits after the standard change: {bulk_s:.3f} s; "
        f"{len(new.changes)} amounts changed; monthly total {old.total_fen / 100:,.2f} -> "
        f"{new.total_fen / 100:,.2f} yuan"
    )

    snapshot = policy.as_of(AFTER)
    start = time.perf_counter()
    scores = [need_score(i, snapshot) for i in indicators]
    urgencies = [urgency(s) for s in scores]
    score_s = time.perf_counter() - start
    print(f"need_score + urgency, explained, per household: {score_s:.3f} s")

    weights = policy_weights(snapshot)
    start = time.perf_counter()
    matrix = deprivation_matrix(indicators, snapshot)
    district_m = af_measures_np(matrix, weights, snapshot.k)
    by_street = af_measures_by_group(streets, matrix, weights, snapshot.k)
    af_s = time.perf_counter() - start
    start = time.perf_counter()
    exact = af_measures([[r.deprived for r in s.indicators] for s in scores], weights, snapshot.k)
    exact_s = time.perf_counter() - start
    print(
        f"AF vectorised (matrix, district, {len(by_street)} streets): {af_s:.3f} s; "
        f"exact reference (district): {exact_s:.3f} s"
    )
    print(
        f"district H = {float(district_m.H):.4f}, A = {float(district_m.A):.4f}, "
        f"M0 = {district_m.M0} ({float(district_m.M0):.4f}); contributions "
        + ", ".join(f"{d} {float(c):.3f}" for d, c in district_m.contributions.items())
    )
    cash = sorted(u["cash"] for u in urgencies)
    print(f"cash urgency median {cash[len(cash) // 2]}, max {cash[-1]}")
    return verdict(
        [
            (
                f"bulk recomputation of {HOUSEHOLDS} households under {TARGET_S:g} s",
                bulk_s < TARGET_S,
            ),
            ("vectorised AF measures equal the exact reference", district_m == exact),
            (
                "street measures add up to the district",
                sum(m.poor for m in by_street.values()) == district_m.poor,
            ),
            ("M0 = H x A exactly", district_m.M0 == district_m.H * district_m.A),
        ],
        memory_note="whole run",
    )


if __name__ == "__main__":
    raise SystemExit(main())
