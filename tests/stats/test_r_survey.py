"""R's survey package (Lumley, 4.1) as a second engine: ../shared/reference/r_survey.json.

Every value the project has a method for is reproduced to 1e-6 (R's closed forms are exact to
about 1e-12; its 'logit' to 1e-9). Where a difference remains it is asserted, not skipped:

- Korn–Graubard and logit where R's design-based n* exceeds the domain's n (v5, group 1: one
  light-weighted "yes" gives n* = 162 from 25 respondents): we cap n* at n as NCHS does
  (Parker et al. 2017); R's svyciprop does not. The same limits from R's n* are reproduced
  with :func:`korn_graubard_interval`.
- A share of 0 (v5, group 2): R's n* is 0/0 and its beta limits NaN; we set n* = n (NCHS).
- R's 'mean' (Wald) with t quantiles, and the overlap/paired 't' intervals: the project's
  Wald-type intervals use normal quantiles, so they are compared with R's df = Inf / normal
  versions. R's 'likelihood' uses n*(n-1)/n (its quasibinomial dispersion) and t quantiles;
  our 'likelihood-ratio' engine reproduces R's converged profile ('likelihood_fine') when given
  those, while the weighted method feeds it n*. R's 'asin' and svyratio's ratio-scale Wald have
  no project method. After raking, R's standard errors account for the calibration and ours
  treat the weights as fixed: the estimates and raked weights are compared, not those SEs.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.stats import norm
from scipy.stats import t as t_dist

from survey_analysis import stats
from survey_analysis.stats.proportion import share_bounds
from tests.stats.reference import load_reference

REF = load_reference("r_survey.json")
TOL = 1e-6


def _num(value):
    return float(value) if isinstance(value, str) else value


def _cases():
    for ds in REF["datasets"]:
        for res in ds["results"]:
            yield pytest.param(ds, res, id=f"{ds['id']}-{res['level']}")


def _data(ds):
    return {k: np.asarray(v, dtype=object if k in ("r1", "r2") else float)
            for k, v in ds["data"].items()}


def _share_blocks(ds, res):
    d = _data(ds)
    yield "share", None, res["share"]
    for g in ("g1", "g2"):
        yield g, d[g] == 1, res["domain_share"][g]


CASES = list(_cases())


@pytest.mark.parametrize(("ds", "res"), CASES)
def test_share_estimate_variance_and_effective_sizes(ds, res):
    d = _data(ds)
    for _name, domain, ref in _share_blocks(ds, res):
        r = stats.weighted_share_interval(d["y"], d["w"], res["level"], "korn-graubard",
                                          domain=domain)
        assert r.estimate == pytest.approx(ref["estimate"], abs=TOL)
        assert r.std_error == pytest.approx(ref["se"], abs=TOL)
        assert r.n == ref["n"] and r.df == ref["df"]
        kish = stats.weighted_share_interval(d["y"], d["w"], domain=domain, effective_n="kish")
        assert kish.n_effective == pytest.approx(ref["n_eff_kish"], rel=TOL)
        r_neff = _num(ref["n_eff_design"])
        if math.isnan(r_neff):  # share of 0 or 1: NCHS sets n* = n
            assert r.n_effective == ref["n"] and ref["estimate"] in (0, 1)
        else:
            assert r.n_effective == pytest.approx(min(r_neff, ref["n"]), rel=TOL)
            # the uncapped n* is p(1-p)/v from the same variance
            p = r.estimate
            assert p * (1 - p) / r.std_error**2 == pytest.approx(r_neff, rel=TOL)


@pytest.mark.parametrize(("ds", "res"), CASES)
def test_korn_graubard_and_logit_match_svyciprop(ds, res):
    d, level = _data(ds), res["level"]
    checked = 0
    for _name, domain, ref in _share_blocks(ds, res):
        r_neff = _num(ref["n_eff_design"])
        beta = ref["svyciprop"]["beta"]
        kg = stats.weighted_share_interval(d["y"], d["w"], level, "korn-graubard", domain=domain)
        assert kg.n_effective_method == "design" and "design-based" in kg.method
        if math.isnan(r_neff):
            # R: NaN limits. Ours: Clopper-Pearson at n* = n, so [0, 1 - (alpha/2)^(1/n)].
            assert math.isnan(_num(beta["lower"])) and ref["estimate"] == 0
            assert (kg.lower, kg.upper) == pytest.approx(
                (0.0, 1 - ((1 - level) / 2) ** (1 / ref["n"])), abs=1e-12)
            continue
        # The helper reproduces R from R's own n*, capped or not ...
        assert stats.korn_graubard_interval(ref["estimate"], r_neff, level=level) == pytest.approx(
            (beta["lower"], beta["upper"]), abs=TOL)
        # ... and the weighted share equals it wherever the NCHS cap does not bind.
        logit = stats.weighted_share_interval(d["y"], d["w"], level, "logit", domain=domain)
        logit_inf = stats.weighted_share_interval(d["y"], d["w"], level, "logit", domain=domain,
                                                  df=math.inf)
        wald = stats.weighted_share_interval(d["y"], d["w"], level, "wald", domain=domain)
        if r_neff <= ref["n"]:
            assert (kg.lower, kg.upper) == pytest.approx((beta["lower"], beta["upper"]), abs=TOL)
            for ours, key in ((logit, "svyciprop"), (logit_inf, "svyciprop_df_inf")):
                want = ref[key]["logit"]
                assert (ours.lower, ours.upper) == pytest.approx((want["lower"], want["upper"]),
                                                                 abs=TOL)
                assert ref[key]["xlogit"]["lower"] == pytest.approx(want["lower"], abs=TOL)
            mean = ref["svyciprop_df_inf"]["mean"]  # Wald, normal quantile, clipped by us
            assert (wald.lower, wald.upper) == pytest.approx(
                (max(mean["lower"], 0.0), min(mean["upper"], 1.0)), abs=TOL)
            checked += 1
        else:  # v5 group 1: the cap binds, so ours is Korn-Graubard at n* = n
            assert kg.n_effective == ref["n"]
            assert (kg.lower, kg.upper) == pytest.approx(
                stats.korn_graubard_interval(ref["estimate"], ref["n"], level=level), abs=1e-12)
            assert kg.upper > beta["upper"]  # wider than R's uncapped interval
    assert checked >= 1


@pytest.mark.parametrize(("ds", "res"), CASES)
def test_likelihood_engine_matches_svyciprop_profile(ds, res):
    # R's 'likelihood': the binomial LR interval on (p n', n'), n' = n*(n-1)/n, with t_df
    # quantiles. Our LR engine at the level whose normal quantile is that t quantile.
    level = res["level"]
    for _name, _domain, ref in _share_blocks(ds, res):
        r_neff = _num(ref["n_eff_design"])
        if math.isnan(r_neff):
            continue
        n_prime = r_neff * (ref["n"] - 1) / ref["n"]
        for key, q in (("svyciprop", t_dist.ppf(0.5 + level / 2, ref["df"])),
                       ("svyciprop_df_inf", norm.ppf(0.5 + level / 2))):
            fine = ref[key]["likelihood_fine"]
            lo, hi = share_bounds(ref["estimate"] * n_prime, n_prime, 2 * norm.cdf(q) - 1,
                                  "likelihood-ratio")
            assert (float(lo), float(hi)) == pytest.approx((fine["lower"], fine["upper"]),
                                                           abs=TOL)


@pytest.mark.parametrize(("ds", "res"), CASES)
def test_overlapping_group_differences_match_svyratio_svycontrast(ds, res):
    d, level = _data(ds), res["level"]
    g1, g2 = d["g1"] == 1, d["g2"] == 1
    for fn, values, key in ((stats.overlap_share_difference, d["y"], "overlap_share_difference"),
                            (stats.overlap_mean_difference, d["x"], "overlap_mean_difference")):
        ref = res[key]
        c = fn(values, g1, g2, weights=d["w"], level=level, method="linearization")
        assert c.estimate == pytest.approx(ref["estimate"], abs=TOL)
        assert (c.estimate1, c.estimate2) == pytest.approx((ref["estimate1"], ref["estimate2"]),
                                                           abs=TOL)
        assert c.std_error == pytest.approx(ref["se"], abs=TOL)
        assert c.n == ref["n_union"] and c.df == ref["df"]
        lo, hi = ref["normal"]["lower"], ref["normal"]["upper"]
        if key == "overlap_share_difference":  # ours is clipped to [-1, 1]
            lo, hi = max(lo, -1.0), min(hi, 1.0)
        assert (c.lower, c.upper) == pytest.approx((lo, hi), abs=TOL)


@pytest.mark.parametrize(("ds", "res"), CASES)
def test_paired_difference_and_log_ratio_match_svycontrast(ds, res):
    d, level = _data(ds), res["level"]
    ref = res["paired"]
    diff, ratio = stats.weighted_paired_comparison(d["a"], d["b"], d["w"], level)
    assert (diff.estimate1, diff.estimate2) == pytest.approx((ref["p_a"], ref["p_b"]), abs=TOL)
    rd = ref["difference"]
    assert diff.estimate == pytest.approx(rd["estimate"], abs=TOL)
    assert diff.std_error == pytest.approx(rd["se"], abs=TOL) and diff.df == ref["df"]
    assert (diff.lower, diff.upper) == pytest.approx(
        (max(rd["normal"]["lower"], -1.0), min(rd["normal"]["upper"], 1.0)), abs=TOL)
    lr = ref["log_ratio"]
    assert math.log(ratio.estimate) == pytest.approx(lr["estimate"], abs=TOL)
    assert ratio.std_error == pytest.approx(lr["se"], abs=TOL)
    assert (ratio.lower, ratio.upper) == pytest.approx(
        (lr["ratio"]["lower"], lr["ratio"]["upper"]), rel=TOL)


@pytest.mark.parametrize(("ds", "res"), CASES)
def test_weighted_mean_matches_svymean_with_design_df(ds, res):
    d, level = _data(ds), res["level"]
    ref = res["mean_x"]
    r = stats.mean_interval(d["x"], d["w"], level)
    assert r.estimate == pytest.approx(ref["estimate"], abs=TOL)
    assert r.std_error == pytest.approx(ref["se"], abs=TOL)
    assert r.df == ref["df"]
    assert (r.lower, r.upper) == pytest.approx((ref["t"]["lower"], ref["t"]["upper"]), abs=TOL)


RAKED = [pytest.param(ds, id=ds["id"]) for ds in REF["datasets"] if "raking" in ds]


@pytest.mark.parametrize("ds", RAKED)
def test_raked_weights_match_survey_rake(ds):
    d, rk = _data(ds), ds["raking"]
    targets = {v: rk["targets_share"][v] for v in rk["variables"]}
    r = stats.rake({v: d[v] for v in rk["variables"]}, targets, d["w"], tol=1e-12, max_iter=2000)
    assert r.converged
    assert r.weights == pytest.approx(np.asarray(rk["weights"]), rel=TOL)
    assert r.n_effective == pytest.approx(rk["kish_n_eff"], rel=TOL)
    assert r.design_effect == pytest.approx(rk["kish_deff"], rel=TOL)
    share = stats.weighted_share_interval(d["y"], r.weights)
    assert share.estimate == pytest.approx(rk["share_y"]["estimate"], abs=TOL)
    assert stats.mean_interval(d["x"], r.weights).estimate == pytest.approx(
        rk["mean_x"]["estimate"], abs=TOL)
