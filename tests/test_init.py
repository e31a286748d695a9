"""`survey-report init`: a working example project, and a codebook drafted from an export."""

from __future__ import annotations

import io

import pandas as pd
import pytest
import yaml

from survey_analysis.check import TODO, check_config
from survey_analysis.cli import main
from survey_analysis.project_init import (
    EXAMPLE_SOURCE,
    EXAMPLE_WAVE,
    InitError,
    example_export,
    guess_column,
    init_project,
)


@pytest.fixture
def project(tmp_path, monkeypatch):
    root = tmp_path / "team"
    assert main(["init", str(root)]) == 0
    monkeypatch.setenv("SURVEY_PROJECT", str(root))
    return root


def test_init_writes_a_project_that_list_accepts(project, capsys):
    for name in ("survey-project.yaml", "sources.yaml", "variables.yaml", "README.md",
                 f"codebooks/{EXAMPLE_SOURCE}/{EXAMPLE_WAVE}.yaml",
                 f"data/{EXAMPLE_SOURCE}/{EXAMPLE_WAVE}.csv"):
        assert (project / name).is_file(), name
    capsys.readouterr()
    assert main(["--project", str(project), "list"]) == 0
    out = capsys.readouterr().out
    assert f"{EXAMPLE_SOURCE}: Example team survey" in out
    assert f"  {EXAMPLE_WAVE}  (files found)" in out
    assert "demo:" in out  # built-in sources stay available


def test_init_refuses_an_existing_project(project):
    with pytest.raises(InitError, match="exists already"):
        init_project(project)


def test_example_wave_loads_with_the_project_variable_and_keeps_the_later_repeat(project):
    from survey_analysis import load_wave

    wave = load_wave(EXAMPLE_SOURCE, EXAMPLE_WAVE, population="all")
    raw = pd.read_csv(io.StringIO(example_export()), dtype=str)
    assert set(wave.cleaned["seniority"].dropna()) == {"junior", "mid", "senior"}
    repeated = raw["Email hash"][raw["Email hash"].duplicated()].iloc[0]
    kept = wave.cleaned[wave.cleaned["person_key"] == repeated]
    # 02/03/2024 (2 March) is later than 03/02/2024 (3 February) read day-first; read as text or
    # month-first the February one would look later.
    assert kept["submitted_at"].tolist() == ["2024-03-02T10:00:00"]
    seniors = load_wave(EXAMPLE_SOURCE, EXAMPLE_WAVE, population="seniors").respondents
    assert len(seniors) == int((wave.cleaned["seniority"] == "senior").sum())


EXPORT = """\
Response ID,Submitted on,Minutes,Team,Tools,Experience,Comment,Weight
r1,31/01/2024 10:00,12,Data,TensorFlow;PyTorch,1-2 years,great,1.1
r2,01/02/2024 11:00,7,Platform,PyTorch,3-5 years,,0.9
r3,02/02/2024 12:30,30,Data,scikit-learn;TensorFlow,Less than 1 year,too long,1.0
r4,15/02/2024 09:10,5,Web,,6-10 years,what about JAX?,1.2
r5,20/02/2024 14:00,9,Data,TensorFlow,1-2 years,fine,0.8
r6,21/02/2024 14:00,11,Platform,PyTorch;scikit-learn,3-5 years,needs a dark mode,1.0
"""


def test_guessed_kinds():
    frame = pd.read_csv(io.StringIO(EXPORT), dtype=str, keep_default_na=False)
    kinds = {c: guess_column(c, frame[c]) for c in frame.columns}
    assert {c: g.kind for c, g in kinds.items()} == {
        "Response ID": "id", "Submitted on": "date", "Minutes": "number", "Team": "single",
        "Tools": "multi", "Experience": "range", "Comment": "free text", "Weight": "number"}
    assert kinds["Submitted on"].timestamp_format == "%d/%m/%Y %H:%M"
    assert kinds["Tools"].delimiter == ";"
    assert kinds["Tools"].labels == ("PyTorch", "TensorFlow", "scikit-learn")
    assert kinds["Team"].labels == ("Data", "Platform", "Web")


def test_ambiguous_day_month_order_is_left_to_do():
    guess = guess_column("when", pd.Series(["01/02/2024", "03/04/2024", "05/06/2024"]))
    assert guess.kind == "date" and guess.timestamp_format == TODO


def test_from_csv_drafts_every_column_and_every_label_to_do(tmp_path, monkeypatch, capsys):
    export = tmp_path / "export.csv"
    export.write_text(EXPORT)
    root = tmp_path / "proj"
    assert main(["init", str(root), "--from-csv", str(export), "--source", "team",
                 "--wave", "2024-h1"]) == 0
    codebook_path = root / "codebooks/team/2024-h1.yaml"
    text = codebook_path.read_text()
    codebook = yaml.safe_load(text)
    for column in pd.read_csv(io.StringIO(EXPORT)).columns:
        assert column in text, column
    assert (root / "data/team/2024-h1.csv").read_text() == EXPORT
    assert codebook["read"]["timestamp_format"] == "%d/%m/%Y %H:%M"
    assert codebook["columns"] == {"respondent_id": "Response ID", "submitted_at": "Submitted on",
                                   "weight": "Weight"}
    variables = codebook["variables"]
    assert variables["team"] == {"kind": "single", "column": "Team", "question": "Team",
                                 "labels": {"Data": TODO, "Platform": TODO, "Web": TODO}}
    assert variables["tools"]["kind"] == "multi_delimited"
    assert variables["tools"]["delimiter"] == ";"
    assert set(variables["tools"]["labels"].values()) == {TODO}
    assert variables["experience"]["kind"] == "number"
    assert set(variables["experience"]["labels"]) == {"1-2 years", "3-5 years",
                                                      "Less than 1 year", "6-10 years"}
    assert variables["minutes"]["free_text_numbers"] == {"min": 5.0, "max": 30.0}
    assert "Comment" not in {v.get("column") for v in variables.values()}
    # check lists every TODO with its line until it is mapped
    monkeypatch.setenv("SURVEY_PROJECT", str(root))
    problems = check_config()
    todo_labels = [p for p in problems if p.key.startswith("variables.") and TODO in p.message]
    assert len(todo_labels) == 3 + 3 + 4
    lines = text.splitlines()
    for problem in todo_labels:
        label = problem.key.rsplit(".", 1)[1]
        assert label in lines[problem.line - 1], (problem, lines[problem.line - 1])
    assert {p.key for p in problems if p.file.endswith("sources.yaml")} == {
        "team.title", "team.publisher", "team.licence"}


def test_from_csv_mapped_draft_passes_check(tmp_path, monkeypatch):
    export = tmp_path / "2024-h1.csv"
    export.write_text(EXPORT)
    root = tmp_path / "proj"
    assert main(["init", str(root), "--from-csv", str(export), "--source", "team"]) == 0
    codebook = root / "codebooks/team/2024-h1.yaml"
    text = codebook.read_text()
    for label, value in {"Data": "data", "Platform": "platform", "Web": "web",
                         "PyTorch": "pytorch", "TensorFlow": "tensorflow",
                         "scikit-learn": "scikit_learn", "1-2 years": "1.5",
                         "3-5 years": "4", "Less than 1 year": "0.5", "6-10 years": "8"}.items():
        text = text.replace(f"{label}: {TODO}", f"{label}: {value}")
    codebook.write_text(text)
    sources = root / "sources.yaml"
    sources.write_text(sources.read_text().replace(f"title: {TODO}", "title: Team survey")
                       .replace(f"publisher: {TODO}", "publisher: Us")
                       .replace(f"licence: {TODO}", "licence: internal"))
    monkeypatch.setenv("SURVEY_PROJECT", str(root))
    from survey_analysis import load_wave
    from survey_analysis.check import check_all

    assert check_all() == []
    wave = load_wave("team", "2024-h1")
    assert wave.cleaned["tools_pytorch"].sum() == 3
    assert sorted(wave.cleaned["experience"].dropna()) == [0.5, 1.5, 1.5, 4, 4, 8]
