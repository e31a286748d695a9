"""Degenerate but legitimate waves render, and suppression is total: a suppressed figure is in no
text, table, chart, alt text or results file; weighted figures are flagged by their effective n."""

from __future__ import annotations

import json
import re

import pytest
from bs4 import BeautifulSoup

from survey_analysis import load_wave, phrases
from survey_analysis.results import FLAG_SMALL_BASE, FLAG_SUPPRESSED
from tests.framework import framework
from tests.robustness.conftest import demo_frame, write_wave


def _ml(frame):
    return frame[frame.Q1_ml_involvement.str.startswith("Yes")]


def _without_pytorch(frame):
    answers = frame.Q2_frameworks.str.split(";").map(
        lambda options: ";".join(o for o in options if o != "PyTorch") or "None",
        na_action="ignore")
    return frame.assign(Q2_frameworks=answers.where(frame.Q2_frameworks != "", ""))


@pytest.fixture(scope="module")
def degenerate_build(_settled_site, tmp_path_factory):
    """One build of three degenerate waves: five respondents, nobody using PyTorch, everyone
    giving the same answers."""
    import shutil

    from survey_analysis import cli

    live, template = _settled_site
    shutil.rmtree(live, ignore_errors=True)
    shutil.copytree(template, live, copy_function=shutil.copy2)
    data = tmp_path_factory.mktemp("degenerate-data")
    write_wave(data, _ml(demo_frame("2018-h1")).head(5), "2018-h1")
    write_wave(data, _without_pytorch(demo_frame("2018-h2")), "2018-h2")
    same = demo_frame("2019-h1").assign(Q1_ml_involvement="Yes, it is my main job",
                                        Q2_frameworks="TensorFlow;PyTorch",
                                        Q3_roles="Data scientist", Q6_primary_language="Python")
    write_wave(data, same, "2019-h1")
    code = cli.main(["render", "--reports-dir", str(live), "--data-dir", str(data), "--jobs",
                     "2", "--wave", "2018-h1", "--wave", "2018-h2", "--wave", "2019-h1"])
    pages = {w: ((live / "demo" / "framework_battle" / f"{w}.html").read_text(encoding="utf-8"),
                 json.loads((live / "demo" / "framework_battle" / f"{w}.results.json").read_text()))
             for w in ("2018-h1", "2018-h2", "2019-h1")}
    return code, pages


@pytest.mark.slow
def test_degenerate_waves_render(degenerate_build):
    code, pages = degenerate_build
    assert code == 0
    for html, results in pages.values():
        assert results["results"] and "<h1" in html


@pytest.mark.slow
def test_five_respondents_suppressed_everywhere(degenerate_build):
    _, pages = degenerate_build
    html, results = pages["2018-h1"]
    records = results["results"]
    suppressed = [r for r in records if r.get("flag") == FLAG_SUPPRESSED]
    assert suppressed and all(r["estimate"] is None and r["lower"] is None for r in suppressed)
    small = [r for r in records if r.get("n") is not None and r["n"] < 10]
    assert small and all(r["estimate"] is None for r in small), [
        (r["id"], r["flag"]) for r in small if r["estimate"] is not None]
    soup = BeautifulSoup(html, "html.parser")
    alts = [img.get("alt", "") for img in soup.find_all("img")]
    assert not [a for a in alts if "Overlap of TensorFlow and PyTorch users" in a], alts
    assert not [a for a in alts if re.search(r"\d%|\d \(", a)], alts
    text = soup.get_text(" ")
    # With 5 respondents every share is a multiple of 20%: none may be printed.
    assert not re.search(r"\b(20|40|60|80)\.0\s?%", text), re.findall(r".{40}\d0\.0 ?%", text)
    assert "TensorFlow only 2" not in text


@pytest.mark.slow
def test_nobody_using_pytorch_gives_zero_with_its_interval(degenerate_build):
    _, pages = degenerate_build
    html, results = pages["2018-h2"]
    share = next(r for r in results["results"] if r["id"] == "share.pytorch")
    assert share["estimate"] == 0 and share["lower"] == 0 and share["upper"] > 0
    assert "0.0%" in BeautifulSoup(html, "html.parser").get_text()


@pytest.mark.slow
def test_everyone_answering_alike_renders(degenerate_build):
    _, pages = degenerate_build
    _, results = pages["2019-h1"]
    both = next(r for r in results["results"] if r["id"] == "share.both")
    assert both["estimate"] == 1 and both["upper"] == 1 and both["lower"] < 1


def test_weighted_flags_follow_the_effective_n(tmp_path):
    """Five weights of 1e9 leave an effective n of about 5: the figures are suppressed, and the
    ratio is not printed as "4606049.60 times" unflagged."""
    frame = demo_frame("2018-h1")
    frame["weight"] = frame["weight"].where(frame.index >= 5, "1e9")
    survey = load_wave("demo", "2018-h1", data_dir=write_wave(tmp_path, frame))
    article = framework(survey, weighted=True).results
    ratio = article["ratio.tensorflow_to_pytorch"]
    assert ratio.flag == FLAG_SUPPRESSED and ratio.estimate is None
    assert " times " not in phrases.times(ratio, "TensorFlow", "PyTorch")
    assert "cannot be reported" in phrases.times(ratio, "TensorFlow", "PyTorch")
    headline = article["share.either"]
    assert headline.n > 1000 and headline.flag in (FLAG_SUPPRESSED, FLAG_SMALL_BASE)


def test_unweighted_figures_are_not_flagged_by_the_weights(tmp_path):
    frame = demo_frame("2018-h1")
    frame["weight"] = frame["weight"].where(frame.index >= 5, "1e9")
    survey = load_wave("demo", "2018-h1", data_dir=write_wave(tmp_path, frame))
    article = framework(survey, weighted=False).results
    assert article["share.either"].flag not in (FLAG_SUPPRESSED, FLAG_SMALL_BASE)
