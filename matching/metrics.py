"""Fairness and summary figures of a pairing: coverage per street and its Gini coefficient."""

from __future__ import annotations

import math

import numpy as np

from matching.encoding import Encoded, FloatArray, IntArray
from matching.result import StreetCoverage


def floor_targets(eligible: IntArray, floor: float | None) -> IntArray | None:
    """Elders to pair per street under a floor share (rounded up), or None without a floor."""
    if floor is None:
        return None
    # The epsilon keeps 0.3 * 10 from becoming 4 through float error.
    out: IntArray = np.ceil(floor * eligible - 1e-9).astype(np.int64)
    return out


def street_coverage(
    enc: Encoded, eligible: IntArray, paired: IntArray, targets: IntArray | None
) -> tuple[StreetCoverage, ...]:
    """One entry per street that has elders: paired / eligible and whether the floor is met."""
    out = []
    for s, street in enumerate(enc.streets.tolist()):
        n, p = int(eligible[s]), int(paired[s])
        target = None if targets is None else int(targets[s])
        out.append(
            StreetCoverage(
                street=street,
                eligible=n,
                paired=p,
                coverage=p / n if n else 1.0,
                floor_target=target,
                floor_met=None if target is None else p >= target,
            )
        )
    return tuple(out)


def gini(values: FloatArray) -> float:
    """Gini coefficient (0 = all equal, towards 1 = concentrated); 0 for empty or all-zero."""
    if values.size == 0:
        return 0.0
    mean = float(values.mean())
    if mean == 0 or not math.isfinite(mean):
        return 0.0
    diffs = np.abs(values[:, None] - values[None, :]).sum()
    return float(diffs / (2 * values.size**2 * mean))
