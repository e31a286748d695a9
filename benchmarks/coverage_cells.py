"""Coverage away from the null, for overlapping groups and for informative weights.

Run: ``python benchmarks/coverage_cells.py`` (or as part of ``benchmarks/coverage.py``).
Every cell prints coverage, its Monte Carlo standard error ("exact" where the outcomes are
enumerated) and the misses below (interval wholly below the truth) and above, separately.

Sections:

1. two-sample differences and ratios at p1 != p2: EXACT enumeration of both binomials
   (outcomes with probability below 1e-13 in a tail left out), balanced n and 10:1;
2. paired differences and ratios at p1 != p2 (correlation 0.3 between the answers): EXACT
   multinomial enumeration for n = 30 and 100, seeded simulation for n = 1000;
3. overlapping groups (fixed memberships, answers drawn per respondent): the 60/30 groups
   with 15 shared are EXACT (the three membership cells' binomials enumerated); the article's
   proportions (TensorFlow's group 3.4 times PyTorch's, 15% of TensorFlow users also on
   PyTorch) are simulated;
4. weighted cells with informative weights: weight classes 0.5/1/2/4, class shares set for a
   Kish design effect of 1.3, 1.66 or 2.0, the answer's log-odds rising or falling by 0.6 per
   doubling of the weight (or independent of it), n = 200 and 1000; the truth is the
   population share the weighted estimator targets. Shares, independent-group differences
   and overlapping-group differences, simulated (seeded).

The simulations work on sufficient statistics (counts per membership cell and weight class),
so that the linearization variance, the effective sizes and every interval are computed for
all replicates at once; :func:`self_check` confirms on a few replicates that these vectorised
formulas give exactly what ``survey_analysis.stats`` gives from respondent-level arrays.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np
from scipy.special import expit, gammaln, logit
from scipy.stats import binom
from scipy.stats import t as t_dist

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from survey_analysis import stats
from survey_analysis.stats.difference import DIFFERENCE_METHODS, difference_bounds
from survey_analysis.stats.paired import (
    PAIRED_DIFFERENCE_METHODS,
    PAIRED_RATIO_METHODS,
    paired_difference_bounds,
    paired_ratio_bounds,
)
from survey_analysis.stats.proportion import share_bounds
from survey_analysis.stats.ratio import RATIO_METHODS, ratio_bounds

LEVEL = 0.95
SEED = 20261201
REPS = 20_000
PAIRS = ((0.02, 0.10), (0.05, 0.15), (0.10, 0.30), (0.20, 0.40), (0.30, 0.50), (0.40, 0.70))
SIZES = ((30, 30), (100, 100), (1000, 1000), (300, 30), (30, 300), (1000, 100), (100, 1000))
PAIRED_NS = (30, 100, 1000)
PAIRED_RHO = 0.3
WEIGHT_CLASSES = np.array([0.5, 1.0, 2.0, 4.0])
DEFFS = (1.3, 1.66, 2.0)
SLOPES = {"rising": 0.6, "falling": -0.6, "none": 0.0}  # log-odds per doubling of the weight
WEIGHTED_PS = (0.05, 0.10, 0.20, 0.35, 0.50)
WEIGHTED_NS = (200, 1000)


def covers(lower, upper, truth):
    return (lower <= truth + 1e-12) & (truth - 1e-12 <= upper)


class Cell:
    """Coverage with misses below/above; probability weights (exact) or replicates (simulated)."""

    def __init__(self, lower, upper, truth, prob=None):
        lower, upper = np.asarray(lower, float), np.asarray(upper, float)
        below = np.nan_to_num(upper < truth - 1e-12).astype(float)  # NaN limits: a miss
        above = np.nan_to_num(lower > truth + 1e-12).astype(float)
        hit = np.nan_to_num(covers(lower, upper, truth)).astype(float)
        undefined = 1.0 - np.clip(hit + below + above, 0, 1)
        if prob is None:
            self.coverage, self.below, self.above = hit.mean(), below.mean(), above.mean()
            self.below += undefined.mean()
            self.se = float(np.sqrt(self.coverage * (1 - self.coverage) / hit.size))
        else:
            total = prob.sum()
            self.coverage = float(prob @ hit / total)
            self.below = float(prob @ (below + undefined) / total)
            self.above = float(prob @ above / total)
            self.se = None

    def text(self) -> str:
        se = "exact " if self.se is None else f"±{self.se:.4f}"
        return f"{self.coverage:.4f} {se} {100 * self.below:4.1f}/{100 * self.above:4.1f}"


def print_table(title, columns, rows, defaults):
    print(f"\n{title}")
    print("  cell: coverage, Monte Carlo SE (exact = enumerated), % missed below / above")
    head = f"{'method':<28}{'cells':<12}" + "".join(f"{c:<28}" for c in columns) + "mean"
    print(head)
    print("-" * len(head))
    for (method, config), cells in rows.items():
        star = "*" if method in defaults else " "
        mean = np.mean([c.coverage for c in cells])
        print(f"{method + star:<28}{config:<12}" + "".join(f"{c.text():<28}" for c in cells)
              + f"{mean:.4f}")


# 1. two-sample at p1 != p2 -------------------------------------------------------------


def _support(n, p, tail=1e-13):
    return np.arange(int(binom.ppf(tail, n, p)), int(binom.isf(tail, n, p)) + 1)


def two_sample_section():
    diff_rows, ratio_rows = {}, {}
    for n1, n2 in SIZES:
        config = f"{n1}/{n2}"
        for p1, p2 in PAIRS:
            s1, s2 = _support(n1, p1), _support(n2, p2)
            x1, x2 = (v.ravel() for v in np.meshgrid(s1, s2, indexing="ij"))
            prob = binom.pmf(x1, n1, p1) * binom.pmf(x2, n2, p2)
            for method in DIFFERENCE_METHODS:
                lo, hi = difference_bounds(x1, n1, x2, n2, LEVEL, method)
                diff_rows.setdefault((method, config), []).append(Cell(lo, hi, p1 - p2, prob))
            for method in RATIO_METHODS:
                lo, hi = ratio_bounds(x1, n1, x2, n2, LEVEL, method)
                ratio_rows.setdefault((method, config), []).append(Cell(lo, hi, p1 / p2, prob))
    cols = [f"{p1} vs {p2}" for p1, p2 in PAIRS]
    print_table("1a. Independent difference p1 - p2, exact (n1/n2)", cols, diff_rows,
                {"newcombe"})
    print_table("1b. Independent ratio p1 / p2, exact (n1/n2)", cols, ratio_rows, {"koopman"})
    return diff_rows, ratio_rows


# 2. paired at p1 != p2 -----------------------------------------------------------------


def paired_probs(p1, p2, rho=PAIRED_RHO):
    p11 = p1 * p2 + rho * np.sqrt(p1 * (1 - p1) * p2 * (1 - p2))
    return np.array([p11, p1 - p11, p2 - p11, 1 - p1 - p2 + p11])


def paired_section(rng):
    rows_d, rows_r = {}, {}
    for n in PAIRED_NS:
        for p1, p2 in PAIRS:
            probs = paired_probs(p1, p2)
            if n <= 100:
                a, b, c = (v.ravel() for v in np.meshgrid(*(np.arange(n + 1),) * 3,
                                                          indexing="ij"))
                keep = a + b + c <= n
                a, b, c = a[keep], b[keep], c[keep]
                d = n - a - b - c
                cells = np.stack([a, b, c, d], axis=1).astype(float)
                logc = gammaln(n + 1) - gammaln(cells + 1).sum(axis=1)
                with np.errstate(divide="ignore"):
                    prob = np.exp(logc + cells @ np.log(probs))
            else:
                a, b, c, d = rng.multinomial(n, probs, size=REPS).T
                prob = None
            for method in PAIRED_DIFFERENCE_METHODS:
                lo, hi = paired_difference_bounds(a, b, c, d, LEVEL, method)
                rows_d.setdefault((method, str(n)), []).append(Cell(lo, hi, p1 - p2, prob))
            for method in PAIRED_RATIO_METHODS:
                with np.errstate(all="ignore"):
                    lo, hi = paired_ratio_bounds(a, b, c, d, LEVEL, method)
                rows_r.setdefault((method, str(n)), []).append(Cell(lo, hi, p1 / p2, prob))
    cols = [f"{p1} vs {p2}" for p1, p2 in PAIRS]
    print_table(f"2a. Paired difference, rho = {PAIRED_RHO} (n; n = 1000 simulated, "
                f"{REPS} replicates)", cols, rows_d, {"newcombe"})
    print_table("2b. Paired ratio (same tables)", cols, rows_r, {"tang"})
    return rows_d, rows_r


# Groups from sufficient statistics ------------------------------------------------------


def group_stats(m, x, w, in1, in2, big_n):
    """Shares, variances, covariance and sizes of two (possibly overlapping) groups.

    ``m``/``x`` are (reps, cells) counts and successes, ``w`` (cells,) weights and
    ``in1``/``in2`` (cells,) memberships. The linearization sums follow overlap.py:
    sum_i u_i^2 over a cell of m respondents with x yeses is w^2 [x (1-p)^2 + (m-x) p^2]/W^2.
    """
    out = {}
    for k, g in ((1, in1), (2, in2)):
        wg = w * g
        total = m @ wg
        p = (x @ wg) / np.where(total > 0, total, 1.0)
        ss = (x * (1 - p[:, None]) ** 2 + (m - x) * p[:, None] ** 2) @ (wg * wg)
        out[k] = {"p": p, "W": total, "v": big_n / (big_n - 1) * ss / total**2,
                  "n": m @ g.astype(float), "kish": total**2 / (m @ (wg * wg))}
    p1, p2 = out[1]["p"][:, None], out[2]["p"][:, None]
    both = w * w * in1 * in2
    cross = (x * (1 - p1) * (1 - p2) + (m - x) * p1 * p2) @ both
    out["cov"] = big_n / (big_n - 1) * cross / (out[1]["W"] * out[2]["W"])
    return out


def design_n(g):
    p, v, n = g["p"], g["v"], g["n"]
    with np.errstate(divide="ignore", invalid="ignore"):
        ne = np.where((p > 0) & (p < 1) & (v > 0), p * (1 - p) / v, n)
    return np.minimum(ne, n)


def share_limits(p, ne, n, method):
    """Vectorised twin of weighted.pseudo_count_bounds at df = n - 1 (factor 1)."""
    if method == "logit":
        with np.errstate(divide="ignore", invalid="ignore"):
            half = t_dist.ppf(0.5 + LEVEL / 2, n - 1) / np.sqrt(p * (1 - p) * ne)
            lo, hi = expit(logit(p) - half), expit(logit(p) + half)
        kl, kh = share_bounds(p * ne, ne, LEVEL, "clopper-pearson")
        edge = (p <= 0) | (p >= 1)
        return np.where(edge, kl, lo), np.where(edge, kh, hi)
    return share_bounds(p * ne, ne, LEVEL,
                        "clopper-pearson" if method == "korn-graubard" else method)


def mover(g, r, lev_method="wilson", which="design"):
    est = []
    for k in (1, 2):
        ne = design_n(g[k]) if which == "design" else (g[k]["kish"] if which == "kish"
                                                       else g[k]["n"])
        lo, hi = share_limits(g[k]["p"], ne, g[k]["n"], lev_method)
        est.append((g[k]["p"], lo, hi))
    (p1, l1, u1), (p2, l2, u2) = est
    d = p1 - p2
    lower = d - np.sqrt(np.maximum((p1 - l1) ** 2 + (u2 - p2) ** 2 - 2 * r * (p1 - l1) * (u2 - p2),
                                   0))
    upper = d + np.sqrt(np.maximum((u1 - p1) ** 2 + (p2 - l2) ** 2 - 2 * r * (u1 - p1) * (p2 - l2),
                                   0))
    return lower, upper


def correlation(g):
    v1, v2 = g[1]["v"], g[2]["v"]
    with np.errstate(divide="ignore", invalid="ignore"):
        r = g["cov"] / np.sqrt(v1 * v2)
    return np.where((v1 > 0) & (v2 > 0), r, 0.0)


def linearization(g):
    d = g[1]["p"] - g[2]["p"]
    se = np.sqrt(np.maximum(g[1]["v"] + g[2]["v"] - 2 * g["cov"], 0))
    z = t_dist.ppf(0.5 + LEVEL / 2, 1e300)
    return np.maximum(d - z * se, -1), np.minimum(d + z * se, 1)


# 3. overlapping groups -------------------------------------------------------------------

OVERLAP_SIZES = {
    "60/30, 15 shared": (45, 15, 15),
    "article, PT=100": (289, 49, 51),
    "article, PT=1000": (2890, 490, 510),
}
OVERLAP_PS = (0.02, 0.05, 0.10, 0.30)


def overlap_section(rng):
    rows = {}
    for label, (a, b, c) in OVERLAP_SIZES.items():
        sizes = np.array([a, b, c])
        in1, in2 = np.array([1, 0, 1.0]), np.array([0, 1, 1.0])
        w = np.ones(3)
        for p in OVERLAP_PS:
            for effect in ("null", "1.5x"):
                # group 1 only has the trait 1.5 times as often as the rest: p1 != p2
                probs = np.array([p * (1.5 if effect == "1.5x" else 1.0), p, p])
                truth = ((probs @ (sizes * in1)) / (sizes @ in1)
                         - (probs @ (sizes * in2)) / (sizes @ in2))
                exact = a <= 100
                if exact:
                    grids = np.meshgrid(*(np.arange(s + 1) for s in sizes), indexing="ij")
                    x = np.stack([g.ravel() for g in grids], axis=1).astype(float)
                    prob = np.prod([binom.pmf(x[:, j], sizes[j], probs[j]) for j in range(3)],
                                   axis=0)
                else:
                    x = np.stack([rng.binomial(s, q, size=REPS) for s, q in zip(sizes, probs,
                                                                                   strict=True)],
                                 axis=1).astype(float)
                    prob = None
                m = np.broadcast_to(sizes.astype(float), x.shape)
                g = group_stats(m, x, w, in1, in2, float(sizes.sum()))
                r = correlation(g)
                col = f"p={p} {effect}"
                for method, (lo, hi) in {
                    "mover-wilson": mover(g, r, "wilson", "unweighted"),
                    "mover-jeffreys": mover(g, r, "jeffreys", "unweighted"),
                    "linearization": linearization(g),
                }.items():
                    rows.setdefault((label, method), {})[col] = Cell(lo, hi, truth, prob)
    cols = [f"p={p} {e}" for p in OVERLAP_PS for e in ("null", "1.5x")]
    print("\n3. Overlapping groups, unweighted (only-1/only-2/both sizes; 60/30 exact, article "
          f"sizes simulated, {REPS} replicates)")
    for label, sizes in OVERLAP_SIZES.items():
        table = {(method, ""): [cells[c] for c in cols]
                 for (lab, method), cells in rows.items() if lab == label}
        print_table(f"   {label}: {sizes}", cols, table, {"mover-wilson"})
    return rows


# 4. weighted cells -----------------------------------------------------------------------


def class_shares(deff):
    """Sample shares of the weight classes with Kish design effect ``deff``."""
    uniform = np.full(4, 0.25)
    target = np.array([0.8, 0.0, 0.0, 0.2]) if deff > 1.511 else np.array([0.0, 0.5, 0.5, 0.0])

    def kish(s):
        return (s @ WEIGHT_CLASSES**2) / (s @ WEIGHT_CLASSES) ** 2

    lo, hi = 0.0, 1.0
    for _ in range(60):
        mid = (lo + hi) / 2
        s = (1 - mid) * uniform + mid * target
        if (kish(s) < deff) == (deff > 1.511):
            lo = mid
        else:
            hi = mid
    return (1 - lo) * uniform + lo * target


def class_probs(share_target, slope, s):
    """Answer probability per weight class, log-odds linear in log2(w), hitting the target."""
    pop = s * WEIGHT_CLASSES / (s @ WEIGHT_CLASSES)  # population shares of the classes
    lo, hi = -20.0, 20.0
    for _ in range(80):
        mid = (lo + hi) / 2
        probs = expit(mid + slope * np.log2(WEIGHT_CLASSES))
        lo, hi = (mid, hi) if pop @ probs < share_target else (lo, mid)
    return expit(lo + slope * np.log2(WEIGHT_CLASSES))


SHARE_VARIANTS = (
    ("wilson", "kish"), ("wilson", "design"), ("korn-graubard", "design"),
    ("logit", "design"), ("jeffreys", "design"), ("agresti-coull", "design"),
)


def draw_weighted(rng, n, s, probs, reps=REPS):
    m = rng.multinomial(n, s, size=reps).astype(float)
    x = rng.binomial(m.astype(np.int64), probs).astype(float)
    return m, x


def weighted_share_section(rng):
    rows, cols = {}, []
    for n in WEIGHTED_NS:
        for deff in DEFFS:
            s = class_shares(deff)
            for direction, slope in SLOPES.items():
                for target in WEIGHTED_PS:
                    probs = class_probs(target, slope, s)
                    m, x = draw_weighted(rng, n, s, probs)
                    one = np.ones(4)
                    g = group_stats(m, x, WEIGHT_CLASSES, one, one, float(n))[1]
                    col = (direction, deff, target)
                    for method, how in SHARE_VARIANTS:
                        ne = design_n(g) if how == "design" else g["kish"]
                        lo, hi = share_limits(g["p"], ne, g["n"], method)
                        rows.setdefault((f"{method} ({how})", n), {})[col] = Cell(lo, hi, target)
                    if col not in cols:
                        cols.append(col)
    return rows, cols


def print_weighted(rows, cols, title, defaults):
    print(f"\n{title}")
    print("  per cell: coverage ±MC SE, % missed below/above; mean = over the cells shown")
    for direction in SLOPES:
        sub = [c for c in cols if c[0] == direction]
        heads = [f"deff {c[1]} P={c[2]}" for c in sub]
        print(f"\n  answer {direction} with the weight"
              + ("" if direction != "none" else " (not informative)"))
        for n in WEIGHTED_NS:
            table = {(method, str(nn)): [cells[c] for c in sub]
                     for (method, nn), cells in rows.items() if nn == n}
            # one line per method, cells in groups of 5 to keep lines readable
            for chunk in range(0, len(sub), 5):
                print_table(f"  n = {n}", heads[chunk:chunk + 5],
                            {k: v[chunk:chunk + 5] for k, v in table.items()}, defaults)


def weighted_comparison_section(rng):
    """Independent-group differences and overlapping-group differences with informative weights."""
    rows = {}
    for n in WEIGHTED_NS:
        s = class_shares(1.66)
        for direction, slope in (("rising", 0.6), ("falling", -0.6)):
            # independent groups of n/2 each, P1 != P2
            for p1, p2 in ((0.10, 0.30), (0.02, 0.10)):
                pr1, pr2 = class_probs(p1, slope, s), class_probs(p2, slope, s)
                m1, x1 = draw_weighted(rng, n // 2, s, pr1)
                m2, x2 = draw_weighted(rng, n // 2, s, pr2)
                one = np.ones(4)
                g1 = group_stats(m1, x1, WEIGHT_CLASSES, one, one, n / 2)[1]
                g2 = group_stats(m2, x2, WEIGHT_CLASSES, one, one, n / 2)[1]
                col = f"{direction} {p1} vs {p2}"
                for how in ("design", "kish"):
                    ne1 = design_n(g1) if how == "design" else g1["kish"]
                    ne2 = design_n(g2) if how == "design" else g2["kish"]
                    lo, hi = difference_bounds(g1["p"] * ne1, ne1, g2["p"] * ne2, ne2, LEVEL,
                                               "newcombe")
                    rows.setdefault(("independent", f"newcombe ({how})", n), {})[col] = Cell(
                        lo, hi, p1 - p2)
            # overlapping groups: n respondents, 40% in group 1 only, 20% in 2 only, 20% both,
            # 20% in neither; the trait 1.5x as common in group 1 only
            for target in (0.05, 0.30):
                shares = np.array([0.4, 0.2, 0.2, 0.2])
                sizes = (shares * n).astype(int)
                mem1, mem2 = np.array([1, 0, 1, 0.0]), np.array([0, 1, 1, 0.0])
                effect = np.array([1.5, 1.0, 1.0, 1.0])
                probs = np.clip(np.outer(effect, class_probs(target, slope, s)), 0, 1)
                ms, xs = [], []
                for j in range(4):
                    mj, xj = draw_weighted(rng, sizes[j], s, probs[j])
                    ms.append(mj)
                    xs.append(xj)
                m, x = np.concatenate(ms, axis=1), np.concatenate(xs, axis=1)
                w = np.tile(WEIGHT_CLASSES, 4)
                in1, in2 = np.repeat(mem1, 4), np.repeat(mem2, 4)
                pop = s * WEIGHT_CLASSES / (s @ WEIGHT_CLASSES)
                cell_p = probs @ pop  # each membership cell's population share
                wt = sizes * (s @ WEIGHT_CLASSES)
                truth = (cell_p @ (wt * mem1)) / (wt @ mem1) - (cell_p @ (wt * mem2)) / (wt @ mem2)
                g = group_stats(m, x, w, in1, in2, float(sizes.sum()))
                r = correlation(g)
                col = f"{direction} P={target}"
                for method, (lo, hi) in {
                    "mover-wilson (design)": mover(g, r, "wilson", "design"),
                    "mover-wilson (kish)": mover(g, r, "wilson", "kish"),
                    "linearization": linearization(g),
                }.items():
                    rows.setdefault(("overlap", method, n), {})[col] = Cell(lo, hi, truth)
    for kind in ("independent", "overlap"):
        table = {}
        cols = None
        for (k, method, n), cells in rows.items():
            if k == kind:
                cols = list(cells)
                table[(method, str(n))] = list(cells.values())
        defaults = {"newcombe (design)", "mover-wilson (design)"}
        title = ("4b. Weighted independent-group differences (n/2 per group, deff 1.66)"
                 if kind == "independent" else
                 "4c. Weighted overlapping groups (40% only-1, 20% only-2, 20% both, deff 1.66; "
                 "trait 1.5x in only-1)")
        print_table(title, cols, table, defaults)
    return rows


def self_check(rng) -> None:
    """The vectorised formulas above give what the library gives from respondent arrays."""
    s = class_shares(1.66)
    probs = class_probs(0.2, 0.6, s)
    for _ in range(5):
        n = 60
        cls = rng.choice(4, size=n, p=s)
        w = WEIGHT_CLASSES[cls]
        y = (rng.random(n) < probs[cls]).astype(float)
        member = rng.choice(4, size=n, p=[0.4, 0.2, 0.2, 0.2])
        g1, g2 = np.isin(member, [0, 2]), np.isin(member, [1, 2])
        cells = member * 4 + cls
        m = np.bincount(cells, minlength=16)[None, :].astype(float)
        x = np.bincount(cells, weights=y, minlength=16)[None, :]
        wc = np.tile(WEIGHT_CLASSES, 4)
        in1, in2 = np.repeat([1, 0, 1, 0.0], 4), np.repeat([0, 1, 1, 0.0], 4)
        g = group_stats(m, x, wc, in1, in2, float(n))
        lo, hi = mover(g, correlation(g), "wilson", "design")
        ref = stats.overlap_share_difference(y, g1, g2, weights=w, level=LEVEL)
        assert np.allclose([lo[0], hi[0]], [ref.lower, ref.upper], atol=1e-9), (lo, hi, ref)
        lo, hi = linearization(g)
        ref = stats.overlap_share_difference(y, g1, g2, weights=w, level=LEVEL,
                                             method="linearization")
        assert np.allclose([lo[0], hi[0]], [ref.lower, ref.upper], atol=1e-9)
        one = np.ones(4)
        single = group_stats(np.bincount(cls, minlength=4)[None, :].astype(float),
                             np.bincount(cls, weights=y, minlength=4)[None, :],
                             WEIGHT_CLASSES, one, one, float(n))[1]
        for method in ("wilson", "korn-graubard", "logit"):
            lo, hi = share_limits(single["p"], design_n(single), single["n"], method)
            ref = stats.weighted_share_interval(y, w, LEVEL, method)
            assert np.allclose([lo[0], hi[0]], [ref.lower, ref.upper], atol=1e-9), method


def summary(weighted_rows, cols):
    print("\nWeighted shares: goal for the default, within 0.01 of nominal in every informative "
          "cell at n = 1000 and on average over the grid at n >= 200")
    print("  mean [min, max] coverage over the 15 cells (3 design effects x 5 shares) of each "
          "direction; 'all' = the 45 cells")
    for (method, n), cells in weighted_rows.items():
        parts = []
        for direction in (*SLOPES, "all"):
            cov = [cells[c].coverage for c in cols if direction in (c[0], "all")]
            parts.append(f"{direction} {np.mean(cov):.4f} [{min(cov):.4f}, {max(cov):.4f}]")
        informative = [cells[c] for c in cols if c[0] != "none"]
        below = np.mean([c.below for c in informative])
        above = np.mean([c.above for c in informative])
        print(f"  {method:<24} n={n:<5} " + "  ".join(parts)
              + f"  informative misses below/above {100 * below:.2f}%/{100 * above:.2f}%")


def main(sections=("two-sample", "paired", "overlap", "weighted")) -> None:
    start = time.perf_counter()

    def rng(k: int) -> np.random.Generator:
        # one stream per section, so a section's figures do not depend on which others ran
        return np.random.default_rng([SEED, k])

    self_check(rng(0))
    print("self-check: vectorised formulas agree with survey_analysis.stats (1e-9)")
    if "two-sample" in sections:
        two_sample_section()
    if "paired" in sections:
        paired_section(rng(2))
    if "overlap" in sections:
        overlap_section(rng(3))
    if "weighted" in sections:
        rows, cols = weighted_share_section(rng(4))
        print_weighted(rows, cols, f"4a. Weighted shares, informative weights ({REPS} "
                       f"replicates a cell, seed {SEED})", {"logit (design)"})
        weighted_comparison_section(rng(5))
        summary(rows, cols)
    print(f"\nwall time: {time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    main(tuple(sys.argv[1:]) or ("two-sample", "paired", "overlap", "weighted"))
