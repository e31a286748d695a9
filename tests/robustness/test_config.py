"""Broken codebooks and config files: one error naming the file, line and key; `list` goes on
past a broken codebook; a broken registry stops a render before anything is touched."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from survey_analysis import codebook as codebook_module
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


def test_list_reports_a_broken_codebook_in_one_line_and_lists_the_rest(tmp_path, monkeypatch,
                                                                       capsys):
    from survey_analysis import cli

    broken = _codebook_folder(tmp_path, WAVE_FILE + "\nnotes: [unclosed\n")
    real_path = codebook_module.codebook_path
    monkeypatch.setattr(codebook_module, "codebook_path",
                        lambda source, wave: broken if (source, wave) == ("demo", "2018-h1")
                        else real_path(source, wave))
    codebook_module.load_codebook.cache_clear()
    try:
        code = cli.main(["list", "--data-dir", str(tmp_path)])
    finally:
        codebook_module.load_codebook.cache_clear()
    out, err = capsys.readouterr()
    assert code == 1
    lines = out.splitlines()
    [bad] = [line for line in lines if line.strip().startswith("2018-h1")]
    assert re.fullmatch(rf"  2018-h1  \(codebook error: {re.escape(str(broken))}:\d+:\d+: "
                        r"invalid YAML: .*\)", bad), bad
    for wave in ("2018-h2", "2019-h1", "2019-h2"):
        assert f"  {wave}  (files found)" in lines
    assert any(line.startswith("kaggle:") for line in lines)
    assert err.strip() == "survey-report: 1 codebook(s) could not be read"


@pytest.fixture
def broken_registry(tmp_path, monkeypatch):
    """A copy of the package's codebooks whose sources.yaml has a syntax error on line 3."""
    folder = tmp_path / "codebooks"
    shutil.copytree(fp.codebooks_dir(), folder)
    text = (folder / "sources.yaml").read_text(encoding="utf-8").splitlines(keepends=True)
    text.insert(2, "  title: [unclosed\n")
    (folder / "sources.yaml").write_text("".join(text), encoding="utf-8")
    monkeypatch.setattr(fp, "codebooks_dir", lambda: folder)
    fp.source_spec.cache_clear()
    yield folder / "sources.yaml"
    fp.source_spec.cache_clear()


def test_a_broken_source_registry_stops_a_render_before_anything_is_touched(site, run_cli,
                                                                             broken_registry):
    before = snapshot(site)
    code, err = run_cli("render", "--wave", "2018-h1", "--reports-dir", site, "--force")
    assert code == 2, err
    assert re.fullmatch(rf"survey-report: {re.escape(str(broken_registry))}:\d+:\d+: invalid "
                        r"YAML: .*", err.strip()), err
    assert_unchanged(site, before)


def test_the_loader_names_a_broken_registry_too(tmp_path, monkeypatch):
    path = tmp_path / "sources.yaml"
    path.write_text("demo:\n  title: [unclosed\n", encoding="utf-8")
    with pytest.raises(ValueError, match=rf"{re.escape(str(path))}:3:1: invalid YAML"):
        load_yaml_file(path)
    assert sources_module.SourceError.__mro__[1] is ValueError
