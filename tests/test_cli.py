"""The thin CLI: parse, call one package function, report (build_site is patched)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from survey_analysis import cli
from survey_analysis.render.jobs import RenderFailure, RenderJob, RenderOutcome
from survey_analysis.render.kernels import default_jobs


def test_render_help_describes_every_option(capsys):
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["render", "--help"])
    assert exit_info.value.code == 0
    text = capsys.readouterr().out
    for option in ("--source", "--wave", "--data-dir", "--reports-dir", "--set", "--force",
                   "--jobs", "--scheduler"):
        assert option in text
    assert "trends" in text and "failed.ipynb" in text


def test_data_dir_variable_matches_the_sources_module():
    from survey_analysis.sources import DATA_DIR_ENV

    assert cli.DATA_DIR_ENV == DATA_DIR_ENV


def fake_outcomes(failed: bool = False):
    job = RenderJob("demo", "2018-h2", Path("nb.ipynb"), {}, Path("reports"))
    if not failed:
        return [RenderOutcome(job, "rendered", 1.0), RenderOutcome(job, "skipped")]
    failure = RenderFailure("demo", "2018-h2", "ValueError: share method 'exact' unknown", 3,
                            "ValueError", "reports/demo/2018-h2.failed.ipynb",
                            "a = Analysis(")
    return [RenderOutcome(job, "failed", 1.0, failure=failure)]


def test_render_calls_build_site_with_the_parsed_arguments(monkeypatch, tmp_path):
    calls = []

    def fake_build_site(**kwargs):
        calls.append(kwargs)
        return fake_outcomes()

    monkeypatch.setattr("survey_analysis.render.site.build_site", fake_build_site)
    code = cli.main(["render", "--source", "kaggle", "--wave", "2019", "--wave", "2020",
                     "--data-dir", "/data", "--reports-dir", str(tmp_path), "--set",
                     "confidence_level=0.9", "--set", "population=employed", "--force",
                     "--jobs", "3", "--scheduler", "tcp://127.0.0.1:8786"])
    assert code == 0
    [kwargs] = calls
    progress = kwargs.pop("on_progress")
    assert callable(progress)
    assert kwargs == {"source": "kaggle", "waves": ["2019", "2020"], "reports_dir": tmp_path,
                      "parameters": {"confidence_level": 0.9, "population": "employed"},
                      "data_dir": "/data", "force": True, "jobs": 3,
                      "scheduler": "tcp://127.0.0.1:8786", "articles": None, "notebook": None}


def test_render_defaults(monkeypatch):
    calls = []
    monkeypatch.setattr("survey_analysis.render.site.build_site",
                        lambda **kw: calls.append(kw) or fake_outcomes())
    assert cli.main(["render"]) == 0
    assert calls[0]["source"] == "demo" and calls[0]["waves"] is None
    assert calls[0]["jobs"] == default_jobs() and calls[0]["force"] is False
    assert calls[0]["scheduler"] is None


def test_a_failure_exits_non_zero_naming_wave_cell_and_error(monkeypatch, capsys):
    monkeypatch.setattr("survey_analysis.render.site.build_site",
                        lambda **kw: fake_outcomes(failed=True))
    assert cli.main(["render"]) == 1
    err = capsys.readouterr().err
    assert "FAILED demo 2018-h2 (cell 3: 'a = Analysis(')" in err
    assert "ValueError: share method 'exact' unknown" in err
    assert "reports/demo/2018-h2.failed.ipynb" in err


def test_bad_parameter_syntax_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["render", "--set", "confidence_level"])
    assert exit_info.value.code == 2
    assert "expected NAME=VALUE" in capsys.readouterr().err


def test_unknown_wave_is_reported_without_rendering(tmp_path, capsys):
    assert cli.main(["render", "--wave", "1999", "--reports-dir", str(tmp_path)]) == 2
    assert "no wave '1999'" in capsys.readouterr().err


def test_the_render_command_path_does_not_import_the_analysis_stack():
    code = ("import sys; from survey_analysis import cli; "
            "from survey_analysis.render import site, batch, publish; "
            "heavy = {'pandas', 'matplotlib', 'papermill', 'nbconvert', 'scipy'} & "
            "set(sys.modules); print(sorted(heavy))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "[]"


def test_download_calls_the_publishers_tool_per_wave(monkeypatch, tmp_path, capsys):
    calls = []

    def fake_download(source, wave, data_dir):
        calls.append((source, wave, data_dir))
        return tmp_path / source / wave / f"{wave}.zip"

    monkeypatch.setattr("survey_analysis.download.download_wave", fake_download)
    assert cli.main(["download", "--source", "kaggle", "--wave", "2021", "--wave", "2022",
                 "--data-dir", str(tmp_path)]) == 0
    assert calls == [("kaggle", "2021", str(tmp_path)), ("kaggle", "2022", str(tmp_path))]
    assert "2022.zip" in capsys.readouterr().out


def test_download_without_the_kaggle_tool_says_how_to_get_it(monkeypatch, capsys):
    monkeypatch.setattr("shutil.which", lambda name: None)
    assert cli.main(["download", "--source", "kaggle", "--wave", "2022"]) == 2
    assert "pip install kaggle" in capsys.readouterr().err
