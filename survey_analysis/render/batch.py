"""Rendering many pages: skip unchanged ones, run the rest inline, in processes or on a cluster.

Failures are collected, never raised, so one failing wave does not stop the others.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Executor, ThreadPoolExecutor
from typing import Any

from survey_analysis.render.fingerprint import (
    git_commit,
    package_digest,
    package_version,
    write_atomic,
)
from survey_analysis.render.jobs import (
    PROJECT_ROOT,
    WAVE_NOTEBOOK,
    RenderFailure,
    RenderJob,
    RenderOutcome,
    plan_jobs,
    plan_trends_job,
    quick_up_to_date,
)
from survey_analysis.render.kernels import KernelPool
from survey_analysis.render.progress import Progress
from survey_analysis.render.publish import compare_results, render_one

__all__ = [
    "PROJECT_ROOT",
    "WAVE_NOTEBOOK",
    "RenderFailure",
    "RenderJob",
    "RenderOutcome",
    "compare_results",
    "git_commit",
    "package_digest",
    "package_version",
    "plan_jobs",
    "plan_trends_job",
    "render",
    "render_one",
    "write_atomic",
]

POLL_SECONDS = 0.1


def render(
    jobs: Sequence[RenderJob],
    executor: Executor | Any | None = None,
    jobs_in_parallel: int = 1,
    on_progress: Callable[[Progress], None] | None = None,
    progress: Progress | None = None,
    kernels: KernelPool | None = None,
    upcoming: Sequence[RenderJob] = (),
) -> list[RenderOutcome]:
    """Render every job and return one outcome per job, in the jobs' order.

    Pages whose inputs are unchanged are skipped here, from file metadata, without starting any
    process. The others run in ``executor`` when given (anything with ``submit`` returning futures
    with ``done()``/``result()``: a ``concurrent.futures`` pool, a Dask ``distributed.Client``).
    Otherwise they run from this process: one after the other with ``jobs_in_parallel`` 1 (each
    in a kernel papermill starts for it), else up to ``jobs_in_parallel`` at once, each in a
    kernel of its own from ``kernels`` (a :class:`KernelPool` of that size, shared with the next
    call so that ``upcoming`` pages, such as the trends pages, get their kernels started while
    the last of these pages run). ``on_progress`` is called with ``progress`` (pages done,
    running, failed) at each change.

    Pages run in threads of this process: each thread only drives its page's kernel (the
    kernel process does the work) and converts the page to HTML, so one parent serves them all
    and imports papermill, nbformat and nbconvert once. Papermill changes the process's working
    folder only when given ``cwd``, which is not done (a kernel is started in its page's
    folder instead); nothing else changes the folder during a build, and paths are absolute.
    """
    progress = progress or Progress(total=len(jobs))
    report = on_progress or (lambda _: None)
    outcomes: dict[int, RenderOutcome] = {}
    pending = []
    for i, job in enumerate(jobs):
        started = time.perf_counter()
        if quick_up_to_date(job):
            outcomes[i] = RenderOutcome(job, "skipped", time.perf_counter() - started)
            if kernels is not None:  # announced by an earlier call as a page to come
                kernels.forget(job.label)
            progress.finish(outcomes[i])
            report(progress)
        else:
            pending.append(i)
    if not pending:
        return [outcomes[i] for i in range(len(jobs))]
    if executor is None and jobs_in_parallel <= 1:
        for i in pending:
            progress.start(jobs[i])
            report(progress)
            outcomes[i] = render_one(jobs[i])
            progress.finish(outcomes[i])
            report(progress)
        return [outcomes[i] for i in range(len(jobs))]
    if executor is not None:
        futures = {i: executor.submit(render_one, jobs[i]) for i in pending}
        try:
            _collect(futures, jobs, outcomes, progress, report, None)
        except BaseException:
            for future in futures.values():
                future.cancel()
            raise
        return [outcomes[i] for i in range(len(jobs))]
    with contextlib.ExitStack() as stack:
        if kernels is None:
            kernels = stack.enter_context(KernelPool(jobs_in_parallel))
        # One kernel per running page: never more threads than the pool may keep kernels.
        workers = max(1, min(jobs_in_parallel, len(pending), kernels.size))
        kernels.expect([(jobs[i].label, jobs[i].notebook.parent) for i in pending]
                       + [(job.label, job.notebook.parent) for job in upcoming])
        # The first pages' kernels start up while their inputs are hashed and the renderer is
        # imported here; the next ones while these pages run.
        kernels.prestart(limit=workers)
        threads = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="survey-page")
        futures = {}
        try:
            futures = {i: threads.submit(render_one, jobs[i], kernels) for i in pending}
            _collect(futures, jobs, outcomes, progress, report, workers,
                     on_free=kernels.prestart)
        except BaseException:
            for future in futures.values():
                future.cancel()
            kernels.close()  # the running pages stop at once instead of being waited for
            raise
        finally:
            threads.shutdown(wait=True, cancel_futures=True)
    return [outcomes[i] for i in range(len(jobs))]


def _collect(futures, jobs, outcomes, progress: Progress, report, capacity: int | None,
             on_free: Callable[[], None] | None = None) -> None:
    """Wait for the futures, reporting each start (as far as the executor tells) and finish;
    ``on_free`` is called each time one finishes."""
    waiting = dict(futures)
    while waiting:
        changed = False
        for i, future in list(waiting.items()):
            if future.done():
                del waiting[i]
                if on_free is not None:
                    on_free()
                try:
                    outcomes[i] = future.result()
                except Exception as error:
                    job = jobs[i]
                    outcomes[i] = RenderOutcome(job, "failed", failure=RenderFailure(
                        job.source, job.wave, f"worker error: {type(error).__name__}: {error}"))
                progress.finish(outcomes[i])
                report(progress)
                changed = True
            elif (jobs[i].label not in progress.running and _running(future)
                  and (capacity is None or len(progress.running) < capacity)):
                progress.start(jobs[i])
                report(progress)
                changed = True
        if waiting and not changed:
            time.sleep(POLL_SECONDS)


def _running(future) -> bool:
    running = getattr(future, "running", None)
    if callable(running):
        return bool(running())
    return getattr(future, "status", "") == "pending"  # Dask: submitted, not finished
