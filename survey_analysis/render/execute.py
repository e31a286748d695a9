"""Executing a parameterized notebook with papermill, on the project's pinned kernel."""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)

KERNEL_NAME = "survey-analysis"


class ParameterError(ValueError):
    """Parameters that the notebook's ``parameters`` cell does not declare, or lacks."""


@dataclass(frozen=True, slots=True)
class ExecutionFailed(Exception):
    """A cell raised: which notebook, which cell, the exception's name and message."""

    notebook: str
    cell_index: int
    ename: str
    evalue: str
    source: str = ""

    def __str__(self) -> str:
        first_line = self.source.strip().splitlines()[0] if self.source.strip() else ""
        return (f"{self.notebook}: cell {self.cell_index} ({first_line!r}) raised "
                f"{self.ename}: {self.evalue}")


def ensure_kernel(name: str = KERNEL_NAME) -> None:
    """Install this environment's kernel under ``name`` if no kernel of that name exists."""
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    try:
        KernelSpecManager().get_kernel_spec(name)
    except NoSuchKernel:
        from ipykernel.kernelspec import install

        install(kernel_name=name, display_name=f"Python ({name})", prefix=sys.prefix)
        logger.info("installed kernel %r into %s", name, sys.prefix)


def notebook_parameters(notebook: Path) -> dict[str, Any]:
    """The parameters a notebook declares in its cell tagged ``parameters``."""
    import papermill

    declared = papermill.inspect_notebook(str(notebook))
    if not declared:
        raise ParameterError(f"{notebook}: no cell tagged 'parameters'")
    return declared


_TYPES: dict[str, tuple[type, ...]] = {
    "str": (str,),
    "int": (int,),
    "float": (float, int),
    "bool": (bool,),
    "Optional[str]": (str, type(None)),
    "Optional[int]": (int, type(None)),
    "Optional[float]": (float, int, type(None)),
}


def check_parameters(notebook: Path, parameters: Mapping[str, Any]) -> None:
    """Refuse parameters the notebook does not declare or of the wrong type (papermill warns)."""
    declared = notebook_parameters(notebook)
    unknown = sorted(set(parameters) - set(declared))
    if unknown:
        raise ParameterError(
            f"{notebook}: unknown parameter(s) {', '.join(unknown)}; "
            f"the parameters cell declares {', '.join(declared)}"
        )
    for name, value in parameters.items():
        type_name = declared[name]["inferred_type_name"]
        allowed = _TYPES.get(type_name)
        wrong_bool = isinstance(value, bool) and bool not in (allowed or ())
        if allowed is not None and (not isinstance(value, allowed) or wrong_bool):
            raise ParameterError(
                f"{notebook}: parameter {name} must be {type_name}, got {value!r}"
            )


def execute_notebook(
    notebook: Path, output: Path, parameters: Mapping[str, Any], cwd: Path | None = None,
    kernel_name: str = KERNEL_NAME, kernel: Any | None = None,
    on_kernel_ready: Callable[[], None] | None = None,
) -> Path:
    """Run ``notebook`` with ``parameters`` into ``output``; raise :class:`ExecutionFailed`.

    ``kernel`` is a kernel started ahead for this page (:mod:`survey_analysis.render.kernels`,
    in ``cwd``); it is used for this notebook only and stopped afterwards. Without it papermill
    starts and stops one itself. ``on_kernel_ready`` is called once the kernel has answered,
    before the first cell. The executed notebook is written even when a cell fails (papermill
    marks the failing cell), so it can be kept for debugging.
    """
    import papermill
    from papermill.exceptions import PapermillExecutionError

    engine_arguments: dict[str, Any] = {} if kernel is None else {"km": kernel}
    if on_kernel_ready is not None:
        engine_arguments["on_notebook_start"] = lambda **_: on_kernel_ready()
    try:
        check_parameters(notebook, parameters)
        output.parent.mkdir(parents=True, exist_ok=True)
        papermill.execute_notebook(
            str(notebook), str(output), parameters=dict(parameters), kernel_name=kernel_name,
            progress_bar=False, request_save_on_cell_execute=False,
            # A kernel started ahead was started in the page's folder: papermill's own change
            # of folder is then not needed (it changes the whole process's, not thread-safe).
            cwd=str(cwd or notebook.parent) if kernel is None else None,
            # The kernel's own log (transport notices, the interrupt at shutdown) is not the
            # notebook's output; cell errors still arrive through papermill.
            extra_arguments=["--IPKernelApp.log_level=CRITICAL"],
            # Every output has arrived once the last cell replied, and the kernel writes
            # nothing the page needs: stopping it at once saves the ~0.5 s a graceful
            # shutdown waits (docs/performance.md). Each page still gets a fresh kernel.
            shutdown_kernel="immediate",
            **engine_arguments,
        )
    except PapermillExecutionError as error:
        raise ExecutionFailed(str(notebook), error.cell_index, error.ename, error.evalue,
                              error.source) from None
    finally:
        if kernel is not None:  # nbclient leaves a kernel it was handed running
            from survey_analysis.render.kernels import stop_kernel

            stop_kernel(kernel)
    return output
