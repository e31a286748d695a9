"""The cleaned-table cache: served only when nothing it is made from changed."""

from __future__ import annotations

import dataclasses
import gzip
import logging
import os
import shutil

import pandas as pd
import pytest

from survey_analysis import cache, wave
from survey_analysis.cli import main
from survey_analysis.codebook import load_codebook
from survey_analysis.sources import get_source
from tests.conftest import REPO_ROOT
from tests.test_kaggle_source import _fake_2020


@pytest.fixture
def cache_dir(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv(cache.CACHE_DIR_ENV, str(folder))
    return folder


@pytest.fixture
def parses(monkeypatch):
    """How many times the raw CSV was parsed (a cache miss parses, a hit does not)."""
    calls = []
    real = wave.parse_csv

    def counting(*args, **kwargs):
        calls.append(args[2])
        return real(*args, **kwargs)

    monkeypatch.setattr(wave, "parse_csv", counting)
    return calls


@pytest.fixture
def demo_dir(tmp_path):
    folder = tmp_path / "data"
    (folder / "demo").mkdir(parents=True)
    shutil.copy(REPO_ROOT / "data" / "demo" / "2018-h2.csv.gz", folder / "demo")
    return folder


@pytest.fixture
def kaggle_dir(tmp_path):
    """A plain (uncompressed) 2020-shaped export of three respondents."""
    folder = tmp_path / "kaggle-data"
    (folder / "kaggle" / "2020").mkdir(parents=True)
    (folder / "kaggle" / "2020" / "kaggle_survey_2020_responses.csv").write_text(
        _fake_2020(3), encoding="utf-8")
    return folder


def _same(a, b) -> None:
    pd.testing.assert_frame_equal(a.cleaned, b.cleaned)
    pd.testing.assert_frame_equal(a.respondents, b.respondents)
    assert a.cleaning_log == b.cleaning_log
    assert a.files == b.files


def test_warm_load_equals_cold_load_with_log_and_provenance(cache_dir, demo_dir, parses):
    cold = wave.load_wave("demo", "2018-h2", data_dir=demo_dir, cache=False)
    first = wave.load_wave("demo", "2018-h2", data_dir=demo_dir)
    warm = wave.load_wave("demo", "2018-h2", data_dir=demo_dir)
    assert len(parses) == 2  # the uncached load and the first cached one; not the warm one
    _same(cold, warm)
    _same(first, warm)
    assert warm.files[0].path == demo_dir / "demo" / "2018-h2.csv.gz"
    assert warm.files[0].verified is cold.files[0].verified
    steps = [e.step for e in warm.cleaning_log]
    assert steps[0] == "read" and steps[-1] == "population"
    assert {"blank responses", "duplicate submissions", "speeders"} <= set(steps)
    assert any(e.step.startswith("recode") and e.values_changed for e in warm.cleaning_log)
    assert list(cache_dir.glob("tables/demo/2018-h2/*.parquet"))
    assert not list(cache_dir.rglob("*.tmp"))  # written atomically: no temporary left over


def test_cache_false_neither_reads_nor_writes_the_cache(cache_dir, demo_dir, parses):
    wave.load_wave("demo", "2018-h2", data_dir=demo_dir, cache=False)
    wave.load_wave("demo", "2018-h2", data_dir=demo_dir, cache=False)
    assert len(parses) == 2 and not cache_dir.exists()


def test_same_bytes_elsewhere_hit_and_report_their_own_path(cache_dir, demo_dir, tmp_path,
                                                             parses):
    wave.load_wave("demo", "2018-h2", data_dir=demo_dir)
    other = tmp_path / "elsewhere"
    shutil.copytree(demo_dir, other)
    moved = wave.load_wave("demo", "2018-h2", data_dir=other)
    assert len(parses) == 1  # keyed on content, not on where the file is
    assert moved.files[0].path == other / "demo" / "2018-h2.csv.gz"


def test_changed_raw_byte_forces_a_reload_even_with_size_and_mtime_kept(
        cache_dir, kaggle_dir, parses, monkeypatch):
    monkeypatch.setattr(cache, "RACY_SECONDS", 0.0)  # trust stat signatures at once
    path = kaggle_dir / "kaggle" / "2020" / "kaggle_survey_2020_responses.csv"
    before = wave.load_wave("kaggle", "2020", data_dir=kaggle_dir)
    st = path.stat()
    text = path.read_text(encoding="utf-8")
    changed = text.replace(",600\n", ",060\n", 1)  # one respondent now took 60 seconds
    assert len(changed) == len(text) and changed != text
    path.write_text(changed, encoding="utf-8")
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))  # same size, same mtime
    assert path.stat().st_size == st.st_size and path.stat().st_mtime_ns == st.st_mtime_ns
    after = wave.load_wave("kaggle", "2020", data_dir=kaggle_dir)
    assert len(parses) == 2
    assert after.files[0].sha256 != before.files[0].sha256
    assert len(after.cleaned) == len(before.cleaned) - 1  # the speeder is dropped now


def test_unchanged_file_is_not_rehashed_when_its_signature_holds(cache_dir, demo_dir,
                                                                 monkeypatch):
    monkeypatch.setattr(cache, "RACY_SECONDS", 0.0)
    first = wave.load_wave("demo", "2018-h2", data_dir=demo_dir)

    def no_reading(*args):
        raise AssertionError("the raw file was read on a warm load")

    monkeypatch.setattr(wave, "read_bytes", no_reading)
    _same(first, wave.load_wave("demo", "2018-h2", data_dir=demo_dir))


def test_freshly_written_file_is_hashed_again(cache_dir, demo_dir, monkeypatch):
    # Modified within RACY_SECONDS of being hashed: its stat signature is not trusted.
    path = demo_dir / "demo" / "2018-h2.csv.gz"
    wave.load_wave("demo", "2018-h2", data_dir=demo_dir)
    assert cache.known_digest(path, "2018-h2.csv.gz") is None
    monkeypatch.setattr(cache, "RACY_SECONDS", 0.0)
    assert cache.known_digest(path, "2018-h2.csv.gz") == \
        wave.load_wave("demo", "2018-h2", data_dir=demo_dir).files[0].sha256


def test_changed_gzip_content_forces_a_reload(cache_dir, demo_dir, parses):
    path = demo_dir / "demo" / "2018-h2.csv.gz"
    before = wave.load_wave("demo", "2018-h2", data_dir=demo_dir)
    text = gzip.decompress(path.read_bytes()).decode()
    header, _dropped, rest = text.split("\n", 2)
    path.write_bytes(gzip.compress(f"{header}\n{rest}".encode(), mtime=0))  # one row fewer
    after = wave.load_wave("demo", "2018-h2", data_dir=demo_dir)
    assert len(parses) == 2
    assert after.cleaning_log[0].rows_in == before.cleaning_log[0].rows_in - 1


def test_changed_codebook_line_forces_a_reload(cache_dir, demo_dir, parses):
    source = get_source("demo")
    codebook = load_codebook("demo", "2018-h2")
    wave.cleaned_table(source, "2018-h2", codebook, demo_dir)
    wave.cleaned_table(source, "2018-h2", codebook, demo_dir)
    assert len(parses) == 1
    noted = dataclasses.replace(codebook, notes=(*codebook.notes, "one more line"))
    wave.cleaned_table(source, "2018-h2", noted, demo_dir)
    assert len(parses) == 2
    spec = codebook.questions["primary_language"].spec
    relabelled = dict(spec, labels={**spec["labels"], "Java": "other"})
    question = dataclasses.replace(codebook.questions["primary_language"], spec=relabelled)
    mapped = dataclasses.replace(codebook, questions={**codebook.questions,
                                                      "primary_language": question})
    cleaned, _, _ = wave.cleaned_table(source, "2018-h2", mapped, demo_dir)
    assert len(parses) == 3
    assert "java" not in set(cleaned["primary_language"].dropna())
    # Only the codebook's place changed: same content, same entry.
    moved = dataclasses.replace(codebook, path="/somewhere/else/2018-h2.yaml")
    wave.cleaned_table(source, "2018-h2", moved, demo_dir)
    assert len(parses) == 3


def test_changed_cleaning_rule_forces_a_reload(cache_dir, demo_dir, parses):
    source = get_source("demo")
    codebook = load_codebook("demo", "2018-h2")
    before, _, _ = wave.cleaned_table(source, "2018-h2", codebook, demo_dir)
    stricter = dataclasses.replace(source, cleaning={**source.cleaning,
                                                     "min_duration_seconds": 400})
    after, log, _ = wave.cleaned_table(stricter, "2018-h2", codebook, demo_dir)
    assert len(parses) == 2
    assert len(after) < len(before)
    assert "under 400 seconds" in next(e.reason for e in log if e.step == "speeders")


@pytest.mark.parametrize("part", ["package_version", "loader_digest"])
def test_changed_package_version_or_loader_code_forces_a_reload(cache_dir, demo_dir, parses,
                                                                monkeypatch, part):
    wave.load_wave("demo", "2018-h2", data_dir=demo_dir)
    monkeypatch.setattr(cache, part, lambda: "something else")
    wave.load_wave("demo", "2018-h2", data_dir=demo_dir)
    assert len(parses) == 2


def test_damaged_entry_is_rebuilt(cache_dir, demo_dir, parses, caplog):
    first = wave.load_wave("demo", "2018-h2", data_dir=demo_dir)
    (entry,) = cache_dir.glob("tables/demo/2018-h2/*.parquet")
    entry.write_bytes(entry.read_bytes()[:100])
    with caplog.at_level(logging.WARNING, logger="survey_analysis.cache"):
        again = wave.load_wave("demo", "2018-h2", data_dir=demo_dir)
    assert "unreadable" in caplog.text and str(entry) in caplog.text
    assert len(parses) == 2
    _same(first, again)


def test_unwritable_cache_warns_once_and_still_loads(tmp_path, demo_dir, monkeypatch, caplog):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv(cache.CACHE_DIR_ENV, str(blocker / "cache"))
    monkeypatch.setattr(cache, "_warned", set())
    with caplog.at_level(logging.WARNING, logger="survey_analysis.cache"):
        loaded = wave.load_wave("demo", "2018-h2", data_dir=demo_dir)
        wave.load_wave("demo", "2018-h2", data_dir=demo_dir)
    assert len(loaded.cleaned) > 0
    assert caplog.text.count("cannot write the cache") == 1
    assert cache.CACHE_DIR_ENV in caplog.text


def test_cache_dir_defaults_to_the_platform_cache(monkeypatch):
    import platformdirs

    monkeypatch.delenv(cache.CACHE_DIR_ENV, raising=False)
    assert str(cache.cache_dir()) == platformdirs.user_cache_dir("survey-analysis",
                                                                 appauthor=False)


def test_cache_info_and_clear(cache_dir, demo_dir, capsys):
    wave.load_wave("demo", "2018-h2", data_dir=demo_dir)
    assert main(["cache", "info"]) == 0
    out = capsys.readouterr().out
    assert str(cache_dir) in out and "demo 2018-h2" in out
    rows = len(wave.load_wave("demo", "2018-h2", data_dir=demo_dir).cleaned)
    assert f"{rows:,} rows" in out
    assert main(["cache", "clear"]) == 0
    assert "removed" in capsys.readouterr().out
    assert cache.entries() == [] and not list(cache_dir.rglob("*.json"))


def test_old_entries_of_a_wave_are_pruned(cache_dir, demo_dir, monkeypatch, parses):
    versions = range(cache.KEEP_PER_WAVE + 2)
    for version in versions:
        monkeypatch.setattr(cache, "package_version", lambda v=version: f"0.{v}")
        wave.load_wave("demo", "2018-h2", data_dir=demo_dir)
    assert len(list(cache_dir.glob("tables/demo/2018-h2/*.parquet"))) == cache.KEEP_PER_WAVE
    wave.load_wave("demo", "2018-h2", data_dir=demo_dir)  # the newest entry was kept
    assert len(parses) == len(versions)
    monkeypatch.setattr(cache, "package_version", lambda: "0.0")  # the oldest was pruned
    wave.load_wave("demo", "2018-h2", data_dir=demo_dir)
    assert len(parses) == len(versions) + 1
