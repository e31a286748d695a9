"""Loading a wave: raw files -> canonical table -> cleaned -> population, with provenance."""

from __future__ import annotations

import os
from dataclasses import dataclass

import pandas as pd

from survey_analysis.cleaning import CleaningLog, clean_respondents
from survey_analysis.codebook import Codebook, apply_codebook
from survey_analysis.population import select_population
from survey_analysis.schema import FRAME_COLUMNS, validate_respondents
from survey_analysis.sources import LocatedFile, Source, get_source, read_wave_files
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
            frame[column] = raw[raw_column].reset_index(drop=True).astype(dtype)
        elif column == "respondent_id":
            frame[column] = pd.Series([f"row{i + 1}" for i in range(n)], dtype="string")
        elif column == "weight":
            frame[column] = pd.Series(1.0, index=range(n), dtype="Float64")
        else:
            frame[column] = pd.Series(pd.NA, index=range(n), dtype=dtype)
    table = pd.concat([pd.DataFrame(frame), variables], axis=1)
    return validate_respondents(table, where=where), recodes


def load_wave(
    source: str,
    wave: str,
    population: str | None = None,
    data_dir: str | os.PathLike | None = None,
) -> SurveyWave:
    """Load one wave of a source: read, map through its codebook, clean, select the population.

    >>> w = load_wave("demo", "2018-h2")  # doctest: +SKIP
    >>> w.cleaning_log.to_frame()          # doctest: +SKIP
    """
    src = get_source(source)
    codebook = src.codebook(wave)
    raw, files = read_wave_files(src, wave, data_dir)
    where = str(files[0].path) if files else codebook.path
    table, recodes = to_canonical(raw, codebook, where)
    cleaned, log = clean_respondents(table, src.cleaning, recodes)
    name = population or src.default_population
    respondents, entry = select_population(cleaned, name, src.populations)
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
