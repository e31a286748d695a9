"""Populations: the respondents a report is about (e.g. developers involved in ML/DS)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from survey_analysis.cleaning import LogEntry


def select_population(
    table: pd.DataFrame, name: str, populations: Mapping[str, Mapping[str, Any]]
) -> tuple[pd.DataFrame, LogEntry]:
    """Rows of ``table`` in population ``name``; definitions come from ``sources.yaml``.

    A definition may restrict categories (``category_in: {variable: [values]}``) and require
    options of multi variables (``option_selected: {variable_option_column: true}``).
    """
    if name not in populations:
        raise ValueError(
            f"unknown population {name!r}; this source defines: {', '.join(populations)}"
        )
    spec = populations[name]
    keep = pd.Series(True, index=table.index)
    for variable, values in (spec.get("category_in") or {}).items():
        keep &= table[variable].isin(values).fillna(False).astype(bool)
    for column, wanted in (spec.get("option_selected") or {}).items():
        keep &= (table[column] == wanted).fillna(False).astype(bool)
    kept = table[keep.to_numpy()].reset_index(drop=True)
    if kept.empty:
        raise ValueError(
            f"population {name!r} ({spec.get('label', name)}) keeps none of the {len(table)} "
            "respondents left after cleaning; check its definition in sources.yaml"
        )
    entry = LogEntry("population", len(table), len(kept), spec.get("label", name))
    return kept, entry
