"""The base policy: which figures are shown, flagged or suppressed, decided in one place.

Every verb of :mod:`survey_analysis.analysis` passes its results through :meth:`BasePolicy.apply`,
so a page's text, tables, charts and results file see the same decision. A suppressed figure
keeps its id, label and base but loses its value, interval and verdict; a flagged one keeps them
with the flag. Either way ``flag_reasons`` names the rules that fired.

The rules themselves are the pure :func:`survey_analysis.stats.presentation_decision`:
``nchs`` (the default) follows the NCHS Data Presentation Standards for Proportions (Parker et
al. 2017) for shares, with stated rules in its spirit for means and comparisons; ``fixed`` is the
earlier rule (flag below ``min_base``, suppress below ``suppression_floor``), counting effective
sizes when the figures are weighted.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from survey_analysis import stats
from survey_analysis.results import (
    FLAG_NOT_ASKED,
    FLAG_REVIEW,
    FLAG_SMALL_BASE,
    FLAG_SUPPRESSED,
    Result,
)

POLICIES = stats.BASE_POLICIES
KINDS = {"share": "share", "conditional": "share", "mean": "mean", "difference": "difference",
         "mean_difference": "mean_difference", "ratio": "ratio"}


@dataclass(frozen=True, slots=True)
class BasePolicy:
    """A named presentation policy and, for ``fixed``, its two thresholds."""

    name: str = "nchs"
    min_base: int = 30
    floor: int = 10

    @classmethod
    def named(cls, name: str, min_base: int = 30, floor: int = 10) -> BasePolicy:
        if name not in POLICIES:
            raise ValueError(f"base_policy {name!r} unknown; valid: {', '.join(POLICIES)}")
        return cls(name, min_base, floor)

    def describe(self) -> str:
        if self.name == "fixed":
            return (f"fixed: a figure is flagged when its base is below {self.min_base} and "
                    f"suppressed below {self.floor} (effective size when weighted).")
        return "nchs: " + " ".join(stats.RULES_TEXT.values())

    def apply(self, result: Result) -> Result:
        if result.flag in (FLAG_NOT_ASKED, FLAG_SUPPRESSED) or result.estimate is None:
            return result
        decision = self.decide(result)
        if decision.suppress:
            return suppress(result, *decision.rules)
        if decision.review:
            flag = FLAG_SMALL_BASE if self.name == "fixed" else FLAG_REVIEW
            return replace(result, flag=flag, flag_reasons=decision.rules)
        return result

    def decide(self, result: Result) -> stats.PresentationDecision:
        weighted = result.n_effective_method not in (None, "unweighted") or (
            result.paired and result.n_effective is not None)
        n, n1, n2 = float(result.n), result.n1, result.n2
        ne1 = result.n_effective1 if weighted else None
        ne2 = result.n_effective2 if weighted else None
        if weighted and result.n_effective is not None and (n1 is None or result.paired):
            # A few huge weights leave the information of a few respondents, however many
            # answered: the effective size counts (for a paired figure, for both answers).
            n = min(n, float(result.n_effective))
            if result.paired:
                ne1 = ne2 = float(result.n_effective)
        if self.name == "fixed" and weighted:  # the fixed rule counts effective sizes too
            n1, n2 = _smaller(n1, ne1), _smaller(n2, ne2)
        n_effective = result.n_effective if weighted or result.kind != "share" else None
        share = KINDS.get(result.kind) == "share"
        return stats.presentation_decision(
            KINDS.get(result.kind, "difference"), result.estimate,
            # Shares are judged on their Korn-Graubard interval, whatever interval is shown.
            None if share else result.lower, None if share else result.upper,
            n, n_effective, result.df, self.name, n1=n1, n2=n2,
            n_effective1=ne1, n_effective2=ne2,
            min_base=self.min_base, suppression_floor=self.floor)


def _smaller(a: float | None, b: float | None) -> float | None:
    values = [v for v in (a, b) if v is not None]
    return min(values) if values else None


def suppress(result: Result, *reasons: str) -> Result:
    """The figure without its value, interval or verdict; its base and the reasons stay."""
    return replace(result, estimate=None, lower=None, upper=None, p_value=None,
                   significant=None, flag=FLAG_SUPPRESSED, flag_reasons=tuple(reasons))
