"""Property-based checks of the interval functions (hypothesis)."""

from __future__ import annotations

import itertools
import math

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from survey_analysis import stats

SETTINGS = settings(max_examples=120, deadline=None)
LEVELS = st.sampled_from([0.8, 0.9, 0.95, 0.99])
EPS = 1e-9

# Intervals centred on an adjusted (shrunk) estimate, which can exclude the plain
# estimate: add-2 Agresti-Coull at x = 0 or x = n (e.g. 1/1 at 80%: 0.32 to 0.88),
# Agresti-Caffo (0/1 vs 1/1), the paired Agresti-Min and Bonett-Price adjusted Walds
# (Agresti-Min misses (b - c)/n = -1 for the table (0, 0, 1, 0) at 80%; Bonett-Price
# only contains it at that table while z >= sqrt(1.5)). The adjusted-log and
# Price-Bonett ratios add pseudo-counts, so with a zero success count the estimate
# 0 (or infinity) lies outside their interval; with both counts positive they contain it.
SHARE_ADJUSTED = {"agresti-coull-add2"}
PAIRED_DIFFERENCE_ADJUSTED = {"agresti-min-wald", "bonett-price-wald"}
RATIO_PSEUDO_COUNTS = {"adjusted-log", "price-bonett"}


@st.composite
def binomial(draw, max_n: int = 400):
    n = draw(st.integers(1, max_n))
    return draw(st.integers(0, n)), n


@st.composite
def paired_cells(draw, max_cell: int = 120):
    cells = [draw(st.integers(0, max_cell)) for _ in range(4)]
    assume(sum(cells) > 0)
    return tuple(cells)


@pytest.mark.parametrize("method", stats.SHARE_METHODS)
@SETTINGS
@given(xn=binomial(), level=LEVELS)
def test_share_contains_estimate_and_mirrors(method, xn, level):
    x, n = xn
    r = stats.share_interval(x, n, level, method)
    assert 0.0 <= r.lower <= r.upper <= 1.0
    if method not in SHARE_ADJUSTED or 0 < x < n:
        assert r.lower <= r.estimate + EPS and r.estimate - EPS <= r.upper
    m = stats.share_interval(n - x, n, level, method)
    assert m.lower == pytest.approx(1 - r.upper, abs=1e-9)
    assert m.upper == pytest.approx(1 - r.lower, abs=1e-9)


@pytest.mark.parametrize("method", stats.SHARE_METHODS)
@SETTINGS
@given(xn=binomial(max_n=200), k=st.integers(2, 5))
def test_share_narrower_with_more_data(method, xn, k):
    x, n = xn
    small = stats.share_interval(x, n, 0.95, method)
    big = stats.share_interval(k * x, k * n, 0.95, method)
    assert big.upper - big.lower <= small.upper - small.lower + EPS


@pytest.mark.parametrize("method", stats.DIFFERENCE_METHODS)
@SETTINGS
@given(s1=binomial(300), s2=binomial(300), level=LEVELS)
def test_difference_contains_estimate_and_negates(method, s1, s2, level):
    r = stats.difference_interval(*s1, *s2, level, method)
    assert -1.0 <= r.lower <= r.upper <= 1.0
    if method != "agresti-caffo":  # centred on the adjusted estimate: 0/1 vs 1/1 excludes -1
        assert r.lower <= r.estimate + EPS and r.estimate - EPS <= r.upper
    s = stats.difference_interval(*s2, *s1, level, method)
    assert s.lower == pytest.approx(-r.upper, abs=1e-8)
    assert s.upper == pytest.approx(-r.lower, abs=1e-8)


@pytest.mark.parametrize("method", stats.DIFFERENCE_METHODS)
@SETTINGS
@given(s1=binomial(100), s2=binomial(100), k=st.integers(2, 4))
def test_difference_narrower_with_more_data(method, s1, s2, k):
    small = stats.difference_interval(*s1, *s2, 0.95, method)
    big = stats.difference_interval(k * s1[0], k * s1[1], k * s2[0], k * s2[1], 0.95, method)
    assert big.upper - big.lower <= small.upper - small.lower + 1e-8


@pytest.mark.parametrize("method", [m for m in stats.RATIO_METHODS if m != "katz"])
@SETTINGS
@given(s1=binomial(300), s2=binomial(300), level=LEVELS)
def test_ratio_contains_estimate_and_inverts(method, s1, s2, level):
    assume(s1[0] + s2[0] > 0)
    r = stats.ratio_interval(*s1, *s2, level, method)
    assert 0.0 <= r.lower <= r.upper
    zero = s1[0] == 0 or s2[0] == 0
    if math.isfinite(r.estimate) and not (method in RATIO_PSEUDO_COUNTS and zero):
        assert r.lower <= r.estimate * (1 + 1e-9) and r.estimate <= r.upper * (1 + 1e-9)
    s = stats.ratio_interval(*s2, *s1, level, method)
    _check_inverse(r, s)


@SETTINGS
@given(s1=binomial(300), s2=binomial(300), level=LEVELS)
def test_katz_inverts(s1, s2, level):
    assume(s1[0] > 0 and s2[0] > 0)
    r = stats.ratio_interval(*s1, *s2, level, "katz")
    s = stats.ratio_interval(*s2, *s1, level, "katz")
    assert r.lower <= r.estimate <= r.upper
    _check_inverse(r, s)


def _check_inverse(r, s):
    for a, b in ((r.lower, s.upper), (r.upper, s.lower)):
        if a == 0 or math.isinf(a):
            assert b == (math.inf if a == 0 else 0.0)
        else:
            assert 1 / a == pytest.approx(b, rel=1e-7)


@pytest.mark.parametrize("method", stats.PAIRED_DIFFERENCE_METHODS)
@SETTINGS
@given(cells=paired_cells(), level=LEVELS)
def test_paired_difference_properties(method, cells, level):
    a, b, c, d = cells
    r = stats.paired_difference_interval(a, b, c, d, level, method)
    assert -1.0 <= r.lower <= r.upper <= 1.0
    if method not in PAIRED_DIFFERENCE_ADJUSTED:
        assert r.lower <= r.estimate + EPS and r.estimate - EPS <= r.upper
    s = stats.paired_difference_interval(a, c, b, d, level, method)
    assert s.lower == pytest.approx(-r.upper, abs=1e-8)
    assert s.upper == pytest.approx(-r.lower, abs=1e-8)


@pytest.mark.parametrize("method", stats.PAIRED_DIFFERENCE_METHODS)
@SETTINGS
@given(cells=paired_cells(60), k=st.integers(2, 4))
def test_paired_difference_narrower_with_more_data(method, cells, k):
    small = stats.paired_difference_interval(*cells, 0.95, method)
    big = stats.paired_difference_interval(*(k * v for v in cells), 0.95, method)
    assert big.upper - big.lower <= small.upper - small.lower + 1e-8


@pytest.mark.parametrize("method", stats.PAIRED_RATIO_METHODS)
@SETTINGS
@given(cells=paired_cells(), level=LEVELS)
def test_paired_ratio_properties(method, cells, level):
    a, b, c, d = cells
    assume(a + b + c > 0)
    if method == "wald-log":  # undefined (raises) with a zero margin
        assume(a + b > 0 and a + c > 0)
    r = stats.paired_ratio_interval(a, b, c, d, level, method)
    assert 0.0 <= r.lower <= r.upper
    if math.isfinite(r.estimate):
        assert r.lower <= r.estimate * (1 + 1e-9) and r.estimate <= r.upper * (1 + 1e-9)
    s = stats.paired_ratio_interval(a, c, b, d, level, method)
    _check_inverse(r, s)


@SETTINGS
@given(xn=binomial(300), level=LEVELS)
def test_weighted_share_equals_unweighted_with_equal_weights(xn, level):
    x, n = xn
    y = [1.0] * x + [0.0] * (n - x)
    # Kish's n is n with equal weights, so the Kish interval is the unweighted one. The
    # design-based n (the default since issue 12) is n - 1 with equal weights, as in R's
    # svyciprop: the with-replacement variance carries the factor n/(n-1). Without weights
    # the design-based n is n.
    w = stats.weighted_share_interval(y, [3.0] * n, level, "wilson", effective_n="kish")
    u = stats.share_interval(x, n, level, "wilson")
    assert w.n_effective == pytest.approx(n)
    assert (w.lower, w.upper) == pytest.approx((u.lower, u.upper), abs=1e-9)
    plain = stats.weighted_share_interval(y, None, level, "wilson")
    assert plain.n_effective == n and plain.df == n - 1
    assert (plain.lower, plain.upper) == pytest.approx((u.lower, u.upper), abs=1e-9)
    design = stats.weighted_share_interval(y, [3.0] * n, level, "wilson")
    expected = n if x in (0, n) else n - 1
    assert design.n_effective == pytest.approx(expected)


@pytest.mark.parametrize("method", stats.PAIRED_RATIO_METHODS)
def test_paired_ratio_small_tables_invert_exhaustively(method):
    # regression: near-zero ratios once produced a spurious root (0,0,1,0)
    for cells in itertools.product(range(4), repeat=4):
        a, b, c, d = cells
        if a + b + c == 0 or (method == "wald-log" and (a + b == 0 or a + c == 0)):
            continue
        r = stats.paired_ratio_interval(a, b, c, d, 0.8, method)
        s = stats.paired_ratio_interval(a, c, b, d, 0.8, method)
        _check_inverse(r, s)
