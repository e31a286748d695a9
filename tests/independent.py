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
    m = either.sum()
    se = np.sqrt(m / (m - 1) * np.sum(u**2))
    z = (p1 - p2) / se
    return p1 - p2, 2 * norm.sf(abs(z))


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
    raw = {pid: linearized_difference(profile_values(base, pid), g1, g2) for pid in profile_ids}
    reject, adjusted, _, _ = multipletests([p for _, p in raw.values()], alpha=1 - level,
                                           method="holm")
    return {
        f"profile.{pid}.difference": {"estimate": diff, "p_value": adj, "significant": bool(rej)}
        for (pid, (diff, _)), adj, rej in zip(raw.items(), adjusted, reject, strict=True)
    }
