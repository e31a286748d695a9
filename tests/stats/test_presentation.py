"""The NCHS presentation standard for proportions and the rules in its spirit."""

from __future__ import annotations

import math

import pytest

from survey_analysis import stats
from survey_analysis.stats import presentation as pr


def share(p, lower, upper, n=1000, n_eff=None, df=None):
    return stats.presentation_decision("share", p, lower, upper, n, n_eff, df)


@pytest.mark.parametrize(
    ("n_eff", "suppressed"), [(29.99, True), (30.0, False), (500.0, False)]
)
def test_effective_n_below_30_suppresses(n_eff, suppressed):
    d = share(0.5, 0.48, 0.52, n_eff=n_eff)
    assert d.suppress is suppressed
    assert (pr.RULE_EFFECTIVE_N in d.rules) is suppressed


def test_effective_n_is_capped_at_n_and_set_to_n_at_the_boundary():
    # n* above n counts as n (29 respondents stay too few); at 0% n* is undefined: n
    assert share(0.5, 0.48, 0.52, n=29, n_eff=300).suppress
    d = share(0.0, 0.0, 0.03, n=100, n_eff=0.0)
    assert not d.suppress and d.review and d.rules == (pr.RULE_BOUNDARY,)


@pytest.mark.parametrize(
    ("lower", "upper", "rule"),
    [
        (0.35, 0.65, pr.RULE_WIDTH),  # exactly 30 points
        (0.20, 0.70, pr.RULE_WIDTH),
        (0.36, 0.64, None),  # 28 points, relative 56%
    ],
)
def test_absolute_width_rule(lower, upper, rule):
    d = share(0.5, lower, upper)
    assert d.suppress is (rule is not None)
    assert d.rules == (() if rule is None else (rule,))


@pytest.mark.parametrize(
    ("p", "lower", "upper", "suppressed", "review"),
    [
        (0.10, 0.05, 0.18, False, False),  # 13 points: relative width exactly 130%
        (0.10, 0.05, 0.1801, True, False),  # just above 130%
        (0.01, 0.001, 0.051, False, False),  # 5 points: narrow, relative 500% not checked
        (0.90, 0.82, 0.96, False, True),  # complement 14/10 = 140%: review only
    ],
)
def test_relative_width_rules(p, lower, upper, suppressed, review):
    d = share(p, lower, upper)
    assert d.suppress is suppressed and d.review is review
    if suppressed:
        assert d.rules == (pr.RULE_RELATIVE_WIDTH,)
    if review:
        assert d.rules == (pr.RULE_COMPLEMENT,)


def test_degrees_of_freedom_below_8_flag_for_review():
    assert share(0.5, 0.45, 0.55, df=7).rules == (pr.RULE_DF,)
    assert share(0.5, 0.45, 0.55, df=8).rules == ()


def test_korn_graubard_limits_are_computed_when_not_given():
    p, n, n_eff = 0.04, 400, 150.0
    lower, upper = stats.korn_graubard_interval(p, n_eff, 399, 0.95, n)
    assert share(p, None, None, n=n, n_eff=n_eff) == share(p, lower, upper, n=n, n_eff=n_eff)
    # 6/150 pseudo counts: width about 6.6 points and 165% of 4%: suppressed
    assert share(p, None, None, n=n, n_eff=n_eff).rules == (pr.RULE_RELATIVE_WIDTH,)
    # the same 4% from 2,000 respondents is narrow enough
    assert share(p, None, None, n=2000).rules == ()


def test_every_rule_that_fires_is_named():
    d = share(0.5, 0.1, 0.9, n=20, df=5)
    assert d.rules == (pr.RULE_EFFECTIVE_N, pr.RULE_WIDTH, pr.RULE_DF)
    assert d.suppress and d.review


def test_means_use_effective_n_and_relative_width():
    mean = stats.presentation_decision
    assert mean("mean", 10.0, 8.0, 12.0, 100, 80.0, 99).rules == ()
    assert mean("mean", 10.0, 3.0, 16.5, 100, 80.0, 99).rules == (pr.RULE_MEAN_RELATIVE_WIDTH,)
    assert mean("mean", 10.0, 8.0, 12.0, 100, 25.0, 99).rules == (pr.RULE_EFFECTIVE_N,)
    assert mean("mean", 10.0, 8.0, 12.0, 100, None, 6).rules == (pr.RULE_DF,)


def test_differences_use_the_weaker_group():
    d = stats.presentation_decision("difference", 0.0, -0.05, 0.05, 500, 400.0, 499,
                                    n1=300, n2=200, n_effective1=250.0, n_effective2=29.0)
    assert d.rules == (pr.RULE_GROUP_EFFECTIVE_N,)
    # a difference of zero with a narrow interval is shown: no relative-width rule
    d = stats.presentation_decision("difference", 0.0, -0.05, 0.05, 500, None, 499,
                                    n1=300, n2=200)
    assert d.rules == ()
    wide = stats.presentation_decision("difference", 0.1, -0.2, 0.25, 500, None, 499,
                                       n1=300, n2=200)
    assert wide.rules == (pr.RULE_DIFFERENCE_WIDTH,)
    ratio = stats.presentation_decision("ratio", 2.0, 1.2, math.inf, 500, None, None,
                                        n1=300, n2=200)
    assert ratio.rules == (pr.RULE_UNBOUNDED,)


@pytest.mark.parametrize("base", [5, 9, 10, 29, 30, 100])
def test_fixed_policy_matches_the_old_base_rules(base):
    from survey_analysis.policy import BasePolicy
    from survey_analysis.results import FLAG_SMALL_BASE, FLAG_SUPPRESSED, Result

    old = BasePolicy.named("fixed", 30, 10).apply(
        Result("x", "x", 0.5, 0.4, 0.6, base, "wilson", 0.95))
    new = stats.presentation_decision("share", 0.5, 0.4, 0.6, base, policy="fixed")
    assert new.suppress is (old.flag == FLAG_SUPPRESSED)
    assert new.review is (old.flag == FLAG_SMALL_BASE)
    assert new.policy == "fixed"


def test_bad_input_is_named():
    with pytest.raises(ValueError, match="kind='total'"):
        stats.presentation_decision("total", 0.5, 0.4, 0.6, 100)
    with pytest.raises(ValueError, match="policy='loose'"):
        stats.presentation_decision("share", 0.5, 0.4, 0.6, 100, policy="loose")
    with pytest.raises(ValueError, match="estimate must be a number, got estimate=nan"):
        stats.presentation_decision("share", float("nan"), 0.4, 0.6, 100)
    with pytest.raises(ValueError, match=r"estimate must be a share in \[0, 1\]"):
        stats.presentation_decision("share", 1.5, 0.4, 0.6, 100)
    with pytest.raises(ValueError, match="suppression_floor"):
        stats.presentation_decision("share", 0.5, 0.4, 0.6, 100, policy="fixed", min_base=5)
