"""A p-value that agrees with its interval: 1 - the largest level excluding the null.

For interval methods with no test of their own (MOVER, hybrid score), inverting the interval in its
level gives the p-value whose verdict matches the interval at every level (the test-interval
duality; e.g. Newcombe 1998b, sec. 2). Written by hand: no library offers it.
"""

from __future__ import annotations

from collections.abc import Callable

from scipy.optimize import brentq

_SMALLEST_LEVEL = 1e-12
_LARGEST_LEVEL = 1 - 1e-15


def p_value_by_inversion(
    limits: Callable[[float], tuple[float, float]], estimate: float, null: float = 0.0
) -> float:
    """Two-sided p-value: 1 - the level at which the interval's nearer limit reaches ``null``."""
    if estimate == null:
        return 1.0

    def gap(level: float) -> float:
        lower, upper = limits(level)
        return lower - null if estimate > null else null - upper

    if gap(_LARGEST_LEVEL) > 0:  # excludes the null even at the widest computable level
        return 1 - _LARGEST_LEVEL
    if gap(_SMALLEST_LEVEL) <= 0:
        return 1.0
    return float(1 - brentq(gap, _SMALLEST_LEVEL, _LARGEST_LEVEL, xtol=1e-14))
