"""Result records: every figure a page shows, as ``{id, label, estimate, lower, upper, n, ...}``.

A notebook collects its figures in a :class:`ResultSet` and ends with ``results.publish()``, which
emits them as a display output of type :data:`RESULTS_MIMETYPE`. The renderer reads that output from
the executed notebook and writes ``<wave>.results.json`` beside the page; HTML pages do not show it.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

RESULTS_MIMETYPE = "application/vnd.survey-results+json"
FLAG_SMALL_BASE = "small base"
FLAG_SUPPRESSED = "suppressed"
FLAG_NOT_ASKED = "not asked in this wave"
FLAG_REVIEW = "review"  # shown, but a presentation rule asks readers to take care


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
    design: str | None = None  # comparisons: "paired", "overlapping" or "independent"
    group1: str | None = None  # comparisons: the keys of the groups compared (first minus second)
    group2: str | None = None
    flag_reasons: tuple[str, ...] = ()  # the base-policy rules that fired
    df: float | None = None  # degrees of freedom of the variance estimate
    n_effective_method: str | None = None  # "design", "kish" or "unweighted"
    n_effective1: float | None = None  # comparisons: each group's effective size when weighted
    n_effective2: float | None = None

    @property
    def cautioned(self) -> bool:
        """Shown, but flagged (small base, or a presentation rule asking for review)."""
        return self.flag in (FLAG_SMALL_BASE, FLAG_REVIEW)

    @property
    def is_comparison(self) -> bool:
        return self.significant is not None or self.design is not None

    def __str__(self) -> str:
        from survey_analysis.formatting import format_interval

        return format_interval(self)

    def _repr_html_(self) -> str:
        from survey_analysis.tables import figures_table, to_html

        return to_html(figures_table([self]))

    def to_record(self) -> dict[str, Any]:
        record = asdict(self)
        record["flag_reasons"] = list(self.flag_reasons)
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

    def put(self, result: Result) -> Result:
        """Add ``result``, replacing one of the same id (a notebook cell run again)."""
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
        import pandas as pd  # not at import: the renderer reads results without pandas

        return pd.DataFrame([r.to_record() for r in self])

    def get(self, result_id: str, default: Result | None = None) -> Result | None:
        return self._results.get(result_id, default)

    def __repr__(self) -> str:
        meta = self.metadata
        return (f"ResultSet({meta.get('source', '?')} {meta.get('wave', '?')}: "
                f"{len(self)} results)")

    def _repr_html_(self) -> str:
        from survey_analysis.tables import figures_table, to_html

        return to_html(figures_table(list(self)))

    def publish(self) -> None:
        """Emit the results as a hidden notebook output for the renderer to save."""
        from IPython.display import display

        display({RESULTS_MIMETYPE: self.to_dict()}, raw=True)
