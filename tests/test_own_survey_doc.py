"""docs/own-survey.md: every command in it runs as written, in order, and does what it says."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from survey_analysis.cli import main

DOC = Path(__file__).resolve().parents[1] / "docs" / "own-survey.md"
BLOCK = re.compile(r"^```(\w+)\n(.*?)^```", re.MULTILINE | re.DOTALL)


def doc_steps() -> list[tuple[str, str]]:
    """("run", command) and ("file", block) steps in the order the doc gives them."""
    steps = []
    for language, body in BLOCK.findall(DOC.read_text(encoding="utf-8")):
        if language == "sh":
            steps += [("run", line) for line in body.splitlines() if line.strip()]
        elif language == "yaml" and body.startswith("# file: "):
            steps.append(("file", body))
    return steps


def in_process(command: str, cwd: Path, monkeypatch) -> int:
    """Run a `survey-report` command line in this process (the fast test's imports are paid
    once); any other command in a shell."""
    words = shlex.split(command)
    if words[0] != "survey-report":
        return subprocess.run(command, shell=True, cwd=cwd, timeout=60).returncode
    monkeypatch.chdir(cwd)
    monkeypatch.delenv("SURVEY_PROJECT", raising=False)  # each command is a fresh process
    return main(words[1:])


def run_doc(folder: Path, with_render: bool, monkeypatch=None) -> list[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SURVEY_")}
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env['PATH']}"
    cwd, ran = folder, []
    for kind, text in doc_steps():
        if kind == "file":
            name = text.splitlines()[0].removeprefix("# file: ").strip()
            (cwd / name).write_text(text, encoding="utf-8")
            continue
        command, _, comment = text.partition("  #")
        expected = int(m.group(1)) if (m := re.search(r"exits (\d+)", comment)) else 0
        if command.startswith("cd "):
            cwd = (cwd / shlex.split(command)[1]).resolve()
            continue
        if "survey-report render" in command and not with_render:
            continue
        if monkeypatch is not None:
            assert in_process(command, cwd, monkeypatch) == expected, command
        else:
            result = subprocess.run(command, shell=True, cwd=cwd, env=env, capture_output=True,
                                    text=True, timeout=600)
            assert result.returncode == expected, (command, result.stdout, result.stderr)
        ran.append(command)
    return ran


def test_doc_commands_run_without_rendering(tmp_path, monkeypatch, capsys):
    ran = run_doc(tmp_path, with_render=False, monkeypatch=monkeypatch)
    assert "survey-report check" in ran and any("--from-csv" in c for c in ran)
    project = tmp_path / "team-survey"
    assert (project / "data" / "pulse" / "2024-h2.csv").is_file()
    # what the doc says check prints for the draft is what it prints
    capsys.readouterr()
    again = tmp_path / "again"
    assert main(["init", str(again), "--from-csv", str(tmp_path / "pulse-2024-h2.csv"),
                 "--source", "pulse", "--wave", "2024-h2"]) == 0
    monkeypatch.chdir(again)
    monkeypatch.delenv("SURVEY_PROJECT", raising=False)
    assert main(["check"]) == 1
    printed = capsys.readouterr().err.splitlines()
    quoted = re.search(r"```text\n(.*?)```", DOC.read_text(), re.DOTALL).group(1)
    for line in quoted.strip().splitlines():
        assert line in printed, line


@pytest.mark.slow
def test_doc_publishes_the_page(tmp_path):
    run_doc(tmp_path, with_render=True)  # as a user runs it: each command its own process
    example = (tmp_path / "example-project" / "reports" / "example" / "framework_battle"
               / "2024-h1.html").read_text()
    assert "Example team survey" in example
    assert "example-project/codebooks/example/2024-h1.yaml" in example
    page = (tmp_path / "team-survey" / "reports" / "pulse" / "framework_battle"
            / "2024-h2.html").read_text()
    for name in ("codebooks/pulse/2024-h2.yaml", "sources.yaml", "variables.yaml",
                 "survey-project.yaml"):
        assert f"team-survey/{name}" in page, name
    assert "Team pulse survey" in page
