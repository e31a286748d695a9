"""Charts: shares with interval whiskers, the overlap of the two communities, a forest plot.

Colours are fixed per framework group (Okabe-Ito colour-blind-safe palette) across every page.
Every chart states its base and interval method in its caption.
"""

from __future__ import annotations

import base64
import html
import io
from dataclasses import dataclass

import matplotlib as mpl
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.figure import Figure
from matplotlib.patches import Circle

from survey_analysis.article import FrameworkBattle
from survey_analysis.formatting import METHOD_NAMES
from survey_analysis.results import FLAG_SMALL_BASE, Result

COLOURS = {
    "either": "#7f7f7f",
    "tensorflow": "#E69F00",
    "tensorflow_only": "#E69F00",
    "pytorch": "#0072B2",
    "pytorch_only": "#0072B2",
    "both": "#009E73",
    "neither": "#d9d9d9",
}
LABELS = {
    "either": "TensorFlow or PyTorch",
    "tensorflow": "TensorFlow",
    "pytorch": "PyTorch",
    "both": "Both",
    "tensorflow_only": "TensorFlow only",
    "pytorch_only": "PyTorch only",
    "neither": "Neither",
}


def setup() -> None:
    """Deterministic, readable defaults for every chart on a page."""
    sns.set_theme(style="whitegrid", context="notebook")
    mpl.rcParams.update({
        "figure.dpi": 100, "savefig.dpi": 100, "font.size": 10, "axes.titlesize": 12,
        "axes.titleweight": "bold", "svg.hashsalt": "survey-analysis", "figure.max_open_warning": 0,
    })


@dataclass(frozen=True)
class Chart:
    """A figure with its alternative text and caption; shows as an HTML ``<figure>``."""

    figure: Figure
    alt: str
    caption: str

    def png(self) -> bytes:
        buffer = io.BytesIO()
        # No software/date metadata, so identical charts give identical bytes.
        self.figure.savefig(buffer, format="png", bbox_inches="tight", metadata={"Software": None})
        return buffer.getvalue()

    def _repr_png_(self) -> tuple[bytes, dict[str, str]]:
        return self.png(), {"alt": self.alt}

    def _repr_html_(self) -> str:
        data = base64.b64encode(self.png()).decode("ascii")
        return (f'<figure class="chart"><img src="data:image/png;base64,{data}" '
                f'alt="{html.escape(self.alt)}">'
                f"<figcaption>{html.escape(self.caption)}</figcaption></figure>")


def _interval_note(result: Result) -> str:
    name = METHOD_NAMES.get(result.method, result.method)
    return f"{round(100 * result.level)}% {name} intervals"


def headline_chart(article: FrameworkBattle) -> Chart:
    """Shares of the framework groups with confidence-interval whiskers."""
    groups = ["either", "tensorflow", "pytorch", "both", "tensorflow_only", "pytorch_only"]
    results = [article[f"share.{g}"] for g in groups]
    shown = [(g, r) for g, r in zip(groups, results, strict=True) if r.shown]
    # Figures are made without pyplot, so a notebook shows each exactly once, where displayed.
    fig = Figure(figsize=(8, 0.55 * max(len(shown), 1) + 1.6))
    ax = fig.subplots()
    for i, (group, r) in enumerate(shown):
        ax.barh(i, 100 * r.estimate, color=COLOURS[group], alpha=0.9, height=0.6)
        # max(0, ...): at 0% or 100% the limit can miss the estimate by rounding noise.
        ax.errorbar(100 * r.estimate, i, xerr=[[max(0.0, 100 * (r.estimate - r.lower))],
                                                [max(0.0, 100 * (r.upper - r.estimate))]],
                    fmt="none", ecolor="#1f2328", capsize=4, lw=1.2)
        flag = " (small base)" if r.flag == FLAG_SMALL_BASE else ""
        ax.text(100 * r.upper + 0.8, i, f"{100 * r.estimate:.1f}%{flag}", va="center", fontsize=9)
    ax.set_yticks(range(len(shown)), [LABELS[g] for g, _ in shown])
    ax.invert_yaxis()
    ax.set_xlabel("Share of the base (%)")
    upper = max((100 * r.upper for _, r in shown), default=10)
    ax.set_xlim(0, min(100, upper * 1.25 + 5))
    ax.set_title("Who uses TensorFlow and PyTorch")
    base = article["share.either"].n or article["share.tensorflow"].n
    fig.tight_layout()
    alt = "Bar chart of framework shares: " + "; ".join(
        f"{LABELS[g]} {100 * r.estimate:.1f}%" for g, r in shown)
    return Chart(fig, alt, f"Share using each framework group. Base: n = {base:,} "
                           f"{article.wave.population_label} who {article.base_phrase}. "
                           f"Whiskers: {_interval_note(results[1])}.")


def overlap_chart(article: FrameworkBattle) -> Chart | None:
    """The respondents split into TensorFlow only, both, PyTorch only and neither, with counts."""
    base = article.framework_base
    if not all(article.asked.values()) or not article["share.either"].shown:
        return None  # a suppressed base: its counts are suppressed too (chart and alt text)
    tf = base["framework_tensorflow"].fillna(False).astype(bool)
    pt = base["framework_pytorch"].fillna(False).astype(bool)
    counts = pd.Series({"tensorflow_only": int((tf & ~pt).sum()), "both": int((tf & pt).sum()),
                        "pytorch_only": int((pt & ~tf).sum()), "neither": int((~tf & ~pt).sum())})
    n = int(counts.sum())
    fig = Figure(figsize=(9, 3.2))
    bar_ax, venn_ax = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1.4, 1]})
    bar_ax.barh(range(4), counts.to_numpy(), color=[COLOURS[k] for k in counts.index])
    for i, value in enumerate(counts.to_numpy()):
        bar_ax.text(value + n * 0.01, i, f"{value:,} ({100 * value / n:.1f}%)", va="center",
                    fontsize=9)
    bar_ax.set_yticks(range(4), [LABELS[k] for k in counts.index])
    bar_ax.invert_yaxis()
    bar_ax.set_xlim(0, counts.max() * 1.45)
    bar_ax.set_xlabel("Respondents (count)")
    bar_ax.set_title("Overlap of the two communities")
    _venn(venn_ax, counts)
    fig.tight_layout()
    alt = "Overlap of TensorFlow and PyTorch users: " + "; ".join(
        f"{LABELS[k]} {v:,}" for k, v in counts.items())
    return Chart(fig, alt, f"Respondents by framework group, with counts. Base: n = {n:,} "
                           f"who {article.base_phrase}; circle areas are proportional "
                           "to the number of users of each framework.")


def _venn(ax, counts: pd.Series) -> None:
    tf_total = counts["tensorflow_only"] + counts["both"]
    pt_total = counts["pytorch_only"] + counts["both"]
    r_tf, r_pt = np.sqrt(max(tf_total, 1)), np.sqrt(max(pt_total, 1))
    scale = 1 / max(r_tf, r_pt)
    r_tf, r_pt = r_tf * scale, r_pt * scale
    distance = (r_tf + r_pt) * (0.85 - 0.6 * counts["both"] / max(min(tf_total, pt_total), 1))
    ax.add_patch(Circle((0, 0), r_tf, color=COLOURS["tensorflow"], alpha=0.55))
    ax.add_patch(Circle((distance, 0), r_pt, color=COLOURS["pytorch"], alpha=0.55))
    ax.text(-r_tf * 0.35, 0, f"TensorFlow\n{tf_total:,}", ha="center", va="center", fontsize=9)
    ax.text(distance + r_pt * 0.45, -r_pt - 0.12, f"PyTorch\n{pt_total:,}", ha="center",
            va="top", fontsize=9)
    ax.text((distance + r_tf - r_pt) / 2 + 0.05, r_tf + 0.05, f"both: {counts['both']:,}",
            ha="center", va="bottom", fontsize=9)
    ax.set_xlim(-r_tf - 0.1, distance + r_pt + 0.3)
    ax.set_ylim(-max(r_tf, r_pt) - 0.45, max(r_tf, r_pt) + 0.3)
    ax.set_aspect("equal")
    ax.axis("off")


def forest_plot(article: FrameworkBattle) -> Chart | None:
    """Profile differences (TensorFlow minus PyTorch) with intervals, both comparisons."""
    rows = []
    for profile in article.profiles:
        if profile.is_mean:
            continue
        for prefix, name in (("profile", "TF users vs PyTorch users (overlapping)"),
                             ("robustness", "TF only vs PyTorch only (independent)")):
            diff = article[f"{prefix}.{profile.id}.difference"]
            if diff.shown:
                rows.append((profile.label, name, diff))
    if not rows:
        return None
    labels = list(dict.fromkeys(label for label, _, _ in rows))
    fig = Figure(figsize=(9, 0.55 * len(labels) + 1.9))
    ax = fig.subplots()
    styles = {"TF users vs PyTorch users (overlapping)": ("o", -0.14, "#1f2328"),
              "TF only vs PyTorch only (independent)": ("s", 0.14, "#8c959f")}
    for label, name, diff in rows:
        marker, offset, colour = styles[name]
        y = labels.index(label) + offset
        ax.plot([100 * diff.lower, 100 * diff.upper], [y, y], color=colour, lw=1.6)
        face = colour if diff.significant else "white"
        ax.plot(100 * diff.estimate, y, marker=marker, color=colour, markerfacecolor=face,
                markersize=7, linestyle="none")
        if diff.flag == FLAG_SMALL_BASE:
            ax.text(100 * diff.upper + 0.8, y, "small base", va="center", fontsize=8,
                    style="italic", color="#9a6700")
    for name, (marker, _, colour) in styles.items():
        ax.plot([], [], marker=marker, color=colour, linestyle="-", label=name)
    ax.axvline(0, color="#cf222e", lw=1, ls="--")
    ax.set_yticks(range(len(labels)), labels)
    ax.invert_yaxis()
    ax.set_xlabel("Difference in share, TensorFlow minus PyTorch (percentage points)")
    ax.set_title("Profiles: where TensorFlow and PyTorch users differ")
    ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.08), ncol=2, fontsize=8.5, frameon=False)
    first = rows[0][2]
    fig.tight_layout()
    alt = "Forest plot of profile differences: " + "; ".join(
        f"{label} ({name.split(' (')[0]}) {100 * d.estimate:+.1f} pp" for label, name, d in rows)
    adjustment = METHOD_NAMES.get(article.settings.multiplicity, article.settings.multiplicity)
    means = [p.label for p in article.profiles if p.is_mean]
    omitted = (f" Not shown (a difference in years, not in percentage points): "
               f"{'; '.join(means)}." if means else "")
    return Chart(fig, alt, "Difference in share, TensorFlow minus PyTorch, in percentage points; "
                           "each profile's group sizes are in the tables above. Filled markers: "
                           f"significant after {adjustment} adjustment; hollow: no clear "
                           f"difference. Lines: unadjusted {round(100 * first.level)}% intervals. "
                           "Right of the dashed line: more common among TensorFlow users."
                           + omitted)
