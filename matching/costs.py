"""The cost of a candidate pair, term by term, in metre-equivalents (1 = one metre of walking).

One vectorised function serves the optimiser (an elders x candidates matrix, rounded to integer
units) and the explanations (the terms of the chosen pairs), so the two can never disagree.
Elder and volunteer indices only need to broadcast: ``e`` of shape (n, 1) against ``v`` of
shape (n, k) costs the whole matrix without gathering elder attributes per entry.
"""

from __future__ import annotations

import numpy as np

from matching.encoding import Encoded, FloatArray, IndexArray, IntArray, MaskArray
from matching.problem import PairingParams

TERMS = ("distance", "language", "skills", "availability")


def shared_bits(a: MaskArray, b: MaskArray) -> IntArray:
    """Bits two broadcastable (..., words) masks share, per entry."""
    if a.shape[-1] == 1:  # the usual single word: skip the reduction over words
        out: IntArray = np.bitwise_count(a[..., 0] & b[..., 0]).astype(np.int64)
        return out
    total: IntArray = np.bitwise_count(a & b).sum(axis=-1, dtype=np.int64)
    return total


def language_cost(enc: Encoded, params: PairingParams, e: IndexArray, v: IndexArray) -> FloatArray:
    """The elder names languages and the volunteer speaks none of them."""
    wants = enc.e_language_count[e] > 0
    spoken = shared_bits(enc.e_languages[e], enc.v_languages[v]) > 0
    out: FloatArray = np.where(wants & ~spoken, params.language_mismatch_cost, 0.0)
    return out


def skills_cost(enc: Encoded, params: PairingParams, e: IndexArray, v: IndexArray) -> FloatArray:
    """Per care need of the elder that no skill of the volunteer meets."""
    met = shared_bits(enc.e_needs[e], enc.v_covers[v])
    out: FloatArray = np.multiply(
        params.unmet_need_cost, enc.e_need_count[e] - met, dtype=np.float64
    )
    return out


def availability_cost(
    enc: Encoded, params: PairingParams, e: IndexArray, served: IntArray
) -> FloatArray:
    """The share of the elder's wanted slots the volunteer cannot do (0 if none wanted)."""
    wanted = np.broadcast_to(enc.e_slot_count[e], served.shape)
    missing = np.divide(wanted - served, wanted, out=np.zeros(served.shape), where=wanted > 0)
    out: FloatArray = params.availability_cost * missing
    return out


def slots_served(enc: Encoded, e: IndexArray, v: IndexArray) -> IntArray:
    """How many of the elder's wanted slots the volunteer is free at."""
    return shared_bits(enc.e_slots[e], enc.v_slots[v])


def cost_terms(
    enc: Encoded, params: PairingParams, e: IndexArray, v: IndexArray, distance_m: FloatArray
) -> dict[str, FloatArray]:
    """Each cost term for the pairs (e[i], v[i]) at the given anchor distances."""
    return {
        "distance": params.distance_weight * distance_m,
        "language": language_cost(enc, params, e, v),
        "skills": skills_cost(enc, params, e, v),
        "availability": availability_cost(enc, params, e, slots_served(enc, e, v)),
    }


def cost_matrix(
    enc: Encoded,
    params: PairingParams,
    safe: IndexArray,
    distance_m: FloatArray,
    served: IntArray | None,
    penalty: FloatArray | None = None,
) -> IntArray:
    """Integer costs of the whole (elders x candidates) matrix.

    The same term functions as :func:`cost_terms`. ``penalty`` (language + skills, e.g. from a
    profile table) may be given; otherwise those terms are computed only on the rows where they
    can be non-zero (an elder who names no language has no language cost).
    """
    total = params.distance_weight * distance_m
    if penalty is not None:
        total += penalty
    else:
        for wants, term in (
            (enc.e_language_count > 0, language_cost),
            (enc.e_need_count > 0, skills_cost),
        ):
            rows = np.flatnonzero(wants)
            if rows.size:
                total[rows] += term(enc, params, rows[:, None], safe[rows])
    rows = np.flatnonzero(enc.e_slot_count > 0)
    if rows.size and served is not None:
        total[rows] += availability_cost(enc, params, rows[:, None], served[rows])
    np.divide(total, params.cost_unit_m, out=total)
    units: IntArray = np.rint(total, out=total).astype(np.int64)
    return units


def cost_units(
    enc: Encoded, params: PairingParams, e: IndexArray, v: IndexArray, distance_m: FloatArray
) -> IntArray:
    """The integer cost the flow sees: the terms' sum in units of ``params.cost_unit_m``."""
    terms = cost_terms(enc, params, e, v, distance_m)
    total = terms["distance"] + terms["language"] + terms["skills"] + terms["availability"]
    units: IntArray = np.rint(total / params.cost_unit_m).astype(np.int64)
    return units


def break_units(params: PairingParams) -> int:
    """The break cost of an existing pair in integer cost units."""
    return round(params.break_cost / params.cost_unit_m)
