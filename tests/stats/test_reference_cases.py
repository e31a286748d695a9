"""Reproduce the published worked examples in ../shared/reference/intervals.json."""

from __future__ import annotations

import math

import pytest

from survey_analysis import stats
from tests.stats.reference import load_reference

# Explicit map: (kind, reference method name) -> (our method, clip the expected limits).
# "*_unclipped" cases print the raw formula; ours clips to [0, 1], so the expected
# limits are clipped the same way before comparing. Naming notes (see the README):
# the reference "agresti_coull" adds z^2/2 (our "agresti-coull"), "agresti_coull_add2"
# adds 2 and 2 (Fagerland; our "agresti-coull-add2"); "mee" is the score interval
# without the n/(n-1) factor, "miettinen_nurminen" with it; "wald_cc_fagerland" is the
# paired Wald with the correction inside the variance term (our paired "wald-cc").
METHOD_MAP: dict[str, dict[str, tuple[str, bool]]] = {
    "single_proportion": {
        "wilson": ("wilson", False),
        "wilson_cc": ("wilson-cc", False),
        "clopper_pearson": ("clopper-pearson", False),
        "jeffreys": ("jeffreys", False),
        "agresti_coull": ("agresti-coull", False),
        "agresti_coull_unclipped": ("agresti-coull", True),
        "agresti_coull_add2": ("agresti-coull-add2", False),
        "wald": ("wald", False),
        "wald_unclipped": ("wald", True),
        "wald_cc": ("wald-cc", False),
        "mid_p": ("mid-p", False),
        "likelihood_ratio": ("likelihood-ratio", False),
    },
    "diff_independent": {
        "newcombe_hybrid_score": ("newcombe", False),
        "newcombe_hybrid_score_cc": ("newcombe-cc", False),
        "miettinen_nurminen": ("miettinen-nurminen", False),
        "mee": ("mee", False),
        "agresti_caffo": ("agresti-caffo", False),
        "wald": ("wald", False),
        "wald_cc": ("wald-cc", False),
        "haldane": ("haldane", False),
        "jeffreys_perks": ("jeffreys-perks", False),
        "hauck_anderson": ("hauck-anderson", False),
    },
    "ratio_independent": {
        "koopman_score": ("koopman", False),
        "miettinen_nurminen_score": ("miettinen-nurminen", False),
        "katz_log": ("katz", False),
        "adjusted_log": ("adjusted-log", False),
        "inverse_sinh": ("inverse-sinh", False),
        "mover_r_wilson": ("mover-r-wilson", False),
        "price_bonett_approx_bayes": ("price-bonett", False),
    },
    "diff_paired": {
        "newcombe_square_and_add": ("newcombe", False),
        "newcombe_square_and_add_uncorrected_phi": ("newcombe-uncorrected-phi", False),
        "tango_score": ("tango", False),
        "wald": ("wald", False),
        "wald_cc_fagerland": ("wald-cc", False),
        "agresti_min_adjusted_wald": ("agresti-min-wald", False),
        "bonett_price_adjusted_wald": ("bonett-price-wald", False),
    },
    "ratio_paired": {
        "tang_score": ("tang", False),
        "bonett_price_hybrid_wilson": ("bonett-price", False),
        "bonett_price_hybrid_wilson_cc": ("bonett-price-cc", False),
        "mover_wilson": ("mover-wilson", False),
        "wald_log": ("wald-log", False),
    },
}

FUNCTIONS = {
    "single_proportion": stats.SHARE_METHODS,
    "diff_independent": stats.DIFFERENCE_METHODS,
    "ratio_independent": stats.RATIO_METHODS,
    "diff_paired": stats.PAIRED_DIFFERENCE_METHODS,
    "ratio_paired": stats.PAIRED_RATIO_METHODS,
}


def _cases() -> list:
    return load_reference("intervals.json")


def _compute(case: dict, method: str):
    i, level = case["inputs"], case["level"]
    kind = case["kind"]
    if kind == "single_proportion":
        return stats.share_interval(i["x"], i["n"], level, method)
    if kind == "diff_independent":
        return stats.difference_interval(i["x1"], i["n1"], i["x2"], i["n2"], level, method)
    if kind == "ratio_independent":
        return stats.ratio_interval(i["x1"], i["n1"], i["x2"], i["n2"], level, method)
    cells = (i["a_both"], i["b_first_only"], i["c_second_only"], i["d_neither"])
    if kind == "diff_paired":
        return stats.paired_difference_interval(*cells, level, method)
    return stats.paired_ratio_interval(*cells, level, method)


def _close(got: float, expected: float, tol: float) -> bool:
    if math.isinf(expected):
        return got == expected
    return abs(got - expected) <= tol + 1e-12


@pytest.mark.parametrize("case", _cases(), ids=lambda c: c["id"])
def test_reference_case(case: dict) -> None:
    method, clip = METHOD_MAP[case["kind"]][case["method"]]
    result = _compute(case, method)
    lower, upper = float(case["lower"]), float(case["upper"])  # "Infinity" is a string
    if clip:
        lower, upper = min(max(lower, 0.0), 1.0), min(max(upper, 0.0), 1.0)
    tol = 0.5 * 10 ** -case["decimals"]
    assert _close(result.lower, lower, tol), (result, lower)
    assert _close(result.upper, upper, tol), (result, upper)
    assert result.level == case["level"] and result.method == method


def test_reference_file_is_complete() -> None:
    cases = _cases()
    assert len(cases) == 174
    # every case maps to one of our methods (no skips) ...
    unmapped = {(c["kind"], c["method"]) for c in cases if c["method"] not in METHOD_MAP[c["kind"]]}
    assert not unmapped
    # ... every mapped name is offered by the function for that kind ...
    for kind, table in METHOD_MAP.items():
        assert {ours for ours, _ in table.values()} <= set(FUNCTIONS[kind]), kind
    # ... and the map has no entries that no case uses
    used = {(c["kind"], c["method"]) for c in cases}
    assert {(k, m) for k, t in METHOD_MAP.items() for m in t} == used
