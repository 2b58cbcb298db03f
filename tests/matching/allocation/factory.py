"""Small hand-made allocation problems for the rule-by-rule tests."""

from __future__ import annotations

from collections.abc import Iterable

from matching.allocation import (
    AllocationParams,
    AllocationProblem,
    AllocationResult,
    Fund,
    Received,
    Request,
    ShadowMethod,
    allocate,
    violations,
)
from matching.allocation.allocate import EXACT_MAX_ARCS


def fund(id: int, budget: int, cap: int, *, minimum: int = 0, tags: Iterable[str] = ()) -> Fund:
    return Fund(id=id, budget_fen=budget, cap_fen=cap, min_grant_fen=minimum, tags=frozenset(tags))


def request(
    id: int,
    need: int,
    *,
    urgency: float = 1.0,
    street: int = 1,
    tags: Iterable[str] = (),
    household: int | None = None,
) -> Request:
    return Request(
        id=id,
        household_id=1000 + id if household is None else household,
        street=street,
        need_fen=need,
        urgency=urgency,
        tags=frozenset(tags),
    )


def problem(
    funds: Iterable[Fund],
    requests: Iterable[Request],
    *,
    received: Iterable[Received] = (),
    floor: float | None = None,
    strict: bool = False,
) -> AllocationProblem:
    return AllocationProblem(
        funds=tuple(funds),
        requests=tuple(requests),
        received=tuple(received),
        params=AllocationParams(street_floor=floor, strict_floors=strict),
    )


def solved(
    p: AllocationProblem,
    *,
    exact_max_arcs: int = EXACT_MAX_ARCS,
    shadow: ShadowMethod = ShadowMethod.AUTO,
) -> AllocationResult:
    """``allocate`` with its result checked by ``violations``."""
    result = allocate(p, exact_max_arcs=exact_max_arcs, shadow=shadow)
    assert violations(p, result) == []
    return result


def granted(result: AllocationResult) -> dict[tuple[int, int], int]:
    """(request id, fund id) -> fen."""
    return {(g.request_id, g.fund_id): g.amount_fen for g in result.grants}


def covered(result: AllocationResult) -> dict[int, int]:
    """Request id -> fen covered."""
    return {r.request_id: r.covered_fen for r in result.requests}
