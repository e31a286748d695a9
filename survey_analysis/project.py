"""A project folder: a user's own sources, codebooks, variables, notebooks, data and reports.

A project is a folder holding ``survey-project.yaml``; the active one is ``$SURVEY_PROJECT`` (the
CLI sets it from ``--project DIR`` or finds it in the current folder or a parent, and notebook
kernels inherit it). Built-in sources (demo, Kaggle) and variables stay available in every
project; a project's source of the same name replaces the built-in one, and its codebooks are read
from the project's ``codebooks/<source>/``. Nothing is ever written inside the installed package.

Light on purpose (standard library and PyYAML): the renderer's up-to-date check uses it.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

PROJECT_FILE = "survey-project.yaml"
PROJECT_ENV = "SURVEY_PROJECT"


class ProjectError(ValueError):
    """No project where one was named, or a project file that cannot be read."""


@dataclass(frozen=True)
class Project:
    """A project folder and the paths inside it."""

    root: Path
    name: str = ""
    default_source: str | None = None

    @property
    def config_file(self) -> Path:
        return self.root / PROJECT_FILE

    @property
    def sources_file(self) -> Path:
        return self.root / "sources.yaml"

    @property
    def variables_file(self) -> Path:
        return self.root / "variables.yaml"

    @property
    def codebooks_dir(self) -> Path:
        return self.root / "codebooks"

    @property
    def notebooks_dir(self) -> Path:
        return self.root / "notebooks"

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    @property
    def reports_dir(self) -> Path:
        return self.root / "reports"

    def config_files(self) -> list[Path]:
        """The project's own configuration files (for provenance and ``check``)."""
        files = [self.config_file, self.sources_file, self.variables_file]
        files += sorted(self.codebooks_dir.glob("*/*.yaml")) if self.codebooks_dir.is_dir() else []
        return [f for f in files if f.is_file()]


def find_project(start: str | os.PathLike | None = None) -> Project | None:
    """The project holding ``start`` (default: the current folder) or one of its parents."""
    here = Path(start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / PROJECT_FILE).is_file():
            return open_project(folder)
    return None


def open_project(root: str | os.PathLike) -> Project:
    """The project at ``root``; :class:`ProjectError` when it has no ``survey-project.yaml``."""
    root = Path(root).expanduser().resolve()
    config = root / PROJECT_FILE
    if not config.is_file():
        raise ProjectError(f"{root}: no {PROJECT_FILE} here; create a project with "
                           f"`survey-report init {root}`")
    return _open(str(root), _stamp(config))


@cache
def _open(root: str, _stamp: tuple) -> Project:
    data = _read_yaml(Path(root) / PROJECT_FILE)
    data = data if isinstance(data, Mapping) else {}
    default = data.get("default_source")
    return Project(Path(root), str(data.get("name") or Path(root).name),
                   str(default) if default else None)


def active_project() -> Project | None:
    """The project named by ``$SURVEY_PROJECT``, else the one around the current folder."""
    named = os.environ.get(PROJECT_ENV)
    if named:
        return open_project(named)
    cwd = os.getcwd()
    found = _found.get(cwd, False)
    # Called for every variable lookup, so the walk up the parents is remembered per folder; a
    # remembered "none" is re-checked in the folder itself (where `init .` writes one).
    if found is False or (found is None and os.path.isfile(os.path.join(cwd, PROJECT_FILE))):
        found = _found[cwd] = find_project(cwd)
    return found if found is None else open_project(found.root)


_found: dict[str, Project | None] = {}


def activate(project: Project | None) -> None:
    """Make ``project`` the active one for this process and the kernels it starts."""
    if project is None:
        os.environ.pop(PROJECT_ENV, None)
    else:
        os.environ[PROJECT_ENV] = str(project.root)


@cache
def builtin_codebooks_dir() -> Path:
    return Path(str(resources.files("survey_analysis").joinpath("codebooks")))


def _stamp(path: Path) -> tuple:
    """What identifies a file's content cheaply (caches are keyed on it)."""
    try:
        st = path.stat()
    except OSError:
        return (str(path), None)
    return (str(path), st.st_size, st.st_mtime_ns)


def _read_yaml(path: Path) -> Any:
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=loader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark else 1
        raise ProjectError(f"{path}:{line}: not valid YAML: "
                           f"{getattr(error, 'problem', None) or error}") from None


@cache
def _sources_of(path: str, stamp: tuple) -> dict[str, Any]:
    data = _read_yaml(Path(path)) if Path(path).is_file() else {}
    return dict(data) if isinstance(data, Mapping) else {}


def builtin_sources_file() -> Path:
    return builtin_codebooks_dir() / "sources.yaml"


def source_files() -> dict[str, Path]:
    """Each source's defining ``sources.yaml`` (the project's wins over the built-in one)."""
    files = {name: builtin_sources_file() for name in _sources_of(*_key(builtin_sources_file()))}
    project = active_project()
    if project is not None:
        files.update({name: project.sources_file
                      for name in _sources_of(*_key(project.sources_file))})
    return files


def source_specs() -> dict[str, dict[str, Any]]:
    """Every source's raw entry, built-in ones first, a project's same-named source winning."""
    return {name: _sources_of(*_key(path))[name] for name, path in source_files().items()}


def codebook_folder(source: str) -> Path:
    """Where ``source``'s codebooks live: the project's folder for a project source."""
    path = source_files().get(source, builtin_sources_file())
    return path.parent / source if path == builtin_sources_file() else \
        path.parent / "codebooks" / source


def variables_files() -> list[Path]:
    """The variable registries in reading order: built-in, then the project's (if any)."""
    files = [builtin_codebooks_dir() / "variables.yaml"]
    project = active_project()
    if project is not None and project.variables_file.is_file():
        files.append(project.variables_file)
    return files


def _key(path: Path) -> tuple[str, tuple]:
    return str(path), _stamp(path)


def is_project_file(path: Path) -> bool:
    """Whether ``path`` belongs to the active project (not to the package)."""
    project = active_project()
    return project is not None and project.root in Path(path).resolve().parents


def config_stamps(source: str) -> list[tuple]:
    """Stamps of every config file a render of ``source`` reads (to skip re-checking them)."""
    files = [source_files().get(source, builtin_sources_file()), *variables_files()]
    project = active_project()
    if project is not None:
        files.append(project.config_file)
    folder = codebook_folder(source)
    files += sorted(folder.glob("*.yaml")) if folder.is_dir() else []
    return [_stamp(path) for path in files]
