"""Wave-over-wave changes: methods checked against the stats functions on the raw data."""

from __future__ import annotations

import numpy as np
import pytest

from survey_analysis import stats
from survey_analysis.codebook import parse_codebook
from survey_analysis.trends import (
    WaveFigures,
    comparability_labels,
    figure_changes,
    series_breaks,
    wave_change,
)


def share_record(x: int, n: int, rid: str = "share.pytorch", method: str = "wilson") -> dict:
    i = stats.share_interval(x, n, method=method)
    return {"id": rid, "label": "Use PyTorch", "estimate": i.estimate, "lower": i.lower,
            "upper": i.upper, "n": n, "level": 0.95, "kind": "share", "method": method}


def test_unweighted_share_change_is_newcombe_from_counts():
    change = wave_change(share_record(80, 1000), share_record(150, 1200), "c", "c")
    expected = stats.difference_interval(150, 1200, 80, 1000, method="newcombe")
    assert (change.estimate, change.lower, change.upper) == pytest.approx(
        (expected.estimate, expected.lower, expected.upper), abs=1e-12)
    assert change.p_value == pytest.approx(stats.two_proportion_test(150, 1200, 80, 1000).p_value)
    assert change.kind == "difference" and (change.n1, change.n2) == (1000, 1200)


def test_weighted_share_change_by_mover_equals_newcombe_for_wilson_intervals():
    a, b = share_record(80, 1000), share_record(150, 1200)
    a["n_effective"], b["n_effective"] = 1000.0, 1200.0  # forces the interval-based path
    change = wave_change(a, b, "c", "c")
    expected = stats.difference_interval(150, 1200, 80, 1000, method="newcombe")
    assert (change.lower, change.upper) == pytest.approx((expected.lower, expected.upper),
                                                         abs=1e-9)


def test_mean_change_is_welch_on_the_raw_values():
    rng = np.random.default_rng(7)
    x1, x2 = rng.normal(5, 2, 300), rng.normal(5.6, 3, 250)
    records = []
    for x in (x1, x2):
        i = stats.mean_interval(x)
        records.append({"estimate": i.estimate, "lower": i.lower, "upper": i.upper,
                        "n": x.size, "level": 0.95, "kind": "mean", "unit": "years"})
    change = wave_change(records[0], records[1], "c", "c")
    expected = stats.mean_difference_interval(x2, x1)
    assert (change.estimate, change.lower, change.upper, change.p_value) == pytest.approx(
        (expected.estimate, expected.lower, expected.upper, expected.p_value), rel=1e-9)


def test_ratio_change_is_a_ratio_of_ratios_on_the_log_scale():
    a = {"estimate": 4.0, "lower": 3.2, "upper": 5.0, "n": 2000, "level": 0.95, "kind": "ratio"}
    b = {"estimate": 2.0, "lower": 1.6, "upper": 2.5, "n": 2500, "level": 0.95, "kind": "ratio"}
    change = wave_change(a, b, "c", "c")
    assert change.estimate == pytest.approx(0.5)
    assert change.lower < 0.5 < change.upper < 1  # fell, clearly
    assert change.p_value < 0.001
    # log-symmetric inputs give a log-symmetric interval
    assert np.log(change.estimate) - np.log(change.lower) == pytest.approx(
        np.log(change.upper) - np.log(change.estimate))
    same = wave_change(a, a, "c", "c")
    assert same.estimate == pytest.approx(1) and same.p_value == pytest.approx(1)


def synthetic_codebook(wave: str, label: str | None):
    data = {"source": "synthetic", "wave": wave, "variables": {}}
    if label is not None:
        data["comparability"] = {"frameworks": label}
    return parse_codebook(data, path=f"<{wave}>")


def waves_with_labels(labels):
    waves = []
    for k, (wave, label) in enumerate(labels):
        rec = share_record(100 + 40 * k, 1000)
        waves.append(WaveFigures(wave, wave, {"share.pytorch": rec},
                                 comparability_labels(synthetic_codebook(wave, label))))
    return waves


def test_a_changed_series_label_is_a_break_and_a_missing_one_is_comparable():
    waves = waves_with_labels([("2017", None), ("2018", "past 5 years"),
                               ("2019", "regular basis"), ("2020", "regular basis"),
                               ("2021", None)])
    breaks = series_breaks(waves, "frameworks")
    assert [(b.before, b.after, b.old_label, b.new_label) for b in breaks] == [
        ("2018", "2019", "past 5 years", "regular basis")]
    assert series_breaks(waves, "roles") == []
    assert comparability_labels(synthetic_codebook("x", None)) == {}


def test_changes_across_a_break_are_not_tested_and_the_family_is_holm_adjusted():
    waves = waves_with_labels([("2018", "past 5 years"), ("2019", "regular basis"),
                               ("2020", "regular basis")])
    changes = figure_changes(waves, ["share.pytorch"], variable_of=lambda fid: "frameworks")
    by_id = {c.id: c for c in changes}
    across = by_id["change.share.pytorch.2018..2019"]
    assert across.p_value is None and across.flag == "not comparable"
    assert "past 5 years" in across.method
    assert "change.share.pytorch.2018..2020" not in by_id  # no overall change across a break
    within = by_id["change.share.pytorch.2019..2020"]
    raw = stats.two_proportion_test(180, 1000, 140, 1000).p_value
    assert within.p_value == pytest.approx(raw)  # a family of one: Holm leaves it
    assert within.significant == (raw < 0.05)


def test_first_to_last_is_tested_within_each_comparable_series():
    waves = waves_with_labels([("2018", "past 5 years"), ("2019", "regular basis"),
                               ("2020", "ml users"), ("2021", "ml users"), ("2022", "ml users")])
    by_id = {c.id: c for c in figure_changes(waves, ["share.pytorch"],
                                             variable_of=lambda fid: "frameworks")}
    assert "change.share.pytorch.2020..2022" in by_id  # one comparable series of three waves
    assert by_id["change.share.pytorch.2020..2022"].p_value is not None
    assert "change.share.pytorch.2018..2022" not in by_id
    assert by_id["change.share.pytorch.2019..2020"].flag == "not comparable"
    tested = [c for c in by_id.values() if c.p_value is not None]
    assert all(f"over {len(tested)} changes" in c.method for c in tested)


def test_holm_adjustment_over_several_changes_and_overall_change():
    waves = waves_with_labels([("a", None), ("b", None), ("c", None)])
    changes = figure_changes(waves, ["share.pytorch"])
    assert [c.id for c in changes] == ["change.share.pytorch.a..b", "change.share.pytorch.b..c",
                                       "change.share.pytorch.a..c"]
    raw = [stats.two_proportion_test(x2, 1000, x1, 1000).p_value
           for x1, x2 in ((100, 140), (140, 180), (100, 180))]
    adjusted = stats.adjust_p_values(raw, "holm")
    assert [c.p_value for c in changes] == pytest.approx(list(adjusted.p_values))
    assert all("holm-adjusted p over 3 changes" in c.method for c in changes)


def test_unknown_kind_is_refused():
    record = {"estimate": 1.0, "lower": 0.5, "upper": 1.5, "n": 10, "level": 0.95,
              "kind": "median"}
    with pytest.raises(ValueError, match="kind 'median'"):
        wave_change(record, record, "c", "c")
