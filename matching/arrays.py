"""Small array helpers shared by the numeric modules.

``unique`` exists because ``np.unique`` on a plain integer array takes numpy 2's hash-based path,
measured 60 times slower than sorting on the arrays here (0.73 s against 0.012 s for 600k ids).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[np.int64]


def unique(values: npt.NDArray[np.integer]) -> IntArray:
    """Sorted distinct values of an integer array."""
    out = np.sort(values, kind="stable").astype(np.int64, copy=False)
    if out.size:
        out = out[np.concatenate([[True], out[1:] != out[:-1]])]
    return out


def unique_inverse(values: npt.NDArray[np.integer]) -> tuple[IntArray, IntArray]:
    """Sorted distinct values and, for each input, the index of its value among them."""
    order = np.argsort(values, kind="stable")
    ordered = values[order]
    new = (
        np.concatenate([[True], ordered[1:] != ordered[:-1]]) if values.size else np.zeros(0, bool)
    )
    inverse = np.empty(values.size, dtype=np.int64)
    inverse[order] = np.cumsum(new) - 1
    return ordered[new].astype(np.int64, copy=False), inverse


def ranges(counts: IntArray) -> IntArray:
    """0..c-1 for each count c, concatenated."""
    total = int(counts.sum())
    out: IntArray = np.arange(total) - np.repeat(np.cumsum(counts) - counts, counts)
    return out
