"""What may be shown: the NCHS presentation standard for proportions, and rules in its spirit.

One pure entry point, :func:`presentation_decision`, returns a :class:`PresentationDecision`
(``suppress``, ``review`` and the plain-words ``rules`` that fired), so that text, tables,
charts and the results file can all follow the same verdict and a methods appendix can print
the reasons.

``policy="nchs"`` (default), shares: National Center for Health Statistics Data Presentation
Standards for Proportions (Parker JD, Talih M, Malec DJ, et al., Vital Health Stat 2(175),
2017), with the details as NCHS's own R package implements them (CDCgov/surveytable,
``.present_prop`` and ``svyciprop_adjusted``, written with one of the standard's authors):

1. the effective sample size n* = p(1-p)/v (set to n when p is 0 or 1, capped at n) below 30:
   suppress;
2. the 95% Korn–Graubard interval 5 percentage points wide or less: shown (no further width
   rule);
3. that interval 30 points wide or more: suppress;
4. otherwise its relative width, width / p, above 130%: suppress;
5. review (shown, flagged): the complement's relative width, width / (1 - p), above 130%
   (the same width rule seen from the other answer); degrees of freedom below 8; an estimate
   of 0% or 100% (where the width rules are not applied: NCHS sets the width to 0 there).

Means, differences and ratios have no NCHS standard; the rules here are ours, in its spirit
and stated in :data:`RULES_TEXT` for the methods appendix.

``policy="fixed"``: the project's earlier rule, a base (the smaller group for comparisons)
below ``suppression_floor`` is suppressed and below ``min_base`` flagged ("small base").
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ._result import _Record
from .effective_n import korn_graubard_interval

BASE_POLICIES = ("nchs", "fixed")
PRESENTATION_KINDS = ("share", "mean", "difference", "mean_difference", "ratio")

MIN_EFFECTIVE_N = 30
NARROW_WIDTH = 0.05
MAX_WIDTH = 0.30
MAX_RELATIVE_WIDTH = 1.30
MIN_DF = 8
# A difference of two independent shares, each at NCHS's 30-point limit, has an interval
# about sqrt(30² + 30²) = 42 points wide (square-and-add): the same limit for the difference.
MAX_DIFFERENCE_WIDTH = MAX_WIDTH * math.sqrt(2.0)

RULE_EFFECTIVE_N = "effective sample size below 30"
RULE_GROUP_EFFECTIVE_N = "effective sample size below 30 in a group"
RULE_WIDTH = "confidence interval 30 percentage points wide or more"
RULE_RELATIVE_WIDTH = "confidence interval wider than 5 points and relative width above 130%"
RULE_COMPLEMENT = "relative confidence interval width of the complement above 130%"
RULE_DF = "degrees of freedom below 8"
RULE_BOUNDARY = "estimate is 0% or 100%"
RULE_MEAN_RELATIVE_WIDTH = "relative confidence interval width above 130%"
RULE_DIFFERENCE_WIDTH = "confidence interval 42 percentage points wide or more"
RULE_UNBOUNDED = "confidence interval has no upper limit"

RULES_TEXT = {
    "share": (
        "Shares follow the NCHS Data Presentation Standards for Proportions (Parker et al. "
        "2017): a share is suppressed when its effective sample size is below 30, when its 95% "
        "Korn-Graubard confidence interval is 30 percentage points wide or more, or when that "
        "interval is wider than 5 points and more than 130% of the estimate; it is flagged for "
        "review when the interval is more than 130% of the complement (100% minus the "
        "estimate), when the degrees of freedom are below 8, or when the estimate is 0% or 100%."
    ),
    "mean": (
        "Means are suppressed when the effective sample size is below 30 or the confidence "
        "interval is wider than 130% of the mean (the NCHS limit for shares); they are flagged "
        "for review when the degrees of freedom are below 8."
    ),
    "difference": (
        "Differences between shares are suppressed when either group's effective sample size "
        "is below 30 or the interval is 42 percentage points wide or more (the width of a "
        "difference of two shares each at the NCHS 30-point limit); they are flagged for review "
        "when the degrees of freedom are below 8. No relative-width rule: it would hide "
        "differences close to zero, however precisely they are estimated."
    ),
    "mean_difference": (
        "Differences between means are suppressed when either group's effective sample size "
        "is below 30 and flagged for review when the degrees of freedom are below 8."
    ),
    "ratio": (
        "Ratios are suppressed when either group's effective sample size is below 30 or the "
        "interval has no upper limit, and flagged for review when the degrees of freedom are "
        "below 8."
    ),
}


@dataclass(frozen=True, slots=True)
class PresentationDecision(_Record):
    """Whether a figure is shown: ``suppress``, ``review`` (shown, flagged) and why.

    ``rules`` names every rule that fired, suppression rules first, in words a methods
    appendix can print; ``policy`` is the base policy that decided.
    """

    suppress: bool
    review: bool
    rules: tuple[str, ...]
    policy: str


def _number(value: float | None, name: str, *, allow_none: bool = False) -> float | None:
    if value is None:
        if allow_none:
            return None
        raise ValueError(f"{name} is required, got {name}=None")
    if isinstance(value, bool) or not isinstance(value, (int, float)) or math.isnan(value):
        raise ValueError(f"{name} must be a number, got {name}={value!r}")
    return float(value)


def _decision(suppress_rules: list[str], review_rules: list[str], policy: str):
    return PresentationDecision(bool(suppress_rules), bool(review_rules),
                                tuple(suppress_rules + review_rules), policy)


def nchs_share_decision(
    estimate: float,
    lower: float | None,
    upper: float | None,
    n: float,
    n_effective: float | None = None,
    df: float | None = None,
) -> PresentationDecision:
    """The NCHS standard for a proportion (Parker et al. 2017; see the module docstring).

    ``lower``/``upper`` are the 95% Korn–Graubard limits; pass ``None`` for both to have them
    computed here from ``n_effective`` and ``df`` (:func:`korn_graubard_interval`), whatever
    interval the page shows. ``n_effective`` defaults to ``n`` (unweighted), ``df`` to n - 1.

    >>> nchs_share_decision(0.04, None, None, n=200).rules
    ('confidence interval wider than 5 points and relative width above 130%',)
    """
    p = _number(estimate, "estimate")
    n = _number(n, "n")
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"estimate must be a share in [0, 1], got estimate={estimate!r}")
    n_eff = _number(n_effective, "n_effective", allow_none=True)
    df = n - 1 if df is None else _number(df, "df")
    boundary = p in (0.0, 1.0)
    n_eff = n if n_eff is None or boundary else min(n_eff, n)
    if lower is None and upper is None:
        lower, upper = korn_graubard_interval(p, max(n_eff, 1e-12), df, 0.95, n)
    width = 0.0 if boundary else _number(upper, "upper") - _number(lower, "lower")
    suppress, review = [], []
    if n_eff < MIN_EFFECTIVE_N:
        suppress.append(RULE_EFFECTIVE_N)
    if width > NARROW_WIDTH:
        if width >= MAX_WIDTH:
            suppress.append(RULE_WIDTH)
        elif width / p > MAX_RELATIVE_WIDTH:
            suppress.append(RULE_RELATIVE_WIDTH)
        elif width / (1.0 - p) > MAX_RELATIVE_WIDTH:
            review.append(RULE_COMPLEMENT)
    if df < MIN_DF:
        review.append(RULE_DF)
    if boundary:
        review.append(RULE_BOUNDARY)
    return _decision(suppress, review, "nchs")


def _smaller(*values: float | None) -> float | None:
    present = [v for v in values if v is not None]
    return min(present) if present else None


def _nchs_other(kind, estimate, lower, upper, n, n_effective, df, n1, n2, ne1, ne2):
    est, lo, hi = (_number(v, k) for v, k in ((estimate, "estimate"), (lower, "lower"),
                                               (upper, "upper")))
    suppress, review = [], []
    if kind == "mean":
        n_eff = n if n_effective is None else n_effective
        if n_eff < MIN_EFFECTIVE_N:
            suppress.append(RULE_EFFECTIVE_N)
        if est == 0 or (hi - lo) / abs(est) > MAX_RELATIVE_WIDTH:
            suppress.append(RULE_MEAN_RELATIVE_WIDTH)
    else:
        # a comparison is no more reliable than its weaker group
        group_n = _smaller(ne1, ne2)
        if group_n is None:
            group_n = _smaller(n1, n2)
        if group_n is None:
            group_n = n if n_effective is None else n_effective
        if group_n < MIN_EFFECTIVE_N:
            suppress.append(RULE_GROUP_EFFECTIVE_N)
        if kind == "difference" and hi - lo >= MAX_DIFFERENCE_WIDTH:
            suppress.append(RULE_DIFFERENCE_WIDTH)
        if kind == "ratio" and math.isinf(hi):
            suppress.append(RULE_UNBOUNDED)
    if df is not None and df < MIN_DF:
        review.append(RULE_DF)
    return _decision(suppress, review, "nchs")


def fixed_decision(
    n: float,
    n1: float | None = None,
    n2: float | None = None,
    *,
    min_base: int = 30,
    suppression_floor: int = 10,
) -> PresentationDecision:
    """The earlier fixed rule: base = the smallest of n, n1, n2; below the floor suppress,
    below ``min_base`` review ("small base")."""
    if not 0 <= suppression_floor <= min_base:
        raise ValueError(f"suppression_floor ({suppression_floor}) must be between 0 and "
                         f"min_base ({min_base})")
    base = _smaller(_number(n, "n"), n1, n2)
    if base < suppression_floor:
        return _decision([f"base below {suppression_floor} respondents"], [], "fixed")
    if base < min_base:
        return _decision([], [f"base below {min_base} respondents"], "fixed")
    return _decision([], [], "fixed")


def presentation_decision(
    kind: str,
    estimate: float,
    lower: float | None,
    upper: float | None,
    n: float,
    n_effective: float | None = None,
    df: float | None = None,
    policy: str = "nchs",
    *,
    n1: float | None = None,
    n2: float | None = None,
    n_effective1: float | None = None,
    n_effective2: float | None = None,
    min_base: int = 30,
    suppression_floor: int = 10,
) -> PresentationDecision:
    """Decide whether a figure is shown, flagged for review or suppressed, and why.

    ``kind`` is one of :data:`PRESENTATION_KINDS`; ``policy`` ``"nchs"`` (default) or
    ``"fixed"`` (uses only the sizes and ``min_base`` / ``suppression_floor``). For shares
    under NCHS, ``lower``/``upper`` must be the 95% Korn–Graubard limits, or ``None`` to compute
    them here (:func:`nchs_share_decision`). For comparisons the groups' effective sizes
    (``n_effective1``/``n_effective2``, else ``n1``/``n2``) decide the effective-n rule.
    The rules are stated in :data:`RULES_TEXT`.

    >>> d = presentation_decision("share", 0.5, None, None, n=20)
    >>> d.suppress, len(d.rules), d.rules[0]
    (True, 2, 'effective sample size below 30')
    >>> presentation_decision("share", 0.5, None, None, n=20, policy="fixed").rules
    ('base below 30 respondents',)
    """
    if kind not in PRESENTATION_KINDS:
        raise ValueError(f"kind={kind!r} is not one of: {', '.join(map(repr, PRESENTATION_KINDS))}")
    if policy not in BASE_POLICIES:
        raise ValueError(f"policy={policy!r} is not one of: {', '.join(map(repr, BASE_POLICIES))}")
    if policy == "fixed":
        return fixed_decision(n, n1, n2, min_base=min_base, suppression_floor=suppression_floor)
    if kind == "share":
        return nchs_share_decision(estimate, lower, upper, n, n_effective, df)
    n = _number(n, "n")
    n_effective, df = (_number(v, k, allow_none=True)
                       for v, k in ((n_effective, "n_effective"), (df, "df")))
    return _nchs_other(kind, estimate, lower, upper, n, n_effective, df, n1, n2,
                       n_effective1, n_effective2)
