"""The synthetic demo waves: calibrated to the article, reproducible, messy in documented ways."""

from __future__ import annotations

import gzip
import io

import pandas as pd
import pytest

from survey_analysis.demo.generator import generate_wave, load_calibration
from tests.conftest import REPO_ROOT, demo_wave
from tests.framework import framework

# The article's figure -> (result id, tolerance). Tolerance: how far the synthetic wave may sit
# from the published value (sampling error allowed for by the generator), in the figure's unit.
PUBLISHED_FIGURES = {
    "tf_or_pytorch": ("share.either", 0.015),
    "tf_to_pytorch_ratio": ("ratio.tensorflow_to_pytorch", 0.15),
    "p_tf_given_pytorch": ("conditional.tensorflow_given_pytorch", 0.015),
    "p_pytorch_given_tf": ("conditional.pytorch_given_tensorflow", 0.015),
}


def published_2018h2() -> dict[str, tuple[str, float, float]]:
    """Result id -> (published value, tolerance) for every figure the article printed."""
    published = load_calibration()["waves"]["2018-h2"]["published"]
    figures = {rid: (published[key], tol) for key, (rid, tol) in PUBLISHED_FIGURES.items()}
    backend = published["backend_years_mean"]
    figures["profile.backend_experience.tensorflow"] = (backend["tensorflow"], 0.15)
    figures["profile.backend_experience.pytorch"] = (backend["pytorch"], 0.15)
    roles = published["tensorflow_roles"]
    figures["profile.ml_developer.tensorflow"] = (roles["Professional ML developer"], 0.015)
    figures["profile.software_architect.tensorflow"] = (roles["Software architect"], 0.015)
    figures["profile.programmer_in_company.tensorflow"] = (roles["Programmer within a company"],
                                                           0.015)
    figures["profile.business_analysis.pytorch"] = (published["pytorch_business_analysis"], 0.015)
    figures["profile.python_web_developer.pytorch"] = (
        published["pytorch_python_first_web_developer"], 0.015)
    return figures


@pytest.mark.parametrize("result_id", list(published_2018h2()))
def test_2018h2_reproduces_the_article_within_tolerance_and_interval(result_id):
    article = framework(demo_wave("2018-h2"))
    value, tolerance = published_2018h2()[result_id]
    figure = article.results[result_id]
    assert abs(figure.estimate - value) <= tolerance, (result_id, figure.estimate, value)
    assert figure.lower <= value <= figure.upper, (result_id, figure, value)


def test_2018h2_tensorflow_users_more_in_production_and_cloud():
    article = framework(demo_wave("2018-h2"))
    for profile in ("production", "cloud_deployment"):
        diff = article.results[f"profile.{profile}.difference"]
        assert diff.estimate > 0 and diff.significant


def test_pytorch_grows_across_demo_waves():
    shares = [framework(demo_wave(w)).results["share.pytorch"] for w in
              ("2018-h1", "2018-h2", "2019-h1", "2019-h2")]
    estimates = [s.estimate for s in shares]
    assert estimates == sorted(estimates)
    # Not just drift: the last wave's interval lies wholly above the first's.
    assert shares[-1].lower > shares[0].upper


def test_weighted_estimates_differ_but_agree_within_error():
    wave = demo_wave("2018-h2")
    plain = framework(wave).results["share.tensorflow"]
    weighted = framework(wave, weighted=True).results["share.tensorflow"]
    assert weighted.estimate != plain.estimate
    assert weighted.n_effective < weighted.n  # unequal weights cost information
    assert abs(weighted.estimate - plain.estimate) < plain.upper - plain.lower


@pytest.mark.parametrize("wave", ["2018-h1", "2019-h2"])
def test_generator_reproduces_the_committed_file(wave):
    committed = gzip.decompress((REPO_ROOT / "data" / "demo" / f"{wave}.csv.gz").read_bytes())
    regenerated = io.StringIO()
    generate_wave(wave).to_csv(regenerated, index=False, lineterminator="\n")
    assert regenerated.getvalue().encode() == committed


@pytest.mark.parametrize("wave", ["2018-h1", "2018-h2", "2019-h1", "2019-h2"])
def test_every_kind_of_mess_is_present_and_cleaned(wave):
    log = demo_wave(wave).cleaning_log.to_frame().set_index("step")
    for step in ("blank responses", "duplicate submissions", "speeders"):
        assert log.loc[step, "rows_dropped"] > 0, step
    inconsistent = log.loc["inconsistent answers", "rows_dropped"]
    assert (pd.Series(inconsistent) > 0).all()
    recodes = log[log.index.str.startswith("recode")]
    assert recodes["values_changed"].sum() > 0
    population = log.loc[log.index.str.startswith("population")]
    assert 2500 <= population["rows_out"].iloc[0] <= 3500  # "about 3,000 ML/DS developers"
