"""Distances: the great-circle distance that rules are judged by, and a local metric projection.

The KD-tree needs planar coordinates. An equirectangular projection around the instance's centre
is exact north-south and scales east-west distances by cos(lat)/cos(lat0); ``projection_error``
bounds that distortion so callers can widen their search and re-check borderline pairs with the
great-circle distance. Rules are always decided by :func:`haversine_m`.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

EARTH_RADIUS_M = 6_371_008.8
"""Mean Earth radius (IUGG)."""

FloatArray = npt.NDArray[np.float64]


def haversine_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres between two points in degrees."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h)))


def haversine_many(
    lat1: FloatArray, lon1: FloatArray, lat2: FloatArray, lon2: FloatArray
) -> FloatArray:
    """Vectorised :func:`haversine_m` (same formula, so the same verdicts)."""
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dp, dl = p2 - p1, np.radians(lon2 - lon1)
    h = np.sin(dp / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    out: FloatArray = 2 * EARTH_RADIUS_M * np.arcsin(np.minimum(1.0, np.sqrt(h)))
    return out


class Projection:
    """Equirectangular metres around a reference latitude/longitude."""

    def __init__(self, lat0: float, lon0: float) -> None:
        self.lat0 = lat0
        self.lon0 = lon0
        self._kx = EARTH_RADIUS_M * math.cos(math.radians(lat0)) * math.pi / 180
        self._ky = EARTH_RADIUS_M * math.pi / 180

    @classmethod
    def around(cls, lats: FloatArray, lons: FloatArray) -> Projection:
        """A projection centred on the bounding box of the points (0, 0 when there are none)."""
        if lats.size == 0:
            return cls(0.0, 0.0)
        return cls(float((lats.min() + lats.max()) / 2), float((lons.min() + lons.max()) / 2))

    def xy(self, lats: FloatArray, lons: FloatArray) -> FloatArray:
        """(n, 2) planar coordinates in metres."""
        out = np.empty((lats.size, 2))
        out[:, 0] = (lons - self.lon0) * self._kx
        out[:, 1] = (lats - self.lat0) * self._ky
        return out

    def error(self, lats: FloatArray) -> float:
        """Relative error bound of projected distances between any two of these latitudes.

        East-west scale errs by |cos(lat)/cos(lat0) - 1| at most over the band; the great-circle
        versus flat difference is of order (d/R)^2, far below the 1e-6 margin added for it.
        Returns 1.0 (meaning "do not trust the projection") near the poles.
        """
        if lats.size == 0:
            return 0.0
        c0 = math.cos(math.radians(self.lat0))
        lo, hi = float(lats.min()), float(lats.max())
        if c0 < 0.05 or max(abs(lo), abs(hi)) > 85:
            return 1.0
        # cos is monotone on each side of 0, so the extremes are at the ends or at the equator.
        candidates = [lo, hi] + ([0.0] if lo < 0 < hi else [])
        worst = max(abs(math.cos(math.radians(lat)) / c0 - 1) for lat in candidates)
        return min(1.0, worst + 1e-6)
