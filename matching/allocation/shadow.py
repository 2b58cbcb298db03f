"""Shadow prices of the funds: what 10,000 more yuan in a fund would do.

Priced on the LP relaxation (minimum grants relaxed) at the run's street targets, so more money
never buys a street less than its floor. RESOLVE raises one budget and solves again: exact, one
flow per fund. DUAL reads the budget's dual price from the optimal flow (one shortest-path
pass for all funds): exact for the first fen and, money having diminishing returns, an upper
bound for the whole amount. AUTO re-solves when the estimated time fits.
"""

from __future__ import annotations

import time

from matching.allocation.encoding import Encoded, IntArray
from matching.allocation.explain import yuan
from matching.allocation.flow import LpSolution, Network, marginal_values, solve_lp
from matching.allocation.result import ShadowMethod, ShadowPrice

EXTRA_FEN = 1_000_000
"""10,000 yuan."""
RESOLVE_MAX_S = 10.0
"""AUTO re-solves when one flow per fund is expected to take at most this (and half the time
left)."""


def choose_method(
    method: ShadowMethod, *, n_funds: int, lp_seconds: float, time_left_s: float
) -> ShadowMethod:
    if method != ShadowMethod.AUTO:
        return method
    expected = n_funds * lp_seconds
    fits = expected <= min(RESOLVE_MAX_S, time_left_s / 2)
    return ShadowMethod.RESOLVE if fits else ShadowMethod.DUAL


def shadow_prices(
    enc: Encoded,
    net: Network,
    lp: LpSolution,
    *,
    targets: IntArray | None,
    method: ShadowMethod,
    deadline: float,
) -> tuple[ShadowPrice | None, ...]:
    """One price per fund (by fund id); None for funds not priced (NONE, or out of time)."""
    if method == ShadowMethod.NONE or enc.n_funds == 0:
        return (None,) * enc.n_funds
    base = enc.weighted(net.arcs, lp.x)
    if method == ShadowMethod.DUAL:
        per_fen = marginal_values(net, lp)
        return tuple(_price(float(v) * EXTRA_FEN, None, ShadowMethod.DUAL) for v in per_fen)
    out: list[ShadowPrice | None] = []
    for j in range(enc.n_funds):
        if time.monotonic() > deadline:
            out.append(None)
            continue
        budget = enc.budget.copy()
        budget[j] += EXTRA_FEN
        richer = Network(
            arcs=enc.arcs(budget),
            budget=budget,
            need=net.need,
            street=net.street,
            n_streets=net.n_streets,
            weights=net.weights,
        )
        sol = solve_lp(richer, targets=targets)
        assert sol is not None  # more money never makes floors unreachable
        gain = max(0.0, enc.weighted(richer.arcs, sol.x) - base)
        covered = int(sol.x.sum()) - int(lp.x.sum())
        out.append(_price(gain, covered, ShadowMethod.RESOLVE))
    return tuple(out)


def _price(gain: float, covered: int | None, method: ShadowMethod) -> ShadowPrice:
    worth = yuan(round(gain))
    if method == ShadowMethod.RESOLVE:
        text = (
            f"{yuan(EXTRA_FEN)} more yuan in this fund would cover {yuan(covered or 0)} more"
            f" yuan of need, worth {worth} yuan of urgency-weighted need"
            " (LP relaxation re-solved with the larger budget)"
        )
    else:
        text = (
            f"{yuan(EXTRA_FEN)} more yuan in this fund would cover at most {worth} yuan of"
            " urgency-weighted need (LP dual price of the budget x the extra money)"
        )
    return ShadowPrice(
        extra_fen=EXTRA_FEN,
        weighted_gain=gain,
        covered_gain_fen=covered,
        method=method,
        text=text,
    )
