"""Reproducible research reports for developer surveys: TensorFlow vs PyTorch, every wave.

The public API, for notebooks and scripts::

    from survey_analysis import load_wave, framework_battle, ArticleSettings, stats

Names are imported on first use (PEP 562), so the command line starts fast and a re-render
that has nothing to do never loads pandas or matplotlib.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

_EXPORTS = {
    "ArticleSettings": "survey_analysis.article",
    "FrameworkBattle": "survey_analysis.article",
    "framework_battle": "survey_analysis.article",
    "CleaningLog": "survey_analysis.cleaning",
    "LogEntry": "survey_analysis.cleaning",
    "clean_respondents": "survey_analysis.cleaning",
    "Codebook": "survey_analysis.codebook",
    "CodebookError": "survey_analysis.codebook",
    "load_codebook": "survey_analysis.codebook",
    "format_interval": "survey_analysis.formatting",
    "format_p_value": "survey_analysis.formatting",
    "Result": "survey_analysis.results",
    "ResultSet": "survey_analysis.results",
    "SourceError": "survey_analysis.sources",
    "get_source": "survey_analysis.sources",
    "list_sources": "survey_analysis.sources",
    "SurveyWave": "survey_analysis.wave",
    "load_wave": "survey_analysis.wave",
}
_MODULES = {"narrative", "plots", "stats", "tables"}

__all__ = [
    "ArticleSettings",
    "CleaningLog",
    "Codebook",
    "CodebookError",
    "FrameworkBattle",
    "LogEntry",
    "Result",
    "ResultSet",
    "SourceError",
    "SurveyWave",
    "clean_respondents",
    "format_interval",
    "format_p_value",
    "framework_battle",
    "get_source",
    "list_sources",
    "load_codebook",
    "load_wave",
    "narrative",
    "plots",
    "stats",
    "tables",
]


def __getattr__(name: str) -> Any:
    if name in _MODULES:
        return importlib.import_module(f"survey_analysis.{name}")
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'survey_analysis' has no attribute {name!r}")


def __dir__() -> list[str]:
    return __all__


if TYPE_CHECKING:  # for type checkers and editors
    from survey_analysis import narrative, plots, stats, tables
    from survey_analysis.article import ArticleSettings, FrameworkBattle, framework_battle
    from survey_analysis.cleaning import CleaningLog, LogEntry, clean_respondents
    from survey_analysis.codebook import Codebook, CodebookError, load_codebook
    from survey_analysis.formatting import format_interval, format_p_value
    from survey_analysis.results import Result, ResultSet
    from survey_analysis.sources import SourceError, get_source, list_sources
    from survey_analysis.wave import SurveyWave, load_wave
