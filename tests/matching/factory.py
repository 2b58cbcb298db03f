"""Builders for small pairing problems: people placed by metres east/north of an origin."""

from __future__ import annotations

import math
from typing import Any

from matching import (
    Elder,
    ExistingPair,
    PairingParams,
    PairingProblem,
    PairingResult,
    Volunteer,
    pair,
    violations,
)

BEIJING = (39.9289, 116.4164)
EQUATOR = (0.0, 0.0)
"""Flat-projection error vanishes at the equator: costs there match a plain great-circle model
to the last rounding unit, which the exact cross-check needs."""
M_PER_DEG = 111_195.0


def at(east_m: float, north_m: float, origin: tuple[float, float] = BEIJING) -> tuple[float, float]:
    """(lat, lon) of a point this many metres east and north of the origin."""
    lat0, lon0 = origin
    return (
        lat0 + north_m / M_PER_DEG,
        lon0 + east_m / (M_PER_DEG * math.cos(math.radians(lat0))),
    )


def elder(
    id: int,
    east: float = 0.0,
    north: float = 0.0,
    *,
    street: int = 1,
    priority: int = 4,
    origin: tuple[float, float] = BEIJING,
    **fields: Any,
) -> Elder:
    lat, lon = at(east, north, origin)
    return Elder(id=id, lat=lat, lon=lon, street=street, priority=priority, **fields)


def volunteer(
    id: int,
    east: float = 0.0,
    north: float = 0.0,
    *,
    gender: str = "female",
    work: tuple[float, float] | None = None,
    origin: tuple[float, float] = BEIJING,
    **fields: Any,
) -> Volunteer:
    lat, lon = at(east, north, origin)
    work_lat = work_lon = None
    if work is not None:
        work_lat, work_lon = at(*work, origin)
    return Volunteer(
        id=id,
        home_lat=lat,
        home_lon=lon,
        work_lat=work_lat,
        work_lon=work_lon,
        gender=gender,
        **fields,
    )


def problem(
    elders: list[Elder],
    volunteers: list[Volunteer],
    *,
    existing: list[tuple[int, int]] = (),  # type: ignore[assignment]
    pins: list[tuple[int, int]] = (),  # type: ignore[assignment]
    forbidden: list[tuple[int, int]] = (),  # type: ignore[assignment]
    **params: Any,
) -> PairingProblem:
    return PairingProblem(
        elders=tuple(elders),
        volunteers=tuple(volunteers),
        existing=tuple(ExistingPair(e, v) for e, v in existing),
        pins=tuple(pins),
        forbidden=tuple(forbidden),
        params=PairingParams(**params),
    )


def solve(p: PairingProblem, **options: Any) -> PairingResult:
    """``pair`` plus the check every result must pass."""
    result = pair(p, **options)
    assert violations(p, result) == []
    return result


def pairs_of(result: PairingResult) -> dict[int, int]:
    """elder id -> volunteer id."""
    return {p.elder_id: p.volunteer_id for p in result.pairs}
