"""End to end: render a demo wave with papermill + nbconvert and check the page and its results."""

from __future__ import annotations

import json

import pytest
from bs4 import BeautifulSoup

from survey_analysis.formatting import format_bounds, format_value
from survey_analysis.render.batch import plan_jobs, render
from survey_analysis.render.execute import ParameterError, check_parameters
from survey_analysis.render.site import write_index
from tests import independent
from tests.conftest import demo_data_with_unknown_label, demo_wave

pytestmark = pytest.mark.slow
RESULT_KEYS = {"id", "label", "estimate", "lower", "upper", "n", "method", "level"}


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    reports = tmp_path_factory.mktemp("reports")
    jobs = plan_jobs("demo", ["2018-h2"], reports_dir=reports)
    outcomes = render(jobs)
    assert [o.status for o in outcomes] == ["rendered"], outcomes[0].failure
    write_index(reports)
    page = (reports / "demo" / "framework_battle" / "2018-h2.html").read_text()
    results = json.loads((reports / "demo" / "framework_battle" / "2018-h2.results.json")
                         .read_text())
    return reports, page, results


def test_page_has_no_code_prompts_or_external_scripts(rendered):
    _, page, _ = rendered
    soup = BeautifulSoup(page, "html.parser")
    assert not soup.select(".jp-CodeCell .jp-InputArea"), "code must not reach readers"
    assert not soup.select(".highlight, .jp-InputPrompt, .jp-OutputPrompt")
    assert "load_wave(" not in page and "import " not in soup.get_text()
    assert not soup.select("script[src]"), "no script may load from anywhere"
    assert "Traceback" not in page and "Warning" not in soup.get_text()
    # The title tells this wave's answer.
    assert soup.find("h1").get_text().startswith("3.41 TensorFlow users per PyTorch user")
    assert all(img.get("alt") for img in soup.find_all("img"))


def test_results_file_has_every_figure_with_required_fields(rendered):
    _, _, results = rendered
    records = {r["id"]: r for r in results["results"]}
    for record in records.values():
        assert set(record) >= RESULT_KEYS
    for rid in ("share.either", "share.tensorflow", "share.pytorch", "share.both",
                "share.tensorflow_only", "share.pytorch_only", "ratio.tensorflow_to_pytorch",
                "conditional.tensorflow_given_pytorch", "conditional.pytorch_given_tensorflow"):
        assert rid in records
    comparisons = [r for r in records.values() if r["id"].endswith(".difference")]
    assert comparisons and all(r["p_value"] is not None and r["significant"] is not None
                               for r in comparisons)


def test_results_file_agrees_with_independent_computation(rendered):
    _, _, results = rendered
    records = {r["id"]: r for r in results["results"]}
    respondents = demo_wave("2018-h2").respondents
    expected = independent.headline(respondents)
    expected.update(independent.profile_differences(
        respondents, ["production", "cloud_deployment", "backend_experience", "ml_developer",
                      "software_architect", "programmer_in_company", "business_analysis",
                      "python_web_developer"]))
    for rid, values in expected.items():
        for key, value in values.items():
            assert records[rid][key] == pytest.approx(value, rel=1e-6, abs=1e-9), (rid, key)


def test_page_shows_each_headline_figure_as_in_the_results(rendered):
    _, page, results = rendered
    text = BeautifulSoup(page, "html.parser").get_text(" ")
    for record in results["results"]:
        if not record["id"].startswith(("share.", "conditional.", "ratio.")):
            continue
        assert format_value(record["estimate"], record["kind"]) in text, record["id"]
        assert format_bounds(record) in text, record["id"]
        assert f"{record['n']:,}" in text, record["id"]


def test_profile_table_shows_verdicts_from_the_results(rendered):
    _, page, results = rendered
    records = {r["id"]: r for r in results["results"]}
    soup = BeautifulSoup(page, "html.parser")
    table = next(t for t in soup.find_all("table") if "Verdict" in t.get_text()
                 and "TF users" in t.get_text())
    rows = table.find("tbody").find_all("tr")
    labels = {r["label"].split(":")[0]: r for r in records.values()
              if r["id"].startswith("profile.") and r["id"].endswith(".difference")}
    assert len(rows) == len(labels)
    for row in rows:
        cells = [c.get_text(strip=True) for c in row.find_all(["th", "td"])]
        record = labels[cells[0]]
        verdict = "significant" if record["significant"] else "no clear difference"
        assert verdict in cells, cells


def test_index_links_the_page_with_its_headline(rendered):
    reports, _, results = rendered
    index = (reports / "index.html").read_text()
    assert 'href="demo/framework_battle/2018-h2.html"' in index
    either = next(r for r in results["results"] if r["id"] == "share.either")
    assert format_value(either["estimate"], "share") in index


def test_second_render_is_skipped_and_changed_input_re_renders(rendered, tmp_path):
    reports, _, _ = rendered
    again = render(plan_jobs("demo", ["2018-h2"], reports_dir=reports))
    assert [o.status for o in again] == ["skipped"]
    forced = plan_jobs("demo", ["2018-h2"], reports_dir=reports,
                       parameters={"confidence_level": 0.9})
    assert forced[0].parameters["confidence_level"] == 0.9


def test_a_failing_wave_keeps_the_published_page(rendered, tmp_path):
    reports, page, _ = rendered
    bad_data = demo_data_with_unknown_label(tmp_path)
    [outcome] = render(plan_jobs("demo", ["2018-h2"], reports_dir=reports,
                                 data_dir=str(bad_data)))
    assert outcome.status == "failed"
    failure = outcome.failure
    assert failure.cell_index is not None and failure.ename == "CodebookError"
    assert "'Klingon' (1 rows)" in failure.message and "Q6_primary_language" in failure.message
    assert (reports / "demo" / "framework_battle" / "2018-h2.html").read_text() == page
    assert (reports / "demo" / "framework_battle" / "2018-h2.failed.ipynb").exists()


def test_unknown_or_mistyped_parameters_are_refused(rendered):
    notebook = plan_jobs("demo", ["2018-h2"])[0].notebook
    with pytest.raises(ParameterError, match=r"unknown parameter.*colour"):
        check_parameters(notebook, {"colour": "red"})
    with pytest.raises(ParameterError, match="min_base must be int"):
        check_parameters(notebook, {"min_base": "thirty"})
    check_parameters(notebook, {"population": None, "confidence_level": 0.9})


def test_values_the_article_rejects_are_refused_before_any_kernel_starts():
    with pytest.raises(ValueError, match="share_method 'exact' unknown"):
        plan_jobs("demo", parameters={"share_method": "exact"})
    with pytest.raises(ValueError, match="no population 'devs'; populations: ml_ds, all"):
        plan_jobs("demo", parameters={"population": "devs"})
    with pytest.raises(ValueError, match="is not a folder"):
        plan_jobs("demo", data_dir="/no/such/folder")
    with pytest.raises(ValueError, match="parameter wave cannot be set: choose it with --wave"):
        plan_jobs("demo", parameters={"wave": "2019-h2"})
    with pytest.raises(ValueError, match="confidence_level must be a number"):
        plan_jobs("demo", parameters={"confidence_level": "high"})


def test_the_notebook_holds_at_least_half_of_the_pages_prose(rendered):
    """Words from the notebook's own Markdown and %%prose cells against words the package
    writes, outside tables, charts and the methods appendix (which follow from the results)."""
    import re

    import nbformat

    reports, _, _ = rendered
    nb = nbformat.read(reports / "demo" / "framework_battle" / "2018-h2.ipynb", as_version=4)
    authored = generated = 0
    for cell in nb.cells:
        source = "".join(cell.source)
        if cell.cell_type == "markdown":
            if "remove-cell" in cell.metadata.get("tags", []):
                continue
            if source.startswith("## Methods"):
                break
            authored += len(re.findall(r"[A-Za-z]+", source))
            continue
        words = sum(len(re.findall(r"[A-Za-z]+", "".join(o.get("data", {}).get(
            "text/markdown", "")))) for o in cell.get("outputs", []))
        if source.startswith("%%prose"):
            template = re.sub(r"\{\{.*?\}\}|\{%.*?%\}", " ", source.removeprefix("%%prose"))
            authored += min(words, len(re.findall(r"[A-Za-z]+", template)))
            generated += max(0, words - len(re.findall(r"[A-Za-z]+", template)))
        else:
            generated += words
    assert authored >= generated, (authored, generated)
