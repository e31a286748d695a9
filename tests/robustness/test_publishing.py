"""A page set is published as a unit: a full disk, a read-only folder, Ctrl-C or kill -9 at any
point between its files leave every published page either as it was or complete, never torn."""

from __future__ import annotations

import errno
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from survey_analysis.render import pageset
from survey_analysis.render.jobs import plan_jobs, plan_trends_job, quick_up_to_date
from survey_analysis.render.site import build_lock, build_site
from tests.conftest import REPO_ROOT
from tests.robustness.conftest import assert_unchanged, leftovers, snapshot

WAVE = "2018-h1"


def _page(site: Path, wave: str = WAVE):
    [job] = plan_jobs("demo", [wave], site, trends=True)
    return job


def _page_files(job) -> dict[Path, bytes]:
    return {path: path.read_bytes() for path in (job.executed, job.results, job.html)}


def _new_version(job) -> tuple[dict[Path, bytes], dict]:
    """The page's files with one headline figure moved, and its manifest: a page set to publish."""
    files = _page_files(job)
    results = json.loads(files[job.results])
    results["results"][0]["estimate"] = 0.123456
    files[job.results] = (json.dumps(results, indent=1) + "\n").encode()
    files[job.html] = files[job.html].replace(b"</body>", b"<p>new version</p></body>")
    files[job.executed] = files[job.executed] + b"\n"
    record = json.loads(job.fingerprint_file.read_text())
    record.pop("published")
    return files, record


def _consistent(job) -> bool:
    return pageset.intact(job.fingerprint_file.parent, json.loads(job.fingerprint_file.read_text()))


@pytest.mark.parametrize(("code", "words", "failing_write"), [
    pytest.param(errno.ENOSPC, "the disk is full", n, id=f"disk-full-at-file-{n}")
    for n in (1, 2, 3, 4)
] + [
    pytest.param(errno.EROFS, "the file system is read-only", 1, id="read-only"),
    pytest.param(errno.EACCES, "permission denied", 1, id="no-permission"),
    pytest.param(errno.EDQUOT, "the disk quota is exceeded", 2, id="quota"),
])
def test_a_write_failing_at_any_file_of_a_page_touches_nothing(site, monkeypatch, failing_write,
                                                               code, words):
    job = _page(site)
    files, record = _new_version(job)
    before = snapshot(site)
    real, calls = pageset._write_synced, []

    def write(path, data):
        calls.append(path)
        if len(calls) == failing_write:
            real(path, data[: len(data) // 2])  # a part written, then the disk is full
            raise OSError(code, os.strerror(code), str(path))
        real(path, data)

    monkeypatch.setattr(pageset, "_write_synced", write)
    with pytest.raises(pageset.PublishError) as raised:
        pageset.publish(files, job.fingerprint_file, record)
    assert str(raised.value.strerror) == (f"cannot write {job.fingerprint_file.parent}: {words}; "
                                          "nothing published was changed")
    assert_unchanged(site, before)
    assert _consistent(job)


def _publish_then_die(job, files, record, renames_before_death: int | None) -> int:
    """Publish in a forked child that dies like kill -9 (os._exit) after N renames; None: during
    staging. Returns the child's exit status."""
    pid = os.fork()
    if pid == 0:  # the child
        try:
            done = []
            real_replace, real_write = os.replace, pageset._write_synced

            def replace(src, dst):
                if not str(dst).endswith(pageset.JOURNAL_SUFFIX):  # a rename of the switch
                    if len(done) == renames_before_death:
                        os._exit(137)
                    done.append(dst)
                real_replace(src, dst)

            def write(path, data):
                if renames_before_death is None and len(done) == 1:
                    os._exit(137)
                done.append(path)
                real_write(path, data)

            if renames_before_death is None:
                pageset._write_synced = write
            else:
                pageset.os.replace = replace
            pageset.publish(files, job.fingerprint_file, record)
            os._exit(0)
        except BaseException:
            os._exit(3)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status)


@pytest.mark.parametrize("renames", [None, 0, 1, 2, 3])
def test_kill_9_between_the_files_of_a_page_is_repaired_by_the_next_build(site, renames):
    """Killed while staging: the old page stays. Killed between renames (after 0..3 of the 4):
    the page is torn until the next build, which completes it from its journal."""
    job = _page(site)
    files, record = _new_version(job)
    old = _page_files(job)
    before = snapshot(site)
    assert _publish_then_die(job, files, record, renames) == 137
    if renames in (1, 2, 3):
        assert not _consistent(job)  # torn: the manifest (renamed last) disagrees with them
    with build_lock(site):  # what every build does first
        pass
    assert not leftovers(site)
    if renames is None:
        assert_unchanged(site, before)
        assert _page_files(job) == old
    else:
        assert _page_files(job) == files  # rolled forward: the new page, whole
        assert _consistent(job) and quick_up_to_date(job)


def test_ctrl_c_during_the_switch_is_held_until_the_page_is_whole(site, monkeypatch):
    job = _page(site)
    files, record = _new_version(job)
    real = os.replace

    def replace(src, dst):
        real(src, dst)
        if str(dst).endswith(".ipynb"):
            os.kill(os.getpid(), signal.SIGINT)

    monkeypatch.setattr(pageset.os, "replace", replace)
    with pytest.raises(KeyboardInterrupt):
        pageset.publish(files, job.fingerprint_file, record)
    assert _page_files(job) == files and _consistent(job)
    assert not leftovers(site)


def test_ctrl_c_while_staging_removes_the_staged_files(site, monkeypatch):
    job = _page(site)
    files, record = _new_version(job)
    before = snapshot(site)
    real, calls = pageset._write_synced, []

    def write(path, data):
        calls.append(path)
        if len(calls) == 3:
            raise KeyboardInterrupt
        real(path, data)

    monkeypatch.setattr(pageset, "_write_synced", write)
    with pytest.raises(KeyboardInterrupt):
        pageset.publish(files, job.fingerprint_file, record)
    assert_unchanged(site, before)


@pytest.mark.parametrize("damage", ["results-edited", "html-deleted", "notebook-truncated",
                                    "manifest-without-record", "manifest-unreadable"])
def test_a_page_whose_files_disagree_is_not_taken_as_up_to_date(site, damage):
    job = _page(site)
    assert quick_up_to_date(job)
    if damage == "results-edited":
        job.results.write_text(job.results.read_text().replace('"estimate": 0.', '"estimate": 1.'))
    elif damage == "html-deleted":
        job.html.unlink()
    elif damage == "notebook-truncated":
        job.executed.write_bytes(job.executed.read_bytes()[:100])
    elif damage == "manifest-without-record":
        record = json.loads(job.fingerprint_file.read_text())
        record.pop("published")
        job.fingerprint_file.write_text(json.dumps(record))
    else:
        job.fingerprint_file.write_text("{not json")
    assert not quick_up_to_date(job)


def test_a_copied_site_is_intact_by_content_even_with_new_modification_times(site):
    job = _page(site)
    for path in _page_files(job):
        os.utime(path, ns=(1, 1))
    assert _consistent(job)


@pytest.mark.slow
def test_a_build_repairs_a_torn_page_back_to_byte_identical_files(site):
    before = snapshot(site)
    job = _page(site)
    job.results.write_text(job.results.read_text().replace('"estimate": 0.', '"estimate": 1.', 1))
    outcomes = build_site("demo", [WAVE], reports_dir=site)
    assert [o.status for o in outcomes] == ["rendered", "skipped"]
    after = snapshot(site)
    # The manifests record the new files' times (the page's, and the trends page's record of
    # the results it read): only those differ, and only in that metadata.
    manifests = {f"demo/framework_battle/{WAVE}.inputs.json",
                 "demo/framework_battle/trends.inputs.json"}
    assert {k: v for k, v in after.items() if k not in manifests} == {
        k: v for k, v in before.items() if k not in manifests}
    assert _consistent(job) and quick_up_to_date(job)
    trends = plan_trends_job("demo", site)
    assert quick_up_to_date(trends)


@pytest.mark.slow
def test_index_and_trends_follow_a_page_published_after_they_were_built(site):
    """Killed after a page's switch and before the trends page and index: the next build (of any
    wave, even one with nothing to do) rebuilds both from the published pages."""
    job = _page(site)
    files, record = _new_version(job)
    pageset.publish(files, job.fingerprint_file, record)  # the index and trends are now behind
    outcomes = build_site("demo", ["2019-h2"], reports_dir=site)
    assert [o.status for o in outcomes] == ["skipped", "rendered"]
    trends = json.loads(plan_trends_job("demo", site).fingerprint_file.read_text())
    assert trends["fingerprint"]["input_files"][f"{WAVE}.results.json"] == pageset.file_record(
        job.results)[2]
    assert "12.3%" in (site / "index.html").read_text()  # the moved figure, 0.123456


def _survey_report(*args: str) -> subprocess.Popen:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    return subprocess.Popen([sys.executable, "-m", "survey_analysis.cli", *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
                            cwd=REPO_ROOT, start_new_session=True)


def _kernel_started(process: subprocess.Popen, timeout: float = 60) -> None:
    """Wait until the render's kernel runs (a child process of the command)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        children = subprocess.run(["pgrep", "-P", str(process.pid)], capture_output=True,
                                  text=True).stdout.split()
        if children:
            return
        assert process.poll() is None, process.communicate()
        time.sleep(0.1)
    raise AssertionError("the kernel never started")


@pytest.mark.slow
def test_ctrl_c_stops_with_130_one_line_and_no_temporary_files(site, tmp_path):
    before = snapshot(site)
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    process = subprocess.Popen(
        [sys.executable, "-m", "survey_analysis.cli", "render", "--wave", WAVE, "--force",
         "--reports-dir", str(site)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "TMPDIR": str(scratch)}, cwd=REPO_ROOT, start_new_session=True,
        # A terminal's Ctrl-C: SIGINT as a shell gives a foreground command (not ignored).
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    _kernel_started(process)
    time.sleep(1.0)
    os.killpg(process.pid, signal.SIGINT)  # what a terminal's Ctrl-C does: the whole group
    _, err = process.communicate(timeout=60)
    assert process.returncode == 130, err
    assert "Traceback" not in err
    assert err.strip().splitlines()[-1] == ("survey-report: interrupted; published pages are as "
                                            "they were before, or complete")
    # No scratch folder and no kernel connection file (kernels ended and cleaned up).
    assert sorted(p.name for p in scratch.iterdir()) == []
    assert_unchanged(site, before)


@pytest.mark.slow
@pytest.mark.parametrize("delay", [0.5, 2.5])
def test_kill_9_during_a_render_never_leaves_a_torn_page(site, delay):
    before = snapshot(site)
    process = _survey_report("render", "--wave", WAVE, "--force", "--reports-dir", str(site))
    _kernel_started(process)
    time.sleep(delay)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=30)
    with build_lock(site):  # the next build's first step
        pass
    job = _page(site)
    assert _consistent(job)
    assert not leftovers(site)
    page = f"demo/framework_battle/{WAVE}."
    assert {k: v for k, v in snapshot(site).items() if not k.startswith(page)} == {
        k: v for k, v in before.items() if not k.startswith(page)}


def _mount_tmpfs(folder: Path, size: str, *options: str) -> bool:
    folder.mkdir(parents=True, exist_ok=True)
    result = subprocess.run(["mount", "-t", "tmpfs", "-o", ",".join([f"size={size}", *options]),
                             "tmpfs", str(folder)], capture_output=True)
    return result.returncode == 0


@pytest.fixture
def small_disk(site, tmp_path):
    """The good site on a file system with room for it and ~100 kB more (needs mount rights)."""
    import shutil

    mount = tmp_path / "disk"
    used = sum(p.stat().st_size for p in site.rglob("*") if p.is_file())
    if not _mount_tmpfs(mount, f"{used // 1024 + 400}k"):
        pytest.skip("cannot mount a small file system here (needs root)")
    try:
        shutil.copytree(site, mount / "reports", copy_function=shutil.copy2)
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


@pytest.mark.slow
def test_a_real_full_disk_fails_the_page_in_one_line_and_touches_nothing(small_disk, run_cli):
    reports = small_disk / "reports"
    filler = small_disk / "filler"
    with filler.open("wb") as handle:  # leave ~150 kB: a page set needs ~1 MB
        free = os.statvfs(small_disk).f_bavail * os.statvfs(small_disk).f_frsize
        handle.write(b"\0" * max(0, free - 150_000))
    before = snapshot(reports)
    code, err = run_cli("render", "--wave", WAVE, "--force", "--reports-dir", reports)
    assert code == 1, err
    assert (f"FAILED demo {WAVE}: cannot write {reports / 'demo' / 'framework_battle'}: the "
            "disk is full; nothing "
            "published was changed") in err
    assert "Traceback" not in err
    assert_unchanged(reports, before)


def test_a_real_read_only_folder_is_one_line_and_touches_nothing(small_disk, run_cli):
    reports = small_disk / "reports"
    before = snapshot(reports)
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
    code, err = run_cli("render", "--wave", WAVE, "--force", "--reports-dir", reports)
    assert code == 2, err
    assert err.strip() == (f"survey-report: cannot write {reports / '.render.lock'}: the file "
                           "system is read-only")
    assert snapshot(reports) == before


@pytest.mark.slow
def test_a_second_build_into_the_same_folder_is_refused_while_the_first_publishes(site):
    """Two commands at once: the second stops at once with one line; the first completes."""
    first = _survey_report("render", "--wave", WAVE, "--force", "--reports-dir", str(site))
    _kernel_started(first)
    second = _survey_report("render", "--wave", "2018-h2", "--force", "--reports-dir", str(site))
    _, err = second.communicate(timeout=60)
    assert second.returncode == 2
    assert err.strip() == (f"survey-report: another survey-report render is publishing into "
                           f"{site}; wait for it to finish")
    _, first_err = first.communicate(timeout=120)
    assert first.returncode == 0, first_err
    assert _consistent(_page(site)) and _consistent(_page(site, "2018-h2"))
    assert not leftovers(site)
