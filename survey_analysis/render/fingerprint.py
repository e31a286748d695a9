"""What a page was rendered from: file digests, package identity, git state, atomic writes.

Everything here is light (standard library and PyYAML only), so deciding that a page is up to date
never imports pandas, matplotlib, papermill or nbconvert. A page's ``<name>.inputs.json`` holds:

``fingerprint``  what the page depends on (notebook, parameters, page options, input files'
                 sha256, codebooks, package version and code digest); a page is re-rendered when
                 this changes.
``files``        ``{path: [size, mtime_ns]}`` of every file hashed into the fingerprint: when none
                 changed size or modification time (the rule of make and of git's index), the
                 digests are not recomputed.
``env``          the ``SURVEY_*`` environment variables, which steer where raw files are found.
``rendered``     when and from what the page was made (git commit, its date, dirty tree, command).
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import tempfile
from collections.abc import Iterable, Mapping
from functools import cache
from importlib import metadata, resources
from pathlib import Path
from typing import Any

from survey_analysis.yaml_files import load_yaml_file

PACKAGE_DIR = Path(__file__).resolve().parents[1]
PROJECT_ROOT = PACKAGE_DIR.parent
CODE_SUFFIXES = {".py", ".yaml", ".j2", ".css", ".json"}


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with Path(path).open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


@cache
def package_version() -> str:
    try:
        return metadata.version("survey-analysis")
    except metadata.PackageNotFoundError:
        return "0+unknown"


@cache
def package_digest() -> str:
    """A digest of the package's code and shared data, so a change to any of them re-renders.

    Per-wave codebooks (``codebooks/<source>/``) are left out: each page hashes its own wave's
    codebook chain, so adding a wave of one source does not re-render every page of the others.
    """
    digest = hashlib.sha256()
    codebooks = PACKAGE_DIR / "codebooks"
    for path in sorted(PACKAGE_DIR.rglob("*")):
        if not path.is_file() or path.suffix not in CODE_SUFFIXES:
            continue
        if path.parent != codebooks and codebooks in path.parents:
            continue
        digest.update(str(path.relative_to(PACKAGE_DIR)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _git(*args: str) -> str | None:
    try:
        out = subprocess.run(["git", *args], cwd=PROJECT_ROOT, capture_output=True, text=True,
                             check=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip()


@cache
def git_state() -> dict[str, Any]:
    """The checkout's commit, its commit date (deterministic, unlike the clock) and whether the
    package or notebooks have uncommitted changes."""
    commit = _git("rev-parse", "--short=12", "HEAD")
    if not commit:
        return {"commit": "unknown", "commit_date": None, "dirty": None}
    status = _git("status", "--porcelain", "--", "survey_analysis", "notebooks")
    return {"commit": commit, "commit_date": _git("show", "-s", "--format=%cI", "HEAD"),
            "dirty": bool(status)}


def git_commit() -> str:
    return git_state()["commit"]


def templates_dir() -> Path:
    return Path(str(resources.files("survey_analysis").joinpath("templates")))


def codebooks_dir() -> Path:
    return Path(str(resources.files("survey_analysis").joinpath("codebooks")))


def codebook_chain(source: str, wave: str) -> list[Path]:
    """A wave's codebook and the files it ``extends``, in reading order (its own file first)."""
    from survey_analysis.project import codebook_folder

    chain, path = [], codebook_folder(source) / f"{wave}.yaml"
    while path.is_file() and path not in chain:
        chain.append(path)
        data = load_yaml_file(path) or {}
        base = data.get("extends") if isinstance(data, dict) else None
        if not base:
            break
        path = path.parent / base
    return chain


def codebook_label(path: Path) -> str:
    """How a page names a codebook: relative to the package's codebooks, or to the project."""
    from survey_analysis.project import active_project

    path = Path(path)
    if codebooks_dir() in path.parents:
        return str(path.relative_to(codebooks_dir()))
    project = active_project()
    if project is not None and project.root in path.resolve().parents:
        return f"{project.name}/{path.resolve().relative_to(project.root)}"
    return str(path)


def project_files() -> dict[str, Path]:
    """The active project's own configuration files (codebooks excepted: pages list their own),
    by the name a page shows; empty without a project."""
    from survey_analysis.project import active_project

    project = active_project()
    if project is None:
        return {}
    files = [project.config_file, project.sources_file, project.variables_file]
    return {f"{project.name}/{f.name}": f for f in files if f.is_file()}




def source_waves(source: str) -> tuple[str, ...]:
    """A source's waves: its codebooks' names (the rule of ``codebook.available_waves``)."""
    from survey_analysis.project import codebook_folder

    folder = codebook_folder(source)
    if not folder.is_dir():
        return ()
    return tuple(sorted(p.stem for p in folder.glob("*.yaml") if not p.name.startswith("_")))


def source_spec(source: str) -> dict[str, Any]:
    """A source's entry in ``sources.yaml`` (the project's, else the package's; raw mapping)."""
    from survey_analysis.project import source_specs

    registry = source_specs()
    if source not in registry:
        raise ValueError(f"unknown source {source!r}; sources: {', '.join(registry)}")
    return registry[source]


# Where the table cache lives does not change any page (the cache is keyed on content).
_ENV_NOT_STEERING = {"SURVEY_CACHE_DIR"}


def survey_env() -> dict[str, str]:
    return {k: v for k, v in sorted(os.environ.items())
            if k.startswith("SURVEY_") and k not in _ENV_NOT_STEERING}


def stat_record(paths: Iterable[Path]) -> dict[str, list[int]]:
    record = {}
    for path in paths:
        st = Path(path).stat()
        record[str(Path(path).resolve())] = [st.st_size, st.st_mtime_ns]
    return record


def files_unchanged(recorded: Mapping[str, Any]) -> bool:
    """Whether every recorded file still has its recorded size and modification time."""
    if not recorded:
        return False
    for path, (size, mtime_ns) in recorded.items():
        try:
            st = os.stat(path)
        except OSError:
            return False
        if st.st_size != size or st.st_mtime_ns != mtime_ns:
            return False
    return True


def normalise(value: Any) -> Any:
    """JSON round trip with sorted keys, so recorded and current fingerprints compare equal."""
    return json.loads(json.dumps(value, sort_keys=True, default=str))


def read_json(path: Path) -> Any:
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


_UMASK = os.umask(0)
os.umask(_UMASK)


def write_atomic(path: Path, content: str | bytes) -> None:
    """Write ``content`` so that readers see the old file or the new one, never a part.

    The bytes go to a hidden temporary file in the same folder, are flushed to disk, and replace
    the target with one ``rename`` (atomic on POSIX); a killed writer leaves only a ``.*.tmp`` file,
    which the next build removes.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    data = content.encode("utf-8") if isinstance(content, str) else content
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.chmod(tmp, 0o666 & ~_UMASK)  # mkstemp makes 0600; published pages are for readers
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_json_atomic(path: Path, value: Any, sort_keys: bool = False) -> None:
    write_atomic(path, json.dumps(value, indent=1, ensure_ascii=False, sort_keys=sort_keys) + "\n")
