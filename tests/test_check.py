"""`survey-report check`: every config typo of issue 11 is an error naming file, line and key."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from survey_analysis.check import ConfigError, check_all, check_config
from survey_analysis.cli import main
from survey_analysis.project_init import init_project

CODEBOOK = Path("codebooks/example/2024-h1.yaml")


@pytest.fixture
def project(tmp_path, monkeypatch):
    root = tmp_path / "team"
    init_project(root)
    monkeypatch.setenv("SURVEY_PROJECT", str(root))
    return root


def edit(path: Path, old: str, new: str) -> int:
    """Replace ``old`` once; return the 1-based line it is on."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return text[: text.index(old)].count("\n") + 1


def one_problem(problems, file: Path, line: int, key: str):
    assert len(problems) == 1, "\n".join(map(str, problems))
    problem = problems[0]
    assert (Path(problem.file), problem.line, problem.key) == (file, line, key), str(problem)
    # the printed form is file:line: key: message
    assert str(problem).startswith(f"{file}:{line}: {key}: ")
    return problem


def test_example_project_has_no_problems(project):
    assert check_all() == []


def test_builtin_config_has_no_problems(monkeypatch, tmp_path):
    monkeypatch.delenv("SURVEY_PROJECT", raising=False)
    monkeypatch.chdir(tmp_path)
    assert check_config() == []


def test_misspelt_columns_key(project):
    line = edit(project / CODEBOOK, "\ncolumns:", "\ncolums:") + 1
    problem = one_problem(check_config(), project / CODEBOOK, line, "colums")
    assert "did you mean 'columns'?" in problem.message


def test_population_value_typo(project):
    line = edit(project / "sources.yaml", "[main_job, part_of_job", "[main_jb, part_of_job")
    problem = one_problem(check_config(), project / "sources.yaml", line,
                          "example.populations.ml_ds.category_in.ml_involvement[0]")
    assert "'main_jb' is not a category" in problem.message
    assert "did you mean 'main_job'?" in problem.message


def test_population_on_unknown_variable(project):
    line = edit(project / "sources.yaml", "category_in: {seniority: [senior]}\n    all",
                "category_in: {senority: [senior]}\n    all")
    problem = one_problem(check_config(), project / "sources.yaml", line,
                          "example.populations.seniors.category_in.senority")
    assert "did you mean 'seniority'?" in problem.message


def test_source_without_licence(project):
    text = (project / "sources.yaml").read_text()
    start = text.index("  licence: >-")
    end = text.index("  get_files:")
    (project / "sources.yaml").write_text(text[:start] + text[end:])
    line = text[:text.index("example:")].count("\n") + 1
    problem = one_problem(check_config(), project / "sources.yaml", line, "example.licence")
    assert problem.message.startswith("missing required key 'licence'")


def test_misspelt_profile_column(project):
    line = edit(project / "sources.yaml", "indicator: activity_production",
                "indicator: activity_prodution")
    problem = one_problem(check_config(), project / "sources.yaml", line,
                          "example.profiles.production.indicator")
    assert "did you mean 'activity_production'?" in problem.message


def test_wave_differs_from_file_name(project):
    line = edit(project / CODEBOOK, 'wave: "2024-h1"', 'wave: "2024-h2"')
    problem = one_problem(check_config(), project / CODEBOOK, line, "wave")
    assert "expected wave: '2024-h1'" in problem.message


def test_day_first_dates_without_declared_format(project):
    line = edit(project / CODEBOOK, "  timestamp_format:", "  # timestamp_format:")
    submitted = (project / CODEBOOK).read_text().splitlines().index(
        "  submitted_at: Submitted") + 1
    assert line != submitted
    problem = one_problem(check_all(), project / CODEBOOK, submitted, "columns.submitted_at")
    assert "do not parse as ISO8601" in problem.message
    assert "(line 2)" in problem.message  # the raw file's line of the first bad value
    assert "read.timestamp_format" in problem.message


def test_month_first_format_declared_for_day_first_dates(project):
    line = edit(project / CODEBOOK, '"%d/%m/%Y %H:%M"', '"%m/%d/%Y %H:%M"')
    problem = one_problem(check_all(), project / CODEBOOK, line, "read.timestamp_format")
    assert "'%m/%d/%Y %H:%M'" in problem.message


def test_wrong_type_and_unknown_kind(project):
    line = edit(project / "sources.yaml", "min_duration_seconds: 60",
                "min_duration_seconds: fast")
    problem = one_problem(check_config(), project / "sources.yaml", line,
                          "example.cleaning.min_duration_seconds")
    assert "'fast'" in problem.message and "number" in problem.message
    edit(project / "sources.yaml", "min_duration_seconds: fast", "min_duration_seconds: 60")
    line = edit(project / CODEBOOK, "kind: single\n    column: Level",
                "kind: singel\n    column: Level")
    problem = one_problem(check_config(), project / CODEBOOK, line, "variables.seniority.kind")
    assert "did you mean 'single'?" in problem.message


def test_missing_required_codebook_key(project):
    text = (project / CODEBOOK).read_text()
    (project / CODEBOOK).write_text(text.replace("files:\n  - name: 2024-h1.csv\n", ""))
    problems = check_config()
    assert [p.key for p in problems] == ["files"]
    assert problems[0].message.startswith("missing required key 'files'")


def test_label_target_not_a_category(project):
    line = edit(project / CODEBOOK, "Senior: senior", "Senior: senoir")
    problem = one_problem(check_config(), project / CODEBOOK, line,
                          "variables.seniority.labels.Senior")
    assert "did you mean 'senior'?" in problem.message


def test_unquoted_yes_label(project):
    edit(project / CODEBOOK, '"No": none', "No: none")
    problems = check_config()
    assert any("unquoted Yes/No" in p.message for p in problems), problems


def test_unknown_answer_label_in_raw_file(project):
    data = project / "data/example/2024-h1.csv"
    text = data.read_text()
    data.write_text(text.replace(",Mid-level,", ",Middling,", 1))
    problems = check_all()
    lines = (project / CODEBOOK).read_text().splitlines()
    start = lines.index("  seniority:")
    line = start + lines[start:].index("    labels:") + 1
    problem = one_problem(problems, project / CODEBOOK, line, "variables.seniority.labels")
    assert "'Middling' (1 rows)" in problem.message


def test_missing_raw_column(project):
    data = project / "data/example/2024-h1.csv"
    data.write_text(data.read_text().replace(",Level,", ",Grade,", 1))
    problems = check_all()
    assert [p.key for p in problems] == ["variables.seniority.column"]
    assert "'Level' is not in" in problems[0].message


def test_non_numeric_duration(project):
    data = project / "data/example/2024-h1.csv"
    lines = data.read_text().splitlines()
    cells = lines[3].split(",")
    cells[3] = "ten"
    lines[3] = ",".join(cells)
    data.write_text("\n".join(lines) + "\n")
    problems = check_all()
    assert [p.key for p in problems] == ["columns.duration_seconds"]
    assert "'ten' (line 4)" in problems[0].message


def test_project_variable_changing_a_builtin_kind(project):
    (project / "variables.yaml").write_text(
        (project / "variables.yaml").read_text() + "country:\n  kind: number\n  label: C\n")
    problems = check_config()
    assert [p.key for p in problems] == ["country.kind"]


def test_cli_check_prints_problems_and_exits_non_zero(project, capsys):
    edit(project / CODEBOOK, "\ncolumns:", "\ncolums:")
    assert main(["--project", str(project), "check"]) == 1
    err = capsys.readouterr().err
    assert re.search(rf"^{re.escape(str(project / CODEBOOK))}:\d+: colums: unknown key", err,
                     re.MULTILINE)


def test_render_runs_the_checks_first(project, capsys):
    edit(project / "sources.yaml", "indicator: activity_production",
         "indicator: activity_prodution")
    assert main(["--project", str(project), "render"]) == 1
    assert "example.profiles.production.indicator" in capsys.readouterr().err
    assert not (project / "reports").exists()


def test_loading_a_broken_codebook_names_file_line_key(project):
    from survey_analysis.sources import get_source

    line = edit(project / CODEBOOK, "\ncolumns:", "\ncolums:") + 1
    with pytest.raises(ConfigError, match=rf"2024-h1.yaml:{line}: colums: unknown key"):
        get_source("example").codebook("2024-h1")


def test_missing_raw_file(project):
    (project / "data/example/2024-h1.csv").unlink()
    problems = check_all()
    assert [p.key for p in problems] == ["files[0].name"]
    assert problems[0].line == (project / CODEBOOK).read_text().splitlines().index(
        "  - name: 2024-h1.csv") + 1
    assert "not found" in problems[0].message


def test_sources_file_that_is_not_a_mapping(project):
    (project / "sources.yaml").write_text("- just\n- a list\n")
    problems = check_config()
    shown = {(Path(p.file).name, p.line): p.message for p in problems}
    assert "expected a mapping of source names" in shown[("sources.yaml", 1)]
    # and the project's default source is now unknown
    assert "no source 'example'" in shown[("survey-project.yaml", 5)]


def test_render_skips_rechecking_unchanged_builtin_config(tmp_path, monkeypatch):
    import argparse

    import survey_analysis.check as check_module
    from survey_analysis.cli import _render_checks
    from survey_analysis.render.fingerprint import write_json_atomic

    monkeypatch.delenv("SURVEY_PROJECT", raising=False)
    monkeypatch.chdir(tmp_path)
    args = argparse.Namespace(source="demo", waves=None, data_dir=None, reports_dir=tmp_path)
    assert not check_module.config_recently_passed(tmp_path, "demo")
    check_module.record_config_passed(tmp_path, "demo")  # what a render that wrote pages does
    assert check_module.config_recently_passed(tmp_path, "demo")
    calls = []
    monkeypatch.setattr(check_module, "check_config", lambda **kw: calls.append(kw) or [])
    assert _render_checks(args) == []
    assert calls == []
    write_json_atomic(tmp_path / check_module.CHECKED_RECORD, {"demo": "stale"})
    assert _render_checks(args) == []
    assert calls == [{"sources": ["demo"]}]
