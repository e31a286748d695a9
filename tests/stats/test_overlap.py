"""Overlapping groups: linearization vs bootstrap vs simulation."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import norm

from survey_analysis import stats


def _population(rng, n):
    """Respondents with two overlapping roles and a correlated yes/no answer."""
    g1 = rng.random(n) < 0.5
    g2 = np.where(g1, rng.random(n) < 0.4, rng.random(n) < 0.5)
    p = 0.3 + 0.2 * g1 + 0.1 * g2
    y = (rng.random(n) < p).astype(float)
    return y, g1, g2


def test_linearization_and_bootstrap_standard_errors_agree():
    rng = np.random.default_rng(11)
    y, g1, g2 = _population(rng, 3000)
    w = rng.lognormal(0.0, 0.5, size=y.size)
    lin = stats.overlap_share_difference(y, g1, g2, w)
    boot = stats.overlap_share_difference(y, g1, g2, w, method="bootstrap", n_boot=2000, seed=5)
    assert lin.estimate == boot.estimate
    assert boot.std_error == pytest.approx(lin.std_error, rel=0.08)
    assert boot.lower == pytest.approx(lin.lower, abs=0.01)
    assert boot.upper == pytest.approx(lin.upper, abs=0.01)
    assert lin.n_overlap == int((g1 & g2).sum()) and lin.n1 == int(g1.sum())


def test_mean_difference_linearization_matches_bootstrap():
    rng = np.random.default_rng(12)
    _, g1, g2 = _population(rng, 2000)
    v = rng.normal(5, 2, size=g1.size) + 1.5 * g1
    lin = stats.overlap_mean_difference(v, g1, g2)
    boot = stats.overlap_mean_difference(v, g1, g2, method="bootstrap", seed=1)
    assert boot.std_error == pytest.approx(lin.std_error, rel=0.08)


def test_linearization_coverage_near_nominal():
    rng = np.random.default_rng(2024)
    # superpopulation truth of p(y | g1) - p(y | g2), computed on a huge draw
    y, g1, g2 = _population(rng, 2_000_000)
    truth = y[g1].mean() - y[g2].mean()
    hits, reps = 0, 400
    for _ in range(reps):
        ys, s1, s2 = _population(rng, 500)
        r = stats.overlap_share_difference(ys, s1, s2)
        hits += r.lower <= truth <= r.upper
    coverage = hits / reps
    # 400 reps: binomial sd of the coverage around 0.95 is about 0.011
    assert 0.92 <= coverage <= 0.98, coverage


def test_disjoint_groups_reduce_to_independent_samples():
    y = np.array([1, 0, 1, 1, 0, 0, 1, 0, 1, 1], dtype=float)
    g1 = np.arange(10) < 4
    g2 = ~g1
    r = stats.overlap_share_difference(y, g1, g2, method="linearization")
    p1, p2 = y[g1].mean(), y[g2].mean()
    m = 10
    var = m / (m - 1) * (np.sum((y[g1] - p1) ** 2) / 4**2 + np.sum((y[g2] - p2) ** 2) / 6**2)
    assert r.std_error == pytest.approx(np.sqrt(var))
    assert r.p_value == pytest.approx(2 * norm.sf(abs(p1 - p2) / np.sqrt(var)))
    assert r.n_overlap == 0
    # With no one in both groups the default (MOVER-Wilson, r = 0) is Newcombe's hybrid score.
    mover = stats.overlap_share_difference(y, g1, g2)
    newcombe = stats.difference_interval(int(y[g1].sum()), 4, int(y[g2].sum()), 6)
    assert (mover.lower, mover.upper) == pytest.approx((newcombe.lower, newcombe.upper))


def test_identical_groups_give_zero_difference():
    y = np.array([1, 0, 1, 1, 0], dtype=float)
    g = np.ones(5, dtype=bool)
    r = stats.overlap_share_difference(y, g, g)
    assert (r.estimate, r.std_error, r.p_value) == (0.0, 0.0, 1.0)


def test_shared_respondents_lower_the_variance_when_positively_correlated():
    rng = np.random.default_rng(4)
    y, g1, g2 = _population(rng, 2000)
    r = stats.overlap_share_difference(y, g1, g2)
    p1, p2 = y[g1].mean(), y[g2].mean()
    naive = np.sqrt(p1 * (1 - p1) / g1.sum() + p2 * (1 - p2) / g2.sum())
    assert r.std_error < naive


def test_missing_values_excluded_from_both_groups():
    y = np.array([1, 0, np.nan, 1, 0, 1])
    g1 = np.array([1, 1, 1, 0, 0, 1], dtype=bool)
    g2 = np.array([0, 1, 1, 1, 1, 0], dtype=bool)
    r = stats.overlap_share_difference(y, g1, g2)
    assert (r.n1, r.n2, r.n_overlap) == (3, 3, 1)
    assert r.estimate1 == pytest.approx(2 / 3) and r.estimate2 == pytest.approx(1 / 3)


def test_bootstrap_is_reproducible_with_seed():
    rng = np.random.default_rng(9)
    y, g1, g2 = _population(rng, 300)
    a = stats.overlap_share_difference(y, g1, g2, method="bootstrap", n_boot=500, seed=3)
    b = stats.overlap_share_difference(y, g1, g2, method="bootstrap", n_boot=500, seed=3)
    assert a == b
    assert 0 < a.p_value <= 1


def _coverage(method: str, sizes: tuple[int, int, int], p: float, reps: int, seed: int) -> float:
    """Share of simulated samples (true difference 0) whose interval contains 0."""
    import numpy as np

    from survey_analysis import stats

    only1, only2, both = sizes
    g1 = np.r_[np.ones(only1, bool), np.zeros(only2, bool), np.ones(both, bool)]
    g2 = np.r_[np.zeros(only1, bool), np.ones(only2, bool), np.ones(both, bool)]
    rng = np.random.default_rng(seed)
    hits = 0
    for _ in range(reps):
        y = (rng.random(g1.size) < p).astype(float)
        if not y.any():
            hits += 1
            continue
        c = stats.overlap_share_difference(y, g1, g2, method=method)
        hits += c.lower <= 0 <= c.upper
    return hits / reps


def test_mover_wilson_keeps_coverage_where_linearization_fails():
    # A rare answer (5%) in a small group (30) that overlaps half: the review's failing case.
    mover = _coverage("mover-wilson", (300, 15, 15), 0.05, reps=600, seed=11)
    linear = _coverage("linearization", (300, 15, 15), 0.05, reps=600, seed=11)
    assert mover >= 0.92, mover
    assert linear < 0.85, linear  # documents why mover-wilson is the default


def test_mover_wilson_p_value_agrees_with_its_interval():
    import numpy as np

    from survey_analysis import stats

    rng = np.random.default_rng(5)
    for _ in range(200):
        n = int(rng.integers(20, 200))
        y = (rng.random(n) < rng.uniform(0.05, 0.6)).astype(float)
        g1, g2 = rng.random(n) < 0.6, rng.random(n) < 0.4
        if not (g1.any() and g2.any()) or not (g1 | g2).sum() > 2:
            continue
        for level in (0.9, 0.95):
            c = stats.overlap_share_difference(y, g1, g2, level=level)
            excludes_zero = not c.lower <= 0 <= c.upper
            assert excludes_zero == (c.p_value < 1 - level) or abs(c.p_value - (1 - level)) < 1e-6
