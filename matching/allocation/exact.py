"""The allocation as a MIP for HiGHS (scipy.optimize.milp): exact on small instances.

One integer variable per arc (fen), and for arcs of funds with a minimum grant a 0/1 variable
z with m * z <= x <= ub * z; one row per fund budget, per request need and per street floor.
(HiGHS's own semi-integer variables would save the binaries, but it refuses them when bounds
exceed 10^5 with a large lower bound, which fen amounts always do.) Used where the instance is
small enough to prove optimality (and to settle strict floors that the rounding could not meet).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import csr_array

from matching.allocation.encoding import FloatArray, IntArray
from matching.allocation.flow import Network

MIP_GAP = 1e-9
"""Relative gap at which HiGHS stops: optimal for any practical purpose."""


@dataclass(frozen=True)
class MipOutcome:
    x: IntArray | None
    """The best allocation found (None if none was found)."""
    bound: float | None
    """Upper bound on the objective of any allocation meeting the floors (None if unknown)."""
    optimal: bool
    infeasible: bool
    """Proven: no allocation meets the floors."""


def solve_mip(
    net: Network,
    min_grant: IntArray,
    urgency: FloatArray,
    *,
    targets: IntArray | None,
    time_limit_s: float,
) -> MipOutcome:
    """Maximise urgency-weighted covered need over every hard rule, exactly."""
    arcs = net.arcs
    n = arcs.size
    if n == 0:
        ok = targets is None or not targets.any()
        empty = np.zeros(0, np.int64)
        return MipOutcome(x=empty if ok else None, bound=0.0, optimal=ok, infeasible=not ok)
    m = min_grant[arcs.fund]
    gated = np.flatnonzero(m > 0)
    k = gated.size
    # Columns: x (fen per arc), then z (0/1: does arc gated[i] give?) for arcs with a minimum.
    columns = np.arange(n)
    width = n + k
    rows = [
        LinearConstraint(_rows(arcs.fund, columns, net.n_funds, width), -np.inf, net.budget),
        LinearConstraint(_rows(arcs.req, columns, net.n_requests, width), -np.inf, net.need),
    ]
    if k:
        ones, links = np.ones(k), np.arange(k)
        at = np.concatenate([links, links])
        to = np.concatenate([gated, n + links])
        rows += [
            # x <= ub * z and x >= m * z
            LinearConstraint(
                csr_array((np.concatenate([ones, -arcs.ub[gated]]), (at, to)), shape=(k, width)),
                -np.inf,
                0,
            ),
            LinearConstraint(
                csr_array((np.concatenate([ones, -m[gated]]), (at, to)), shape=(k, width)),
                0,
                np.inf,
            ),
        ]
    if targets is not None and targets.any():
        street = net.street[arcs.req]
        rows.append(LinearConstraint(_rows(street, columns, net.n_streets, width), targets, np.inf))
    res = milp(
        c=np.concatenate([-urgency[arcs.req], np.zeros(k)]),
        constraints=rows,
        integrality=np.ones(width),
        bounds=Bounds(np.zeros(width), np.concatenate([arcs.ub, np.ones(k)]).astype(float)),
        options={"time_limit": max(0.05, time_limit_s), "mip_rel_gap": MIP_GAP},
    )
    if res.status == 2:
        return MipOutcome(x=None, bound=None, optimal=False, infeasible=True)
    dual = getattr(res, "mip_dual_bound", None)
    bound = None if dual is None or not np.isfinite(dual) else -float(dual)
    if res.x is None:
        return MipOutcome(x=None, bound=bound, optimal=False, infeasible=False)
    x = np.rint(res.x[:n]).astype(np.int64)
    x[gated[res.x[n:] < 0.5]] = 0  # within tolerance, "off" may carry a few fen
    if not _sound(net, m, x, targets):  # HiGHS works to tolerances; never trust them blindly
        return MipOutcome(x=None, bound=bound, optimal=False, infeasible=False)
    return MipOutcome(x=x, bound=bound, optimal=res.status == 0, infeasible=False)


def _rows(row_of: IntArray, columns: IntArray, n_rows: int, width: int) -> csr_array:
    """A 0/1 matrix summing the given columns into their rows."""
    return csr_array((np.ones(columns.size), (row_of, columns)), shape=(n_rows, width))


def _sound(net: Network, m: IntArray, x: IntArray, targets: IntArray | None) -> bool:
    arcs = net.arcs
    ok = bool(np.all((x == 0) | ((x >= m) & (x <= arcs.ub))) and np.all(x >= 0))
    ok &= bool(np.all(net.per_fund(x) <= net.budget))
    ok &= bool(np.all(net.per_request(x) <= net.need))
    if targets is not None:
        ok &= bool(np.all(net.per_street(x) >= targets))
    return ok
