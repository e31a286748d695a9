"""Design-based effective sample size of a weighted share, and the intervals built on it.

The design-based effective n of a share is n* = p(1 - p) / v, with v the linearization
variance of the weighted share (Korn & Graubard 1998, Survey Methodology 24:193; R
``survey::svyciprop(method = "beta")``). Unlike Kish's sum(w)^2 / sum(w^2) it sees the
link between the weights and the answer: a share whose answer rises with the weight has a
larger variance than Kish assumes, so a smaller n*.

Conventions (each from a named source, so that results can be checked against it):

- variance: respondents are with-replacement draws, v = N/(N-1) sum u_i^2 with
  u_i = w_i d_i (y_i - p) / sum(w d) over the N respondents of the design, d the domain
  indicator (R survey 4.1: a domain keeps the whole sample's N in the factor);
- degrees of freedom: the domain size minus one (R ``degf`` of a subset design);
- the share is 0 or 1 (v = 0, n* undefined), or n* exceeds the m respondents in the
  domain: n* = m. Both rules are NCHS's (Parker et al. 2017, Vital Health Stat 2(175);
  R ``surveytable::svyciprop_adjusted`` by one of its authors). R's ``svyciprop`` does
  not cap; the cap keeps one light-weighted "yes" in a small group from claiming more
  information than the group holds.
"""

from __future__ import annotations

import math

import numpy as np
from scipy.special import expit, logit
from scipy.stats import t as t_dist

from .proportion import share_bounds

N_EFFECTIVE_METHODS = ("design", "kish")


def design_variance(y: np.ndarray, w: np.ndarray, domain: np.ndarray) -> tuple[float, float]:
    """(share, linearization variance) of sum(w y d) / sum(w d) over all N rows given."""
    wd = w * domain
    total = float(np.sum(wd))
    p = float(np.sum(wd * y) / total)
    big_n = y.size
    u = wd * (y - p) / total
    factor = big_n / (big_n - 1) if big_n > 1 else 1.0
    return p, float(factor * np.sum(u * u))


def design_effective_n(estimate: float, variance: float, n: float) -> float:
    """n* = p(1-p)/v, set to ``n`` when p is 0 or 1 (v = 0) and capped at ``n`` (NCHS 2017)."""
    if not (0.0 < estimate < 1.0) or not variance > 0:
        return float(n)
    return float(min(estimate * (1.0 - estimate) / variance, n))


def kg_df_factor(n: float, df: float, level: float) -> float:
    """Korn & Graubard (1998) degrees-of-freedom factor (t_{n-1} / t_df)^2 at ``level``.

    1 when df = n - 1 (a single-stage design without clusters); below 1 when the design has
    fewer degrees of freedom than respondents. Infinite df (normal quantiles asked for) and
    n <= 1 give 1: the count-based methods already use normal quantiles.
    """
    if n <= 1 or not math.isfinite(df) or df <= 0:
        return 1.0
    q = 0.5 + level / 2.0
    return (float(t_dist.ppf(q, n - 1)) / float(t_dist.ppf(q, df))) ** 2


def t_quantile(level: float, df: float | None) -> float:
    """Two-sided critical value: t with ``df`` degrees of freedom, normal when df is None/inf."""
    q = 0.5 + level / 2.0
    if df is None or not math.isfinite(df):
        return float(t_dist.ppf(q, 1e300))  # the normal quantile, by the same code path
    return float(t_dist.ppf(q, df))


def korn_graubard_interval(
    estimate: float,
    n_effective: float,
    df: float | None = None,
    level: float = 0.95,
    n: float | None = None,
) -> tuple[float, float]:
    """Korn–Graubard limits: Clopper–Pearson on the pseudo counts (p·n*, n*).

    ``n_effective`` is n* (design-based, e.g. from :func:`design_effective_n`); when both ``n``
    (respondents) and ``df`` (design degrees of freedom) are given, n* is first multiplied by
    (t_{n-1}/t_df)^2 (Korn & Graubard 1998, eq. for n*_df; R ``svyciprop(method = "beta")``)
    and, as NCHS does, capped at n. Lower = Beta quantile(α/2; p n*, n*(1-p)+1),
    upper = Beta quantile(1-α/2; p n* + 1, n*(1-p)). Returns (lower, upper); NCHS's
    presentation rules (:mod:`.presentation`) need these limits whichever interval is shown.

    >>> tuple(round(v, 4) for v in korn_graubard_interval(0.375, 39.0))
    (0.2255, 0.5443)
    """
    if not 0.0 <= estimate <= 1.0:
        raise ValueError(f"estimate must lie in [0, 1], got estimate={estimate!r}")
    if not n_effective > 0:
        raise ValueError(f"n_effective must be positive, got n_effective={n_effective!r}")
    n_star = float(n_effective)
    if n is not None and df is not None:
        n_star = min(n_star * kg_df_factor(float(n), float(df), level), float(n))
    lower, upper = share_bounds(estimate * n_star, n_star, level, "clopper-pearson")
    return float(lower), float(upper)


def pseudo_count_bounds(
    estimate: float,
    n_effective: float,
    n: float,
    df: float,
    level: float,
    method: str,
) -> tuple[float, float]:
    """Limits of a share on its effective n: a count-based method, ``korn-graubard`` or ``logit``.

    Count-based methods (``SHARE_METHODS``) get the pseudo counts (p·n*_df, n*_df) with
    n*_df = n*·(t_{n-1}/t_df)^2 (Korn & Graubard 1998; the factor is 1 when df = n - 1);
    ``korn-graubard`` is Clopper–Pearson on them. ``logit`` is R's svyciprop "logit":
    expit(logit(p) ± t_df · se / (p(1-p))) with se² = p(1-p)/n*; it is undefined at p = 0 or 1,
    where the Korn–Graubard limits are returned instead.
    """
    if method == "logit":
        if 0.0 < estimate < 1.0:
            se = math.sqrt(estimate * (1.0 - estimate) / n_effective)
            half = t_quantile(level, df) * se / (estimate * (1.0 - estimate))
            centre = float(logit(estimate))
            return float(expit(centre - half)), float(expit(centre + half))
        method = "korn-graubard"
    n_star = n_effective * kg_df_factor(n, df, level)
    if method == "korn-graubard":
        method = "clopper-pearson"
    lower, upper = share_bounds(estimate * n_star, n_star, level, method)
    return float(lower), float(upper)


def effective_n_label(method: str, effective_n: str | None) -> str:
    """The ``method`` label of a result: the interval and the effective n it used."""
    if effective_n is None:
        return method
    return f"{method} ({'design-based' if effective_n == 'design' else 'Kish'} n)"

