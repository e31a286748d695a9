"""Downloading a wave's raw files with the publisher's own tool (the official ``kaggle`` CLI).

The command is data: each wave's codebook states it under ``download:`` (e.g.
``kaggle competitions download -c kaggle-survey-2022``; 2017 and 2018 are Kaggle *datasets*,
``kaggle datasets download -d kaggle/kaggle-survey-2017``). :func:`download_wave` runs it into
``<data_dir>/<source>/<wave folder>/`` and leaves the publisher's zip there as downloaded: the
loader reads the responses file straight from the zip and checks its sha256 against the codebook.

Nothing here is run by the tests against the network; they patch :func:`shutil.which` and
:func:`subprocess.run`.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
from pathlib import Path

from survey_analysis.codebook import Codebook
from survey_analysis.sources import SourceError, data_dirs, get_source, locate_file

KAGGLE_SETUP = (
    "Install the official Kaggle CLI with `pip install kaggle`, then create an API token on "
    "kaggle.com (Settings > API > Create New Token) and save the downloaded kaggle.json as "
    "~/.kaggle/kaggle.json (chmod 600), or set KAGGLE_USERNAME and KAGGLE_KEY."
)


class DownloadError(RuntimeError):
    """A wave cannot be downloaded: no command, no CLI, or the CLI failed."""


def _codebook(source: str, wave: str) -> Codebook:
    try:
        return get_source(source).codebook(wave)
    except SourceError as error:
        raise DownloadError(str(error)) from None


def download_command(source: str, wave: str) -> list[str]:
    """The publisher's download command for a wave (from its codebook's ``download:``), as argv.

    >>> download_command("kaggle", "2022")  # doctest: +SKIP
    ['kaggle', 'competitions', 'download', '-c', 'kaggle-survey-2022']
    """
    codebook = _codebook(source, wave)
    command = codebook.extra.get("download")
    if not command:
        hint = get_source(source).get_files.format(wave=wave)
        raise DownloadError(
            f"{source} wave {wave} has no download command (no `download:` in {codebook.path}). "
            f"{hint}"
        )
    return shlex.split(str(command))


def wave_folder(source: str, wave: str, data_dir: str | os.PathLike) -> Path:
    """Where a wave's files go: the folder of its responses file under ``<data_dir>/<source>/``."""
    codebook = _codebook(source, wave)
    responses = next((f for f in codebook.files if f.role == "responses"), None)
    relative = Path(responses.name).parent if responses else Path(wave)
    return Path(data_dir).expanduser() / source / relative


def download_wave(
    source: str, wave: str, data_dir: str | os.PathLike | None = None
) -> Path:
    """Run the publisher's CLI to fetch a wave into ``<data_dir>/<source>/<wave>/``; return the zip.

    ``data_dir`` defaults to the first data root (``$SURVEY_DATA_DIR``, else the project's
    ``data/``). The downloaded zip is left as it is; afterwards the responses file must be findable
    by the loader, else :class:`DownloadError` says what was downloaded.
    """
    command = download_command(source, wave)
    executable = shutil.which(command[0])
    if executable is None:
        raise DownloadError(
            f"the `{command[0]}` command is not on PATH, so {source} wave {wave} cannot be "
            f"downloaded. {KAGGLE_SETUP} Then run: {shlex.join(command)} -p DIR/{source}/{wave}"
        )
    root = Path(data_dir).expanduser() if data_dir is not None else data_dirs()[0]
    target = wave_folder(source, wave, root)
    target.mkdir(parents=True, exist_ok=True)
    before = set(target.glob("*.zip"))
    argv = [executable, *command[1:], "-p", str(target)]
    result = subprocess.run(argv, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        output = (result.stderr or result.stdout or "").strip()
        raise DownloadError(
            f"`{shlex.join([command[0], *argv[1:]])}` failed (exit {result.returncode}): "
            f"{output or 'no output'}\n"
            "401 Unauthorized: the API token is missing or wrong. " + KAGGLE_SETUP + "\n"
            "403 Forbidden (competitions): accept the competition's rules on its kaggle.com page "
            "with the same account first."
        )
    new_zips = sorted(set(target.glob("*.zip")) - before, key=lambda p: p.stat().st_mtime)
    codebook = _codebook(source, wave)
    responses = next(f for f in codebook.files if f.role == "responses")
    found = ", ".join(p.name for p in sorted(target.iterdir())) or "nothing"
    try:
        located = locate_file(get_source(source), wave, responses, root)
    except SourceError as error:
        raise DownloadError(
            f"the download finished but the loader cannot find {responses.name!r} "
            f"(downloaded into {target}: {found}).\n{error}"
        ) from None
    if not located.resolve().is_relative_to(root.resolve()):
        raise DownloadError(
            f"the download finished but {responses.name!r} is not in {target} "
            f"(downloaded: {found}); the loader would read {located} instead."
        )
    if located.suffix == ".zip" or not new_zips:
        return located
    return new_zips[-1]
