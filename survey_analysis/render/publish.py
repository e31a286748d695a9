"""Rendering one page: execute, convert, publish atomically; never replace a good page with a
bad one.

Files of a page ``reports/<source>/<name>``: ``.html`` (the page), ``.results.json`` (its figures),
``.ipynb`` (the executed notebook), ``.changes.json`` (figures that changed at the last re-render),
``.inputs.json`` (its fingerprint and the manifest of the others, switched last; see
:mod:`survey_analysis.render.pageset`: the files are replaced together or not at all) and,
after a failed render, ``.failed.ipynb`` (the executed notebook, kept for debugging).
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import tempfile
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from survey_analysis.render import fingerprint as fp
from survey_analysis.render import pageset
from survey_analysis.render.jobs import (
    RenderFailure,
    RenderJob,
    RenderOutcome,
    current_fingerprint,
    quick_up_to_date,
)
from survey_analysis.render.kernels import KernelPool

logger = logging.getLogger(__name__)
COMPARED_KEYS = ("estimate", "lower", "upper")


def render_one(job: RenderJob, kernels: KernelPool | None = None) -> RenderOutcome:
    """Render one page unless its inputs are unchanged; failures are returned, not raised.

    With ``kernels`` (where the page was announced with ``kernels.expect``), the page runs in a
    kernel from the pool, and kernels for the pages to come are started while it runs.
    """
    try:
        return _render_one(job, kernels)
    finally:
        if kernels is not None:  # skipped or failed before its kernel: none is kept for it
            kernels.forget(job.label)  # never raises: an unused kernel is stopped quietly


def _render_one(job: RenderJob, kernels: KernelPool | None) -> RenderOutcome:
    started = time.perf_counter()
    if quick_up_to_date(job):
        return RenderOutcome(job, "skipped", time.perf_counter() - started)
    try:
        current, hashed = current_fingerprint(job)
    except Exception as error:
        return _failed(job, started, RenderFailure(job.source, job.wave,
                                                   f"{type(error).__name__}: {error}"))
    record = fp.read_json(job.fingerprint_file)
    if (not job.force and isinstance(record, dict) and record.get("fingerprint") == current
            and pageset.intact(job.fingerprint_file.parent, record)):
        # Same content, touched files: refresh the metadata so the next check is fast (a cache:
        # a read-only folder only makes the next check slower).
        with contextlib.suppress(OSError):
            fp.write_json_atomic(job.fingerprint_file, {**record, "files": fp.stat_record(hashed),
                                                        "env": fp.survey_env()}, sort_keys=True)
        return RenderOutcome(job, "skipped", time.perf_counter() - started)
    if job.kind == "trends" and len(current["input_files"]) < 2:
        return RenderOutcome(job, "skipped", time.perf_counter() - started)
    if kernels is None:
        with tempfile.TemporaryDirectory(prefix="survey-render-") as scratch:
            return _execute_and_publish(job, current, hashed, Path(scratch), started)
    try:
        kernel = kernels.take(job.label, job.notebook.parent)
    except Exception as error:  # the build was stopped, or no kernel could be started
        return _failed(job, started, RenderFailure(job.source, job.wave,
                                                   f"starting a kernel: {error}"))
    from survey_analysis.render.kernels import stop_kernel

    try:
        with tempfile.TemporaryDirectory(prefix="survey-render-") as scratch:
            return _execute_and_publish(job, current, hashed, Path(scratch), started, kernel,
                                        kernels.prestart)
    finally:
        stop_kernel(kernel)  # once only: a no-op when papermill's run has stopped it


def _execute_and_publish(job: RenderJob, current: Mapping[str, Any], hashed: list[Path],
                         scratch: Path, started: float, kernel: Any = None,
                         start_next: Callable[[], None] | None = None) -> RenderOutcome:
    import nbformat

    from survey_analysis.render.execute import ExecutionFailed, ensure_kernel, execute_notebook
    from survey_analysis.render.html import export_html, extract_results, prepare_exporter

    ensure_kernel()
    if kernel is not None:  # the kernel is starting up meanwhile, on another core
        prepare_exporter(page_context(job, {}, current))
    executed = scratch / job.executed.name
    # The next pages' kernels start up while this page runs: now that this process has made its
    # imports, once this page's kernel has made its own, and once it is stopped (while this
    # page is converted to HTML). The pool's size bounds how many are alive.
    try:
        if start_next is not None:
            start_next()
        execute_notebook(job.notebook, executed, job.parameters, cwd=job.notebook.parent,
                         kernel=kernel, on_kernel_ready=start_next)
        if start_next is not None:
            start_next()
    except ExecutionFailed as error:
        return _failed(job, started, RenderFailure(
            job.source, job.wave, f"{error.ename}: {error.evalue}", error.cell_index,
            error.ename, _keep_failed(executed, job), error.source))
    except Exception as error:
        return _failed(job, started, RenderFailure(
            job.source, job.wave, f"{type(error).__name__}: {error}", None, None,
            _keep_failed(executed, job)))
    nb = nbformat.read(executed, as_version=4)
    results = extract_results(nb)
    if results is None:
        return _failed(job, started, RenderFailure(
            job.source, job.wave, "the notebook published no results (ResultSet.publish())",
            failed_notebook=_keep_failed(executed, job)))
    title = results.get("title") or f"{job.source} {job.wave}"
    try:
        html = export_html(nb, title, {**page_context(job, results, current), "title": title})
    except Exception as error:
        return _failed(job, started, RenderFailure(
            job.source, job.wave, f"converting to HTML: {type(error).__name__}: {error}",
            failed_notebook=_keep_failed(executed, job)))
    # Changes are measured against the published page only when its files agree (a torn or
    # edited results file is not what readers were shown).
    intact = pageset.intact(job.fingerprint_file.parent, previous_record(job))
    previous = fp.read_json(job.results) if intact else None
    changes = compare_results(previous, results)
    files: dict[Path, str] = {
        job.executed: nbformat.writes(_stable_notebook(nb)) + "\n",
        job.results: json.dumps(results, indent=1, ensure_ascii=False) + "\n",
        job.html: html,
    }
    if changes:
        files[job.changes_file] = json.dumps({
            "page": job.html.name, "previous": _rendered_info(job, previous_record(job)),
            "current": _rendered_info(job, None), "changes": changes},
            indent=1, ensure_ascii=False) + "\n"
    # Publish the page's files as one unit, its manifest (the fingerprint) last.
    try:
        pageset.publish(files, job.fingerprint_file, {
            "fingerprint": current, "files": fp.stat_record(hashed), "env": fp.survey_env(),
            "rendered": _rendered_info(job, None)})
    except pageset.PublishError as error:
        return _failed(job, started, RenderFailure(job.source, job.wave, error.strerror))
    with contextlib.suppress(OSError):
        job.failed_notebook.unlink(missing_ok=True)
    return RenderOutcome(job, "rendered", time.perf_counter() - started, changes=changes)


def previous_record(job: RenderJob) -> dict[str, Any] | None:
    record = fp.read_json(job.fingerprint_file)
    return record if isinstance(record, dict) else None


def _rendered_info(job: RenderJob, record: Mapping[str, Any] | None) -> dict[str, Any]:
    if record is not None:
        return dict(record.get("rendered") or {})
    info = {**fp.git_state(), "package_version": fp.package_version(), "command": job.command()}
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        info["rendered_at"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(int(epoch)))
    return info


def page_context(job: RenderJob, results: Mapping[str, Any],
                 current: Mapping[str, Any]) -> dict[str, Any]:
    """What the page template shows around the notebook: provenance and links."""
    from survey_analysis.sources import get_source

    source = get_source(job.source)
    git = fp.git_state()
    files = list(results.get("input_files") or [])
    if not files:
        files = [{"name": name, "sha256": digest}
                 for name, digest in sorted(current.get("input_files", {}).items())]
    context = {
        "source": job.source,
        "source_title": source.title,
        "wave": job.wave if job.kind == "wave" else "every wave (trends page)",
        "licence": source.licence,
        "synthetic": source.synthetic,
        "parameters": job.shown_parameters(),
        "package_version": fp.package_version(),
        "package_digest": current.get("package_digest", "")[:12],
        "git_commit": git["commit"] + (" (with uncommitted changes)" if git["dirty"] else ""),
        "git_date": git["commit_date"],
        "command": job.command(),
        "input_files": files,
        "codebooks": sorted(current.get("codebooks", {}).items()),
        "project_files": sorted(current.get("project_files", {}).items()),
        "index_href": "../../index.html",
        "links": [{"href": href, "text": text} for href, text in job.links],
    }
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        context["rendered_at"] = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(int(epoch)))
    return context


def _stable_notebook(nb):
    """Drop papermill's timings so re-rendering identical inputs gives identical files."""
    nb.metadata.pop("papermill", None)
    for cell in nb.cells:
        cell.metadata.pop("papermill", None)
        cell.metadata.pop("execution", None)
        if "injected-parameters" in cell.metadata.get("tags", []):
            cell["id"] = "injected-parameters"  # papermill gives it a random id
    return nb


def _keep_failed(executed: Path, job: RenderJob) -> str | None:
    if not executed.exists():
        return None
    try:
        fp.write_atomic(job.failed_notebook, executed.read_bytes())
    except OSError as error:  # a full disk must not hide the render's own error
        logger.warning("%s", pageset.describe_os_error(error, job.failed_notebook))
        return None
    return str(job.failed_notebook)


def _failed(job: RenderJob, started: float, failure: RenderFailure) -> RenderOutcome:
    logger.info("render failed: %s", failure)
    return RenderOutcome(job, "failed", time.perf_counter() - started, failure=failure)


def compare_results(
    previous: Mapping[str, Any] | None, current: Mapping[str, Any]
) -> list[dict[str, Any]]:
    """Figures whose published value, interval or significance verdict changed since the last
    render: id, label, kind, old and new value, and whether the verdict flipped."""
    if not previous:
        return []
    old = {r["id"]: r for r in previous.get("results", [])}
    changes = []
    for record in current.get("results", []):
        before = old.get(record["id"])
        if before is None:
            continue
        moved = any(_differs(before.get(k), record.get(k)) for k in COMPARED_KEYS)
        flipped = before.get("significant") != record.get("significant")
        if moved or flipped:
            changes.append({
                "id": record["id"], "label": record.get("label"), "kind": record.get("kind"),
                "unit": record.get("unit", ""),
                "old": before.get("estimate"), "new": record.get("estimate"),
                "old_interval": [before.get("lower"), before.get("upper")],
                "new_interval": [record.get("lower"), record.get("upper")],
                "old_significant": before.get("significant"),
                "new_significant": record.get("significant"),
                "significance_flipped": flipped,
            })
    return changes


def _differs(a: Any, b: Any) -> bool:
    if a is None or b is None:
        return a is not b
    return abs(float(a) - float(b)) > 1e-9
