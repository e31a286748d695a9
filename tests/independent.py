"""Figures computed directly from the cleaned respondents, without survey_analysis.stats.

Point estimates and bases with plain pandas; intervals and tests with statsmodels; the
overlapping-groups difference by writing its linearization out here.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.stats import norm
from statsmodels.stats.contingency_tables import mcnemar
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import proportion_confint


def framework_frame(respondents: pd.DataFrame) -> pd.DataFrame:
    base = respondents[respondents["frameworks_answered"] == True].copy()  # noqa: E712
    base["tf"] = base["framework_tensorflow"] == True  # noqa: E712
    base["pt"] = base["framework_pytorch"] == True  # noqa: E712
    return base


def headline(respondents: pd.DataFrame, level: float = 0.95) -> dict[str, dict]:
    base = framework_frame(respondents)
    tf, pt = base["tf"], base["pt"]
    groups = {"either": tf | pt, "tensorflow": tf, "pytorch": pt, "both": tf & pt,
              "tensorflow_only": tf & ~pt, "pytorch_only": pt & ~tf}
    out = {}
    for name, members in groups.items():
        k, n = int(members.sum()), len(base)
        lo, hi = proportion_confint(k, n, alpha=1 - level, method="wilson")
        out[f"share.{name}"] = {"estimate": k / n, "lower": lo, "upper": hi, "n": n}
    for rid, target, given in (("tensorflow_given_pytorch", tf, pt),
                               ("pytorch_given_tensorflow", pt, tf)):
        k, n = int((target & given).sum()), int(given.sum())
        lo, hi = proportion_confint(k, n, alpha=1 - level, method="wilson")
        out[f"conditional.{rid}"] = {"estimate": k / n, "lower": lo, "upper": hi, "n": n}
    a, b = int((tf & pt).sum()), int((tf & ~pt).sum())
    c, d = int((pt & ~tf).sum()), int((~tf & ~pt).sum())
    p = mcnemar([[a, b], [c, d]], exact=False, correction=True).pvalue
    out["ratio.tensorflow_to_pytorch"] = {"estimate": tf.sum() / pt.sum(), "n": len(base),
                                          "p_value": p, "significant": p < 1 - level}
    return out


def linearized_difference(values: np.ndarray, g1: np.ndarray, g2: np.ndarray) -> tuple[
    float, float
]:
    """(difference, two-sided p) of group means when groups overlap (Taylor linearization)."""
    answered = ~np.isnan(values)
    g1, g2 = g1 & answered, g2 & answered
    y = np.where(answered, values, 0.0)
    n1, n2 = g1.sum(), g2.sum()
    p1, p2 = y[g1].mean(), y[g2].mean()
    either = g1 | g2
    u = (g1 * (y - p1) / n1 - g2 * (y - p2) / n2)[either]
    m = answered.sum()  # the design's N, as R survey's svyratio + svycontrast (issue 12)
    se = np.sqrt(m / (m - 1) * np.sum(u**2))
    z = (p1 - p2) / se
    return p1 - p2, 2 * norm.sf(abs(z))


def mover_wilson_difference(values: np.ndarray, g1: np.ndarray, g2: np.ndarray,
                            level: float = 0.95) -> tuple[float, float, float, float]:
    """(difference, lower, upper, p) for overlapping groups, written out from Zou & Donner (2008):
    statsmodels' Wilson limits per group, correlation from the linearized covariance, and the
    p-value found by bisecting on the level until the nearer limit reaches zero."""
    answered = ~np.isnan(values)
    g1, g2 = g1 & answered, g2 & answered
    y = np.where(answered, values, 0.0)
    n1, n2 = int(g1.sum()), int(g2.sum())
    p1, p2 = y[g1].mean(), y[g2].mean()
    either = g1 | g2
    u1 = (g1 * (y - p1) / n1)[either]
    u2 = (g2 * (y - p2) / n2)[either]
    r = np.sum(u1 * u2) / np.sqrt(np.sum(u1**2) * np.sum(u2**2))
    d = p1 - p2

    def limits(lev):
        l1, h1 = proportion_confint(y[g1].sum(), n1, alpha=1 - lev, method="wilson")
        l2, h2 = proportion_confint(y[g2].sum(), n2, alpha=1 - lev, method="wilson")
        lo = d - np.sqrt((p1 - l1) ** 2 + (h2 - p2) ** 2 - 2 * r * (p1 - l1) * (h2 - p2))
        hi = d + np.sqrt((h1 - p1) ** 2 + (p2 - l2) ** 2 - 2 * r * (h1 - p1) * (p2 - l2))
        return lo, hi

    lo, hi = limits(level)
    low_level, high_level = 1e-12, 1 - 1e-15
    for _ in range(200):  # plain bisection: the level where the nearer limit is zero
        mid = (low_level + high_level) / 2
        nearer = limits(mid)[0] if d > 0 else -limits(mid)[1]
        low_level, high_level = (mid, high_level) if nearer > 0 else (low_level, mid)
    return d, lo, hi, 1 - low_level


def profile_values(respondents: pd.DataFrame, profile_id: str) -> np.ndarray:
    """The demo source's profile definitions, written out independently of sources.yaml."""
    r = respondents
    direct = {"production": "activity_production", "cloud_deployment": "activity_cloud_deployment",
              "ml_developer": "role_ml_developer", "software_architect": "role_software_architect",
              "programmer_in_company": "role_programmer_in_company",
              "business_analysis": "activity_business_analysis",
              "backend_experience": "backend_experience_years"}
    if profile_id in direct:
        return r[direct[profile_id]].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    web = r["builds_web_apps"].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    python = (r["primary_language"] == "python").astype("Float64").to_numpy(
        dtype=float, na_value=np.nan)
    both = web * python
    # Known False on either side is False even if the other is unknown (Kleene logic).
    both[(web == 0) | (python == 0)] = 0.0
    return both


def profile_differences(respondents: pd.DataFrame, profile_ids: list[str],
                        level: float = 0.95) -> dict[str, dict]:
    base = framework_frame(respondents)
    g1, g2 = base["tf"].to_numpy(), base["pt"].to_numpy()
    raw = {}
    for pid in profile_ids:
        values = profile_values(base, pid)
        if pid == "backend_experience":  # a mean: linearized z
            diff, p = linearized_difference(values, g1, g2)
            raw[pid] = {"estimate": diff, "p": p}
        else:
            diff, lo, hi, p = mover_wilson_difference(values, g1, g2, level)
            raw[pid] = {"estimate": diff, "lower": lo, "upper": hi, "p": p}
    reject, adjusted, _, _ = multipletests([v["p"] for v in raw.values()], alpha=1 - level,
                                           method="holm")
    out = {}
    for (pid, values), adj, rej in zip(raw.items(), adjusted, reject, strict=True):
        record = {k: v for k, v in values.items() if k != "p"}
        out[f"profile.{pid}.difference"] = {**record, "p_value": adj, "significant": bool(rej)}
    return out
