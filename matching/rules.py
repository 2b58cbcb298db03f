"""The hard rules for one pair, checked directly on the input objects (no candidate lists).

Pins and existing pairs are judged here, and so is every pair of a result in ``violations``.
Distances use the same vectorised great-circle formula as the candidate builder.
"""

from __future__ import annotations

import numpy as np

from matching.geo import haversine_many
from matching.problem import Elder, PairingParams, Volunteer
from matching.result import Anchor

DISTANCE_TOLERANCE_M = 1e-6
"""Float slack when re-checking a distance that the builder already accepted."""


def limit_m(elder: Elder, params: PairingParams) -> int:
    """The elder's walking limit: their own if set, else the run's."""
    return params.max_distance_m if elder.max_distance_m is None else elder.max_distance_m


def anchor_distances(elder: Elder, volunteer: Volunteer) -> dict[Anchor, float]:
    """Great-circle metres from the elder to each of the volunteer's anchors."""
    lats = [volunteer.home_lat]
    lons = [volunteer.home_lon]
    if volunteer.work_lat is not None and volunteer.work_lon is not None:
        lats.append(volunteer.work_lat)
        lons.append(volunteer.work_lon)
    n = len(lats)
    d = haversine_many(np.full(n, elder.lat), np.full(n, elder.lon), np.array(lats), np.array(lons))
    out = {Anchor.HOME: float(d[0])}
    if n == 2:
        out[Anchor.WORK] = float(d[1])
    return out


def nearest_anchor(elder: Elder, volunteer: Volunteer) -> tuple[Anchor, float]:
    """The closer anchor (home on a tie) and its distance."""
    distances = anchor_distances(elder, volunteer)
    anchor = min(distances, key=lambda a: (distances[a], a != Anchor.HOME))
    return anchor, distances[anchor]


def broken_rules(
    elder: Elder,
    volunteer: Volunteer,
    params: PairingParams,
    *,
    forbidden: bool,
    distance: bool = True,
) -> list[str]:
    """Human-readable hard rules this pair breaks (capacity aside); empty if it is allowed.

    ``distance=False`` skips the walking limit (for callers that check it in bulk)."""
    out: list[str] = []
    limit = limit_m(elder, params)
    if distance:
        _, metres = nearest_anchor(elder, volunteer)
        if metres > limit:
            out.append(
                f"distance: volunteer {volunteer.id} is {metres:.0f} m from elder {elder.id}"
                f" (limit {limit} m)"
            )
    if elder.required_gender is not None and volunteer.gender != elder.required_gender:
        out.append(
            f"gender: elder {elder.id} asks for a {elder.required_gender} volunteer;"
            f" volunteer {volunteer.id} is {volunteer.gender}"
        )
    if elder.needs_vetted and not volunteer.vetted:
        out.append(f"vetting: elder {elder.id} needs a vetted volunteer; {volunteer.id} is not")
    if elder.slots and not elder.slots & volunteer.slots:
        out.append(
            f"availability: volunteer {volunteer.id} is free at none of elder {elder.id}'s"
            " wanted visit times"
        )
    if forbidden:
        out.append(f"forbidden: elder {elder.id} and volunteer {volunteer.id} must not be paired")
    return out
