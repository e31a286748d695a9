"""Progress of a build: pages done, running and failed, shown on one line (or a log line each)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TextIO

from survey_analysis.render.jobs import RenderJob, RenderOutcome


@dataclass
class Progress:
    """Counts of a running build; ``event`` and ``subject`` say what just happened."""

    total: int
    rendered: int = 0
    skipped: int = 0
    failed: int = 0
    running: list[str] = field(default_factory=list)
    event: str = ""  # "start" or "finish"
    outcome: RenderOutcome | None = None

    @property
    def done(self) -> int:
        return self.rendered + self.skipped + self.failed

    def start(self, job: RenderJob) -> None:
        if job.label not in self.running:
            self.running.append(job.label)
        self.event, self.outcome = "start", None

    def finish(self, outcome: RenderOutcome) -> None:
        if outcome.job.label in self.running:
            self.running.remove(outcome.job.label)
        setattr(self, outcome.status, getattr(self, outcome.status) + 1)
        self.event, self.outcome = "finish", outcome

    def summary(self) -> str:
        running = f"{len(self.running)} running" + (f" ({', '.join(self.running)})"
                                                     if self.running else "")
        return (f"{self.done}/{self.total} done: {self.rendered} rendered, {self.skipped} "
                f"unchanged, {self.failed} failed; {running}")


class ProgressDisplay:
    """Writes progress to a stream: a redrawn status line on a terminal, else a line per page."""

    def __init__(self, stream: TextIO, interactive: bool | None = None) -> None:
        self.stream = stream
        self.interactive = stream.isatty() if interactive is None else interactive

    def __call__(self, progress: Progress) -> None:
        outcome = progress.outcome
        if self.interactive:
            if outcome is not None and outcome.status != "skipped":
                self.stream.write("\r\x1b[K" + _line(outcome) + "\n")
            self.stream.write("\r\x1b[K" + progress.summary())
            if progress.done == progress.total:
                self.stream.write("\n")
        elif outcome is not None:
            self.stream.write(f"{_line(outcome)} [{progress.summary()}]\n")
        self.stream.flush()


def _line(outcome: RenderOutcome) -> str:
    status = {"skipped": "unchanged"}.get(outcome.status, outcome.status)
    detail = f": {outcome.failure}" if outcome.failure else ""
    return f"{outcome.job.label}: {status} ({outcome.seconds:.1f} s){detail}"
