"""Hypothesis strategies: small random pairing problems in a 3 x 3 km square."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from matching import PairingProblem
from tests.matching.factory import BEIJING, elder, problem, volunteer

NEEDS = ("visits", "calls", "errands", "medical_accompaniment")
SKILLS = ("companionship", "errands", "medical", "housework")
LANGUAGES = ("mandarin", "hakka")


@st.composite
def problems(
    draw: st.DrawFn,
    *,
    origin: tuple[float, float] = BEIJING,
    max_elders: int = 9,
    max_volunteers: int = 8,
    pins: bool = True,
    floors: bool = True,
    churn: bool = True,
    all_candidates: bool = False,
) -> PairingProblem:
    coordinate = st.floats(-1500, 1500, allow_nan=False)
    some = st.frozensets
    n_elders = draw(st.integers(1, max_elders))
    n_volunteers = draw(st.integers(1, max_volunteers))
    elders = [
        elder(
            i,
            draw(coordinate),
            draw(coordinate),
            origin=origin,
            street=draw(st.integers(1, 3)),
            priority=draw(st.sampled_from([4, 5, 6, 8, 12])),
            max_distance_m=draw(st.sampled_from([None, None, 700, 2500])),
            required_gender=draw(st.sampled_from([None, None, None, "female", "male"])),
            needs_vetted=draw(st.booleans()) and draw(st.booleans()),
            slots=draw(st.one_of(st.just(frozenset()), some(st.integers(0, 5), max_size=3))),
            languages=draw(some(st.sampled_from(LANGUAGES), max_size=1)),
            needs=draw(some(st.sampled_from(NEEDS), max_size=2)),
        )
        for i in range(1, n_elders + 1)
    ]
    volunteers = [
        volunteer(
            100 + j,
            draw(coordinate),
            draw(coordinate),
            origin=origin,
            gender=draw(st.sampled_from(["female", "male"])),
            work=draw(st.one_of(st.none(), st.tuples(coordinate, coordinate))),
            vetted=draw(st.booleans()),
            capacity=draw(st.sampled_from([0, 1, 1, 1, 2, 3])),
            slots=draw(some(st.integers(0, 5), max_size=5)),
            languages=draw(some(st.sampled_from(LANGUAGES), max_size=2)),
            skills=draw(some(st.sampled_from(SKILLS), max_size=2)),
        )
        for j in range(1, n_volunteers + 1)
    ]
    pair_ = st.tuples(st.integers(1, n_elders), st.integers(101, 100 + n_volunteers))
    existing = draw(st.lists(pair_, max_size=4, unique_by=lambda p: p[0]))
    if all_candidates:  # the exact model supports existing pairs within capacity only
        room = {v.id: v.capacity for v in volunteers}
        kept = []
        for e, v in existing:
            if room[v] > 0:
                room[v] -= 1
                kept.append((e, v))
        existing = kept
    params: dict[str, Any] = {
        "max_candidates": 50 if all_candidates else draw(st.sampled_from([2, 3, 50])),
        "street_floor": draw(st.sampled_from([None, 0.5, 1.0])) if floors else None,
        "churn_budget": draw(st.integers(0, 2)) if churn else 0,
        "break_cost": draw(st.sampled_from([0.0, 150.0, 1000.0])),
        "distance_weight": draw(st.sampled_from([1.0, 0.2])),
    }
    return problem(
        elders,
        volunteers,
        existing=existing,
        pins=draw(st.lists(pair_, max_size=1, unique=True)) if pins else [],
        forbidden=draw(st.lists(pair_, max_size=3, unique=True)),
        **params,
    )
