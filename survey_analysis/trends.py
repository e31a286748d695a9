"""Wave-over-wave comparisons of published figures, read from each wave's ``results.json``.

Waves are treated as independent samples (each wave is its own cross-section of respondents).
The change of a figure between two waves, by the figure's kind:

- share / conditional share, unweighted: Newcombe's hybrid score interval for p2 - p1 (Newcombe
  1998, Stat Med 17:873, method 10) from the counts estimate x n, tested with the pooled z test;
- share, weighted (Kish effective n) or any other share interval: MOVER, the square-and-add of the
  two published intervals (Zou & Donner 2008, Stat Med 27:1693), which *is* Newcombe's method 10
  when both are Wilson intervals; p from the normal approximation with standard errors read from
  the intervals' half-widths;
- mean: Welch's interval and t test (Welch 1947), standard errors recovered exactly from the
  published t intervals (half-width / t(n-1));
- ratio (the paired TensorFlow/PyTorch ratio): the ratio of the two waves' ratios by MOVER on the
  log scale (Zou & Donner 2008, section 3); a paired difference: MOVER on the natural scale.

Across the page's family of comparable changes, p-values are adjusted by Holm (1979) or
Benjamini-Hochberg (1995); a change is called significant only when its adjusted p-value is below
1 - level, and otherwise reads "no clear difference" (as in :mod:`survey_analysis.phrases`).

Breaks in comparability come from each wave's codebook: a top-level ``comparability:`` mapping a
canonical variable to a series label (``{frameworks: "past 5 years"}``). A change of label between
consecutive waves is a break; a missing key is comparable. Changes across a break are not tested.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from itertools import pairwise
from pathlib import Path
from typing import Any

from scipy.stats import norm
from scipy.stats import t as t_dist

from survey_analysis import stats
from survey_analysis.results import FLAG_NOT_ASKED, FLAG_SUPPRESSED, Result, ResultSet

SHARE_KINDS = {"share", "conditional"}


@dataclass(frozen=True, slots=True)
class WaveFigures:
    """One wave's published figures (records as in ``results.json``) and its series labels."""

    wave: str
    title: str
    records: Mapping[str, Mapping[str, Any]]
    comparability: Mapping[str, str]
    population: str = ""


@dataclass(frozen=True, slots=True)
class SeriesBreak:
    """Consecutive waves whose question for ``variable`` is not comparable."""

    variable: str
    before: str
    after: str
    old_label: str | None
    new_label: str | None

    def __str__(self) -> str:
        return (f"{self.before} to {self.after}: {self.variable} asked as "
                f"\u201c{self.old_label or 'unlabelled'}\u201d, then "
                f"\u201c{self.new_label or 'unlabelled'}\u201d")


def comparability_labels(codebook: Any) -> dict[str, str]:
    """A codebook's ``comparability:`` mapping (variable -> series label); empty when absent."""
    extra = getattr(codebook, "extra", codebook) or {}
    labels = extra.get("comparability") or {}
    if not isinstance(labels, Mapping):
        raise ValueError(f"codebook {getattr(codebook, 'path', '')}: comparability must map a "
                         f"variable to a series label, got {labels!r}")
    return {str(k): str(v) for k, v in labels.items()}


def series_breaks(waves: Sequence[WaveFigures], variable: str) -> list[SeriesBreak]:
    """Breaks for ``variable`` between consecutive waves (a changed label; missing = comparable)."""
    breaks = []
    for a, b in pairwise(waves):
        old, new = a.comparability.get(variable), b.comparability.get(variable)
        if old is not None and new is not None and old != new:
            breaks.append(SeriesBreak(variable, a.wave, b.wave, old, new))
    return breaks


def _shown(record: Mapping[str, Any] | None) -> bool:
    return (record is not None and record.get("estimate") is not None
            and record.get("lower") is not None
            and record.get("flag") not in (FLAG_SUPPRESSED, FLAG_NOT_ASKED))


def _mover(d: float, e1: float, l1: float, u1: float, e2: float, l2: float, u2: float):
    """MOVER limits for e2 - e1 from the two intervals (Zou & Donner 2008, eq. 5)."""
    lower = d - math.sqrt((e2 - l2) ** 2 + (u1 - e1) ** 2)
    upper = d + math.sqrt((u2 - e2) ** 2 + (e1 - l1) ** 2)
    return lower, upper


def wave_change(earlier: Mapping[str, Any], later: Mapping[str, Any], result_id: str,
                label: str) -> Result:
    """The change of one figure from ``earlier`` to ``later`` (independent samples), unadjusted."""
    kind, level = later.get("kind", "share"), float(later["level"])
    z = norm.ppf(0.5 + level / 2)
    e1, l1, u1, n1 = (float(earlier[k]) for k in ("estimate", "lower", "upper", "n"))
    e2, l2, u2, n2 = (float(later[k]) for k in ("estimate", "lower", "upper", "n"))
    unit = later.get("unit") or ""
    if kind in SHARE_KINDS and earlier.get("n_effective") is None \
            and later.get("n_effective") is None:
        x1, x2 = round(e1 * n1), round(e2 * n2)
        c = stats.difference_interval(x2, int(n2), x1, int(n1), level=level, method="newcombe")
        p = stats.two_proportion_test(x2, int(n2), x1, int(n1)).p_value
        return _change(result_id, label, c.estimate, c.lower, c.upper, p, level, "difference",
                       "independent waves, Newcombe hybrid score; pooled z test", n1, n2, unit)
    if kind in SHARE_KINDS or kind in ("difference", "mean_difference"):
        d = e2 - e1
        lower, upper = _mover(d, e1, l1, u1, e2, l2, u2)
        se = math.hypot((u1 - l1) / (2 * z), (u2 - l2) / (2 * z))
        p = float(2 * norm.sf(abs(d) / se)) if se > 0 else float(d == 0)
        out_kind = "difference" if kind in SHARE_KINDS else kind
        return _change(result_id, label, d, lower, upper, p, level, out_kind,
                       "independent waves, MOVER (square-and-add); normal test", n1, n2, unit)
    if kind == "mean":
        v1 = ((u1 - l1) / (2 * t_dist.ppf(0.5 + level / 2, n1 - 1))) ** 2
        v2 = ((u2 - l2) / (2 * t_dist.ppf(0.5 + level / 2, n2 - 1))) ** 2
        d, se = e2 - e1, math.sqrt(v1 + v2)
        df = (v1 + v2) ** 2 / (v1**2 / (n1 - 1) + v2**2 / (n2 - 1)) if se > 0 else n1 + n2 - 2
        q = float(t_dist.ppf(0.5 + level / 2, df))
        p = float(2 * t_dist.sf(abs(d) / se, df)) if se > 0 else float(d == 0)
        return _change(result_id, label, d, d - q * se, d + q * se, p, level, "mean_difference",
                       "independent waves, Welch", n1, n2, unit)
    if kind == "ratio":
        if min(e1, l1, e2, l2) <= 0:
            raise ValueError(f"{result_id}: a ratio and its limits must be positive")
        g1, gl1, gu1 = math.log(e1), math.log(l1), math.log(u1)
        g2, gl2, gu2 = math.log(e2), math.log(l2), math.log(u2)
        d = g2 - g1
        lower, upper = _mover(d, g1, gl1, gu1, g2, gl2, gu2)
        se = (d - lower) / z if d > 0 else (upper - d) / z
        p = float(2 * norm.sf(abs(d) / se)) if se > 0 else float(d == 0)
        return _change(result_id, label, math.exp(d), math.exp(lower), math.exp(upper), p, level,
                       "ratio", "independent waves, ratio of ratios by MOVER on the log scale",
                       n1, n2, "")
    raise ValueError(f"{result_id}: no wave-over-wave method for figures of kind {kind!r}")


def _change(result_id, label, estimate, lower, upper, p, level, kind, method, n1, n2, unit):
    return Result(result_id, label, float(estimate), float(lower), float(upper), int(n1 + n2),
                  method, level, kind=kind, p_value=min(1.0, float(p)), n1=int(n1), n2=int(n2),
                  unit=unit)


def not_comparable(result_id: str, label: str, level: float, why: SeriesBreak) -> Result:
    return Result(result_id, label, None, None, None, 0, f"not comparable: {why}", level,
                  kind="difference", flag="not comparable")


def comparable_series(waves: Sequence[WaveFigures],
                      variable: str | None) -> list[list[WaveFigures]]:
    """The waves cut into runs with no break in ``variable``'s question between them."""
    cuts = {b.after for b in series_breaks(waves, variable or "")}
    series: list[list[WaveFigures]] = []
    for w in waves:
        if not series or w.wave in cuts:
            series.append([])
        series[-1].append(w)
    return series


def figure_changes(
    waves: Sequence[WaveFigures], ids: Iterable[str], multiplicity: str = "holm",
    overall: bool = True, variable_of: Any = None,
) -> list[Result]:
    """Every consecutive change of every figure in ``ids`` and, when ``overall``, first to last
    within each comparable series of three or more waves; p-values adjusted over the family.
    Consecutive waves across a break are listed as not comparable, not tested.

    ``variable_of(result_id)`` names the question a figure depends on (its breaks apply).
    """
    changes: list[Result] = []
    for fid in ids:
        variable = variable_of(fid) if variable_of else None
        breaks = {(b.before, b.after): b for b in series_breaks(waves, variable or "")}
        pairs = list(pairwise(waves))
        if overall:
            pairs += [(run[0], run[-1]) for run in comparable_series(waves, variable)
                      if len(run) > 2]
        for a, b in pairs:
            ra, rb = a.records.get(fid), b.records.get(fid)
            if not (_shown(ra) and _shown(rb)):
                continue
            cid = f"change.{fid}.{a.wave}..{b.wave}"
            label = f"{rb.get('label', fid)}: {a.wave} to {b.wave}"
            if (a.wave, b.wave) in breaks:
                changes.append(not_comparable(cid, label, float(rb["level"]),
                                              breaks[(a.wave, b.wave)]))
            else:
                changes.append(wave_change(ra, rb, cid, label))
    return adjust(changes, multiplicity)


def adjust(changes: list[Result], multiplicity: str = "holm") -> list[Result]:
    tested = [i for i, r in enumerate(changes) if r.p_value is not None]
    if not tested:
        return changes
    alpha = 1 - changes[tested[0]].level
    adjusted = stats.adjust_p_values([changes[i].p_value for i in tested], method=multiplicity,
                                     alpha=alpha)
    out = list(changes)
    for k, i in enumerate(tested):
        out[i] = replace(changes[i], p_value=adjusted.p_values[k],
                         significant=bool(adjusted.reject[k]),
                         method=f"{changes[i].method}; {multiplicity}-adjusted p over "
                                f"{len(tested)} changes")
    return out


def read_waves(results_dir: Path, codebooks: Mapping[str, Any] | None = None) -> list[WaveFigures]:
    """The waves published in ``results_dir`` (``<wave>.results.json``), in wave order, with the
    comparability labels of ``codebooks`` (wave -> codebook or mapping)."""
    import json

    from survey_analysis.sources import wave_sort_key

    waves = []
    for path in sorted(Path(results_dir).glob("*.results.json")):
        wave = path.name.removesuffix(".results.json")
        if wave == "trends":
            continue
        data = json.loads(path.read_text(encoding="utf-8"))
        labels = comparability_labels((codebooks or {}).get(wave) or {})
        waves.append(WaveFigures(wave, data.get("title", wave),
                                 {r["id"]: r for r in data.get("results", [])}, labels,
                                 data.get("population_label", "")))
    return sorted(waves, key=lambda w: wave_sort_key(w.wave))


def trend_results(waves: Sequence[WaveFigures], changes: Sequence[Result],
                  **metadata: Any) -> ResultSet:
    return ResultSet(changes, waves=[w.wave for w in waves], **metadata)
