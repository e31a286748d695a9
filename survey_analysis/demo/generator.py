"""Seeded generator of the SYNTHETIC demo survey exports (one CSV per wave).

Clean respondents are drawn per latent group (TensorFlow only, both, PyTorch only, neither,
ML/DS who skipped Q2, not ML/DS) with exact per-group counts, so the clean figures land on the
targets in ``calibration.yaml``; the deliberate mess is then added as extra or perturbed rows.
Everything is a pure function of the wave id and the calibration file.
"""

from __future__ import annotations

import copy
import gzip
import hashlib
import io
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

DEMO_WAVES: tuple[str, ...] = ("2018-h1", "2018-h2", "2019-h1", "2019-h2")

Q_COLUMNS: tuple[str, ...] = (
    "Q1_ml_involvement",
    "Q2_frameworks",
    "Q3_roles",
    "Q4_ml_usage",
    "Q5_backend_experience",
    "Q6_primary_language",
    "Q7_builds_web_apps",
)
COLUMNS: tuple[str, ...] = (
    "response_id",
    "respondent_token",
    "submitted_at",
    "duration_seconds",
    "region",
    "weight",
    *Q_COLUMNS,
)
ML_GROUPS: tuple[str, ...] = ("tf_only", "both", "pytorch_only", "neither")
"""Latent groups of ML/DS respondents who answered Q2."""

_TARGETED = ("tf_only", "both", "pytorch_only")
_SEP = ";"


# --------------------------------------------------------------------------- calibration


@lru_cache(maxsize=1)
def _calibration_text() -> str:
    return resources.files(__package__).joinpath("calibration.yaml").read_text(encoding="utf-8")


def load_calibration() -> dict[str, Any]:
    """Return the parsed ``calibration.yaml`` (a fresh copy each call)."""
    return copy.deepcopy(_load_calibration_cached())


@lru_cache(maxsize=1)
def _load_calibration_cached() -> dict[str, Any]:
    return yaml.safe_load(_calibration_text())


def wave_seed(wave: str, salt: str | None = None) -> int:
    """Fixed seed of a wave: first 8 bytes of ``sha256("<salt>:<wave>")``."""
    if salt is None:
        salt = _load_calibration_cached()["seed_salt"]
    return int.from_bytes(hashlib.sha256(f"{salt}:{wave}".encode()).digest()[:8], "big")


def framework_group_counts(wave_cfg: Mapping[str, Any], q2_nonresponse: float) -> dict[str, int]:
    """Exact clean-respondent counts per latent group (plus ``q2_blank`` and ``non_ml``)."""
    n_ml = int(wave_cfg["n_ml"])
    n_blank = _round(q2_nonresponse * n_ml)
    n_answered = n_ml - n_blank
    fw = wave_cfg["frameworks"]
    shares = [fw["tensorflow"] - fw["both"], fw["both"], fw["pytorch"] - fw["both"]]
    shares.append(1.0 - sum(shares))
    counts = _exact_counts(n_answered, shares)
    out = dict(zip(ML_GROUPS, (int(c) for c in counts), strict=True))
    out["q2_blank"] = n_blank
    out["non_ml"] = int(wave_cfg["n_non_ml"])
    return out


def planned_mess_counts(wave: str, calibration: Mapping[str, Any] | None = None) -> dict[str, int]:
    """Exact number of rows affected by each kind of deliberate mess in a wave."""
    cal = calibration if calibration is not None else _load_calibration_cached()
    wave_cfg = cal["waves"][wave]
    n_clean = int(wave_cfg["n_ml"]) + int(wave_cfg["n_non_ml"])
    mess = cal["mess"]
    keys = (
        "blank_rows",
        "duplicate_submissions",
        "speeders",
        "inconsistent_no_with_frameworks",
        "inconsistent_none_with_framework",
        "backend_free_text",
        "backend_prefer_not",
        "backend_out_of_range",
        "language_aliases",
    )
    out = {k: _round(float(mess[k]) * n_clean) for k in keys}
    out["duplicate_changed"] = _round(
        float(mess["duplicate_changed"]) * out["duplicate_submissions"]
    )
    return out


# --------------------------------------------------------------------------- small helpers


def _round(x: float) -> int:
    return int(np.floor(x + 0.5))


def _exact_counts(n: int, shares: Sequence[float]) -> np.ndarray:
    """Integer counts summing to ``n``, proportional to ``shares`` (largest remainder)."""
    p = np.clip(np.asarray(shares, dtype=float), 0.0, None)
    raw = p / p.sum() * n
    counts = np.floor(raw).astype(np.int64)
    order = np.argsort(-(raw - counts), kind="stable")
    counts[order[: n - int(counts.sum())]] += 1
    return counts


def _exact_categorical(rng: np.random.Generator, n: int, shares: Sequence[float]) -> np.ndarray:
    """Category indices with exactly proportional counts, in random order."""
    counts = _exact_counts(n, shares)
    return rng.permutation(np.repeat(np.arange(len(counts)), counts))


def _exact_flags(rng: np.random.Generator, n: int, p: float) -> np.ndarray:
    """Boolean array with exactly ``round(p * n)`` True values, in random order."""
    flags = np.zeros(n, dtype=bool)
    flags[: _round(min(max(p, 0.0), 1.0) * n)] = True
    return rng.permutation(flags)


def _counts_with_mean(
    n: int, shares: Sequence[float], values: Sequence[float], target: float
) -> np.ndarray:
    """Proportional integer counts, then single moves between neighbouring categories while
    they bring the mean closer to ``target``."""
    counts = _exact_counts(n, shares)
    v = np.asarray(values, dtype=float)
    err = float(counts @ v) - target * n
    for _ in range(n):
        best: tuple[float, int, int] | None = None
        for i in range(len(v) - 1):
            for src, dst in ((i, i + 1), (i + 1, i)):
                if counts[src] > 0:
                    new_err = err + v[dst] - v[src]
                    if abs(new_err) < abs(err) and (best is None or abs(new_err) < abs(best[0])):
                        best = (new_err, src, dst)
        if best is None:
            break
        err, src, dst = best
        counts[src] -= 1
        counts[dst] += 1
    return counts


def solve_mixture(
    target_tf: float,
    target_pt: float,
    n_tf_only: int,
    n_both: int,
    n_pt_only: int,
    lo: float = 0.0,
    hi: float = 1.0,
) -> dict[str, float]:
    """Per-group values whose size-weighted means hit the TF-user and PyTorch-user targets.

    TF users are ``tf_only + both`` and PyTorch users ``pytorch_only + both``; the ``both``
    value is kept as close as feasible to the midpoint of the two targets.
    """
    n_t, n_p = n_tf_only + n_both, n_pt_only + n_both
    q_b = (target_tf + target_pt) / 2
    if n_both > 0:
        low, high = lo, hi
        for total, n_single in ((target_tf * n_t, n_tf_only), (target_pt * n_p, n_pt_only)):
            if n_single > 0:
                low = max(low, (total - hi * n_single) / n_both)
                high = min(high, (total - lo * n_single) / n_both)
        q_b = min(max(q_b, low), high) if low <= high else q_b

    def single(target: float, n_total: int, n_single: int) -> float:
        if n_single == 0:
            return target
        return min(max((target * n_total - q_b * n_both) / n_single, lo), hi)

    return {
        "tf_only": single(target_tf, n_t, n_tf_only),
        "both": q_b,
        "pytorch_only": single(target_pt, n_p, n_pt_only),
    }


def tilt_to_mean(base: Sequence[float], values: Sequence[float], target: float) -> np.ndarray:
    """Exponentially tilt ``base`` shares so their mean over ``values`` equals ``target``."""
    b = np.asarray(base, dtype=float)
    v = np.asarray(values, dtype=float)
    scale = v.max() - v.min()

    def shares(theta: float) -> np.ndarray:
        w = b * np.exp(theta * (v - v.mean()) / scale)
        return w / w.sum()

    lo_t, hi_t = -60.0, 60.0
    for _ in range(200):
        mid = (lo_t + hi_t) / 2
        if float(shares(mid) @ v) < target:
            lo_t = mid
        else:
            hi_t = mid
    return shares((lo_t + hi_t) / 2)


def _join(flags: Mapping[str, np.ndarray], n: int) -> np.ndarray:
    """Join per-option boolean arrays (in option order) into ``;``-delimited strings."""
    out = np.full(n, "", dtype=object)
    for i in range(n):
        out[i] = _SEP.join(label for label, f in flags.items() if f[i])
    return out


def _per_group_flags(
    rng: np.random.Generator, groups: np.ndarray, probs: Mapping[str, float]
) -> np.ndarray:
    """Exact-count flags within each group listed in ``probs`` (False elsewhere)."""
    out = np.zeros(len(groups), dtype=bool)
    for group, p in probs.items():
        idx = np.flatnonzero(groups == group)
        out[idx] = _exact_flags(rng, len(idx), p)
    return out


def _per_group_categorical(
    rng: np.random.Generator, groups: np.ndarray, shares: Mapping[str, Sequence[float]]
) -> np.ndarray:
    """Exact-count category indices within each group listed in ``shares`` (-1 elsewhere)."""
    out = np.full(len(groups), -1, dtype=np.int64)
    for group, s in shares.items():
        idx = np.flatnonzero(groups == group)
        out[idx] = _exact_categorical(rng, len(idx), s)
    return out


def _group_values(
    targets: Mapping[str, Any],
    counts: Mapping[str, int],
    getter: Any,
    neither: float,
    non_ml: float | None,
    lo: float = 0.0,
    hi: float = 1.0,
) -> dict[str, float]:
    """Per-group values of one profile figure: solved for TF/PyTorch groups, fixed otherwise."""
    solved = solve_mixture(
        getter(targets["tensorflow"]),
        getter(targets["pytorch"]),
        counts["tf_only"],
        counts["both"],
        counts["pytorch_only"],
        lo,
        hi,
    )
    solved["neither"] = neither
    solved["q2_blank"] = neither
    if non_ml is not None:
        solved["non_ml"] = non_ml
    return solved


# --------------------------------------------------------------------------- clean respondents


def _clean_respondents(
    rng: np.random.Generator,
    cal: Mapping[str, Any],
    wave_cfg: Mapping[str, Any],
    plan: Mapping[str, int],
) -> pd.DataFrame:
    """Clean respondents' answers, region, duration and submission offset (seconds)."""
    labels, d = cal["labels"], cal["defaults"]
    counts = framework_group_counts(wave_cfg, float(d["q2_item_nonresponse"]))
    order = [*ML_GROUPS, "q2_blank", "non_ml"]
    groups = rng.permutation(np.repeat(np.array(order, dtype=object), [counts[g] for g in order]))
    n = len(groups)
    is_ml = groups != "non_ml"
    targets = wave_cfg["targets"]
    neither, non_ml = d["neither"], d["non_ml"]
    ml_groups = [*ML_GROUPS, "q2_blank"]

    # Q1
    q1 = np.full(n, labels["Q1_ml_involvement"][3], dtype=object)
    q1_shares = {g: d["q1_yes_shares"][g] for g in ML_GROUPS}
    q1_shares["q2_blank"] = d["q1_yes_shares"]["neither"]
    q1_idx = _per_group_categorical(rng, groups, q1_shares)
    q1[is_ml] = np.asarray(labels["Q1_ml_involvement"], dtype=object)[q1_idx[is_ml]]

    # Q2
    uses_tf = np.isin(groups, ["tf_only", "both"])
    uses_pt = np.isin(groups, ["pytorch_only", "both"])
    q2_flags: dict[str, np.ndarray] = {"TensorFlow": uses_tf, "PyTorch": uses_pt}
    for option in labels["Q2_frameworks"][2:-1]:
        q2_flags[option] = _per_group_flags(rng, groups, d["other_frameworks"][option])
    answered = np.isin(groups, ML_GROUPS)
    selected_any = np.logical_or.reduce(list(q2_flags.values()))
    q2_flags["None"] = answered & ~selected_any
    q2 = _join(q2_flags, n)
    q2[~answered] = ""

    # Q3 (everyone)
    q3_flags: dict[str, np.ndarray] = {}
    for role in labels["Q3_roles"]:
        if role in neither["Q3_roles"]:
            probs = _group_values(
                targets,
                counts,
                lambda t, r=role: t["Q3_roles"][r],
                neither["Q3_roles"][role],
                non_ml["Q3_roles"][role],
            )
        else:
            p_ml, p_non = d["other_roles"]["ml"][role], d["other_roles"]["non_ml"][role]
            probs = {g: p_ml for g in ml_groups} | {"non_ml": p_non}
        q3_flags[role] = _per_group_flags(rng, groups, probs)
    q3_flags["Other"] |= ~np.logical_or.reduce(list(q3_flags.values()))
    q3 = _join(q3_flags, n)

    # Q4 (ML/DS only)
    q4_flags: dict[str, np.ndarray] = {}
    for usage in labels["Q4_ml_usage"]:
        if usage in neither["Q4_ml_usage"]:
            probs = _group_values(
                targets,
                counts,
                lambda t, u=usage: t["Q4_ml_usage"][u],
                neither["Q4_ml_usage"][usage],
                None,
            )
        else:
            probs = {g: d["other_usage"][usage] for g in ml_groups}
        q4_flags[usage] = _per_group_flags(rng, groups, probs)
    q4_flags["Learning / hobby projects"] |= is_ml & ~np.logical_or.reduce(list(q4_flags.values()))
    q4 = _join(q4_flags, n)
    q4[~is_ml] = ""

    # Q5: the rows that will answer "prefer not to say" or out of range are set aside first;
    # every other row gets exact category counts whose mean hits its group's target
    q5_labels = labels["Q5_backend_experience"]
    mids = [float(cal["backend_midpoints"][lab]) for lab in q5_labels]
    q5_missing = np.zeros(n, dtype=bool)
    n_missing = plan["backend_prefer_not"] + plan["backend_out_of_range"]
    q5_missing[rng.choice(n, size=n_missing, replace=False)] = True
    q5_groups = np.where(q5_missing, "q5_missing", groups)
    means = _group_values(
        targets,
        {g: int((q5_groups == g).sum()) for g in order},
        lambda t: t["backend_years_mean"],
        neither["backend_years_mean"],
        non_ml["backend_years_mean"],
        lo=min(mids),
        hi=max(mids),
    )
    q5_idx = np.zeros(n, dtype=np.int64)
    for g, mean in means.items():
        idx = np.flatnonzero(q5_groups == g)
        base = d["backend_base_shares"]["non_ml" if g == "non_ml" else "ml"]
        counts_g = _counts_with_mean(len(idx), tilt_to_mean(base, mids, mean), mids, mean)
        q5_idx[idx] = rng.permutation(np.repeat(np.arange(len(mids)), counts_g))
    missing_idx = np.flatnonzero(q5_missing)  # placeholder category, replaced by _perturb_clean
    q5_idx[missing_idx] = _exact_categorical(rng, len(missing_idx), d["backend_base_shares"]["ml"])
    q5 = np.asarray(q5_labels, dtype=object)[q5_idx]

    # Q6 / Q7: exact count of Python-first web developers, the rest drawn from defaults
    pyweb = _per_group_flags(
        rng,
        groups,
        _group_values(
            targets,
            counts,
            lambda t: t["python_first_web_developer"],
            neither["python_first_web_developer"],
            non_ml["python_first_web_developer"],
        ),
    )
    q6 = np.full(n, "Python", dtype=object)
    q7 = np.full(n, "Yes", dtype=object)
    for population, mask in (("ml", is_ml), ("non_ml", ~is_ml)):
        rest = np.flatnonzero(mask & ~pyweb)
        lang_shares = d["language_shares_rest"][population]
        langs = np.asarray(list(lang_shares), dtype=object)
        q6[rest] = langs[_exact_categorical(rng, len(rest), list(lang_shares.values()))]
        web = _exact_flags(rng, len(rest), float(d["web_yes_rest"][population]))
        q7[rest] = np.where(web & (q6[rest] != "Python"), "Yes", "No")

    # region: stratified within each group at the sample shares
    regions = np.asarray(labels["region"], dtype=object)
    sample = [d["region_sample_shares"][r] for r in labels["region"]]
    region = regions[_per_group_categorical(rng, groups, dict.fromkeys(order, sample))]

    return pd.DataFrame(
        {
            "group": groups,
            "region": region,
            "duration_seconds": _durations(rng, n, d["duration"]),
            "offset": _offsets(rng, n, wave_cfg),
            "Q1_ml_involvement": q1,
            "Q2_frameworks": q2,
            "Q3_roles": q3,
            "Q4_ml_usage": q4,
            "Q5_backend_experience": q5,
            "q5_missing": q5_missing,
            "Q6_primary_language": q6,
            "Q7_builds_web_apps": q7,
        }
    )


def _durations(rng: np.random.Generator, n: int, cfg: Mapping[str, Any]) -> np.ndarray:
    raw = cfg["median_seconds"] * np.exp(cfg["sigma"] * rng.standard_normal(n))
    return np.clip(np.rint(raw), cfg["min_seconds"], cfg["max_seconds"]).astype(np.int64)


def _period_seconds(wave_cfg: Mapping[str, Any]) -> int:
    start = np.datetime64(wave_cfg["period"]["start"], "s")
    end = np.datetime64(wave_cfg["period"]["end"], "s")
    return int((end - start) / np.timedelta64(1, "s"))


def _offsets(rng: np.random.Generator, n: int, wave_cfg: Mapping[str, Any]) -> np.ndarray:
    return rng.integers(0, _period_seconds(wave_cfg), size=n)


def _unique_tokens(rng: np.random.Generator, n: int) -> np.ndarray:
    """``n`` distinct 12-hex-digit tokens."""
    values = rng.integers(0, 2**48, size=n, dtype=np.int64)
    while len(np.unique(values)) < n:
        _, first = np.unique(values, return_index=True)
        dup = np.setdiff1d(np.arange(n), first)
        values[dup] = rng.integers(0, 2**48, size=len(dup), dtype=np.int64)
    return np.array([f"{v:012x}" for v in values], dtype=object)


# --------------------------------------------------------------------------- mess


def _toggle(answer: str, option: str, options: Sequence[str]) -> str:
    """Add or remove ``option`` in a ``;``-delimited answer, keeping option order."""
    chosen = set(answer.split(_SEP)) if answer else set()
    if option in chosen and len(chosen) > 1:
        chosen.discard(option)
    else:
        chosen.add(option)
    return _SEP.join(o for o in options if o in chosen)


def _format_years(value: float) -> str:
    return f"{value:g}"


def _perturb_clean(
    rng: np.random.Generator, clean: pd.DataFrame, cal: Mapping[str, Any], plan: Mapping[str, int]
) -> pd.DataFrame:
    """Free-text / out-of-range Q5 and alias Q6 values on clean rows (respondents are kept)."""
    mess, labels = cal["mess"], cal["labels"]
    q5_labels = labels["Q5_backend_experience"]
    out = clean.copy()
    q5 = out["Q5_backend_experience"].to_numpy(dtype=object).copy()

    # free text: only on ranged answers; ML/DS rows get the documented midpoint, so the
    # calibrated means do not move, other rows any whole number inside the range
    ranges = {
        q5_labels[2]: (1, 2),
        q5_labels[3]: (3, 5),
        q5_labels[4]: (6, 10),
        q5_labels[5]: (11, 20),
    }
    eligible = np.flatnonzero(np.isin(q5, list(ranges)) & ~out["q5_missing"].to_numpy())
    free = rng.choice(eligible, size=plan["backend_free_text"], replace=False)
    formats = mess["backend_free_text_formats"]
    is_ml = out["group"].to_numpy() != "non_ml"
    for i in free:
        if is_ml[i]:
            value = float(cal["backend_midpoints"][q5[i]])
        else:
            lo, hi = ranges[q5[i]]
            value = float(rng.integers(lo, hi + 1))
        text = formats[int(rng.integers(len(formats)))].format(v=_format_years(value))
        q5[i] = text.replace("1 years", "1 year").replace("1 yrs", "1 yr") if value == 1 else text

    picked = rng.permutation(np.flatnonzero(out["q5_missing"].to_numpy()))
    n_pn = plan["backend_prefer_not"]
    q5[picked[:n_pn]] = mess["backend_prefer_not_text"]
    oor_values = np.asarray(mess["backend_out_of_range_values"], dtype=object)
    q5[picked[n_pn:]] = oor_values[rng.integers(len(oor_values), size=len(picked) - n_pn)]
    out["Q5_backend_experience"] = q5

    q6 = out["Q6_primary_language"].to_numpy(dtype=object).copy()
    python_rows = np.flatnonzero(q6 == "Python")
    alias_rows = rng.choice(python_rows, size=plan["language_aliases"], replace=False)
    aliases = np.asarray(mess["language_alias_values"], dtype=object)
    q6[alias_rows] = aliases[rng.integers(len(aliases), size=len(alias_rows))]
    out["Q6_primary_language"] = q6
    return out


def _mess_rows(
    rng: np.random.Generator,
    clean: pd.DataFrame,
    cal: Mapping[str, Any],
    wave_cfg: Mapping[str, Any],
    plan: Mapping[str, int],
) -> pd.DataFrame:
    """Extra rows: blanks, earlier duplicate submissions, speeders, inconsistent answers."""
    labels, d, mess = cal["labels"], cal["defaults"], cal["mess"]
    n_clean = len(clean)
    frames: list[pd.DataFrame] = []
    regions = np.asarray(labels["region"], dtype=object)
    sample = np.array([d["region_sample_shares"][r] for r in labels["region"]], dtype=float)
    groups = clean["group"].to_numpy()

    def fresh(rows: pd.DataFrame, kind: str) -> pd.DataFrame:
        rows = rows.reset_index(drop=True).copy()
        rows["group"] = kind
        rows["region"] = regions[rng.choice(len(regions), size=len(rows), p=sample / sample.sum())]
        rows["duration_seconds"] = _durations(rng, len(rows), d["duration"])
        rows["offset"] = _offsets(rng, len(rows), wave_cfg)
        rows["token"] = None
        return rows

    # 1. blank rows
    blank = fresh(clean.iloc[: plan["blank_rows"]], "mess_blank")
    for col in Q_COLUMNS:
        blank[col] = ""
    blank["duration_seconds"] = rng.integers(95, 600, size=len(blank))
    frames.append(blank)

    # 2. duplicates: an EARLIER submission of a clean respondent (the clean row is the last one)
    span_min = 3600
    eligible = np.flatnonzero(clean["offset"].to_numpy() >= span_min)
    src = np.sort(rng.choice(eligible, size=plan["duplicate_submissions"], replace=False))
    dup = clean.iloc[src].reset_index(drop=True).copy()
    dup["group"] = "mess_duplicate"
    dup["source"] = src
    back = np.minimum(dup["offset"].to_numpy(), 14 * 86400)
    dup["offset"] = dup["offset"].to_numpy() - rng.integers(600, back, endpoint=True)
    dup["duration_seconds"] = _durations(rng, len(dup), d["duration"])
    changed = rng.permutation(np.arange(len(dup)) < plan["duplicate_changed"])
    q5_labels = labels["Q5_backend_experience"]
    for i in np.flatnonzero(changed):
        kind = int(rng.integers(3))
        q5_now = dup.at[i, "Q5_backend_experience"]
        if kind == 0 and q5_now in q5_labels:
            pos = q5_labels.index(q5_now)
            dup.at[i, "Q5_backend_experience"] = q5_labels[pos - 1 if pos > 0 else pos + 1]
        elif kind == 1 and dup.at[i, "Q3_roles"] != "Other":
            dup.at[i, "Q3_roles"] = _toggle(dup.at[i, "Q3_roles"], "Other", labels["Q3_roles"])
        else:
            dup.at[i, "Q7_builds_web_apps"] = (
                "No" if dup.at[i, "Q7_builds_web_apps"] == "Yes" else "Yes"
            )
    frames.append(dup)

    # 3. speeders: Q1-Q4 from one clean respondent, Q5-Q7 from another
    n_sp = plan["speeders"]
    a = clean.iloc[rng.integers(n_clean, size=n_sp)].reset_index(drop=True)
    b = clean.iloc[rng.integers(n_clean, size=n_sp)].reset_index(drop=True)
    speed = fresh(a, "mess_speeder")
    for col in Q_COLUMNS[4:]:
        speed[col] = b[col].to_numpy()
    speed["duration_seconds"] = rng.integers(20, int(mess["speeder_max_seconds"]) + 1, size=n_sp)
    frames.append(speed)

    # 5a. Q1 = No but frameworks listed
    fw_rows = np.flatnonzero(np.isin(groups, _TARGETED))
    non_ml_rows = np.flatnonzero(groups == "non_ml")
    n_a = plan["inconsistent_no_with_frameworks"]
    inc_a = fresh(clean.iloc[rng.choice(non_ml_rows, size=n_a, replace=False)], "mess_no_with_fw")
    inc_a["Q2_frameworks"] = clean["Q2_frameworks"].to_numpy()[rng.choice(fw_rows, size=n_a)]
    frames.append(inc_a)

    # 5b. None together with a framework
    n_b = plan["inconsistent_none_with_framework"]
    inc_b = fresh(clean.iloc[rng.choice(fw_rows, size=n_b, replace=False)], "mess_none_with_fw")
    inc_b["Q2_frameworks"] = [
        _toggle(v, "None", labels["Q2_frameworks"]) for v in inc_b["Q2_frameworks"]
    ]
    frames.append(inc_b)
    return pd.concat(frames, ignore_index=True)


# --------------------------------------------------------------------------- public API


def generate_wave(wave: str, calibration: Mapping[str, Any] | None = None) -> pd.DataFrame:
    """Return the synthetic export of one wave (columns :data:`COLUMNS`, all strings but
    ``duration_seconds`` and ``weight``), rows in submission order."""
    cal = calibration if calibration is not None else _load_calibration_cached()
    if wave not in cal["waves"]:
        raise KeyError(f"unknown demo wave {wave!r}; known: {', '.join(cal['waves'])}")
    wave_cfg = cal["waves"][wave]
    plan = planned_mess_counts(wave, cal)
    rng = np.random.default_rng(wave_seed(wave, cal["seed_salt"]))

    clean = _clean_respondents(rng, cal, wave_cfg, plan)
    clean["token"] = None
    extra = _mess_rows(rng, clean, cal, wave_cfg, plan)  # copies answers before perturbation
    clean = _perturb_clean(rng, clean, cal, plan)

    # weights: population / realised clean-sample share of the region (mean 1 over clean rows)
    d = cal["defaults"]
    sample_share = clean["region"].value_counts(normalize=True)
    weights = {
        r: round(float(d["region_population_shares"][r]) / float(sample_share[r]), 4)
        for r in cal["labels"]["region"]
    }

    df = pd.concat([clean, extra], ignore_index=True)
    needs_token = np.flatnonzero(df["group"].to_numpy() != "mess_duplicate")
    tokens = df["token"].to_numpy(dtype=object, copy=True)
    tokens[needs_token] = _unique_tokens(rng, len(needs_token))
    is_dup = df["group"].to_numpy() == "mess_duplicate"
    tokens[is_dup] = tokens[df.loc[is_dup, "source"].to_numpy(dtype=np.int64)]
    df["respondent_token"] = tokens

    df = df.sort_values("offset", kind="stable").reset_index(drop=True)
    start = np.datetime64(wave_cfg["period"]["start"], "s")
    stamps = start + df["offset"].to_numpy(dtype=np.int64).astype("timedelta64[s]")
    df["submitted_at"] = pd.to_datetime(stamps).strftime("%Y-%m-%d %H:%M:%S")
    prefix = "R_" + wave.replace("-", "").upper()
    df["response_id"] = [f"{prefix}_{i:06d}" for i in range(1, len(df) + 1)]
    df["weight"] = df["region"].map(weights).astype(float)
    df["duration_seconds"] = df["duration_seconds"].astype(np.int64)
    return df[list(COLUMNS)]


def to_csv_gz_bytes(frame: pd.DataFrame) -> bytes:
    """Byte-reproducible gzip-compressed CSV (no file name, mtime 0)."""
    text = frame.to_csv(index=False, lineterminator="\n").encode("utf-8")
    buf = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buf, mtime=0) as gz:
        gz.write(text)
    return buf.getvalue()


def write_demo_waves(
    out_dir: str | Path = Path("data") / "demo", waves: Iterable[str] | None = None,
    respondents: int | None = None,
) -> list[Path]:
    """Write ``<out_dir>/<wave>.csv.gz`` for each wave (default: all demo waves); with
    ``respondents``, each wave resized to that many rows (:func:`scaled_calibration`)."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    chosen = list(DEMO_WAVES if waves is None else waves)
    calibration = scaled_calibration(respondents, chosen) if respondents else None
    written = []
    for wave in chosen:
        path = out / f"{wave}.csv.gz"
        path.write_bytes(to_csv_gz_bytes(generate_wave(wave, calibration)))
        written.append(path)
    return written


_EXTRA_ROWS = ("blank_rows", "duplicate_submissions", "speeders",
               "inconsistent_no_with_frameworks", "inconsistent_none_with_framework")


def planned_rows(wave: str, calibration: Mapping[str, Any] | None = None) -> int:
    """Rows of a wave's export: its clean respondents plus the added messy rows."""
    cal = calibration if calibration is not None else _load_calibration_cached()
    wave_cfg = cal["waves"][wave]
    plan = planned_mess_counts(wave, cal)
    return int(wave_cfg["n_ml"]) + int(wave_cfg["n_non_ml"]) + sum(plan[k] for k in _EXTRA_ROWS)


def _rows_with(calibration: dict[str, Any], wave: str, n_non_ml: int) -> int:
    trial = {**calibration, "waves": {**calibration["waves"],
                                      wave: {**calibration["waves"][wave], "n_non_ml": n_non_ml}}}
    return planned_rows(wave, trial)


def scaled_calibration(respondents: int, waves: Iterable[str] | None = None,
                       calibration: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The calibration with each wave resized to ``respondents`` rows (for scale tests).

    ML/DS and other respondents keep their ratio and every mess kind its rate, so the figures
    stay on their targets up to sampling noise; the row count is exact unless rounding of the
    mess counts skips it (then the nearest count).
    """
    if respondents < 100:
        raise ValueError(f"--respondents must be at least 100, got {respondents}")
    cal = copy.deepcopy(dict(calibration if calibration is not None
                             else _load_calibration_cached()))
    for wave in DEMO_WAVES if waves is None else waves:
        wave_cfg = cal["waves"][wave]
        factor = respondents / planned_rows(wave, cal)
        ml = int(wave_cfg["n_ml"])
        wave_cfg["n_ml"] = max(1, round(ml * factor))
        wave_cfg["n_non_ml"] = max(1, round(int(wave_cfg["n_non_ml"]) * factor))
        for _ in range(50):  # the messy rows grow with the clean ones: settle the remainder
            missing = respondents - planned_rows(wave, cal)
            if abs(missing) <= 2:
                break
            wave_cfg["n_non_ml"] += round(missing * 0.9)
        # Rounding of the mess counts can skip a total: take the nearest one around.
        base = int(wave_cfg["n_non_ml"])
        wave_cfg["n_non_ml"] = min(
            range(base - 3, base + 4),
            key=lambda n, w=wave: (abs(_rows_with(cal, w, n) - respondents), n))
    return cal
