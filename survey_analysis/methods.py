"""The methods appendix and the notes every page carries, written from what was computed.

Each paragraph describes only the methods the page's results actually used (paired, overlapping
or independent comparisons, means), with the references, so any article gets a true appendix.
"""

from __future__ import annotations

from survey_analysis.analysis import Analysis
from survey_analysis.escaping import escape_markdown_text as md
from survey_analysis.formatting import MULTIPLICITY_NAMES
from survey_analysis.phrases import upper_first
from survey_analysis.variables import canonical_variables

METHOD_REFERENCES = {
    "wilson": "Wilson score interval (Wilson 1927; Newcombe 1998a, method 3)",
    "wilson-cc": "continuity-corrected Wilson score interval (Newcombe 1998a, method 4)",
    "clopper-pearson": "Clopper-Pearson exact interval (Clopper & Pearson 1934)",
    "jeffreys": "equal-tailed Jeffreys interval (Brown, Cai & DasGupta 2001)",
    "agresti-coull": "Agresti-Coull interval (Agresti & Coull 1998)",
    "wald": "Wald interval, clipped to [0, 1]",
}
PAIRED_RATIO_REFERENCES = {
    "tang": "the score method of Tang, Tang & Chan (2003)",
    "bonett-price": "the method of Bonett & Price (2006)",
}


def variable_label(name: str) -> str:
    variable = canonical_variables().get(name)
    return variable.label if variable else name


def methods_text(analysis: Analysis) -> str:
    """Population, base, weighting, intervals, comparisons, base policy and what was not asked."""
    s, wave = analysis.settings, analysis.wave
    level = round(100 * s.level)
    designs = {r.design for r in analysis.results if r.design}
    kinds = {r.kind for r in analysis.results}
    if s.weighted:
        weighting = (
            "Figures are **weighted** with the survey's weights. Shares use the logit interval "
            "on the design-based effective sample size p(1-p)/v from the linearization variance "
            "(Korn & Graubard 1998; R survey's svyciprop), which the coverage benchmark found "
            "within a point of nominal when the weights are linked to the answers; group "
            "differences combine the groups' intervals on their design-based effective sizes; "
            "paired comparisons and means use Taylor linearization (Wolter 2007). Each figure's "
            "method names the effective size it used.")
    elif wave.has_weights:
        weighting = ("Figures are **unweighted** (each respondent counts once); the survey also "
                     "publishes weights, which the `weighted` parameter applies.")
    else:
        weighting = ("Figures are **unweighted**: this source publishes no survey weights, so "
                     "they describe its self-selected respondents, not a wider population.")
    paragraphs = [
        f"**Population.** {md(upper_first(wave.population_label))}, after the cleaning steps "
        f"in the table below. The base of every share is the population's respondents who "
        f"{md(analysis.base_label)} ({analysis.n:,} in this wave) unless a figure names another "
        "(a conditional share's base is its conditioning group); each figure's base is printed "
        "beside it.",
        f"**Weighting.** {weighting}",
        f"**Intervals.** All intervals are two-sided at {level}% confidence, and none is "
        "adjusted for multiple comparisons (the significance verdicts are; see below). Shares: "
        f"{METHOD_REFERENCES.get(s.share_method, s.share_method)}."
        + (" Means use the t interval." if kinds & {"mean", "mean_difference"} else ""),
    ]
    if "paired" in designs:
        paragraphs.append(
            "**Paired comparisons.** The ratio and the difference of two shares of the *same* "
            "respondents use paired methods: the ratio by "
            f"{PAIRED_RATIO_REFERENCES.get(s.ratio_method, s.ratio_method)} and the difference "
            "by Tango's (1998) score method, tested with McNemar's score test, which both "
            "intervals invert, so they always agree with it.")
    if "overlapping" in designs:
        paragraphs.append(
            "**Overlapping groups.** Groups that share respondents (a respondent may be in both) "
            "are compared by a method for overlapping groups: each group's Wilson interval "
            "combined by MOVER (Zou & Donner 2008) with the correlation of the two shares, "
            "estimated by Taylor linearization with the shared respondents in the covariance "
            "(Wolter 2007); differences of means use the linearization alone. Each p-value "
            "inverts its own interval.")
    if "independent" in designs:
        paragraphs.append(
            "**Independent groups.** Groups with no respondent in common are compared as "
            "independent samples (Newcombe's hybrid score, 1998b method 10, for shares; Welch "
            "for means).")
    if designs - {"paired"}:
        paragraphs.append(
            "**Multiple comparisons.** Within each family of comparisons, p-values are adjusted "
            f"by the {MULTIPLICITY_NAMES.get(s.multiplicity, s.multiplicity)} method; a "
            f"difference is called significant only when its adjusted p-value is below "
            f"{s.alpha:.2f}, and otherwise reads \"no clear difference\".")
    paragraphs.append(f"**What is shown.** Base policy {s.policy.describe()} A suppressed "
                      "figure is left out of the text, tables, charts and results file alike, "
                      "and each flag names the rule that fired.")
    paragraphs.append("**Rounding.** Differences and ratios are computed from unrounded "
                      "figures, so a printed difference can differ by 0.1 from the difference "
                      "of the printed shares.")
    not_asked = "; ".join(md(variable_label(v)) for v in wave.not_asked) or "none"
    notes = "".join(f"\n- {md(note)}" for note in wave.codebook.notes)
    paragraphs.append(f"**Not asked in this wave:** {not_asked}.{notes}")
    return "\n\n".join(paragraphs)


def question_note(analysis: Analysis, variable: str | None = None) -> str:
    """A question's wording in this wave, its note, and every comparability break touching it."""
    name = variable or analysis.base
    question = analysis.wave.codebook.questions.get(name) if name else None
    if question is None:
        return f"This wave did not ask about {md(variable_label(name or '').lower())}."
    note = f" {md(question.note.strip())}" if question.note.strip() else ""
    return (f"**The question in this wave:** “{md(question.question.strip())}”{note}"
            + breaks_note(analysis, name))


def breaks_note(analysis: Analysis, variable: str) -> str:
    """Every break in comparability touching this wave's question (from the codebooks)."""
    from survey_analysis.sources import wave_sort_key

    source, wave = analysis.wave.source, analysis.wave.wave
    waves = sorted(source.waves, key=wave_sort_key)
    labels = {}
    for w in waves:
        try:
            labels[w] = (source.codebook(w).extra.get("comparability") or {}).get(variable)
        except ValueError:
            labels[w] = None
    i = waves.index(wave) if wave in waves else -1
    notes = []
    if i > 0 and labels[waves[i - 1]] and labels[wave] and labels[waves[i - 1]] != labels[wave]:
        notes.append(f"the previous wave ({md(waves[i - 1])}) asked about "
                     f"“{md(labels[waves[i - 1]])}”")
    if 0 <= i < len(waves) - 1 and labels[waves[i + 1]] and labels[wave] \
            and labels[waves[i + 1]] != labels[wave]:
        notes.append(f"the next wave ({md(waves[i + 1])}) asked about "
                     f"“{md(labels[waves[i + 1]])}”")
    if not notes:
        return ""
    return (f" **Not comparable across waves:** this wave asked about “{md(labels[wave])}”, while "
            + " and ".join(notes) + "; figures across such a break answer different questions.")


def publisher_figures(analysis: Analysis) -> str:
    """The publisher's own published figures this wave's codebook records (``published:``),
    set beside this page's, with the difference in population said when there is one."""
    from survey_analysis import phrases
    from survey_analysis.formatting import format_value

    lines = []
    populations = analysis.wave.source.populations
    for entry in analysis.wave.codebook.extra.get("published") or []:
        ours = analysis.results.get(entry["result"])
        if ours is None:
            continue
        population = entry.get("population") or analysis.wave.population
        label = populations.get(population, {}).get("label", population)
        theirs = format_value(float(entry["value"]), ours.kind, ours.unit)
        line = f"- {md(entry['source'])}: {theirs} ({md(ours.label.lower())}; {md(label)})."
        if population == analysis.wave.population:
            line += f" This page: {md(phrases.figure(ours))}."
        else:
            line += (f" This page's {md(phrases.value_ci(ours))} is of "
                     f"{md(analysis.wave.population_label)}, a different population; the edition "
                     f"for {md(label)} sets the two side by side.")
        lines.append(line)
    if not lines:
        return ""
    return "**The publisher's own figures.**\n\n" + "\n".join(lines)


def caveats_text(measures) -> str:
    """How this source measures each outcome, where it differs from the article's question."""
    items = [f"- *{md(m.label)}*: {md(m.caveat)}" for m in measures if m.caveat]
    if not items:
        return ""
    lead = ("**How this source measures the outcomes.** Where a different question stands in "
            "(a stand-in measure), or none exists, it says so; a stand-in gets no verdict on the "
            "original article's claim:")
    return f"{lead}\n\n" + "\n".join(items)


def attribution(analysis: Analysis) -> str:
    """Source, publisher and licence of the wave's data, as its licence asks."""
    source, wave = analysis.wave.source, analysis.wave
    licence = str(wave.codebook.extra.get("licence") or source.licence).strip()
    return (f"**Data.** {md(source.title)}, wave {md(wave.wave)}, published by "
            f"{md(source.publisher)}. Licence: {md(licence)}")


def synthetic_note(analysis: Analysis) -> str:
    """Plain text (it is quoted inside prose cells, which print inserted text as typed)."""
    if not analysis.wave.source.synthetic:
        return ""
    return ("Synthetic demonstration data: generated to reproduce the original article (or an "
            "invented trend from it), so agreement shows the method at work, not evidence about "
            "developers.")
