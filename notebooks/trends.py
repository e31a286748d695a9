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
# **Trends of one article, one source.** `survey-report render` executes this notebook after an
# article's wave pages, with `results_dir` pointing at `reports/SOURCE/ARTICLE/`, and publishes it
# as `reports/SOURCE/ARTICLE/trends.html`. It reads the waves' published results files only; the
# figures it charts and tests are the ones the article declares in its article file.

# %% tags=["parameters"]
# Parameters: papermill injects the values after this cell.
source: str = "demo"  # survey source whose waves are compared
article: str = "framework_battle"  # the article (name, or path of its notebook)
results_dir: "Optional[str]" = None  # folder with <wave>.results.json; None: reports/SOURCE/ARTICLE
multiplicity: str = "holm"  # holm or benjamini-hochberg, over every tested change on the page

# %%
from survey_analysis import plots, show, trends_report

plots.setup()
trend = trends_report.load_trends(source, article, results_dir, multiplicity)

# %%
show(trends_report.lede(trend), trends_report.standfirst(trend), trends_report.summary(trend),
     trends_report.wave_links(trend))

# %% [markdown]
# ## The headline figures across waves
#
# Each line is one of the article's headline figures, with its confidence interval as published
# on the wave's page.

# %%
for chart in trend.article.trend_charts:
    show(trends_report.trend_chart(trend, chart["ids"], chart.get("title", "")))
show("\n".join(f"- {trends_report.change_sentence(trend, fid)}"
               for fid in trend.article.trend_figures))

# %% [markdown]
# ## Every headline figure, wave by wave

# %%
show(trends_report.figures_table(trend), caption="Each headline figure per wave: estimate "
     "(confidence interval; base n), as published on the wave pages.")

# %% [markdown]
# ## Changes between waves
#
# Consecutive waves are compared, and the first with the last wave of each comparable series.

# %%
show(trends_report.changes_table(trend), caption="Change between waves (later minus earlier; "
     "ratio of ratios for a size ratio), unadjusted interval, multiplicity-adjusted p-value and "
     "verdict; bases of the two waves.")

# %% [markdown]
# ## Methods

# %%
show(trends_report.methods(trend))
trend.changes.publish()
