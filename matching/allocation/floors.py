"""Street floors: the fen each street must get, and the best share when phi is out of reach.

A street's floor is ``ceil(phi * eligible need)`` fen, in exact fractions so that a share of
0.1 of 10 fen asks for 1 fen, not 2. When the floors cannot all be met, the largest share t
that every street can get at once (max-min) is found by Newton's method on minimum cuts
(Dinkelbach): a cut that blocks share t says how much money can cross it, which gives the
largest share that cut allows; a few maximum flows reach the answer exactly.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from matching.allocation.encoding import IntArray
from matching.allocation.flow import Network, floor_cut

MAX_NEWTON_STEPS = 60
"""Each step lowers the share strictly and there are finitely many cuts; in practice 2-5."""


def floor_targets(eligible: IntArray, share: Fraction) -> IntArray:
    """Fen each street must get for the floor ``share`` (rounded up: covered >= phi * need)."""
    return np.array([math.ceil(share * int(e)) for e in eligible.tolist()], dtype=np.int64)


def share_targets(eligible: IntArray, share: Fraction) -> IntArray:
    """Fen each street gets at a reachable max-min ``share`` (rounded down, so still reachable)."""
    return np.array([math.floor(share * int(e)) for e in eligible.tolist()], dtype=np.int64)


@dataclass(frozen=True)
class Floors:
    """The targets a run works to, and how they were set.

    ``met_phi``: every street can get phi at once. Otherwise ``share`` is the max-min share
    (< phi) and ``targets`` are that share of each street's eligible need; ``blocked`` are the
    streets behind the last cut that limited the share (the ones to explain).
    """

    targets: IntArray
    share: Fraction
    met_phi: bool
    blocked: tuple[int, ...]


def feasible(net: Network, targets: IntArray) -> tuple[bool, int, IntArray]:
    """Whether the floors can all be met; else the cut's spare capacity and its streets."""
    value, side = floor_cut(net, targets)
    if value >= int(targets.sum()):
        return True, value, np.zeros(0, np.int64)
    # Cut capacity = (arcs from the funds' side) + the floors of source-side streets.
    spare = value - int(targets[side].sum())
    return False, spare, np.flatnonzero(~side)


def plan_floors(net: Network, eligible: IntArray, phi: Fraction) -> Floors:
    """Targets for phi if reachable, else the max-min share's targets (see the module doc)."""
    targets = floor_targets(eligible, phi)
    ok, spare, behind = feasible(net, targets)
    if ok:
        return Floors(targets=targets, share=phi, met_phi=True, blocked=())
    share = phi
    for _ in range(MAX_NEWTON_STEPS):
        blocked = tuple(behind.tolist())
        share = min(share, Fraction(spare, max(1, int(eligible[behind].sum()))))
        targets = share_targets(eligible, share)
        ok, spare, cut = feasible(net, targets)
        if ok:
            return Floors(targets=targets, share=share, met_phi=False, blocked=blocked)
        behind = cut
    # Not reached in practice; share 0 asks for nothing and is always reachable.
    zero = np.zeros_like(eligible)
    return Floors(targets=zero, share=Fraction(0), met_phi=False, blocked=blocked)
