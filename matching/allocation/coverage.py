"""Fairness between streets: coverage of eligible need per street, its minimum and Gini."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from matching.allocation.encoding import Encoded, IntArray
from matching.allocation.floors import floor_targets
from matching.allocation.result import StreetCoverage
from matching.metrics import gini


@dataclass(frozen=True)
class Coverage:
    streets: tuple[StreetCoverage, ...]
    min_coverage: float
    gini: float


def street_coverage(
    enc: Encoded, eligible: IntArray, covered: IntArray, phi: Fraction | None
) -> Coverage:
    """Per street (by id): eligible and covered fen, their share, and phi's floor if any.

    ``eligible`` and ``covered`` are per street. Streets with nothing eligible count as fully
    covered and are left out of the minimum and the Gini coefficient.
    """
    targets = None if phi is None else floor_targets(eligible, phi)
    out = []
    for s, street in enumerate(enc.streets.tolist()):
        e, c = int(eligible[s]), int(covered[s])
        target = None if targets is None else int(targets[s])
        out.append(
            StreetCoverage(
                street=street,
                eligible_fen=e,
                covered_fen=c,
                coverage=c / e if e else 1.0,
                target_fen=target,
                floor_met=None if target is None else c >= target,
            )
        )
    shares = np.array([x.coverage for x in out if x.eligible_fen > 0], dtype=np.float64)
    return Coverage(
        streets=tuple(out),
        min_coverage=float(shares.min()) if shares.size else 1.0,
        gini=gini(shares),
    )
