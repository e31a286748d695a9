"""Rendering many pages: skip unchanged ones, run the rest inline, in processes or on a cluster.

Failures are collected, never raised, so one failing wave does not stop the others.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor
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
) -> list[RenderOutcome]:
    """Render every job and return one outcome per job, in the jobs' order.

    Pages whose inputs are unchanged are skipped here, from file metadata, without starting any
    process. The others run in ``executor`` when given (anything with ``submit`` returning futures
    with ``done()``/``result()``: a ``concurrent.futures`` pool, a Dask ``distributed.Client``),
    else in a local process pool of ``jobs_in_parallel`` workers, or inline when that is 1.
    ``on_progress`` is called with ``progress`` (pages done, running, failed) at each change.
    """
    progress = progress or Progress(total=len(jobs))
    report = on_progress or (lambda _: None)
    outcomes: dict[int, RenderOutcome] = {}
    pending = []
    for i, job in enumerate(jobs):
        started = time.perf_counter()
        if quick_up_to_date(job):
            outcomes[i] = RenderOutcome(job, "skipped", time.perf_counter() - started)
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
    owned = executor is None
    pool = executor or ProcessPoolExecutor(max_workers=min(jobs_in_parallel, len(pending)))
    try:
        futures = {i: pool.submit(render_one, jobs[i]) for i in pending}
        capacity = jobs_in_parallel if owned else None
        _collect(futures, jobs, outcomes, progress, report, capacity)
    except BaseException:
        for future in futures.values() if "futures" in locals() else ():
            future.cancel()
        raise
    finally:
        if owned:
            pool.shutdown(wait=True, cancel_futures=True)
    return [outcomes[i] for i in range(len(jobs))]


def _collect(futures, jobs, outcomes, progress: Progress, report, capacity: int | None) -> None:
    """Wait for the futures, reporting each start (as far as the executor tells) and finish."""
    waiting = dict(futures)
    while waiting:
        changed = False
        for i, future in list(waiting.items()):
            if future.done():
                del waiting[i]
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
