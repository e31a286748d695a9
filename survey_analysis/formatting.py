"""How figures read on a page: value, interval, base and flags, always together."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from survey_analysis.results import (
    FLAG_NOT_ASKED,
    FLAG_REVIEW,
    FLAG_SMALL_BASE,
    FLAG_SUPPRESSED,
    Result,
)


def _r(value: float, decimals: int) -> float:
    """Round to what is printed; adding 0.0 turns -0.0 into 0.0, so a page never shows "-0.0"."""
    return round(value, decimals) + 0.0


def _limit(value: float, decimals: int) -> str:
    """A signed interval limit at the page's precision; one that rounds to zero keeps its sign
    ("-0.0"), so its side of zero (whether the interval excludes "no difference") stays
    readable without printing more digits than the figures beside it."""
    return f"{round(value, decimals):+.{decimals}f}"

PERCENT_KINDS = {"share", "conditional"}

# Multiple-comparison methods as the methods sections cite them.
MULTIPLICITY_NAMES = {"holm": "Holm (1979)", "benjamini-hochberg": "Benjamini-Hochberg (1995)"}

# Method codes as readers see them in captions.
METHOD_NAMES = {
    "wilson": "Wilson score", "wilson-cc": "continuity-corrected Wilson", "clopper-pearson":
    "Clopper-Pearson", "jeffreys": "Jeffreys", "agresti-coull": "Agresti-Coull", "wald": "Wald",
    "mid-p": "mid-P", "likelihood-ratio": "likelihood-ratio", "wald-cc":
    "continuity-corrected Wald", "agresti-coull-add2": "Agresti-Coull (add 2)",
    "holm": "Holm", "benjamini-hochberg": "Benjamini-Hochberg",
}


def _get(figure: Result | Mapping[str, Any], key: str) -> Any:
    return figure.get(key) if isinstance(figure, Mapping) else getattr(figure, key)


def format_value(value: float | None, kind: str, unit: str = "") -> str:
    """A bare number in the unit its kind is read in (%, percentage points, ×, years)."""
    if value is None:
        return "–"
    if kind in PERCENT_KINDS:
        return f"{_r(100 * value, 1):.1f}%"
    if kind == "difference":
        return f"{_r(100 * value, 1):+.1f} pp"
    if kind == "ratio":
        return f"{_r(value, 2):.2f}×"
    if kind == "mean_difference":
        return f"{_r(value, 2):+.2f}{' ' + unit if unit else ''}"
    return f"{_r(value, 2):.2f}{' ' + unit if unit else ''}"


def format_bounds(figure: Result | Mapping[str, Any], unit: str = "") -> str:
    """The interval's two limits in the figure's unit."""
    kind = _get(figure, "kind")
    lower, upper = _get(figure, "lower"), _get(figure, "upper")
    if kind in PERCENT_KINDS:
        return f"{_r(100 * lower, 1):.1f}–{_r(100 * upper, 1):.1f}%"
    if kind == "difference":
        return f"{_limit(100 * lower, 1)} to {_limit(100 * upper, 1)} pp"
    if kind == "ratio":
        return f"{_r(lower, 2):.2f}–{_r(upper, 2):.2f}"
    suffix = f" {unit}" if unit else ""
    if kind == "mean_difference":
        return f"{_limit(lower, 2)} to {_limit(upper, 2)}{suffix}"
    return f"{_r(lower, 2):.2f}–{_r(upper, 2):.2f}{suffix}"


def format_base(figure: Result | Mapping[str, Any]) -> str:
    n1, n2 = _get(figure, "n1"), _get(figure, "n2")
    if _get(figure, "paired"):  # one base; n1 and n2 count the two answers within it
        return f"n = {_get(figure, 'n'):,}; {n1:,} vs {n2:,} users"
    if n1 is not None and n2 is not None:
        return f"n = {n1:,} vs {n2:,}"
    return f"n = {_get(figure, 'n'):,}"


def format_interval(figure: Result | Mapping[str, Any], unit: str | None = None) -> str:
    """``37.6% (95% CI 35.9–39.4%; n = 2,910)``, or the reason the value is not shown."""
    unit = _get(figure, "unit") or "" if unit is None else unit
    flag = _get(figure, "flag")
    if flag == FLAG_NOT_ASKED:
        return "not asked in this wave"
    if flag == FLAG_SUPPRESSED:
        return f"suppressed: too few respondents or too imprecise ({format_base(figure)})"
    if _get(figure, "estimate") is None:
        return f"no estimate ({flag or 'no respondents'}; {format_base(figure)})"
    level = round(100 * _get(figure, "level"))
    text = (f"{format_value(_get(figure, 'estimate'), _get(figure, 'kind'), unit)} "
            f"({level}% CI {format_bounds(figure, unit)}; {format_base(figure)})")
    if flag == FLAG_SMALL_BASE:
        text += " [small base: read with care]"
    elif flag == FLAG_REVIEW:
        text += " [read with care]"
    return text


def format_p_value(p: float | None) -> str:
    if p is None:
        return "–"
    return "< 0.001" if p < 0.001 else f"{p:.3f}"
