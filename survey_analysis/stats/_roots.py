"""Vectorised bracketing root finding for inverting score tests."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from scipy.optimize.elementwise import find_root

_TOL = {"xatol": 1e-14, "xrtol": 4e-16, "fatol": 0.0, "frtol": 0.0}


def solve_bracketed(
    func: Callable[..., np.ndarray],
    lo: np.ndarray,
    hi: np.ndarray,
    args: tuple[np.ndarray, ...] = (),
) -> np.ndarray:
    """Root of ``func(t, *args)`` in each bracket ``[lo, hi]`` (end signs must differ).

    Uses scipy's elementwise Chandrupatla solver (a bracketing method in the
    spirit of Brent's, always inside the bracket), so that thousands of limits
    are found at once. Elements whose bracket is empty (``lo >= hi``) return
    ``lo``; callers handle boundary cases (zero cells, x = n) before calling.
    """
    lo = np.asarray(lo, dtype=float)
    hi = np.asarray(hi, dtype=float)
    shape = np.broadcast_shapes(lo.shape, hi.shape, *(np.shape(a) for a in args))
    lo = np.broadcast_to(lo, shape)
    hi = np.broadcast_to(hi, shape)
    out = np.array(lo, dtype=float, copy=True)
    todo = hi > lo
    if not todo.any():
        return out
    sub_args = tuple(np.broadcast_to(np.asarray(a, dtype=float), shape)[todo] for a in args)
    res = find_root(func, (lo[todo], hi[todo]), args=sub_args, tolerances=_TOL, maxiter=200)
    out[todo] = res.x
    return out


def invert_score(
    stat: Callable[..., np.ndarray],
    lo: float,
    hi: float,
    estimate: np.ndarray,
    z: float,
    args: tuple[np.ndarray, ...],
) -> tuple[np.ndarray, np.ndarray]:
    """Limits ``{t in [lo, hi]: |stat(t)| <= z}`` of a decreasing score statistic.

    ``stat(t, *args)`` must decrease in ``t`` and be near zero at ``estimate``
    (clipped into ``[lo, hi]``). If ``stat(lo) < z`` the lower limit is ``lo``
    (the edge of the parameter space: a zero cell or x = n); likewise the upper
    limit is ``hi`` when ``stat(hi) > -z``. Otherwise each limit is the root of
    ``stat -/+ z`` bracketed between the edge and the estimate.
    """
    est = np.clip(np.asarray(estimate, dtype=float), lo, hi)
    shape = np.broadcast_shapes(est.shape, *(np.shape(a) for a in args))
    est = np.broadcast_to(est, shape)
    args = tuple(np.broadcast_to(np.asarray(a, dtype=float), shape) for a in args)
    lo_arr = np.full(shape, lo)
    hi_arr = np.full(shape, hi)
    s_lo = stat(lo_arr, *args)
    s_hi = stat(hi_arr, *args)
    s_est = stat(est, *args)

    def lower_fn(t: np.ndarray, *a: np.ndarray) -> np.ndarray:
        return stat(t, *a) - z

    def upper_fn(t: np.ndarray, *a: np.ndarray) -> np.ndarray:
        return stat(t, *a) + z

    find_lower = (s_lo >= z) & (s_est < z)
    find_upper = (s_hi <= -z) & (s_est > -z)
    lower = np.where(s_est >= z, est, lo_arr)
    upper = np.where(s_est <= -z, est, hi_arr)
    if find_lower.any():
        lower = np.where(
            find_lower,
            solve_bracketed(
                lower_fn, np.where(find_lower, lo, est), np.where(find_lower, est, est), args
            ),
            lower,
        )
    if find_upper.any():
        upper = np.where(
            find_upper,
            solve_bracketed(
                upper_fn, np.where(find_upper, est, est), np.where(find_upper, hi, est), args
            ),
            upper,
        )
    return lower, upper


def safe_ratio(num: np.ndarray, var: np.ndarray) -> np.ndarray:
    """``num / sqrt(var)`` that stays finite: 0 when num is 0, huge when var is 0."""
    return num / np.sqrt(np.maximum(var, 1e-300))
