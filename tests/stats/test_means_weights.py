"""Means, Kish effective n, design effect and raking."""

from __future__ import annotations

import numpy as np
import pytest

from survey_analysis import stats


def test_kish_and_design_effect():
    w = np.array([1.0, 1.0, 2.0, 2.0])
    assert stats.kish_effective_n(w) == pytest.approx(36 / 10)
    assert stats.design_effect(w) == pytest.approx(4 * 10 / 36)
    assert stats.design_effect(np.ones(7)) == pytest.approx(1.0)


def test_weighted_mean_uses_linearization_variance():
    y = np.array([1.0, 2.0, 4.0, 8.0, 3.0])
    w = np.array([1.0, 3.0, 1.0, 0.5, 2.0])
    r = stats.mean_interval(y, w)
    mean = np.sum(w * y) / w.sum()
    var = 5 / 4 * np.sum((w * (y - mean)) ** 2) / w.sum() ** 2
    assert r.estimate == pytest.approx(mean) and r.std_error == pytest.approx(np.sqrt(var))
    # issue 12: n_effective is design-based, s_w^2 / v (it was Kish's before)
    s2 = 5 / 4 * np.sum(w * (y - mean) ** 2) / w.sum()
    assert r.n_effective == pytest.approx(min(s2 / var, 5)) and r.n_effective_method == "design"
    assert r.df == 4
    equal = stats.mean_interval(y, np.full(5, 2.0))
    assert equal.n_effective == pytest.approx(5)
    y2, w2 = np.array([1.0, 2.0, 3.0, 4.0, 5.0, 9.0]), np.array([1.0, 1.0, 2.0, 2.0, 4.0, 4.0])
    m2 = np.sum(w2 * y2) / w2.sum()
    v2 = 6 / 5 * np.sum((w2 * (y2 - m2)) ** 2) / w2.sum() ** 2
    s2_2 = 6 / 5 * np.sum(w2 * (y2 - m2) ** 2) / w2.sum()
    assert stats.mean_interval(y2, w2).n_effective == pytest.approx(s2_2 / v2)  # below n, uncapped


def test_mean_interval_drops_nan():
    r = stats.mean_interval([1.0, np.nan, 3.0])
    assert r.n == 2 and r.estimate == 2.0


def test_weighted_mean_difference_reduces_to_welch_with_equal_weights():
    rng = np.random.default_rng(1)
    a, b = rng.normal(size=20), rng.normal(size=30)
    plain = stats.mean_difference_interval(a, b)
    weighted = stats.mean_difference_interval(a, b, np.full(20, 2.0), np.full(30, 0.5))
    assert (weighted.lower, weighted.upper) == pytest.approx((plain.lower, plain.upper))


def test_rake_matches_margins_and_keeps_inputs():
    rng = np.random.default_rng(5)
    sex = rng.choice(["f", "m"], size=500, p=[0.3, 0.7])
    age = rng.choice(["young", "mid", "old"], size=500, p=[0.5, 0.3, 0.2])
    base = rng.uniform(0.5, 1.5, size=500)
    data = {"sex": sex, "age": age}
    before = (sex.copy(), age.copy(), base.copy())
    targets = {"sex": {"f": 0.5, "m": 0.5}, "age": {"young": 30, "mid": 40, "old": 30}}
    r = stats.rake(data, targets, base)
    assert r.converged and r.max_margin_error < 1e-8
    w = r.weights
    assert w.sum() == pytest.approx(base.sum())
    assert w[sex == "f"].sum() / w.sum() == pytest.approx(0.5)
    assert w[age == "mid"].sum() / w.sum() == pytest.approx(0.4)
    assert np.array_equal(sex, before[0]) and np.array_equal(age, before[1])
    assert np.array_equal(base, before[2]) and w is not base
    assert r.design_effect == pytest.approx(stats.design_effect(w))


def test_rake_accepts_dataframe_and_reports_non_convergence():
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame({"a": ["x", "x", "y", "y"], "b": ["u", "v", "u", "v"]})
    copy = frame.copy()
    r = stats.rake(frame, {"a": {"x": 0.8, "y": 0.2}, "b": {"u": 0.5, "v": 0.5}})
    assert r.converged
    pd.testing.assert_frame_equal(frame, copy)
    # margins that cannot both be met: every "x" is "u"
    bad = {"a": ["x", "y", "y"], "b": ["u", "u", "v"]}
    r2 = stats.rake(bad, {"a": {"x": 0.9, "y": 0.1}, "b": {"u": 0.2, "v": 0.8}}, max_iter=50)
    assert not r2.converged and r2.iterations == 50 and r2.max_margin_error > 0.1


def test_rake_errors_are_plain():
    with pytest.raises(ValueError, match="without a target"):
        stats.rake({"a": ["x", "z"]}, {"a": {"x": 1.0}})
    with pytest.raises(ValueError, match="not in data"):
        stats.rake({"a": ["x"]}, {"b": {"x": 1.0}})
    with pytest.raises(ValueError, match="no respondent"):
        stats.rake({"a": ["x", "x"]}, {"a": {"x": 0.5, "y": 0.5}})


def test_weighted_difference_uses_effective_sizes():
    # Changed by issue 12: the default effective n is design-based, p(1-p)/v (Korn & Graubard
    # 1998), not Kish's; Kish stays available as effective_n="kish".
    from survey_analysis.stats.difference import difference_bounds

    y1, y2 = np.array([1, 0, 1, 1, 0, 1.0]), np.array([0, 0, 1, 0.0])
    w1 = np.array([1, 2, 1, 1, 2, 1.0])
    p1 = np.sum(w1 * y1) / w1.sum()
    v1 = 6 / 5 * np.sum((w1 * (y1 - p1) / w1.sum()) ** 2)
    for how, ne1 in (("design", min(p1 * (1 - p1) / v1, 6)), ("kish", stats.kish_effective_n(w1))):
        r = stats.weighted_difference_interval(y1, y2, w1, effective_n=how)
        lo, hi = difference_bounds(p1 * ne1, ne1, 1, 4)  # sample 2 unweighted: n* = n
        assert (r.lower, r.upper) == pytest.approx((float(lo), float(hi)))
        assert r.n_effective1 == pytest.approx(ne1) and r.n_effective2 == 4
        assert r.n_effective_method == how and r.df == 8
    assert stats.difference_interval(4, 6, 1, 4).estimate != r.estimate


def test_results_are_frozen_and_serialisable():
    r = stats.share_interval(3, 10)
    with pytest.raises(AttributeError):
        r.lower = 0.0  # type: ignore[misc]
    rec = r.to_record()
    assert rec["method"] == "wilson" and rec["n"] == 10
    assert isinstance(
        stats.rake({"a": ["x", "y"]}, {"a": {"x": 1, "y": 1}}).to_record()["weights"], list
    )


def test_design_effective_n_sees_answers_that_rise_with_the_weight():
    # Same weights, same share: when the "yes" answers sit on the heavy weights the share
    # varies more than Kish's n assumes, so the design-based n is smaller; when they sit on
    # the light weights it is larger (capped at n).
    w = np.array([4.0] * 20 + [1.0] * 80)
    rising = np.r_[np.ones(10), np.zeros(90)]  # yes among the heavy-weighted
    falling = np.r_[np.zeros(20), np.ones(40), np.zeros(40)]  # yes among the light-weighted
    kish = stats.kish_effective_n(w)
    up = stats.weighted_share_interval(rising, w)
    down = stats.weighted_share_interval(falling, w)
    assert up.n_effective < kish < down.n_effective <= 100
    p, v = up.estimate, up.std_error**2
    assert up.n_effective == pytest.approx(p * (1 - p) / v)
    # the Kish interval of the rising answer is narrower than the design-based one
    k = stats.weighted_share_interval(rising, w, effective_n="kish")
    assert k.upper - k.lower < up.upper - up.lower
    assert k.method == "logit (Kish n)" and up.method == "logit (design-based n)"


def test_logit_falls_back_to_korn_graubard_at_zero_and_full_shares():
    w = np.array([1.0, 2.0, 3.0, 1.0, 1.0])
    for y in (np.zeros(5), np.ones(5)):
        r = stats.weighted_share_interval(y, w, method="logit")
        assert r.n_effective == 5  # v = 0: n* = n (NCHS)
        assert (r.lower, r.upper) == pytest.approx(stats.korn_graubard_interval(y[0], 5.0))


def test_domain_keeps_the_whole_sample_in_the_variance_factor():
    rng = np.random.default_rng(3)
    y = (rng.random(200) < 0.3).astype(float)
    w = rng.uniform(0.5, 2.0, 200)
    d = rng.random(200) < 0.4
    inside = stats.weighted_share_interval(y, w, domain=d)
    subset = stats.weighted_share_interval(y[d], w[d])
    assert inside.estimate == pytest.approx(subset.estimate) and inside.n == subset.n
    m = int(d.sum())
    # the only difference: N/(N-1) with N = 200 instead of m/(m-1)
    ratio = (200 / 199) / (m / (m - 1))
    assert inside.std_error**2 == pytest.approx(subset.std_error**2 * ratio)
    assert inside.df == subset.df == m - 1
