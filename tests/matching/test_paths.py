"""Successive shortest paths (``matching.paths``) against scipy's dense assignment solver."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.optimize import linear_sum_assignment

from matching import paths
from matching.encoding import BoolArray, IntArray
from matching.paths import Assignment, pair_everyone

BIG = 1 << 50


def instance(seed: int) -> tuple[IntArray, IntArray, IntArray, BoolArray]:
    """Random candidate rows: elders x width columns of distinct volunteers, some unusable,
    capacities 1-3, sometimes a market so tight that not everyone can be paired."""
    rng = np.random.default_rng(seed)
    ne = int(rng.integers(1, 30))
    nv = int(rng.integers(2, 40))
    width = int(rng.integers(1, min(nv, 20) + 1))
    vol = np.array([rng.choice(nv, width, replace=False) for _ in range(ne)], dtype=np.int64)
    cost = rng.integers(-5, 60, size=(ne, width)) * int(rng.choice([1, 3]))
    cost[rng.random((ne, width)) < 0.25] = BIG
    capacity = rng.choice([0, 1, 1, 2, 3], size=nv).astype(np.int64)
    cost[capacity[vol] <= 0] = BIG
    in_flow: BoolArray = np.any(cost < BIG, axis=1)
    return cost.astype(np.int64), vol, capacity, in_flow


def reference(cost: IntArray, vol: IntArray, capacity: IntArray, in_flow: BoolArray) -> int | None:
    """The cheapest pairing of every elder in the flow (one column per place), or None."""
    rows = np.flatnonzero(in_flow)
    place_of = np.repeat(np.arange(capacity.size), capacity)
    dense = np.full((rows.size, place_of.size), BIG, dtype=np.int64)
    for i, e in enumerate(rows.tolist()):
        for j in range(cost.shape[1]):
            if cost[e, j] < BIG:
                dense[i, place_of == vol[e, j]] = cost[e, j]
    if rows.size > place_of.size:
        return None
    r, c = linear_sum_assignment(dense)
    if (dense[r, c] >= BIG).any():
        return None
    return int(dense[r, c].sum())


def check(
    found: Assignment, cost: IntArray, vol: IntArray, capacity: IntArray, in_flow: BoolArray
) -> int:
    """The pairing is sound (every elder in the flow on a usable arc, within capacity);
    returns its cost."""
    assert ((found.choice >= 0) == in_flow).all()
    rows = np.flatnonzero(in_flow)
    cols = found.choice[rows]
    assert (cost[rows, cols] < BIG).all()
    load = np.bincount(vol[rows, cols], minlength=capacity.size)
    assert (load <= capacity).all()
    return int(cost[rows, cols].sum())


@pytest.mark.parametrize("seed", range(300))
def test_the_cheapest_pairing_of_everyone_or_none(seed: int) -> None:
    cost, vol, capacity, in_flow = instance(seed)
    want = reference(cost, vol, capacity, in_flow)
    found = pair_everyone(cost, vol, capacity, in_flow, big=BIG)
    if want is None:
        assert found is None
        return
    assert found is not None
    assert check(found, cost, vol, capacity, in_flow) == want


@pytest.mark.parametrize("seed", range(40))
def test_short_prefixes_load_whole_rows(seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(paths, "PREFIX", 1)
    cost, vol, capacity, in_flow = instance(seed)
    want = reference(cost, vol, capacity, in_flow)
    found = pair_everyone(cost, vol, capacity, in_flow, big=BIG)
    assert (found is None) == (want is None)
    if found is not None:
        assert check(found, cost, vol, capacity, in_flow) == want


def test_gives_up_when_the_search_budget_runs_out(monkeypatch: pytest.MonkeyPatch) -> None:
    # three elders want volunteer 0 most; the two left over must search
    cost = np.array([[0, 5], [0, 6], [0, 7]], dtype=np.int64)
    vol = np.array([[0, 1], [0, 2], [0, 3]], dtype=np.int64)
    capacity = np.ones(4, dtype=np.int64)
    in_flow = np.ones(3, dtype=np.bool_)
    found = pair_everyone(cost, vol, capacity, in_flow, big=BIG)
    assert found is not None
    assert check(found, cost, vol, capacity, in_flow) == 11
    monkeypatch.setattr(paths, "WORK_BASE", 0)
    monkeypatch.setattr(paths, "WORK_PER_ELDER", 0)
    assert pair_everyone(cost, vol, capacity, in_flow, big=BIG) is None
