"""The second article, Python vs R: its figures recomputed from the raw Kaggle files with pandas,
and its notebook kept short and on the public API."""

from __future__ import annotations

import json
import re

import pytest

from tests.conftest import REPO_ROOT, real_data_dir
from tests.rendered_site import shared_site
from tests.test_kaggle_source import _real, fast_enough, raw

# The languages question's answer columns: Qn_Part_k (2022: Qn_k) and Qn_OTHER ("Other").
LANGUAGE_QUESTION = {"2018": "Q16", "2019": "Q18", "2020": "Q7", "2021": "Q7", "2022": "Q12"}


def _answer_columns(frame, question: str) -> list[str]:
    pattern = re.compile(rf"{question}_(Part_)?(\d+|OTHER)")
    return [c for c in frame.columns if pattern.fullmatch(c)]


def _answered_column(frame, columns: list[str], label: str) -> str:
    """The raw column whose answers are ``label`` (Kaggle writes the option's text in it)."""
    for column in columns:
        if frame[column].dropna().eq(label).any():
            return column
    raise AssertionError(f"no column of {columns[0]}... answered {label!r}")


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
    columns = _answer_columns(frame, LANGUAGE_QUESTION[year])
    answered = frame[columns].notna().any(axis=1) & fast_enough(year)  # "None" is an answer
    python = frame[_answered_column(frame, columns, "Python")].notna() & answered
    r = frame[_answered_column(frame, columns, "R")].notna() & answered
    n = int(answered.sum())
    expected = {"share.python": python.sum(), "share.r": r.sum(), "share.both": (python & r).sum(),
                "share.python_only": (python & ~r).sum(), "share.r_only": (r & ~python).sum(),
                "share.either": (python | r).sum()}
    for rid, count in expected.items():
        assert records[rid]["n"] == n, rid
        assert records[rid]["estimate"] == pytest.approx(count / n, abs=1e-9), rid
    assert records["conditional.python_given_r"]["n"] == int(r.sum())
    assert records["conditional.python_given_r"]["estimate"] == pytest.approx(
        (python & r).sum() / r.sum(), abs=1e-9)
    ratio = records["ratio.python_to_r"]
    assert ratio["estimate"] == pytest.approx(python.sum() / r.sum(), rel=1e-8)
    assert ratio["design"] == "paired" and ratio["lower"] < ratio["estimate"] < ratio["upper"]
    assert records["profile.uses_cloud.difference"]["design"] == "overlapping"
    assert records["robustness.uses_cloud.difference"]["design"] == "independent"
    assert results["article"] == "python_vs_r"
