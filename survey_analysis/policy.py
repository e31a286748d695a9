"""The base policy: which figures are shown, flagged or suppressed, decided in one place.

Every verb of :mod:`survey_analysis.analysis` passes its results through :meth:`BasePolicy.apply`,
so a page's text, tables, charts and results file see the same decision. A suppressed figure
keeps its id, label and base but loses its value, interval and verdict; a flagged one keeps them
with the flag and the rules that fired (``flag_reasons``).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from survey_analysis.results import FLAG_NOT_ASKED, FLAG_SMALL_BASE, FLAG_SUPPRESSED, Result

POLICIES = ("fixed",)


@dataclass(frozen=True, slots=True)
class BasePolicy:
    """``fixed``: flag a figure whose base is below ``min_base``, suppress it below ``floor``.

    The base is the smaller group for a comparison (``n1``/``n2``) and ``n`` otherwise; when the
    figure is weighted, its effective size counts instead of the number of respondents.
    """

    name: str = "fixed"
    min_base: int = 30
    floor: int = 10

    @classmethod
    def named(cls, name: str, min_base: int = 30, floor: int = 10) -> BasePolicy:
        if name not in POLICIES:
            raise ValueError(f"base_policy {name!r} unknown; valid: {', '.join(POLICIES)}")
        return cls(name, min_base, floor)

    def describe(self) -> str:
        return (f"fixed: flagged when the base is below {self.min_base}, suppressed below "
                f"{self.floor} (effective size when weighted)")

    def apply(self, result: Result) -> Result:
        if result.flag == FLAG_NOT_ASKED:
            return result
        if result.flag == FLAG_SUPPRESSED:
            return result
        counts = [b for b in (result.n, result.n1, result.n2) if b is not None]
        base = float(min(counts)) if counts else 0.0
        if result.n_effective is not None and result.n1 is None:
            base = min(base, float(result.n_effective))
        if base < self.floor:
            return suppress(result, f"base below {self.floor}")
        if base < self.min_base:
            return replace(result, flag=FLAG_SMALL_BASE,
                           flag_reasons=(f"base below {self.min_base}",))
        return result


def suppress(result: Result, reason: str) -> Result:
    """The figure without its value, interval or verdict; its base and the reason stay."""
    return replace(result, estimate=None, lower=None, upper=None, p_value=None,
                   significant=None, flag=FLAG_SUPPRESSED, flag_reasons=(reason,))
