"""The generic analysis layer on any variable: verbs, designs, families, crosstabs, prose."""

from __future__ import annotations

import dataclasses
import re

import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.proportion import proportion_confint

from survey_analysis import Analysis, UnsupportedClaim, render_prose, tables
from survey_analysis.results import FLAG_NOT_ASKED
from tests.conftest import demo_wave


@pytest.fixture(scope="module")
def roles():
    """The demo wave with the roles question as base: nothing about frameworks."""
    return Analysis(demo_wave("2018-h2"), base="roles")


def test_share_of_any_option_on_its_base_matches_statsmodels(roles):
    table = roles.table
    architect = roles.option("roles", "software_architect")
    result = roles.share(architect)
    x, n = int(table["role_software_architect"].fillna(False).sum()), len(table)
    lower, upper = proportion_confint(x, n, method="wilson")
    assert result.id == "share.software_architect" and result.n == n
    assert (result.estimate, result.lower, result.upper) == pytest.approx((x / n, lower, upper))
    assert roles.results["share.software_architect"] == result  # kept for the results file


def test_split_of_two_options_is_generic(roles):
    a, b = roles.option("roles", "data_scientist"), roles.option("roles", "ml_developer")
    split = roles.split(a, b)
    counts = split.counts
    n = roles.n
    assert sum(counts.values()) == n
    assert split.both.estimate == pytest.approx(counts["both"] / n)
    assert split.first_only.id == "share.data_scientist_only"
    assert split.ratio.id == "ratio.data_scientist_to_ml_developer"
    assert split.ratio.estimate == pytest.approx(a.size / b.size)
    assert split.first_given_second.id == "conditional.data_scientist_given_ml_developer"
    assert split.first_given_second.n == b.size
    assert split.difference.design == "paired"


def test_compare_chooses_the_design_from_the_data(roles):
    a, b = roles.option("roles", "data_scientist"), roles.option("roles", "ml_developer")
    overlapping = roles.compare("production", a, b, id_prefix="c1")
    disjoint = roles.compare("production", a.only(b), b.only(a), id_prefix="c2")
    assert (a.mask & b.mask).any()
    assert overlapping.difference.design == "overlapping"
    assert "overlapping groups" in overlapping.difference.method
    assert disjoint.difference.design == "independent"
    assert overlapping.difference.significant == (overlapping.difference.p_value < 0.05)


def test_a_family_is_adjusted_by_holm(roles):
    a, b = roles.option("roles", "data_scientist"), roles.option("roles", "ml_developer")
    family = roles.compare_all(["production", "cloud_deployment", "backend_experience"], a, b,
                               id_prefix="fam")
    raw = [roles._comparison(roles.measure(m), a, b, "raw")[2].p_value
           for m in ("production", "cloud_deployment", "backend_experience")]
    order = np.argsort(raw)
    holm = np.minimum(1, np.maximum.accumulate(np.array(raw)[order] * np.arange(3, 0, -1)))
    expected = np.empty(3)
    expected[order] = holm
    assert [c.difference.p_value for c in family] == pytest.approx(list(expected))
    assert all("holm-adjusted p over 3" in c.difference.method for c in family)
    assert family.backend_experience.difference.kind == "mean_difference"


def test_crosstab_every_option_by_group_with_bases(roles):
    groups = [roles.option("roles", "data_scientist"), roles.option("roles", "student")]
    crosstab = roles.crosstab("frameworks", groups)
    assert "TensorFlow" in crosstab.index and list(crosstab.columns) == [g.label for g in groups]
    cell = crosstab.loc["TensorFlow", groups[0].label]
    assert cell.id == "crosstab.frameworks.tensorflow.data_scientist"
    assert cell.kind == "conditional" and cell.n <= groups[0].size
    printed = tables.crosstab_table(crosstab)
    assert printed.iloc[0, 1].endswith(")") and "n = " in printed.iloc[0, 1]


def test_an_option_not_asked_reads_not_asked(roles):
    wave = demo_wave("2018-h2")
    cleaned = wave.cleaned.assign(role_student=pd.Series(pd.NA, index=wave.cleaned.index,
                                                         dtype="boolean"))
    a = Analysis(dataclasses.replace(wave, cleaned=cleaned), base="roles")
    result = a.share(a.option("roles", "student"))
    assert result.flag == FLAG_NOT_ASKED and result.estimate is None


def test_reprs_are_short_and_results_show_as_tables(roles):
    assert repr(roles).startswith("Analysis(demo 2018-h2, base:") and len(repr(roles)) < 200
    html = roles.results._repr_html_()
    assert "<table" in html and "95% CI" in html and "Base (n)" in html
    result = roles.results["share.software_architect"]
    assert "95% CI" in str(result) and "n = " in str(result)
    assert "<table" in result._repr_html_()


def test_prose_binds_numbers_and_refuses_unsupported_claims(roles):
    a, b = roles.option("roles", "data_scientist"), roles.option("roles", "ml_developer")
    c = roles.compare("production", a, b, id_prefix="prose")
    diff = c.difference
    unclear = dataclasses.replace(diff, estimate=0.01, lower=-0.02, upper=0.04, p_value=0.5,
                                  significant=False)
    clear = dataclasses.replace(diff, estimate=0.1, lower=0.05, upper=0.15, p_value=0.001,
                                significant=True)
    text = render_prose("Production is {{ compare(d, 'A', 'B') }} ({{ d | value_ci }}).",
                        {"d": unclear})
    # Inserted text is escaped for Markdown (a backslash before punctuation), read as typed.
    assert re.sub(r"\\(.)", r"\1", text) == \
        "Production is no clear difference (+1.0 pp (95% CI -2.0 to +4.0 pp))."
    assert "more common among A" in render_prose("It is {{ compare(d, 'A', 'B') }}.",
                                                 {"d": clear})
    with pytest.raises(UnsupportedClaim, match=r"'more'.*not significant"):
        render_prose("A users run more in production ({{ d | value_ci }}).", {"d": unclear})
    with pytest.raises(UnsupportedClaim, match="significant"):
        render_prose("There is no clear difference ({{ d }}).", {"d": clear})
    # The same words are fine when the comparison supports them, or when guarded.
    render_prose("A users run more in production ({{ d | value_ci }}).", {"d": clear})
    render_prose("{% if d.significant %}A users run more ({{ d }}).{% endif %}", {"d": unclear})
    # Strings from data are escaped; a missing name is an error naming it.
    assert render_prose("{{ s }}", {"s": "<script>"}) == "&lt;script&gt;"
    with pytest.raises(ValueError, match="'nope' is undefined"):
        render_prose("{{ nope }}", {})


def test_wave_and_cleaning_log_print_on_one_screen():
    wave = demo_wave("2018-h2")
    text = repr(wave)
    assert text.startswith("SurveyWave(demo 2018-h2: ") and "\n" not in text and len(text) < 200
    log = repr(wave.cleaning_log).splitlines()
    assert log[0].startswith("CleaningLog (") and 2 <= len(log) <= 25
    assert all(len(line) < 120 for line in log)
    assert "<table" in wave.cleaning_log._repr_html_()
