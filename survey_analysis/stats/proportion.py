"""Confidence intervals for a single proportion (share)."""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy.special import betainc, xlog1py, xlogy
from statsmodels.stats.proportion import proportion_confint

from ._result import Interval
from ._roots import solve_bracketed
from ._validate import check_level, check_method, check_successes, z_value

SHARE_METHODS = (
    "wilson",
    "wilson-cc",
    "clopper-pearson",
    "jeffreys",
    "agresti-coull",
    "wald",
    "mid-p",
    "likelihood-ratio",
    "wald-cc",
    "agresti-coull-add2",
)

# Methods statsmodels' proportion_confint already has, under its names.
_STATSMODELS_NAMES = {
    "wilson": "wilson",
    "clopper-pearson": "beta",
    "jeffreys": "jeffreys",
    "agresti-coull": "agresti_coull",
    "wald": "normal",
}

_TINY = 1e-300  # left end of the bracket for a lower limit (avoids log(0))


def _midp_tail(p: np.ndarray, x: np.ndarray, n: np.ndarray, target: np.ndarray) -> np.ndarray:
    # P(X > x) + P(X = x)/2 - target for X ~ Bin(n, p), written with regularised incomplete
    # beta functions, P(X >= k) = I_p(k, n - k + 1), so that it is continuous in x.
    # Only called with 0 < x (and x <= n).
    upper_tail = np.where(x < n, betainc(x + 1, np.maximum(n - x, _TINY), p), 0.0)
    return 0.5 * (betainc(x, n - x + 1, p) + upper_tail) - target


def _midp_lower(x: np.ndarray, n: np.ndarray, alpha: float) -> np.ndarray:
    ok = x > 0
    xs, ns = np.where(ok, x, 1.0), np.where(ok, n, 1.0)
    root = solve_bracketed(
        _midp_tail, np.zeros_like(xs), np.ones_like(xs), (xs, ns, np.full_like(xs, alpha / 2))
    )
    return np.where(ok, root, 0.0)


def _lr_stat(p: np.ndarray, x: np.ndarray, n: np.ndarray, target: np.ndarray) -> np.ndarray:
    # log L(p) - log L(x/n) + z^2/2 (Fagerland, Lydersen & Laake 2017, ch. 2)
    return xlogy(x, p) + xlog1py(n - x, -p) - target


def _lr_lower(x: np.ndarray, n: np.ndarray, z: float) -> np.ndarray:
    xs, ns = np.where(x > 0, x, 1.0), np.where(x > 0, n, 2.0)
    ph = xs / ns
    target = xlogy(xs, ph) + xlog1py(ns - xs, -ph) - z * z / 2.0
    tiny = np.full_like(xs, _TINY)
    # x = 0, or a tiny non-integer (weighted) x whose likelihood stays within z^2/2 of
    # its maximum all the way down to p = 1e-300: the lower limit is 0
    ok = (x > 0) & (_lr_stat(tiny, xs, ns, target) < 0)
    root = solve_bracketed(_lr_stat, np.where(ok, tiny, ph), ph, (xs, ns, target))
    return np.where(ok, root, 0.0)


def share_bounds(
    successes: Any, trials: Any, level: float = 0.95, method: str = "wilson"
) -> tuple[np.ndarray, np.ndarray]:
    """Vectorised limits for arrays of (possibly non-integer) counts; no input checks.

    Used by :func:`share_interval`, the weighted variants and the coverage
    benchmark. Returns ``(lower, upper)`` arrays broadcast from the inputs.
    """
    x = np.asarray(successes, dtype=float)
    n = np.asarray(trials, dtype=float)
    x, n = np.broadcast_arrays(x, n)
    alpha = 1.0 - level
    z = z_value(level)
    p = x / n
    q = 1.0 - p
    with np.errstate(divide="ignore", invalid="ignore"):
        if method in _STATSMODELS_NAMES:
            # statsmodels has these (vectorised, non-integer counts allowed); only the boundary
            # rules below are ours.
            lower, upper = proportion_confint(x, n, alpha=alpha,
                                              method=_STATSMODELS_NAMES[method])
            lower, upper = np.asarray(lower, dtype=float), np.asarray(upper, dtype=float)
            if method == "jeffreys":
                # Brown, Cai & DasGupta (2001, sec. 4.1.2) set L = 0 at x = 0 and U = 1 at x = n;
                # statsmodels leaves L just above 0 there.
                lower = np.where(x <= 0, 0.0, lower)
                upper = np.where(x >= n, 1.0, upper)
        elif method == "wilson-cc":
            # Newcombe (1998a) method 4, eqs for L and U with continuity correction.
            denom = 2.0 * (n + z * z)
            lower = (
                2 * n * p
                + z * z
                - 1
                - z * np.sqrt(np.maximum(z * z - 2 - 1 / n + 4 * p * (n * q + 1), 0.0))
            ) / denom
            upper = (
                2 * n * p
                + z * z
                + 1
                + z * np.sqrt(np.maximum(z * z + 2 - 1 / n + 4 * p * (n * q - 1), 0.0))
            ) / denom
            lower = np.where(x <= 0, 0.0, lower)
            upper = np.where(x >= n, 1.0, upper)
        elif method == "mid-p":
            # Lower limit: P(X > x) + P(X = x)/2 = alpha/2; upper limit by symmetry,
            # U(x, n) = 1 - L(n - x, n) (Berry & Armitage 1995; Newcombe 1998a method 6).
            both = _midp_lower(np.stack([x, n - x]), np.stack([n, n]), alpha)
            lower, upper = both[0], 1.0 - both[1]
        elif method == "likelihood-ratio":
            # {p : 2[log L(x/n) - log L(p)] <= z^2}; U(x, n) = 1 - L(n - x, n).
            both = _lr_lower(np.stack([x, n - x]), np.stack([n, n]), z)
            lower, upper = both[0], 1.0 - both[1]
        elif method == "wald-cc":
            half = z * np.sqrt(p * q / n) + 1.0 / (2.0 * n)
            lower, upper = p - half, p + half
        elif method == "agresti-coull-add2":
            n_t = n + 4.0
            p_t = (x + 2.0) / n_t
            half = z * np.sqrt(p_t * (1 - p_t) / n_t)
            lower, upper = p_t - half, p_t + half
        else:  # pragma: no cover - guarded by check_method in public callers
            check_method(method, SHARE_METHODS)
    return np.clip(lower, 0.0, 1.0), np.clip(upper, 0.0, 1.0)


def share_interval(
    successes: int, trials: int, level: float = 0.95, method: str = "wilson"
) -> Interval:
    """Confidence interval for a proportion ``successes / trials``.

    Methods (default ``"wilson"``):

    - ``wilson``: score interval (Wilson 1927; Newcombe 1998a method 3).
    - ``wilson-cc``: continuity-corrected score interval (Newcombe 1998a, method 4).
    - ``clopper-pearson``: exact, from Beta quantiles (Clopper & Pearson 1934).
    - ``jeffreys``: equal-tailed Beta(x+1/2, n-x+1/2) interval with lower = 0 at
      x = 0 and upper = 1 at x = n (Brown, Cai & DasGupta 2001, Stat Sci 16:101).
    - ``agresti-coull``: adds z²/2 successes and failures (Agresti & Coull 1998).
    - ``wald``: p ± z·sqrt(p(1-p)/n).
    - ``mid-p``: Clopper-Pearson mid-P interval: L solves
      P(X > x) + P(X = x)/2 = α/2 and U solves P(X < x) + P(X = x)/2 = α/2
      (Berry & Armitage 1995, The Statistician 44:417; Newcombe 1998a, Stat Med
      17:857, method 6), L = 0 at x = 0 and U = 1 at x = n.
    - ``likelihood-ratio``: all p with 2[log L(x/n) - log L(p)] <= z²
      (Fagerland, Lydersen & Laake 2017, *Statistical Analysis of Contingency
      Tables*, ch. 2; Newcombe 1998a method 7).
    - ``wald-cc``: p ± (z·sqrt(p(1-p)/n) + 1/(2n)), Wald with continuity
      correction (Fagerland, Lydersen & Laake 2017, ch. 2; Newcombe 1998a
      method 2).
    - ``agresti-coull-add2``: the "add 2 successes and 2 failures" form,
      p~ = (x+2)/(n+4), p~ ± z·sqrt(p~(1-p~)/(n+4)) (Agresti & Coull 1998,
      Am Stat 52:119, the 95% simplification used at every level by Fagerland,
      Lydersen & Laake 2017). ``agresti-coull`` instead adds z²/2 (as R binom
      and statsmodels do).

    All bounds are clipped to [0, 1]. Wilson, Clopper-Pearson, Agresti-Coull and
    Jeffreys (away from 0 and n) agree with statsmodels ``proportion_confint``.
    The mid-P and likelihood-ratio limits are found with a bracketing root
    finder (vectorised over counts) and accept non-integer (weighted) counts.

    >>> r = share_interval(15, 148)
    >>> round(r.lower, 4), round(r.upper, 4)
    (0.0624, 0.1605)
    """
    level = check_level(level)
    check_method(method, SHARE_METHODS)
    x, n = check_successes(successes, trials, "successes", "trials")
    lower, upper = share_bounds(x, n, level, method)
    return Interval(x / n, float(lower), float(upper), level, method, n, df=float(n - 1))

