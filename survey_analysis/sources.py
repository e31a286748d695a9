"""Survey sources (``codebooks/sources.yaml``): finding and reading a wave's raw files."""

from __future__ import annotations

import codecs
import csv
import gzip
import hashlib
import io
import logging
import os
import zipfile
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd
from pydantic import ValidationError

from survey_analysis.codebook import Codebook, InputFile, available_waves, load_codebook
from survey_analysis.config_models import SourceSpec
from survey_analysis.project import _stamp, active_project, source_files, source_specs

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


def _registry() -> dict[str, Source]:
    """Every source: the built-in ones and the active project's (whose same-named source wins)."""
    files = source_files()
    stamps = tuple(sorted({_stamp(path) for path in files.values()}))
    from survey_analysis.variables import canonical_variables

    return _registry_for(tuple(files.items()), stamps, tuple(canonical_variables()))


@cache
def _registry_for(files: tuple[tuple[str, Path], ...], _stamps: tuple,
                  _variables: tuple) -> dict[str, Source]:
    from survey_analysis.check import ConfigError, check_sources_file

    specs = source_specs()
    try:
        for name, _ in files:
            SourceSpec.model_validate(specs[name])
    except (ValidationError, TypeError):
        raise ConfigError(check_sources_file(dict(files)[name], [name])) from None
    problems = [p for path in {path for _, path in files}
                for p in check_sources_file(path, [n for n, f in files if f == path],
                                            todos=False)]
    if problems:
        raise ConfigError(problems)
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
        for name, spec in ((n, specs[n]) for n, _ in files)
    }


def list_sources() -> tuple[str, ...]:
    return tuple(_registry())


def get_source(name: str) -> Source:
    registry = _registry()
    if name not in registry:
        from survey_analysis.check import did_you_mean

        raise SourceError(f"unknown source {name!r};{did_you_mean(name, registry)} sources: "
                          f"{', '.join(registry)}")
    return registry[name]


def data_dirs(data_dir: str | os.PathLike | None = None) -> list[Path]:
    """Where raw files are looked for, in order: the argument, $SURVEY_DATA_DIR, the active
    project's data/, ./data."""
    project = active_project()
    candidates = [data_dir, os.environ.get(DATA_DIR_ENV),
                  project.data_dir if project else None, PROJECT_DATA_DIR]
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


def _header(content: bytes, encoding: str, path: Path) -> list[str]:
    """The CSV header's field names; no header, or a column named twice, is an error (a reader
    would silently rename the second ``name.1``, and the codebook read whichever it names)."""
    end = content.find(b"\n", 0, 1 << 24)
    line = content[: end if end >= 0 else len(content)].decode(encoding, errors="replace")
    line = line.removeprefix("\ufeff")  # a byte-order mark, which the CSV reader drops too
    try:
        names = next(csv.reader([line.rstrip("\r")]), [])
    except csv.Error as error:
        raise SourceError(f"{path}: line 1 (header) is not valid CSV: {error}") from None
    if not any(name.strip() for name in names):
        raise SourceError(f"{path}: is empty (no header row)")
    positions: dict[str, list[int]] = {}
    for i, name in enumerate(names, start=1):
        positions.setdefault(name.strip(), []).append(i)
    twice = {name: where for name, where in positions.items() if len(where) > 1}
    if twice:
        text = "; ".join(f"{name!r} at positions {', '.join(map(str, where))}"
                         for name, where in twice.items())
        raise SourceError(f"{path}: column named more than once: {text} (columns counted from "
                          "1); every column name must be unique")
    return names


def parse_csv(
    content: bytes, codebook: Codebook, path: Path, columns: Sequence[str] | None = None
) -> pd.DataFrame:
    """A raw export as text columns (``string`` dtype, empty cells missing), question rows off.

    Read with pyarrow's multi-threaded CSV reader: on the Kaggle exports it parses in about
    two thirds of ``pandas.read_csv``'s time and converts only the requested columns
    (docs/performance.md). Cells are never type-inferred: every column is text. A file with a
    header but no responses, a row longer than the header or an unclosed quote is an error
    naming the file and the record.
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
    names = _header(content, encoding, path)
    wanted = names if columns is None else [c for c in dict.fromkeys(columns) if c in names]
    options = pacsv.ReadOptions(encoding=encoding, skip_rows_after_names=skip,
                                block_size=1 << 22)
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
    if table.num_rows == 0:
        raise SourceError(f"{path}: has a header but no responses (0 data rows"
                          + (f" after its {skip} question row(s)" if skip else "") + ")")
    return table.to_pandas(types_mapper=_string_dtype)


def _string_dtype(arrow_type):
    import pyarrow as pa

    return pd.StringDtype("pyarrow") if arrow_type == pa.string() else None


def _parse_error(content: bytes, encoding: str, path: Path, codebook: Codebook,
                 error: Exception) -> str:
    try:
        text = content.decode(encoding)
    except UnicodeDecodeError as bad:
        return (f"{path}: not valid {encoding} at byte {bad.start} "
                f"(set read.encoding in {codebook.path})")
    return f"{path}: not a readable CSV file: {_first_bad_record(text)}"


def _first_bad_record(text: str) -> str:
    """Which record breaks the CSV's shape (slow: only called once reading failed)."""
    try:
        records = csv.reader(io.StringIO(text))
        width = len(next(records))
        for number, record in enumerate(records, start=2):
            if len(record) > width and any("\n" in field for field in record):
                return (f"a quote opened in record {number} (counting the header as 1) runs "
                        "over several lines; is it closed?")
            if len(record) != width:
                return (f"record {number} (counting the header as 1) has {len(record)} fields, "
                        f"the header {width}")
    except csv.Error as error:
        return f"{error} (an unclosed quote?)"
    return "a quoted field is never closed"


def wave_sort_key(wave: str) -> Sequence[Any]:
    return tuple(int(p) if p.isdigit() else p for p in wave.replace("-", " ").split())
