"""Downloading waves with the official Kaggle CLI.

No network: ``shutil.which`` and ``subprocess.run`` are patched.
"""

from __future__ import annotations

import subprocess
import zipfile
from pathlib import Path

import pytest

from survey_analysis import download, sources
from survey_analysis.download import DownloadError, download_command, download_wave
from survey_analysis.sources import get_source

KAGGLE_CLI = "/opt/fake/bin/kaggle"


@pytest.mark.parametrize(("wave", "expected"), [
    ("2017", ["kaggle", "datasets", "download", "-d", "kaggle/kaggle-survey-2017"]),
    ("2018", ["kaggle", "datasets", "download", "-d", "kaggle/kaggle-survey-2018"]),
    ("2019", ["kaggle", "competitions", "download", "-c", "kaggle-survey-2019"]),
    ("2020", ["kaggle", "competitions", "download", "-c", "kaggle-survey-2020"]),
    ("2021", ["kaggle", "competitions", "download", "-c", "kaggle-survey-2021"]),
    ("2022", ["kaggle", "competitions", "download", "-c", "kaggle-survey-2022"]),
])
def test_download_command(wave, expected):
    assert download_command("kaggle", wave) == expected


def test_unknown_wave_or_source_without_command():
    with pytest.raises(DownloadError, match="no wave '2016'"):
        download_command("kaggle", "2016")
    with pytest.raises(DownloadError, match="no download command"):
        download_command("demo", "2018-h2")


def _fake_kaggle(calls: list, member: str | None, returncode: int = 0, stderr: str = ""):
    """A stand-in for subprocess.run that writes the publisher's zip into the -p folder."""

    def run(argv, **kwargs):
        calls.append((list(argv), kwargs))
        target = Path(argv[argv.index("-p") + 1])
        if returncode == 0 and member is not None:
            slug = argv[-3].split("/")[-1]  # the CLI names the zip after the slug
            with zipfile.ZipFile(target / f"{slug}.zip", "w") as zipped:
                zipped.writestr(member, "header\n")
        return subprocess.CompletedProcess(argv, returncode, stdout="", stderr=stderr)

    return run


@pytest.fixture
def no_other_roots(tmp_path, monkeypatch):
    """Keep $SURVEY_DATA_DIR and the project's data/ out of the file search."""
    monkeypatch.setenv(sources.DATA_DIR_ENV, str(tmp_path / "env"))
    monkeypatch.setattr(sources, "PROJECT_DATA_DIR", tmp_path / "project")


@pytest.mark.usefixtures("no_other_roots")
def test_download_wave_runs_the_cli_into_the_wave_folder(tmp_path, monkeypatch):
    calls: list = []
    monkeypatch.setattr(download.shutil, "which",
                        lambda name: KAGGLE_CLI if name == "kaggle" else None)
    monkeypatch.setattr(download.subprocess, "run",
                        _fake_kaggle(calls, "kaggle_survey_2022_responses.csv"))
    path = download_wave("kaggle", "2022", tmp_path / "data")
    target = tmp_path / "data" / "kaggle" / "2022"
    [(argv, kwargs)] = calls
    assert argv == [KAGGLE_CLI, "competitions", "download", "-c", "kaggle-survey-2022",
                    "-p", str(target)]
    assert kwargs["check"] is False and kwargs["capture_output"] is True
    assert path.parent == target and path.suffix == ".zip" and path.is_file()  # zip left as is
    # ... and the loader finds the responses file inside it.
    source = get_source("kaggle")
    located = sources.locate_file(source, "2022", source.codebook("2022").files[0],
                                  tmp_path / "data")
    assert located == path


@pytest.mark.usefixtures("no_other_roots")
def test_download_2017_uses_the_dataset(tmp_path, monkeypatch):
    calls: list = []
    monkeypatch.setattr(download.shutil, "which", lambda name: KAGGLE_CLI)
    monkeypatch.setattr(download.subprocess, "run",
                        _fake_kaggle(calls, "multipleChoiceResponses.csv"))
    path = download_wave("kaggle", "2017", tmp_path)
    assert calls[0][0][1:5] == ["datasets", "download", "-d", "kaggle/kaggle-survey-2017"]
    assert path.parent == tmp_path / "kaggle" / "2017"


def test_download_defaults_to_the_env_data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv(sources.DATA_DIR_ENV, str(tmp_path / "env"))
    monkeypatch.setattr(download.shutil, "which", lambda name: KAGGLE_CLI)
    monkeypatch.setattr(download.subprocess, "run",
                        _fake_kaggle([], "kaggle_survey_2021_responses.csv"))
    path = download_wave("kaggle", "2021")
    assert path.parent == tmp_path / "env" / "kaggle" / "2021"


def test_missing_cli_says_how_to_install(tmp_path, monkeypatch):
    monkeypatch.setattr(download.shutil, "which", lambda name: None)
    ran = []
    monkeypatch.setattr(download.subprocess, "run", lambda *a, **k: ran.append(a))
    with pytest.raises(DownloadError) as error:
        download_wave("kaggle", "2020", tmp_path)
    message = str(error.value)
    assert "pip install kaggle" in message
    assert "kaggle.json" in message and "KAGGLE_USERNAME" in message
    assert "kaggle competitions download -c kaggle-survey-2020" in message
    assert not ran


def test_cli_failure_is_reported_with_its_output(tmp_path, monkeypatch):
    monkeypatch.setattr(download.shutil, "which", lambda name: KAGGLE_CLI)
    monkeypatch.setattr(download.subprocess, "run",
                        _fake_kaggle([], None, returncode=1, stderr="403 - Forbidden"))
    with pytest.raises(DownloadError) as error:
        download_wave("kaggle", "2019", tmp_path)
    message = str(error.value)
    assert "403 - Forbidden" in message and "exit 1" in message
    assert "accept the competition's rules" in message


@pytest.mark.usefixtures("no_other_roots")
def test_download_without_the_responses_file_is_an_error(tmp_path, monkeypatch):
    monkeypatch.setattr(download.shutil, "which", lambda name: KAGGLE_CLI)
    monkeypatch.setattr(download.subprocess, "run", _fake_kaggle([], "something_else.csv"))
    with pytest.raises(DownloadError, match=r"cannot find '2020/kaggle_survey_2020_responses"):
        download_wave("kaggle", "2020", tmp_path)
