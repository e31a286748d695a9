"""Reproduce the published worked examples in ../shared/reference/intervals.json."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from survey_analysis import stats

REFERENCE = Path(__file__).parents[2].parent / "shared" / "reference" / "intervals.json"

# reference method name -> (our method, clip the expected limits to the parameter range)
# "*_unclipped" cases print the raw formula; ours clips to [0, 1], so the expected
# limits are clipped the same way before comparing.
METHOD_MAP: dict[str, dict[str, tuple[str, bool]]] = {
    "single_proportion": {
        "wilson": ("wilson", False),
        "wilson_cc": ("wilson-cc", False),
        "clopper_pearson": ("clopper-pearson", False),
        "jeffreys": ("jeffreys", False),
        "agresti_coull": ("agresti-coull", False),
        "agresti_coull_unclipped": ("agresti-coull", True),
        "wald": ("wald", False),
        "wald_unclipped": ("wald", True),
    },
    "diff_independent": {
        "newcombe_hybrid_score": ("newcombe", False),
        "miettinen_nurminen": ("miettinen-nurminen", False),
        "mee": ("mee", False),
        "agresti_caffo": ("agresti-caffo", False),
        "wald": ("wald", False),
    },
    "ratio_independent": {
        "koopman_score": ("koopman", False),
        "miettinen_nurminen_score": ("miettinen-nurminen", False),
        "katz_log": ("katz", False),
    },
    "diff_paired": {
        "newcombe_square_and_add": ("newcombe", False),
        "tango_score": ("tango", False),
        "wald": ("wald", False),
    },
    "ratio_paired": {
        "tang_score": ("tang", False),
        "bonett_price_hybrid_wilson": ("bonett-price", False),
    },
}

NOT_OFFERED = {
    "mid_p": "mid-p exact interval is not offered",
    "likelihood_ratio": "likelihood-ratio interval is not offered",
    "wald_cc": "continuity-corrected Wald is not offered",
    "agresti_coull_add2": "add-2 variant not offered (our agresti-coull adds z^2/2, as R binom)",
    "haldane": "Haldane interval is not offered",
    "jeffreys_perks": "Jeffreys-Perks interval is not offered",
    "hauck_anderson": "Hauck-Anderson interval is not offered",
    "newcombe_hybrid_score_cc": "continuity-corrected Newcombe is not offered",
    "newcombe_square_and_add_uncorrected_phi": "we offer method 10 with the corrected phi only",
    "agresti_min_adjusted_wald": "Agresti-Min adjusted Wald (paired) is not offered",
    "bonett_price_adjusted_wald": "Bonett-Price adjusted Wald (paired difference) is not offered",
    "wald_cc_fagerland": "continuity-corrected paired Wald is not offered",
    "adjusted_log": "adjusted log ratio interval is not offered",
    "inverse_sinh": "inverse-sinh ratio interval is not offered",
    "mover_r_wilson": "MOVER-R Wilson ratio interval is not offered",
    "price_bonett_approx_bayes": "Price-Bonett approximate Bayes interval is not offered",
    "mover_wilson": "MOVER Wilson paired ratio interval is not offered",
    "bonett_price_hybrid_wilson_cc": "continuity-corrected Bonett-Price is not offered",
    "wald_log": "paired log-Wald ratio interval is not offered",
}


def _cases() -> list:
    return json.loads(REFERENCE.read_text())


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
    mapping = METHOD_MAP[case["kind"]].get(case["method"])
    if mapping is None:
        pytest.skip(NOT_OFFERED.get(case["method"], f"method {case['method']} not offered"))
    method, clip = mapping
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
    offered = sum(c["method"] in METHOD_MAP[c["kind"]] for c in cases)
    unknown = (
        {c["method"] for c in cases}
        - set(NOT_OFFERED)
        - {m for kind in METHOD_MAP.values() for m in kind}
    )
    assert not unknown
    assert offered >= 120
