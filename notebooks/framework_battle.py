# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python (survey-analysis)
#     language: python
#     name: survey-analysis
# ---

# %% [markdown] tags=["remove-cell"]
# <!-- Editors' note (removed from the published page). -->
# **TensorFlow vs PyTorch, one wave.** `survey-report render --article framework_battle` runs this
# notebook once per wave with papermill, replacing the `parameters` cell, and publishes it without
# code. The prose is in the `%%prose` cells: edit a sentence there and the page shows it with this
# wave's numbers. Numbers and comparative words come from results (`compare`, `times`, `value_ci`);
# a sentence claiming a difference its result does not support fails the build.

# %% tags=["parameters"]
# Parameters: papermill injects each wave's values after this cell.
source: str = "demo"  # survey source: "demo" (synthetic) or "kaggle"
wave: str = "2018-h2"  # wave id of that source, e.g. "2018-h2" or "2021"
population: "Optional[str]" = None  # population defined for the source; None: the default
confidence_level: float = 0.95  # two-sided confidence level of every interval
share_method: str = "wilson"  # one of stats.SHARE_METHODS (README: Parameters)
base_policy: str = "nchs"  # what is shown: nchs (NCHS standard) or fixed (the two below)
min_base: int = 30  # fixed base policy only: figures with a smaller base are flagged
suppression_floor: int = 10  # fixed base policy only: a smaller base is suppressed
weighted: bool = False  # True: use the survey weights
data_dir: "Optional[str]" = None  # folder holding SOURCE/ raw files; None: $SURVEY_DATA_DIR, ./data

# %%
# %load_ext survey_analysis
from survey_analysis import Analysis, load_article, load_wave, methods, plots, show, tables

plots.setup()
data = load_wave(source, wave, population=population, data_dir=data_dir)
a = Analysis(data, dict(level=confidence_level, share_method=share_method, min_base=min_base,
                        suppression_floor=suppression_floor, weighted=weighted,
                        base_policy=base_policy),
             base="frameworks", title=f"TensorFlow vs PyTorch: {data.title}",
             article="framework_battle", base_wording="answered the framework question")
tf, pt = a.option("frameworks", "tensorflow"), a.option("frameworks", "pytorch")
split = a.split(tf, pt)
if split.ratio.shown:  # the page's title tells this wave's answer
    a.set_title(f"{split.ratio.estimate:.2f} TensorFlow users per PyTorch user: {data.title}")
profiles = a.compare_all(a.measures, tf, pt, id_prefix="profile")
robust = a.compare_all(a.measures, tf.only(pt), pt.only(tf), id_prefix="robustness")
article = load_article("framework_battle.ipynb")
claims = a.check_claims(article.claims, [profiles, robust])
verdicts = {c.claim.id: c for c in claims}
base = f"n = {a.n:,} {data.population_label} who {a.base_label}"

# %%
# %%prose
{% if split.comparable %}**{{ times(split.ratio, "TensorFlow", "PyTorch") | upper_first }}**, where the original article found 3.4. {{ split.either | value_ci | upper_first }} of the {{ a.n | count }} {{ data.population_label }} who {{ a.base_label }} use TensorFlow or PyTorch.{% else %}{{ split.second_group.name }} was not an answer option in this wave, so the two communities cannot be compared here: {{ split.first | value_ci }} of the {{ a.n | count }} {{ data.population_label }} who {{ a.base_label }} use {{ split.first_group.name }}.{% endif %}
{{ methods.synthetic_note(a) }}

# %% [markdown]
# ## The headline: who uses which framework
#
# The original article reported shares without saying of whom. Here every share's base is
# stated: the respondents who answered the framework question.

# %%
# %%prose
{% if split.comparable %}Of the {{ a.n | count }} {{ data.population_label }} who {{ a.base_label }} in this wave, {{ split.first | value_ci }} use TensorFlow and {{ split.second | value_ci }} use PyTorch; {{ split.both | value_ci }} use both, and {{ split.neither | value_ci }} use neither. Counted by respondents rather than by answers, {{ times(split.ratio, "TensorFlow", "PyTorch") }}: a paired comparison, as both shares come from the same respondents ({{ split.ratio | base }}).{% else %}Of the {{ a.n | count }} {{ data.population_label }} who {{ a.base_label }} in this wave, {{ split.first | value_ci }} use TensorFlow.{% endif %}

# %%
show(plots.shares_chart(
    [split.either, split.first, split.second, split.both, split.first_only, split.second_only],
    ["TensorFlow or PyTorch", "TensorFlow", "PyTorch", "Both", "TensorFlow only", "PyTorch only"],
    colours=[plots.OTHER, plots.FIRST, plots.SECOND, plots.BOTH, plots.FIRST, plots.SECOND],
    title="Who uses TensorFlow and PyTorch", base_text=base, synthetic=data.source.synthetic),
    methods.question_note(a), methods.publisher_figures(a))

# %% [markdown]
# ## How much the two communities overlap
#
# Many respondents use both frameworks, so "TensorFlow users" and "PyTorch users" are not
# separate camps. The shares below are conditional: their base is the users of the other
# framework.

# %%
# %%prose
{% if split.comparable %}{{ split.first_given_second | value_ci | upper_first }} of PyTorch users also use TensorFlow ({{ split.first_given_second | base }} PyTorch users), while {{ split.second_given_first | value_ci }} of TensorFlow users also use PyTorch ({{ split.second_given_first | base }} TensorFlow users). The original article said "over 50%" and "only 15%": in this wave the first is {{ verdicts.pytorch_users_use_tensorflow.verdict | verdict_words }} and the second {{ verdicts.tensorflow_users_use_pytorch.verdict | verdict_words }}.{% else %}PyTorch was not offered in this wave, so the overlap cannot be measured.{% endif %}

# %%
show(plots.overlap_chart(split, base_text=base, synthetic=data.source.synthetic))

# %% [markdown]
# ## Profiles of the two communities
#
# For each characteristic the original article compared, the share (or mean) among TensorFlow
# users and among PyTorch users, and the difference between them. A respondent who uses both
# frameworks belongs to both groups, so the difference uses a method for overlapping groups, and
# the verdicts are adjusted for the page's several comparisons. Where this source asks a
# different question than the original article (a stand-in measure), the methods section says
# how it is measured, and the claim gets no verdict.

# %%
# %%prose
{% if profiles.comparable %}{% for c in profiles %}
- *{{ c.measure.label }}*: {{ compare(c.difference, "TensorFlow users", "PyTorch users", more="higher among" if c.measure.is_mean else "more common among") | upper_first }} ({{ c.first | value }} {{ "for" if c.measure.is_mean else "of" }} TensorFlow users vs {{ c.second | value }} {{ "for" if c.measure.is_mean else "of" }} PyTorch users; difference {{ c.difference | value_ci }}, adjusted p {{ c.difference | p }}){% if c.measure.id in verdicts %}; the original article's claim: {{ verdicts[c.measure.id].verdict | verdict_words }}{% endif %}.{% endfor %}
{% else %}The profiles cannot be compared: PyTorch was not an answer option in this wave.{% endif %}

# %%
if profiles.comparable:
    show(tables.comparison_table(profiles, ["TF users", "PyTorch users"]),
         caption="TensorFlow users vs PyTorch users (overlapping groups). Cells: estimate "
         "(95% CI; base n); differences in percentage points (years for experience); p-values "
         "adjusted over the profiles.")
    show(plots.forest_plot([profiles, robust], ["TF users vs PyTorch users (overlapping)",
                                                 "TF only vs PyTorch only (independent)"],
                           title="Where TensorFlow and PyTorch users differ",
                           synthetic=data.source.synthetic))

# %% [markdown]
# ## Robustness check: TensorFlow-only vs PyTorch-only users
#
# Leaving out the users of both frameworks gives two groups with no one in common, which can be
# compared as independent samples. A finding is called supported or reversed only where this
# check agrees with the comparison above; otherwise it depends on the users of both.

# %%
# %%prose
{% if robust.comparable %}{% set both = claims | selectattr("verdict", "equalto", "depends on the users of both") | list %}{% if both %}Where the two checks disagree, the finding depends on the users of both frameworks: {{ listing(both | map(attribute="claim.claim") | list) }}.{% else %}The two checks do not disagree on any of the original article's profile claims.{% endif %}{% endif %}

# %%
if robust.comparable:
    show(tables.comparison_table(robust, ["TF only", "PyTorch only"]),
         caption="TensorFlow-only vs PyTorch-only users (independent groups). Cells: estimate "
         "(95% CI; base n); p-values adjusted over the profiles.")

# %% [markdown]
# ## The original article's claims, checked
#
# Every claim the original article made, set against this wave's figure and its interval. A
# published value is consistent with this wave when, allowing for its rounding, it lies inside
# this wave's interval: the wave cannot tell them apart, which is not proof. A direction is
# supported when both checks find it significant after adjustment, and reversed when both find
# it the other way. A stand-in measure gets no verdict.

# %%
# %%prose
Of the article's {{ claims | length }} claims that a wave can test, in this wave {% for verdict, group in claims | groupby("verdict") %}{{ group | length }} {{ "is" if group | length == 1 else "are" }} {{ verdict | verdict_words }}{{ "; " if not loop.last else "." }}{% endfor %} The original article is {{ article.cites }}.

# %%
show(tables.claims_table(claims), caption="The original article's claims against this wave's "
     "figures and their confidence intervals.", css_class="figures text")

# %% [markdown]
# ## Every headline figure

# %%
show(tables.figures_table(split.results()), caption="Every headline figure: estimate, "
     "confidence interval and base. Suppressed figures are not shown.")

# %% [markdown]
# ## Methods

# %%
show(methods.methods_text(a), methods.caveats_text(a.measures.values()),
     tables.measures_table(data, a.measures.values()), methods.attribution(a))
show(tables.cleaning_table(data), caption="Cleaning log: rows in and out of each step, and why.",
     css_class="figures text")
a.publish()
