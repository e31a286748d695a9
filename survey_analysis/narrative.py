"""Sentences written from the computed results, so every wave's page reads right.

Rules: a comparison is worded as a difference only when it is significant (its interval excludes
the null value, after multiple-comparison adjustment where the page makes several); otherwise it
reads "no clear difference". Figures not asked, suppressed or on a small base say so.
"""

from __future__ import annotations

from survey_analysis.article import FrameworkBattle, Profile
from survey_analysis.claims import (
    CONSISTENT,
    CONTRADICTED,
    DIFFERS,
    NOT_CHECKABLE,
    NOT_CLEAR_ABOVE,
    REVERSED,
    SUPPORTED,
    UNCLEAR,
)
from survey_analysis.formatting import format_bounds, format_value
from survey_analysis.results import FLAG_NOT_ASKED, FLAG_SMALL_BASE, FLAG_SUPPRESSED, Result
from survey_analysis.variables import canonical_variables


def _ci(result: Result) -> str:
    return f"{round(100 * result.level)}% CI {format_bounds(result, result.unit)}"


def _pct(result: Result) -> str:
    return format_value(result.estimate, result.kind, result.unit)


def _caution(*results: Result) -> str:
    if any(r.flag == FLAG_SMALL_BASE for r in results):
        return " (small base: read with care)"
    return ""


def _unavailable(*results: Result) -> str | None:
    if any(r.flag == FLAG_NOT_ASKED for r in results):
        return "not asked in this wave"
    if any(r.flag == FLAG_SUPPRESSED or r.estimate is None for r in results):
        return "too few respondents"
    return None


def standfirst(article: FrameworkBattle) -> str:
    """The line under the page title: what, where, of whom."""
    wave = article.wave
    synthetic = (" Synthetic demonstration data: calibrated to the original article, "
                 "but no real person answered.") if wave.source.synthetic else ""
    return (f"*The battle of the frameworks re-run on {wave.source.title} data, wave "
            f"{wave.wave}. Population: {wave.population_label}.*{synthetic}")


def headline(article: FrameworkBattle) -> str:
    """The opening paragraph: who uses which framework, of whom."""
    either, tf, pt = article["share.either"], article["share.tensorflow"], article["share.pytorch"]
    population = article.wave.population_label
    n = either.n or tf.n
    lead = f"Of the {n:,} {population} who {article.base_phrase} in this wave, "
    if _unavailable(either, pt):
        if tf.shown:
            return (lead + f"{_pct(tf)} use TensorFlow ({_ci(tf)}). PyTorch use cannot be "
                    f"reported ({_unavailable(pt) or 'not reported'}), so the battle cannot be "
                    "scored here.")
        return lead + "the framework shares cannot be reported."
    both = article["share.both"]
    return (
        lead + f"**{_pct(either)}** use TensorFlow or PyTorch ({_ci(either)}){_caution(either)}: "
        f"{_pct(tf)} use TensorFlow ({_ci(tf)}) and {_pct(pt)} use PyTorch ({_ci(pt)}); "
        f"{_pct(both)} use both ({_ci(both)}). Every share on this page states its base; here "
        "the base is the "
        f"{n:,} respondents who answered the question."
    )


def _not_offered(article: FrameworkBattle) -> str | None:
    missing = article.frameworks_not_asked
    if not missing:
        return None
    return (f"{' and '.join(missing)} was not an answer option in this wave, so the two "
            "communities cannot be compared here")


def ratio(article: FrameworkBattle) -> str:
    """TensorFlow's community size relative to PyTorch's, worded by its interval."""
    r = article["ratio.tensorflow_to_pytorch"]
    if not article.comparable:
        return ""  # the headline has already said which framework the wave did not offer
    if (why := _unavailable(r)) is not None:
        return f"The relative size of the two communities cannot be reported: {why}."
    if not r.significant:
        return (f"There is **no clear difference** in size between the TensorFlow and PyTorch "
                f"communities: the ratio is {r.estimate:.2f} ({_ci(r)}), an interval that "
                f"includes 1.")
    if r.estimate > 1:
        return (f"TensorFlow's community is **{r.estimate:.2f} times** PyTorch's "
                f"({_ci(r)}; a paired comparison, as both shares come from the same "
                f"respondents){_caution(r)}.")
    if r.estimate <= 0 or r.lower <= 0:
        return (f"PyTorch's community is far larger than TensorFlow's here (ratio {_pct(r)}, "
                f"{_ci(r)}).")
    inverse_low, inverse_high = 1 / r.upper, 1 / r.lower
    return (f"PyTorch's community is **{1 / r.estimate:.2f} times** TensorFlow's "
            f"({round(100 * r.level)}% CI {inverse_low:.2f}–{inverse_high:.2f}; paired "
            f"comparison){_caution(r)}.")


def overlap(article: FrameworkBattle) -> str:
    """How many users of one framework also use the other."""
    tf_given_pt = article["conditional.tensorflow_given_pytorch"]
    pt_given_tf = article["conditional.pytorch_given_tensorflow"]
    if (why := _not_offered(article)) is not None:
        return f"{why}."
    if (why := _unavailable(tf_given_pt, pt_given_tf)) is not None:
        return f"The overlap between the two communities cannot be reported: {why}."
    return (
        f"{_pct(tf_given_pt)} of PyTorch users also use TensorFlow ({_ci(tf_given_pt)}; "
        f"n = {tf_given_pt.n:,} PyTorch users){_caution(tf_given_pt)}, while "
        f"{_pct(pt_given_tf)} of TensorFlow users also use PyTorch ({_ci(pt_given_tf)}; "
        f"n = {pt_given_tf.n:,} TensorFlow users){_caution(pt_given_tf)}."
    )


def profile_sentence(article: FrameworkBattle, profile: Profile, robustness: bool = False) -> str:
    """One profile comparison in words, worded by significance after adjustment."""
    prefix = "robustness" if robustness else "profile"
    groups = ("tensorflow_only", "pytorch_only") if robustness else ("tensorflow", "pytorch")
    names = ("TensorFlow-only users", "PyTorch-only users") if robustness else \
        ("TensorFlow users", "PyTorch users")
    first = article[f"{prefix}.{profile.id}.{groups[0]}"]
    second = article[f"{prefix}.{profile.id}.{groups[1]}"]
    diff = article[f"{prefix}.{profile.id}.difference"]
    if (why := _unavailable(first, second, diff)) is not None:
        return f"*{profile.label}*: {why}."
    values = f"{_pct(first)} of {names[0]} vs {_pct(second)} of {names[1]}"
    if profile.is_mean:
        values = f"{_pct(first)} for {names[0]} vs {_pct(second)} for {names[1]}"
    detail = (f"difference {format_value(diff.estimate, diff.kind, diff.unit)}, unadjusted "
              f"{_ci(diff)}, "
              f"adjusted p {_p(diff.p_value)}{_caution(first, second, diff)}")
    if not diff.significant:
        excludes_zero = diff.lower > 0 or diff.upper < 0
        adjusted = " after adjusting for the page's several comparisons" if excludes_zero else ""
        return f"*{profile.label}*: **no clear difference**{adjusted} ({values}; {detail})."
    leader = names[0] if diff.estimate > 0 else names[1]
    versus = _versus_article(article, profile.id, diff)
    if profile.is_mean:
        return f"*{profile.label}*: {leader} report **more** ({values}; {detail}){versus}."
    return f"*{profile.label}*: **more common among {leader}** ({values}; {detail}){versus}."


def _versus_article(article: FrameworkBattle, profile_id: str, diff: Result) -> str:
    """How a significant difference compares with the original article's finding."""
    check = next((c for c in article.claims if c.claim.id == profile_id), None)
    if check is None or check.verdict not in (SUPPORTED, REVERSED):
        return ""
    stand_in = " (on a stand-in measure: see the caveats below)" \
        if (p := article.profile(profile_id)) is not None and p.stand_in else ""
    if check.verdict == SUPPORTED:
        return f", as the original article found{stand_in}"
    return f", **the reverse** of the original article's finding{stand_in}"


def _p(p: float | None) -> str:
    if p is None:
        return "–"
    return "< 0.001" if p < 0.001 else f"= {p:.3f}"


def profile_summary(article: FrameworkBattle) -> str:
    """Which of the article's profile differences this wave confirms, reverses or cannot tell."""
    if (why := _not_offered(article)) is not None:
        return f"The profile comparisons are not available: {why}."
    by_verdict: dict[str, list[str]] = {}
    for profile in article.profiles:
        check = next((c for c in article.claims if c.claim.id == profile.id), None)
        verdict = check.verdict if check else (
            UNCLEAR if article[f"profile.{profile.id}.difference"].shown else NOT_CHECKABLE)
        by_verdict.setdefault(verdict, []).append(profile.label)
    total = len(article.profiles)
    parts = []
    if by_verdict.get(SUPPORTED):
        parts.append(f"**{len(by_verdict[SUPPORTED])} of the original article's {total} profile "
                     f"differences are supported** (significant, same direction, after adjusting "
                     f"for multiple comparisons): {_join(by_verdict[SUPPORTED])}")
    if by_verdict.get(REVERSED):
        parts.append(f"**{len(by_verdict[REVERSED])} are reversed** (significant in the opposite "
                     f"direction): {_join(by_verdict[REVERSED])}")
    if by_verdict.get(UNCLEAR):
        parts.append(f"{len(by_verdict[UNCLEAR])} show no clear difference: "
                     f"{_join(by_verdict[UNCLEAR])}")
    if by_verdict.get(NOT_CHECKABLE):
        parts.append(f"{len(by_verdict[NOT_CHECKABLE])} cannot be checked in this wave (not "
                     f"asked, or too few respondents): {_join(by_verdict[NOT_CHECKABLE])}")
    text = "In this wave: " + ". ".join(parts) + "." if parts else ""
    return text + _synthetic_note(article)


def _synthetic_note(article: FrameworkBattle) -> str:
    if not article.wave.source.synthetic:
        return ""
    return (" These are synthetic data generated to reproduce the article (or an invented trend "
            "from it), so agreement here shows the method at work, not evidence about "
            "developers.")


def _join(labels: list[str]) -> str:
    return "; ".join(labels)


CLAIM_VERDICT_WORDS = {
    CONSISTENT: "consistent with this wave",
    DIFFERS: "differs from this wave",
    SUPPORTED: "supported",
    CONTRADICTED: "contradicted",
    REVERSED: "reversed",
    UNCLEAR: "no clear difference",
    NOT_CLEAR_ABOVE: "not clearly supported",
    NOT_CHECKABLE: "cannot be checked",
}


def _plural(verdict_words: str, n: int) -> str:
    return verdict_words.replace("differs ", "differ ", 1) if n != 1 else verdict_words


def claims_summary(article: FrameworkBattle) -> str:
    """How the original article's claims fare in this wave, in one paragraph."""
    checks = article.claims
    counts: dict[str, int] = {}
    for check in checks:
        word = CLAIM_VERDICT_WORDS[check.verdict]
        counts[word] = counts.get(word, 0) + 1
    listed = ", ".join(f"{n} {_plural(word, n)}" for word, n in counts.items())
    stand_in = ""
    if any(p.stand_in for p in article.profiles):
        stand_in = (" Some of this source's questions only stand in for the article's (see the "
                    "caveats above): their published values cannot be checked, and their "
                    "directions are compared with that caveat. Its respondents are not the "
                    "article's sample either, so a difference here is one between surveys as "
                    "much as over time.")
    return (
        f"The original article made {len(checks)} claims that a survey wave can test. Against "
        f"this wave's figures and intervals: {listed}. A published value is consistent with "
        "this wave when, allowing for its rounding, it lies inside this wave's interval: the "
        "wave cannot tell them apart, which is not proof. Each value is checked at the page's "
        "confidence level, so among many checks one may differ by chance. A claim that one "
        "group is higher is supported when the difference is significant in that direction "
        "after adjustment, and reversed when it is significant the other way."
        + stand_in + _synthetic_note(article)
    )


MULTIPLICITY_NAMES = {"holm": "Holm (1979)", "benjamini-hochberg": "Benjamini-Hochberg (1995)"}


def _upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


def variable_label(name: str) -> str:
    """A canonical variable's reader-facing label."""
    variable = canonical_variables().get(name)
    return variable.label if variable else name


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


def methods(article: FrameworkBattle) -> str:
    """The methods appendix: population, bases, weighting, interval methods and comparisons."""
    s = article.settings
    wave = article.wave
    level = round(100 * s.level)
    if s.weighted:
        weighting = (
            "Figures are **weighted** with the survey's weights. Shares, and the robustness "
            "check's independent-group differences, use the Kish effective sample size (Kish "
            "1965; Korn & Graubard 1998); the paired TensorFlow-PyTorch comparison and the means "
            "use Taylor linearization (Wolter 2007); the overlapping-group differences combine "
            "Wilson intervals on each group's effective size with their linearized correlation. "
            "The small-base rule still counts respondents, not effective sizes."
        )
    elif wave.has_weights:
        weighting = ("Figures are **unweighted** (each respondent counts once); the survey also "
                     "publishes weights, which the `weighted` parameter applies.")
    else:
        weighting = ("Figures are **unweighted**: this source publishes no survey weights, so "
                     "they describe its self-selected respondents, not a wider population.")
    not_asked = "; ".join(variable_label(v) for v in wave.not_asked) or "none"
    adjustment = MULTIPLICITY_NAMES.get(s.multiplicity, s.multiplicity)
    notes = "".join(f"\n- {note}" for note in wave.codebook.notes)
    return f"""
**Population.** {_upper_first(wave.population_label)}, after the cleaning
steps in the table below. The base of every framework share is the population's respondents who
{article.base_phrase} ({article["share.tensorflow"].n:,} in this wave); a conditional
share's base is the conditioning group; each figure's base is printed beside it.

**Weighting.** {weighting}

**Intervals.** All intervals are two-sided at {level}% confidence, and none is adjusted for
multiple comparisons (the significance verdicts are; see below). Shares:
{METHOD_REFERENCES.get(s.share_method, s.share_method)}. The TensorFlow-to-PyTorch size ratio and
the difference of the two shares compare answers of the *same* respondents, so they use paired
methods: the ratio by {PAIRED_RATIO_REFERENCES.get(s.ratio_method, s.ratio_method)} and the
difference by Tango's (1998) score method, tested with McNemar's score test, which both intervals
invert, so they always agree with it. Means use the t interval.

**Comparisons.** TensorFlow users and PyTorch users *overlap* (a respondent may use both), so
their profile differences use an overlapping-groups method: each group's Wilson interval combined
by MOVER (Zou & Donner 2008) with the correlation of the two shares, estimated by Taylor
linearization with the shared respondents in the covariance (Wolter 2007); differences of means
use the linearization alone. Each p-value inverts its own interval. The robustness check
compares the *disjoint* TensorFlow-only and PyTorch-only groups as independent samples (Newcombe's
hybrid score, 1998b method 10, for shares; Welch for means). Within each family of comparisons,
p-values are adjusted by the {adjustment} method; a difference is called significant only when
its adjusted p-value is below {s.alpha:.2f}, and otherwise reads "no clear difference".

**Small bases.** A figure whose base is below {s.min_base} is flagged "small base"; below
{s.suppression_floor} it is suppressed.

**Not asked in this wave:** {not_asked}.{notes}
"""


def profile_caption(article: FrameworkBattle, robustness: bool = False) -> str:
    s = article.settings
    groups = ("TensorFlow-only vs PyTorch-only users, independent groups" if robustness
              else "TensorFlow users vs PyTorch users, overlapping groups")
    return (f"{groups}. Cells: estimate ({round(100 * s.level)}% CI; base n). Differences in "
            f"percentage points (years for experience); p-values adjusted over the profiles by "
            f"the {MULTIPLICITY_NAMES.get(s.multiplicity, s.multiplicity)} method.")


def figures_caption(article: FrameworkBattle) -> str:
    s = article.settings
    return (f"{round(100 * s.level)}% confidence intervals; shares by the "
            f"{METHOD_REFERENCES.get(s.share_method, s.share_method)}, "
            f"the ratio and difference by paired methods. Bases below {s.min_base} are flagged, "
            f"below {s.suppression_floor} suppressed.")


def profiles(article: FrameworkBattle) -> str:
    """The profile section's text: a summary, then one sentence per profile (when comparable)."""
    summary = profile_summary(article)
    if not article.comparable:
        return summary
    lines = "\n".join(f"- {profile_sentence(article, p)}" for p in article.profiles)
    return f"{summary}\n\n{lines}"


def caveats(article: FrameworkBattle) -> str:
    """How this source measures each profile, where it differs from the original article."""
    items = [f"- *{p.label}*: {p.caveat}" for p in article.profiles if p.caveat]
    if not items:
        return ""
    if any(p.stand_in for p in article.profiles):
        lead = ("**How this source measures the profiles.** Not all of the original article's "
                "questions are asked here; where a different question stands in, or none exists, "
                "it says so:")
    else:
        lead = "**How the profiles are measured.**"
    return f"{lead}\n\n" + "\n".join(items)


def question_note(article: FrameworkBattle) -> str:
    """The framework question's wording in this wave, and what limits comparisons across waves."""
    question = article.wave.codebook.questions.get("frameworks")
    if question is None:
        return "This wave did not ask which frameworks respondents use."
    note = f" {question.note.strip()}" if question.note.strip() else ""
    return f"**The question in this wave:** “{question.question.strip()}”{note}"


def attribution(article: FrameworkBattle) -> str:
    """Source, publisher and licence of the wave's data, as its licence asks."""
    source = article.wave.source
    licence = str(article.wave.codebook.extra.get("licence") or source.licence).strip()
    return (f"**Data.** {source.title}, wave {article.wave.wave}, published by "
            f"{source.publisher}. Licence: {licence}")
