"""Multiple-comparison adjustment of p-values (Benjamini-Hochberg from statsmodels; Holm here)."""

from __future__ import annotations

from typing import Any

import numpy as np
from statsmodels.stats.multitest import multipletests

from ._result import AdjustedPValues
from ._validate import check_method

ADJUST_METHODS = ("holm", "benjamini-hochberg")
_SM_NAMES = {"holm": "holm", "benjamini-hochberg": "fdr_bh"}


def adjust_p_values(p_values: Any, method: str = "holm", alpha: float = 0.05) -> AdjustedPValues:
    """Adjust p-values for multiple comparisons.

    ``holm``: Holm (1979) step-down, controls the family-wise error rate;
    ``benjamini-hochberg``: Benjamini & Hochberg (1995) step-up, controls the
    false discovery rate. Benjamini-Hochberg is computed by statsmodels ``multipletests``;
    Holm by :func:`_holm` (see there why), checked against ``multipletests`` in the tests.

    >>> adjust_p_values([0.01, 0.04, 0.03]).p_values
    (0.03, 0.06, 0.06)
    """
    check_method(method, ADJUST_METHODS)
    if not 0 < alpha < 1:
        raise ValueError(f"alpha must be strictly between 0 and 1, got alpha={alpha!r}")
    p = np.asarray(p_values, dtype=float)
    if p.ndim != 1 or p.size == 0:
        raise ValueError("p_values must be a non-empty one-dimensional sequence")
    bad = np.isnan(p) | (p < 0) | (p > 1)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise ValueError(f"p_values must lie in [0, 1], got p_values[{i}]={p[i].item()!r}")
    if method == "holm":
        reject, adjusted = _holm(p, alpha)
    else:
        reject, adjusted, _, _ = multipletests(p, alpha=alpha, method=_SM_NAMES[method])
    return AdjustedPValues(
        tuple(float(v) for v in adjusted), tuple(bool(v) for v in reject), method, alpha
    )


def _holm(p: np.ndarray, alpha: float) -> tuple[np.ndarray, np.ndarray]:
    """Holm (1979): with the p-values sorted ascending, p_(i) is rejected when every
    p_(j) <= alpha / (m - j + 1) for j <= i; the adjusted value is the running maximum of
    (m - i + 1) p_(i), capped at 1. Computed as statsmodels' ``multipletests(method="holm")``
    computes it, written here because that branch ends with ``gc.collect()``, a walk of the
    whole heap that costs a notebook kernel about 70 ms per family."""
    m = p.size
    order = np.argsort(p)
    sorted_p = p[order]
    not_rejected = np.flatnonzero(sorted_p > alpha / np.arange(m, 0, -1))
    first_kept = not_rejected[0] if not_rejected.size else m
    reject_sorted = np.arange(m) < first_kept
    adjusted_sorted = np.minimum(np.maximum.accumulate(sorted_p * np.arange(m, 0, -1)), 1.0)
    reject, adjusted = np.empty(m, dtype=bool), np.empty(m)
    reject[order], adjusted[order] = reject_sorted, adjusted_sorted
    return reject, adjusted
