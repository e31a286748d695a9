"""Weighted paired comparison: two yes/no answers of the same respondents, with survey weights."""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy.stats import norm

from ._result import Comparison
from ._validate import as_1d, check_level, check_same_length, check_weights, z_value


def weighted_paired_comparison(
    first: Any, second: Any, weights: Any = None, level: float = 0.95
) -> tuple[Comparison, Comparison]:
    """(difference p1 - p2, ratio p1 / p2) of two weighted shares from the same respondents.

    p_k = sum(w a_k) / sum(w). Both use Taylor linearization with respondents as
    with-replacement draws (Wolter 2007, ch. 6): for the difference
    u_i = w_i (a1_i - a2_i - d) / W; for the log ratio
    u_i = w_i [(a1_i - p1)/p1 - (a2_i - p2)/p2] / W; Var = n/(n-1) sum(u_i^2). The ratio's
    interval is exp(log r ± z se). Each p-value is from its own z, so it matches its interval.
    Both agree with R ``svymean`` + ``svycontrast`` (tests/stats/test_r_survey.py); ``df`` is
    n - 1 and ``n_effective`` the Kish size, for information (``n_effective_method="kish"``).
    Respondents missing either answer (NaN) are dropped. Written by hand: statsmodels has no
    weighted paired comparison.
    """
    level = check_level(level)
    a = as_1d(first, "first", allow_nan=True)
    b = as_1d(second, "second", allow_nan=True)
    check_same_length(first=a, second=b)
    w = check_weights(weights, a.size)
    keep = ~np.isnan(a) & ~np.isnan(b)
    a, b, w = a[keep], b[keep], w[keep]
    n = int(a.size)
    if n < 2 or not (w > 0).any():
        raise ValueError("need at least 2 respondents with both answers and a positive weight")
    total = float(np.sum(w))
    p1, p2 = float(np.sum(w * a)) / total, float(np.sum(w * b)) / total
    n_eff = float(total**2 / np.sum(w * w))
    z = z_value(level)
    factor = n / (n - 1)

    diff = p1 - p2
    u = w * (a - b - diff) / total
    se_d = float(np.sqrt(factor * np.sum(u * u)))
    p_d = float(2 * norm.sf(abs(diff) / se_d)) if se_d > 0 else float(diff == 0)
    difference = Comparison(diff, max(diff - z * se_d, -1.0), min(diff + z * se_d, 1.0), level,
                            "weighted paired, linearization", n, estimate1=p1, estimate2=p2,
                            n_effective=n_eff, std_error=se_d, p_value=p_d, df=float(n - 1),
                            n_effective_method="kish")
    if p1 <= 0 or p2 <= 0:
        raise ValueError("the ratio needs both shares above zero")
    log_ratio = float(np.log(p1 / p2))
    v = w * ((a - p1) / p1 - (b - p2) / p2) / total
    se_r = float(np.sqrt(factor * np.sum(v * v)))
    p_r = float(2 * norm.sf(abs(log_ratio) / se_r)) if se_r > 0 else float(log_ratio == 0)
    ratio = Comparison(p1 / p2, float(np.exp(log_ratio - z * se_r)),
                       float(np.exp(log_ratio + z * se_r)), level,
                       "weighted paired, log-linearization", n, estimate1=p1, estimate2=p2,
                       n_effective=n_eff, std_error=se_r, p_value=p_r, df=float(n - 1),
                       n_effective_method="kish")
    return difference, ratio
