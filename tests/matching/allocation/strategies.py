"""Hypothesis strategies: small random allocation problems (a few funds, a few requests)."""

from __future__ import annotations

from hypothesis import strategies as st

from matching.allocation import AllocationParams, AllocationProblem, Fund, Received, Request

TAGS = ("dibao", "elder_80", "disability")
URGENCIES = (1.0, 1.5, 2.0, 3.0, 4.25, 7.0)
"""At most two decimals, so the reference solver's integer weights are exact."""


@st.composite
def problems(
    draw: st.DrawFn,
    *,
    max_funds: int = 4,
    max_requests: int = 6,
    floors: bool = True,
) -> AllocationProblem:
    some_tags = st.frozensets(st.sampled_from(TAGS), max_size=2)
    funds = [
        Fund(
            id=j,
            budget_fen=draw(st.integers(0, 150)),
            cap_fen=draw(st.integers(0, 80)),
            min_grant_fen=draw(st.sampled_from([0, 0, 10, 25, 40])),
            tags=draw(some_tags),
        )
        for j in range(1, draw(st.integers(0, max_funds)) + 1)
    ]
    requests = [
        Request(
            id=i,
            household_id=100 + i,
            street=draw(st.integers(1, 3)),
            need_fen=draw(st.integers(0, 100)),
            urgency=draw(st.sampled_from(URGENCIES)),
            tags=draw(some_tags),
        )
        for i in range(1, draw(st.integers(0, max_requests)) + 1)
    ]
    pairs = [(r.household_id, f.id) for r in requests for f in funds]
    chosen = draw(st.lists(st.sampled_from(pairs), unique=True, max_size=3)) if pairs else []
    received = [Received(h, f, draw(st.integers(0, 60))) for h, f in chosen]
    floor = draw(st.sampled_from([None, 0.0, 0.2, 0.5, 0.8, 1.0])) if floors else None
    return AllocationProblem(
        funds=tuple(funds),
        requests=tuple(requests),
        received=tuple(received),
        params=AllocationParams(street_floor=floor, strict_floors=draw(st.booleans())),
    )
