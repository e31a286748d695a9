"""Cleaning steps on small hand-made canonical tables: what is dropped, logged, and kept."""

from __future__ import annotations

import pandas as pd
import pytest

from survey_analysis.cleaning import (
    clean_respondents,
    drop_blank_responses,
    drop_duplicate_submissions,
    drop_inconsistent,
    drop_speeders,
)
from survey_analysis.codebook import parse_codebook
from survey_analysis.population import select_population
from survey_analysis.sources import get_source
from survey_analysis.wave import to_canonical

CODEBOOK = parse_codebook({
    "source": "t", "wave": "w",
    "columns": {"respondent_id": "id", "person_key": "who", "submitted_at": "at",
                "duration_seconds": "secs"},
    "variables": {
        "ml_involvement": {"kind": "single", "column": "ml", "labels": {"Yes": "main_job",
                                                                         "No": "none"}},
        "frameworks": {"kind": "multi_delimited", "column": "fw", "delimiter": ";",
                       "labels": {"TensorFlow": "tensorflow", "PyTorch": "pytorch",
                                  "None": "none"}},
        "country": {"kind": "single", "column": "region", "labels": {"Europe": "Europe"}},
    },
})


def table(rows: list[tuple]) -> pd.DataFrame:
    raw = pd.DataFrame(rows, columns=["id", "who", "at", "secs", "ml", "fw", "region"])
    canonical, _ = to_canonical(raw.astype("string"), CODEBOOK)
    return canonical


ROWS = [
    ("r1", "alice", "2018-07-01 10:00:00", "600", "Yes", "TensorFlow", "Europe"),
    ("r2", "bob", "2018-07-01 10:00:00", "600", None, None, "Europe"),  # blank but for region
    ("r3", "alice", "2018-07-02 10:00:00", "500", "Yes", "PyTorch", "Europe"),  # resubmission
    ("r4", "carol", "2018-07-01 10:00:00", "45", "Yes", "TensorFlow", None),  # speeder
    ("r5", "dan", "2018-07-01 10:00:00", "700", "No", "TensorFlow", None),  # routed wrongly
    ("r6", "erin", "2018-07-01 10:00:00", "700", "Yes", "None;PyTorch", None),  # contradiction
    ("r7", None, None, None, "No", None, None),  # no key, no duration: kept
]


def test_blank_rows_ignore_tool_filled_variables():
    t = table(ROWS)
    kept, entry = drop_blank_responses(t, ignore=["country"])
    assert "r2" not in kept["respondent_id"].tolist()
    assert (entry.rows_in, entry.rows_out) == (7, 6)
    kept_all, _ = drop_blank_responses(t)  # region alone counts when not ignored
    assert len(kept_all) == 7


def test_duplicates_keep_the_last_submission_and_keyless_rows():
    kept, entry = drop_duplicate_submissions(table(ROWS), keep="last")
    ids = kept["respondent_id"].tolist()
    assert "r3" in ids and "r1" not in ids and "r7" in ids
    assert entry.rows_dropped == 1
    first, _ = drop_duplicate_submissions(table(ROWS), keep="first")
    assert "r1" in first["respondent_id"].tolist()
    with pytest.raises(ValueError, match="keep"):
        drop_duplicate_submissions(table(ROWS), keep="newest")


def test_speeders_dropped_unknown_duration_kept():
    kept, entry = drop_speeders(table(ROWS), 90)
    assert kept["respondent_id"].tolist() == ["r1", "r2", "r3", "r5", "r6", "r7"]
    assert "90 seconds" in entry.reason


def test_inconsistent_rules_each_logged():
    rules = get_source("demo").cleaning["inconsistent"]
    kept, entries = drop_inconsistent(table(ROWS), rules)
    assert "r5" not in kept["respondent_id"].tolist()
    assert "r6" not in kept["respondent_id"].tolist()
    assert [e.rows_dropped for e in entries] == [1, 1]


def test_clean_respondents_logs_every_step_and_never_mutates_input():
    t = table(ROWS)
    before = t.copy()
    cleaned, log = clean_respondents(t, get_source("demo").cleaning)
    pd.testing.assert_frame_equal(t, before)
    frame = log.to_frame()
    assert frame["step"].tolist()[0] == "read"
    assert frame["rows_dropped"].sum() == 7 - len(cleaned)
    assert all(frame["rows_in"].iloc[1:].to_numpy() == frame["rows_out"].iloc[:-1].to_numpy())
    assert sorted(cleaned["respondent_id"]) == ["r3", "r7"]


def test_population_filter_is_logged():
    cleaned, _ = clean_respondents(table(ROWS), get_source("demo").cleaning)
    members, entry = select_population(cleaned, "ml_ds", get_source("demo").populations)
    assert members["respondent_id"].tolist() == ["r3"]
    assert (entry.rows_in, entry.rows_out) == (2, 1)
    with pytest.raises(ValueError, match="unknown population 'devs'"):
        select_population(cleaned, "devs", get_source("demo").populations)


def test_empty_table_cleans_to_empty_with_same_columns():
    t = table(ROWS).iloc[0:0]
    cleaned, log = clean_respondents(t, get_source("demo").cleaning)
    assert list(cleaned.columns) == list(t.columns) and len(cleaned) == 0
    assert log.to_frame()["rows_out"].eq(0).all()


def test_a_duplicate_check_that_cannot_be_made_is_logged_with_its_reason():
    rules = {"duplicates": {"checkable": False, "reason": "no respondent key"}}
    cleaned, log = clean_respondents(table(ROWS), rules)
    entry = log.to_frame().set_index("step").loc["duplicate submissions"]
    assert entry["rows_dropped"] == 0 and entry["reason"] == "not checked: no respondent key"
    assert len(cleaned) == 7  # nothing dropped: no blank rule ignores region here, no key check
