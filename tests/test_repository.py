"""The repository keeps its promises: README layout, clean notebooks, no real data committed."""

from __future__ import annotations

import ast
import json
import re
import subprocess

import pytest

from tests.conftest import REPO_ROOT


def _readme_layout() -> list[str]:
    text = (REPO_ROOT / "README.md").read_text()
    block = text.split("## Layout", 1)[1].split("```", 2)[1]
    return [line.split()[0] for line in block.splitlines() if line.strip()]


def test_readme_starts_with_the_two_commands():
    text = (REPO_ROOT / "README.md").read_text()
    first_block = text.split("```sh", 1)[1].split("```", 1)[0]
    commands = [line.split("#")[0].strip() for line in first_block.strip().splitlines()]
    assert commands == ["make reports", "make test"]
    makefile = (REPO_ROOT / "Makefile").read_text()
    assert re.search(r"^reports:", makefile, re.M) and re.search(r"^test:", makefile, re.M)
    assert "make test" in (REPO_ROOT / ".ci" / "run").read_text()


@pytest.mark.parametrize("path", _readme_layout())
def test_readme_layout_matches_the_tree(path):
    if path == "reports/":
        assert "reports/" in (REPO_ROOT / ".gitignore").read_text()
        return
    assert (REPO_ROOT / path).exists(), f"README lists {path}, which does not exist"


def _notebooks() -> list:
    return sorted((REPO_ROOT / "notebooks").glob("*.ipynb"))


def _python(cell: dict) -> str:
    """A code cell as Python (magics such as ``%%prose`` become ``get_ipython()`` calls)."""
    from IPython.core.inputtransformer2 import TransformerManager

    return TransformerManager().transform_cell("".join(cell["source"]))


def code_lines(notebook) -> list[str]:
    """Lines of code outside the parameters cell and the ``%%prose`` cells (which are prose)."""
    nb = json.loads(notebook.read_text())
    lines = []
    for cell in nb["cells"]:
        source = "".join(cell["source"])
        if cell["cell_type"] != "code" or source.startswith("%%prose") or \
                "parameters" in cell.get("metadata", {}).get("tags", []):
            continue
        lines += [line for line in source.splitlines()
                  if line.strip() and not line.strip().startswith("#")]
    return lines


@pytest.mark.parametrize("notebook", _notebooks(), ids=lambda p: p.name)
def test_notebooks_are_paired_as_text_and_in_sync(notebook):
    import jupytext

    paired = notebook.with_suffix(".py")
    assert paired.is_file(), f"{notebook.name} has no paired {paired.name} (jupytext percent)"
    text = jupytext.read(paired)
    nb = json.loads(notebook.read_text())
    assert [(c.cell_type, c.source) for c in text.cells] == \
        [(c["cell_type"], "".join(c["source"])) for c in nb["cells"]], \
        f"{paired.name} and {notebook.name} differ: run jupytext --sync {notebook}"


@pytest.mark.parametrize("notebook", _notebooks(), ids=lambda p: p.name)
def test_notebooks_are_committed_clean_and_hold_no_logic(notebook):
    nb = json.loads(notebook.read_text())
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert all(not c.get("outputs") and c.get("execution_count") is None for c in code)
    assert "parameters" in code[0].get("metadata", {}).get("tags", []), "first code cell"
    assert nb["metadata"]["kernelspec"]["name"] == "survey-analysis"
    for cell in code:
        tree = ast.parse(_python(cell))
        for node in ast.walk(tree):
            assert not isinstance(node, ast.FunctionDef | ast.ClassDef | ast.Lambda), cell["id"]
            if isinstance(node, ast.Import | ast.ImportFrom):
                modules = [node.module] if isinstance(node, ast.ImportFrom) else [
                    a.name for a in node.names]
                assert all(m.split(".")[0] in {"survey_analysis", "IPython"} for m in modules)
        assert "sys.path" not in "".join(cell["source"])


def test_no_large_or_real_survey_files_are_tracked():
    tracked = subprocess.run(["git", "ls-files"], cwd=REPO_ROOT, capture_output=True, text=True,
                             check=True).stdout.split()
    for name in tracked:
        path = REPO_ROOT / name
        if path.exists():
            assert path.stat().st_size < 1_000_000, name
        assert "kaggle_survey" not in name and "multipleChoiceResponses" not in name, name
