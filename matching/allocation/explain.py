"""Per-request and per-fund explanations of an allocation, in data and in words.

For every fund a request qualifies for (by tags), the limit that stops more money coming from
it: the household's cap, the fund's money, or a rest of need below the fund's minimum grant.
The result is complete only for a maximal allocation (no request could take more from any
fund); the optimiser's final top-up and the greedy baseline both guarantee that.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from matching.allocation.encoding import Arcs, Encoded, IntArray
from matching.allocation.result import (
    FundLimit,
    FundOutcome,
    Grant,
    Reason,
    RequestOutcome,
    ShadowPrice,
)

# Most telling first: money is what a coordinator can add; a minimum is a rule to revisit.
_PRECEDENCE = (Reason.BUDGET_EXHAUSTED, Reason.BELOW_MINIMUM, Reason.CAP_REACHED)
_WORDS = {
    Reason.BUDGET_EXHAUSTED: "no money left (or less than a minimum grant)",
    Reason.CAP_REACHED: "the household's cap is used up",
    Reason.BELOW_MINIMUM: "the rest of the need is below the minimum grant",
}


def yuan(fen: int) -> str:
    """Fen as yuan with thousands separators, exactly (no float rounding)."""
    sign = "-" if fen < 0 else ""
    whole, cents = divmod(abs(fen), 100)
    return f"{sign}{whole:,}.{cents:02d}"


def grants(enc: Encoded, arcs: Arcs, x: IntArray) -> tuple[Grant, ...]:
    """The non-zero grants, by request id then fund id."""
    return tuple(
        Grant(
            request_id=enc.requests[h].id,
            household_id=enc.requests[h].household_id,
            fund_id=enc.funds[f].id,
            amount_fen=amount,
        )
        for h, f, amount in zip(
            arcs.req[x > 0].tolist(), arcs.fund[x > 0].tolist(), x[x > 0].tolist(), strict=True
        )
    )


def pair_limits(enc: Encoded, arcs: Arcs, x: IntArray) -> list[Reason | None]:
    """Per tag-eligible pair: the limit that stops it giving more (None while need is met).

    Raises AssertionError if some pair could still give (the allocation is not maximal).
    """
    given = np.zeros(enc.pair_req.size, dtype=np.int64)
    given[arcs.pair] = x
    f, h = enc.pair_fund, enc.pair_req
    left = enc.budget - enc.spent(arcs, x)
    need_left = enc.need - enc.covered(arcs, x)
    # A new grant needs at least the minimum (and at least 1 fen); an existing one any amount.
    least = np.where(given > 0, 1, np.maximum(1, enc.min_grant[f]))
    cap = enc.pair_room - given < least
    budget = ~cap & (left[f] < least)
    below = ~cap & ~budget & (need_left[h] < least)
    met = need_left[h] == 0
    stuck = ~(cap | budget | below | met)
    assert not stuck.any(), f"allocation is not maximal at {int(stuck.sum())} pairs"
    out: list[Reason | None] = []
    for is_met, is_cap, is_budget in zip(met.tolist(), cap.tolist(), budget.tolist(), strict=True):
        if is_met:
            out.append(None)
        elif is_cap:
            out.append(Reason.CAP_REACHED)
        elif is_budget:
            out.append(Reason.BUDGET_EXHAUSTED)
        else:
            out.append(Reason.BELOW_MINIMUM)
    return out


def request_outcomes(
    enc: Encoded, arcs: Arcs, x: IntArray, eligible: IntArray, all_grants: tuple[Grant, ...]
) -> tuple[RequestOutcome, ...]:
    """One outcome per request, by request id."""
    # FundLimit values repeat (a few per fund): share them rather than build one per pair.
    shared: dict[tuple[int, Reason], FundLimit] = {}

    def limit_of(f: int, reason: Reason) -> FundLimit:
        if (f, reason) not in shared:
            shared[f, reason] = FundLimit(enc.funds[f].id, reason)
        return shared[f, reason]

    limits = [
        None if reason is None else limit_of(f, reason)
        for f, reason in zip(enc.pair_fund.tolist(), pair_limits(enc, arcs, x), strict=True)
    ]
    covered = enc.covered(arcs, x).tolist()
    had_money = (enc.budget >= np.maximum(1, enc.min_grant)).tolist()
    by_request: list[list[Grant]] = [[] for _ in range(enc.n_requests)]
    index = {r.id: i for i, r in enumerate(enc.requests)}
    for g in all_grants:
        by_request[index[g.request_id]].append(g)
    pair_start = np.searchsorted(enc.pair_req, np.arange(enc.n_requests + 1)).tolist()
    pair_fund = enc.pair_fund.tolist()
    out = []
    for h, r in enumerate(enc.requests):
        got, need = covered[h], r.need_fen
        mine = range(pair_start[h], pair_start[h + 1])
        fund_limits = tuple(limit for p in mine if (limit := limits[p]) is not None)
        head = f"covered {yuan(got)} of {yuan(need)} yuan"
        if got == need:
            reason, detail = Reason.NEED_MET, f"{head}: need met"
        elif not any(had_money[pair_fund[p]] for p in mine):
            reason = Reason.NOT_ELIGIBLE
            if mine:
                ids = ", ".join(str(enc.funds[pair_fund[p]].id) for p in mine)
                detail = f"{head}: the funds it qualifies for ({ids}) have no money left"
            else:
                detail = f"{head}: no fund pays for its circumstances ({_tag_words(r.tags)})"
        else:
            reason = next(k for k in _PRECEDENCE if any(x.reason == k for x in fund_limits))
            parts = [
                f"{_WORDS[k]} at fund{'s' if len(named) > 1 else ''} {', '.join(named)}"
                for k in _PRECEDENCE
                if (named := [str(x.fund_id) for x in fund_limits if x.reason == k])
            ]
            detail = f"{head}: " + "; ".join(parts)
        out.append(
            RequestOutcome(
                request_id=r.id,
                household_id=r.household_id,
                street=r.street,
                need_fen=need,
                eligible_fen=int(eligible[h]),
                covered_fen=got,
                grants=tuple(by_request[h]),
                reason=reason,
                limits=fund_limits,
                detail=detail,
            )
        )
    return tuple(out)


def _tag_words(tags: frozenset[str]) -> str:
    return "tags " + ", ".join(sorted(tags)) if tags else "no tags recorded"


def fund_outcomes(
    enc: Encoded, arcs: Arcs, x: IntArray, shadows: Sequence[ShadowPrice | None] | None = None
) -> tuple[FundOutcome, ...]:
    """One outcome per fund, by fund id; ``shadows`` in the same order."""
    awarded = enc.spent(arcs, x)
    count = np.bincount(arcs.fund[x > 0], minlength=enc.n_funds)
    out = []
    for j, fund in enumerate(enc.funds):
        out.append(
            FundOutcome(
                fund_id=fund.id,
                budget_fen=fund.budget_fen,
                awarded_fen=int(awarded[j]),
                remaining_fen=fund.budget_fen - int(awarded[j]),
                grants=int(count[j]),
                shadow=None if shadows is None else shadows[j],
            )
        )
    return tuple(out)
