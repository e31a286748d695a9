"""Loading a wave: raw files -> canonical table -> cleaned -> population, with provenance."""

from __future__ import annotations

import hashlib
import os
import time
from dataclasses import dataclass

import pandas as pd

from survey_analysis.cleaning import CleaningLog, clean_respondents
from survey_analysis.codebook import Codebook, apply_codebook
from survey_analysis.population import select_population
from survey_analysis.schema import FRAME_COLUMNS, validate_respondents
from survey_analysis.sources import (
    LocatedFile,
    Source,
    SourceError,
    describe_file,
    get_source,
    locate_file,
    parse_csv,
    read_bytes,
)
from survey_analysis.timestamps import to_iso


@dataclass(frozen=True)
class SurveyWave:
    """One wave, loaded and cleaned: the population's respondents and how they were obtained."""

    source: Source
    wave: str
    codebook: Codebook
    population: str
    population_label: str
    respondents: pd.DataFrame
    cleaned: pd.DataFrame
    cleaning_log: CleaningLog
    files: tuple[LocatedFile, ...]

    @property
    def not_asked(self) -> tuple[str, ...]:
        return self.codebook.not_asked

    @property
    def has_weights(self) -> bool:
        """Whether the source publishes survey weights for this wave."""
        return bool(self.codebook.columns.get("weight"))

    @property
    def title(self) -> str:
        return self.codebook.title or f"{self.source.title}, wave {self.wave}"

    def __repr__(self) -> str:
        return (f"SurveyWave({self.source.name} {self.wave}: {len(self.respondents):,} "
                f"{self.population_label} of {len(self.cleaned):,} after cleaning; "
                f"{len(self.files)} file(s))")


def to_canonical(raw: pd.DataFrame, codebook: Codebook, where: str = "") -> tuple[
    pd.DataFrame, list
]:
    """Map a raw export to the validated canonical table (frame columns plus variables)."""
    variables, recodes = apply_codebook(raw, codebook, file=where)
    frame = {}
    n = len(raw)
    for column, dtype in FRAME_COLUMNS.items():
        raw_column = codebook.columns.get(column)
        if raw_column and column == "submitted_at":  # read with the declared format
            frame[column] = to_iso(raw[raw_column], codebook.read.get("timestamp_format"),
                                   where or codebook.path, raw_column,
                                   2 + int(codebook.read.get("question_rows", 0)))
        elif raw_column:
            frame[column] = _typed(raw, raw_column, dtype, where, codebook)
        elif column == "respondent_id":
            frame[column] = pd.Series([f"row{i + 1}" for i in range(n)], dtype="string")
        elif column == "weight":
            frame[column] = pd.Series(1.0, index=range(n), dtype="Float64")
        else:
            frame[column] = pd.Series(pd.NA, index=range(n), dtype=dtype)
    table = pd.concat([pd.DataFrame(frame), variables], axis=1)
    return validate_respondents(table, where=where), recodes


def _typed(raw: pd.DataFrame, column: str, dtype: str, where: str, codebook: Codebook):
    """A raw column as ``dtype``; a value that is not a number names file, column and row."""
    from survey_analysis.sources import SourceError

    if column not in raw.columns:
        raise SourceError(f"{where}: has no column {column!r} (named in {codebook.path})")
    values = raw[column].reset_index(drop=True)
    if dtype != "Float64":
        return values.astype(dtype)
    numbers = pd.to_numeric(values.str.strip(), errors="coerce")
    bad = numbers.isna() & values.notna() & (values.str.strip() != "")
    if bad.any():
        rows = bad[bad].index
        raise SourceError(
            f"{where}: column {column!r} must hold numbers, but response {rows[0] + 1} holds "
            f"{values[rows[0]]!r} ({len(rows)} such value(s); responses counted from 1 after "
            "the header)"
        )
    return numbers.astype("Float64")


def raw_columns(codebook: Codebook) -> list[str]:
    """The raw columns a codebook reads (the only ones converted from the CSV)."""
    needed = [c for q in codebook.questions.values() for c in q.raw_columns]
    return list(dict.fromkeys([*needed, *(c for c in codebook.columns.values() if c)]))


def load_wave(
    source: str,
    wave: str,
    population: str | None = None,
    data_dir: str | os.PathLike | None = None,
    cache: bool = True,
) -> SurveyWave:
    """Load one wave of a source: read, map through its codebook, clean, select the population.

    The cleaned table comes from the cache (:mod:`survey_analysis.cache`) when nothing it is
    made from changed; ``cache=False`` always reads the raw files (and leaves the cache alone).

    >>> w = load_wave("demo", "2018-h2")  # doctest: +SKIP
    >>> w.cleaning_log.to_frame()          # doctest: +SKIP
    """
    src = get_source(source)
    codebook = src.codebook(wave)
    cleaned, log, files = cleaned_table(src, wave, codebook, data_dir, use_cache=cache)
    name = population or src.default_population
    where = str(files[0].path) if files else codebook.path
    try:
        respondents, entry = select_population(cleaned, name, src.populations)
    except ValueError as error:  # name the wave and file: the definition is in sources.yaml
        raise ValueError(f"{where} ({source} wave {wave}): {error}") from None
    return SurveyWave(
        source=src,
        wave=wave,
        codebook=codebook,
        population=name,
        population_label=src.populations[name].get("label", name),
        respondents=respondents,
        cleaned=cleaned,
        cleaning_log=CleaningLog((*log, entry)),
        files=tuple(files),
    )


def cleaned_table(
    src: Source, wave: str, codebook: Codebook, data_dir: str | os.PathLike | None = None,
    use_cache: bool = True,
) -> tuple[pd.DataFrame, CleaningLog, list[LocatedFile]]:
    """A wave's cleaned canonical table, its cleaning log and its input files, from the cache
    when its key (raw files' digests, codebook, source, code, versions) matches."""
    from survey_analysis import cache

    paths = [(file, locate_file(src, wave, file, data_dir)) for file in codebook.files]
    contents: dict[str, bytes] = {}
    files = []
    for file, path in paths:
        digest = cache.known_digest(path, file.name) if use_cache else None
        if digest is None:
            started = time.time_ns()
            contents[file.name] = read_bytes(path, file.name)
            digest = hashlib.sha256(contents[file.name]).hexdigest()
            if use_cache:
                cache.remember_digest(path, file.name, digest, started)
        files.append(describe_file(file, path, digest))
    responses = next((i for i, (file, _) in enumerate(paths) if file.role == "responses"), None)
    if responses is None:
        raise SourceError(f"codebook {codebook.path} lists no file with role 'responses'")
    if use_cache:
        digests = [(f.name, f.sha256) for f in files]
        parts = cache.key_parts(src, codebook, digests)
        key = cache.key_of(parts)
        hit = cache.read_table(src.name, wave, key)
        if hit is not None:
            return hit.cleaned, CleaningLog(hit.log), files
    file, path = paths[responses]
    content = contents.get(file.name)
    raw = parse_csv(content if content is not None else read_bytes(path, file.name), codebook,
                    path, raw_columns(codebook))
    table, recodes = to_canonical(raw, codebook, str(path))
    cleaned, log = clean_respondents(table, src.cleaning, recodes)
    if use_cache:
        cache.write_table(src.name, wave, key, cleaned, log, parts)
    return cleaned, log, files
