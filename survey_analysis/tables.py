"""Tables a page shows: every figure with its interval, base and flag."""

from __future__ import annotations

import html
from collections.abc import Iterable

import pandas as pd

from survey_analysis.article import FrameworkBattle
from survey_analysis.formatting import format_bounds, format_p_value, format_value
from survey_analysis.results import FLAG_NOT_ASKED, FLAG_SMALL_BASE, FLAG_SUPPRESSED, Result
from survey_analysis.variables import column_label, variable_of_column
from survey_analysis.wave import SurveyWave

HEADLINE_IDS = (
    "share.either", "share.tensorflow", "share.pytorch", "share.both", "share.tensorflow_only",
    "share.pytorch_only", "of_either.tensorflow_only", "of_either.both", "of_either.pytorch_only",
    "conditional.tensorflow_given_pytorch", "conditional.pytorch_given_tensorflow",
    "ratio.tensorflow_to_pytorch", "difference.tensorflow_minus_pytorch",
)


def _estimate(r: Result) -> str:
    if r.flag == FLAG_NOT_ASKED:
        return "not asked in this wave"
    if r.flag == FLAG_SUPPRESSED:
        return "suppressed (base too small)"
    if r.estimate is None:
        return "–"
    return format_value(r.estimate, r.kind, r.unit)


def _interval(r: Result) -> str:
    return format_bounds(r, r.unit) if r.shown else ""


def _note(r: Result) -> str:
    if r.flag == FLAG_SMALL_BASE:
        return "small base: read with care"
    return ""


def _base(r: Result) -> str:
    if r.paired:
        return f"{r.n:,} ({r.n1:,} vs {r.n2:,} users)"
    if r.n1 is not None and r.n2 is not None:
        return f"{r.n1:,} vs {r.n2:,}"
    return f"{r.n:,}" if r.n else "–"


def figures_table(results: Iterable[Result]) -> pd.DataFrame:
    """Figure, estimate, interval, base and note for each result."""
    rows = [{"Figure": r.label, "Estimate": _estimate(r),
             f"{round(100 * r.level)}% CI": _interval(r), "Base (n)": _base(r), "Note": _note(r)}
            for r in results]
    return pd.DataFrame(rows)


def headline_table(article: FrameworkBattle) -> pd.DataFrame:
    return figures_table(article[rid] for rid in HEADLINE_IDS)


def _verdict(diff: Result) -> str:
    if not diff.shown or diff.significant is None:
        return ""
    if diff.significant:
        return "significant"
    if diff.lower > 0 or diff.upper < 0:  # the interval shown is unadjusted; the verdict is not
        return "no clear difference after adjustment"
    return "no clear difference"


def profile_table(article: FrameworkBattle, robustness: bool = False) -> pd.DataFrame:
    """Both groups' figures, the difference, adjusted p-value and verdict, per profile."""
    prefix = "robustness" if robustness else "profile"
    groups = ("tensorflow_only", "pytorch_only") if robustness else ("tensorflow", "pytorch")
    names = ("TF only", "PyTorch only") if robustness else ("TF users", "PyTorch users")
    rows = []
    for profile in article.profiles:
        first = article[f"{prefix}.{profile.id}.{groups[0]}"]
        second = article[f"{prefix}.{profile.id}.{groups[1]}"]
        diff = article[f"{prefix}.{profile.id}.difference"]
        level = round(100 * diff.level)
        rows.append({
            "Profile": profile.label,
            names[0]: _cell(first),
            names[1]: _cell(second),
            "Difference": _estimate(diff),
            f"{level}% CI of difference": _interval(diff),
            "Adjusted p": format_p_value(diff.p_value) if diff.shown else "",
            "Verdict": _verdict(diff),
            "Note": "; ".join(filter(None, [_note(first), _note(second)])),
        })
    return pd.DataFrame(rows)


def _cell(r: Result) -> str:
    if not r.shown:
        return _estimate(r)
    return f"{_estimate(r)} ({format_bounds(r, r.unit)}; n = {_base(r)})"


def claims_table(article: FrameworkBattle) -> pd.DataFrame:
    """Each of the original article's claims, this wave's figure and the verdict."""
    from survey_analysis.narrative import CLAIM_VERDICT_WORDS

    rows = []
    for check in article.claims:
        figure = check.figure
        profile = article.profile(check.claim.result.split(".")[1]) \
            if check.claim.result.startswith("profile.") else None
        note = "stand-in measure (see caveats)" if profile is not None and profile.stand_in else ""
        rows.append({
            "The article said": check.claim.claim,
            "This wave": _cell(figure) if figure.shown else _estimate(figure),
            "Verdict": CLAIM_VERDICT_WORDS[check.verdict],
            "Why": check.reason,
            "Note": note,
        })
    return pd.DataFrame(rows)


def cleaning_table(wave: SurveyWave) -> pd.DataFrame:
    frame = wave.cleaning_log.to_frame()
    return frame.rename(columns={
        "step": "Step", "rows_in": "Rows in", "rows_out": "Rows out",
        "rows_dropped": "Dropped", "values_changed": "Values changed", "reason": "Reason",
    })


def caveats_table(article: FrameworkBattle) -> pd.DataFrame:
    """How each profile is measured in this source, with its caveat."""
    codebook = article.wave.codebook
    rows = []
    for profile in article.profiles:
        measures = []
        for column in profile.columns():
            variable = variable_of_column(column)
            question = codebook.question_text(variable.name) if variable else ""
            answer = column_label(column)
            measures.append(f"{answer} (“{question.strip()}”)" if question else answer)
        asked = all(article.wave.cleaned[c].notna().any() for c in profile.columns())
        rows.append({"Profile": profile.label, "Measured by": "; ".join(measures),
                     "Asked in this wave": "yes" if asked else "no",
                     "Caveat": profile.caveat or ""})
    return pd.DataFrame(rows)


def to_html(frame: pd.DataFrame, caption: str = "", css_class: str = "figures") -> str:
    """A table as plain, deterministic HTML with an optional caption under it."""
    table = frame.to_html(index=False, border=0, classes=css_class, escape=True, na_rep="")
    if caption:
        table = table.replace(">", f"><caption>{html.escape(caption)}</caption>", 1)
    return table
