"""Multiple-comparison adjustment of p-values (wrapper over statsmodels)."""

from __future__ import annotations

import gc
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
    false discovery rate. Computed by statsmodels ``multipletests``.

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
    # statsmodels' Holm branch calls gc.collect(), which in a notebook kernel walks the whole
    # heap (about 70 ms a family). Objects that exist before the call are set aside for its
    # duration (gc.freeze), so it only walks the call's own; nothing is lost: the next
    # automatic collection sees them again.
    gc.freeze()
    try:
        reject, adjusted, _, _ = multipletests(p, alpha=alpha, method=_SM_NAMES[method])
    finally:
        gc.unfreeze()
    return AdjustedPValues(
        tuple(float(v) for v in adjusted), tuple(bool(v) for v in reject), method, alpha
    )
