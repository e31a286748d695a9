"""Articles as notebooks plus data: discovery, article files, the CLI, the writing guide."""

from __future__ import annotations

import json
import re

import pytest

from survey_analysis import ArticleError, list_articles, load_article
from survey_analysis.cli import main
from tests.conftest import REPO_ROOT


def test_builtin_articles_declare_what_the_site_needs():
    articles = list_articles()
    assert {"framework_battle", "python_vs_r"} <= set(articles)
    assert "trends" not in articles
    battle = articles["framework_battle"]
    assert battle.headline[0] == "share.either" and battle.claims.name.endswith(".claims.yaml")
    assert battle.question_of("conditional.tensorflow_given_pytorch") == "frameworks"
    assert battle.renders_for("kaggle") and not articles["python_vs_r"].renders_for("demo")
    assert articles["python_vs_r"].question_of("ratio.python_to_r") == "languages"


def test_article_file_errors_name_the_file_and_key(tmp_path):
    notebook = tmp_path / "draft.ipynb"
    notebook.write_text(json.dumps({"cells": [], "metadata": {}, "nbformat": 4,
                                    "nbformat_minor": 5}))
    assert load_article(notebook).title == "Draft"  # no article file: defaults
    (tmp_path / "draft.yaml").write_text("titel: Oops\n")
    with pytest.raises(ArticleError, match=r"draft.yaml: unknown key 'titel'"):
        load_article(notebook)
    (tmp_path / "draft.yaml").write_text("headline: share.x\n")
    with pytest.raises(ArticleError, match="headline: expected a list of strings"):
        load_article(notebook)
    (tmp_path / "draft.yaml").write_text("claims: missing.yaml\n")
    with pytest.raises(ArticleError, match="claims: no file"):
        load_article(notebook)


def test_list_shows_articles_by_source(capsys):
    assert main(["list"]) == 0
    out = capsys.readouterr().out
    assert "framework_battle: TensorFlow vs PyTorch (sources: demo, kaggle" in out
    assert "python_vs_r: Python vs R (sources: kaggle" in out
    assert re.search(r"demo: .*\(articles: framework_battle\)", out)


def _guide_example(folder):
    """The writing guide's article file and notebook, written out as a new team member would."""
    import jupytext

    text = (REPO_ROOT / "docs" / "writing-an-article.md").read_text()
    yaml_block = text.split("```yaml\n", 1)[1].split("```", 1)[0]
    python_block = text.split("```python\n", 1)[1].split("```", 1)[0]
    (folder / "keras_vs_sklearn.yaml").write_text(yaml_block)
    notebook = jupytext.reads(python_block, fmt="py:percent")
    notebook.metadata["kernelspec"] = {"name": "survey-analysis", "language": "python",
                                       "display_name": "Python (survey-analysis)"}
    jupytext.write(notebook, folder / "keras_vs_sklearn.ipynb")
    return folder / "keras_vs_sklearn.ipynb", python_block


@pytest.mark.slow
def test_the_writing_guide_example_renders_as_a_draft(tmp_path):
    from survey_analysis.render.site import build_site
    from tests.test_repository import code_lines

    notebook, _ = _guide_example(tmp_path)
    assert len(code_lines(notebook)) <= 12  # a third article: a few lines and its data
    reports = tmp_path / "reports"
    outcomes = build_site("demo", ["2018-h1", "2018-h2"], reports, notebook=notebook)
    assert [o.status for o in outcomes] == ["rendered"] * 3, [o.failure for o in outcomes]
    folder = reports / "demo" / "keras_vs_sklearn"
    results = json.loads((folder / "2018-h2.results.json").read_text())
    records = {r["id"]: r for r in results["results"]}
    assert {"share.keras", "share.sklearn", "share.both", "ratio.keras_to_sklearn"} <= set(records)
    page = (folder / "2018-h2.html").read_text()
    assert f"{100 * records['share.keras']['estimate']:.1f}%" in page
    assert "--notebook" in page and str(tmp_path) not in page  # no local absolute path
    assert (folder / "trends.html").exists()
    index = (reports / "index.html").read_text()
    assert "Keras vs scikit-learn" in index and "demo/keras_vs_sklearn/2018-h2.html" in index
