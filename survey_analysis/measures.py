"""Measures: named outcomes defined as data on the canonical table (a yes/no or a number).

A source defines its measures under ``profiles:`` in ``sources.yaml`` (an article may add its own
in its article file). ``indicator`` names a yes/no column; ``all_of`` combines conditions
(indicators and ``category_in``); ``mean`` names a number compared by its mean. ``caveat`` tells
readers how the source's question differs from the one the measure stands for, and
``stand_in: true`` marks a different question than the article's.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd


@dataclass(frozen=True, slots=True)
class Measure:
    """One outcome, as data: its id, label, definition and caveat."""

    id: str
    label: str
    spec: Mapping[str, Any] = field(default_factory=dict)
    caveat: str = ""

    @classmethod
    def from_spec(cls, measure_id: str, spec: Mapping[str, Any]) -> Measure:
        return cls(measure_id, str(spec.get("label", measure_id)), dict(spec),
                   str(spec.get("caveat", "") or "").strip())

    @property
    def is_mean(self) -> bool:
        return "mean" in self.spec

    @property
    def stand_in(self) -> bool:
        """Whether the source asks a different question than the one the measure stands for."""
        return bool(self.spec.get("stand_in", False))

    @property
    def unit(self) -> str:
        return str(self.spec.get("unit", "") or "")

    def columns(self) -> list[str]:
        """The canonical columns the measure reads."""
        if self.is_mean:
            return [self.spec["mean"]]
        if "indicator" in self.spec:
            return [self.spec["indicator"]]
        columns: list[str] = []
        for condition in self.spec.get("all_of", []):
            columns += [condition["indicator"]] if "indicator" in condition else list(
                condition["category_in"])
        return columns

    def asked(self, table: pd.DataFrame) -> bool:
        """Whether the wave asked every question the measure reads (some answer is present)."""
        return all(c in table and table[c].notna().any() for c in self.columns())

    def values(self, table: pd.DataFrame) -> pd.Series:
        """Per respondent: the number (for a mean) or yes/no (NA where not answered)."""
        if self.is_mean:
            return table[self.spec["mean"]].astype("Float64")
        if "indicator" in self.spec:
            return table[self.spec["indicator"]].astype("boolean")
        result = pd.Series(True, index=table.index, dtype="boolean")
        for condition in self.spec.get("all_of", []):
            if "indicator" in condition:
                result &= table[condition["indicator"]].astype("boolean")
            for column, allowed in condition.get("category_in", {}).items():
                part = table[column].isin(allowed).astype("boolean")
                part[table[column].isna()] = pd.NA
                result &= part
        return result


def source_measures(source: Any) -> dict[str, Measure]:
    """The measures a source defines (``profiles:`` in ``sources.yaml``), by id."""
    specs = source.extra.get("profiles", {}) or {}
    return {mid: Measure.from_spec(mid, spec) for mid, spec in specs.items()}
