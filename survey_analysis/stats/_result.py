"""Small frozen result types shared by the ``stats`` functions."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np


@dataclass(frozen=True, slots=True)
class _Record:
    def to_record(self) -> dict[str, Any]:
        """Return the fields as a plain ``dict`` (arrays become lists)."""
        out = asdict(self)  # type: ignore[call-overload]
        for key, value in out.items():
            if isinstance(value, np.ndarray):
                out[key] = value.tolist()
            elif isinstance(value, np.generic):
                out[key] = value.item()
        return out


@dataclass(frozen=True, slots=True)
class Interval(_Record):
    """A point estimate with a two-sided confidence interval.

    ``n`` is the number of observations (trials or respondents); ``n_effective`` the
    effective sample size when weights were used, and ``n_effective_method`` which one:
    ``"design"`` (p(1-p)/v from the linearization variance, Korn & Graubard 1998),
    ``"kish"`` (sum(w)^2/sum(w^2)) or ``"unweighted"`` (n). ``df`` is the degrees of
    freedom of the variance estimate (n - 1 for a sample without clusters).
    """

    estimate: float
    lower: float
    upper: float
    level: float
    method: str
    n: float
    n_effective: float | None = None
    std_error: float | None = None
    p_value: float | None = None
    df: float | None = None
    n_effective_method: str | None = None


@dataclass(frozen=True, slots=True)
class Comparison(_Record):
    """A comparison of two groups (difference or ratio) with its interval.

    ``estimate`` is group 1 minus group 2 (or group 1 over group 2);
    ``estimate1``/``estimate2`` are the two group estimates, ``n1``/``n2`` the
    group sizes, ``n_overlap`` the number of respondents in both groups
    (overlapping groups) and ``n`` the number of distinct respondents involved.
    ``n_effective1``/``n_effective2`` are the two groups' effective sizes, the ones the interval
    used, and ``n_effective_method`` says which (``"design"``, ``"kish"`` or ``"unweighted"``);
    ``df`` is the degrees of freedom. ``n_effective`` is kept for older callers: the sum of the
    two for independent groups, Kish's size over the respondents in either group for
    overlapping groups.
    """

    estimate: float
    lower: float
    upper: float
    level: float
    method: str
    n: float
    n1: float | None = None
    n2: float | None = None
    n_overlap: int | None = None
    estimate1: float | None = None
    estimate2: float | None = None
    n_effective: float | None = None
    std_error: float | None = None
    p_value: float | None = None
    df: float | None = None
    n_effective1: float | None = None
    n_effective2: float | None = None
    n_effective_method: str | None = None


@dataclass(frozen=True, slots=True)
class TestResult(_Record):
    """A hypothesis test: its statistic and two-sided p-value."""

    statistic: float
    p_value: float
    method: str
    n: float


@dataclass(frozen=True, slots=True)
class AdjustedPValues(_Record):
    """Multiplicity-adjusted p-values (same order as the input)."""

    p_values: tuple[float, ...]
    reject: tuple[bool, ...]
    method: str
    alpha: float


@dataclass(frozen=True, slots=True)
class RakeResult(_Record):
    """Raked weights and convergence diagnostics.

    ``weights`` is a new array (the input is never modified);
    ``max_margin_error`` is the largest absolute difference between a weighted
    margin share and its target after the last iteration.
    """

    weights: np.ndarray = field(repr=False)
    converged: bool
    iterations: int
    max_margin_error: float
    design_effect: float
    n_effective: float
