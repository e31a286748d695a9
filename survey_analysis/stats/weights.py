"""Survey weights: Kish effective sample size, design effect and raking."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from ._result import RakeResult
from ._validate import check_weights


def kish_effective_n(weights: Any) -> float:
    """Kish (1965) effective sample size ``sum(w)^2 / sum(w^2)``.

    >>> kish_effective_n([1.0, 1.0, 2.0, 2.0])
    3.6
    """
    w = check_weights(weights, len(np.atleast_1d(np.asarray(weights))))
    return float(np.sum(w) ** 2 / np.sum(w * w))


def design_effect(weights: Any) -> float:
    """Kish (1965) design effect from unequal weighting ``n * sum(w^2) / sum(w)^2``.

    ``n`` counts every weight given, zeros included. Equals ``n / kish_effective_n``.

    >>> design_effect([1.0, 1.0, 2.0, 2.0])
    1.1111111111111112
    """
    w = check_weights(weights, len(np.atleast_1d(np.asarray(weights))))
    return float(w.size * np.sum(w * w) / np.sum(w) ** 2)


def rake(
    data: Mapping[str, Any] | Any,
    targets: Mapping[str, Mapping[Any, float]],
    weights: Any = None,
    *,
    max_iter: int = 200,
    tol: float = 1e-8,
) -> RakeResult:
    """Rake weights so that weighted margins match target shares (iterative proportional fitting).

    ``data`` maps each raking variable to one category label per respondent (a
    ``dict`` of arrays, or anything indexable by variable name such as a
    DataFrame); ``targets`` maps each variable to ``{category: share}`` (counts
    are fine too: each variable's targets are rescaled to sum to 1). Starting from
    ``weights`` (default all ones), each sweep multiplies the weights so that one
    margin at a time matches its target (Deming & Stephan 1940). The result's
    weights sum to the sum of the starting weights; the inputs are never modified.
    Convergence (largest margin error below ``tol``) is reported in the result,
    not raised; check ``result.converged``.

    Written by hand (about 40 lines of numpy) rather than using weightipy or
    samplics: samplics 0.6 depends on polars, weightipy 0.4 operates on pandas
    frames and pulls in watchdog/requests; this package's ``stats`` stays
    numpy-only and needs no new dependency.

    >>> r = rake({"sex": ["m", "m", "f"]}, {"sex": {"m": 0.5, "f": 0.5}})
    >>> r.weights.round(3).tolist(), r.converged
    ([0.75, 0.75, 1.5], True)
    """
    if not targets:
        raise ValueError("targets must name at least one variable")
    if isinstance(max_iter, bool) or not isinstance(max_iter, int) or max_iter < 1:
        raise ValueError(f"max_iter must be a positive integer, got max_iter={max_iter!r}")
    if not tol > 0:
        raise ValueError(f"tol must be positive, got tol={tol!r}")
    codes: list[np.ndarray] = []
    shares: list[np.ndarray] = []
    n: int | None = None
    for var, target in targets.items():
        try:
            column = data[var]
        except (KeyError, IndexError, TypeError):
            raise ValueError(f"targets name variable {var!r}, which is not in data") from None
        labels = np.asarray(column, dtype=object)
        if labels.ndim != 1:
            raise ValueError(f"data[{var!r}] must be one-dimensional")
        if n is None:
            n = labels.size
        elif labels.size != n:
            raise ValueError(f"data[{var!r}] has length {labels.size} but other variables {n}")
        missing = np.array([v is None or (isinstance(v, float) and np.isnan(v)) for v in labels])
        if missing.any():
            i = int(np.flatnonzero(missing)[0])
            raise ValueError(f"data[{var!r}] has a missing category at position {i}")
        cats = list(target.keys())
        values = np.array([float(target[c]) for c in cats])
        if (values < 0).any() or not np.isfinite(values).all():
            raise ValueError(f"targets[{var!r}] must be non-negative numbers, got {dict(target)}")
        if values.sum() <= 0:
            raise ValueError(f"targets[{var!r}] sum to zero")
        index = {c: k for k, c in enumerate(cats)}
        unknown = sorted({repr(v) for v in labels if v not in index})
        if unknown:
            raise ValueError(f"data[{var!r}] has categories without a target: {', '.join(unknown)}")
        code = np.array([index[v] for v in labels], dtype=np.intp)
        codes.append(code)
        shares.append(values / values.sum())
    assert n is not None
    w0 = check_weights(weights, n)
    for var, code, share in zip(targets, codes, shares, strict=True):
        present = np.bincount(code, weights=w0, minlength=share.size) > 0
        cats = list(targets[var])
        empty = [c for c, ok, s in zip(cats, present, share, strict=True) if s > 0 and not ok]
        if empty:
            raise ValueError(
                f"targets[{var!r}] give a positive share to {empty!r} but no respondent "
                "with a positive weight is in that category"
            )
    total = float(w0.sum())
    w = w0.copy()
    error = np.inf
    iterations = 0
    for iterations in range(1, max_iter + 1):  # noqa: B007
        for code, share in zip(codes, shares, strict=True):
            margin = np.bincount(code, weights=w, minlength=share.size) / w.sum()
            factor = np.divide(share, margin, out=np.zeros_like(share), where=margin > 0)
            w = w * factor[code]
        error = max(
            float(np.max(np.abs(np.bincount(c, weights=w, minlength=s.size) / w.sum() - s)))
            for c, s in zip(codes, shares, strict=True)
        )
        if error < tol:
            break
    w = w * (total / w.sum())
    return RakeResult(
        weights=w,
        converged=bool(error < tol),
        iterations=iterations,
        max_margin_error=error,
        design_effect=float(w.size * np.sum(w * w) / np.sum(w) ** 2),
        n_effective=float(np.sum(w) ** 2 / np.sum(w * w)),
    )
