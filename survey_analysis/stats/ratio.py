"""Intervals for the ratio of two independent proportions, p1 / p2."""

from __future__ import annotations

from typing import Any

import numpy as np

from ._result import Comparison
from ._roots import invert_score, safe_ratio
from ._validate import check_level, check_method, check_successes, z_value
from .proportion import share_bounds

RATIO_METHODS = (
    "koopman",
    "miettinen-nurminen",
    "katz",
    "adjusted-log",
    "inverse-sinh",
    "mover-r-wilson",
    "price-bonett",
)

_LOG_EDGE = 40.0  # limits beyond exp(±40) are reported as 0 / infinity


def constrained_mle_ratio(
    theta: np.ndarray, x1: np.ndarray, n1: np.ndarray, x2: np.ndarray, n2: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Maximum-likelihood (p1, p2) subject to p1 = theta * p2 (root of a quadratic;
    Koopman 1984, Biometrics 40:513; Miettinen & Nurminen 1985, Stat Med 4:213)."""
    a = (n1 + n2) * theta
    b = -(n1 * theta + x1 + n2 + x2 * theta)
    c = x1 + x2
    disc = np.sqrt(np.maximum(b * b - 4 * a * c, 0.0))
    # the smaller root, written as 2c / (-b + disc) to avoid cancellation
    with np.errstate(divide="ignore", invalid="ignore"):
        p2t = np.where(c > 0, 2 * c / (-b + disc), 0.0)
    p2t = np.clip(p2t, 0.0, 1.0)
    p1t = np.clip(theta * p2t, 0.0, 1.0)
    return p1t, p2t


def _ratio_stat(t, x1, n1, x2, n2, factor):
    theta = np.exp(t)
    p1t, p2t = constrained_mle_ratio(theta, x1, n1, x2, n2)
    var = (p1t * (1 - p1t) / n1 + theta**2 * p2t * (1 - p2t) / n2) * factor
    return safe_ratio(x1 / n1 - theta * x2 / n2, var)


def _koopman_stat(t, x1, n1, x2, n2):
    return _ratio_stat(t, x1, n1, x2, n2, 1.0)


def _mn_stat(t, x1, n1, x2, n2):
    n = n1 + n2
    return _ratio_stat(t, x1, n1, x2, n2, n / (n - 1.0))


def ratio_bounds(
    x1: Any, n1: Any, x2: Any, n2: Any, level: float = 0.95, method: str = "koopman"
) -> tuple[np.ndarray, np.ndarray]:
    """Vectorised limits for p1 / p2 over arrays of counts; no input checks.

    ``katz`` returns NaN limits where a count is zero.
    """
    x1, n1, x2, n2 = (np.asarray(a, dtype=float) for a in (x1, n1, x2, n2))
    z = z_value(level)
    with np.errstate(divide="ignore", invalid="ignore"):
        log_est = np.log(x1 / n1) - np.log(x2 / n2)
        if method in ("koopman", "miettinen-nurminen"):
            stat = _koopman_stat if method == "koopman" else _mn_stat
            est = np.nan_to_num(log_est, nan=0.0, posinf=_LOG_EDGE, neginf=-_LOG_EDGE)
            lo, hi = invert_score(stat, -_LOG_EDGE, _LOG_EDGE, est, z, (x1, n1, x2, n2))
            lower = np.where((lo <= -_LOG_EDGE) | (x1 == 0), 0.0, np.exp(lo))
            upper = np.where((hi >= _LOG_EDGE) | (x2 == 0), np.inf, np.exp(hi))
        elif method == "katz":
            se = np.sqrt(1 / x1 - 1 / n1 + 1 / x2 - 1 / n2)
            ok = (x1 > 0) & (x2 > 0)
            lower = np.where(ok, np.exp(log_est - z * se), np.nan)
            upper = np.where(ok, np.exp(log_est + z * se), np.nan)
        elif method == "adjusted-log":
            y1, m1, y2, m2 = x1 + 0.5, n1 + 0.5, x2 + 0.5, n2 + 0.5
            centre = np.log(y1 / m1) - np.log(y2 / m2)
            se = np.sqrt(1 / y1 - 1 / m1 + 1 / y2 - 1 / m2)
            lower, upper = np.exp(centre - z * se), np.exp(centre + z * se)
        elif method == "inverse-sinh":
            half = 2 * np.arcsinh(z / 2 * np.sqrt(1 / x1 - 1 / n1 + 1 / x2 - 1 / n2))
            lower = np.exp(log_est - half)
            upper = np.exp(log_est + half)
            # zero cells (Fagerland & Newcombe 2013): replace the zero
            # count by z^2 in the limit that would otherwise be 0 or infinite
            lower = np.where(x1 == 0, 0.0, lower)
            upper = np.where(x1 == 0, (z * z / n1) / (x2 / n2), upper)
            lower = np.where(x2 == 0, (x1 / n1) / (z * z / n2), lower)
            upper = np.where(x2 == 0, np.inf, upper)
            lower = np.where((x1 == 0) & (x2 == 0), 0.0, lower)
        elif method == "mover-r-wilson":
            p1, p2 = x1 / n1, x2 / n2
            l1, u1 = share_bounds(x1, n1, level, "wilson")
            l2, u2 = share_bounds(x2, n2, level, "wilson")
            pp = p1 * p2
            lower = (pp - np.sqrt(pp * pp - l1 * u2 * (2 * p1 - l1) * (2 * p2 - u2))) / (
                u2 * (2 * p2 - u2)
            )
            upper = (pp + np.sqrt(pp * pp - u1 * l2 * (2 * p1 - u1) * (2 * p2 - l2))) / (
                l2 * (2 * p2 - l2)
            )
            lower = np.maximum(np.nan_to_num(lower, nan=0.0), 0.0)
            upper = np.where(np.isnan(upper) | (upper < 0), np.inf, upper)
        elif method == "price-bonett":
            # Beta(1.25, 2.5) pseudo-prior: add 0.25 successes and 1.5 failures
            y1, y2 = x1 + 0.25, x2 + 0.25
            centre = np.log(y1 / (n1 + 1.75)) - np.log(y2 / (n2 + 1.75))
            var = 1 / (y1 + y1 * y1 / (n1 - x1 + 1.5)) + 1 / (y2 + y2 * y2 / (n2 - x2 + 1.5))
            se = np.sqrt(var)
            lower, upper = np.exp(centre - z * se), np.exp(centre + z * se)
        else:  # pragma: no cover
            check_method(method, RATIO_METHODS)
    return lower, upper


def ratio_interval(
    successes1: int,
    trials1: int,
    successes2: int,
    trials2: int,
    level: float = 0.95,
    method: str = "koopman",
) -> Comparison:
    """Interval for the ratio p1 / p2 (relative risk) from two independent samples.

    Methods (default ``"koopman"``):

    - ``koopman``: asymptotic score interval, Koopman (1984) Biometrics 40:513;
      limits found by inverting the score statistic (Nam 1995 form) with a
      bracketing root finder. Upper = infinity when successes2 = 0, lower = 0
      when successes1 = 0.
    - ``miettinen-nurminen``: the same score interval with the n/(n-1) variance
      factor (Miettinen & Nurminen 1985).
    - ``katz``: log interval, Katz et al. (1978) Biometrics 34:469,
      exp(log(p1/p2) ± z·sqrt(1/x1 - 1/n1 + 1/x2 - 1/n2)); a zero count raises.
    - ``adjusted-log``: the Katz log interval after adding 1/2 to each success
      count and each sample size, centred on log[(x1+½)/(n1+½)] - log[(x2+½)/(n2+½)]
      (Walter 1975, Biometrika 62:371; Fagerland, Lydersen & Laake 2015, Stat Methods
      Med Res 24:224, and their 2017 book, ch. 4). Defined for zero counts.
    - ``inverse-sinh``: log(p1/p2) ± 2·asinh(z/2·sqrt(1/x1 - 1/n1 + 1/x2 - 1/n2)),
      Fagerland & Newcombe (2013), Stat Med 32:2823. With
      x1 = 0 the limits are 0 and (z²/n1)/(x2/n2); with x2 = 0 they are
      (x1/n1)/(z²/n2) and infinity (their zero-cell rule, as in the R package
      contingencytables).
    - ``mover-r-wilson``: MOVER-R (Zou & Donner 2008, Stat Med 27:1693; Fagerland
      & Newcombe 2013) combining the two Wilson intervals (l1, u1), (l2, u2):
      L = [p1p2 - sqrt((p1p2)² - l1u2(2p1 - l1)(2p2 - u2))] / [u2(2p2 - u2)],
      U = [p1p2 + sqrt((p1p2)² - u1l2(2p1 - u1)(2p2 - l2))] / [l2(2p2 - l2)];
      L is at least 0 and U is infinite where the
      formula has no real positive value.
    - ``price-bonett``: approximate Bayes interval with Beta(1.25, 2.5) priors,
      Price & Bonett (2008), Stat Med 27:5497: exp(log p1~ - log p2~ ± z·sqrt(V)),
      p~ = (x + 0.25)/(n + 1.75), V = Σ 1/[(x+0.25) + (x+0.25)²/(n - x + 1.5)].

    >>> r = ratio_interval(36, 40, 16, 80)
    >>> round(r.lower, 3), round(r.upper, 3)
    (2.94, 7.152)
    """
    level = check_level(level)
    check_method(method, RATIO_METHODS)
    x1, n1 = check_successes(successes1, trials1, "successes1", "trials1")
    x2, n2 = check_successes(successes2, trials2, "successes2", "trials2")
    if method == "katz" and (x1 == 0 or x2 == 0):
        name, value = ("successes1", x1) if x1 == 0 else ("successes2", x2)
        raise ValueError(
            f"method='katz' needs both success counts above zero, got {name}={value}; "
            "use method='koopman', which handles zero counts"
        )
    if x1 == 0 and x2 == 0:
        estimate = float("nan")
    elif x2 == 0:
        estimate = float("inf")
    else:
        estimate = (x1 / n1) / (x2 / n2)
    lower, upper = ratio_bounds(x1, n1, x2, n2, level, method)
    return Comparison(
        estimate,
        float(lower),
        float(upper),
        level,
        method,
        n1 + n2,
        n1=n1,
        n2=n2,
        estimate1=x1 / n1,
        estimate2=x2 / n2,
    )
