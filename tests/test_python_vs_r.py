"""The second article, Python vs R: its figures recomputed from the raw Kaggle files with pandas,
and its notebook kept short and on the public API."""

from __future__ import annotations

import json

import pytest

from tests.conftest import REPO_ROOT, real_data_dir
from tests.rendered_site import shared_site
from tests.test_kaggle_source import _real, fast_enough, raw

LANGUAGE_PREFIX = {"2018": "Q16_Part_", "2019": "Q18_Part_", "2020": "Q7_Part_",
                   "2021": "Q7_Part_", "2022": "Q12_Part_"}


def _answered_column(frame, prefix: str, label: str) -> str:
    """The raw column whose answers are ``label`` (Kaggle writes the option's text in it)."""
    for column in frame.columns:
        if column.startswith(prefix) and frame[column].dropna().eq(label).any():
            return column
    raise AssertionError(f"no {prefix}* column answered {label!r}")


def test_notebook_is_short_and_uses_only_the_public_api():
    from tests.test_repository import code_lines

    lines = code_lines(REPO_ROOT / "notebooks" / "python_vs_r.ipynb")
    assert len(lines) <= 60, f"{len(lines)} lines of code outside the parameters cell"
    assert not any(line.startswith(("def ", "class ")) for line in lines)
    assert not list((REPO_ROOT / "survey_analysis").rglob("*python*r*.py"))


@_real
@pytest.mark.slow
@pytest.mark.parametrize("year", ["2018", "2019", "2020", "2021", "2022"])
def test_published_figures_equal_plain_pandas_on_the_raw_file(year, tmp_path_factory):
    reports = shared_site(tmp_path_factory, "kaggle", real_data_dir())
    results = json.loads((reports / "kaggle" / "python_vs_r" / f"{year}.results.json")
                         .read_text())
    records = {r["id"]: r for r in results["results"]}
    frame = raw(year)
    prefix = LANGUAGE_PREFIX[year]
    columns = [c for c in frame.columns if c.startswith(prefix) and not c.endswith("TEXT")]
    answered = frame[columns].notna().any(axis=1) & fast_enough(year)  # "None" is an answer
    python = frame[_answered_column(frame, prefix, "Python")].notna() & answered
    r = frame[_answered_column(frame, prefix, "R")].notna() & answered
    n = int(answered.sum())
    expected = {"share.python": python.sum(), "share.r": r.sum(), "share.both": (python & r).sum(),
                "share.python_only": (python & ~r).sum(), "share.r_only": (r & ~python).sum(),
                "share.either": (python | r).sum()}
    for rid, count in expected.items():
        assert records[rid]["n"] == n, rid
        assert records[rid]["estimate"] == pytest.approx(count / n, abs=1e-12), rid
    assert records["conditional.python_given_r"]["n"] == int(r.sum())
    assert records["conditional.python_given_r"]["estimate"] == pytest.approx(
        (python & r).sum() / r.sum(), abs=1e-12)
    ratio = records["ratio.python_to_r"]
    assert ratio["estimate"] == pytest.approx(python.sum() / r.sum(), rel=1e-9)
    assert ratio["design"] == "paired" and ratio["lower"] < ratio["estimate"] < ratio["upper"]
    assert records["profile.uses_cloud.difference"]["design"] == "overlapping"
    assert records["robustness.uses_cloud.difference"]["design"] == "independent"
    assert results["article"] == "python_vs_r"
