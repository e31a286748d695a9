"""Broken codebooks and config files: one error naming the file, line and key; `list` goes on
past a broken codebook; a broken registry stops a render before anything is touched."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from survey_analysis import sources as sources_module
from survey_analysis.codebook import CodebookError, _read_with_extends, parse_codebook
from survey_analysis.render import fingerprint as fp
from survey_analysis.yaml_files import load_yaml_file
from tests.robustness.conftest import assert_unchanged, snapshot

DEMO_CODEBOOKS = fp.codebooks_dir() / "demo"
WAVE_FILE = (DEMO_CODEBOOKS / "2018-h1.yaml").read_text(encoding="utf-8")
COMMON_FILE = (DEMO_CODEBOOKS / "_common.yaml").read_text(encoding="utf-8")


def _codebook_folder(tmp_path: Path, wave_text: str = WAVE_FILE,
                     common_text: str = COMMON_FILE) -> Path:
    folder = tmp_path / "codebooks" / "demo"
    folder.mkdir(parents=True)
    (folder / "2018-h1.yaml").write_text(wave_text, encoding="utf-8")
    (folder / "_common.yaml").write_text(common_text, encoding="utf-8")
    return folder / "2018-h1.yaml"


def _load(path: Path):
    return parse_codebook(_read_with_extends(path), path=str(path))


def _swap(text: str, old: str, new: str) -> str:
    assert old in text, old
    return text.replace(old, new, 1)


# (id, wave file text, _common file text, regular expression; {wave}/{common}: the file paths)
BROKEN = [
    ("unclosed-bracket", WAVE_FILE + "\nnotes: [unclosed\n", COMMON_FILE,
     r"{wave}:\d+:\d+: invalid YAML: .*(flow sequence|expected ',' or ']')"),
    ("tab-indentation", WAVE_FILE + "\nextra:\n\t- x\n", COMMON_FILE,
     r"{wave}:\d+:1: invalid YAML: .*found character .*that cannot start any token"),
    ("error-in-the-extended-file", WAVE_FILE, COMMON_FILE + "\n  bad: [\n", r"{common}:\d+:\d+: "
     r"invalid YAML"),
    ("top-level-list", "- just\n- a list\n", COMMON_FILE,
     r"{wave}: expected a mapping of codebook keys, got list"),
    ("not-utf8", WAVE_FILE.replace("files:", "fil\udcffes:"), COMMON_FILE,
     r"{wave}: not valid UTF-8 at byte \d+"),
    ("extends-missing-file", _swap(WAVE_FILE, "extends: _common.yaml", "extends: _gone.yaml"),
     COMMON_FILE, r"{wave}: extends _gone.yaml, which does not exist"),
    ("extends-cycle", WAVE_FILE, "extends: 2018-h1.yaml\n" + COMMON_FILE,
     r"{common}: extends 2018-h1.yaml, which extends it back: 2018-h1.yaml -> _common.yaml -> "
     r"2018-h1.yaml"),
    ("unknown-variable", WAVE_FILE + "\nvariables:\n  favourite_colour: {kind: single}\n",
     COMMON_FILE, r"{wave}: .*favourite_colour"),
    ("unknown-question-kind", WAVE_FILE + "\nvariables:\n  frameworks: {kind: essay}\n",
     COMMON_FILE, r"{wave}: variable 'frameworks' has kind 'essay'; expected one of single, "
     r"multi_delimited, multi_columns, number"),
]


@pytest.mark.parametrize(("wave_text", "common_text", "pattern"),
                         [pytest.param(w, c, p, id=i) for i, w, c, p in BROKEN])
def test_a_broken_codebook_is_one_error_naming_the_file(tmp_path, wave_text, common_text,
                                                        pattern):
    folder = tmp_path / "codebooks" / "demo"
    folder.mkdir(parents=True)
    wave, common = folder / "2018-h1.yaml", folder / "_common.yaml"
    wave.write_bytes(wave_text.encode("utf-8", "surrogateescape"))
    common.write_text(common_text, encoding="utf-8")
    with pytest.raises(CodebookError) as raised:
        _load(wave)
    message = str(raised.value)
    expected = pattern.format(wave=re.escape(str(wave)), common=re.escape(str(common)))
    assert re.search(expected, message), message
    assert "<unicode string>" not in message and "Traceback" not in message


def _demo_project(tmp_path: Path) -> Path:
    """A project folder whose own ``demo`` source is a copy of the package's (so breaking its
    files breaks nothing of the package)."""
    import yaml

    root = tmp_path / "project"
    shutil.copytree(DEMO_CODEBOOKS, root / "codebooks" / "demo")
    (root / "survey-project.yaml").write_text("name: project\n", encoding="utf-8")
    spec = yaml.safe_load((fp.codebooks_dir() / "sources.yaml").read_text(encoding="utf-8"))
    (root / "sources.yaml").write_text(yaml.safe_dump({"demo": spec["demo"]}, sort_keys=False),
                                       encoding="utf-8")
    return root


def test_list_reports_a_broken_codebook_in_one_line_and_lists_the_rest(tmp_path, capsys):
    from survey_analysis import cli

    root = _demo_project(tmp_path)
    broken = root / "codebooks" / "demo" / "2018-h1.yaml"
    broken.write_text(WAVE_FILE + "\nnotes: [unclosed\n", encoding="utf-8")
    code = cli.main(["--project", str(root), "list", "--data-dir", str(tmp_path)])
    out, err = capsys.readouterr()
    assert code == 1
    lines = out.splitlines()
    [bad] = [line for line in lines if line.strip().startswith("2018-h1")]
    assert re.fullmatch(rf"    2018-h1  \(codebook error: {re.escape(str(broken))}:\d+:\d+: "
                        r"invalid YAML: .*\)", bad), bad
    for wave in ("2018-h2", "2019-h1", "2019-h2"):
        assert any(line.strip().startswith(wave) for line in lines), wave
    assert any(line.strip().startswith("kaggle:") for line in lines)
    assert err.strip() == "survey-report: 1 codebook(s) could not be read"


def test_a_broken_source_registry_stops_a_render_before_anything_is_touched(site, run_cli,
                                                                             tmp_path):
    root = _demo_project(tmp_path)
    registry = root / "sources.yaml"
    lines = registry.read_text(encoding="utf-8").splitlines(keepends=True)
    lines.insert(2, "  title: [unclosed\n")
    registry.write_text("".join(lines), encoding="utf-8")
    before = snapshot(site)
    code, err = run_cli("--project", root, "render", "--wave", "2018-h1", "--reports-dir", site,
                        "--force")
    assert code == 2, err
    assert re.fullmatch(rf"survey-report: {re.escape(str(registry))}:\d+: not valid YAML: .*",
                        err.strip()), err
    assert_unchanged(site, before)


def test_the_loader_names_a_broken_registry_too(tmp_path, monkeypatch):
    path = tmp_path / "sources.yaml"
    path.write_text("demo:\n  title: [unclosed\n", encoding="utf-8")
    with pytest.raises(ValueError, match=rf"{re.escape(str(path))}:3:1: invalid YAML"):
        load_yaml_file(path)
    assert sources_module.SourceError.__mro__[1] is ValueError
