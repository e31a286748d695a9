"""A thin pandas layer over :mod:`survey_analysis.stats`: figures from canonical-table columns.

Each function takes boolean/number Series (NA = not answered), picks the base, calls the pure
statistics function and returns a :class:`~survey_analysis.results.Result`. With ``weights`` the
weighted estimators are used (Kish effective n for shares, linearization for comparisons).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from survey_analysis import stats
from survey_analysis.results import FLAG_NOT_ASKED, Result


def _mask(series: pd.Series) -> np.ndarray:
    """True where a nullable boolean is True (NA counts as not True)."""
    return series.fillna(False).to_numpy(dtype=bool)


def not_asked(result_id: str, label: str, kind: str, level: float) -> Result:
    return Result(result_id, label, None, None, None, 0, "not asked", level, kind=kind,
                  flag=FLAG_NOT_ASKED)


def share(
    indicator: pd.Series,
    result_id: str,
    label: str,
    *,
    within: pd.Series | None = None,
    weights: pd.Series | None = None,
    level: float = 0.95,
    method: str = "wilson",
    kind: str = "share",
) -> Result:
    """Share of True among rows of ``within`` (default all) that answered (``indicator`` not NA)."""
    base = indicator.notna().to_numpy()
    if within is not None:
        base = base & _mask(within)
    y = _mask(indicator)[base]
    n = int(base.sum())
    if n == 0:
        return Result(result_id, label, None, None, None, 0, method, level, kind=kind,
                      flag="no respondents")
    if weights is None:
        interval = stats.share_interval(int(y.sum()), n, level=level, method=method)
    else:
        w = weights.to_numpy(dtype=float)[base]
        interval = stats.weighted_share_interval(y.astype(float), w, level=level, method=method)
    return Result(result_id, label, interval.estimate, interval.lower, interval.upper, n,
                  interval.method, level, kind=kind, n_effective=interval.n_effective,
                  df=getattr(interval, "df", None),
                  n_effective_method=getattr(interval, "n_effective_method", None))


def mean(
    values: pd.Series,
    result_id: str,
    label: str,
    *,
    within: pd.Series | None = None,
    weights: pd.Series | None = None,
    level: float = 0.95,
) -> Result:
    """Mean of the answered values among rows of ``within``, with a t interval."""
    base = values.notna().to_numpy()
    if within is not None:
        base = base & _mask(within)
    n = int(base.sum())
    if n < 2:
        return Result(result_id, label, None, None, None, n, "t", level, kind="mean",
                      flag="no respondents")
    x = values.to_numpy(dtype=float, na_value=np.nan)[base]
    w = None if weights is None else weights.to_numpy(dtype=float)[base]
    interval = stats.mean_interval(x, w, level=level)
    return Result(result_id, label, interval.estimate, interval.lower, interval.upper, n,
                  interval.method, level, kind="mean", n_effective=interval.n_effective,
                  df=getattr(interval, "df", None),
                  n_effective_method=getattr(interval, "n_effective_method", None))


def _groups(values: pd.Series, group1: pd.Series, group2: pd.Series,
            weights: pd.Series | None) -> tuple[np.ndarray, np.ndarray, np.ndarray,
                                                np.ndarray | None]:
    """Values (NaN = not answered), both memberships and the weights as numpy arrays."""
    x = values.astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    w = None if weights is None else weights.to_numpy(dtype=float)
    return x, _mask(group1), _mask(group2), w


def _no_comparison(result_id: str, label: str, n: int, n1: int, n2: int, method: str,
                   level: float, kind: str) -> Result:
    """A comparison with fewer than two answers in a group: no estimate, and says so."""
    return Result(result_id, label, None, None, None, n, method, level, kind=kind,
                  flag="no respondents", n1=n1, n2=n2)


def overlap_difference(
    values: pd.Series,
    group1: pd.Series,
    group2: pd.Series,
    result_id: str,
    label: str,
    *,
    weights: pd.Series | None = None,
    level: float = 0.95,
    is_share: bool = True,
    method: str = "mover-wilson",
) -> Result:
    """Group 1 minus group 2 when a respondent may be in both (overlapping groups)."""
    x, g1, g2, w = _groups(values, group1, group2, weights)
    answered = ~np.isnan(x)
    n1, n2 = int((g1 & answered).sum()), int((g2 & answered).sum())
    kind = "difference" if is_share else "mean_difference"
    if min(n1, n2) < 2:
        return _no_comparison(result_id, label, int(((g1 | g2) & answered).sum()), n1, n2,
                              method, level, kind)
    compare = stats.overlap_share_difference if is_share else stats.overlap_mean_difference
    c = compare(x, g1, g2, weights=w, level=level, method=method)
    return Result(result_id, label, c.estimate, c.lower, c.upper, int(c.n),
                  f"overlapping groups, {c.method}", level, kind=kind, p_value=c.p_value,
                  n1=n1, n2=n2, n_effective=c.n_effective, df=getattr(c, "df", None),
                  n_effective_method=getattr(c, "n_effective_method", None),
                  n_effective1=getattr(c, "n_effective1", None),
                  n_effective2=getattr(c, "n_effective2", None))


def independent_difference(
    values: pd.Series,
    group1: pd.Series,
    group2: pd.Series,
    result_id: str,
    label: str,
    *,
    weights: pd.Series | None = None,
    level: float = 0.95,
    is_share: bool = True,
    method: str = "newcombe",
) -> Result:
    """Group 1 minus group 2 for disjoint groups (independent samples)."""
    x, g1, g2, w = _groups(values, group1, group2, weights)
    if (g1 & g2).any():
        raise ValueError(f"{result_id}: groups overlap; use overlap_difference")
    answered = ~np.isnan(x)
    g1, g2 = g1 & answered, g2 & answered
    n1, n2 = int(g1.sum()), int(g2.sum())
    kind = "difference" if is_share else "mean_difference"
    if min(n1, n2) < 2:
        return _no_comparison(result_id, label, n1 + n2, n1, n2, method, level, kind)
    if is_share and w is None:
        x1, x2 = int(x[g1].sum()), int(x[g2].sum())
        c = stats.difference_interval(x1, n1, x2, n2, level=level, method=method)
        p = c.p_value  # inverts the same interval, so verdict and interval agree
    elif is_share:
        c = stats.weighted_difference_interval(x[g1], x[g2], w[g1], w[g2], level=level,
                                               method=method)
        p = c.p_value
    else:
        c = stats.mean_difference_interval(x[g1], x[g2], None if w is None else w[g1],
                                           None if w is None else w[g2], level=level)
        p = c.p_value
    return Result(result_id, label, c.estimate, c.lower, c.upper, n1 + n2,
                  f"independent groups, {c.method}", level, kind=kind, p_value=p, n1=n1, n2=n2,
                  n_effective=c.n_effective, df=getattr(c, "df", None),
                  n_effective_method=getattr(c, "n_effective_method", None),
                  n_effective1=getattr(c, "n_effective1", None),
                  n_effective2=getattr(c, "n_effective2", None))


def paired_cells(first: pd.Series, second: pd.Series,
                 within: pd.Series | None = None) -> tuple[int, int, int, int]:
    """(both, first only, second only, neither) among rows answering both items.

    Counts only: weighted paired comparisons use :func:`stats.weighted_paired_comparison`.
    """
    base = (first.notna() & second.notna()).to_numpy()
    if within is not None:
        base = base & _mask(within)
    a, b = _mask(first)[base], _mask(second)[base]
    return tuple(int(c.sum()) for c in (a & b, a & ~b, ~a & b, ~a & ~b))
