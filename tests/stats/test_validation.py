"""Bad input raises ValueError naming the argument and the value."""

from __future__ import annotations

import numpy as np
import pytest

from survey_analysis import stats


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: stats.share_interval(-1, 10), "successes must not be negative, got successes=-1"),
        (lambda: stats.share_interval(11, 10), "successes must not exceed trials"),
        (lambda: stats.share_interval(2.5, 10), r"successes must be a whole number.*2\.5"),
        (lambda: stats.share_interval(1, 0), "trials must be at least 1"),
        (lambda: stats.share_interval(1, 10, level=1.0), "level must be .* got level=1.0"),
        (lambda: stats.share_interval(1, 10, level=0), "level must be"),
        (lambda: stats.share_interval(1, 10, method="exact"), "method='exact' is not one of"),
        (lambda: stats.difference_interval(1, 10, 3, 2), "successes2 must not exceed trials2"),
        (lambda: stats.difference_interval(1, 10, 1, 10, method="x"), "'newcombe'"),
        (
            lambda: stats.ratio_interval(0, 10, 3, 10, method="katz"),
            "successes1=0; use method='koopman'",
        ),
        (lambda: stats.ratio_interval(1, -10, 3, 10), "trials1 must not be negative"),
        (lambda: stats.paired_difference_interval(1, -2, 3, 4), "first_only must not be negative"),
        (lambda: stats.paired_ratio_interval(0, 0, 0, 0), "all zero"),
        (lambda: stats.paired_ratio_interval(1, 2, 3, 4, method="wald"), "'tang', 'bonett-price'"),
        (
            lambda: stats.paired_ratio_interval(0, 0, 3, 4, method="wald-log"),
            r"both \+ first_only above zero.*use method='tang'",
        ),
        (
            lambda: stats.paired_ratio_interval(0, 3, 0, 4, method="wald-log"),
            r"both \+ second_only above zero",
        ),
        (lambda: stats.weighted_share_interval([1, 0, 2]), r"indicator\[2\]=2.0"),
        (lambda: stats.weighted_share_interval([1, 0], [1.0, -1.0]), r"weights\[1\]=-1.0"),
        (lambda: stats.weighted_share_interval([1, 0], [0.0, 0.0]), "weights are all zero"),
        (lambda: stats.weighted_share_interval([1, 0], [1.0]), "weights has length 1"),
        (
            lambda: stats.overlap_share_difference([1, 0, 1], [1, 1], [0, 1, 1]),
            "in_group1 has length 2",
        ),
        (lambda: stats.overlap_share_difference([1, 0], [1, 2], [0, 1]), r"in_group1\[1\]=2"),
        (lambda: stats.overlap_share_difference([1, 0], [1, 0], [0, 0]), "group 2 has no"),
        (
            lambda: stats.overlap_mean_difference([1.0, 2.0], [1, 1], [1, 1], method="jackknife"),
            "'linearization', 'bootstrap'",
        ),
        (lambda: stats.mean_interval([1.0]), "at least 2"),
        (lambda: stats.mean_interval([1.0, 2.0], [1.0, np.nan]), r"weights contains a missing"),
        (
            lambda: stats.mean_difference_interval([1.0, 2.0], [1.0, 3.0], None, [1.0]),
            "weights2 has length 1",
        ),
        (lambda: stats.kish_effective_n([-1.0, 2.0]), r"weights\[0\]=-1.0"),
        (lambda: stats.design_effect([0.0, 0.0]), "all zero"),
        (lambda: stats.two_proportion_test(5, 4, 1, 2), "successes1 must not exceed trials1"),
        (lambda: stats.mcnemar_test(-1, 2), "first_only must not be negative"),
        (lambda: stats.adjust_p_values([0.1, 1.2]), r"p_values\[1\]=1.2"),
        (lambda: stats.adjust_p_values([0.1], method="bonferroni"), "'holm'"),
        (lambda: stats.rake({"a": ["x"]}, {"a": {"x": -1.0}}), "non-negative"),
        (
            lambda: stats.weighted_share_interval([1, 0], [1.0, 2.0], effective_n="exact"),
            "effective_n='exact' is not one of: 'design', 'kish'",
        ),
        (
            lambda: stats.weighted_share_interval([1, 0, 1], [1.0, 2.0, 1.0], domain=[1, 0]),
            "indicator has length 3, domain has length 2",
        ),
        (
            lambda: stats.weighted_share_interval([1, 0], [1.0, 2.0], domain=[0, 0]),
            "positive weight in the domain",
        ),
        (lambda: stats.weighted_share_interval([1, 0], [1.0, 2.0], df=0), "df must be a positive"),
        (lambda: stats.korn_graubard_interval(1.2, 10), r"estimate must lie in \[0, 1\]"),
        (lambda: stats.korn_graubard_interval(0.2, 0), "n_effective must be positive"),
        (
            lambda: stats.overlap_share_difference([1, 0], [1, 0], [0, 1], effective_n="x"),
            "effective_n='x'",
        ),
    ],
)
def test_bad_input(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_numpy_integer_and_integral_float_counts_accepted():
    a = stats.share_interval(np.int64(3), np.int32(10))
    b = stats.share_interval(3.0, 10.0)
    assert a == b


def test_unknown_method_lists_valid_ones():
    with pytest.raises(ValueError) as info:
        stats.share_interval(1, 2, method="bogus")
    for name in stats.SHARE_METHODS:
        assert repr(name) in str(info.value)


def test_paired_ratio_default_is_tang():
    # Tang replaced Bonett-Price as the default: Bonett-Price over-covers at n = 100
    # (mean 96.07% for a 95% level in benchmarks/coverage.py; Tang 95.17%).
    default = stats.paired_ratio_interval(59, 6, 16, 80)
    assert default == stats.paired_ratio_interval(59, 6, 16, 80, method="tang")
    assert default.method == "tang"
    assert stats.PAIRED_RATIO_METHODS[0] == "tang"
