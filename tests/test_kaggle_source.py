"""The Kaggle source, waves 2017-2022: codebooks, loading, cleaning and bases against the raw files.

Tests marked ``slow`` read the published files from ``../shared/data`` beside the repository (or
``$SURVEY_DATA_DIR``) and are skipped, naming the folder, when the Kaggle files are absent. The raw
figures they compare with are computed here with plain pandas from the file, independently of the
codebook engine. Every wave is loaded once per session (``functools.cache``).
"""

from __future__ import annotations

import gzip
import logging
import os
import re
import zipfile
from functools import cache
from pathlib import Path

import pandas as pd
import pytest

from survey_analysis import sources
from survey_analysis.codebook import CodebookError, apply_codebook, load_codebook
from survey_analysis.population import select_population
from survey_analysis.sources import SourceError, get_source
from survey_analysis.variables import canonical_variables
from survey_analysis.wave import SurveyWave, load_wave

WAVES = ("2017", "2018", "2019", "2020", "2021", "2022")
DATA_DIR = next(
    (Path(c) for c in (os.environ.get("SURVEY_DATA_DIR"),
                       Path(__file__).resolve().parents[1].parent / "shared" / "data")
     if c and (Path(c) / "kaggle").is_dir()),
    Path(__file__).resolve().parents[1].parent / "shared" / "data",
)
KAGGLE_DIR = DATA_DIR / "kaggle"
real_data = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not (KAGGLE_DIR / "2022").is_dir(),
        reason=f"Kaggle survey files not found in {KAGGLE_DIR} (set $SURVEY_DATA_DIR to the folder "
        "holding kaggle/<year>/)",
    ),
]

# The published files, named here independently of the codebooks.
RAW_FILES = {
    "2017": "2017/multipleChoiceResponses.csv",
    "2018": "2018/multipleChoiceResponses.csv",
    "2019": "2019/multiple_choice_responses.csv",
    "2020": "2020/kaggle_survey_2020_responses.csv",
    "2021": "2021/kaggle_survey_2021_responses.csv",
    "2022": "2022/kaggle_survey_2022_responses.csv",
}
# Rows read = respondents in the file (after the question row), before our cleaning. The publisher
# states 23,859 (2018), 19,717 (2019 survey_schema.csv), 20,036 (2020) and 25,973 (2021); 2017 and
# 2022 have no statement, their counts come from SOURCES.md.
RESPONDENTS = {"2017": 16716, "2018": 23859, "2019": 19717, "2020": 20036, "2021": 25973,
               "2022": 23997}
DURATION = dict.fromkeys(("2018", "2019", "2020", "2021"), "Time from Start to Finish (seconds)")
DURATION["2022"] = "Duration (in seconds)"
# Framework question columns (prefix) and the TensorFlow / PyTorch / None columns, per SOURCES.md.
FRAMEWORKS = {
    "2018": ("Q19_Part_", "Q19_Part_2", "Q19_Part_4", "Q19_Part_18"),
    "2019": ("Q28_Part_", "Q28_Part_2", "Q28_Part_6", "Q28_Part_11"),
    "2020": ("Q16_", "Q16_Part_2", "Q16_Part_4", "Q16_Part_15"),
    "2021": ("Q16_", "Q16_Part_2", "Q16_Part_4", "Q16_Part_17"),
    "2022": ("Q17_", "Q17_2", "Q17_4", "Q17_14"),
}
MIN_SECONDS = 120


@cache
def wave(year: str) -> SurveyWave:
    return load_wave("kaggle", year, data_dir=DATA_DIR)


@cache
def _read(year: str) -> pd.DataFrame:
    """The published file read with plain pandas (no engine code), every row."""
    path = KAGGLE_DIR / RAW_FILES[year]
    if not path.is_file():
        path = path.with_name(path.name + ".gz")
    encoding = "ISO-8859-1" if year == "2017" else "utf-8"
    return pd.read_csv(path, dtype=str, encoding=encoding, keep_default_na=False,
                       na_values=[""], low_memory=False)


@cache
def raw(year: str, keep_question_row: bool = False) -> pd.DataFrame:
    """The respondents of the published file (2018-2022: without the question-text row)."""
    frame = _read(year)
    if year == "2017" or keep_question_row:
        return frame
    return frame.iloc[1:].reset_index(drop=True)


def fast_enough(year: str) -> pd.Series:
    """Rows kept by the documented speed rule (every row in 2017, which has no duration)."""
    frame = raw(year)
    if year not in DURATION:
        return pd.Series(True, index=frame.index)
    return pd.to_numeric(frame[DURATION[year]]) >= MIN_SECONDS


def count(series: pd.Series) -> int:
    return int(series.fillna(False).astype(bool).sum())


# --- codebooks and sources.yaml (no data needed) -------------------------------------------------


def test_every_wave_has_a_documented_codebook():
    assert get_source("kaggle").waves == WAVES
    for year in WAVES:
        codebook = load_codebook("kaggle", year)
        assert codebook.title and codebook.notes
        assert codebook.extra["licence"], year
        assert codebook.extra["download"].startswith("kaggle "), year
        (file,) = codebook.files
        assert file.name == RAW_FILES[year] and file.role == "responses"
        assert re.fullmatch(r"[0-9a-f]{64}", file.sha256)
        for name, question in codebook.questions.items():
            assert question.question, f"{year} {name}: no question wording"
        assert codebook.read.get("question_rows") == (0 if year == "2017" else 1)
    assert load_codebook("kaggle", "2017").read["encoding"] == "ISO-8859-1"


def test_licence_per_wave_matches_sources_md():
    licences = {year: load_codebook("kaggle", year).extra["licence"] for year in WAVES}
    assert "ODbL" in licences["2017"]
    assert "CC BY-SA 4.0" in licences["2018"]
    assert "Unspecified" in licences["2019"]
    for year in ("2020", "2021", "2022"):
        assert "CC BY 2.0" in licences[year]
    generic = get_source("kaggle")
    assert generic.publisher == "Kaggle" and "Kaggle" in generic.licence


def test_framework_question_keeps_none_and_other_in_the_base():
    for year in WAVES[1:]:
        question = load_codebook("kaggle", year).questions["frameworks"]
        options = {entry["option"] for entry in question.spec["columns"].values()}
        assert {"tensorflow", "pytorch", "none"} <= options, year
        assert {"other"} <= options, year


def test_wording_differences_are_recorded():
    assert "past 5 years" in load_codebook("kaggle", "2018").question_text("frameworks")
    for year in ("2019", "2020", "2021", "2022"):
        assert "regular basis" in load_codebook("kaggle", year).question_text("frameworks")
    note_2017 = load_codebook("kaggle", "2017").questions["frameworks"].note
    assert "no PyTorch" in note_2017
    assert load_codebook("kaggle", "2017").questions["frameworks"].spec["column"] == \
        "WorkToolsSelect"


def test_profiles_map_every_article_profile_with_a_caveat():
    kaggle = get_source("kaggle").extra["profiles"]
    demo = get_source("demo").extra["profiles"]
    assert set(kaggle) == set(demo)
    columns = {c for v in canonical_variables().values() for c in v.columns}
    for pid, spec in kaggle.items():
        assert spec.get("caveat"), pid
        conditions = spec.get("all_of", [spec])
        for condition in conditions:
            column = condition.get("indicator") or condition.get("mean")
            if column:
                assert column in columns, (pid, column)
    assert kaggle["ml_developer"]["indicator"] == "role_ml_developer"
    assert kaggle["cloud_deployment"]["indicator"] == "uses_cloud"
    assert kaggle["backend_experience"]["mean"] == "coding_experience_years"


def test_populations():
    source = get_source("kaggle")
    assert source.default_population == "all"
    assert source.populations["data_scientists"]["category_in"]["job_title"] == ["Data Scientist"]
    # No respondent key: the step is logged as not checkable, never silently skipped.
    assert source.cleaning["duplicates"]["checkable"] is False
    assert source.cleaning["min_duration_seconds"] == MIN_SECONDS


def _blank_frame(year: str, rows: int = 2) -> pd.DataFrame:
    codebook = load_codebook("kaggle", year)
    needed = [c for q in codebook.questions.values() for c in q.raw_columns]
    needed += [c for c in codebook.columns.values() if c]
    return pd.DataFrame({c: [pd.NA] * rows for c in dict.fromkeys(needed)}, dtype="string")


def test_unknown_single_label_raises_naming_column_and_label():
    frame = _blank_frame("2020")
    frame.loc[0, "Q5"] = "Data Scientist"
    frame.loc[1, "Q5"] = "Chief Vibes Officer"
    with pytest.raises(CodebookError) as error:
        apply_codebook(frame, load_codebook("kaggle", "2020"))
    message = str(error.value)
    assert "'Q5'" in message and "'Chief Vibes Officer' (1 rows)" in message


def test_unknown_multi_label_raises_naming_column_and_label():
    frame = _blank_frame("2022")
    frame.loc[0, "Q17_2"] = " TensorFlow "
    frame.loc[1, "Q17_2"] = "Theano"
    with pytest.raises(CodebookError, match=r"Theano \(in Q17_2\)"):
        apply_codebook(frame, load_codebook("kaggle", "2022"))


def test_unknown_2017_tool_raises():
    frame = _blank_frame("2017")
    frame.loc[0, "WorkToolsSelect"] = "Python,TensorFlow,Theano"
    with pytest.raises(CodebookError, match=r"'WorkToolsSelect'.*'Theano'"):
        apply_codebook(frame, load_codebook("kaggle", "2017"))


def _fake_2020(rows: int = 2) -> str:
    """A tiny file shaped like the 2020 export: header, question row, ``rows`` respondents."""
    frame = _blank_frame("2020", rows + 1).astype(object)
    frame.iloc[0] = "question text"
    frame.loc[1:, "Time from Start to Finish (seconds)"] = "600"
    frame.loc[1:, "Q3"] = "India"
    frame.loc[1, "Q16_Part_2"] = "  TensorFlow "
    frame.loc[1, "Q16_Part_4"] = " PyTorch "
    frame.loc[2, "Q16_Part_15"] = "None"
    return frame.to_csv(index=False)


def test_sha256_mismatch_warns_and_question_row_is_skipped(tmp_path, caplog):
    folder = tmp_path / "kaggle" / "2020"
    folder.mkdir(parents=True)
    (folder / "kaggle_survey_2020_responses.csv").write_text(_fake_2020(), encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="survey_analysis.sources"):
        loaded = load_wave("kaggle", "2020", data_dir=tmp_path)
    assert "differs from the published" in caplog.text
    assert loaded.files[0].verified is False
    assert len(loaded.respondents) == 2  # the question row is not a respondent
    assert loaded.respondents["framework_tensorflow"].tolist() == [True, False]
    assert loaded.respondents["framework_none"].tolist() == [False, True]
    assert loaded.respondents["frameworks_answered"].all()


def test_reads_the_member_of_a_kaggle_zip(tmp_path, caplog):
    folder = tmp_path / "kaggle" / "2020"
    folder.mkdir(parents=True)
    with zipfile.ZipFile(folder / "kaggle-survey-2020.zip", "w") as zipped:
        zipped.writestr("kaggle_survey_2020_responses.csv", _fake_2020(3))
    with caplog.at_level(logging.WARNING, logger="survey_analysis.sources"):
        loaded = load_wave("kaggle", "2020", data_dir=tmp_path)
    assert loaded.files[0].path.suffix == ".zip"
    assert len(loaded.respondents) == 3


@pytest.mark.parametrize(("year", "command"), [
    ("2017", "kaggle datasets download -d kaggle/kaggle-survey-2017"),
    ("2018", "kaggle datasets download -d kaggle/kaggle-survey-2018"),
    ("2022", "kaggle competitions download -c kaggle-survey-2022"),
])
def test_missing_file_error_lists_places_and_command(tmp_path, monkeypatch, year, command):
    monkeypatch.setenv(sources.DATA_DIR_ENV, str(tmp_path / "env"))
    monkeypatch.setattr(sources, "PROJECT_DATA_DIR", tmp_path / "project")
    with pytest.raises(SourceError) as error:
        load_wave("kaggle", year, data_dir=tmp_path / "arg")
    message = str(error.value)
    for root in ("arg", "env", "project"):
        assert str(tmp_path / root / "kaggle" / RAW_FILES[year]) in message
    assert command in message
    assert "--data-dir" in message and "$SURVEY_DATA_DIR" in message


# --- the real files -------------------------------------------------------------------------------


def _real(test):
    for mark in real_data:
        test = mark(test)
    return test


@_real
@pytest.mark.parametrize("year", WAVES)
def test_wave_loads_with_verified_files_and_publisher_counts(year):
    loaded = wave(year)  # loading succeeds: the codebook covers every label in the file
    assert all(f.verified for f in loaded.files), [f.sha256 for f in loaded.files]
    log = loaded.cleaning_log
    assert log[0].step == "read" and log[0].rows_in == RESPONDENTS[year]
    assert log[-1].step == "population" and len(loaded.respondents) == log[-1].rows_out


@_real
@pytest.mark.parametrize("year", WAVES[1:])
def test_question_row_is_not_a_respondent(year):
    with_question = raw(year, keep_question_row=True)
    country = load_codebook("kaggle", year).questions["country"].spec["column"]
    assert "country" in with_question.iloc[0][country]  # row 1 is the question text
    assert wave(year).cleaning_log[0].rows_in == len(with_question) - 1


@_real
def test_2017_is_read_as_iso_8859_1():
    plain = KAGGLE_DIR / RAW_FILES["2017"]
    if plain.is_file():
        content = plain.read_bytes()
    else:
        content = gzip.decompress(plain.with_name(plain.name + ".gz").read_bytes())
    with pytest.raises(UnicodeDecodeError):
        content.decode("utf-8")
    assert wave("2017").cleaning_log[0].rows_in == RESPONDENTS["2017"]


@_real
@pytest.mark.parametrize("year", ["2018", "2019", "2020", "2021", "2022"])
def test_framework_counts_equal_plain_pandas(year):
    prefix, tf_col, pt_col, none_col = FRAMEWORKS[year]
    frame = raw(year)
    columns = [c for c in frame.columns if c.startswith(prefix) and not c.endswith("TEXT")]
    kept = fast_enough(year)
    answered = frame[columns].notna().any(axis=1) & kept
    tf = frame[tf_col].notna() & answered
    pt = frame[pt_col].notna() & answered
    respondents = wave(year).respondents
    base = respondents[respondents["frameworks_answered"].astype(bool)]
    assert len(base) == int(answered.sum())
    assert count(base["framework_tensorflow"]) == int(tf.sum())
    assert count(base["framework_pytorch"]) == int(pt.sum())
    both = base["framework_tensorflow"].fillna(False) & base["framework_pytorch"].fillna(False)
    assert count(both) == int((tf & pt).sum())
    # "None" answers are part of the base: the share's denominator includes them.
    assert count(base["framework_none"]) == int((frame[none_col].notna() & answered).sum())


@_real
def test_2017_tensorflow_from_work_tools_and_no_pytorch():
    frame = raw("2017")
    tools = frame["WorkToolsSelect"]
    answered = tools.notna()
    tf = tools.fillna("").str.split(",").apply(lambda parts: "TensorFlow" in parts)
    respondents = wave("2017").respondents
    base = respondents[respondents["frameworks_answered"].astype(bool)]
    assert len(base) == int(answered.sum()) == 7955
    assert count(base["framework_tensorflow"]) == int(tf.sum()) == 2256
    for column in ("framework_pytorch", "framework_keras", "framework_sklearn", "framework_none"):
        assert respondents[column].isna().all(), column


EXPECTED_DROPS = {  # (blank responses, speeders) dropped, per wave
    "2017": (18, 0), "2018": (52, 1469), "2019": (0, 1294), "2020": (0, 944),
    "2021": (0, 0), "2022": (5, 0),
}


@_real
@pytest.mark.parametrize("year", WAVES)
def test_cleaning_steps_logged_with_counts(year):
    steps = {entry.step: entry for entry in wave(year).cleaning_log}
    # Kaggle has no respondent key: the step is logged, drops nothing, and says why.
    duplicates = steps["duplicate submissions"]
    assert duplicates.rows_dropped == 0 and duplicates.reason.startswith("not checked:")
    blank, speeders = EXPECTED_DROPS[year]
    assert steps["blank responses"].rows_dropped == blank
    assert steps["speeders"].rows_dropped == speeders
    assert steps["inconsistent answers"].rows_dropped == 0  # the survey enforced "None" alone
    if year in DURATION:
        # Independent: the speed rule drops at most the rows under 120 s in the raw file.
        assert speeders <= int((~fast_enough(year)).sum())
    if year in ("2021", "2022"):
        assert int((~fast_enough(year)).sum()) == 0  # Kaggle already applied the 2-minute rule


NOT_ASKED = {  # canonical columns entirely missing in a wave (shown as "not asked in this wave")
    "2017": {"framework_pytorch", "ml_experience_years", "framework_huggingface"},
    "2018": {"role_ml_developer", "framework_huggingface", "framework_jax"},
    "2019": {"role_ml_developer", "framework_huggingface", "framework_catboost"},
    "2020": {"framework_huggingface", "framework_pytorch_lightning"},
    "2021": set(),
    "2022": {"primary_language", "role_student"},
}
ALWAYS_NOT_ASKED = {"role_software_architect", "builds_web_apps", "backend_experience_years",
                    "ml_involvement", "role_web_developer"}


@_real
@pytest.mark.parametrize("year", WAVES)
def test_what_a_wave_did_not_ask_is_missing_not_zero(year):
    cleaned = wave(year).cleaned
    for column in NOT_ASKED[year] | ALWAYS_NOT_ASKED:
        assert cleaned[column].isna().all(), f"{year} {column} should be not asked"
    asked = {"framework_tensorflow", "frameworks_answered", "country", "job_title",
             "coding_experience_years", "uses_cloud", "activity_production",
             "role_programmer_in_company"}
    if year != "2017":
        asked |= {"framework_pytorch", "ml_experience_years"}
    if year in ("2021", "2022"):
        asked |= {"framework_huggingface", "framework_pytorch_lightning"}
    for column in asked:
        assert cleaned[column].notna().any(), f"{year} {column} should be asked"


@_real
@pytest.mark.parametrize("year", ["2017", "2020", "2022"])
def test_data_scientists_population_equals_raw_titles(year):
    loaded = wave(year)
    people, entry = select_population(loaded.cleaned, "data_scientists",
                                      loaded.source.populations)
    frame = raw(year)
    title = {"2017": "CurrentJobTitleSelect", "2020": "Q5", "2022": "Q23"}[year]
    expected = (frame[title] == "Data Scientist") & fast_enough(year)
    if year == "2017":
        expected &= frame["EmploymentStatus"].isin([
            "Employed full-time", "Employed part-time",
            "Independent contractor, freelancer, or self-employed"])
    assert len(people) == int(expected.sum()) == entry.rows_out
    assert (people["job_title"] == "Data Scientist").all()


@_real
def test_experience_ranges_map_to_documented_midpoints():
    frame = raw("2021")
    kept = fast_enough("2021")
    years = wave("2021").respondents["coding_experience_years"]
    assert int((years == 2).sum()) == int(((frame["Q6"] == "1-3 years") & kept).sum())
    assert int((years == 25).sum()) == int(((frame["Q6"] == "20+ years") & kept).sum())
    assert int((years == 0).sum()) == int(
        ((frame["Q6"] == "I have never written code") & kept).sum())
