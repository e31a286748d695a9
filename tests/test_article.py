"""The generic layer on the framework article: figures against independent computations, the
base policy, claims and the significance-aware phrases."""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest

from survey_analysis import Settings, check_claims, phrases, tables
from survey_analysis.results import FLAG_NOT_ASKED, FLAG_SMALL_BASE, FLAG_SUPPRESSED
from tests import independent
from tests.conftest import demo_wave
from tests.framework import CLAIMS, framework

PROFILE_IDS = ["production", "cloud_deployment", "backend_experience", "ml_developer",
               "software_architect", "programmer_in_company", "business_analysis",
               "python_web_developer"]


@pytest.fixture(scope="module")
def article():
    return framework(demo_wave("2018-h2"))


def test_headline_figures_match_independent_computation(article):
    expected = independent.headline(article.wave.respondents)
    for result_id, values in expected.items():
        figure = article.results[result_id]
        for key, value in values.items():
            assert getattr(figure, key) == pytest.approx(value, rel=1e-9, abs=1e-12), (
                result_id, key)


def test_profile_differences_match_independent_linearization_and_holm(article):
    expected = independent.profile_differences(article.wave.respondents, PROFILE_IDS)
    for result_id, values in expected.items():
        figure = article.results[result_id]
        assert figure.estimate == pytest.approx(values["estimate"], abs=1e-12), result_id
        assert figure.p_value == pytest.approx(values["p_value"], rel=1e-6), result_id
        assert figure.significant == values["significant"], result_id


def test_profile_group_bases_are_the_framework_groups(article):
    base = independent.framework_frame(article.wave.respondents)
    r = article.results
    assert r["profile.production.tensorflow"].n == int(base["tf"].sum())
    assert r["profile.production.pytorch"].n == int(base["pt"].sum())
    assert r["robustness.production.pytorch_only"].n == int((base["pt"] & ~base["tf"]).sum())
    assert r["profile.production.difference"].design == "overlapping"
    assert r["robustness.production.difference"].design == "independent"
    assert r["ratio.tensorflow_to_pytorch"].design == "paired"
    # Profile ids are stable and complete.
    for pid in PROFILE_IDS:
        for suffix in ("tensorflow", "pytorch", "difference"):
            assert f"profile.{pid}.{suffix}" in article.results
        for suffix in ("tensorflow_only", "pytorch_only", "difference"):
            assert f"robustness.{pid}.{suffix}" in article.results


def test_an_interval_including_zero_is_worded_as_no_clear_difference(article):
    diff = article.results["profile.production.difference"]
    unclear = dataclasses.replace(diff, estimate=0.02, lower=-0.01, upper=0.05, p_value=0.2,
                                  significant=False)
    words = phrases.compare(unclear, "TensorFlow users", "PyTorch users")
    assert words == "no clear difference"
    assert phrases.compare(diff, "TensorFlow users", "PyTorch users") == \
        "more common among TensorFlow users"
    adjusted_away = dataclasses.replace(diff, significant=False)  # CI excludes 0, adjusted p not
    assert "after adjusting" in phrases.compare(adjusted_away, "A", "B")
    flipped = dataclasses.replace(diff, estimate=-0.1, lower=-0.15, upper=-0.05)
    assert phrases.compare(flipped, "TensorFlow users", "PyTorch users") == \
        "more common among PyTorch users"


def test_a_ratio_interval_including_one_is_no_clear_difference(article):
    ratio = article.results["ratio.tensorflow_to_pytorch"]
    unclear = dataclasses.replace(ratio, estimate=1.1, lower=0.9, upper=1.3, significant=False)
    text = phrases.times(unclear, "TensorFlow", "PyTorch")
    assert "no clear difference" in text and " times" not in text
    assert phrases.times(ratio, "TensorFlow", "PyTorch").startswith(
        "TensorFlow's community is 3.41 times PyTorch's")
    inverse = dataclasses.replace(ratio, estimate=0.5, lower=0.4, upper=0.625)
    assert phrases.times(inverse, "TensorFlow", "PyTorch") == \
        "PyTorch's community is 2.00 times TensorFlow's (95% CI 1.60–2.50)"


def test_small_bases_are_flagged_and_tiny_ones_suppressed():
    wave = demo_wave("2018-h2")
    flagged = framework(wave, base_policy="fixed", min_base=400, suppression_floor=10).results
    assert flagged["conditional.tensorflow_given_pytorch"].flag == FLAG_SMALL_BASE  # n = 321
    assert flagged["conditional.pytorch_given_tensorflow"].flag is None  # n = 1,094
    suppressed = framework(wave, base_policy="fixed", min_base=400, suppression_floor=400)
    gone = suppressed.results["conditional.tensorflow_given_pytorch"]
    assert gone.flag == FLAG_SUPPRESSED and gone.estimate is None and gone.lower is None
    assert gone.flag_reasons == ("base below 400 respondents",)
    row = tables.figures_table(suppressed.split_.results()).set_index("Figure").loc[gone.label]
    assert row["Estimate"] == "suppressed (too few respondents or too imprecise)"
    assert row["95% CI"] == ""
    assert phrases.value_ci(gone) == "too few respondents"
    # The overlap chart shows counts: with a suppressed cell it is not drawn at all.
    from survey_analysis import plots

    # The base is 2,910 respondents; conditionals' bases are 321 and 1,094.
    tiny = framework(wave, base_policy="fixed", min_base=3000, suppression_floor=3000)
    assert tiny.results["share.pytorch_only"].flag == FLAG_SUPPRESSED
    assert plots.overlap_chart(tiny.split_) is None
    assert plots.shares_chart(tiny.split_.results()[:6]) is None
    partly = framework(wave, base_policy="fixed", min_base=400, suppression_floor=400)
    chart = plots.shares_chart([partly.results["conditional.tensorflow_given_pytorch"],
                                partly.results["conditional.pytorch_given_tensorflow"]],
                               ["TF of PT", "PT of TF"])
    assert "TF of PT" not in chart.alt and "PT of TF 15.0%" in chart.alt


def test_nchs_is_the_default_and_names_the_rule_that_fired():
    from survey_analysis import stats

    article = framework(demo_wave("2018-h2"))
    assert article.settings.base_policy == "nchs"
    assert article.results.metadata["base_policy"].startswith("nchs: Shares follow the NCHS")
    for result in article.results:
        if result.kind not in ("share", "conditional") or result.estimate is None:
            continue
        decision = stats.presentation_decision("share", result.estimate, None, None,
                                               n=result.n)
        assert (result.flag == "suppressed") == decision.suppress, result.id
    # A rare option on a small base: the NCHS relative-width rule suppresses it, and says so.
    small = framework(demo_wave("2018-h2"))
    caffe = small.share(small.option("frameworks", "caffe"),
                        within=small.option("frameworks", "pytorch").only(
                            small.option("frameworks", "tensorflow")), id="x.caffe")
    decision = stats.presentation_decision("share", caffe.estimate or 0.0, None, None,
                                           n=caffe.n) if caffe.estimate is not None else None
    if caffe.flag == "suppressed":
        assert caffe.flag_reasons and caffe.estimate is None
    else:
        assert decision is not None and not decision.suppress


def test_a_framework_not_asked_reads_not_asked_never_zero():
    wave = demo_wave("2018-h2")
    no_pytorch = {c: pd.Series(pd.NA, index=wave.respondents.index, dtype="boolean")
                  for c in ["framework_pytorch"]}
    respondents = wave.respondents.assign(**no_pytorch)
    cleaned = wave.cleaned.assign(framework_pytorch=pd.Series(pd.NA, index=wave.cleaned.index,
                                                              dtype="boolean"))
    article = framework(dataclasses.replace(wave, respondents=respondents, cleaned=cleaned))
    r = article.results
    assert r["share.tensorflow"].flag is None
    for rid in ("share.pytorch", "ratio.tensorflow_to_pytorch",
                "conditional.tensorflow_given_pytorch", "profile.production.difference"):
        assert r[rid].flag == FLAG_NOT_ASKED and r[rid].estimate is None
    assert not article.split_.comparable and not article.profiles_.comparable
    assert phrases.value_ci(r["share.pytorch"]) == "not asked in this wave"
    table = tables.figures_table(article.split_.results()).set_index("Figure")
    assert table.loc["Use PyTorch", "Estimate"] == "not asked in this wave"


def test_settings_are_checked():
    with pytest.raises(ValueError, match="confidence_level"):
        Settings(level=95)
    with pytest.raises(ValueError, match="confidence_level"):
        Settings(level="high")
    with pytest.raises(ValueError, match=r"share_method 'exact'.*wilson"):
        Settings(share_method="exact")
    with pytest.raises(ValueError, match="suppression_floor"):
        Settings(min_base=10, suppression_floor=30)
    with pytest.raises(ValueError, match=r"min_base must be a whole number.*'ten'"):
        Settings(min_base="ten")


def test_confidence_level_changes_every_interval():
    wave = demo_wave("2018-h2")
    narrow = framework(wave, level=0.8).results["share.tensorflow"]
    wide = framework(wave, level=0.99).results["share.tensorflow"]
    assert wide.lower < narrow.lower < narrow.estimate < narrow.upper < wide.upper


def test_claims_are_checked_against_the_intervals(article):
    checks = {c.claim.id: c for c in article.checks}
    # 51.1% (45.6-56.5%): "over 50%" is not established, the interval includes 50%.
    assert checks["pytorch_users_use_tensorflow"].verdict == "not clearly above"
    assert checks["either_share"].verdict == "consistent"  # 43% is inside 41.2-44.8%
    assert checks["production"].verdict == "supported"
    recorded = {c["id"]: c["verdict"] for c in article.results.metadata["claims"]}
    assert recorded == {cid: c.verdict for cid, c in checks.items()}


def _checks(article, **replacements):
    """The claims checked with some results replaced (to test verdicts on chosen values)."""
    results = {r.id: replacements.get(r.id.replace(".", "__"), r) for r in article.results}
    robust = {f"profile.{c.measure.id}.difference": results[c.difference.id]
              for c in article.robust_}
    return {c.claim.id: c for c in check_claims(results, CLAIMS, robustness=robust)}


def test_a_significant_difference_the_other_way_is_called_a_reversal(article):
    diff = article.results["profile.production.difference"]
    other = dataclasses.replace(diff, estimate=-0.1, lower=-0.15, upper=-0.05, p_value=0.001,
                                significant=True)
    robust = dataclasses.replace(article.results["robustness.production.difference"],
                                 estimate=-0.08, lower=-0.12, upper=-0.04, significant=True)
    checks = _checks(article, profile__production__difference=other,
                     robustness__production__difference=robust)
    assert checks["production"].verdict == "reversed"


def test_a_verdict_needs_the_robustness_check_to_agree(article):
    unclear = dataclasses.replace(article.results["robustness.production.difference"],
                                  estimate=0.01, lower=-0.03, upper=0.05, significant=False)
    checks = _checks(article, robustness__production__difference=unclear)
    assert checks["production"].verdict == "depends on the users of both"
    assert checks["cloud_deployment"].verdict == "supported"


def test_value_claims_allow_for_the_articles_rounding(article):
    def verdict(lower: float, upper: float) -> str:
        moved = dataclasses.replace(article.results["share.either"],
                                    estimate=(lower + upper) / 2, lower=lower, upper=upper)
        return _checks(article, share__either=moved)["either_share"].verdict

    assert verdict(0.58, 0.62) == "differs"
    # "43%" stands for 42.5-43.5%: an interval from 43.4% still cannot be told apart from it.
    assert verdict(0.434, 0.46) == "consistent"
    assert verdict(0.436, 0.46) == "differs"


def test_stand_in_measures_are_not_checked_against_published_values():
    wave = demo_wave("2018-h2")
    profiles = dict(wave.source.extra["profiles"])
    profiles["ml_developer"] = {**profiles["ml_developer"], "stand_in": True}
    source = dataclasses.replace(wave.source, extra={**wave.source.extra, "profiles": profiles})
    article = framework(dataclasses.replace(wave, source=source))
    checks = {c.claim.id: c for c in article.checks}
    assert checks["ml_developer_share"].verdict == "cannot be checked"
    # No direction verdict on a stand-in: the page says what the stand-in shows instead.
    assert checks["ml_developer"].verdict == "stand-in measure"
    assert "not the article's measure" in checks["ml_developer"].reason
    assert checks["production"].verdict == "supported"


def test_weighting_a_source_without_weights_is_refused():
    wave = demo_wave("2018-h2")
    unweighted_codebook = dataclasses.replace(
        wave.codebook, columns={k: v for k, v in wave.codebook.columns.items() if k != "weight"})
    no_weights = dataclasses.replace(wave, codebook=unweighted_codebook)
    with pytest.raises(ValueError, match="publishes no survey weights"):
        framework(no_weights, weighted=True)
    from survey_analysis import methods

    assert "publishes no survey weights" in methods.methods_text(framework(no_weights))
