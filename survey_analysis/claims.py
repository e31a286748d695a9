"""The original article's claims (``codebooks/claims.yaml``), checked against a wave's figures.

A value claim is consistent with a wave when the published value, widened by its own rounding
(half a unit in its last printed digit), overlaps the wave's interval; otherwise the wave differs
from it. Consistent is not proof: it means this wave cannot tell the two apart. An "over" claim is
supported when the whole interval lies above the threshold; a direction claim when the difference is
significant (after multiple-comparison adjustment) in the article's direction. A significant
difference the other way is "reversed"; otherwise "no clear difference". Figures the wave did not
ask, or suppressed for a small base, cannot be checked.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources

import yaml

from survey_analysis.results import FLAG_NOT_ASKED, Result, ResultSet

SUPPORTED = "supported"
CONTRADICTED = "contradicted"
CONSISTENT = "consistent"
DIFFERS = "differs"
REVERSED = "reversed"
UNCLEAR = "no clear difference"
NOT_CLEAR_ABOVE = "not clearly above"
NOT_CHECKABLE = "cannot be checked"


@dataclass(frozen=True, slots=True)
class Claim:
    id: str
    claim: str
    kind: str
    result: str
    value: float | None = None
    higher: str | None = None


@dataclass(frozen=True, slots=True)
class ClaimCheck:
    """A claim, the wave's figure it is checked against, and the verdict in words."""

    claim: Claim
    figure: Result
    verdict: str
    reason: str


@cache
def article_claims() -> tuple[Claim, ...]:
    text = resources.files("survey_analysis.codebooks").joinpath("claims.yaml").read_text()
    return tuple(Claim(**entry) for entry in yaml.safe_load(text))


def _rounding(value: float) -> float:
    """Half a unit in the last digit the article printed (43% -> 0.005, 3.4 -> 0.05)."""
    text = f"{value:.6g}"
    decimals = len(text.split(".")[1]) if "." in text else 0
    if value < 1:  # shares were printed as whole percentages
        decimals = max(decimals, 2)
    return 0.5 * 10 ** (-decimals)


def check_claim(claim: Claim, figure: Result, stand_in: bool = False) -> ClaimCheck:
    if figure.flag == FLAG_NOT_ASKED:
        return ClaimCheck(claim, figure, NOT_CHECKABLE, "not asked in this wave")
    if not figure.shown or figure.lower is None:
        return ClaimCheck(claim, figure, NOT_CHECKABLE, "too few respondents")
    if claim.kind == "value":
        if stand_in:
            return ClaimCheck(claim, figure, NOT_CHECKABLE,
                              "this source measures it differently (a stand-in question)")
        slack = _rounding(claim.value)
        if figure.lower - slack <= claim.value <= figure.upper + slack:
            return ClaimCheck(claim, figure, CONSISTENT,
                              "the published value (allowing for its rounding) is in the interval")
        side = "below" if claim.value < figure.lower else "above"
        return ClaimCheck(claim, figure, DIFFERS, f"the published value is {side} the interval")
    if claim.kind == "above":
        if figure.lower > claim.value:
            return ClaimCheck(claim, figure, SUPPORTED, "the whole interval is above it")
        if figure.upper < claim.value:
            return ClaimCheck(claim, figure, CONTRADICTED, "the whole interval is below it")
        return ClaimCheck(claim, figure, NOT_CLEAR_ABOVE, "the interval includes the threshold")
    if claim.kind == "direction":
        expected_positive = claim.higher == "tensorflow"  # differences are TensorFlow minus PyTorch
        if not figure.significant:
            return ClaimCheck(claim, figure, UNCLEAR, "not significant after adjustment")
        if (figure.estimate > 0) == expected_positive:
            return ClaimCheck(claim, figure, SUPPORTED, "significant, in the article's direction")
        return ClaimCheck(claim, figure, REVERSED, "significant, in the opposite direction")
    raise ValueError(f"claim {claim.id!r} has unknown kind {claim.kind!r}")


def check_claims(results: ResultSet, stand_ins: frozenset[str] = frozenset()) -> list[ClaimCheck]:
    """Every article claim checked against ``results`` (claims without a figure are skipped).

    ``stand_ins`` names result ids measured by a stand-in for the article's question: their value
    claims cannot be checked (a direction can still be compared, with the caveat shown).
    """
    return [check_claim(c, results[c.result], c.result in stand_ins)
            for c in article_claims() if c.result in results]
