"""How figures read: value, interval, base and flags together; never a bare or negative zero."""

from __future__ import annotations

import re

from survey_analysis.formatting import format_interval, format_value
from survey_analysis.results import FLAG_NOT_ASKED, FLAG_SMALL_BASE, FLAG_SUPPRESSED, Result


def figure(**changes) -> Result:
    base = {"id": "share.x", "label": "X", "estimate": 0.376, "lower": 0.359, "upper": 0.394,
            "n": 2910, "method": "wilson", "level": 0.95}
    return Result(**{**base, **changes})


def test_share_reads_with_interval_and_base():
    assert format_interval(figure()) == "37.6% (95% CI 35.9–39.4%; n = 2,910)"


def test_flags_change_the_reading():
    assert format_interval(figure(flag=FLAG_SMALL_BASE)).endswith("[small base: read with care]")
    suppressed = figure(estimate=None, lower=None, upper=None, n=7, flag=FLAG_SUPPRESSED)
    assert format_interval(suppressed) == "suppressed: too few respondents or too imprecise (n = 7)"
    assert format_interval(figure(flag=FLAG_NOT_ASKED)) == "not asked in this wave"


def test_comparisons_show_both_bases_and_units():
    diff = figure(kind="mean_difference", estimate=1.0, lower=0.59, upper=1.41, n1=1084, n2=318,
                  unit="years")
    assert format_interval(diff) == "+1.00 years (95% CI +0.59 to +1.41 years; n = 1,084 vs 318)"


def test_values_rounding_to_zero_never_show_a_minus_sign():
    assert format_value(-0.0004, "difference") == "+0.0 pp"
    assert format_value(-0.0001, "share") == "0.0%"
    tiny = figure(kind="difference", estimate=-0.0004, lower=-0.0004, upper=0.02)
    estimate = format_interval(tiny).split(" (")[0]
    assert not re.search(r"-0\.0(?!\d)", estimate)  # no negative zero for an estimate
    # A limit near zero keeps its sign, at the page's one decimal (just below zero: "-0.0").
    assert "-0.0 to +2.0 pp" in format_interval(tiny)


def test_a_limit_that_rounds_to_zero_keeps_its_side_of_zero():
    from survey_analysis.formatting import format_bounds

    assert format_bounds({"kind": "difference", "lower": -0.00002, "upper": 0.019}) == \
        "-0.0 to +1.9 pp"
    assert format_bounds({"kind": "difference", "lower": -0.026, "upper": -0.00003}) == \
        "-2.6 to -0.0 pp"
