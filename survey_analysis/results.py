"""Result records: every figure a page shows, as ``{id, label, estimate, lower, upper, n, ...}``.

A notebook collects its figures in a :class:`ResultSet` and ends with ``results.publish()``, which
emits them as a display output of type :data:`RESULTS_MIMETYPE`. The renderer reads that output from
the executed notebook and writes ``<wave>.results.json`` beside the page; HTML pages do not show it.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, replace
from typing import Any

import pandas as pd

RESULTS_MIMETYPE = "application/vnd.survey-results+json"
FLAG_SMALL_BASE = "small base"
FLAG_SUPPRESSED = "suppressed"
FLAG_NOT_ASKED = "not asked in this wave"


@dataclass(frozen=True, slots=True)
class Result:
    """One published figure; comparisons also carry ``p_value`` and ``significant``."""

    id: str
    label: str
    estimate: float | None
    lower: float | None
    upper: float | None
    n: int
    method: str
    level: float
    kind: str = "share"
    p_value: float | None = None
    significant: bool | None = None
    flag: str | None = None
    n_effective: float | None = None
    n1: int | None = None
    n2: int | None = None
    unit: str = ""
    paired: bool = False  # n1/n2 are the two answers' counts within the base n, not groups

    def to_record(self) -> dict[str, Any]:
        record = asdict(self)
        return {k: _plain(v) for k, v in record.items()}

    @property
    def shown(self) -> bool:
        """Whether the figure's value is printed (not suppressed or unavailable)."""
        return self.estimate is not None and self.flag not in (FLAG_SUPPRESSED, FLAG_NOT_ASKED)


def _plain(value: Any) -> Any:
    """JSON-safe plain Python values, rounded so files are stable across platforms."""
    if value is None or isinstance(value, (bool, str)):
        return value
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float):
        return None if math.isnan(value) else round(value, 10)
    return value


def apply_base_rules(result: Result, min_base: int, floor: int) -> Result:
    """Flag a figure whose base is below ``min_base``; suppress it below ``floor``.

    The base is the smaller group for a comparison (``n1``/``n2``) and ``n`` otherwise; for a
    weighted figure, the Kish effective n when smaller (a few huge weights leave the information
    of a few respondents, however many answered).
    """
    if result.flag == FLAG_NOT_ASKED:
        return result
    base = min(b for b in (result.n, result.n1, result.n2, result.n_effective) if b is not None)
    if base < floor:
        return replace(result, estimate=None, lower=None, upper=None, p_value=None,
                       significant=None, flag=FLAG_SUPPRESSED)
    if base < min_base:
        return replace(result, flag=FLAG_SMALL_BASE)
    return result


class ResultSet:
    """An ordered collection of results with unique ids."""

    def __init__(self, results: Iterable[Result] = (), **metadata: Any) -> None:
        self._results: dict[str, Result] = {}
        self.metadata = dict(metadata)
        for result in results:
            self.add(result)

    def add(self, result: Result) -> Result:
        if result.id in self._results:
            raise ValueError(f"duplicate result id {result.id!r}")
        self._results[result.id] = result
        return result

    def extend(self, results: Iterable[Result]) -> None:
        for result in results:
            self.add(result)

    def __getitem__(self, result_id: str) -> Result:
        return self._results[result_id]

    def __contains__(self, result_id: object) -> bool:
        return result_id in self._results

    def __iter__(self) -> Iterator[Result]:
        return iter(self._results.values())

    def __len__(self) -> int:
        return len(self._results)

    def to_dict(self) -> dict[str, Any]:
        return {**self.metadata, "results": [r.to_record() for r in self]}

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=1, sort_keys=False, ensure_ascii=False) + "\n"

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame([r.to_record() for r in self])

    def publish(self) -> None:
        """Emit the results as a hidden notebook output for the renderer to save."""
        from IPython.display import display

        display({RESULTS_MIMETYPE: self.to_dict()}, raw=True)
