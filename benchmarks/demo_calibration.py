"""Check the synthetic demo exports against their calibration targets.

Reads ``data/demo/<wave>.csv.gz`` with plain pandas, applies the cleaning rules in a simplified
way (blank rows, speeders, keep the last submission per token, inconsistent answers), and
prints target vs achieved figures among clean ML/DS respondents who answered Q2.

    .venv/bin/python benchmarks/demo_calibration.py [--data data/demo]
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

ROOT = Path(__file__).resolve().parents[1]
CALIBRATION = ROOT / "survey_analysis" / "demo" / "calibration.yaml"
Q_COLUMNS = [
    "Q1_ml_involvement",
    "Q2_frameworks",
    "Q3_roles",
    "Q4_ml_usage",
    "Q5_backend_experience",
    "Q6_primary_language",
    "Q7_builds_web_apps",
]
NUMBER = re.compile(r"-?\d+(?:\.\d+)?")
MAX_YEARS = 60


def read_export(path: Path) -> pd.DataFrame:
    """Read one export; labels such as ``None`` must stay strings, so no default NA values."""
    return pd.read_csv(path, dtype=str, keep_default_na=False).assign(
        duration_seconds=lambda d: d["duration_seconds"].astype(int),
        weight=lambda d: d["weight"].astype(float),
    )


def has(series: pd.Series, option: str) -> pd.Series:
    """Whether a ``;``-delimited answer contains ``option``."""
    return series.str.split(";").apply(lambda opts: option in opts)


def backend_years(series: pd.Series, midpoints: dict[str, float]) -> tuple[pd.Series, dict]:
    """Midpoints for labels, numbers parsed from free text; out of range or refused -> NaN."""
    kinds = {"label": 0, "free_text": 0, "prefer_not": 0, "out_of_range": 0, "blank": 0}
    values = []
    for raw in series:
        if raw in midpoints:
            kinds["label"] += 1
            values.append(float(midpoints[raw]))
        elif raw == "":
            kinds["blank"] += 1
            values.append(np.nan)
        elif (m := NUMBER.search(raw)) is None:
            kinds["prefer_not"] += 1
            values.append(np.nan)
        elif 0 <= float(m.group()) <= MAX_YEARS:
            kinds["free_text"] += 1
            values.append(float(m.group()))
        else:
            kinds["out_of_range"] += 1
            values.append(np.nan)
    return pd.Series(values, index=series.index), kinds


def clean(raw: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, int]]:
    """Simplified cleaning; returns the clean frame and the number of rows each rule dropped."""
    counts: dict[str, int] = {"rows": len(raw)}
    df = raw[~(raw[Q_COLUMNS] == "").all(axis=1)]
    counts["blank_rows"] = counts["rows"] - len(df)
    n = len(df)
    df = df[df["duration_seconds"] >= 90]
    counts["speeders"] = n - len(df)
    n = len(df)
    df = df.sort_values("submitted_at", kind="stable").drop_duplicates(
        "respondent_token", keep="last"
    )
    counts["duplicates"] = n - len(df)
    no_with_fw = (df["Q1_ml_involvement"] == "No") & (df["Q2_frameworks"] != "")
    none_with_fw = has(df["Q2_frameworks"], "None") & df["Q2_frameworks"].str.contains(";")
    counts["inconsistent_no_with_frameworks"] = int(no_with_fw.sum())
    counts["inconsistent_none_with_framework"] = int(none_with_fw.sum())
    df = df[~(no_with_fw | none_with_fw)]
    counts["clean"] = len(df)
    return df, counts


def figures(ml: pd.DataFrame, midpoints: dict[str, float], weighted: bool = False) -> dict:
    """Framework shares and per-user-group profiles of clean ML/DS respondents with Q2."""
    w = ml["weight"] if weighted else pd.Series(1.0, index=ml.index)
    tf, pt = has(ml["Q2_frameworks"], "TensorFlow"), has(ml["Q2_frameworks"], "PyTorch")

    def share(mask: pd.Series, within: pd.Series | None = None) -> float:
        base = w if within is None else w[within]
        return float((w * mask)[base.index].sum() / base.sum())

    years, _ = backend_years(ml["Q5_backend_experience"], midpoints)
    python = ml["Q6_primary_language"].str.strip().str.lower().str.startswith("python")
    pyweb = python & (ml["Q7_builds_web_apps"] == "Yes")
    out = {
        "n": len(ml),
        "tensorflow": share(tf),
        "pytorch": share(pt),
        "both": share(tf & pt),
        "tf_or_pytorch": share(tf | pt),
        "tf_to_pytorch_ratio": share(tf) / share(pt),
        "p_tf_given_pytorch": share(tf, pt),
        "p_pytorch_given_tf": share(pt, tf),
        "users": {},
    }
    for name, users in (("tensorflow", tf), ("pytorch", pt)):
        ok = users & years.notna()
        prof = {
            "n": int(users.sum()),
            "backend_years_mean": float((w * years)[ok].sum() / w[ok].sum()),
            "python_first_web_developer": share(pyweb, users),
        }
        for col in ("Q3_roles", "Q4_ml_usage"):
            for option in ROLE_OR_USAGE[col]:
                prof[f"{col}:{option}"] = share(has(ml[col], option), users)
        out["users"][name] = prof
    return out


ROLE_OR_USAGE = {
    "Q3_roles": ["Professional ML developer", "Software architect", "Programmer within a company"],
    "Q4_ml_usage": [
        "In production",
        "Cloud deployment",
        "Data analysis / ad-hoc models in a business context",
    ],
}


def row(label: str, target: float, achieved: float, tol: float, pct: bool = True) -> str:
    diff = achieved - target
    ok = "ok" if abs(diff) <= tol else "OFF"
    if pct:
        return f"  {label:<62} {target:7.1%} {achieved:8.1%} {diff * 100:+6.1f}pp  {ok}"
    return f"  {label:<62} {target:7.2f} {achieved:8.2f} {diff:+7.2f}    {ok}"


def report_wave(wave: str, cfg: dict, cal: dict, data_dir: Path) -> None:
    raw = read_export(data_dir / f"{wave}.csv.gz")
    df, counts = clean(raw)
    midpoints = {k: float(v) for k, v in cal["backend_midpoints"].items()}
    _, q5_kinds = backend_years(df["Q5_backend_experience"], midpoints)
    aliases = df["Q6_primary_language"].isin(cal["mess"]["language_alias_values"])
    ml = df[df["Q1_ml_involvement"].str.startswith("Yes")]
    q2_blank = int((ml["Q2_frameworks"] == "").sum())
    ml = ml[ml["Q2_frameworks"] != ""]
    fig = figures(ml, midpoints)
    wfig = figures(ml, midpoints, weighted=True)

    print(f"\n=== {wave}  ({data_dir / f'{wave}.csv.gz'})")
    print(
        f"  rows {counts['rows']}: blank {counts['blank_rows']}, speeders {counts['speeders']}, "
        f"earlier duplicates {counts['duplicates']}, Q1=No+frameworks "
        f"{counts['inconsistent_no_with_frameworks']}, None+framework "
        f"{counts['inconsistent_none_with_framework']} -> clean {counts['clean']}"
    )
    print(
        f"  clean rows: Q5 free text {q5_kinds['free_text']}, prefer-not {q5_kinds['prefer_not']}"
        f", out of range {q5_kinds['out_of_range']}; Q6 aliases {int(aliases.sum())}; "
        f"ML/DS {len(ml) + q2_blank} of which Q2 blank {q2_blank}"
    )
    print(
        f"  clean ML/DS with Q2: n={fig['n']}, TF users {fig['users']['tensorflow']['n']}, "
        f"PyTorch users {fig['users']['pytorch']['n']}; mean weight over clean rows "
        f"{df['weight'].mean():.4f}"
    )
    print(f"  {'figure':<62} {'target':>7} {'achieved':>8} {'diff':>8}")
    fw = cfg["frameworks"]
    for key in ("tensorflow", "pytorch", "both"):
        print(row(f"share using {key}", fw[key], fig[key], 0.015))
    implied = {
        "tf_or_pytorch": fw["tensorflow"] + fw["pytorch"] - fw["both"],
        "p_tf_given_pytorch": fw["both"] / fw["pytorch"],
        "p_pytorch_given_tf": fw["both"] / fw["tensorflow"],
    }
    for key, value in implied.items():
        print(row(key, value, fig[key], 0.015))
    ratio = fw["tensorflow"] / fw["pytorch"]
    print(row("tf_to_pytorch_ratio", ratio, fig["tf_to_pytorch_ratio"], 0.15, pct=False))
    for group in ("tensorflow", "pytorch"):
        tgt = cfg["targets"][group]
        got = fig["users"][group]
        print(
            row(
                f"{group}: backend_years_mean",
                tgt["backend_years_mean"],
                got["backend_years_mean"],
                0.15,
                pct=False,
            )
        )
        for col in ("Q3_roles", "Q4_ml_usage"):
            for option, value in tgt[col].items():
                print(row(f"{group}: {option}"[:62], value, got[f"{col}:{option}"], 0.015))
        print(
            row(
                f"{group}: python_first_web_developer",
                tgt["python_first_web_developer"],
                got["python_first_web_developer"],
                0.015,
            )
        )

    pub = cfg.get("published")
    if pub:
        print(f"  -- published figures ({pub['source']}) vs achieved")
        for key in ("tf_or_pytorch", "p_tf_given_pytorch", "p_pytorch_given_tf"):
            print(row(key, pub[key], fig[key], 0.015))
        print(
            row(
                "tf_to_pytorch_ratio",
                pub["tf_to_pytorch_ratio"],
                fig["tf_to_pytorch_ratio"],
                0.15,
                pct=False,
            )
        )
        for group, value in pub["backend_years_mean"].items():
            print(
                row(
                    f"{group}: backend_years_mean",
                    value,
                    fig["users"][group]["backend_years_mean"],
                    0.15,
                    pct=False,
                )
            )
        for option, value in pub["tensorflow_roles"].items():
            print(
                row(
                    f"tensorflow: {option}",
                    value,
                    fig["users"]["tensorflow"][f"Q3_roles:{option}"],
                    0.015,
                )
            )
        print(
            row(
                "pytorch: Data analysis / ad-hoc (business)",
                pub["pytorch_business_analysis"],
                fig["users"]["pytorch"][
                    "Q4_ml_usage:Data analysis / ad-hoc models in a business context"
                ],
                0.015,
            )
        )
        print(
            row(
                "pytorch: python_first_web_developer",
                pub["pytorch_python_first_web_developer"],
                fig["users"]["pytorch"]["python_first_web_developer"],
                0.015,
            )
        )
    print(
        "  weighted (survey weights): "
        f"TF {wfig['tensorflow']:.1%}, PyTorch {wfig['pytorch']:.1%}, both {wfig['both']:.1%}, "
        f"P(TF|PT) {wfig['p_tf_given_pytorch']:.1%}, backend TF "
        f"{wfig['users']['tensorflow']['backend_years_mean']:.2f} / PT "
        f"{wfig['users']['pytorch']['backend_years_mean']:.2f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT / "data" / "demo")
    args = parser.parse_args()
    cal = yaml.safe_load(CALIBRATION.read_text(encoding="utf-8"))
    for wave, cfg in cal["waves"].items():
        report_wave(wave, cfg, cal, args.data)


if __name__ == "__main__":
    main()
