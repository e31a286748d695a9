"""Survey sources (``codebooks/sources.yaml``): finding and reading a wave's raw files."""

from __future__ import annotations

import codecs
import csv
import gzip
import hashlib
import logging
import os
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from survey_analysis.codebook import Codebook, InputFile, available_waves, load_codebook

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
    text = resources.files("survey_analysis.codebooks").joinpath("sources.yaml").read_text()
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
        for name, spec in yaml.safe_load(text).items()
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
            with zipfile.ZipFile(archive) as zipped:
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
    """The uncompressed bytes of a raw file (plain, .gz, or a member of a .zip archive)."""
    if path.suffix == ".zip":
        with zipfile.ZipFile(path) as zipped:
            name = next(m for m in zipped.namelist() if Path(m).name == Path(member).name)
            return zipped.read(name)
    if path.suffix == ".gz":
        return gzip.decompress(path.read_bytes())
    return path.read_bytes()


def describe_file(file: InputFile, path: Path, digest: str) -> LocatedFile:
    """A located input file with its digest; warns when it differs from the published one."""
    if file.sha256 and digest != file.sha256:
        logger.warning(
            "%s: sha256 %s differs from the published %s; figures may not match the "
            "publisher's file", path, digest, file.sha256,
        )
    return LocatedFile(file.name, path, digest, file.sha256)


def read_wave_files(
    source: Source, wave: str, data_dir: str | os.PathLike | None = None,
    columns: Sequence[str] | None = None,
) -> tuple[pd.DataFrame, list[LocatedFile]]:
    """Read a wave's responses file as text columns, and describe every input file read.

    ``columns`` limits the responses table to those raw columns (the ones the codebook maps):
    the whole file is still parsed, but only those columns are converted.
    """
    codebook = source.codebook(wave)
    located: list[LocatedFile] = []
    responses = None
    for file in codebook.files:
        path = locate_file(source, wave, file, data_dir)
        content = read_bytes(path, file.name)
        located.append(describe_file(file, path, hashlib.sha256(content).hexdigest()))
        if file.role == "responses":
            responses = parse_csv(content, codebook, path, columns)
    if responses is None:
        raise SourceError(f"codebook {codebook.path} lists no file with role 'responses'")
    return responses, located


def _header(content: bytes, encoding: str) -> tuple[list[str], bool]:
    """The CSV header's field names, with pandas' ``X.1`` suffixes for repeated names, and
    whether any name was repeated."""
    end = content.find(b"\n", 0, 1 << 24)
    line = content[: end if end >= 0 else len(content)].decode(encoding, errors="replace")
    line = line.removeprefix("\ufeff")  # a byte-order mark, which the CSV reader drops too
    names = next(csv.reader([line.rstrip("\r")]), [])
    seen: dict[str, int] = {}
    mangled = []
    for name in names:
        count = seen.get(name, 0)
        seen[name] = count + 1
        mangled.append(name if count == 0 else f"{name}.{count}")
    return mangled, mangled != names


def parse_csv(
    content: bytes, codebook: Codebook, path: Path, columns: Sequence[str] | None = None
) -> pd.DataFrame:
    """A raw export as text columns (``string`` dtype, empty cells missing), question rows off.

    Read with pyarrow's multi-threaded CSV reader: on the Kaggle exports it parses in about
    two thirds of ``pandas.read_csv``'s time and converts only the requested columns
    (docs/performance.md). Cells are never type-inferred: every column is text.
    """
    import pyarrow as pa
    import pyarrow.csv as pacsv

    read = codebook.read
    encoding = str(read.get("encoding", "utf-8"))
    skip = int(read.get("question_rows", 0))
    try:
        codec = codecs.lookup(encoding).name
    except LookupError:
        raise SourceError(f"{codebook.path}: read.encoding {encoding!r} is not a known text "
                          "encoding (e.g. utf-8, ISO-8859-1)") from None
    if codec != "utf-8":
        # Decoding in C here is ~10x faster than the reader's own transcoding (Python codecs).
        try:
            content = content.decode(encoding).encode("utf-8")
        except UnicodeDecodeError as error:
            raise SourceError(_parse_error(content, encoding, path, codebook, error)) from None
        encoding = "utf-8"
    names, renamed = _header(content, encoding)
    wanted = names if columns is None else [c for c in dict.fromkeys(columns) if c in names]
    options = pacsv.ReadOptions(
        encoding=encoding, skip_rows_after_names=skip, block_size=1 << 22,
        **({"column_names": names, "skip_rows": 1} if renamed else {}),
    )
    convert = pacsv.ConvertOptions(
        column_types=dict.fromkeys(wanted, pa.string()), include_columns=wanted,
        strings_can_be_null=True, quoted_strings_can_be_null=True, null_values=[""],
    )
    try:
        table = pacsv.read_csv(pa.BufferReader(content), read_options=options,
                               parse_options=pacsv.ParseOptions(newlines_in_values=True),
                               convert_options=convert)
    except (pa.ArrowInvalid, UnicodeDecodeError) as error:
        raise SourceError(_parse_error(content, encoding, path, codebook, error)) from None
    return table.to_pandas(types_mapper=_string_dtype)


def _string_dtype(arrow_type):
    import pyarrow as pa

    return pd.StringDtype("pyarrow") if arrow_type == pa.string() else None


def _parse_error(content: bytes, encoding: str, path: Path, codebook: Codebook,
                 error: Exception) -> str:
    try:
        content.decode(encoding)
    except UnicodeDecodeError as bad:
        return (f"{path}: not valid {encoding} at byte {bad.start} "
                f"(set read.encoding in {codebook.path})")
    return f"{path}: not a readable CSV file: {error}"


def wave_sort_key(wave: str) -> Sequence[Any]:
    return tuple(int(p) if p.isdigit() else p for p in wave.replace("-", " ").split())
