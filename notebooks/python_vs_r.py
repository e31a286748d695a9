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
# **Python vs R, one wave.** Rendered for every Kaggle wave by `survey-report render --source
# kaggle --article python_vs_r`. Only the public API, no module of the package about Python or R:
# the base is the languages question, the groups are two of its options, the outcomes are data.

# %% tags=["parameters"]
# Parameters: papermill injects each wave's values after this cell.
source: str = "kaggle"  # survey source with a languages question
wave: str = "2021"  # wave id of that source
population: "Optional[str]" = None  # population defined for the source; None: the default
confidence_level: float = 0.95  # two-sided confidence level of every interval
data_dir: "Optional[str]" = None  # folder holding SOURCE/ raw files; None: $SURVEY_DATA_DIR, ./data

# %%
# %load_ext survey_analysis
from survey_analysis import Analysis, load_wave, methods, plots, show, tables

plots.setup()
data = load_wave(source, wave, population=population, data_dir=data_dir)
a = Analysis(data, dict(level=confidence_level), base="languages", article="python_vs_r",
             title=f"Python vs R: {data.title}", base_wording="answered the languages question")
py, r = a.option("languages", "python"), a.option("languages", "r")
split = a.split(py, r)
outcomes = [a.option_measure("roles", "data_scientist", "Job title: data scientist"),
            a.option_measure("roles", "data_analyst", "Job title: data or business analyst"),
            a.option_measure("roles", "ml_developer", "Job title: machine-learning engineer"),
            a.option_measure("roles", "researcher", "Job title: research scientist or academic"),
            a.measure("coding_experience_years"), a.measure("uses_cloud"),
            a.option_measure("frameworks", "tensorflow", "Use TensorFlow"),
            a.option_measure("frameworks", "pytorch", "Use PyTorch")]
profiles = a.compare_all(outcomes, py, r, id_prefix="profile")
robust = a.compare_all(outcomes, py.only(r), r.only(py), id_prefix="robustness")
base = f"n = {a.n:,} {data.population_label} who {a.base_label}"

# %%
# %%prose
{% if split.comparable %}**{{ times(split.ratio, "Python", "R") | upper_first }}.** {{ split.both | value_ci | upper_first }} of the {{ a.n | count }} respondents who {{ a.base_label }} use both languages, and {{ split.first_given_second | value_ci }} of R users also use Python; {{ split.second_given_first | value_ci }} of Python users also use R.{% else %}This wave did not offer both languages, so the two communities cannot be compared.{% endif %}

# %% [markdown]
# ## Who uses which language
#
# The base is everyone who answered the languages question, including those who chose "None".

# %%
show(plots.shares_chart(
    [split.either, split.first, split.second, split.both, split.first_only, split.second_only],
    ["Python or R", "Python", "R", "Both", "Python only", "R only"],
    colours=[plots.OTHER, plots.FIRST, plots.SECOND, plots.BOTH, plots.FIRST, plots.SECOND],
    title="Who uses Python and R", base_text=base, synthetic=data.source.synthetic),
    methods.question_note(a))
show(plots.overlap_chart(split, base_text=base, synthetic=data.source.synthetic))

# %% [markdown]
# ## How the two communities differ
#
# Python users and R users overlap (many use both), so each difference uses a method for
# overlapping groups; a second comparison leaves out the users of both.

# %%
# %%prose
{% if profiles.comparable %}{% for c in profiles %}
- *{{ c.measure.label }}*: {{ compare(c.difference, "Python users", "R users", more="higher among" if c.measure.is_mean else "more common among") | upper_first }} ({{ c.first | value }} vs {{ c.second | value }}; difference {{ c.difference | value_ci }}, adjusted p {{ c.difference | p }}; without the users of both: {{ compare(robust[c.measure.id].difference, "Python-only users", "R-only users", more="higher among" if c.measure.is_mean else "more common among") }}).{% endfor %}{% endif %}

# %%
if profiles.comparable:
    show(tables.comparison_table(profiles), caption="Python users vs R users (overlapping "
         "groups): estimate (95% CI; base n), difference, p-value adjusted over the outcomes.")
    show(tables.comparison_table(robust), caption="Python-only vs R-only users (independent "
         "groups): estimate (95% CI; base n), difference, adjusted p-value.")
    show(plots.forest_plot([profiles, robust], ["Python vs R users (overlapping)",
                                                 "Python only vs R only (independent)"],
                           title="Where Python and R users differ",
                           synthetic=data.source.synthetic))

# %% [markdown]
# ## Every headline figure

# %%
show(tables.figures_table(split.results()), caption="Every headline figure: estimate, "
     "confidence interval and base.")

# %% [markdown]
# ## Methods

# %%
show(methods.methods_text(a), tables.measures_table(data, outcomes), methods.attribution(a))
show(tables.cleaning_table(data), caption="Cleaning log: rows in and out of each step, and why.",
     css_class="figures text")
a.publish()
