"""Charts from results: shares with interval whiskers, the overlap of two groups, a forest plot.

Every chart states its base and interval method in its caption, and its alternative text lists
what it shows (significance included). Suppressed figures are left out of chart and text alike.
Colours (Okabe-Ito, darkened where needed for 3:1 contrast on white) follow position: the first
group, the second, both, and everyone else.
"""

from __future__ import annotations

import base64
import html
import io
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

import matplotlib as mpl
import numpy as np
import seaborn as sns
from matplotlib.figure import Figure
from matplotlib.patches import Circle

from survey_analysis.formatting import METHOD_NAMES, format_value
from survey_analysis.results import Result

FIRST, SECOND, BOTH, OTHER, NEITHER = "#C25400", "#0072B2", "#007A5A", "#57606A", "#6E7781"
PALETTE = (FIRST, SECOND, BOTH, OTHER, "#8E44AD", "#A0522D")


def setup() -> None:
    """Deterministic, readable defaults for every chart on a page."""
    sns.set_theme(style="whitegrid", context="notebook")
    mpl.rcParams.update({
        # Charts are drawn about 450 px wide with 13 px text, so a 390 px phone, which shows
        # them about 370 px wide, still shows text of 10 px or more.
        "figure.dpi": 100, "savefig.dpi": 100, "font.size": 13, "axes.titlesize": 13,
        "axes.labelsize": 13, "xtick.labelsize": 13, "ytick.labelsize": 13, "legend.fontsize": 13,
        "axes.titleweight": "bold", "svg.hashsalt": "survey-analysis", "figure.max_open_warning": 0,
    })


@dataclass(frozen=True)
class Chart:
    """A figure with its alternative text and caption; shows as an HTML ``<figure>``.

    Its PNG is drawn when it is first displayed and reused (a display asks for it twice); to
    change the figure after that, make a new ``Chart``."""

    figure: Figure
    alt: str
    caption: str

    @cached_property
    def _png(self) -> bytes:
        # Drawn once: a display asks for the PNG twice (image/png and the HTML figure).
        return self.png()

    def png(self) -> bytes:
        buffer = io.BytesIO()
        # No software/date metadata, so identical charts give identical bytes.
        self.figure.savefig(buffer, format="png", bbox_inches="tight", metadata={"Software": None})
        return buffer.getvalue()

    def _repr_png_(self) -> tuple[bytes, dict[str, str]]:
        return self._png, {"alt": self.alt}

    def _repr_html_(self) -> str:
        data = base64.b64encode(self._png).decode("ascii")
        return (f'<figure class="chart"><img src="data:image/png;base64,{data}" '
                f'alt="{html.escape(self.alt)}">'
                f"<figcaption>{html.escape(self.caption)}</figcaption></figure>")


def interval_note(result: Result) -> str:
    name = METHOD_NAMES.get(result.method, result.method)
    return f"{round(100 * result.level)}% {name} intervals"


def shares_chart(results: Sequence[Result], labels: Sequence[str] | None = None, *,
                 title: str = "", base_text: str = "", colours: Sequence[str] | None = None,
                 synthetic: bool = False) -> Chart | None:
    """Horizontal bars of shares with interval whiskers; figures not shown are left out."""
    labels = list(labels or [r.label for r in results])
    colours = list(colours or PALETTE * (len(results) // len(PALETTE) + 1))
    shown = [(label, r, c) for label, r, c in zip(labels, results, colours, strict=False)
             if r.shown]
    if not shown:
        return None
    # Figures are made without pyplot, so a notebook shows each exactly once, where displayed.
    fig = Figure(figsize=(4.4, 0.5 * len(shown) + 1.4))
    ax = fig.subplots()
    for i, (_, r, colour) in enumerate(shown):
        ax.barh(i, 100 * r.estimate, color=colour, height=0.6)
        low, high = max(0.0, r.estimate - r.lower), max(0.0, r.upper - r.estimate)
        ax.errorbar(100 * r.estimate, i, xerr=[[100 * low], [100 * high]], fmt="none",
                    ecolor="#1f2328", capsize=4, lw=1.2)
        flag = " (read with care)" if r.cautioned else ""
        ax.text(100 * r.upper + 0.8, i, f"{100 * r.estimate:.1f}%{flag}", va="center",
                fontsize=13)
    ax.set_yticks(range(len(shown)), [label for label, _, _ in shown], fontsize=13)
    ax.invert_yaxis()
    ax.set_xlabel("Share of the base (%)")
    upper = max(100 * r.upper for _, r, _ in shown)
    ax.set_xlim(0, min(100, upper * 1.3 + 6))
    if title:
        ax.set_title(_wrap(title, 32))
    _mark_synthetic(fig, synthetic)
    fig.tight_layout()
    alt = (f"Bar chart{': ' + title if title else ''}. " + "; ".join(
        f"{label} {format_value(r.estimate, r.kind)} ({round(100 * r.level)}% CI "
        f"{100 * r.lower:.1f} to {100 * r.upper:.1f})" for label, r, _ in shown)
           + (". Synthetic data." if synthetic else ""))
    caption = f"Whiskers: {interval_note(shown[0][1])}."
    if base_text:
        caption = f"Base: {base_text}. {caption}"
    return Chart(fig, alt, caption)


def _mark_synthetic(fig: Figure, synthetic: bool) -> None:
    if synthetic:
        fig.text(0.99, 0.01, "SYNTHETIC DATA", ha="right", va="bottom", fontsize=13,
                 color="#8250df", fontweight="bold")


def overlap_chart(split, *, base_text: str = "", synthetic: bool = False) -> Chart | None:
    """The base split into first only, both, second only and neither, with counts and an
    area-proportional diagram; None when a cell is suppressed or the options were not asked."""
    if not split.comparable:
        return None
    roles = ("first_only", "both", "second_only", "neither")
    if not all(split[r].shown for r in roles):
        return None  # a suppressed cell must not reappear as a count
    a, b = split.first_group.name, split.second_group.name
    names = {"first_only": f"{a} only", "both": "Both", "second_only": f"{b} only",
             "neither": "Neither"}
    colours = {"first_only": FIRST, "both": BOTH, "second_only": SECOND, "neither": NEITHER}
    counts = split.counts
    n = sum(counts.values())
    fig = Figure(figsize=(4.4, 4.8))
    bar_ax, venn_ax = fig.subplots(2, 1, gridspec_kw={"height_ratios": [1.1, 1]})
    values = [counts[r] for r in roles]
    bar_ax.barh(range(4), values, color=[colours[r] for r in roles])
    for i, v in enumerate(values):
        bar_ax.text(v + n * 0.01, i, f"{v:,} ({100 * v / n:.1f}%)", va="center", fontsize=13)
    bar_ax.set_yticks(range(4), [names[r] for r in roles], fontsize=13)
    bar_ax.invert_yaxis()
    bar_ax.set_xlim(0, max(max(values), 1) * 1.55)
    bar_ax.set_xlabel("Respondents (count)")
    bar_ax.set_title(_wrap(f"Overlap of {a} and {b} users", 32))
    _venn(venn_ax, counts, a, b)
    _mark_synthetic(fig, synthetic)
    fig.tight_layout()
    alt = (f"Overlap of {a} and {b} users, of n = {n:,}: "
           + "; ".join(f"{names[r]} {counts[r]:,} ({100 * counts[r] / n:.1f}%)" for r in roles)
           + (". Synthetic data." if synthetic else ""))
    caption = ("Respondents by group, with counts; circle areas are proportional to the number "
               f"of users of each.{' Base: ' + base_text + '.' if base_text else ''}")
    return Chart(fig, alt, caption)


def _venn(ax, counts, a: str, b: str) -> None:
    first_total = counts["first_only"] + counts["both"]
    second_total = counts["second_only"] + counts["both"]
    r1, r2 = np.sqrt(max(first_total, 1)), np.sqrt(max(second_total, 1))
    scale = 1 / max(r1, r2)
    r1, r2 = r1 * scale, r2 * scale
    distance = (r1 + r2) * (0.85 - 0.6 * counts["both"] / max(min(first_total, second_total), 1))
    ax.add_patch(Circle((0, 0), r1, color=FIRST, alpha=0.45))
    ax.add_patch(Circle((distance, 0), r2, color=SECOND, alpha=0.45))
    ax.text(-r1 * 0.35, 0, f"{a}\n{first_total:,}", ha="center", va="center", fontsize=13)
    ax.text(distance + r2 * 0.45, -r2 - 0.12, f"{b}\n{second_total:,}", ha="center", va="top",
            fontsize=13)
    ax.text((distance + r1 - r2) / 2 + 0.05, r1 + 0.05, f"both: {counts['both']:,}",
            ha="center", va="bottom", fontsize=13)
    ax.set_xlim(-r1 - 0.1, distance + r2 + 0.3)
    ax.set_ylim(-max(r1, r2) - 0.5, max(r1, r2) + 0.3)
    ax.set_aspect("equal")
    ax.axis("off")


def forest_plot(families: Sequence, names: Sequence[str] | None = None, *,
                title: str = "", synthetic: bool = False) -> Chart | None:
    """Differences in share of one or more comparison families, with intervals; filled markers
    are significant after adjustment. Mean outcomes (another unit) are left out and named."""
    names = list(names or [f"{f.first.label} vs {f.second.label}" for f in families])
    styles = [("o", -0.14, "#1f2328"), ("s", 0.14, "#6E7781"), ("D", 0.0, "#8250df")]
    rows = []
    for family, name, style in zip(families, names, styles, strict=False):
        for c in family:
            if not c.measure.is_mean and c.difference.shown:
                rows.append((c.measure.label, name, style, c.difference))
    if not rows:
        return None
    labels = list(dict.fromkeys(label for label, _, _, _ in rows))
    fig = Figure(figsize=(4.4, 0.6 * len(labels) + 2.2))
    ax = fig.subplots()
    for label, _, (marker, offset, colour), diff in rows:
        y = labels.index(label) + offset
        ax.plot([100 * diff.lower, 100 * diff.upper], [y, y], color=colour, lw=1.6)
        face = colour if diff.significant else "white"
        ax.plot(100 * diff.estimate, y, marker=marker, color=colour, markerfacecolor=face,
                markersize=7, linestyle="none")
        if diff.cautioned:
            ax.text(100 * diff.upper + 0.8, y, "read with care", va="center", fontsize=13,
                    style="italic", color="#9a6700")
    for name, (marker, _, colour) in zip(names, styles, strict=False):
        ax.plot([], [], marker=marker, color=colour, linestyle="-", label=_wrap(name, 30))
    ax.axvline(0, color="#cf222e", lw=1, ls="--")
    ax.set_yticks(range(len(labels)), [_wrap(label) for label in labels], fontsize=13)
    ax.invert_yaxis()
    ax.set_xlabel("Difference (percentage points)")
    if title:
        ax.set_title(_wrap(title, 32))
    ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.02), ncol=1, fontsize=13,
              frameon=False)
    _mark_synthetic(fig, synthetic)
    fig.tight_layout()
    alt = "Forest plot of differences in share: " + "; ".join(
        f"{label} ({name}) {100 * d.estimate:+.1f} pp, "
        f"{'significant' if d.significant else 'no clear difference'}"
        for label, name, _, d in rows) + (". Synthetic data." if synthetic else "")
    first = rows[0][3]
    means = list(dict.fromkeys(c.measure.label for f in families for c in f if c.measure.is_mean))
    omitted = (f" Not shown (not a share): {'; '.join(means)}." if means else "")
    caption = (f"Differences in share, first group minus second, in percentage points. Filled "
               f"markers: significant after {METHOD_NAMES.get(families[0].multiplicity, 'Holm')} "
               f"adjustment; hollow: no clear difference. Lines: unadjusted "
               f"{round(100 * first.level)}% intervals." + omitted)
    return Chart(fig, alt, caption)


def _wrap(text: str, width: int = 20) -> str:
    words, lines, line = text.split(), [], ""
    for word in words:
        if line and len(line) + len(word) + 1 > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    lines.append(line)
    return "\n".join(lines)
