"""A published article's claims (a claims file the article declares), checked against a wave.

A value claim is consistent with a wave when the published value, widened by its own rounding
(half a unit in its last printed digit), overlaps the wave's interval; otherwise the wave differs
from it. Consistent is not proof: it means this wave cannot tell the two apart. An "over" claim is
supported when the whole interval lies above the threshold; a direction claim when the difference is
significant (after multiple-comparison adjustment) in the article's direction. A significant
difference the other way is "reversed"; otherwise "no clear difference". A direction verdict holds
only where the robustness comparison (e.g. disjoint groups) agrees; otherwise the finding "depends
on the users of both". A stand-in measure gets no verdict: the page says what the stand-in shows.
Figures the wave did not ask, or suppressed for a small base, cannot be checked.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields
from pathlib import Path

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
DEPENDS = "depends on the users of both"
STAND_IN = "stand-in measure"


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


def load_claims(path: str | Path) -> tuple[Claim, ...]:
    """Claims from a YAML list of ``id, claim, kind, result, value, higher``."""
    path = Path(path)
    try:
        entries = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    except OSError as error:
        raise ValueError(f"claims file {path}: {error.strerror}") from None
    except yaml.YAMLError as error:
        raise ValueError(f"claims file {path}: not valid YAML ({error})") from None
    if not isinstance(entries, list):
        raise ValueError(f"claims file {path}: expected a list of claims")
    known = {f.name for f in fields(Claim)}
    claims = []
    for i, entry in enumerate(entries, 1):
        unknown = set(entry) - known if isinstance(entry, dict) else set()
        missing = {"id", "claim", "kind", "result"} - set(entry or {})
        if not isinstance(entry, dict) or unknown or missing:
            raise ValueError(f"claims file {path}: claim {i}: expected keys "
                             f"{', '.join(sorted(known))}; unknown {sorted(unknown)}, "
                             f"missing {sorted(missing)}")
        claims.append(Claim(**entry))
    return tuple(claims)


def _rounding(value: float) -> float:
    """Half a unit in the last digit the article printed (43% -> 0.005, 3.4 -> 0.05)."""
    text = f"{value:.6g}"
    decimals = len(text.split(".")[1]) if "." in text else 0
    if value < 1:  # shares were printed as whole percentages
        decimals = max(decimals, 2)
    return 0.5 * 10 ** (-decimals)


def check_claim(claim: Claim, figure: Result, stand_in: bool = False,
                check: Result | None = None) -> ClaimCheck:
    """One claim against its figure; ``check`` is the robustness comparison of a direction
    claim (e.g. the disjoint groups), which a verdict of supported or reversed must agree with."""
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
        if stand_in:
            return ClaimCheck(claim, figure, STAND_IN, "not the article's measure: "
                              f"the stand-in shows {_direction_words(figure)}")
        # Differences are the first group minus the second.
        expected_positive = claim.higher == (figure.group1 or "tensorflow")
        if not figure.significant:
            return ClaimCheck(claim, figure, UNCLEAR, "not significant after adjustment")
        same = (figure.estimate > 0) == expected_positive
        if check is not None and not (check.shown and check.significant
                                      and (check.estimate > 0) == (figure.estimate > 0)):
            return ClaimCheck(claim, figure, DEPENDS,
                              "significant with the users of both counted in each group, but "
                              "not in the same direction in the robustness check without them")
        if same:
            return ClaimCheck(claim, figure, SUPPORTED, "significant, in the article's direction")
        return ClaimCheck(claim, figure, REVERSED, "significant, in the opposite direction")
    raise ValueError(f"claim {claim.id!r} has unknown kind {claim.kind!r}")


def _direction_words(figure: Result) -> str:
    from survey_analysis.formatting import format_value

    value = format_value(figure.estimate, figure.kind, figure.unit)
    if not figure.significant:
        return f"no clear difference ({value})"
    return f"a significant difference of {value}"


def check_claims(results: Mapping[str, Result] | ResultSet, claims: Iterable[Claim],
                 stand_ins: frozenset[str] = frozenset(),
                 robustness: Mapping[str, Result] | None = None) -> list[ClaimCheck]:
    """Every claim checked against ``results`` (claims without a figure are skipped).

    ``stand_ins`` names result ids measured by a stand-in for the article's question: their value
    and direction claims are not given a verdict. ``robustness`` maps a direction claim's result
    id to the robustness comparison a verdict must agree with.
    """
    robustness = robustness or {}
    return [check_claim(c, results[c.result], c.result in stand_ins, robustness.get(c.result))
            for c in claims if c.result in results]
