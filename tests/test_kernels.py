"""Kernels started ahead (survey_analysis/render/kernels.py): a page run in one is the page run in
a kernel papermill starts, the pool never keeps more kernels alive than asked, and none outlives
a build."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import nbformat
import pytest

from survey_analysis.render import kernels as kernels_module
from survey_analysis.render.execute import execute_notebook
from survey_analysis.render.jobs import plan_jobs
from survey_analysis.render.kernels import (
    KernelPool,
    KernelPoolClosed,
    default_jobs,
    is_stopped,
    start_kernel,
    stop_kernel,
)
from survey_analysis.render.publish import _stable_notebook
from survey_analysis.render.site import build_site
from tests.rendered_site import shared_demo_site

# What a page can see of its kernel: its namespace, folder, path, matplotlib backend, and the
# execution counter. Only sys.modules differs (the public API is imported ahead).
PROBE = """
import os, sys
import matplotlib
print(sorted(k for k in globals() if not k.startswith("__")))
print(os.getcwd(), sys.path[:2], matplotlib.get_backend())
print(sorted(k for k in os.environ if k.startswith(("SURVEY", "MPL", "JPY"))))
"""


def _probe_notebook(path: Path) -> Path:
    nb = nbformat.v4.new_notebook()
    parameters = nbformat.v4.new_code_cell("x = 1")
    parameters.metadata["tags"] = ["parameters"]
    nb.cells = [parameters, nbformat.v4.new_code_cell(PROBE), nbformat.v4.new_code_cell("x")]
    nb.metadata["kernelspec"] = {"name": "survey-analysis", "display_name": "survey-analysis",
                                 "language": "python"}
    nbformat.write(nb, path)
    return path


def _outputs(path: Path) -> str:
    nb = _stable_notebook(nbformat.read(path, as_version=4))
    return nbformat.writes(nb)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a zombie (exited, not yet reaped) counts as gone
        return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"
    except OSError:
        return False


def _pid(manager) -> int:
    return manager.provisioner.process.pid


def test_a_page_run_in_a_kernel_started_ahead_sees_what_a_fresh_kernel_shows(tmp_path):
    notebook = _probe_notebook(tmp_path / "probe.ipynb")
    execute_notebook(notebook, tmp_path / "fresh.ipynb", {"x": 2})
    kernel = start_kernel("survey-analysis", tmp_path)
    pid = _pid(kernel)
    execute_notebook(notebook, tmp_path / "ahead.ipynb", {"x": 2}, kernel=kernel)
    fresh, ahead = _outputs(tmp_path / "fresh.ipynb"), _outputs(tmp_path / "ahead.ipynb")
    assert "'x'" in fresh and str(tmp_path) in fresh and "inline" in fresh  # the probe printed
    assert ahead == fresh
    assert not _alive(pid)  # used for one notebook, then stopped


def test_the_warm_up_imports_the_public_api_and_leaves_no_name(tmp_path):
    import papermill

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(
        "import sys\nprint('survey_analysis.analysis' in sys.modules, 'pandas' in sys.modules, "
        "[k for k in globals() if 'preload' in k])")]
    nb.metadata["kernelspec"] = {"name": "survey-analysis", "language": "python"}
    nbformat.write(nb, tmp_path / "w.ipynb")
    kernel = start_kernel("survey-analysis", tmp_path)
    try:
        papermill.execute_notebook(str(tmp_path / "w.ipynb"), str(tmp_path / "warm.ipynb"),
                                   kernel_name="survey-analysis", progress_bar=False, km=kernel)
    finally:
        stop_kernel(kernel)
    text = nbformat.read(tmp_path / "warm.ipynb", as_version=4).cells[0].outputs[0]["text"]
    assert text.strip() == "True True []"


def _wait_gone(pids: list[int]) -> bool:
    deadline = time.monotonic() + 10
    while any(_alive(pid) for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.1)
    return not any(_alive(pid) for pid in pids)


def test_the_pool_keeps_at_most_size_kernels_alive_and_stops_every_one(tmp_path):
    with KernelPool(2) as pool:
        pool.expect([("a", tmp_path), ("b", tmp_path), ("c", tmp_path)])
        pool.prestart()
        assert (pool.waiting, pool.running) == (2, 0)
        first = pool.take("a", tmp_path)
        assert (pool.waiting, pool.running) == (1, 1)
        pool.prestart()  # b has its kernel waiting; c would be a third
        assert (pool.waiting, pool.running) == (1, 1)
        pids = [_pid(first)] + [_pid(m) for _, m in pool._ready]
        assert all(_alive(pid) for pid in pids)
    assert _wait_gone(pids)


def test_pages_in_two_folders_never_exceed_the_size_nor_keep_an_unused_kernel(tmp_path):
    article, trends = tmp_path / "project-notebooks", tmp_path / "package-notebooks"
    article.mkdir(), trends.mkdir()
    with KernelPool(2) as pool:
        pool.expect([("w1", article), ("w2", article), ("t", trends)])
        pool.prestart(limit=1)
        assert pool.waiting == 1
        w1 = pool.take("w1", article)
        pool.prestart()  # w2's kernel
        assert (pool.waiting, pool.running) == (1, 1)
        pool.forget("w2")  # w2's inputs were unchanged: its kernel is stopped, not kept
        assert (pool.waiting, pool.running) == (0, 1)
        pool.prestart()  # now the trends page's
        [(folder, waiting)] = pool._ready
        assert folder == trends
        t = pool.take("t", trends)
        assert t is waiting and pool.running == 2 and pool.waiting == 0
        pids = [_pid(w1), _pid(t)]
    assert _wait_gone(pids)


def test_a_full_pool_stops_a_kernel_meant_for_a_later_page_rather_than_exceed(tmp_path):
    other = tmp_path / "other"
    other.mkdir()
    with KernelPool(2) as pool:
        pool.expect([("a", tmp_path), ("b", tmp_path), ("c", other)])
        pool.prestart()
        meant_for_b = [m for _, m in pool._ready][1]
        pool.take("c", other)  # no kernel waits in its folder: one must make room
        assert pool.waiting + pool.running == 2
        assert is_stopped(meant_for_b)


def test_a_closed_pool_hands_out_no_kernel_and_starts_none(tmp_path):
    pool = KernelPool(2)
    pool.expect([("a", tmp_path)])
    pool.close()
    pool.prestart()
    assert pool.waiting == 0
    with pytest.raises(KernelPoolClosed):
        pool.take("a", tmp_path)


def test_failing_to_start_a_kernel_ahead_fails_no_page(tmp_path, monkeypatch):
    """Too many open files when starting the next page's kernel: every page still renders,
    each starting its own kernel, and nothing is left running."""
    real_start = kernels_module.start_kernel
    calls = {"n": 0}
    pids: list[int] = []

    def flaky_start(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] % 2 == 0:  # every other start: the ones ahead, mostly
            raise OSError(24, "Too many open files")
        manager = real_start(*args, **kwargs)
        pids.append(_pid(manager))
        return manager

    monkeypatch.setattr(kernels_module, "start_kernel", flaky_start)
    from survey_analysis.render import batch

    jobs = plan_jobs("demo", ["2018-h1", "2019-h1"], tmp_path, force=True)
    outcomes = batch.render(jobs, jobs_in_parallel=2)
    failed = [o for o in outcomes if o.status != "rendered"]
    # A page whose own kernel could not be started fails with that error, named; none fails
    # because a kernel ahead could not be started.
    assert all("Too many open files" in str(o.failure) for o in failed)
    assert len(failed) < len(outcomes)
    assert _wait_gone(pids)


def test_jobs_default_to_the_usable_cores_at_most_four(monkeypatch):
    monkeypatch.setattr(os, "sched_getaffinity", lambda _: {0}, raising=False)
    assert default_jobs() == 1
    monkeypatch.setattr(os, "sched_getaffinity", lambda _: set(range(64)), raising=False)
    assert default_jobs() == kernels_module.MAX_DEFAULT_JOBS == 4


def test_pages_run_two_at_a_time_publish_what_one_at_a_time_publishes(tmp_path_factory,
                                                                      monkeypatch):
    """The shared site is built with jobs=2 (threads, kernels started ahead); one wave rendered
    again one at a time, in papermill's own kernel, gives the same results and notebook."""
    shared = shared_demo_site(tmp_path_factory)
    started = []
    real_start = kernels_module.start_kernel
    monkeypatch.setattr(kernels_module, "start_kernel",
                        lambda *a, **k: started.append(a) or real_start(*a, **k))
    reports = tmp_path_factory.mktemp("one-at-a-time")
    [outcome] = build_site("demo", ["2019-h1"], reports_dir=reports, jobs=1, trends=False)
    assert outcome.status == "rendered" and started == []  # jobs=1: no kernel started ahead
    page = Path("demo") / "framework_battle" / "2019-h1"
    for suffix in (".results.json", ".ipynb"):
        one = (reports / page).with_suffix(suffix).read_text()
        two = (shared / page).with_suffix(suffix).read_text()
        if suffix == ".results.json":
            one, two = json.loads(one), json.loads(two)
        assert one == two, suffix


def test_an_interrupted_build_leaves_no_kernel_running(tmp_path, monkeypatch):
    """Ctrl-C while two pages run: the kernels (running and started ahead) are stopped at once,
    not waited for."""
    pids: list[int] = []
    real_start = kernels_module.start_kernel

    def recording_start(*args, **kwargs):
        manager = real_start(*args, **kwargs)
        pids.append(_pid(manager))
        return manager

    monkeypatch.setattr(kernels_module, "start_kernel", recording_start)
    from survey_analysis.render import batch

    def interrupt_soon(futures, *args, **kwargs):
        deadline = time.monotonic() + 60
        while not any(f.running() for f in futures.values()) and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(1.0)  # the pages are executing
        raise KeyboardInterrupt

    monkeypatch.setattr(batch, "_collect", interrupt_soon)
    jobs = plan_jobs("demo", ["2018-h1", "2018-h2", "2019-h1"], tmp_path, force=True)
    started = time.monotonic()
    with pytest.raises(KeyboardInterrupt):
        batch.render(jobs, jobs_in_parallel=2)
    assert time.monotonic() - started < 30
    assert pids and not any(_alive(pid) for pid in pids)


class _FakeProvisioner:
    def __init__(self) -> None:
        import subprocess

        self.process = subprocess.Popen(["sleep", "60"])


class _FakeManager:
    """A kernel manager whose kernel is a ``sleep`` process (no Jupyter kernel started)."""

    fail_start = False

    def __init__(self, kernel_name: str = "") -> None:
        self.provisioner = None
        self.cleaned = False

    async def start_kernel(self, **_: object) -> None:
        self.provisioner = _FakeProvisioner()  # launched, then the rest of the start fails
        if self.fail_start:
            raise OSError(24, "Too many open files")

    async def is_alive(self) -> bool:
        return self.provisioner is not None and self.provisioner.process.poll() is None

    async def shutdown_kernel(self, now: bool = False) -> None:
        self.provisioner.process.kill()
        self.provisioner.process.wait()

    async def cleanup_resources(self) -> None:
        self.cleaned = True


def test_a_kernel_whose_start_fails_part_way_leaves_no_process(monkeypatch, tmp_path):
    class Failing(_FakeManager):
        fail_start = True

    made: list[_FakeManager] = []
    monkeypatch.setattr(kernels_module, "_kernel_manager_class",
                        lambda: lambda **kw: made.append(Failing(**kw)) or made[-1])
    with pytest.raises(OSError, match="Too many open files"):
        start_kernel("survey-analysis", tmp_path)
    [manager] = made
    assert manager.provisioner.process.poll() is not None and manager.cleaned


def test_an_upcoming_page_skipped_by_the_next_call_keeps_no_kernel(monkeypatch, tmp_path):
    """The trends page is announced while the wave pages run and gets a kernel started ahead;
    when its own render() call finds it up to date, that kernel is stopped at once."""
    from survey_analysis.render import batch
    from survey_analysis.render.jobs import plan_trends_job

    monkeypatch.setattr(kernels_module, "_kernel_manager_class", lambda: _FakeManager)
    monkeypatch.setattr(KernelPool, "_start",
                        lambda self, folder: start_kernel(self.kernel_name, folder))
    trends = plan_trends_job("demo", tmp_path)
    with KernelPool(2) as pool:
        pool.expect([(trends.label, trends.notebook.parent)])
        pool.prestart()
        [(_, manager)] = pool._ready
        monkeypatch.setattr(batch, "quick_up_to_date", lambda job: True)
        [outcome] = batch.render([trends], jobs_in_parallel=2, kernels=pool)
        assert outcome.status == "skipped"
        assert (pool.waiting, pool.running) == (0, 0) and is_stopped(manager)
        assert manager.provisioner.process.poll() is not None
