"""Why an elder stays unpaired, and what would help, in words a coordinator can act on.

The reason comes from the candidate counts: nobody in reach; everybody in reach excluded by a
rule (which ones, most exclusions first); or every eligible volunteer in reach is at capacity.
The suggestion names the volunteer who would change that: gender, vetting, a wanted visit slot,
a language, and the distance limit, e.g. "1 more female volunteer free on Tuesday mornings
within 1.5 km of this elder".
"""

from __future__ import annotations

import numpy as np
from scipy.spatial import cKDTree

from matching.candidates import Candidates
from matching.encoding import Encoded, IntArray
from matching.geo import Projection, haversine_many
from matching.problem import Elder
from matching.result import Unpaired, UnpairedReason
from matching.vocabulary import slot_label


def explain_unpaired(
    enc: Encoded, cand: Candidates, unpaired: IntArray, load: IntArray, capacity: IntArray
) -> list[Unpaired]:
    """Explanations for the unpaired elders (indices), given final volunteer loads."""
    reach = dict(zip(unpaired.tolist(), cand.reach(unpaired).tolist(), strict=True))
    nearest = _nearest_anchor_m(
        enc, np.array([e for e, n in reach.items() if n == 0], dtype=np.int64)
    )
    ruled_out = unpaired[~cand.ok[unpaired].any(axis=1)]
    excluded = {
        int(e): {rule: int(counts[i]) for rule, counts in cand.excluded(ruled_out).items()}
        for i, e in enumerate(ruled_out.tolist())
    }
    out: list[Unpaired] = []
    for e in unpaired.tolist():
        elder = enc.elders[e]
        limit = _metres(float(enc.e_limit_m[e]))
        wanted = _wanted(elder, limit)
        if reach[e] == 0:
            gap = nearest.get(e)
            where = f"; the nearest volunteer is {_metres(gap)} away" if gap is not None else ""
            out.append(
                Unpaired(
                    elder.id,
                    UnpairedReason.NO_VOLUNTEER_IN_REACH,
                    (),
                    f"no volunteer lives or works within {limit} of elder {elder.id}{where}",
                    wanted,
                )
            )
            continue
        ok = cand.ok[e]
        if not ok.any():
            counts = excluded[e]
            rules = tuple(
                sorted((r for r in counts if counts[r]), key=lambda r: (-counts[r], r.value))
            )
            listed = ", ".join(f"{counts[r]} by {r.value.replace('_', ' ')}" for r in rules)
            out.append(
                Unpaired(
                    elder.id,
                    UnpairedReason.EXCLUDED_BY_RULES,
                    rules,
                    f"{reach[e]} volunteer(s) within {limit}, all excluded: {listed}",
                    wanted,
                )
            )
            continue
        cols = np.flatnonzero(ok)
        vols = cand.vol[e, cols]
        first = int(np.argmin(cand.dist[e, cols]))
        v = int(vols[first])
        volunteer = enc.volunteers[v]
        full = int((load[vols] >= capacity[vols]).sum())
        out.append(
            Unpaired(
                elder.id,
                UnpairedReason.TAKEN_BY_HIGHER_PRIORITY,
                (),
                f"{cols.size} eligible volunteer(s) within {limit}; {full} at capacity with"
                " pinned or kept pairs or elders ranked at least as high",
                f"{wanted}, or 1 more place for volunteer {volunteer.id}"
                f" ({_metres(float(cand.dist[e, cols[first]]))} away,"
                f" capacity {volunteer.capacity})",
            )
        )
    return out


def _wanted(elder: Elder, limit: str) -> str:
    """'1 more female, vetted volunteer who speaks hakka, free on Tuesday mornings, within ...'."""
    kind = [x for x in (elder.required_gender, "vetted" if elder.needs_vetted else None) if x]
    words = "1 more " + (", ".join(kind) + " " if kind else "") + "volunteer"
    if elder.languages:
        words += f" who speaks {sorted(elder.languages)[0]}"
    if elder.slots:
        slots = sorted(elder.slots)
        others = " (or another wanted time)" if len(slots) > 1 else ""
        words += f" free on {slot_label(slots[0])}{others}"
    return f"{words} within {limit} of this elder"


def _metres(m: float) -> str:
    if m < 1000:
        return f"{m:.0f} m"
    return f"{m / 1000:.1f} km".replace(".0 km", " km")


def _nearest_anchor_m(enc: Encoded, elders: IntArray) -> dict[int, float]:
    """Great-circle distance from each elder to the nearest volunteer anchor, any distance."""
    if elders.size == 0 or enc.n_volunteers == 0:
        return {}
    has_work = ~np.isnan(enc.v_work_lat)
    lat = np.concatenate([enc.v_home_lat, enc.v_work_lat[has_work]])
    lon = np.concatenate([enc.v_home_lon, enc.v_work_lon[has_work]])
    projection = Projection.around(
        np.concatenate([lat, enc.e_lat[elders]]), np.concatenate([lon, enc.e_lon[elders]])
    )
    tree = cKDTree(projection.xy(lat, lon))
    k = min(8, lat.size)  # the flat nearest may not be the spherical nearest; look at a few
    _, idx = tree.query(projection.xy(enc.e_lat[elders], enc.e_lon[elders]), k=k)
    idx = idx.reshape(elders.size, k)
    d = haversine_many(
        np.repeat(enc.e_lat[elders], k),
        np.repeat(enc.e_lon[elders], k),
        lat[idx.ravel()],
        lon[idx.ravel()],
    ).reshape(elders.size, k)
    return {int(e): float(m) for e, m in zip(elders.tolist(), d.min(axis=1).tolist(), strict=True)}
