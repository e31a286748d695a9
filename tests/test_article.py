"""The article's figures against independent computations, and its wording and base rules."""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest

from survey_analysis import ArticleSettings, framework_battle, narrative, tables
from survey_analysis.results import FLAG_NOT_ASKED, FLAG_SMALL_BASE, FLAG_SUPPRESSED, ResultSet
from tests import independent
from tests.conftest import demo_wave

PROFILE_IDS = ["production", "cloud_deployment", "backend_experience", "ml_developer",
               "software_architect", "programmer_in_company", "business_analysis",
               "python_web_developer"]


@pytest.fixture(scope="module")
def article():
    return framework_battle(demo_wave("2018-h2"))


def test_headline_figures_match_independent_computation(article):
    expected = independent.headline(article.wave.respondents)
    for result_id, values in expected.items():
        figure = article[result_id]
        for key, value in values.items():
            assert getattr(figure, key) == pytest.approx(value, rel=1e-9, abs=1e-12), (
                result_id, key)


def test_profile_differences_match_independent_linearization_and_holm(article):
    expected = independent.profile_differences(article.wave.respondents, PROFILE_IDS)
    for result_id, values in expected.items():
        figure = article[result_id]
        assert figure.estimate == pytest.approx(values["estimate"], abs=1e-12), result_id
        assert figure.p_value == pytest.approx(values["p_value"], rel=1e-6), result_id
        assert figure.significant == values["significant"], result_id


def test_profile_group_bases_are_the_framework_groups(article):
    base = independent.framework_frame(article.wave.respondents)
    assert article["profile.production.tensorflow"].n == int(base["tf"].sum())
    assert article["profile.production.pytorch"].n == int(base["pt"].sum())
    assert article["robustness.production.pytorch_only"].n == int((base["pt"] & ~base["tf"]).sum())
    # Profile ids are stable and complete.
    for pid in PROFILE_IDS:
        for suffix in ("tensorflow", "pytorch", "difference"):
            assert f"profile.{pid}.{suffix}" in article.results
        for suffix in ("tensorflow_only", "pytorch_only", "difference"):
            assert f"robustness.{pid}.{suffix}" in article.results


def _with(article, **replacements):
    """The article with some results replaced (to test wording on chosen values)."""
    results = ResultSet((replacements.get(r.id.replace(".", "__"), r) for r in article.results),
                        **article.results.metadata)
    return dataclasses.replace(article, results=results)


def test_an_interval_including_zero_is_worded_as_no_clear_difference(article):
    diff = article["profile.production.difference"]
    unclear = dataclasses.replace(diff, estimate=0.02, lower=-0.01, upper=0.05, p_value=0.2,
                                  significant=False)
    sentence = narrative.profile_sentence(_with(article, profile__production__difference=unclear),
                                          article.profiles[0])
    assert "no clear difference" in sentence and "more common" not in sentence
    clear = narrative.profile_sentence(article, article.profiles[0])
    assert "more common among TensorFlow users" in clear


def test_a_ratio_interval_including_one_is_no_clear_difference(article):
    ratio = dataclasses.replace(article["ratio.tensorflow_to_pytorch"], estimate=1.1, lower=0.9,
                                upper=1.3, significant=False)
    text = narrative.ratio(_with(article, ratio__tensorflow_to_pytorch=ratio))
    assert "no clear difference" in text and "times" not in text
    assert "3.41 times" in narrative.ratio(article)


def test_small_bases_are_flagged_and_tiny_ones_suppressed():
    wave = demo_wave("2018-h2")
    flagged = framework_battle(wave, ArticleSettings(min_base=400, suppression_floor=10))
    assert flagged["conditional.tensorflow_given_pytorch"].flag == FLAG_SMALL_BASE  # n = 321
    assert flagged["conditional.pytorch_given_tensorflow"].flag is None  # n = 1,094
    suppressed = framework_battle(wave, ArticleSettings(min_base=400, suppression_floor=400))
    gone = suppressed["conditional.tensorflow_given_pytorch"]
    assert gone.flag == FLAG_SUPPRESSED and gone.estimate is None and gone.lower is None
    row = tables.headline_table(suppressed).set_index("Figure").loc[gone.label]
    assert row["Estimate"] == "suppressed (base too small)" and row["95% CI"] == ""
    assert "too few respondents" in narrative.overlap(suppressed)


def test_a_framework_not_asked_reads_not_asked_never_zero():
    wave = demo_wave("2018-h2")
    no_pytorch = {c: pd.Series(pd.NA, index=wave.respondents.index, dtype="boolean")
                  for c in ["framework_pytorch"]}
    respondents = wave.respondents.assign(**no_pytorch)
    cleaned = wave.cleaned.assign(framework_pytorch=pd.Series(pd.NA, index=wave.cleaned.index,
                                                              dtype="boolean"))
    article = framework_battle(dataclasses.replace(wave, respondents=respondents, cleaned=cleaned))
    assert article["share.tensorflow"].flag is None
    for rid in ("share.pytorch", "ratio.tensorflow_to_pytorch",
                "conditional.tensorflow_given_pytorch", "profile.production.difference"):
        assert article[rid].flag == FLAG_NOT_ASKED and article[rid].estimate is None
    assert "PyTorch was not an answer option" in narrative.overlap(article)
    assert "not asked in this wave" in narrative.headline(article)
    assert narrative.ratio(article) == ""
    table = tables.headline_table(article).set_index("Figure")
    assert table.loc["Use PyTorch", "Estimate"] == "not asked in this wave"


def test_settings_are_checked():
    with pytest.raises(ValueError, match="confidence level"):
        ArticleSettings(level=95)
    with pytest.raises(ValueError, match=r"share method 'exact'.*wilson"):
        ArticleSettings(share_method="exact")
    with pytest.raises(ValueError, match="suppression floor"):
        ArticleSettings(min_base=10, suppression_floor=30)


def test_confidence_level_changes_every_interval():
    wave = demo_wave("2018-h2")
    narrow = framework_battle(wave, ArticleSettings(level=0.8))["share.tensorflow"]
    wide = framework_battle(wave, ArticleSettings(level=0.99))["share.tensorflow"]
    assert wide.lower < narrow.lower < narrow.estimate < narrow.upper < wide.upper


def test_claims_are_checked_against_the_intervals(article):
    checks = {c.claim.id: c for c in article.claims}
    # 51.1% (45.6-56.5%): "over 50%" is not established, the interval includes 50%.
    assert checks["pytorch_users_use_tensorflow"].verdict == "not clearly above"
    assert checks["either_share"].verdict == "consistent"  # 43% is inside 41.2-44.8%
    assert checks["production"].verdict == "supported"
    recorded = {c["id"]: c["verdict"] for c in article.results.metadata["claims"]}
    assert recorded == {cid: c.verdict for cid, c in checks.items()}


def test_a_significant_difference_the_other_way_is_called_a_reversal(article):
    diff = article["profile.production.difference"]
    reversed_diff = dataclasses.replace(diff, estimate=-0.1, lower=-0.15, upper=-0.05,
                                        p_value=0.001, significant=True)
    flipped = _with(article, profile__production__difference=reversed_diff)
    production = next(c for c in flipped.claims if c.claim.id == "production")
    assert production.verdict == "reversed"
    sentence = narrative.profile_sentence(flipped, flipped.profile("production"))
    assert "more common among PyTorch users" in sentence and "the reverse" in sentence
    summary = narrative.profile_summary(flipped)
    assert "1 are reversed" in summary and "Use machine learning in production" in summary
    assert "7 of the original article's 8 profile differences are supported" in summary


def test_value_claims_allow_for_the_articles_rounding(article):
    def verdict(lower: float, upper: float) -> str:
        moved = dataclasses.replace(article["share.either"], estimate=(lower + upper) / 2,
                                    lower=lower, upper=upper)
        return next(c for c in _with(article, share__either=moved).claims
                    if c.claim.id == "either_share").verdict

    assert verdict(0.58, 0.62) == "differs"
    # "43%" stands for 42.5-43.5%: an interval from 43.4% still cannot be told apart from it.
    assert verdict(0.434, 0.46) == "consistent"
    assert verdict(0.436, 0.46) == "differs"


def test_stand_in_measures_are_not_checked_against_published_values():
    wave = demo_wave("2018-h2")
    profiles = dict(wave.source.extra["profiles"])
    profiles["ml_developer"] = {**profiles["ml_developer"], "stand_in": True}
    source = dataclasses.replace(wave.source, extra={**wave.source.extra, "profiles": profiles})
    article = framework_battle(dataclasses.replace(wave, source=source))
    checks = {c.claim.id: c for c in article.claims}
    assert checks["ml_developer_share"].verdict == "cannot be checked"
    assert checks["ml_developer"].verdict == "supported"  # the direction is still compared


def test_weighting_a_source_without_weights_is_refused():
    wave = demo_wave("2018-h2")
    unweighted_codebook = dataclasses.replace(
        wave.codebook, columns={k: v for k, v in wave.codebook.columns.items() if k != "weight"})
    no_weights = dataclasses.replace(wave, codebook=unweighted_codebook)
    with pytest.raises(ValueError, match="publishes no survey weights"):
        framework_battle(no_weights, ArticleSettings(weighted=True))
    assert "publishes no survey weights" in narrative.methods(framework_battle(no_weights))
