"""Shared fixtures: the demo waves, the real-data mirror, a scratch reports folder."""

from __future__ import annotations

import os
import tempfile
from functools import cache
from pathlib import Path

import pytest

# Tests (and the notebook kernels they start) never touch the user's table cache.
os.environ["SURVEY_CACHE_DIR"] = tempfile.mkdtemp(prefix="survey-test-cache-")

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO_ROOT.parent / "shared" / "data"


def real_data_dir() -> Path | None:
    """The local mirror of the publishers' files: $SURVEY_DATA_DIR or ../shared/data."""
    for candidate in (os.environ.get("SURVEY_DATA_DIR"), SHARED_DATA):
        if candidate and (Path(candidate) / "kaggle").is_dir():
            return Path(candidate)
    return None


@pytest.fixture(autouse=True)
def _no_active_project():
    """A test that activates a project (``survey-report --project``) leaves none behind."""
    saved = os.environ.pop("SURVEY_PROJECT", None)
    yield
    os.environ.pop("SURVEY_PROJECT", None)
    if saved is not None:
        os.environ["SURVEY_PROJECT"] = saved


@cache
def demo_wave(wave: str = "2018-h2"):
    from survey_analysis import load_wave

    return load_wave("demo", wave)


@pytest.fixture(scope="session")
def wave_2018h2():
    return demo_wave("2018-h2")


def demo_data_with_unknown_label(folder: Path, wave: str = "2018-h2") -> Path:
    """A data folder whose demo ``wave`` has an answer label the codebook does not know."""
    import gzip

    target = folder / "demo"
    target.mkdir(parents=True, exist_ok=True)
    text = gzip.decompress((REPO_ROOT / "data" / "demo" / f"{wave}.csv.gz").read_bytes()).decode()
    header, first, rest = text.split("\n", 2)
    first = first.replace(",Java,", ",Klingon,", 1) if ",Java," in first else first + "Klingon"
    (target / f"{wave}.csv.gz").write_bytes(gzip.compress(f"{header}\n{first}\n{rest}".encode()))
    return folder
