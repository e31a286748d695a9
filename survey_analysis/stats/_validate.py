"""Plain-language input checks shared by the ``stats`` functions."""

from __future__ import annotations

import math
from collections.abc import Sequence
from functools import lru_cache
from numbers import Integral, Real
from typing import Any

import numpy as np
from scipy.stats import norm


def check_method(method: str, valid: Sequence[str]) -> str:
    if method not in valid:
        raise ValueError(
            f"method={method!r} is not one of the valid methods: {', '.join(map(repr, valid))}"
        )
    return method


def check_level(level: float) -> float:
    if isinstance(level, bool) or not isinstance(level, Real) or not 0.0 < float(level) < 1.0:
        raise ValueError(f"level must be a number strictly between 0 and 1, got level={level!r}")
    return float(level)


@lru_cache(maxsize=64)
def z_value(level: float) -> float:
    """The two-sided normal quantile of ``level``; cached: a page asks for the same few levels
    thousands of times, and ``norm.ppf`` costs about 0.15 ms a call."""
    return float(norm.ppf(0.5 + level / 2.0))


def check_count(value: Any, name: str) -> int:
    """A non-negative whole number (ints, integral floats and numpy ints accepted)."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, bool):
        raise ValueError(f"{name} must be a whole number, got {name}={value!r}")
    integral = isinstance(value, Integral) or (
        isinstance(value, Real) and math.isfinite(float(value)) and float(value).is_integer()
    )
    if integral:
        out = int(value)
    else:
        raise ValueError(f"{name} must be a whole number (a count), got {name}={value!r}")
    if out < 0:
        raise ValueError(f"{name} must not be negative, got {name}={value!r}")
    return out


def check_successes(successes: Any, trials: Any, s_name: str, t_name: str) -> tuple[int, int]:
    successes, trials = (v.item() if isinstance(v, np.generic) else v for v in (successes, trials))
    x = check_count(successes, s_name)
    n = check_count(trials, t_name)
    if n == 0:
        raise ValueError(f"{t_name} must be at least 1, got {t_name}={trials!r}")
    if x > n:
        raise ValueError(
            f"{s_name} must not exceed {t_name}, got {s_name}={successes!r} > {t_name}={trials!r}"
        )
    return x, n


def as_1d(values: Any, name: str, *, allow_nan: bool = False) -> np.ndarray:
    arr = np.asarray(values, dtype=float)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional, got an array of shape {arr.shape}")
    if arr.size == 0:
        raise ValueError(f"{name} must not be empty")
    if not allow_nan and np.isnan(arr).any():
        i = _first(np.isnan(arr))
        raise ValueError(f"{name} contains a missing value (NaN) at position {i}")
    if np.isinf(arr).any():
        raise ValueError(f"{name} contains an infinite value at position {_first(np.isinf(arr))}")
    return arr


def as_bool(values: Any, name: str) -> np.ndarray:
    arr = np.asarray(values)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional, got an array of shape {arr.shape}")
    if arr.dtype == bool:
        return arr.copy()
    num = np.asarray(arr, dtype=float)
    bad = ~np.isin(num, (0.0, 1.0))
    if bad.any():
        i = _first(bad)
        raise ValueError(f"{name} must hold True/False (or 1/0), got {name}[{i}]={arr[i].item()!r}")
    return num == 1.0


def check_weights(weights: Any, n: int, name: str = "weights") -> np.ndarray:
    """Non-negative finite weights, not all zero, of length ``n`` (``None`` = all ones)."""
    if weights is None:
        return np.ones(n)
    w = as_1d(weights, name)
    if w.size != n:
        raise ValueError(f"{name} has length {w.size} but the data have length {n}")
    if (w < 0).any():
        i = _first(w < 0)
        raise ValueError(f"{name} must not be negative, got {name}[{i}]={w[i].item()!r}")
    if not (w > 0).any():
        raise ValueError(f"{name} are all zero; at least one weight must be positive")
    return w


def check_same_length(**arrays: np.ndarray) -> None:
    lengths = {name: arr.shape[0] for name, arr in arrays.items()}
    if len(set(lengths.values())) > 1:
        desc = ", ".join(f"{k} has length {v}" for k, v in lengths.items())
        raise ValueError(f"arrays must have the same length: {desc}")


def check_indicator(arr: np.ndarray, name: str) -> None:
    ok = np.isnan(arr) | (arr == 0.0) | (arr == 1.0)
    if not ok.all():
        i = _first(~ok)
        raise ValueError(
            f"{name} must hold 0/1 (or NaN for missing), got {name}[{i}]={arr[i].item()!r}"
        )


def _first(mask: np.ndarray) -> int:
    return int(np.flatnonzero(mask)[0])
