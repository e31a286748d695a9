"""Kernels started ahead: the next page's kernel starts, and makes its imports, while the current
page runs.

Every page still runs in a kernel of its own, started for it and stopped after it (papermill's
own rule, kept for reproducibility): a kernel started ahead differs from one started on demand
only in *when* it starts and in having imported the package's public modules
(:data:`survey_analysis.preload.WARM_UP`) before its first cell. It is handed to papermill as
its kernel manager (nbclient's ``km``), used for exactly one notebook, then shut down. This is
Voila's "preheated kernels" idea without pre-executing any of the notebook.

Starting a kernel only launches its process (a few tens of milliseconds here); the process
starts up and imports on its own, on another core, until papermill connects and waits for it.
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from survey_analysis.preload import WARM_UP

logger = logging.getLogger(__name__)

# The arguments papermill (nbclient) gives a kernel it starts itself, so that a kernel started
# here behaves alike: no history file shared between kernels, and the kernel's own log (transport
# notices, the interrupt at shutdown) kept out of the page.
KERNEL_ARGUMENTS = ("--IPKernelApp.log_level=CRITICAL", "--HistoryManager.hist_file=:memory:")
# Each kernel holds its wave in memory (about 350 MB for the demo, 500 MB at 100,000
# respondents), so the default stops at a few even on a large machine.
MAX_DEFAULT_JOBS = 4


def default_jobs() -> int:
    """How many kernels ``survey-report render`` keeps alive by default: the cores this process
    may use (its CPU affinity, not the machine's count), at most :data:`MAX_DEFAULT_JOBS`."""
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        usable = os.cpu_count() or 1
    return max(1, min(usable, MAX_DEFAULT_JOBS))


def _kernel_manager_class() -> type:
    from jupyter_client.manager import AsyncKernelManager

    class PageKernelManager(AsyncKernelManager):
        """Remembers the clients papermill opens, so their channels can be closed afterwards,
        and whether the kernel was stopped."""

        def client(self, **kwargs: Any) -> Any:
            client = super().client(**kwargs)
            self.__dict__.setdefault("page_clients", []).append(client)
            return client

    return PageKernelManager


def start_kernel(kernel_name: str, cwd: Path) -> Any:
    """Launch a kernel for one page in ``cwd``; it imports the public API before its first cell."""
    from jupyter_core.utils import run_sync

    manager = _kernel_manager_class()(kernel_name=kernel_name)
    arguments = [*KERNEL_ARGUMENTS, f"--IPKernelApp.exec_lines={WARM_UP}"]
    try:
        run_sync(manager.start_kernel)(extra_arguments=arguments, cwd=str(cwd))
    except BaseException:
        # A start that failed part-way (too many open files after the process was launched,
        # say, or Ctrl-C) must not leave a process or a connection file nobody knows of.
        process = getattr(manager.provisioner, "process", None)
        with contextlib.suppress(Exception):
            if process is not None:
                process.kill()
                process.wait(timeout=5)
        with contextlib.suppress(Exception):
            run_sync(manager.cleanup_resources)()
        raise
    return manager


def stop_kernel(manager: Any) -> None:
    """Stop a kernel at once and release its client channels and connection file (once).

    The kernel counts as alive (:func:`is_stopped` is false) until its process has ended, so a
    pool never starts another in its place too early."""
    from jupyter_core.utils import run_sync

    if manager.__dict__.get("page_stopping"):
        return
    manager.__dict__["page_stopping"] = True
    try:
        if run_sync(manager.is_alive)():
            run_sync(manager.shutdown_kernel)(now=True)
    except RuntimeError as error:  # already gone
        logger.debug("stopping kernel: %s", error)
    finally:
        try:
            for client in manager.__dict__.pop("page_clients", []):
                client.stop_channels()
            run_sync(manager.cleanup_resources)()
        finally:
            manager.__dict__["page_stopped"] = True


def is_stopped(manager: Any) -> bool:
    return bool(manager.__dict__.get("page_stopped"))


def _stop_quietly(manager: Any) -> None:
    """Stop a kernel the pool no longer needs; a failure is logged, never raised into a page."""
    try:
        stop_kernel(manager)
    except Exception as error:
        logger.warning("stopping an unused kernel: %s", error)


class KernelPoolClosed(RuntimeError):
    """The build was stopped (Ctrl-C): no kernel is handed out any more."""


@dataclass
class KernelPool:
    """At most ``size`` kernels alive at once: those running a page plus those started ahead for
    the pages still to run.

    The pages to come are announced with :meth:`expect` (a key per page and the folder its
    notebook runs in); :meth:`prestart` starts kernels for the first of them that have none
    waiting, while fewer than ``size`` are alive; :meth:`take` hands a page its kernel (one
    started ahead in its folder, else one started now, stopping a surplus waiting kernel first
    if the pool is full); :meth:`forget` drops a page that turned out not to need one (its inputs
    were unchanged) and stops a kernel started ahead that no page needs any more. Kernels are
    interchangeable within a folder. Use as a context manager: on exit every kernel it started
    and that is still alive is stopped. All methods are safe to call from the pages' threads.
    """

    size: int
    kernel_name: str = ""
    _ready: list[tuple[Path, Any]] = field(default_factory=list)
    _taken: list[Any] = field(default_factory=list)
    _demand: dict[str, Path] = field(default_factory=dict)  # page key -> folder, in order
    _closed: bool = False
    _lock: threading.RLock = field(default_factory=threading.RLock)

    def __enter__(self) -> KernelPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
        # The pages' threads have finished by now: release what they did not.
        for manager in self._taken:
            _stop_quietly(manager)
        self._taken = []

    def __post_init__(self) -> None:
        if not self.kernel_name:
            from survey_analysis.render.execute import KERNEL_NAME

            self.kernel_name = KERNEL_NAME

    @property
    def waiting(self) -> int:
        """Kernels started ahead and not yet taken."""
        return len(self._ready)

    @property
    def running(self) -> int:
        """Kernels taken for a page and not yet stopped."""
        with self._lock:
            self._taken = [m for m in self._taken if not is_stopped(m)]
            return len(self._taken)

    def expect(self, pages: Iterable[tuple[str, Path]]) -> None:
        """Announce pages to come, in order: (a key unique to the page, its notebook's folder).
        A page announced already keeps its place."""
        with self._lock:
            for key, folder in pages:
                self._demand.setdefault(key, Path(folder))

    def prestart(self, limit: int | None = None) -> None:
        """Start kernels for the first expected pages that have none waiting, while fewer than
        ``size`` are alive; at most ``limit`` of them now. Never raises: starting ahead is an
        optimisation, and a page whose kernel could not be started ahead starts its own (and
        reports the failure if it is still there)."""
        with self._lock:
            if self._closed:
                return
            waiting = [folder for folder, _ in self._ready]
            started = 0
            for folder in self._demand.values():
                if folder in waiting:
                    waiting.remove(folder)  # that page has its kernel already
                    continue
                if self.waiting + self.running >= self.size or (
                        limit is not None and started >= limit):
                    return
                try:
                    self._ready.append((folder, self._start(folder)))
                except Exception as error:  # too many open files, say
                    logger.warning("could not start a kernel ahead: %s", error)
                    return
                started += 1

    def take(self, key: str, folder: Path) -> Any:
        """The kernel for page ``key`` about to run in ``folder``, now running it."""
        folder = Path(folder)
        with self._lock:
            if self._closed:
                raise KernelPoolClosed("the build was stopped")
            self._demand.pop(key, None)
            for i, (started_in, manager) in enumerate(self._ready):
                if started_in == folder:
                    del self._ready[i]
                    self._taken.append(manager)
                    self._stop_surplus()
                    return manager
            self._stop_surplus()
            while self._ready and self.waiting + self.running >= self.size:
                _stop_quietly(self._ready.pop()[1])  # the one meant for the latest page
            manager = self._start(folder)
            self._taken.append(manager)
            return manager

    def forget(self, key: str) -> None:
        """Page ``key`` will not take a kernel (it was skipped, or has taken one already)."""
        with self._lock:
            if self._demand.pop(key, None) is not None:
                self._stop_surplus()

    def _stop_surplus(self) -> None:
        """Stop waiting kernels that no expected page needs (e.g. its page was skipped)."""
        wanted = list(self._demand.values())
        keep, surplus = [], []
        for folder, manager in self._ready:
            if folder in wanted:
                wanted.remove(folder)
                keep.append((folder, manager))
            else:
                surplus.append(manager)
        self._ready = keep  # first, so that a failing stop leaves the pool consistent
        for manager in surplus:
            _stop_quietly(manager)

    def _start(self, folder: Path) -> Any:
        from survey_analysis.render.execute import ensure_kernel

        ensure_kernel(self.kernel_name)
        return start_kernel(self.kernel_name, folder)

    def close(self) -> None:
        """Stop every kernel waiting, and end the process of every kernel running a page (that
        page then fails at once); hand out no kernel after this."""
        with self._lock:
            self._closed = True
            waiting, running = [m for _, m in self._ready], list(self._taken)
            self._ready, self._demand = [], {}
        for manager in waiting:
            _stop_quietly(manager)
        for manager in running:
            # Its page's thread owns the client and releases it when the page ends (and
            # __exit__ releases what is left); closing its sockets from here is not safe.
            process = getattr(manager.provisioner, "process", None)
            if process is not None and not is_stopped(manager):
                with contextlib.suppress(OSError):
                    process.kill()
