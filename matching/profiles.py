"""Profiles: people who look the same to the rules and the costs, and the table between them.

Most hard rules and cost terms depend on a handful of attributes: the elder's required gender,
vetting need, languages and care needs; the volunteer's gender, vetting, capacity, languages and
skills. Districts have few distinct combinations, so instead of gathering and combining five
attributes for each of millions of candidate arcs, each side gets a profile number and one small
(elder profiles x volunteer profiles) table holds "allowed" and the penalty. The table is filled
by the very functions that judge single pairs, so both paths agree by construction. Slots are
too varied for a table and stay bitmask operations.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from matching.arrays import unique_inverse
from matching.costs import language_cost, skills_cost
from matching.encoding import BoolArray, Encoded, FloatArray, IndexArray, IntArray
from matching.problem import PairingParams

MAX_TABLE = 2_000_000
"""Cells above which the table would cost more than it saves (then callers gather per arc)."""


def gender_allows(enc: Encoded, e: IndexArray, v: IndexArray) -> BoolArray:
    """The elder states no gender, or the volunteer has it."""
    required = enc.e_gender[e]
    out: BoolArray = (required == 0) | (required == enc.v_gender[v])
    return out


def vetting_allows(enc: Encoded, e: IndexArray, v: IndexArray) -> BoolArray:
    """The elder needs no vetting, or the volunteer is vetted."""
    out: BoolArray = ~enc.e_vetted[e] | enc.v_vetted[v]
    return out


def capacity_allows(enc: Encoded, v: IndexArray) -> BoolArray:
    """The volunteer takes anyone at all."""
    out: BoolArray = enc.v_capacity[v] > 0
    return out


@dataclass(frozen=True)
class ProfileTable:
    elder: npt.NDArray[np.int64]
    """Profile number of each elder."""
    volunteer: npt.NDArray[np.int32]
    """Profile number of each volunteer."""
    allowed: BoolArray
    """Gender, vetting and capacity rules, per (elder profile, volunteer profile)."""
    penalty: FloatArray
    """Language and skills cost terms (metre-equivalents), per profile pair."""


def profile_table(enc: Encoded, params: PairingParams) -> ProfileTable | None:
    """The table, or None when there are too many distinct profiles for it to pay off."""
    e_keys = np.column_stack(
        [enc.e_gender, enc.e_vetted, enc.e_languages.view(np.int64), enc.e_needs.view(np.int64)]
    )
    v_keys = np.column_stack(
        [
            enc.v_gender,
            enc.v_vetted,
            enc.v_capacity > 0,
            enc.v_languages.view(np.int64),
            enc.v_covers.view(np.int64),
        ]
    )
    e_rep, e_code = _distinct(e_keys)
    v_rep, v_code = _distinct(v_keys)
    if e_rep.size * v_rep.size > MAX_TABLE:
        return None
    e, v = e_rep[:, None], v_rep[None, :]
    allowed = gender_allows(enc, e, v) & vetting_allows(enc, e, v) & capacity_allows(enc, v)
    penalty = language_cost(enc, params, e, v) + skills_cost(enc, params, e, v)
    return ProfileTable(e_code, v_code.astype(np.int32), allowed, np.asarray(penalty, np.float64))


def _distinct(keys: npt.NDArray[np.int64]) -> tuple[IntArray, IntArray]:
    """(index of one representative per distinct row, distinct-row number of every row).

    Rows are packed into one integer when their columns fit in 62 bits together (the usual
    case: a few flags and small bitmasks), because a 1-D unique is far faster than a row-wise
    one.
    """
    if keys.shape[0] == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    keys = keys - keys.min(axis=0)
    widths = [int(c).bit_length() for c in keys.max(axis=0)]
    if sum(widths) <= 62:
        packed = np.zeros(keys.shape[0], dtype=np.int64)
        for column, width in zip(keys.T, widths, strict=True):
            packed = (packed << width) | column
        values, code = unique_inverse(packed)
        first = np.zeros(values.size, dtype=np.int64)
        first[code[::-1]] = np.arange(code.size)[::-1]  # smallest index per value
    else:
        _, first, code = np.unique(keys, axis=0, return_index=True, return_inverse=True)
    return first.astype(np.int64), code.reshape(-1).astype(np.int64)
