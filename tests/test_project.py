"""Project folders: found from the current folder or --project, merged with the built-in sources."""

from __future__ import annotations

import gzip
import os
import shutil
from pathlib import Path

import pandas as pd
import pytest

from survey_analysis.cli import main
from survey_analysis.project import (
    PROJECT_ENV,
    ProjectError,
    active_project,
    builtin_codebooks_dir,
    codebook_folder,
    find_project,
    open_project,
)
from survey_analysis.project_init import EXAMPLE_SOURCE, init_project

REPO_ROOT = Path(__file__).resolve().parents[1]
PACKAGE = REPO_ROOT / "survey_analysis"


@pytest.fixture
def project(tmp_path, monkeypatch):
    monkeypatch.delenv(PROJECT_ENV, raising=False)
    root = tmp_path / "team"
    init_project(root)
    return root


def _package_state() -> dict[str, tuple[int, int]]:
    return {str(p): (p.stat().st_size, p.stat().st_mtime_ns)
            for p in PACKAGE.rglob("*") if p.is_file() and "__pycache__" not in p.parts}


def test_found_in_the_current_folder_or_a_parent(project, monkeypatch):
    deep = project / "notebooks" / "drafts"
    deep.mkdir(parents=True)
    monkeypatch.chdir(deep)
    assert find_project().root == project.resolve()
    assert active_project().root == project.resolve()
    assert active_project().reports_dir == project.resolve() / "reports"


def test_none_outside_a_project(tmp_path, monkeypatch):
    monkeypatch.delenv(PROJECT_ENV, raising=False)
    monkeypatch.chdir(tmp_path)
    assert active_project() is None
    assert codebook_folder("demo") == builtin_codebooks_dir() / "demo"


def test_project_option_names_a_folder_without_project_file(tmp_path, capsys):
    assert main(["--project", str(tmp_path), "list"]) == 2
    assert "no survey-project.yaml" in capsys.readouterr().err
    with pytest.raises(ProjectError):
        open_project(tmp_path)


def test_project_variable_is_accepted_only_in_its_project(project, monkeypatch, tmp_path):
    from survey_analysis.variables import canonical_variables

    monkeypatch.setenv(PROJECT_ENV, str(project))
    assert canonical_variables()["seniority"].values == ("junior", "mid", "senior")
    monkeypatch.delenv(PROJECT_ENV)
    monkeypatch.chdir(tmp_path)
    assert "seniority" not in canonical_variables()


def test_project_adds_options_to_a_builtin_variable(project, monkeypatch):
    from survey_analysis.variables import canonical_variables

    (project / "variables.yaml").write_text(
        (project / "variables.yaml").read_text()
        + "frameworks:\n  kind: multi\n  label: Frameworks\n  options:\n    mlx: MLX\n")
    monkeypatch.setenv(PROJECT_ENV, str(project))
    frameworks = canonical_variables()["frameworks"]
    assert frameworks.option_column("mlx") == "framework_mlx"
    assert frameworks.option_column("tensorflow") == "framework_tensorflow"


def test_builtin_sources_stay_and_a_same_named_project_source_wins(project, monkeypatch):
    from survey_analysis.sources import get_source, list_sources

    # The project redefines `demo` with its own title and one wave of its own codebooks.
    sources = project / "sources.yaml"
    sources.write_text(sources.read_text() + (
        "demo:\n  title: Our demo\n  publisher: us\n  licence: internal use\n"
        "  populations:\n    all:\n      label: everyone\n  default_population: all\n"))
    own = project / "codebooks" / "demo"
    own.mkdir()
    shutil.copy(builtin_codebooks_dir() / "demo" / "_common.yaml", own / "_common.yaml")
    shutil.copy(builtin_codebooks_dir() / "demo" / "2018-h2.yaml", own / "2019-h9.yaml")
    text = (own / "2019-h9.yaml").read_text()
    (own / "2019-h9.yaml").write_text(text.replace('wave: "2018-h2"', 'wave: "2019-h9"')
                                      .replace("2018-h2.csv.gz", "2019-h9.csv.gz"))
    monkeypatch.setenv(PROJECT_ENV, str(project))
    assert {"demo", "kaggle", EXAMPLE_SOURCE} <= set(list_sources())
    demo = get_source("demo")
    assert demo.title == "Our demo" and demo.waves == ("2019-h9",)
    assert get_source("kaggle").publisher == "Kaggle"
    # its raw files are looked for in the project's data/ folder
    (project / "data" / "demo").mkdir(parents=True)
    shutil.copy(REPO_ROOT / "data" / "demo" / "2018-h2.csv.gz",
                project / "data" / "demo" / "2019-h9.csv.gz")
    from survey_analysis import load_wave

    wave = load_wave("demo", "2019-h9", data_dir=None)
    assert wave.files[0].path == project.resolve() / "data" / "demo" / "2019-h9.csv.gz"
    assert wave.population_label == "everyone"


def test_nothing_is_written_inside_the_package(tmp_path, monkeypatch, capsys):
    before = _package_state()
    root = tmp_path / "p"
    assert main(["init", str(root)]) == 0
    export = tmp_path / "2024-h2.csv"
    export.write_text("id,Team,Score\nr1,A,3\nr2,B,4\nr3,A,5\n")
    assert main(["init", str(root), "--from-csv", str(export), "--source", "other"]) == 0
    monkeypatch.chdir(root)
    monkeypatch.delenv(PROJECT_ENV, raising=False)
    assert main(["check", "--source", EXAMPLE_SOURCE]) == 1  # the draft's TODOs
    assert main(["list"]) == 0
    assert _package_state() == before


def test_render_provenance_names_the_project_files(project, monkeypatch):
    from survey_analysis.render import fingerprint as fp
    from survey_analysis.render.jobs import current_fingerprint, plan_jobs

    monkeypatch.setenv(PROJECT_ENV, str(project))
    job = plan_jobs(EXAMPLE_SOURCE, reports_dir=project / "reports")[0]
    current, hashed = current_fingerprint(job)
    name = project.name
    assert current["codebooks"] == {
        f"{name}/codebooks/{EXAMPLE_SOURCE}/2024-h1.yaml":
            fp.sha256_file(project / "codebooks" / EXAMPLE_SOURCE / "2024-h1.yaml")}
    assert current["project_files"] == {
        f"{name}/{f}": fp.sha256_file(project / f)
        for f in ("survey-project.yaml", "sources.yaml", "variables.yaml")}
    assert project.resolve() / "sources.yaml" in [Path(p).resolve() for p in hashed]
    assert "--reports-dir" not in job.command()  # the project's reports/ is the default


def test_duplicate_rule_on_day_first_and_month_first_exports(project, monkeypatch):
    """The same submissions exported day-first and month-first keep the same, later row."""
    from survey_analysis import load_wave

    monkeypatch.setenv(PROJECT_ENV, str(project))
    codebook = project / "codebooks" / EXAMPLE_SOURCE / "2024-h1.yaml"
    data = project / "data" / EXAMPLE_SOURCE / "2024-h1.csv"
    raw = pd.read_csv(data, dtype=str, keep_default_na=False)
    times = pd.to_datetime(raw["Submitted"], format="%d/%m/%Y %H:%M")
    kept = {}
    for fmt in ("%d/%m/%Y %H:%M", "%m/%d/%Y %H:%M"):
        raw.assign(Submitted=times.dt.strftime(fmt)).to_csv(data, index=False)
        text = codebook.read_text()
        start = text.index("timestamp_format:")
        end = text.index("\n", start)
        codebook.write_text(text[:start] + f'timestamp_format: "{fmt}"' + text[end:])
        wave = load_wave(EXAMPLE_SOURCE, EXAMPLE_WAVE_ID, population="all")
        kept[fmt] = sorted(wave.cleaned["respondent_id"])
        os.utime(codebook, ns=(0, os.stat(codebook).st_mtime_ns + 1))
    assert kept["%d/%m/%Y %H:%M"] == kept["%m/%d/%Y %H:%M"]
    repeat = raw["Email hash"][raw["Email hash"].duplicated()].iloc[0]
    rows = raw[raw["Email hash"] == repeat]
    later = rows.loc[times[rows.index].idxmax(), "ResponseId"]
    earlier = rows.loc[times[rows.index].idxmin(), "ResponseId"]
    assert later in kept["%d/%m/%Y %H:%M"] and earlier not in kept["%d/%m/%Y %H:%M"]
    # sorted as text, the day-first export puts 03/02 (3 February) after 02/03 (2 March): the
    # rule must not sort the text
    assert times[rows.index].dt.strftime("%d/%m/%Y %H:%M").idxmax() != times[rows.index].idxmax()


EXAMPLE_WAVE_ID = "2024-h1"


def test_gzipped_export_is_drafted(tmp_path):
    export = tmp_path / "wave-2.csv.gz"
    export.write_bytes(gzip.compress(b"id,Team\nr1,A\nr2,B\nr3,A\n"))
    root = tmp_path / "p"
    assert main(["init", str(root), "--from-csv", str(export), "--source", "s"]) == 0
    assert (root / "data" / "s" / "wave-2.csv.gz").is_file()
    assert "name: wave-2.csv.gz" in (root / "codebooks" / "s" / "wave-2.yaml").read_text()
