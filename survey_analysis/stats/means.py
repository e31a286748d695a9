"""Intervals for means: one mean (t) and the Welch difference of two means."""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy.stats import t as t_dist

from ._result import Comparison, Interval
from ._validate import as_1d, check_level, check_weights


def _mean_and_variance(values: Any, weights: Any, name: str, wname: str):
    """Mean, variance of the mean, df and sizes; drops NaN values."""
    y = as_1d(values, name, allow_nan=True)
    w = check_weights(weights, y.size, wname)
    keep = ~np.isnan(y) & (w > 0)
    y, w = y[keep], w[keep]
    n = y.size
    if n < 2:
        raise ValueError(
            f"{name} needs at least 2 non-missing values with positive weight, got {n}"
        )
    total = w.sum()
    mean = float(np.sum(w * y) / total)
    # Linearization (Taylor) variance of the ratio mean sum(w y)/sum(w) under
    # with-replacement sampling of respondents (e.g. Lohr 2022, Sampling, sec. 9.1):
    # v = n/(n-1) * sum(w_i^2 (y_i - mean)^2) / sum(w)^2. Equal weights: s^2/n.
    var = float(n / (n - 1) * np.sum((w * (y - mean)) ** 2) / total**2)
    # Design-based effective n of a mean, n* = s_w^2 / v = n / deff, with s_w^2 the weighted
    # variance of y with the same n/(n-1) factor (Kish 1965's deff, v over its SRS value):
    # exactly n with equal weights; capped at n as for shares (NCHS 2017); n when v = 0.
    s2 = n / (n - 1) * float(np.sum(w * (y - mean) ** 2)) / total
    n_eff = float(min(s2 / var, n)) if var > 0 else float(n)
    return mean, var, n, n_eff


def mean_interval(values: Any, weights: Any = None, level: float = 0.95) -> Interval:
    """t interval for a (weighted) mean; NaN values are dropped.

    Unweighted: mean ± t(n-1)·s/sqrt(n). Weighted: the weighted mean
    sum(w·y)/sum(w) with its linearization variance (Taylor series for a ratio
    estimator, with-replacement respondents; reduces to s²/n for equal weights)
    and t with n - 1 degrees of freedom (``df``; R ``svymean`` + ``confint(df = degf)``).
    ``n_effective`` reports the design-based effective size s_w²/v = n/deff (weighted
    variance of the values over the variance of the mean; n with equal weights, capped at n;
    ``n_effective_method="design"``) for the presentation rules; it is not used in the interval.

    >>> r = mean_interval([1.0, 2.0, 3.0, 4.0])
    >>> round(r.lower, 3), round(r.upper, 3)
    (0.446, 4.554)
    """
    level = check_level(level)
    mean, var, n, n_eff = _mean_and_variance(values, weights, "values", "weights")
    se = var**0.5
    q = float(t_dist.ppf(0.5 + level / 2, n - 1))
    return Interval(
        mean,
        mean - q * se,
        mean + q * se,
        level,
        "t" if weights is None else "t-linearization",
        n,
        n_effective=n_eff if weights is not None else None,
        std_error=se,
        df=float(n - 1),
        n_effective_method="design" if weights is not None else None,
    )


def mean_difference_interval(
    values1: Any,
    values2: Any,
    weights1: Any = None,
    weights2: Any = None,
    level: float = 0.95,
) -> Comparison:
    """Welch interval and test for the difference of two independent means.

    se = sqrt(v1 + v2) with each v the (linearization, if weighted) variance of
    the mean as in :func:`mean_interval`; Welch-Satterthwaite degrees of freedom
    (v1 + v2)² / (v1²/(n1-1) + v2²/(n2-1)) (Welch 1947). The two-sided p-value
    tests a zero difference; unweighted results agree with
    ``scipy.stats.ttest_ind(equal_var=False)``. NaN values are dropped.

    >>> r = mean_difference_interval([1.0, 2.0, 3.0], [2.0, 4.0, 6.0, 8.0])
    >>> round(r.estimate, 2), round(r.p_value, 3)
    (-3.0, 0.1)
    """
    level = check_level(level)
    m1, v1, n1, ne1 = _mean_and_variance(values1, weights1, "values1", "weights1")
    m2, v2, n2, ne2 = _mean_and_variance(values2, weights2, "values2", "weights2")
    diff = m1 - m2
    var = v1 + v2
    se = var**0.5
    if var > 0:
        df = var**2 / (v1**2 / (n1 - 1) + v2**2 / (n2 - 1))
        q = float(t_dist.ppf(0.5 + level / 2, df))
        p_value = float(2 * t_dist.sf(abs(diff) / se, df))
    else:
        df, q = float(n1 + n2 - 2), 0.0
        p_value = 1.0 if diff == 0 else 0.0
    weighted = weights1 is not None or weights2 is not None
    return Comparison(
        diff,
        diff - q * se,
        diff + q * se,
        level,
        "welch-linearization" if weighted else "welch",
        n1 + n2,
        n1=n1,
        n2=n2,
        estimate1=m1,
        estimate2=m2,
        n_effective=ne1 + ne2 if weighted else None,
        std_error=se,
        p_value=p_value,
        df=float(df),
        n_effective1=ne1 if weighted else None,
        n_effective2=ne2 if weighted else None,
        n_effective_method="design" if weighted else None,
    )
