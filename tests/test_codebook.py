"""The codebook engine on small hand-made exports."""

from __future__ import annotations

import pandas as pd
import pytest

from survey_analysis.codebook import CodebookError, apply_codebook, load_codebook, parse_codebook
from survey_analysis.wave import to_canonical


def _codebook(variables: dict) -> object:
    return parse_codebook({"source": "test", "wave": "w1", "variables": variables})


FRAMEWORKS = {
    "kind": "multi_delimited", "column": "fw", "delimiter": ";",
    "labels": {"TensorFlow": "tensorflow", "PyTorch": "pytorch", "None": "none",
               "Theano": None},
}


def test_multi_select_keeps_answered_apart_from_not_selected():
    raw = pd.DataFrame({"fw": ["TensorFlow;PyTorch", "PyTorch", None, "None", "Theano"]})
    table, _ = apply_codebook(raw, _codebook({"frameworks": FRAMEWORKS}))
    assert table["frameworks_answered"].tolist() == [True, True, False, True, True]
    assert table["framework_tensorflow"].tolist() == [True, False, pd.NA, False, False]
    assert table["framework_pytorch"].tolist() == [True, True, pd.NA, False, False]
    assert table["framework_none"].tolist() == [False, False, pd.NA, True, False]
    # An option no label maps to in this wave was not asked: missing for everyone.
    assert table["framework_keras"].isna().all()


def test_unknown_label_names_file_column_label_and_count():
    raw = pd.DataFrame({"fw": ["TensorFlow", "Tensorflow 2", "Tensorflow 2;PyTorch"]})
    with pytest.raises(CodebookError) as error:
        apply_codebook(raw, _codebook({"frameworks": FRAMEWORKS}), file="export.csv")
    message = str(error.value)
    assert "export.csv" in message and "'fw'" in message
    assert "'Tensorflow 2' (2 rows)" in message
    assert "variables.frameworks" in message


def test_multi_columns_kaggle_style():
    spec = {"kind": "multi_columns", "columns": {
        "Q_1": {"label": " TensorFlow ", "option": "tensorflow"},
        "Q_2": {"label": "PyTorch", "option": "pytorch"},
        "Q_3": {"label": "None", "option": "none"}}}
    raw = pd.DataFrame({"Q_1": [" TensorFlow ", None, None], "Q_2": ["PyTorch", None, None],
                        "Q_3": [None, None, "None"]})
    table, _ = apply_codebook(raw, _codebook({"frameworks": spec}))
    assert table["frameworks_answered"].tolist() == [True, False, True]
    assert table["framework_tensorflow"].tolist() == [True, pd.NA, False]
    wrong = raw.assign(Q_1=["PyTorch", None, None])
    with pytest.raises(CodebookError, match="in Q_1"):
        apply_codebook(wrong, _codebook({"frameworks": spec}))


def test_number_ranges_free_text_out_of_range_and_refusals():
    spec = {"kind": "number", "column": "exp", "labels": {"1-2 years": 1.5, "3-5 years": 4},
            "missing_labels": ["prefer not to say"], "free_text_numbers": {"min": 0, "max": 60}}
    raw = pd.DataFrame({"exp": ["1-2 years", "about 7", "99", "Prefer not to say", None,
                                "3-5 years"]})
    table, recodes = apply_codebook(raw, _codebook({"backend_experience_years": spec}))
    assert table["backend_experience_years"].tolist() == [1.5, 7.0, pd.NA, pd.NA, pd.NA, 4.0]
    actions = {r.action.split(" (")[0]: r.count for r in recodes}
    assert actions == {"free-text number parsed": 1, "out of range": 1,
                       "refusal set to missing": 1}
    with pytest.raises(CodebookError, match="'lots'"):
        apply_codebook(pd.DataFrame({"exp": ["lots"]}),
                       _codebook({"backend_experience_years": spec}))


def test_single_select_aliases_and_booleans():
    spec = {"kind": "single", "column": "lang", "labels": {"Python": "python", "R": "r"},
            "aliases": {"python3": "python"}}
    web = {"kind": "single", "column": "web", "labels": {"Yes": True, "No": False}}
    raw = pd.DataFrame({"lang": ["Python", " PYTHON3 ", "R", None], "web": ["Yes", "No", None,
                                                                           "Yes"]})
    table, recodes = apply_codebook(raw, _codebook({"primary_language": spec,
                                                    "builds_web_apps": web}))
    assert table["primary_language"].tolist() == ["python", "python", "r", pd.NA]
    assert table["builds_web_apps"].tolist() == [True, False, pd.NA, True]
    assert [r.count for r in recodes] == [1]


def test_codebook_rejects_unknown_targets():
    with pytest.raises(CodebookError, match="no option 'tensorflw'"):
        _codebook({"frameworks": {**FRAMEWORKS, "labels": {"TensorFlow": "tensorflw"}}})
    with pytest.raises(CodebookError, match="unknown canonical variable"):
        _codebook({"framework": FRAMEWORKS})
    with pytest.raises(CodebookError, match="kind 'multiple'"):
        _codebook({"frameworks": {**FRAMEWORKS, "kind": "multiple"}})


def test_missing_raw_column_is_named():
    with pytest.raises(CodebookError, match="'fw'"):
        apply_codebook(pd.DataFrame({"other": [1]}), _codebook({"frameworks": FRAMEWORKS}))


def test_demo_codebooks_extend_a_common_file():
    first, second = load_codebook("demo", "2018-h1"), load_codebook("demo", "2019-h2")
    assert first.questions.keys() == second.questions.keys()
    assert first.files[0].name == "2018-h1.csv.gz"
    assert "frameworks" in first.questions and "job_title" in first.not_asked


def test_canonical_table_fails_schema_on_bad_weight():
    codebook = parse_codebook({"source": "t", "wave": "w", "columns": {"weight": "w"},
                               "variables": {"frameworks": FRAMEWORKS}})
    raw = pd.DataFrame({"w": ["1.0", "-2"], "fw": ["TensorFlow", "PyTorch"]})
    with pytest.raises(ValueError, match=r"'weight'.*-2"):
        to_canonical(raw, codebook, "bad.csv")
