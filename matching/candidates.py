"""Candidate lists: for each elder, the nearest volunteer anchors in reach, filtered by the rules.

One KD-tree holds every anchor point (homes, then workplaces). Each elder queries its
``max_candidates`` nearest anchors within its walking limit; a volunteer found through both
anchors keeps the nearer one. Everything after the query is vectorised over the (elders x
candidates) matrix: rule masks, per-rule exclusion counts (for explanations) and integer costs.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy.spatial import cKDTree

from matching.costs import cost_matrix, slots_served
from matching.encoding import BoolArray, Encoded, FloatArray, IndexArray, IntArray, Points
from matching.geo import EARTH_RADIUS_M, Projection, haversine_many
from matching.problem import PairingParams
from matching.profiles import capacity_allows, gender_allows, profile_table, vetting_allows
from matching.result import Rule

SMALL_AREA_DEGREES = 5.0
"""Instances within this many degrees use a flat projection; larger ones use 3-D chords."""
_SLACK = 1e-9
"""Relative and absolute (metres) slack for rounding in distance filters."""


@dataclass(frozen=True)
class Candidates:
    """The candidate matrix: row i = elder i, column j = its j-th nearest anchor (or an extra
    column holding the elder's existing pair when that lies outside the nearest list)."""

    enc: Encoded
    vol: npt.NDArray[np.int32]
    """Volunteer index, -1 where there is no candidate."""
    dist: FloatArray
    """Distance to the nearer anchor, metres (flat estimate, within the projection error)."""
    work: BoolArray
    """The nearer anchor is the workplace."""
    ok: BoolArray
    """In reach and allowed by every hard rule, including capacity > 0."""
    cost: IntArray
    """Integer cost units where ``ok`` (0 elsewhere)."""
    existing_col: IntArray
    """Per elder: the column of its valid existing pair, -1 if none."""
    forbidden: IntArray
    """(n, 2) forbidden (elder index, volunteer index) pairs."""

    @property
    def arcs(self) -> int:
        return int(self.ok.sum())

    def reach(self, rows: IntArray) -> IntArray:
        """Volunteers in reach of these elders (among the nearest ``max_candidates`` anchors)."""
        out: IntArray = np.count_nonzero(self.vol[rows] >= 0, axis=1).astype(np.int64)
        return out

    def excluded(self, rows: IntArray) -> dict[Rule, IntArray]:
        """Per rule: volunteers in reach of these elders that the rule excludes."""
        vol = self.vol[rows]
        reach = vol >= 0
        masks, _ = _rule_masks(self.enc, np.where(reach, vol, 0), rows, self.forbidden, vol)
        return {
            rule: np.count_nonzero(reach & ~allowed, axis=1).astype(np.int64)
            for rule, allowed in masks.items()
        }


class _Anchors:
    """Anchor points in KD-tree coordinates: homes 0..nv-1, then workplaces."""

    def __init__(self, enc: Points) -> None:
        has_work = ~np.isnan(enc.v_work_lat)
        work_of = np.flatnonzero(has_work)
        nv = enc.n_volunteers
        self.n_home = nv
        self.lat = np.concatenate([enc.v_home_lat, enc.v_work_lat[has_work]])
        self.lon = np.concatenate([enc.v_home_lon, enc.v_work_lon[has_work]])
        self.owner = np.concatenate([np.arange(nv), work_of]).astype(np.int32)
        other = np.full(self.lat.size + 1, -1, dtype=np.int64)  # last slot: "no point" sentinel
        other[work_of] = nv + np.arange(work_of.size)
        other[nv : nv + work_of.size] = work_of
        self.other = other
        lats = np.concatenate([enc.e_lat, self.lat])
        lons = np.concatenate([enc.e_lon, self.lon])
        small = lats.size == 0 or (
            float(np.ptp(lats)) <= SMALL_AREA_DEGREES
            and float(np.ptp(lons)) <= SMALL_AREA_DEGREES
            and float(np.abs(lats).max()) <= 80
        )
        if small:
            projection = Projection.around(lats, lons)
            self.error = projection.error(lats)
            self.points = projection.xy(self.lat, self.lon)
            self.elders = projection.xy(enc.e_lat, enc.e_lon)
            self.chords = False
        else:  # chords on a sphere are exact but cost a third dimension
            self.error = 1e-9
            self.points = _sphere(self.lat, self.lon)
            self.elders = _sphere(enc.e_lat, enc.e_lon)
            self.chords = True
        # Distance between each point and its volunteer's other anchor (inf: none), KD units.
        apart = np.full(self.lat.size + 1, np.inf)
        paired = np.flatnonzero(other[:-1] >= 0)
        delta = self.points[paired] - self.points[other[paired]]
        apart[paired] = np.sqrt((delta**2).sum(axis=1))
        self.half_apart = apart / (2 * (1 + _SLACK)) - _SLACK
        """Half of that, shaded down for rounding (see ``_keep_nearer_anchor``)."""

    def query_radius(self, limit_m: float) -> float:
        if self.chords:
            return 2 * EARTH_RADIUS_M * math.sin(min(math.pi / 2, limit_m / (2 * EARTH_RADIUS_M)))
        return limit_m / (1 - self.error) * (1 + 1e-12)

    def to_metres(self, d: FloatArray) -> FloatArray:
        if self.chords:
            out: FloatArray = (
                2 * EARTH_RADIUS_M * np.arcsin(np.minimum(1.0, d / (2 * EARTH_RADIUS_M)))
            )
            return out
        return d


def _sphere(lat: FloatArray, lon: FloatArray) -> FloatArray:
    la, lo = np.radians(lat), np.radians(lon)
    return EARTH_RADIUS_M * np.column_stack(
        [np.cos(la) * np.cos(lo), np.cos(la) * np.sin(lo), np.sin(la)]
    )


Nearest = tuple[npt.NDArray[np.int64], FloatArray, _Anchors]
"""What :func:`nearest_points` returns."""


def nearest_points(enc: Points, params: PairingParams, *, workers: int = -1) -> Nearest:
    """The raw KD-tree step: (point index, distance) of each elder's nearest anchors in reach.

    Missing neighbours have index ``n_points`` and distance ``inf``. Elders are grouped by their
    walking limit because the tree takes one radius per query.
    """
    anchors = _Anchors(enc)
    ne, n_points = enc.n_elders, anchors.lat.size
    k = max(1, min(params.max_candidates, n_points))
    if ne == 0 or n_points == 0:
        return np.full((ne, k), n_points, dtype=np.int64), np.full((ne, k), np.inf), anchors
    tree = cKDTree(anchors.points)

    def query(rows: IntArray | slice, limit: float) -> tuple[FloatArray, npt.NDArray[np.int64]]:
        d, i = tree.query(
            anchors.elders[rows],
            k=k,
            distance_upper_bound=anchors.query_radius(limit),
            workers=workers,
        )
        return d.reshape(-1, k), i.reshape(-1, k)

    limits = sorted(set(enc.e_limit_m.tolist()))
    if len(limits) == 1:  # one walking limit for everybody: the query's arrays as they are
        dist, idx = query(slice(None), limits[0])
        return idx, dist, anchors
    idx = np.full((ne, k), n_points, dtype=np.int64)
    dist = np.full((ne, k), np.inf)
    for limit in limits:
        rows = np.flatnonzero(enc.e_limit_m == limit)
        dist[rows], idx[rows] = query(rows, limit)
    return idx, dist, anchors


def build_candidates(
    enc: Encoded,
    params: PairingParams,
    *,
    forbidden: list[tuple[int, int]],
    existing: IntArray,
    workers: int = -1,
    nearest: Nearest | None = None,
) -> Candidates:
    """The candidate matrix. ``forbidden`` holds (elder index, volunteer index) pairs;
    ``existing[e]`` is the volunteer index of elder e's valid existing pair, or -1;
    ``nearest`` the KD-tree step's result when the caller already has it."""
    idx, dist, anchors = nearest or nearest_points(enc, params, workers=workers)
    ne = enc.n_elders
    owner = np.append(anchors.owner, np.int32(-1))  # idx == n_points means "not found"
    vol = owner[idx]
    if anchors.chords:
        found = vol >= 0
        dist[found] = anchors.to_metres(dist[found])
    _keep_nearer_anchor(anchors, idx, dist, vol)
    work = idx >= anchors.n_home
    _recheck_borderline(enc, anchors, idx, dist, vol)
    vol, dist, work, existing_col = _add_existing(enc, vol, dist, work, existing)
    pairs = np.array(forbidden, dtype=np.int64).reshape(-1, 2)
    safe = np.where(vol >= 0, vol, 0)
    rows = np.arange(ne)
    table = profile_table(enc, params)
    if table is None:
        masks, served = _rule_masks(enc, safe, rows, pairs, vol)
        ok = vol >= 0
        for allowed in masks.values():
            ok &= allowed
        penalty = None
    else:
        profile = table.volunteer[safe]
        ok = (vol >= 0) & table.allowed[table.elder[:, None], profile]
        penalty = table.penalty[table.elder[:, None], profile]
        served = _slots(enc, safe, rows, ok)
        ok &= _not_forbidden(rows, pairs, vol)
    cost = cost_matrix(enc, params, safe, np.where(ok, dist, 0.0), served, penalty)
    cost[~ok] = 0
    existing_col = np.where(
        (existing_col >= 0) & ok[rows, np.maximum(existing_col, 0)], existing_col, -1
    )
    return Candidates(
        enc=enc,
        vol=vol,
        dist=dist,
        work=work,
        ok=ok,
        cost=cost,
        existing_col=existing_col,
        forbidden=pairs,
    )


def _keep_nearer_anchor(
    anchors: _Anchors, idx: npt.NDArray[np.int64], dist: FloatArray, vol: npt.NDArray[np.int32]
) -> None:
    """Drop the farther of two anchors of the same volunteer in a row (in place).

    If a volunteer's other anchor is strictly nearer, it ranks earlier in the same row, so the
    row keeps exactly one entry per volunteer; on a tie the home anchor stays. Most volunteers'
    workplaces are far from home: the other anchor can be as near as this one only if the two
    lie at most twice this distance apart (triangle inequality; chords are no longer than
    arcs), so only those entries need a distance computed.
    """
    k = idx.shape[1]
    flat = np.flatnonzero(anchors.half_apart[idx] <= dist)
    if flat.size == 0:
        return
    point = idx.ravel()[flat]
    delta = anchors.points[anchors.other[point]] - anchors.elders[flat // k]
    if anchors.chords:
        d_other = anchors.to_metres(np.sqrt((delta**2).sum(axis=1)))
    else:
        d_other = np.hypot(delta[:, 0], delta[:, 1])
    mine = dist.ravel()[flat]
    drop = flat[(d_other < mine) | ((d_other == mine) & (point >= anchors.n_home))]
    vol.ravel()[drop] = -1
    dist.ravel()[drop] = np.inf


def _recheck_borderline(
    enc: Encoded,
    anchors: _Anchors,
    point: npt.NDArray[np.int64],
    dist: FloatArray,
    vol: npt.NDArray[np.int32],
) -> None:
    """Decide entries the projection cannot decide with the great-circle distance (in place)."""
    limit = enc.e_limit_m[:, None]
    rows, cols = np.nonzero((vol >= 0) & (dist > limit / (1 + anchors.error)))
    if rows.size == 0:
        return
    p = point[rows, cols]
    exact = haversine_many(enc.e_lat[rows], enc.e_lon[rows], anchors.lat[p], anchors.lon[p])
    far = exact > enc.e_limit_m[rows]
    vol[rows[far], cols[far]] = -1
    dist[rows[far], cols[far]] = np.inf


def _add_existing(
    enc: Encoded,
    vol: npt.NDArray[np.int32],
    dist: FloatArray,
    work: BoolArray,
    existing: IntArray,
) -> tuple[npt.NDArray[np.int32], FloatArray, BoolArray, IntArray]:
    """Locate each valid existing pair in its row; append a column for those outside the list."""
    ne = enc.n_elders
    col = np.full(ne, -1, dtype=np.int64)
    rows = np.flatnonzero(existing >= 0)
    if rows.size == 0:
        return vol, dist, work, col
    hit = vol[rows] == existing[rows, None]
    inside = hit.any(axis=1)
    col[rows[inside]] = hit[inside].argmax(axis=1)
    outside = rows[~inside]
    if outside.size == 0:
        return vol, dist, work, col
    extra_vol = np.full((ne, 1), -1, dtype=np.int32)
    extra_dist = np.full((ne, 1), np.inf)
    extra_work = np.zeros((ne, 1), dtype=np.bool_)
    v = existing[outside]
    home = haversine_many(
        enc.e_lat[outside], enc.e_lon[outside], enc.v_home_lat[v], enc.v_home_lon[v]
    )
    at_work = haversine_many(
        enc.e_lat[outside], enc.e_lon[outside], enc.v_work_lat[v], enc.v_work_lon[v]
    )
    use_work = at_work < home  # NaN (no workplace) compares False
    extra_vol[outside, 0] = v
    extra_dist[outside, 0] = np.where(use_work, at_work, home)
    extra_work[outside, 0] = use_work
    col[outside] = vol.shape[1]
    return (
        np.hstack([vol, extra_vol]),
        np.hstack([dist, extra_dist]),
        np.hstack([work, extra_work]),
        col,
    )


def _rule_masks(
    enc: Encoded,
    safe: IndexArray,
    rows: IntArray,
    forbidden: IntArray,
    vol: npt.NDArray[np.int32],
) -> tuple[dict[Rule, BoolArray], IntArray | None]:
    """Per rule, which entries of these elders' rows it allows (entries out of reach are judged
    on volunteer 0), and the wanted slots each entry's volunteer can do (see ``_slots``)."""
    e = rows[:, None]
    served = _slots(enc, safe, rows, np.ones(safe.shape, dtype=np.bool_))
    out: dict[Rule, BoolArray] = {
        Rule.GENDER: gender_allows(enc, e, safe),
        Rule.VETTING: vetting_allows(enc, e, safe),
        Rule.AVAILABILITY: np.ones(safe.shape, dtype=np.bool_) if served is None else served > 0,
        Rule.FORBIDDEN: _not_forbidden(rows, forbidden, vol),
        Rule.NO_CAPACITY: capacity_allows(enc, safe),
    }
    if served is not None:
        out[Rule.AVAILABILITY] |= (enc.e_slot_count[rows] == 0)[:, None]
    return out, served


def _slots(enc: Encoded, safe: IndexArray, rows: IntArray, ok: BoolArray) -> IntArray | None:
    """Wanted slots each entry's volunteer is free at, for elders who want slots (others: 0);
    entries with none are cleared from ``ok`` in place. None if no elder here wants slots."""
    sub = np.flatnonzero(enc.e_slot_count[rows] > 0)
    if sub.size == 0:
        return None
    served = np.zeros(safe.shape, dtype=np.int64)
    served[sub] = slots_served(enc, rows[sub][:, None], safe[sub])
    ok[sub] &= served[sub] > 0
    return served


def _not_forbidden(rows: IntArray, forbidden: IntArray, vol: npt.NDArray[np.int32]) -> BoolArray:
    """False at the entries of forbidden pairs among these elders' rows."""
    allowed = np.ones(vol.shape, dtype=np.bool_)
    if forbidden.size == 0:
        return allowed
    where = {int(e): i for i, e in enumerate(rows.tolist())}
    mine = [(where[int(e)], int(v)) for e, v in forbidden.tolist() if int(e) in where]
    if mine:
        local = np.array(mine, dtype=np.int64)
        r, c = np.nonzero(vol[local[:, 0]] == local[:, 1][:, None])
        allowed[local[r, 0], c] = False
    return allowed
