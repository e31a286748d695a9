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


def start_kernel(kernel_name: str, cwd: Path, warm: bool = True) -> Any:
    """Launch a kernel for one page in ``cwd``; with ``warm``, it imports the public API first."""
    from jupyter_core.utils import run_sync

    manager = _kernel_manager_class()(kernel_name=kernel_name)
    arguments = list(KERNEL_ARGUMENTS)
    if warm:
        arguments.append(f"--IPKernelApp.exec_lines={WARM_UP}")
    run_sync(manager.start_kernel)(extra_arguments=arguments, cwd=str(cwd))
    return manager


def stop_kernel(manager: Any) -> None:
    """Stop a kernel at once and release its client channels and connection file (once)."""
    from jupyter_core.utils import run_sync

    if manager.__dict__.get("page_stopped"):
        return
    manager.__dict__["page_stopped"] = True
    try:
        if run_sync(manager.is_alive)():
            run_sync(manager.shutdown_kernel)(now=True)
    except RuntimeError as error:  # already gone
        logger.debug("stopping kernel: %s", error)
    finally:
        for client in manager.__dict__.pop("page_clients", []):
            client.stop_channels()
        run_sync(manager.cleanup_resources)()


def is_stopped(manager: Any) -> bool:
    return bool(manager.__dict__.get("page_stopped"))


@dataclass
class KernelPool:
    """At most ``size`` kernels alive at once: those running a page plus those started ahead,
    each for one page in a given working folder (its notebook's folder).

    ``size`` 1 starts nothing ahead (``--jobs 1``: one kernel at a time, started on demand).
    Use as a context manager: on exit every kernel it started and that is still alive, taken
    or not, is stopped.
    """

    size: int
    kernel_name: str = ""
    _ready: list[tuple[Path, Any]] = field(default_factory=list)
    _taken: list[Any] = field(default_factory=list)
    _lock: threading.RLock = field(default_factory=threading.RLock)  # pages run in threads

    def __enter__(self) -> KernelPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

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

    def prestart(self, folders: Iterable[Path]) -> None:
        """Start kernels for the pages about to run in ``folders`` (in order) while fewer than
        ``size`` are alive. A folder that has a kernel waiting already counts as served."""
        with self._lock:
            have = [folder for folder, _ in self._ready]
            for folder in map(Path, folders):
                if folder in have:
                    have.remove(folder)
                    continue
                if self.waiting + self.running >= self.size:
                    return
                self._ready.append((folder, self._start(folder)))

    def take(self, folder: Path) -> Any | None:
        """The kernel started ahead in ``folder``, now running the caller's page; else None."""
        with self._lock:
            for i, (started_in, manager) in enumerate(self._ready):
                if started_in == Path(folder):
                    del self._ready[i]
                    self._taken.append(manager)
                    return manager
            return None

    def start_now(self, folder: Path) -> Any:
        """A kernel for the page about to run in ``folder``, started now whatever ``size``."""
        manager = self._start(Path(folder))
        with self._lock:
            self._taken.append(manager)
        return manager

    def _start(self, folder: Path) -> Any:
        from survey_analysis.render.execute import ensure_kernel

        ensure_kernel(self.kernel_name)
        return start_kernel(self.kernel_name, folder)

    def close(self) -> None:
        """Stop every kernel still alive, waiting or running a page (that page then fails)."""
        with self._lock:
            waiting, running = [m for _, m in self._ready], self._taken
            self._ready, self._taken = [], []
        for manager in waiting:
            stop_kernel(manager)
        for manager in running:
            # Its page's thread owns the client and releases it when the page ends; closing the
            # sockets here, from another thread, is not safe. Ending the process is.
            process = getattr(manager.provisioner, "process", None)
            if process is not None and not is_stopped(manager):
                with contextlib.suppress(OSError):
                    process.kill()
