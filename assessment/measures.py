"""Group measures of the Alkire-Foster method for a street or the district: H, A, M0 and each
dimension's contribution, exactly.

Definitions (n households, weights w_j summing to 1, deprivation d_ij in {0, 1}):
score c_i = sum_j w_j d_ij; poor if c_i >= k; q = number poor; H = q / n; A = sum of c_i over the
poor / q; M0 = H x A. Deprivations of the non-poor are censored (set to 0); dimension j
contributes w_j x (censored headcount of j) / (n x M0), and the contributions sum to 1 when
M0 > 0 (all are 0 when nobody is poor).

Two paths give the same Fractions: :func:`af_measures` is the reference, written straight from
the definitions in Fractions; :func:`af_measures_np` scales the weights to integers over their
common denominator and does the sums in int64 numpy arrays (exact, and fast for a district).
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from types import MappingProxyType

import numpy as np
import numpy.typing as npt

from assessment.indicators import SPECS, Indicators
from assessment.policy import PolicySnapshot
from assessment.vocabulary import DIMENSIONS

BoolMatrix = npt.NDArray[np.bool_]
_INT64_SAFE = 2**62


@dataclass(frozen=True)
class GroupMeasures:
    """H, A and M0 of a group, with ``contributions`` by dimension name (exact Fractions)."""

    households: int
    poor: int
    k: Fraction
    H: Fraction
    """Headcount ratio: the share of households that are poor (the method's own letters)."""
    A: Fraction
    """Intensity: the mean score of the poor (0 when nobody is poor)."""
    M0: Fraction
    """Adjusted headcount ratio H x A."""
    contributions: Mapping[str, Fraction]


def _check(weights: Sequence[Fraction], k: Fraction, dimensions: Sequence[str]) -> None:
    if len(weights) != len(dimensions):
        raise ValueError(f"{len(weights)} weights for {len(dimensions)} dimensions")
    if any(w <= 0 for w in weights) or sum(weights, Fraction(0)) != 1:
        raise ValueError("weights must be positive and sum to 1")
    if not 0 < k <= 1:
        raise ValueError(f"k {k} must be above 0 and at most 1")


def _result(
    n: int,
    q: int,
    k: Fraction,
    poor_score_sum: Fraction,
    censored_weighted: Sequence[Fraction],
    dimensions: Sequence[str],
) -> GroupMeasures:
    if q == 0:
        zero = Fraction(0)
        return GroupMeasures(
            n, 0, k, zero, zero, zero, MappingProxyType(dict.fromkeys(dimensions, zero))
        )
    contributions = {
        d: c / poor_score_sum for d, c in zip(dimensions, censored_weighted, strict=True)
    }
    return GroupMeasures(
        n,
        q,
        k,
        Fraction(q, n),
        poor_score_sum / q,
        poor_score_sum / n,
        MappingProxyType(contributions),
    )


def af_measures(
    deprived: Sequence[Sequence[bool]],
    weights: Sequence[Fraction],
    k: Fraction,
    dimensions: Sequence[str] = DIMENSIONS,
) -> GroupMeasures:
    """The reference computation, household by household in Fractions."""
    _check(weights, k, dimensions)
    q = 0
    total = Fraction(0)
    censored = [Fraction(0)] * len(dimensions)
    for row in deprived:
        if len(row) != len(dimensions):
            raise ValueError(f"a row has {len(row)} deprivations for {len(dimensions)} dimensions")
        score = sum((w for w, d in zip(weights, row, strict=True) if d), Fraction(0))
        if score >= k:
            q += 1
            total += score
            censored = [c + w if d else c for c, w, d in zip(censored, weights, row, strict=True)]
    return _result(len(deprived), q, k, total, censored, dimensions)


def af_measures_np(
    deprived: BoolMatrix,
    weights: Sequence[Fraction],
    k: Fraction,
    dimensions: Sequence[str] = DIMENSIONS,
) -> GroupMeasures:
    """The same measures from an (n households x dimensions) boolean array, in integers."""
    _check(weights, k, dimensions)
    matrix = np.asarray(deprived, dtype=np.bool_)
    if matrix.ndim != 2 or matrix.shape[1] != len(dimensions):
        raise ValueError(f"deprivations must be an n x {len(dimensions)} array")
    n = matrix.shape[0]
    scale = math.lcm(*(w.denominator for w in weights))
    if n * scale >= _INT64_SAFE:
        raise ValueError("too many households for exact int64 sums at these weights")
    units = np.array([int(w * scale) for w in weights], dtype=np.int64)
    scores = matrix.astype(np.int64) @ units  # c_i x scale
    poor = scores >= math.ceil(k * scale)  # integer scores: c >= k iff c x scale >= ceil(k x scale)
    censored = matrix[poor].sum(axis=0, dtype=np.int64) * units
    return _result(
        n,
        int(poor.sum()),
        k,
        Fraction(int(scores[poor].sum()), scale),
        [Fraction(int(c), scale) for c in censored],
        dimensions,
    )


def af_measures_by_group(
    groups: Sequence[Hashable],
    deprived: BoolMatrix,
    weights: Sequence[Fraction],
    k: Fraction,
    dimensions: Sequence[str] = DIMENSIONS,
) -> dict[Hashable, GroupMeasures]:
    """:func:`af_measures_np` for each group (e.g. street id) of the rows, in first-seen order."""
    matrix = np.asarray(deprived, dtype=np.bool_)
    if len(groups) != matrix.shape[0]:
        raise ValueError(f"{len(groups)} group labels for {matrix.shape[0]} households")
    rows: dict[Hashable, list[int]] = {}
    for i, g in enumerate(groups):
        rows.setdefault(g, []).append(i)
    return {
        g: af_measures_np(matrix[np.array(ix, dtype=np.intp)], weights, k, dimensions)
        for g, ix in rows.items()
    }


def deprivation_matrix(households: Sequence[Indicators], policy: PolicySnapshot) -> BoolMatrix:
    """Deprivations (n x 7, in :data:`DIMENSIONS` order) of many households, compared exactly
    in integers: for whole-number values, ``value < t`` iff ``value < ceil(t)`` (and the same
    for ``>=``), so only the ceiling of each threshold is needed."""
    out = np.zeros((len(households), len(SPECS)), dtype=np.bool_)
    for j, spec in enumerate(SPECS):
        values = np.fromiter(
            (h.value(spec) for h in households), dtype=np.int64, count=len(households)
        )
        t = min(math.ceil(spec.threshold(policy)), _INT64_SAFE)
        out[:, j] = values < t if spec.below else values >= t
    return out


def policy_weights(policy: PolicySnapshot) -> tuple[Fraction, ...]:
    """The snapshot's weights in :data:`DIMENSIONS` order, for the functions above."""
    return tuple(policy.weights[d] for d in DIMENSIONS)
