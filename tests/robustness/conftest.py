"""Shared set-up of the robustness corpus: one good site rendered per session, cheap copies of it,
a snapshot of a whole reports tree, broken copies of the demo data, the CLI run in-process."""

from __future__ import annotations

import gzip
import hashlib
import io
import shutil
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from survey_analysis import cli
from tests.conftest import REPO_ROOT
from tests.rendered_site import shared_site
from tests.test_browser import browser, chromium  # noqa: F401  (fixtures for these tests)

DEMO_DATA = REPO_ROOT / "data" / "demo"
TEMPORARY_NAMES = (".staged", ".tmp", ".publish.json")
FAILED_NOTE = "The last re-render of this page failed; the page shown is the last good one."


@pytest.fixture(scope="session")
def good_site(tmp_path_factory) -> Path:
    """Every demo wave, its trends page and the index, rendered once per test run (read-only)."""
    return shared_site(tmp_path_factory, "demo")


@pytest.fixture(scope="session")
def _settled_site(good_site, tmp_path_factory) -> tuple[Path, Path]:
    """A copy of the good site settled at one path of this worker, and a pristine template of it.

    A trends page records the folder it read (moving a site re-renders it), so the copy is built
    once where every test's copy will live; tests then get byte-identical, up-to-date copies.
    """
    from survey_analysis.render.site import build_site

    root = tmp_path_factory.mktemp("robust-site")
    live, template = root / "reports", root / "template"
    shutil.copytree(good_site, live, copy_function=shutil.copy2)
    failed = [o.failure for o in build_site("demo", reports_dir=live) if o.failure]
    assert not failed, failed
    shutil.copytree(live, template, copy_function=shutil.copy2)
    return live, template


@pytest.fixture
def site(_settled_site) -> Path:
    """A private, up-to-date copy of the good site (every test gets a fresh one)."""
    live, template = _settled_site
    shutil.rmtree(live, ignore_errors=True)
    shutil.copytree(template, live, copy_function=shutil.copy2)
    return live


def snapshot(reports: Path) -> dict[str, str]:
    """sha256 of every file under ``reports`` (the whole tree, whatever its layout)."""
    return {str(p.relative_to(reports)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(reports.rglob("*")) if p.is_file()}


def leftovers(folder: Path) -> list[str]:
    return [str(p) for p in folder.rglob("*") if p.name.endswith(TEMPORARY_NAMES)]


def assert_unchanged(reports: Path, before: dict[str, str], failed: tuple[str, ...] = ()) -> None:
    """Every file published before is byte-identical and nothing temporary is left. For each
    page stem in ``failed`` (e.g. ``demo/2018-h1``) the one addition allowed is its kept
    ``.failed.ipynb`` and the index's note that the page shown is the last good one."""
    after = snapshot(reports)
    allowed_new = {f"{stem}.failed.ipynb" for stem in failed}
    changed = sorted(k for k in before if after.get(k) != before[k]
                     and not (failed and k == "index.html"))
    assert not changed, f"published files changed: {changed}"
    added = sorted(set(after) - set(before) - allowed_new)
    assert not added, f"files added: {added}"
    assert not leftovers(reports), leftovers(reports)
    if failed:
        assert set(after) - set(before) == allowed_new
        assert FAILED_NOTE in (reports / "index.html").read_text(encoding="utf-8")
    else:
        assert after.get("index.html") == before.get("index.html")


@pytest.fixture
def run_cli(capsys) -> Callable[..., tuple[int, str]]:
    """``survey-report ARGS`` in this process: (exit code, stderr)."""

    def run(*argv: str) -> tuple[int, str]:
        capsys.readouterr()
        try:
            code = cli.main([str(a) for a in argv])
        except SystemExit as exit_:  # argparse
            code = int(exit_.code or 0)
        return code, capsys.readouterr().err

    return run


def demo_frame(wave: str = "2018-h1") -> pd.DataFrame:
    return pd.read_csv(DEMO_DATA / f"{wave}.csv.gz", dtype=str, keep_default_na=False)


def demo_text(wave: str = "2018-h1") -> str:
    return gzip.decompress((DEMO_DATA / f"{wave}.csv.gz").read_bytes()).decode("utf-8")


def write_wave(data_dir: Path, content: bytes | str | pd.DataFrame, wave: str = "2018-h1",
               name: str | None = None) -> Path:
    """Write a demo wave's raw file under ``data_dir/demo/`` (gzip unless ``name`` says not)."""
    if isinstance(content, pd.DataFrame):
        buffer = io.StringIO()
        content.to_csv(buffer, index=False)
        content = buffer.getvalue()
    data = content.encode("utf-8") if isinstance(content, str) else content
    folder = data_dir / "demo"
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / (name or f"{wave}.csv.gz")
    target.write_bytes(gzip.compress(data, mtime=0) if target.suffix == ".gz"
                       and not data.startswith(b"\x1f\x8b") else data)
    return data_dir
