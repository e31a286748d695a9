"""Survey sources (``codebooks/sources.yaml``): finding and reading a wave's raw files."""

from __future__ import annotations

import gzip
import hashlib
import io
import logging
import os
import warnings
import zipfile
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import pandas as pd

from survey_analysis.codebook import Codebook, InputFile, available_waves, load_codebook
from survey_analysis.yaml_files import load_yaml_file

logger = logging.getLogger(__name__)

DATA_DIR_ENV = "SURVEY_DATA_DIR"
PROJECT_DATA_DIR = Path(__file__).resolve().parents[1] / "data"


class SourceError(ValueError):
    """An unknown source or wave, or raw files that cannot be found or read."""


@dataclass(frozen=True)
class Source:
    """A survey source as described in ``codebooks/sources.yaml``."""

    name: str
    title: str
    publisher: str
    licence: str
    synthetic: bool
    get_files: str
    cleaning: Mapping[str, Any]
    populations: Mapping[str, Mapping[str, Any]]
    default_population: str
    extra: Mapping[str, Any]

    @property
    def waves(self) -> tuple[str, ...]:
        return available_waves(self.name)

    def codebook(self, wave: str) -> Codebook:
        if wave not in self.waves:
            raise SourceError(
                f"source {self.name!r} has no wave {wave!r}; waves: {', '.join(self.waves)}"
            )
        return load_codebook(self.name, wave)


@cache
def _registry() -> dict[str, Source]:
    path = Path(str(resources.files("survey_analysis.codebooks").joinpath("sources.yaml")))
    try:
        registry = load_yaml_file(path) or {}
    except ValueError as error:
        raise SourceError(str(error)) from None
    known = {"title", "publisher", "licence", "synthetic", "get_files", "cleaning",
             "populations", "default_population"}
    return {
        name: Source(
            name=name,
            title=spec["title"],
            publisher=spec["publisher"],
            licence=spec["licence"].strip(),
            synthetic=bool(spec.get("synthetic", False)),
            get_files=spec.get("get_files", "").strip(),
            cleaning=spec.get("cleaning") or {},
            populations=spec.get("populations") or {"all": {"label": "all respondents"}},
            default_population=spec.get("default_population", "all"),
            extra={k: v for k, v in spec.items() if k not in known},
        )
        for name, spec in registry.items()
    }


def list_sources() -> tuple[str, ...]:
    return tuple(_registry())


def get_source(name: str) -> Source:
    registry = _registry()
    if name not in registry:
        raise SourceError(f"unknown source {name!r}; sources: {', '.join(registry)}")
    return registry[name]


def data_dirs(data_dir: str | os.PathLike | None = None) -> list[Path]:
    """Where raw files are looked for, in order: the argument, $SURVEY_DATA_DIR, ./data."""
    candidates = [data_dir, os.environ.get(DATA_DIR_ENV), PROJECT_DATA_DIR]
    return [Path(c).expanduser() for c in candidates if c]


@dataclass(frozen=True, slots=True)
class LocatedFile:
    """A raw input file found on disk, with the checksum of its uncompressed bytes."""

    name: str
    path: Path
    sha256: str
    expected_sha256: str | None

    @property
    def verified(self) -> bool | None:
        if self.expected_sha256 is None:
            return None
        return self.sha256 == self.expected_sha256


def _candidates(root: Path, source: str, name: str) -> list[Path]:
    base = root / source / name
    return [base, base.with_name(base.name + ".gz")]


def locate_file(
    source: Source, wave: str, file: InputFile, data_dir: str | os.PathLike | None = None
) -> Path:
    """A wave's raw file, or an error saying where it was looked for and how to get it."""
    looked = []
    for root in data_dirs(data_dir):
        for path in _candidates(root, source.name, file.name):
            looked.append(path)
            if path.is_file():
                return path
        # A publisher's zip archive dropped into the wave's folder as downloaded.
        folder = (root / source.name / file.name).parent
        for archive in sorted(folder.glob("*.zip")) if folder.is_dir() else []:
            try:
                zipped = zipfile.ZipFile(archive)
            except (OSError, zipfile.BadZipFile) as error:
                raise SourceError(f"{archive}: not a readable zip archive ({error}); "
                                  "download it again") from None
            with zipped:
                if any(Path(m).name == Path(file.name).name for m in zipped.namelist()):
                    return archive
        looked.append(folder / "*.zip")
    where = "\n  ".join(str(p) for p in looked)
    # A wave's codebook may state its own `get_files` (e.g. a per-wave download command).
    wave_hint = source.codebook(wave).extra.get("get_files") if wave in source.waves else None
    hint = str(wave_hint or source.get_files).strip().format(wave=wave)
    if data_dir:  # the user named the folder: show the commands with it filled in
        hint = hint.replace("DIR", str(Path(data_dir)))
    raise SourceError(
        f"raw file {file.name!r} for {source.name} wave {wave} not found. Looked in:\n  {where}\n"
        f"Point the tool at your copy with --data-dir DIR or ${DATA_DIR_ENV}=DIR "
        f"(DIR/{source.name}/{file.name}, optionally gzip-compressed).\n{hint}"
    )


def read_bytes(path: Path, member: str) -> bytes:
    """The uncompressed bytes of a raw file (plain, .gz, or a member of a .zip archive); a
    truncated or corrupt archive is a :class:`SourceError` naming the file."""
    try:
        return _read_bytes(path, member)
    except (EOFError, OSError, zipfile.BadZipFile, zlib.error) as error:
        raise SourceError(
            f"{path}: cannot read {Path(member).name}: the file is truncated or corrupt "
            f"({type(error).__name__}: {error}); download it again"
        ) from None


def _read_bytes(path: Path, member: str) -> bytes:
    if path.suffix == ".zip":
        with zipfile.ZipFile(path) as zipped:
            name = next(m for m in zipped.namelist() if Path(m).name == Path(member).name)
            return zipped.read(name)
    if path.suffix == ".gz":
        with gzip.open(path, "rb") as handle:
            return handle.read()
    return path.read_bytes()


def read_wave_files(
    source: Source, wave: str, data_dir: str | os.PathLike | None = None
) -> tuple[pd.DataFrame, list[LocatedFile]]:
    """Read a wave's responses file as text columns, and describe every input file read."""
    codebook = source.codebook(wave)
    located: list[LocatedFile] = []
    responses = None
    for file in codebook.files:
        path = locate_file(source, wave, file, data_dir)
        content = read_bytes(path, file.name)
        digest = hashlib.sha256(content).hexdigest()
        if file.sha256 and digest != file.sha256:
            logger.warning(
                "%s: sha256 %s differs from the published %s; figures may not match the "
                "publisher's file", path, digest, file.sha256,
            )
        located.append(LocatedFile(file.name, path, digest, file.sha256))
        if file.role == "responses":
            responses = _parse_csv(content, codebook, path)
    if responses is None:
        raise SourceError(f"codebook {codebook.path} lists no file with role 'responses'")
    return responses, located


def _parse_csv(content: bytes, codebook: Codebook, path: Path) -> pd.DataFrame:
    read = codebook.read
    encoding = read.get("encoding", "utf-8")
    try:
        # A byte-order mark (as spreadsheet programs write) is not part of the first name.
        text = content.decode("utf-8-sig" if encoding.lower() in {"utf-8", "utf8"} else encoding)
    except UnicodeDecodeError as error:
        raise SourceError(
            f"{path}: not valid {encoding} at byte {error.start} "
            f"(set read.encoding in {codebook.path})"
        ) from None
    _check_header(text, path)
    try:
        with warnings.catch_warnings():
            # index_col=False: a row longer than the header is an error, not a silent shift
            # of every column (pandas would take the first column as an index).
            warnings.simplefilter("error", pd.errors.ParserWarning)
            frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False,
                                na_values=[""], low_memory=False, index_col=False)
    except (pd.errors.ParserError, pd.errors.ParserWarning, pd.errors.EmptyDataError):
        raise SourceError(f"{path}: not a readable CSV file: {_first_bad_record(text)}"
                          ) from None
    skip = int(read.get("question_rows", 0))
    frame = frame.iloc[skip:].reset_index(drop=True)
    if frame.empty:
        raise SourceError(f"{path}: has a header but no responses (0 data rows"
                          + (f" after its {skip} question row(s)" if skip else "") + ")")
    return frame


def _first_bad_record(text: str) -> str:
    """Which record breaks the CSV's shape (slow: only called once reading failed)."""
    import csv

    try:
        records = csv.reader(io.StringIO(text))
        width = len(next(records))
        for number, record in enumerate(records, start=2):
            if len(record) > width and any("\n" in field for field in record):
                return (f"a quote opened in record {number} (counting the header as 1) runs "
                        "over several lines; is it closed?")
            if len(record) > width:
                return (f"record {number} (counting the header as 1) has {len(record)} fields, "
                        f"the header {width}")
    except csv.Error as error:
        return f"{error} (an unclosed quote?)"
    return "a quoted field is never closed"


def _check_header(text: str, path: Path) -> None:
    """Refuse a file with no header, or a column name given twice (pandas would silently
    rename the second one ``name.1``, and the codebook would read whichever it names)."""
    import csv

    try:
        header = next(csv.reader(io.StringIO(text)), [])
    except csv.Error as error:
        raise SourceError(f"{path}: line 1 (header) is not valid CSV: {error}") from None
    if not any(name.strip() for name in header):
        raise SourceError(f"{path}: is empty (no header row)")
    positions: dict[str, list[int]] = {}
    for i, name in enumerate(header, start=1):
        positions.setdefault(name.strip(), []).append(i)
    twice = {name: where for name, where in positions.items() if len(where) > 1}
    if twice:
        text = "; ".join(f"{name!r} at positions {', '.join(map(str, where))}"
                         for name, where in twice.items())
        raise SourceError(f"{path}: column named more than once: {text} (columns counted from "
                          "1); every column name must be unique")


def wave_sort_key(wave: str) -> Sequence[Any]:
    return tuple(int(p) if p.isdigit() else p for p in wave.replace("-", " ").split())
