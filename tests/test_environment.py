"""environment.yml (conda) lists the same dependencies as pyproject.toml (the source of truth)."""

from __future__ import annotations

import re
import tomllib

import yaml

from tests.conftest import REPO_ROOT


def _split(requirement: str) -> tuple[str, str]:
    match = re.match(r"^([A-Za-z0-9_.\-]+)\s*(.*)$", requirement.strip())
    assert match, requirement
    return match.group(1).lower().replace("_", "-"), match.group(2).replace(" ", "")


def test_environment_yml_matches_pyproject():
    project = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())["project"]
    requirements = project["dependencies"] + project["optional-dependencies"]["dev"]
    wanted = dict(_split(r) for r in requirements)
    wanted["python"] = project["requires-python"].replace(" ", "")
    env = yaml.safe_load((REPO_ROOT / "environment.yml").read_text())
    listed = dict(_split(d) for d in env["dependencies"] if isinstance(d, str) and d != "pip")
    assert listed == wanted
