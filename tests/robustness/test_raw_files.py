"""Broken raw files: each is one error naming the file (and the column, row or record), and a
render of such a wave fails that wave and keeps its last good page."""

from __future__ import annotations

import gzip
import io
import re
import zipfile

import pytest

from survey_analysis import load_wave
from survey_analysis.codebook import CodebookError
from survey_analysis.schema import SchemaError
from survey_analysis.sources import SourceError, get_source, locate_file, read_bytes
from tests.robustness.conftest import assert_unchanged, demo_frame, demo_text, snapshot, write_wave

FRAME = demo_frame()
TEXT = demo_text()
HEADER = TEXT.split("\n", 1)[0]
GZIPPED = gzip.compress(TEXT.encode(), mtime=0)


def _with(column, row, value):
    return FRAME.assign(**{column: FRAME[column].where(FRAME.index != row, value)})


def _empty_duplicate_first():
    frame = FRAME.copy()
    frame.insert(0, "Q2_frameworks ", "")  # the same name once stripped: an empty copy first
    return frame


# (id, raw content, error type, regular expression the one-line message must match)
BROKEN = [
    ("header-only", HEADER + "\n", SourceError, r"has a header but no responses \(0 data rows\)"),
    ("empty-file", "", SourceError, r"is empty \(no header row\)"),
    ("column-named-twice", FRAME.rename(columns={"Q7_builds_web_apps": "Q2_frameworks"}),
     SourceError, r"column named more than once: 'Q2_frameworks' at positions 8, 13"),
    ("empty-duplicate-before-the-real-one", _empty_duplicate_first(), SourceError,
     r"'Q2_frameworks' at positions 1, 9"),
    ("truncated-gzip", GZIPPED[: len(GZIPPED) // 2], SourceError,
     r"cannot read 2018-h1\.csv\.gz: the file is truncated or corrupt"),
    ("not-gzip-at-all", b"\x1f\x8bthis is not a gzip stream", SourceError,
     r"truncated or corrupt"),
    ("not-utf8", TEXT.encode().replace(b"Asia", b"As\xffa", 1), SourceError,
     r"not valid utf-8 at byte \d+"),
    ("text-in-duration", _with("duration_seconds", 2, "abc"), SourceError,
     r"column 'duration_seconds' must hold numbers, but response 3 holds 'abc'"),
    ("text-in-weight", _with("weight", 0, "heavy"), SourceError,
     r"column 'weight' must hold numbers, but response 1 holds 'heavy'"),
    ("negative-weight", _with("weight", 2, "-1"), SchemaError,
     r"column 'weight': greater_than\(0\) failed for value"),
    ("empty-weight", _with("weight", 2, ""), SchemaError, r"column 'weight': not_nullable"),
    ("duplicate-respondent-id", _with("response_id", 3, FRAME.response_id[2]), SchemaError,
     r"column 'respondent_id': field_uniqueness failed for value 'R_2018H1_000003'"),
    ("unknown-answer-label", _with("Q6_primary_language", 2, "Klingon"), CodebookError,
     r"column 'Q6_primary_language' \(variable 'primary_language'\): 'Klingon' \(1 rows\)"),
    ("missing-column", FRAME.drop(columns=["Q2_frameworks"]), CodebookError,
     r"are missing from the file: 'Q2_frameworks'"),
    ("row-longer-than-header", TEXT.replace("\nR_2018H1_000004,", "\nR_2018H1_000004,x,", 1),
     SourceError, r"record 5 \(counting the header as 1\) has 14 fields, the header 13"),
    ("unclosed-quote", TEXT.replace(",No,", ',"No,', 1), SourceError,
     r"a quote opened in record 2 .* runs over several lines"),
    ("population-keeps-no-one", FRAME.assign(Q1_ml_involvement="No"), ValueError,
     r"population 'ml_ds' \(developers involved in data science or machine learning\) keeps "
     r"none of the \d+ respondents"),
]


@pytest.mark.parametrize(("content", "error", "pattern"),
                         [pytest.param(c, e, p, id=i) for i, c, e, p in BROKEN])
def test_a_broken_raw_file_is_one_error_naming_the_file(tmp_path, content, error, pattern):
    data = write_wave(tmp_path, content)
    with pytest.raises(error) as raised:
        load_wave("demo", "2018-h1", data_dir=data)
    message = str(raised.value)
    assert re.search(pattern, message), message
    assert str(data / "demo" / "2018-h1.csv.gz") in message
    # One line per problem: no traceback text, no pandas internals.
    assert "Traceback" not in message and "pandas" not in message


@pytest.mark.parametrize("content", [
    pytest.param("\ufeff" + TEXT, id="byte-order-mark"),
    pytest.param(TEXT.replace("\n", "\r\n"), id="windows-line-ends"),
])
def test_harmless_variations_load_the_same_respondents(tmp_path, content):
    data = write_wave(tmp_path, content)
    loaded = load_wave("demo", "2018-h1", data_dir=data).respondents
    good = load_wave("demo", "2018-h1").respondents
    assert loaded.equals(good)


def _kaggle_zip(tmp_path, payload: bytes) -> tuple:
    source = get_source("kaggle")
    wave = "2021"
    file = source.codebook(wave).files[0]
    folder = tmp_path / "kaggle" / wave
    folder.mkdir(parents=True)
    (folder / "download.zip").write_bytes(payload)
    return source, wave, file, folder / "download.zip"


def test_a_truncated_zip_names_the_archive(tmp_path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zipped:
        zipped.writestr("kaggle_survey_2021_responses.csv", TEXT * 3)
    whole = buffer.getvalue()
    source, wave, file, _ = _kaggle_zip(tmp_path, whole[: len(whole) // 2])
    with pytest.raises(SourceError, match=r"download\.zip: not a readable zip archive"):
        locate_file(source, wave, file, tmp_path)


def test_a_zip_whose_member_is_corrupt_names_archive_and_member(tmp_path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zipped:
        zipped.writestr("kaggle_survey_2021_responses.csv", TEXT * 3)
    whole = bytearray(buffer.getvalue())
    whole[60:200] = b"\0" * 140  # inside the compressed member, the directory intact
    source, wave, file, archive = _kaggle_zip(tmp_path, bytes(whole))
    assert locate_file(source, wave, file, tmp_path) == archive
    with pytest.raises(SourceError, match=r"download\.zip: cannot read "
                       r"kaggle_survey_2021_responses\.csv: the file is truncated or corrupt"):
        read_bytes(archive, file.name)


@pytest.mark.slow
def test_rendering_broken_waves_fails_each_and_keeps_every_good_page(site, tmp_path, run_cli):
    """One build, four broken waves (header only, a column named twice, a population keeping no
    one, a truncated file): exit 1, one FAILED line each naming the file and the problem, and
    every page published before is byte-identical."""
    data = tmp_path / "data"
    write_wave(data, HEADER + "\n", "2018-h1")
    write_wave(data, demo_frame("2018-h2").rename(
        columns={"Q7_builds_web_apps": "Q2_frameworks"}), "2018-h2")
    write_wave(data, demo_frame("2019-h1").assign(Q1_ml_involvement="No"), "2019-h1")
    whole = gzip.compress(demo_text("2019-h2").encode(), mtime=0)
    write_wave(data, whole[:-40], "2019-h2")
    before = snapshot(site)
    code, err = run_cli("render", "--reports-dir", site, "--data-dir", data, "--jobs", "2")
    assert code == 1, err
    failed = [line for line in err.splitlines() if line.startswith("FAILED")]
    assert len(failed) == 4, err
    expected = {
        "2018-h1": "has a header but no responses",
        "2018-h2": "'Q2_frameworks' at positions 8, 13",
        "2019-h1": "population 'ml_ds'",
        "2019-h2": "the file is truncated or corrupt",
    }
    for wave, words in expected.items():
        line = next(f for f in failed if f.startswith(f"FAILED demo {wave}"))
        assert words in line and "Traceback" not in line, line
    assert "0 rendered" in err and "4 failed" in err
    assert_unchanged(site, before, failed=tuple(f"demo/framework_battle/{w}" for w in expected))
