"""The trends page of an article: its figures across waves, changes within each comparable
series, breaks, all worded from results.

Computations are in :mod:`survey_analysis.trends`; this module turns them into the sentences,
tables and charts that ``notebooks/trends.ipynb`` displays for any article, from the figures the
article declares (``headline``, ``trends:``) and the questions they depend on (``questions:``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
from matplotlib.figure import Figure

from survey_analysis.articles import Article, load_article
from survey_analysis.escaping import escape_markdown_text as md
from survey_analysis.formatting import (
    MULTIPLICITY_NAMES,
    format_bounds,
    format_interval,
    format_p_value,
    format_value,
)
from survey_analysis.plots import PALETTE, Chart, _wrap
from survey_analysis.results import FLAG_NOT_ASKED, ResultSet
from survey_analysis.tables import verdict
from survey_analysis.trends import (
    SeriesBreak,
    WaveFigures,
    comparable_series,
    figure_changes,
    read_waves,
    series_breaks,
    trend_results,
)


@dataclass(frozen=True)
class Trends:
    source: str
    title: str
    synthetic: bool
    waves: Sequence[WaveFigures]
    changes: ResultSet
    breaks: Sequence[SeriesBreak]
    multiplicity: str
    article: Article

    def figure_variable(self, fid: str) -> str | None:
        return self.article.question_of(fid)


def load_trends(source: str, article: str | Path, results_dir: str | None = None,
                multiplicity: str = "holm") -> Trends:
    """Read an article's published waves of a source and test its declared figures' changes.

    The family tested is the article's ``trends: figures`` (distinct questions; figures derived
    from the same counts are shown, not tested again).
    """
    from survey_analysis.articles import get_article
    from survey_analysis.sources import get_source

    spec = load_article(article) if str(article).endswith(".ipynb") else get_article(str(article))
    src = get_source(source)
    folder = Path(results_dir) if results_dir else Path("reports") / source / spec.name
    names = [p.name.removesuffix(".results.json") for p in folder.glob("*.results.json")]
    codebooks = {w: src.codebook(w) for w in names if w in src.waves}
    waves = read_waves(folder, codebooks)
    if len(waves) < 2:
        raise ValueError(f"{folder}: a trends page needs at least two rendered waves, found "
                         f"{len(waves)}")
    changes = figure_changes(waves, spec.trend_figures, multiplicity,
                             variable_of=spec.question_of)
    variables = sorted({v for v in spec.questions.values()})
    breaks = [b for v in variables for b in series_breaks(waves, v)]
    results = trend_results(waves, changes, title=f"{spec.title}: trends across waves",
                            source=source, article=spec.name)
    return Trends(source, src.title, src.synthetic, waves, results, breaks, multiplicity, spec)


def standfirst(t: Trends) -> str:
    synthetic = " Synthetic demonstration data: no real person answered." if t.synthetic else ""
    return (f"*{md(t.article.title)}: every headline figure across the {len(t.waves)} waves of "
            f"the {md(t.title)} ({md(t.waves[0].wave)} to {md(t.waves[-1].wave)}), with the "
            "changes within "
            f"each comparable series and their confidence intervals.*{synthetic}")


def lede(t: Trends) -> str:
    """What rose, fell or held from first to last within the latest comparable series."""
    sentences = []
    for fid in t.article.trend_figures:
        run = comparable_series(t.waves, t.figure_variable(fid))[-1]
        if len(run) < 2:
            continue
        cid = f"change.{fid}.{run[0].wave}..{run[-1].wave}"
        change = t.changes.get(cid)
        if change is None or change.estimate is None:
            continue
        label = _label(t, fid)
        first, last = run[0].records[fid], run[-1].records[fid]
        kind, unit = last.get("kind", "share"), last.get("unit") or ""
        null = 1 if change.kind == "ratio" else 0
        word = ("rose" if change.estimate > null else "fell") if change.significant \
            else "showed no clear change"
        sentences.append(
            f"**{md(label)}** {word} from {md(run[0].wave)} to {md(run[-1].wave)} "
            f"({format_value(first['estimate'], kind, unit)} to "
            f"{format_value(last['estimate'], kind, unit)}; change "
            f"{format_value(change.estimate, change.kind, change.unit)}, "
            f"{round(100 * change.level)}% CI {format_bounds(change, change.unit)})")
    if not sentences:
        return "No figure was reported in two comparable waves."
    series = comparable_series(t.waves, t.figure_variable(t.article.trend_figures[0]))
    within = (f" Within the latest comparable series ({series[-1][0].wave}–"
              f"{series[-1][-1].wave}; the question changed before it):" if len(series) > 1
              else f" From {t.waves[0].wave} to {t.waves[-1].wave}:")
    return within.strip() + " " + "; ".join(sentences) + "."


def _label(t: Trends, fid: str) -> str:
    for w in reversed(t.waves):
        if fid in w.records:
            return w.records[fid].get("label", fid)
    return fid



def _base_text(wave: str, record: Mapping[str, Any]) -> str:
    if record.get("flag") == FLAG_NOT_ASKED:
        return f"{wave}: not asked"
    return f"{wave}: n = {record['n']:,}"

def _verdict(r) -> str:
    if r.flag == "not comparable":
        return "not comparable (question changed)"
    return verdict(r)


def change_sentence(t: Trends, fid: str) -> str:
    """How one figure moved: first and last value, and each consecutive change in words."""
    points = [(w.wave, w.records.get(fid)) for w in t.waves if fid in w.records]
    points = [(wave, r) for wave, r in points if r.get("estimate") is not None]
    # First and last values only within the latest comparable series: across a break the
    # figures answer different questions, and quoting both would read as a change.
    last_break = [b.after for b in t.breaks if b.variable == t.figure_variable(fid)]
    if last_break:
        start = max(i for i, w in enumerate(t.waves) if w.wave in last_break)
        series = {w.wave for w in t.waves[start:]}
        points = [(wave, r) for wave, r in points if wave in series]
    if len(points) < 2:
        return f"*{md(_label(t, fid))}*: not reported in two comparable waves."
    (w0, r0), (w1, r1) = points[0], points[-1]
    kind, unit = r1.get("kind", "share"), r1.get("unit") or ""
    parts = []
    for r in t.changes:
        if not r.id.startswith(f"change.{fid}."):
            continue
        pair = r.id.removeprefix(f"change.{fid}.").replace("..", " to ")
        if r.flag == "not comparable":
            parts.append(f"{pair}: not compared, the question changed")
            continue
        null = 1 if r.kind == "ratio" else 0
        word = "no clear difference"
        if r.significant:
            word = "rose" if r.estimate > null else "fell"
        elif r.lower > null or r.upper < null:
            # The unadjusted interval excludes no change, but the family-wise test does not.
            word = "no clear difference after adjusting for the page's many comparisons"
        parts.append(f"{pair}: **{word}** ({format_value(r.estimate, r.kind, r.unit)}, "
                     f"unadjusted {round(100 * r.level)}% CI {format_bounds(r, r.unit)}, "
                     f"adjusted p {format_p_value(r.p_value)})")
    return (f"*{md(_label(t, fid))}*: {format_value(r0['estimate'], kind, unit)} in {md(w0)}, "
            f"{format_value(r1['estimate'], kind, unit)} in {w1}. " + "; ".join(parts) + ".")


def wave_links(t: Trends) -> str:
    """Links to each wave's own article (they sit beside the trends page)."""
    from urllib.parse import quote

    links = " · ".join(f"[{md(w.wave)}]({quote(w.wave)}.html)" for w in t.waves)
    return f"**Each wave's article:** {links}"


def summary(t: Trends) -> str:
    """The opening paragraph: how many changes hold up, and the headline movers."""
    tested = [r for r in t.changes if r.p_value is not None]
    clear = [r for r in tested if r.significant]
    text = (f"Of {len(tested)} wave-over-wave changes tested, **{len(clear)}** "
            f"{'is' if len(clear) == 1 else 'are'} significant after "
            f"{MULTIPLICITY_NAMES.get(t.multiplicity, t.multiplicity)} adjustment; the others "
            "read \"no clear difference\".")
    if t.breaks:
        text += (" The series breaks where a question changed: "
                 + "; ".join(md(str(b)) for b in t.breaks)
                 + ". Changes across a break are not estimated: the figures before and after it "
                   "answer different questions.")
    return text


def figures_table(t: Trends) -> pd.DataFrame:
    """Each headline figure (rows) in each wave (columns): estimate, interval and base."""
    rows = {}
    for fid in dict.fromkeys([*t.article.headline, *t.article.trend_figures]):
        row = {}
        for w in t.waves:
            r = w.records.get(fid)
            row[w.wave] = format_interval(r) if r is not None else "–"
        rows[_label(t, fid)] = row
    frame = pd.DataFrame.from_dict(rows, orient="index")
    frame.index.name = "Figure"
    return frame.reset_index()


def changes_table(t: Trends) -> pd.DataFrame:
    rows = []
    for r in t.changes:
        shown = r.estimate is not None
        rows.append({
            "Change": r.label,
            "Estimate": format_value(r.estimate, r.kind, r.unit) if shown else "–",
            f"{round(100 * r.level)}% CI": format_bounds(r, r.unit) if shown else "",
            "Adjusted p": format_p_value(r.p_value),
            "Verdict": _verdict(r),
            "Base": f"n = {r.n1:,} vs {r.n2:,}" if r.n1 is not None else "",
        })
    return pd.DataFrame(rows)


def trend_chart(t: Trends, ids: Sequence[str], title: str) -> Chart | None:
    """Lines with interval bands across waves; a dashed rule and a gap mark each series break."""
    series = [(fid, [(i, w.records.get(fid)) for i, w in enumerate(t.waves)]) for fid in ids]
    series = [(fid, [(i, r) for i, r in pts if r is not None and r.get("estimate") is not None])
              for fid, pts in series]
    series = [(fid, pts) for fid, pts in series if len(pts) >= 2]
    if not series:
        return None
    ratio = all(pts[-1][1].get("kind") == "ratio" for _, pts in series)
    scale = 1 if ratio else 100
    fig = Figure(figsize=(4.4, 4.6))
    ax = fig.subplots()
    cuts = {t.waves.index(next(w for w in t.waves if w.wave == b.after))
            for b in t.breaks if b.variable in {t.figure_variable(fid) for fid, _ in series}}
    for k, (fid, pts) in enumerate(series):
        colour = PALETTE[k % len(PALETTE)]
        segment: list = []
        for i, r in [*pts, (None, None)]:
            if i is None or i in cuts:
                if segment:
                    xs = [x for x, _ in segment]
                    ax.plot(xs, [scale * s["estimate"] for _, s in segment], "o-", color=colour,
                            label=_label(t, fid))
                    ax.fill_between(xs, [scale * s["lower"] for _, s in segment],
                                    [scale * s["upper"] for _, s in segment], color=colour,
                                    alpha=0.18, linewidth=0)
                segment = []
            if i is not None:
                segment.append((i, r))
    for cut in sorted(cuts):
        ax.axvline(cut - 0.5, color="#cf222e", linestyle="--", linewidth=1)
        ax.text(cut - 0.45, ax.get_ylim()[1], "question\nchanged", color="#cf222e", fontsize=13,
                va="top")
    handles, labels = ax.get_legend_handles_labels()
    unique = dict(zip(labels, handles, strict=False))
    ax.legend(unique.values(), unique.keys(), fontsize=13, loc="upper center",
              bbox_to_anchor=(0.5, -0.15), ncol=1, frameon=False)
    ax.set_xticks(range(len(t.waves)), [w.wave for w in t.waves])
    ax.set_ylabel("Ratio" if ratio else "Share (%)")
    if ratio:
        ax.axhline(1, color="#57606a", linewidth=0.8)
    ax.set_title(_wrap(title, 32))
    fig.tight_layout()
    level = round(100 * series[0][1][0][1]["level"])
    bases = "; ".join(_base_text(w.wave, w.records[series[0][0]]) for w in t.waves
                      if series[0][0] in w.records)
    alt = f"{title}. " + "; ".join(
        f"{_label(t, fid)}: " + ", ".join(
            f"{t.waves[i].wave} {format_value(r['estimate'], r['kind'])}" for i, r in pts)
        for fid, pts in series) + "." + "".join(
        f" The question changed between {b.before} and {b.after}: not comparable across it."
        for b in t.breaks if t.waves.index(next(w for w in t.waves if w.wave == b.after)) in cuts)
    if t.synthetic:
        alt += " Synthetic data."
    caption = (f"{title}, by wave. Bands: {level}% confidence intervals as published on each "
               f"wave's page. Bases ({_label(t, series[0][0])}): {bases}."
               + (" Dashed rule: the question changed, the series is not comparable across it."
                  if cuts else ""))
    return Chart(fig, alt, caption)


def methods(t: Trends) -> str:
    adjustment = MULTIPLICITY_NAMES.get(t.multiplicity, t.multiplicity)
    return f"""
**Data.** The figures are read from each wave's published results file
(`reports/{t.source}/{t.article.name}/<wave>.results.json`), exactly as printed on the wave
pages; nothing is re-estimated from the respondents here.

**Changes.** Each wave is an independent sample, so a change between two waves is a comparison of
independent samples. Shares: Newcombe's hybrid score interval for a difference of proportions
(Newcombe 1998b, method 10) from the counts, with the pooled z test; weighted shares: the MOVER
square-and-add of the two published intervals (Zou & Donner 2008). Means: Welch's interval and t
test. A ratio of two communities: the ratio of the two waves' ratios, by MOVER on the log
scale. Differences are in percentage points; a ratio of ratios below 1 means the ratio fell.
A respondent may answer more than one wave; the waves are treated as independent samples.

**Which changes are tested.** Consecutive waves, and the first with the last wave of each
comparable series of three or more waves, for the article's distinct questions
({", ".join(_label(t, f) for f in t.article.trend_figures)}); figures computed from the same
counts (either, both, the shares of one another's users) are shown, not tested again.

**Multiple comparisons.** All {len([r for r in t.changes if r.p_value is not None])} tested
changes on this page form one family; p-values are adjusted by the
{adjustment} method and a change is called significant only when its adjusted p-value is
below the significance level. Otherwise it reads "no clear difference". Intervals are not adjusted.

**Breaks in comparability.** Each wave's codebook states, under `comparability:`, the series its
question belongs to (for example "past 5 years" or "regular basis"). A change of series between
consecutive waves is a break: the charts leave a gap and a dashed rule there, and no change is
estimated across it.
"""
