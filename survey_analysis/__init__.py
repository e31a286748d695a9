"""Reproducible research reports for developer surveys: every article, every wave.

The public API, for notebooks and scripts::

    from survey_analysis import Analysis, load_wave, phrases, plots, show, tables
    a = Analysis(load_wave("demo", "2018-h2"), base="frameworks")

Names are imported on first use (PEP 562), so the command line starts fast and a re-render
that has nothing to do never loads pandas or matplotlib.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

_EXPORTS = {
    "Analysis": "survey_analysis.analysis",
    "Settings": "survey_analysis.analysis",
    "Group": "survey_analysis.analysis",
    "Figures": "survey_analysis.analysis",
    "Comparison": "survey_analysis.analysis",
    "ComparisonFamily": "survey_analysis.analysis",
    "Article": "survey_analysis.articles",
    "ArticleError": "survey_analysis.articles",
    "get_article": "survey_analysis.articles",
    "list_articles": "survey_analysis.articles",
    "load_article": "survey_analysis.articles",
    "Claim": "survey_analysis.claims",
    "ClaimCheck": "survey_analysis.claims",
    "check_claims": "survey_analysis.claims",
    "load_claims": "survey_analysis.claims",
    "CleaningLog": "survey_analysis.cleaning",
    "LogEntry": "survey_analysis.cleaning",
    "clean_respondents": "survey_analysis.cleaning",
    "Codebook": "survey_analysis.codebook",
    "CodebookError": "survey_analysis.codebook",
    "load_codebook": "survey_analysis.codebook",
    "show": "survey_analysis.display",
    "format_interval": "survey_analysis.formatting",
    "format_p_value": "survey_analysis.formatting",
    "Measure": "survey_analysis.measures",
    "BasePolicy": "survey_analysis.policy",
    "UnsupportedClaim": "survey_analysis.prose",
    "render_prose": "survey_analysis.prose",
    "Result": "survey_analysis.results",
    "ResultSet": "survey_analysis.results",
    "SourceError": "survey_analysis.sources",
    "get_source": "survey_analysis.sources",
    "list_sources": "survey_analysis.sources",
    "SurveyWave": "survey_analysis.wave",
    "load_wave": "survey_analysis.wave",
}
_MODULES = {"methods", "phrases", "plots", "stats", "tables", "trends_report"}

__all__ = [
    "Analysis",
    "Article",
    "ArticleError",
    "BasePolicy",
    "Claim",
    "ClaimCheck",
    "CleaningLog",
    "Codebook",
    "CodebookError",
    "Comparison",
    "ComparisonFamily",
    "Figures",
    "Group",
    "LogEntry",
    "Measure",
    "Result",
    "ResultSet",
    "Settings",
    "SourceError",
    "SurveyWave",
    "UnsupportedClaim",
    "check_claims",
    "clean_respondents",
    "format_interval",
    "format_p_value",
    "get_article",
    "get_source",
    "list_articles",
    "list_sources",
    "load_article",
    "load_claims",
    "load_codebook",
    "load_ipython_extension",
    "load_wave",
    "methods",
    "phrases",
    "plots",
    "render_prose",
    "show",
    "stats",
    "tables",
    "trends_report",
]


def load_ipython_extension(ipython: Any) -> None:
    """``%load_ext survey_analysis`` in a notebook: the ``%%prose`` cell magic."""
    from survey_analysis.prose import load_ipython_extension as load

    load(ipython)


def __getattr__(name: str) -> Any:
    if name in _MODULES:
        return importlib.import_module(f"survey_analysis.{name}")
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'survey_analysis' has no attribute {name!r}")


def __dir__() -> list[str]:
    return __all__


if TYPE_CHECKING:  # for type checkers and editors
    from survey_analysis import methods, phrases, plots, stats, tables, trends_report
    from survey_analysis.analysis import (
        Analysis,
        Comparison,
        ComparisonFamily,
        Figures,
        Group,
        Settings,
    )
    from survey_analysis.articles import (
        Article,
        ArticleError,
        get_article,
        list_articles,
        load_article,
    )
    from survey_analysis.claims import Claim, ClaimCheck, check_claims, load_claims
    from survey_analysis.cleaning import CleaningLog, LogEntry, clean_respondents
    from survey_analysis.codebook import Codebook, CodebookError, load_codebook
    from survey_analysis.display import show
    from survey_analysis.formatting import format_interval, format_p_value
    from survey_analysis.measures import Measure
    from survey_analysis.policy import BasePolicy
    from survey_analysis.prose import UnsupportedClaim, render_prose
    from survey_analysis.results import Result, ResultSet
    from survey_analysis.sources import SourceError, get_source, list_sources
    from survey_analysis.wave import SurveyWave, load_wave
