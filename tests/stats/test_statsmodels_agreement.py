"""Our wrappers and hand-written formulas agree with statsmodels/scipy where they overlap."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from scipy.stats import ttest_ind
from statsmodels.stats.contingency_tables import mcnemar
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import (
    confint_proportions_2indep,
    proportion_confint,
    proportions_ztest,
)

from survey_analysis import stats

SINGLE = [(x, n) for n in (1, 7, 30, 101, 1000) for x in sorted({0, 1, n // 3, n // 2, n - 1, n})]
PAIRS = list(itertools.product([(3, 20), (15, 148), (56, 70), (1, 40), (99, 100)], repeat=2))


@pytest.mark.parametrize(
    ("ours", "theirs"),
    [
        ("wilson", "wilson"),
        ("clopper-pearson", "beta"),
        ("agresti-coull", "agresti_coull"),
        ("jeffreys", "jeffreys"),
        ("wald", "normal"),
    ],
)
@pytest.mark.parametrize("level", [0.9, 0.95, 0.99])
def test_share_interval_matches_proportion_confint(ours, theirs, level):
    for x, n in SINGLE:
        if ours == "jeffreys" and x in (0, n):
            continue  # statsmodels leaves lower just above 0 (upper below 1); BCD 2001 set 0/1
        r = stats.share_interval(x, n, level, ours)
        lo, hi = proportion_confint(x, n, alpha=1 - level, method=theirs)
        assert r.lower == pytest.approx(np.clip(lo, 0, 1), abs=1e-10), (x, n)
        assert r.upper == pytest.approx(np.clip(hi, 0, 1), abs=1e-10), (x, n)


def test_jeffreys_boundaries_follow_brown_cai_dasgupta():
    assert stats.share_interval(0, 20, method="jeffreys").lower == 0.0
    assert stats.share_interval(20, 20, method="jeffreys").upper == 1.0


@pytest.mark.parametrize(("ours", "theirs"), [("newcombe", "newcomb"), ("wald", "wald")])
def test_difference_matches_confint_proportions_2indep(ours, theirs):
    for (x1, n1), (x2, n2) in PAIRS:
        r = stats.difference_interval(x1, n1, x2, n2, method=ours)
        lo, hi = confint_proportions_2indep(x1, n1, x2, n2, method=theirs, compare="diff")
        expected = (max(lo, -1.0), min(hi, 1.0))  # statsmodels' Wald is not truncated
        assert (r.lower, r.upper) == pytest.approx(expected, abs=1e-9)


def test_agresti_caffo_matches_statsmodels_before_truncation():
    for (x1, n1), (x2, n2) in PAIRS:
        r = stats.difference_interval(x1, n1, x2, n2, method="agresti-caffo")
        lo, hi = confint_proportions_2indep(x1, n1, x2, n2, method="agresti-caffo")
        assert (r.lower, r.upper) == pytest.approx((max(lo, -1), min(hi, 1)), abs=1e-9)


@pytest.mark.parametrize(
    ("ours", "theirs"),
    [("koopman", "score"), ("katz", "log"), ("adjusted-log", "log-adjusted")],
)
def test_ratio_matches_confint_proportions_2indep(ours, theirs):
    for (x1, n1), (x2, n2) in PAIRS:
        r = stats.ratio_interval(x1, n1, x2, n2, method=ours)
        lo, hi = confint_proportions_2indep(
            x1, n1, x2, n2, method=theirs, compare="ratio", correction=False
        )
        assert (r.lower, r.upper) == pytest.approx((lo, hi), rel=1e-6)


def test_two_proportion_test_matches_proportions_ztest():
    for (x1, n1), (x2, n2) in PAIRS:
        r = stats.two_proportion_test(x1, n1, x2, n2)
        z, p = proportions_ztest([x1, x2], [n1, n2])
        assert (r.statistic, r.p_value) == pytest.approx((z, p), rel=1e-12)
    assert stats.two_proportion_test(0, 10, 0, 20).p_value == 1.0


@pytest.mark.parametrize("exact", [None, True, False])
def test_mcnemar_matches_statsmodels(exact):
    for b, c in [(6, 16), (0, 5), (30, 12), (1, 1), (100, 80)]:
        r = stats.mcnemar_test(b, c, exact=exact)
        use_exact = (b + c < 25) if exact is None else exact
        ref = mcnemar([[5, b], [c, 7]], exact=use_exact, correction=True)
        assert (r.statistic, r.p_value) == pytest.approx((ref.statistic, ref.pvalue), rel=1e-12)
    assert stats.mcnemar_test(0, 0).p_value == 1.0


@pytest.mark.parametrize(("ours", "theirs"), [("holm", "holm"), ("benjamini-hochberg", "fdr_bh")])
def test_adjust_p_values_matches_multipletests(ours, theirs):
    rng = np.random.default_rng(3)
    families = [rng.uniform(0, 0.2, size=15), rng.uniform(0, 1, size=40), np.array([0.3]),
                np.array([0.01, 0.01, 0.04, 0.04, 0.2]),  # ties
                np.array([0.0, 1.0, 0.025, 0.05]),  # the ends, and exactly alpha / (m - i + 1)
                rng.choice([0.001, 0.02, 0.05, 0.5], size=30)]
    for p in families:
        for alpha in (0.05, 0.1):
            r = stats.adjust_p_values(p, method=ours, alpha=alpha)
            reject, adjusted, _, _ = multipletests(p, alpha=alpha, method=theirs)
            assert np.array_equal(r.p_values, adjusted), (p, alpha)  # same arithmetic
            assert list(r.reject) == list(reject), (p, alpha)


def test_welch_matches_scipy():
    rng = np.random.default_rng(7)
    a, b = rng.normal(1, 2, 25), rng.normal(0, 1, 40)
    r = stats.mean_difference_interval(a, b, level=0.9)
    ref = ttest_ind(a, b, equal_var=False)
    lo, hi = ref.confidence_interval(0.9)
    assert r.p_value == pytest.approx(ref.pvalue, rel=1e-10)
    assert (r.lower, r.upper) == pytest.approx((lo, hi), rel=1e-10)
    assert r.df == pytest.approx(ref.df, rel=1e-10)


def test_mean_interval_matches_t_interval():
    from scipy.stats import t

    y = np.array([2.0, 3.5, 1.0, 4.0, 7.5, 3.0])
    r = stats.mean_interval(y)
    lo, hi = t.interval(0.95, len(y) - 1, loc=y.mean(), scale=y.std(ddof=1) / np.sqrt(len(y)))
    assert (r.lower, r.upper) == pytest.approx((lo, hi), rel=1e-12)
    rw = stats.mean_interval(y, weights=np.full(6, 2.5))
    assert (rw.lower, rw.upper) == pytest.approx((lo, hi), rel=1e-12)
