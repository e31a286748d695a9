"""Tables a page shows, from results: every figure with its interval, base, flag and verdict."""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from typing import Any

import pandas as pd

from survey_analysis.formatting import format_bounds, format_p_value, format_value
from survey_analysis.results import FLAG_NOT_ASKED, FLAG_SUPPRESSED, Result
from survey_analysis.variables import column_label, variable_of_column

VERDICT_WORDS = {
    "consistent": "consistent with this wave", "differs": "differs from this wave",
    "supported": "supported", "contradicted": "contradicted", "reversed": "reversed",
    "no clear difference": "no clear difference", "not clearly above": "not clearly supported",
    "cannot be checked": "cannot be checked",
    "depends on the users of both": "depends on the users of both",
    "stand-in measure": "no verdict: stand-in measure",
}


def _estimate(r: Result) -> str:
    if r.flag == FLAG_NOT_ASKED:
        return "not asked in this wave"
    if r.flag == FLAG_SUPPRESSED:
        return "suppressed (too few respondents or too imprecise)"
    if r.estimate is None:
        return "–"
    return format_value(r.estimate, r.kind, r.unit)


def _interval(r: Result) -> str:
    return format_bounds(r, r.unit) if r.shown else ""


def _note(r: Result) -> str:
    if r.cautioned:
        return "read with care: " + "; ".join(r.flag_reasons or ("small base",))
    return ""


def _base(r: Result) -> str:
    if r.paired:
        return f"{r.n:,} ({r.n1:,} vs {r.n2:,} users)"
    if r.n1 is not None and r.n2 is not None:
        return f"{r.n1:,} vs {r.n2:,}"
    return f"{r.n:,}" if r.n else "–"


def figures_table(results: Iterable[Result]) -> pd.DataFrame:
    """Figure, estimate, interval, base and note for each result."""
    results = list(results)
    level = round(100 * results[0].level) if results else 95
    rows = [{"Figure": r.label, "Estimate": _estimate(r),
             f"{level}% CI": _interval(r), "Base (n)": _base(r), "Note": _note(r)}
            for r in results]
    return pd.DataFrame(rows, columns=["Figure", "Estimate", f"{level}% CI", "Base (n)",
                                       "Note"])


def verdict(diff: Result) -> str:
    """A comparison's verdict after multiplicity adjustment, in a table's words."""
    from survey_analysis.phrases import verdict as words

    if not diff.shown or diff.significant is None:
        return ""
    return str(words(diff))


def cell(r: Result) -> str:
    """``43.0% (41.2–44.8%; n = 2,910)``, or why it is not shown."""
    if not r.shown:
        return _estimate(r)
    return f"{_estimate(r)} ({format_bounds(r, r.unit)}; n = {_base(r)})"


def comparison_table(family: Any, names: Sequence[str] | None = None) -> pd.DataFrame:
    """Per outcome: both groups' figures, the difference, its interval, adjusted p, verdict."""
    first, second = names or (family.first.label, family.second.label)
    rows = []
    for c in family:
        diff = c.difference
        rows.append({
            "Outcome": c.measure.label,
            first: cell(c.first),
            second: cell(c.second),
            "Difference": _estimate(diff),
            f"{round(100 * diff.level)}% CI of difference": _interval(diff),
            "Adjusted p": format_p_value(diff.p_value) if diff.shown else "",
            "Verdict": verdict(diff),
            "Note": "; ".join(filter(None, [_note(c.first), _note(c.second),
                                            "stand-in measure" if c.measure.stand_in else ""])),
        })
    return pd.DataFrame(rows)


def claims_table(checks: Sequence[Any]) -> pd.DataFrame:
    """Each claim of the published article, this wave's figure and the verdict."""
    rows = [{"The article said": c.claim.claim,
             "This wave": cell(c.figure),
             "Verdict": VERDICT_WORDS.get(c.verdict, c.verdict),
             "Why": c.reason} for c in checks]
    return pd.DataFrame(rows, columns=["The article said", "This wave", "Verdict", "Why"])


def crosstab_table(crosstab: pd.DataFrame) -> pd.DataFrame:
    """A crosstab of results (``Analysis.crosstab``) as printed cells."""
    return crosstab.map(cell).reset_index().rename(columns={"option": "Option"})


def cleaning_table(wave: Any) -> pd.DataFrame:
    frame = wave.cleaning_log.to_frame()
    for column in ("rows_in", "rows_out", "rows_dropped", "values_changed"):
        frame[column] = frame[column].map(lambda v: "" if pd.isna(v) else f"{int(v):,}")
    return frame.rename(columns={
        "step": "Step", "rows_in": "Rows in", "rows_out": "Rows out",
        "rows_dropped": "Dropped", "values_changed": "Values changed", "reason": "Reason",
    })


def measures_table(wave: Any, measures: Iterable[Any]) -> pd.DataFrame:
    """How each measure is asked in this wave (question wording), whether asked, its caveat."""
    codebook = wave.codebook
    rows = []
    for measure in measures:
        parts = []
        for column in measure.columns():
            variable = variable_of_column(column)
            question = codebook.question_text(variable.name) if variable else ""
            answer = column_label(column)
            parts.append(f"{answer} (“{question.strip()}”)" if question else answer)
        rows.append({"Outcome": measure.label, "Measured by": "; ".join(parts),
                     "Asked in this wave": "yes" if measure.asked(wave.cleaned) else "no",
                     "Caveat": measure.caveat or ""})
    return pd.DataFrame(rows, columns=["Outcome", "Measured by", "Asked in this wave", "Caveat"])


_FIRST_CELL = re.compile(r"<tr>\s*<td>")


def to_html(frame: pd.DataFrame, caption: str = "", css_class: str = "figures") -> str:
    """A table as plain, deterministic HTML: caption, column headers and row headers (the first
    column), escaped, inside a focusable box that scrolls on narrow screens."""
    table = frame.to_html(index=False, border=0, classes=css_class, escape=True, na_rep="")
    table = _FIRST_CELL.sub('<tr>\n      <th scope="row">', table)
    table = re.sub(r'(<th scope="row">.*?)</td>', r"\1</th>", table, flags=re.S)
    table = table.replace("<th>", '<th scope="col">')
    if caption:
        table = table.replace(">", f"><caption>{html.escape(caption)}</caption>", 1)
    label = html.escape(caption or "table", quote=True)
    return (f'<div class="table-scroll" role="region" tabindex="0" aria-label="{label}">'
            f"{table}</div>")
