"""Shared helpers of the performance benchmarks: medians of interleaved runs, ratio lines.

Every figure is printed as a ratio against a baseline measured in the same run, so the machine's
speed (and what else runs on it) cancels out as far as it can; medians damp the noise.
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def median_times(functions: dict[str, Callable[[], object]], repeat: int) -> dict[str, float]:
    """Median seconds of each function over ``repeat`` rounds, run interleaved so that a burst of
    load on the machine hits every figure of a round alike."""
    times: dict[str, list[float]] = {name: [] for name in functions}
    for _ in range(repeat):
        for name, function in functions.items():
            started = time.perf_counter()
            function()
            times[name].append(time.perf_counter() - started)
    return {name: statistics.median(values) for name, values in times.items()}


@dataclass(frozen=True)
class Measured:
    seconds: float
    peak_mb: float  # largest resident set of the command or any process it waited for


def run_measured(command: Sequence[str], env: dict[str, str] | None = None) -> Measured:
    """Run a command in a fresh wrapper process and report its time and peak memory (the
    kernels a render starts are children it waits for, so their peak counts)."""
    wrapper = ("import resource, subprocess, sys, time; t = time.perf_counter(); "
               "subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL, "
               "stderr=subprocess.DEVNULL); "
               "print(time.perf_counter() - t, "
               "resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
    out = subprocess.run([sys.executable, "-c", wrapper, *command], check=True,
                         capture_output=True, text=True, env={**os.environ, **(env or {})})
    seconds, kilobytes = out.stdout.split()
    return Measured(float(seconds), int(kilobytes) / 1024)


def self_peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def line(label: str, value: float, baseline: float, target: str = "", ok: bool | None = None,
         unit: str = "s") -> str:
    verdict = "" if ok is None else ("  ok" if ok else "  MISSED")
    return (f"{label:<52} {value:8.3f} {unit} / {baseline:8.3f} {unit} = {value / baseline:6.2f}x"
            f"  {target}{verdict}")
