"""Broken or hostile parameters and options: each is refused with one line naming the parameter,
the value and what was expected, before any kernel starts; nothing published changes."""

from __future__ import annotations

import re
import time

import pytest

from survey_analysis.render import jobs as render_jobs
from survey_analysis.render.jobs import current_fingerprint, plan_jobs, quick_up_to_date
from survey_analysis.render.site import build_lock
from tests.robustness.conftest import DEMO_DATA, assert_unchanged, snapshot

# (id, extra arguments, exit code, regular expression for stderr)
REFUSED = [
    ("set-source", ["--set", "source=kaggle"], 2,
     r"parameter source cannot be set: choose it with --source"),
    ("set-wave", ["--set", "wave=2019-h2"], 2, r"parameter wave cannot be set: choose it with "
     r"--wave"),
    ("set-data-dir", ["--set", "data_dir=/tmp"], 2, r"parameter data_dir cannot be set: use "
     r"--data-dir"),
    ("set-results-dir", ["--set", "results_dir=/tmp"], 2, r"parameter results_dir cannot be set"),
    ("level-word", ["--set", "confidence_level=high"], 2,
     r"parameter confidence_level must be a number between 0 and 1, e\.g\. 0\.9, got 'high'"),
    ("level-above-one", ["--set", "confidence_level=1.5"], 2,
     r"confidence_level must be a number in \(0, 1\), e\.g\. 0\.95; got 1\.5"),
    ("level-zero", ["--set", "confidence_level=0"], 2,
     r"confidence_level must be a number in \(0, 1\)"),
    ("level-bool", ["--set", "confidence_level=true"], 2,
     r"parameter confidence_level must be a number .*, got True"),
    ("min-base-word", ["--set", "min_base=ten"], 2,
     r"parameter min_base must be a whole number, e\.g\. 30, got 'ten'"),
    ("min-base-fraction", ["--set", "min_base=2.5"], 2, r"min_base must be a whole number.*2\.5"),
    ("floor-above-min-base", ["--set", "suppression_floor=50"], 2,
     r"suppression_floor \(50\) must not exceed min_base \(30\)"),
    ("floor-negative", ["--set", "suppression_floor=-1"], 2,
     r"suppression_floor must be a whole number .*; got -1"),
    ("weighted-maybe", ["--set", "weighted=maybe"], 2,
     r"parameter weighted must be true or false, got 'maybe'"),
    ("share-method-unknown", ["--set", "share_method=bogus"], 2,
     r"share_method 'bogus' unknown; valid: wilson"),
    ("share-method-script", ["--set", "share_method=<script>alert(1)</script>"], 2,
     r"share_method '<script>alert\(1\)</script>' unknown"),
    ("population-unknown", ["--set", "population=nobody"], 2,
     r"source 'demo' has no population 'nobody'; populations: ml_ds, all"),
    ("population-list", ["--set", "population=[1, 2]"], 2,
     r"parameter population must be a population name or null, got \[1, 2\]"),
    ("unparsable-yaml-value", ["--set", "share_method=[unclosed"], 2,
     r"share_method '\[unclosed' unknown"),
    ("set-without-equals", ["--set", "confidence_level"], 2,
     r"expected NAME=VALUE, got 'confidence_level'"),
    ("unknown-wave", ["--wave", "2030-h1"], 2,
     r"source 'demo' has no wave '2030-h1'; waves: 2018-h1, 2018-h2, 2019-h1, 2019-h2"),
    ("unknown-source", ["--source", "nope"], 2, r"unknown source 'nope'; sources: demo, kaggle"),
    ("jobs-zero", ["--jobs", "0"], 2, r"--jobs must be at least 1, got 0"),
    ("data-dir-missing", ["--data-dir", "/nonexistent/survey-data"], 2,
     r"--data-dir /nonexistent/survey-data is not a folder"),
]


@pytest.mark.parametrize(("arguments", "code", "pattern"),
                         [pytest.param(a, c, p, id=i) for i, a, c, p in REFUSED])
def test_a_refused_parameter_is_one_line_and_changes_nothing(site, run_cli, arguments, code,
                                                             pattern):
    before = snapshot(site)
    started = time.perf_counter()
    exit_code, err = run_cli("render", "--wave", "2018-h1", "--reports-dir", site, *arguments)
    assert exit_code == code, err
    assert re.search(pattern, err), err
    assert "Traceback" not in err
    said = [line for line in err.splitlines() if not line.startswith(("usage:", " "))]
    assert len(said) == 1, err  # one line (argparse also prints its usage lines)
    assert time.perf_counter() - started < 5  # refused before any kernel starts
    assert_unchanged(site, before)


def test_data_dir_that_is_a_file(site, run_cli, tmp_path):
    path = tmp_path / "file"
    path.write_text("x")
    before = snapshot(site)
    code, err = run_cli("render", "--wave", "2018-h1", "--reports-dir", site, "--data-dir", path)
    assert (code, err.strip()) == (2, f"survey-report: --data-dir {path} is not a folder")
    assert_unchanged(site, before)


def test_reports_dir_that_is_a_file(run_cli, tmp_path):
    path = tmp_path / "reports.html"
    path.write_text("not a folder")
    code, err = run_cli("render", "--wave", "2018-h1", "--reports-dir", path)
    assert (code, err.strip()) == (2, f"survey-report: --reports-dir {path} is a file, "
                                      "not a folder")
    assert path.read_text() == "not a folder"


def test_an_unknown_parameter_name_is_refused_before_any_wave_naming_it(site, run_cli):
    before = snapshot(site)
    code, err = run_cli("render", "--wave", "2018-h1", "--reports-dir", site, "--set",
                        "confidance_level=0.9")
    assert code == 2, err
    assert re.fullmatch(r"survey-report: framework_battle\.ipynb: unknown parameter\(s\) "
                        r"confidance_level; the parameters cell declares source, wave, "
                        r"population, confidence_level, .*; did you mean confidence_level\?",
                        err.strip()), err
    assert_unchanged(site, before)


def test_a_build_already_running_is_refused(site, run_cli):
    before = snapshot(site)
    with build_lock(site):
        code, err = run_cli("render", "--wave", "2018-h1", "--reports-dir", site, "--force")
    assert code == 2
    assert f"another survey-report render is publishing into {site}; wait for it" in err
    assert_unchanged(site, before)


def test_an_unreachable_scheduler_fails_within_ten_seconds_naming_it(site, run_cli):
    before = snapshot(site)
    started = time.perf_counter()
    code, err = run_cli("render", "--wave", "2018-h1", "--reports-dir", site, "--force",
                        "--scheduler", "tcp://127.0.0.1:9")
    elapsed = time.perf_counter() - started
    assert code == 2, err
    assert "cannot reach the Dask scheduler at tcp://127.0.0.1:9 within 10 s" in err
    assert "Traceback" not in err
    assert elapsed < 15, elapsed
    assert_unchanged(site, before)


def test_a_changed_file_in_the_data_dir_makes_the_page_stale(site, tmp_path):
    """The raw files found through --data-dir are hashed into the fingerprint."""
    data = tmp_path / "data" / "demo"
    data.mkdir(parents=True)
    (data / "2018-h1.csv.gz").write_bytes((DEMO_DATA / "2018-h1.csv.gz").read_bytes())
    [job] = plan_jobs("demo", ["2018-h1"], site, data_dir=str(data.parent))
    first, _ = current_fingerprint(job)
    (data / "2018-h1.csv.gz").write_bytes(b"changed")
    second, _ = current_fingerprint(job)
    assert first["input_files"] != second["input_files"]
    assert first["parameters"]["data_dir"] == str(data.parent.resolve())


def test_the_environment_that_steers_file_lookup_makes_the_page_stale(site, monkeypatch):
    [job] = plan_jobs("demo", ["2018-h1"], site, trends=True)
    assert quick_up_to_date(job)
    monkeypatch.setenv("SURVEY_DATA_DIR", "/elsewhere")
    assert not quick_up_to_date(job)


def test_every_parameter_of_the_page_is_in_its_fingerprint(site):
    [plain] = plan_jobs("demo", ["2018-h1"], site, trends=True)
    [changed] = plan_jobs("demo", ["2018-h1"], site, parameters={"min_base": 40},
                          trends=True)
    assert current_fingerprint(plain)[0]["parameters"] != current_fingerprint(changed)[0][
        "parameters"]
    assert quick_up_to_date(plain) and not quick_up_to_date(changed)
    assert set(render_jobs.FIXED_PARAMETERS) == {"source", "wave", "data_dir", "results_dir",
                                                 "article"}
