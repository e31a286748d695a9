"""Cleaning steps over the canonical table; each returns a new table and a log entry.

No step mutates its input. The log records, per step, rows in, rows out and the reason, so a
report can show exactly what was dropped and why.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import pandas as pd

from survey_analysis.codebook import Recode
from survey_analysis.timestamps import parse_timestamps
from survey_analysis.variables import canonical_variables, get_variable


@dataclass(frozen=True, slots=True)
class LogEntry:
    """One cleaning step: rows in, rows out, values changed, and why."""

    step: str
    rows_in: int
    rows_out: int
    reason: str
    values_changed: int = 0

    @property
    def rows_dropped(self) -> int:
        return self.rows_in - self.rows_out


class CleaningLog(tuple):
    """An ordered, immutable sequence of :class:`LogEntry`."""

    def to_frame(self) -> pd.DataFrame:
        columns = ["step", "rows_in", "rows_out", "rows_dropped", "values_changed", "reason"]
        rows = [{**asdict(entry), "rows_dropped": entry.rows_dropped} for entry in self]
        return pd.DataFrame(rows, columns=columns)

    def __repr__(self) -> str:
        lines = [f"CleaningLog ({len(self)} steps)"]
        for e in self:
            reason = e.reason if len(e.reason) <= 60 else e.reason[:57] + "..."
            lines.append(f"  {e.step:<28.28} {e.rows_in:>8,} -> {e.rows_out:>8,}  {reason}")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        return self.to_frame().to_html(index=False, border=0)


def _answered_any(table: pd.DataFrame, ignore: Iterable[str] = ()) -> pd.Series:
    answered = pd.Series(False, index=table.index)
    for variable in canonical_variables().values():
        if variable.name in ignore:
            continue
        if variable.kind == "multi":
            answered |= table[variable.answered_column].fillna(False).astype(bool)
        else:
            answered |= table[variable.name].notna()
    return answered


def drop_blank_responses(
    table: pd.DataFrame, ignore: Iterable[str] = ()
) -> tuple[pd.DataFrame, LogEntry]:
    """Drop rows that answered no question; ``ignore`` names variables the tool fills itself."""
    keep = _answered_any(table, ignore)
    return _logged(table, keep, "blank responses", "no question answered")


def drop_duplicate_submissions(
    table: pd.DataFrame, key: str = "person_key", order_by: str = "submitted_at",
    keep: str = "last",
) -> tuple[pd.DataFrame, LogEntry]:
    """Keep one submission per person (``keep`` by ``order_by``); rows without a key stay.

    ``order_by`` holds ISO 8601 times (see :func:`survey_analysis.timestamps.to_iso`); a row
    without a time sorts first, so "last" keeps a timed submission over an untimed one.
    """
    if keep not in ("first", "last"):
        raise ValueError(f"keep must be 'first' or 'last', got {keep!r}")
    has_key = table[key].notna()
    # Sorted by time, not by text: the loader stores submission times as ISO 8601 read with the
    # codebook's declared format, and anything else is refused here rather than misordered.
    times = parse_timestamps(table[order_by], where="canonical table", column=order_by)
    ordered = (table.assign(_order=times.to_numpy())[has_key]
               .sort_values([key, "_order"], kind="stable", na_position="first"))
    kept_index = ordered.drop_duplicates(subset=[key], keep=keep).index
    keep_mask = ~has_key | table.index.isin(kept_index)
    return _logged(
        table, keep_mask, "duplicate submissions",
        f"the same respondent submitted more than once; kept the {keep} submission",
    )


def drop_speeders(table: pd.DataFrame, min_seconds: float) -> tuple[pd.DataFrame, LogEntry]:
    """Drop implausibly fast completions (under ``min_seconds``); unknown durations stay."""
    duration = table["duration_seconds"]
    if len(table) and duration.isna().all():
        return table, LogEntry("speeders", len(table), len(table),
                               "not checked: this export has no completion times")
    keep = ~(duration < min_seconds).fillna(False).astype(bool)
    return _logged(table, keep, "speeders", f"completed in under {min_seconds:g} seconds")


def drop_inconsistent(
    table: pd.DataFrame, rules: Sequence[Mapping[str, Any]]
) -> tuple[pd.DataFrame, list[LogEntry]]:
    """Drop respondents whose answers contradict each other, one log entry per rule.

    A rule is ``{reason, answered: <multi variable>, category_in: {variable: [values]}}``
    (answered a question they should have been routed past) or
    ``{reason, exclusive_option: {variable, option}}`` (chose an exclusive answer such as "None"
    together with others).
    """
    entries = []
    for rule in rules:
        if len(table) and not _checkable(table, rule):
            entries.append(LogEntry("inconsistent answers", len(table), len(table),
                                    f"not checked ({rule['reason']}): not asked in this wave"))
            continue
        table, entry = _logged(table, ~_violates(table, rule), "inconsistent answers",
                               rule["reason"])
        entries.append(entry)
    return table, entries


def _checkable(table: pd.DataFrame, rule: Mapping[str, Any]) -> bool:
    """Whether the wave asked what the rule looks at (an option never offered cannot clash)."""
    if "exclusive_option" in rule:
        variable = get_variable(rule["exclusive_option"]["variable"])
        column = variable.option_column(rule["exclusive_option"]["option"])
        return bool(table[column].notna().any())
    return True


def _violates(table: pd.DataFrame, rule: Mapping[str, Any]) -> pd.Series:
    if "exclusive_option" in rule:
        variable = get_variable(rule["exclusive_option"]["variable"])
        option = rule["exclusive_option"]["option"]
        exclusive = table[variable.option_column(option)].fillna(False).astype(bool)
        others = [variable.option_column(k) for k, _ in variable.options if k != option]
        any_other = table[others].fillna(False).astype(bool).any(axis=1)
        return exclusive & any_other
    if "answered" in rule:
        variable = get_variable(rule["answered"])
        violates = table[variable.answered_column].fillna(False).astype(bool)
        for name, values in rule.get("category_in", {}).items():
            violates &= table[name].isin(values).fillna(False).astype(bool)
        return violates
    raise ValueError(f"cleaning rule {dict(rule)!r} has neither 'exclusive_option' nor 'answered'")


def recode_entries(recodes: Iterable[Recode], rows: int) -> list[LogEntry]:
    """Log entries for answers changed while applying the codebook (no rows dropped)."""
    return [
        LogEntry(
            step=f"recode: {get_variable(r.variable).label.lower()}",
            rows_in=rows,
            rows_out=rows,
            reason=f"{r.action} in {r.column} (e.g. {', '.join(map(repr, r.examples[:3]))})",
            values_changed=r.count,
        )
        for r in recodes
    ]


def clean_respondents(
    table: pd.DataFrame, rules: Mapping[str, Any], recodes: Iterable[Recode] = ()
) -> tuple[pd.DataFrame, CleaningLog]:
    """Apply a source's cleaning rules (``codebooks/sources.yaml``) in a fixed, logged order."""
    entries = [LogEntry("read", len(table), len(table), "rows in the raw export")]
    entries += recode_entries(recodes, len(table))
    table, entry = drop_blank_responses(table, rules.get("blank_ignores", ()))
    entries.append(entry)
    if "duplicates" in rules:
        spec = rules["duplicates"]
        if spec.get("checkable", True):
            table, entry = drop_duplicate_submissions(
                table, key="person_key", order_by="submitted_at", keep=spec.get("keep", "last")
            )
        else:  # said in the log, so a reader sees the step was considered, not forgotten
            entry = LogEntry("duplicate submissions", len(table), len(table),
                             f"not checked: {spec['reason']}")
        entries.append(entry)
    if "min_duration_seconds" in rules:
        table, entry = drop_speeders(table, float(rules["min_duration_seconds"]))
        entries.append(entry)
    table, inconsistent = drop_inconsistent(table, rules.get("inconsistent", ()))
    entries += inconsistent
    return table.reset_index(drop=True), CleaningLog(entries)


def _logged(
    table: pd.DataFrame, keep: pd.Series, step: str, reason: str
) -> tuple[pd.DataFrame, LogEntry]:
    keep_np = np.asarray(keep, dtype=bool)
    kept = table[keep_np]
    return kept, LogEntry(step, len(table), len(kept), reason)
