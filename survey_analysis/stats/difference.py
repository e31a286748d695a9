"""Intervals for the difference of two independent proportions, p1 - p2."""

from __future__ import annotations

from typing import Any

import numpy as np

from ._duality import p_value_by_inversion
from ._result import Comparison
from ._roots import invert_score, safe_ratio
from ._validate import check_level, check_method, check_successes, z_value
from .proportion import share_bounds

DIFFERENCE_METHODS = (
    "newcombe",
    "miettinen-nurminen",
    "mee",
    "agresti-caffo",
    "wald",
    "wald-cc",
    "newcombe-cc",
    "haldane",
    "jeffreys-perks",
    "hauck-anderson",
)

_EDGE = 1e-12


def constrained_mle_difference(
    delta: np.ndarray, x1: np.ndarray, n1: np.ndarray, x2: np.ndarray, n2: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Maximum-likelihood (p1, p2) subject to p1 - p2 = delta.

    Closed-form root of the likelihood cubic (Miettinen & Nurminen 1985, Stat Med
    4:213, appendix; in the notation of Farrington & Manning 1990, Stat Med 9:1447).
    """
    p1h, p2h = x1 / n1, x2 / n2
    theta = n2 / n1
    a = 1.0 + theta
    b = -(1.0 + theta + p1h + theta * p2h + delta * (theta + 2.0))
    c = delta * delta + delta * (2.0 * p1h + theta + 1.0) + p1h + theta * p2h
    d = -p1h * delta * (1.0 + delta)
    v = b**3 / (27 * a**3) - b * c / (6 * a * a) + d / (2 * a)
    u2 = np.maximum(b * b / (9 * a * a) - c / (3 * a), 0.0)
    u = np.where(v >= 0, 1.0, -1.0) * np.sqrt(u2)
    with np.errstate(divide="ignore", invalid="ignore"):
        cosarg = np.where(u2 > 0, v / (u**3), 0.0)
    w = (np.pi + np.arccos(np.clip(cosarg, -1.0, 1.0))) / 3.0
    p1t = np.clip(2.0 * u * np.cos(w) - b / (3 * a), 0.0, 1.0)
    p2t = np.clip(p1t - delta, 0.0, 1.0)
    return p1t, p2t


def _score_stat(delta, x1, n1, x2, n2, factor):
    p1t, p2t = constrained_mle_difference(delta, x1, n1, x2, n2)
    var = (p1t * (1 - p1t) / n1 + p2t * (1 - p2t) / n2) * factor
    return safe_ratio(x1 / n1 - x2 / n2 - delta, var)


def _mn_stat(delta, x1, n1, x2, n2):
    n = n1 + n2
    return _score_stat(delta, x1, n1, x2, n2, n / (n - 1.0))


def _mee_stat(delta, x1, n1, x2, n2):
    return _score_stat(delta, x1, n1, x2, n2, 1.0)


def difference_bounds(
    x1: Any, n1: Any, x2: Any, n2: Any, level: float = 0.95, method: str = "newcombe"
) -> tuple[np.ndarray, np.ndarray]:
    """Vectorised limits for p1 - p2 over arrays of counts; no input checks."""
    x1, n1, x2, n2 = (np.asarray(a, dtype=float) for a in (x1, n1, x2, n2))
    z = z_value(level)
    p1, p2 = x1 / n1, x2 / n2
    est = p1 - p2
    if method == "newcombe":
        l1, u1 = share_bounds(x1, n1, level, "wilson")
        l2, u2 = share_bounds(x2, n2, level, "wilson")
        lower = est - np.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)
        upper = est + np.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)
    elif method in ("miettinen-nurminen", "mee"):
        stat = _mn_stat if method == "miettinen-nurminen" else _mee_stat
        lower, upper = invert_score(stat, -1 + _EDGE, 1 - _EDGE, est, z, (x1, n1, x2, n2))
        lower = np.where(lower <= -1 + _EDGE, -1.0, lower)
        upper = np.where(upper >= 1 - _EDGE, 1.0, upper)
    elif method == "agresti-caffo":
        q1, q2 = (x1 + 1) / (n1 + 2), (x2 + 1) / (n2 + 2)
        half = z * np.sqrt(q1 * (1 - q1) / (n1 + 2) + q2 * (1 - q2) / (n2 + 2))
        lower, upper = q1 - q2 - half, q1 - q2 + half
    elif method == "wald":
        half = z * np.sqrt(p1 * (1 - p1) / n1 + p2 * (1 - p2) / n2)
        lower, upper = est - half, est + half
    elif method == "wald-cc":
        half = z * np.sqrt(p1 * (1 - p1) / n1 + p2 * (1 - p2) / n2) + (1 / n1 + 1 / n2) / 2
        lower, upper = est - half, est + half
    elif method == "newcombe-cc":
        l1, u1 = share_bounds(x1, n1, level, "wilson-cc")
        l2, u2 = share_bounds(x2, n2, level, "wilson-cc")
        lower = est - np.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)
        upper = est + np.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)
    elif method in ("haldane", "jeffreys-perks"):
        # Newcombe (1998b) methods 3 and 4: theta* ± w with psi the mean of the two
        # (Haldane) or of the two Jeffreys-Perks-shrunk, (x + 1/2)/(n + 1), proportions.
        if method == "haldane":
            psi = (p1 + p2) / 2
        else:
            psi = ((x1 + 0.5) / (n1 + 1) + (x2 + 0.5) / (n2 + 1)) / 2
        u = (1 / n1 + 1 / n2) / 4
        v = (1 / n1 - 1 / n2) / 4
        z2 = z * z
        centre = (est + z2 * v * (1 - 2 * psi)) / (1 + z2 * u)
        radicand = (
            u * (4 * psi * (1 - psi) - est**2)
            + 2 * v * (1 - 2 * psi) * est
            + 4 * z2 * u * u * (1 - psi) * psi
            + z2 * v * v * (1 - 2 * psi) ** 2
        )
        half = z / (1 + z2 * u) * np.sqrt(np.maximum(radicand, 0.0))
        lower, upper = centre - half, centre + half
    elif method == "hauck-anderson":
        # p(1-p)/(n-1) is 0/0 only when n = 1, where p(1-p) = 0: that term is 0.
        with np.errstate(divide="ignore", invalid="ignore"):
            v1 = np.where(n1 > 1, p1 * (1 - p1) / (n1 - 1), 0.0)
            v2 = np.where(n2 > 1, p2 * (1 - p2) / (n2 - 1), 0.0)
        half = 1 / (2 * np.minimum(n1, n2)) + z * np.sqrt(v1 + v2)
        lower, upper = est - half, est + half
    else:  # pragma: no cover
        check_method(method, DIFFERENCE_METHODS)
    return np.clip(lower, -1.0, 1.0), np.clip(upper, -1.0, 1.0)


def difference_interval(
    successes1: int,
    trials1: int,
    successes2: int,
    trials2: int,
    level: float = 0.95,
    method: str = "newcombe",
) -> Comparison:
    """Interval for p1 - p2 from two independent samples.

    Methods (default ``"newcombe"``):

    - ``newcombe``: hybrid score ("square-and-add" of two Wilson intervals),
      method 10 of Newcombe (1998b), Stat Med 17:873.
    - ``miettinen-nurminen``: score interval with the n/(n-1) variance factor,
      Miettinen & Nurminen (1985), Stat Med 4:213, limits found by inverting the
      score statistic with a bracketing root finder.
    - ``mee``: the same score interval without the n/(n-1) factor (Mee 1984).
    - ``agresti-caffo``: Wald after adding one success and one failure to each
      sample (Agresti & Caffo 2000), truncated to [-1, 1]. Centred on the adjusted
      estimate, so in tiny samples it can miss p1 - p2 itself (0/1 vs 1/1).
    - ``wald``: p1 - p2 ± z·sqrt(p1q1/n1 + p2q2/n2), truncated to [-1, 1].
    - ``wald-cc``: Wald with continuity correction, p1 - p2 ±
      (z·sqrt(p1q1/n1 + p2q2/n2) + (1/n1 + 1/n2)/2), Newcombe (1998b) method 2;
      truncated to [-1, 1].
    - ``newcombe-cc``: square-and-add of two continuity-corrected Wilson intervals
      (``share_interval(method="wilson-cc")``), Newcombe (1998b) method 11.
    - ``haldane``: Newcombe (1998b) method 3, theta* ± w with
      theta* = (d + z²v(1 - 2psi)) / (1 + z²u),
      w = z/(1 + z²u)·sqrt(u[4psi(1-psi) - d²] + 2v(1-2psi)d + 4z²u²psi(1-psi)
      + z²v²(1-2psi)²), where d = p1 - p2, psi = (p1 + p2)/2,
      u = (1/n1 + 1/n2)/4 and v = (1/n1 - 1/n2)/4; truncated to [-1, 1].
    - ``jeffreys-perks``: the same with psi = [(x1+½)/(n1+1) + (x2+½)/(n2+1)]/2,
      Newcombe (1998b) method 4.
    - ``hauck-anderson``: p1 - p2 ± (1/(2·min(n1, n2)) +
      z·sqrt(p1q1/(n1-1) + p2q2/(n2-1))), Hauck & Anderson (1986), Am Stat 40:318;
      truncated to [-1, 1] (a sample of one contributes no variance term).

    >>> r = difference_interval(56, 70, 48, 80)
    >>> round(r.lower, 4), round(r.upper, 4)
    (0.0524, 0.3339)
    """
    level = check_level(level)
    check_method(method, DIFFERENCE_METHODS)
    x1, n1 = check_successes(successes1, trials1, "successes1", "trials1")
    x2, n2 = check_successes(successes2, trials2, "successes2", "trials2")

    def limits(lev: float) -> tuple[float, float]:
        low, high = difference_bounds(x1, n1, x2, n2, lev, method)
        return float(low), float(high)

    lower, upper = limits(level)
    return Comparison(
        x1 / n1 - x2 / n2,
        lower,
        upper,
        level,
        method,
        n1 + n2,
        n1=n1,
        n2=n2,
        estimate1=x1 / n1,
        estimate2=x2 / n2,
        p_value=p_value_by_inversion(limits, x1 / n1 - x2 / n2),
    )

