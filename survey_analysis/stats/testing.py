"""Hypothesis tests for proportions (thin, checked wrappers over statsmodels)."""

from __future__ import annotations

import numpy as np
from statsmodels.stats.contingency_tables import mcnemar
from statsmodels.stats.proportion import proportions_ztest

from ._result import TestResult
from ._validate import check_count, check_successes


def two_proportion_test(successes1: int, trials1: int, successes2: int, trials2: int) -> TestResult:
    """Two-sided pooled z test of p1 = p2 (statsmodels ``proportions_ztest``).

    z = (p1 - p2) / sqrt(p(1-p)(1/n1 + 1/n2)) with the pooled p. When the pooled
    share is 0 or 1 the samples cannot differ: statistic 0, p-value 1.

    >>> r = two_proportion_test(56, 70, 48, 80)
    >>> round(r.statistic, 3), round(r.p_value, 4)
    (2.65, 0.008)
    """
    x1, n1 = check_successes(successes1, trials1, "successes1", "trials1")
    x2, n2 = check_successes(successes2, trials2, "successes2", "trials2")
    if x1 + x2 in (0, n1 + n2):
        return TestResult(0.0, 1.0, "pooled-z", n1 + n2)
    stat, p = proportions_ztest(np.array([x1, x2]), np.array([n1, n2]))
    return TestResult(float(stat), float(p), "pooled-z", n1 + n2)


def mcnemar_test(
    first_only: int, second_only: int, exact: bool | None = None, correction: bool = True
) -> TestResult:
    """McNemar test of p1 = p2 for paired answers (statsmodels ``mcnemar``).

    Only the discordant counts matter. ``exact=None`` (default) uses the exact
    binomial test when first_only + second_only < 25 and the chi-square test
    (with continuity correction unless ``correction=False``) otherwise.
    With no discordant pairs the p-value is 1.

    >>> r = mcnemar_test(6, 16)
    >>> r.method, round(r.p_value, 4)
    ('exact', 0.0525)
    """
    b = check_count(first_only, "first_only")
    c = check_count(second_only, "second_only")
    if exact is None:
        exact = b + c < 25
    method = "exact" if exact else ("chi2-corrected" if correction else "chi2")
    if b + c == 0:
        return TestResult(0.0, 1.0, method, 0)
    res = mcnemar(np.array([[0, b], [c, 0]]), exact=bool(exact), correction=correction)
    return TestResult(float(res.statistic), float(res.pvalue), method, b + c)
