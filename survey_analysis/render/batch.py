"""Rendering waves: plan jobs, skip unchanged ones, execute, publish atomically, collect failures."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

import nbformat

from survey_analysis.codebook import codebook_path
from survey_analysis.render.execute import ExecutionFailed, ensure_kernel, execute_notebook
from survey_analysis.render.html import export_html, extract_results
from survey_analysis.sources import get_source, locate_file

logger = logging.getLogger(__name__)

PROJECT_ROOT = Path(__file__).resolve().parents[2]
PACKAGE_DIR = Path(__file__).resolve().parents[1]
WAVE_NOTEBOOK = PROJECT_ROOT / "notebooks" / "framework_battle.ipynb"


@dataclass(frozen=True)
class RenderJob:
    """One page to render: a notebook, its parameters, where the page goes."""

    source: str
    wave: str
    notebook: Path
    parameters: Mapping[str, Any]
    reports_dir: Path
    data_dir: str | None = None
    force: bool = False
    name: str = ""

    @property
    def stem(self) -> Path:
        return self.reports_dir / self.source / (self.name or self.wave)

    @property
    def html(self) -> Path:
        return self.stem.with_suffix(".html")

    @property
    def results(self) -> Path:
        return self.stem.with_suffix(".results.json")

    @property
    def executed(self) -> Path:
        return self.stem.with_suffix(".ipynb")

    @property
    def failed_notebook(self) -> Path:
        return self.stem.with_suffix(".failed.ipynb")

    @property
    def fingerprint_file(self) -> Path:
        return self.stem.with_suffix(".inputs.json")

    def command(self) -> str:
        parts = ["survey-report", "render", "--source", self.source, "--wave", self.wave]
        if self.data_dir:
            parts += ["--data-dir", self.data_dir]
        return " ".join(parts)


@dataclass(frozen=True)
class RenderFailure:
    """A wave that did not render: which, where it failed, and the error."""

    source: str
    wave: str
    message: str
    cell_index: int | None = None
    ename: str | None = None
    failed_notebook: str | None = None

    def __str__(self) -> str:
        where = f" (cell {self.cell_index})" if self.cell_index is not None else ""
        return f"{self.source} {self.wave}{where}: {self.message}"


@dataclass(frozen=True)
class RenderOutcome:
    job: RenderJob
    status: str  # "rendered", "skipped" or "failed"
    seconds: float = 0.0
    failure: RenderFailure | None = None
    changes: Sequence[Mapping[str, Any]] = field(default_factory=tuple)


def package_version() -> str:
    try:
        return metadata.version("survey-analysis")
    except metadata.PackageNotFoundError:
        return "0+unknown"


def git_commit() -> str:
    try:
        out = subprocess.run(["git", "rev-parse", "--short=12", "HEAD"], cwd=PROJECT_ROOT,
                             capture_output=True, text=True, check=True, timeout=10)
        return out.stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def package_digest() -> str:
    """A digest of the package's code and data files, so any change to them re-renders."""
    digest = hashlib.sha256()
    for path in sorted(PACKAGE_DIR.rglob("*")):
        if path.is_file() and path.suffix in {".py", ".yaml", ".j2", ".css", ".json"}:
            digest.update(str(path.relative_to(PACKAGE_DIR)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def fingerprint(job: RenderJob, package: str | None = None) -> dict[str, Any]:
    """What a page depends on: notebook, parameters, input files, codebook, package."""
    source = get_source(job.source)
    files = {}
    if job.wave in source.waves:
        codebook = source.codebook(job.wave)
        files = {f.name: _sha256(locate_file(source, job.wave, f, job.data_dir))
                 for f in codebook.files}
        files["codebook"] = _sha256(codebook_path(job.source, job.wave))
    return {
        "notebook": _sha256(job.notebook),
        "parameters": json.loads(json.dumps(dict(job.parameters), sort_keys=True, default=str)),
        "input_files": files,
        "package_version": package_version(),
        "package_digest": package or package_digest(),
    }


_UMASK = os.umask(0)
os.umask(_UMASK)


def write_atomic(path: Path, content: str | bytes) -> None:
    """Write ``content`` so that readers see the old file or the new one, never a part."""
    path.parent.mkdir(parents=True, exist_ok=True)
    data = content.encode("utf-8") if isinstance(content, str) else content
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.chmod(tmp, 0o666 & ~_UMASK)  # mkstemp makes 0600; published pages are for readers
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def is_up_to_date(job: RenderJob, current: Mapping[str, Any]) -> bool:
    if job.force or not (job.html.exists() and job.results.exists()):
        return False
    try:
        recorded = json.loads(job.fingerprint_file.read_text())
    except (OSError, ValueError):
        return False
    return recorded == json.loads(json.dumps(current, sort_keys=True))


def page_context(job: RenderJob, results: Mapping[str, Any]) -> dict[str, Any]:
    source = get_source(job.source)
    context = {
        "source": job.source,
        "source_title": source.title,
        "wave": job.wave,
        "licence": source.licence,
        "synthetic": source.synthetic,
        "parameters": {k: v for k, v in job.parameters.items() if k != "data_dir"},
        "package_version": package_version(),
        "git_commit": git_commit(),
        "command": job.command(),
        "input_files": results.get("input_files", []),
        "index_href": "../index.html",
        "links": [{"href": "trends.html", "text": f"{source.title}: trends across waves"}],
    }
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        context["rendered_at"] = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(int(epoch)))
    return context


def render_one(job: RenderJob) -> RenderOutcome:
    """Render one page unless its inputs are unchanged; never replace a good page with a bad one."""
    started = time.perf_counter()
    try:
        current = fingerprint(job)
    except Exception as error:  # noqa: BLE001 - any input problem is this wave's failure
        return _failed(job, started, RenderFailure(job.source, job.wave, str(error)))
    if is_up_to_date(job, current):
        return RenderOutcome(job, "skipped", time.perf_counter() - started)
    with tempfile.TemporaryDirectory(prefix="render-") as scratch:
        executed = Path(scratch) / job.executed.name
        try:
            execute_notebook(job.notebook, executed, job.parameters, cwd=job.notebook.parent)
        except ExecutionFailed as error:
            kept = _keep_failed(executed, job)
            return _failed(job, started, RenderFailure(
                job.source, job.wave, f"{error.ename}: {error.evalue}", error.cell_index,
                error.ename, kept))
        except Exception as error:  # noqa: BLE001 - kernel or parameter problems
            kept = _keep_failed(executed, job)
            return _failed(job, started, RenderFailure(
                job.source, job.wave, f"{type(error).__name__}: {error}", None, None, kept))
        nb = nbformat.read(executed, as_version=4)
        results = extract_results(nb)
        if results is None:
            kept = _keep_failed(executed, job)
            return _failed(job, started, RenderFailure(
                job.source, job.wave, "the notebook published no results (ResultSet.publish())",
                failed_notebook=kept))
        title = results.get("title") or f"{job.source} {job.wave}"
        html = export_html(nb, title, {**page_context(job, results), "title": title})
        previous = _read_json(job.results)
        write_atomic(job.executed, nbformat.writes(_stable_notebook(nb)))
        write_atomic(job.results, json.dumps(results, indent=1, ensure_ascii=False) + "\n")
        write_atomic(job.html, html)
        changes = compare_results(previous, results)
        if changes:
            write_atomic(job.stem.with_suffix(".changes.json"),
                         json.dumps(changes, indent=1, ensure_ascii=False) + "\n")
        write_atomic(job.fingerprint_file, json.dumps(current, indent=1, sort_keys=True) + "\n")
        job.failed_notebook.unlink(missing_ok=True)
    return RenderOutcome(job, "rendered", time.perf_counter() - started, changes=changes)


def _read_json(path: Path) -> dict[str, Any] | None:
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return None


def _stable_notebook(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Drop papermill's timings so re-rendering identical inputs gives identical files."""
    nb.metadata.pop("papermill", None)
    for cell in nb.cells:
        cell.metadata.pop("papermill", None)
        cell.metadata.pop("execution", None)
    return nb


def _keep_failed(executed: Path, job: RenderJob) -> str | None:
    if not executed.exists():
        return None
    job.failed_notebook.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(job.failed_notebook, executed.read_bytes())
    return str(job.failed_notebook)


def _failed(job: RenderJob, started: float, failure: RenderFailure) -> RenderOutcome:
    logger.error("render failed: %s", failure)
    return RenderOutcome(job, "failed", time.perf_counter() - started, failure=failure)


def compare_results(
    previous: Mapping[str, Any] | None, current: Mapping[str, Any]
) -> list[dict[str, Any]]:
    """Figures whose published value or significance verdict changed since the last render."""
    if not previous:
        return []
    old = {r["id"]: r for r in previous.get("results", [])}
    changes = []
    for record in current.get("results", []):
        before = old.get(record["id"])
        if before is None:
            continue
        moved = any(_differs(before.get(k), record.get(k)) for k in ("estimate", "lower", "upper"))
        flipped = before.get("significant") != record.get("significant")
        if moved or flipped:
            changes.append({
                "id": record["id"], "label": record.get("label"),
                "old": before.get("estimate"), "new": record.get("estimate"),
                "old_significant": before.get("significant"),
                "new_significant": record.get("significant"),
                "significance_flipped": flipped,
            })
    return changes


def _differs(a: Any, b: Any) -> bool:
    if a is None or b is None:
        return a is not b
    return abs(float(a) - float(b)) > 1e-9


def plan_jobs(
    source: str,
    waves: Iterable[str] | None = None,
    reports_dir: Path = PROJECT_ROOT / "reports",
    parameters: Mapping[str, Any] | None = None,
    data_dir: str | None = None,
    force: bool = False,
    notebook: Path = WAVE_NOTEBOOK,
) -> list[RenderJob]:
    """One job per wave of ``source`` (all its waves by default)."""
    src = get_source(source)
    chosen = list(waves) if waves else list(src.waves)
    for wave in chosen:
        src.codebook(wave)  # unknown waves fail here, before anything runs
    base = {**dict(src.extra.get("report_parameters", {})), **dict(parameters or {})}
    jobs = []
    for wave in chosen:
        params = {"source": source, "wave": wave, **base}
        if data_dir:
            params["data_dir"] = str(Path(data_dir).resolve())
        jobs.append(RenderJob(source, wave, notebook, params, Path(reports_dir), data_dir, force))
    return jobs


def render(
    jobs: Sequence[RenderJob],
    executor: Executor | None = None,
    jobs_in_parallel: int = 1,
    on_progress: Callable[[RenderOutcome, int, int], None] | None = None,
) -> list[RenderOutcome]:
    """Render every job; failures are collected, never raised, so the others still run.

    Pass any ``concurrent.futures``-style executor (a process pool, a Dask ``Client``); by default
    waves run in a local process pool of ``jobs_in_parallel`` workers (inline when 1).
    """
    ensure_kernel()
    outcomes: list[RenderOutcome] = []
    total = len(jobs)
    if executor is None and jobs_in_parallel <= 1:
        for job in jobs:
            outcome = render_one(job)
            outcomes.append(outcome)
            if on_progress:
                on_progress(outcome, len(outcomes), total)
        return outcomes
    owned = executor is None
    pool = executor or ProcessPoolExecutor(max_workers=jobs_in_parallel)
    try:
        futures: list[Future] = [pool.submit(render_one, job) for job in jobs]
        for future in _as_completed(futures):
            outcome = future.result()
            outcomes.append(outcome)
            if on_progress:
                on_progress(outcome, len(outcomes), total)
    finally:
        if owned:
            pool.shutdown()
    order = {(job.source, job.stem.name): i for i, job in enumerate(jobs)}
    return sorted(outcomes, key=lambda o: order.get((o.job.source, o.job.stem.name), 0))


def _as_completed(futures: list[Future]):
    # Dask futures are not concurrent.futures.Future; both offer .done()/.result().
    from concurrent.futures import as_completed

    try:
        yield from as_completed(futures)
    except TypeError:
        pending = list(futures)
        while pending:
            for future in list(pending):
                if future.done():
                    pending.remove(future)
                    yield future
            time.sleep(0.05)
