"""Publishing: provenance, incremental no-op builds, byte-identical re-renders, change lists,
failures that keep the last good page, kill safety and a Dask cluster."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from survey_analysis.render.batch import render
from survey_analysis.render.jobs import plan_jobs
from survey_analysis.render.site import build_site
from tests.conftest import demo_data_with_unknown_label
from tests.rendered_site import shared_demo_site

pytestmark = pytest.mark.slow
WAVES = ("2018-h1", "2018-h2", "2019-h1", "2019-h2")
ART = Path("demo") / "framework_battle"  # one article's pages of one source
SURVEY_REPORT = str(Path(sys.executable).with_name("survey-report"))


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    return shared_demo_site(tmp_path_factory)


def test_index_links_every_wave_and_the_trends_page_with_provenance(site):
    index = BeautifulSoup((site / "index.html").read_text(), "html.parser")
    hrefs = {a["href"] for a in index.find_all("a")}
    assert {f"{ART}/{w}.html" for w in WAVES} | {f"{ART}/trends.html"} <= hrefs
    text = index.get_text(" ")
    assert "95% CI" in text and "Rendered" in text and "git commit" in text
    assert "survey-report render --source demo --article framework_battle --wave 2018-h2" \
        in text


def test_every_page_states_its_provenance_and_links_the_trends_page(site):
    for wave in WAVES:
        page = BeautifulSoup((site / ART / f"{wave}.html").read_text(), "html.parser")
        footer = page.find(id="provenance").get_text(" ")
        results = json.loads((site / ART / f"{wave}.results.json").read_text())
        assert results["input_files"]
        for file in results["input_files"]:  # sha256 of the raw export's bytes
            assert file["sha256"] in footer
        assert (f"survey-report render --source demo --article framework_battle --wave {wave}"
                in footer)
        assert "git commit" in footer and "survey_analysis 0" in footer
        assert page.find("a", href="trends.html") is not None
        assert page.find("h1").get_text().strip()
        assert not page.select(".jp-CodeCell .jp-InputArea, .jp-InputPrompt, .jp-OutputPrompt")
        assert "injected-parameters" not in str(page)
        assert (site / ART / f"{wave}.html").stat().st_size < 1.5e6


def test_trends_page_compares_waves_from_their_results(site):
    results = json.loads((site / ART / "trends.results.json").read_text())
    ids = {r["id"] for r in results["results"]}
    assert "change.share.pytorch.2018-h1..2018-h2" in ids
    assert "change.share.pytorch.2018-h1..2019-h2" in ids
    page = BeautifulSoup((site / ART / "trends.html").read_text(), "html.parser")
    text = page.get_text(" ")
    assert "no clear difference" in text or "significant" in text
    assert len(page.find_all("figure")) == 2 and all(f.find("figcaption")
                                                     for f in page.find_all("figure"))
    assert (site / ART / "trends.html").stat().st_size < 1.5e6
    links = {a["href"] for a in page.find_all("a", href=True)}
    for wave in ("2018-h1", "2018-h2", "2019-h1", "2019-h2"):
        assert f"{wave}.html" in links and (site / ART / f"{wave}.html").exists()


def test_a_second_build_is_a_no_op(site):
    # How fast it is, is measured by benchmarks/render_noop.py, not asserted here.
    before = {p: p.stat().st_mtime_ns for p in site.rglob("*") if p.is_file()}
    out = subprocess.run([SURVEY_REPORT, "render", "--source", "demo", "--reports-dir",
                          str(site)], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert "0 rendered, 5 unchanged, 0 failed" in out.stderr
    after = {p: p.stat().st_mtime_ns for p in site.rglob("*") if p.is_file()}
    assert after == before, "a no-op build must not touch any file"


def test_rendering_twice_gives_byte_identical_files_and_changes_are_listed(tmp_path,
                                                                           monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    [first] = render(plan_jobs("demo", ["2018-h1"], reports_dir=tmp_path))
    assert first.status == "rendered", first.failure
    folder = tmp_path / ART
    names = ("2018-h1.html", "2018-h1.results.json", "2018-h1.ipynb")
    original = {n: (folder / n).read_bytes() for n in names}
    [again] = render(plan_jobs("demo", ["2018-h1"], reports_dir=tmp_path, force=True))
    assert again.status == "rendered" and not again.changes
    for name in names:
        assert (folder / name).read_bytes() == original[name], name
    assert not (folder / "2018-h1.changes.json").exists()
    [changed] = render(plan_jobs("demo", ["2018-h1"], reports_dir=tmp_path,
                                 parameters={"confidence_level": 0.8}))
    assert changed.status == "rendered" and changed.changes
    listed = json.loads((folder / "2018-h1.changes.json").read_text())
    record = next(c for c in listed["changes"] if c["id"] == "share.tensorflow")
    assert record["old"] == record["new"] and record["old_interval"] != record["new_interval"]
    assert {"old_significant", "new_significant", "significance_flipped"} <= set(record)
    assert "--set confidence_level=0.8" in (folder / "2018-h1.html").read_text()


def test_a_failing_wave_does_not_stop_the_others_and_keeps_its_last_page(tmp_path):
    data = tmp_path / "data"
    (data / "demo").mkdir(parents=True)
    for name in Path("data/demo").iterdir():
        shutil.copy2(name, data / "demo" / name.name)
    reports = tmp_path / "reports"
    build_site("demo", ["2018-h1", "2018-h2"], reports, data_dir=str(data), trends=False)
    good = (reports / ART / "2018-h2.html").read_bytes()
    for name in (data / "demo").glob("2018-h2*"):
        name.write_bytes(b"not a survey export\n")
    outcomes = build_site("demo", ["2018-h1", "2018-h2"], reports, data_dir=str(data),
                          force=True, jobs=2, trends=False)
    status = {o.job.wave: o.status for o in outcomes}
    assert status == {"2018-h1": "rendered", "2018-h2": "failed"}
    failure = next(o.failure for o in outcomes if o.failure)
    assert "2018-h2" in str(failure) and failure.cell_index is not None
    assert (reports / ART / "2018-h2.failed.ipynb").exists()
    assert (reports / ART / "2018-h2.html").read_bytes() == good
    index = (reports / "index.html").read_text()
    assert "demo/framework_battle/2018-h2.html" in index
    assert "last re-render of this page failed" in index


def test_a_failing_cell_is_named_and_its_notebook_kept(tmp_path):
    bad_data = demo_data_with_unknown_label(tmp_path / "data", "2019-h1")
    [outcome] = render(plan_jobs("demo", ["2019-h1"], reports_dir=tmp_path,
                                 data_dir=str(bad_data)))
    assert outcome.status == "failed"
    assert outcome.failure.cell_index is not None and outcome.failure.ename == "CodebookError"
    assert "load_wave" in outcome.failure.cell_source
    assert "(cell " in str(outcome.failure)
    assert Path(outcome.failure.failed_notebook).exists()
    assert not (tmp_path / ART / "2019-h1.html").exists()


def _pages_intact(reports: Path) -> None:
    for html in reports.rglob("*.html"):
        text = html.read_text()
        assert text.rstrip().endswith("</html>"), html
        BeautifulSoup(text, "html.parser")
    for results in reports.rglob("*.json"):
        json.loads(results.read_text())


def test_killing_a_render_leaves_every_published_page_intact(tmp_path):
    reports = tmp_path / "reports"
    build_site("demo", ["2018-h1", "2018-h2"], reports, jobs=2)
    before = {p.name: p.read_bytes() for p in (reports / ART).glob("*.html")}
    process = subprocess.Popen(
        [SURVEY_REPORT, "render", "--source", "demo", "--wave", "2018-h1", "--wave", "2018-h2",
         "--force", "--jobs", "2", "--reports-dir", str(reports)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        html = reports / ART / "2018-h1.html"
        published = html.stat().st_mtime_ns
        # Kill as soon as the first page is republished, while the other is mid-way.
        while time.monotonic() < deadline and html.stat().st_mtime_ns == published:
            time.sleep(0.02)
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)  # the worker and kernel processes it started
    _pages_intact(reports)
    assert {p.name for p in (reports / ART).glob("*.html")} == set(before)
    # The next build cleans up and republishes whatever the killed one had not finished.
    outcomes = build_site("demo", ["2018-h1", "2018-h2"], reports)
    assert not [o for o in outcomes if o.failure]
    assert not list(reports.rglob(".*.tmp"))
    _pages_intact(reports)


def test_pages_render_on_a_dask_cluster(tmp_path):
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster:
        outcomes = build_site("demo", ["2019-h2"], tmp_path, trends=False,
                              scheduler=cluster.scheduler_address)
    assert [o.status for o in outcomes] == ["rendered"], outcomes[0].failure
    assert (tmp_path / ART / "2019-h2.html").exists()


def test_index_warns_where_a_sources_waves_are_not_comparable(tmp_path):
    from survey_analysis.render.site import collect_site

    for source, wave in (("kaggle", "2021"), ("demo", "2018-h2")):
        (tmp_path / source / "framework_battle").mkdir(parents=True)
        (tmp_path / source / "framework_battle" / f"{wave}.results.json").write_text(
            '{"results": []}')
    entries = {entry["name"]: entry for entry in collect_site(tmp_path)}
    assert "not directly comparable" in entries["kaggle"]["comparability"]
    assert entries["demo"]["comparability"] == ""
    assert [e["name"] for e in collect_site(tmp_path)] == ["kaggle", "demo"]  # real data first
