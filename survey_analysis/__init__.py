"""Reproducible research reports for developer surveys: TensorFlow vs PyTorch, every wave.

The public API, for notebooks and scripts::

    from survey_analysis import load_wave, framework_battle, ArticleSettings, stats
"""

from survey_analysis import narrative, plots, stats, tables
from survey_analysis.article import ArticleSettings, FrameworkBattle, framework_battle
from survey_analysis.cleaning import CleaningLog, LogEntry, clean_respondents
from survey_analysis.codebook import Codebook, CodebookError, load_codebook
from survey_analysis.formatting import format_interval, format_p_value
from survey_analysis.results import Result, ResultSet
from survey_analysis.sources import SourceError, get_source, list_sources
from survey_analysis.wave import SurveyWave, load_wave

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
