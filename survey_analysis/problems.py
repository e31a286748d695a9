"""Configuration problems: where (file, line, key), what is wrong, what was expected."""

from __future__ import annotations

import difflib
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from survey_analysis.yaml_lines import KeyPath, Marked

TODO = "TODO"


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong, where it is, and what was expected."""

    file: str
    line: int | None
    key: str
    message: str

    def __str__(self) -> str:
        where = f"{_shown(self.file)}:{self.line}" if self.line else _shown(self.file)
        return f"{where}: {self.key}: {self.message}" if self.key else f"{where}: {self.message}"


def _shown(file: str) -> str:
    """A path as the user typed it: relative to the current folder when inside it."""
    try:
        return os.path.relpath(file) if Path(file).resolve().is_relative_to(Path.cwd()) else file
    except (OSError, ValueError):
        return file


class ConfigError(ValueError):
    """Configuration problems; the message lists each as ``file:line: key: message``."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """`` did you mean 'x'?`` for the closest choice, or nothing."""
    close = difflib.get_close_matches(str(word), [str(c) for c in choices], n=1, cutoff=0.6)
    return f" did you mean {close[0]!r}?" if close else ""


def _dotted(loc: KeyPath) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def at(marked: Marked, loc: KeyPath, message: str, fallback: Path | None = None) -> Problem:
    """A problem at the line of ``loc`` (or of its nearest parent) in ``marked``."""
    path, line = marked.where(loc)
    return Problem(str(path or fallback or "?"), line, _dotted(loc), message)
