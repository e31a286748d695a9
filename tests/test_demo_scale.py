"""``survey-report demo-data --respondents N``: demo waves resized for scale tests."""

from __future__ import annotations

import pytest

from survey_analysis.cli import main
from survey_analysis.demo.generator import (
    DEMO_WAVES,
    generate_wave,
    planned_rows,
    scaled_calibration,
)
from survey_analysis.wave import load_wave


@pytest.mark.parametrize("respondents", [1_000, 100_000])
def test_scaled_calibration_plans_the_asked_rows(respondents):
    calibration = scaled_calibration(respondents)
    for wave in DEMO_WAVES:
        assert planned_rows(wave, calibration) == respondents


def test_generated_rows_match_the_plan_and_keep_the_mix():
    calibration = scaled_calibration(2_000, ["2018-h2"])
    frame = generate_wave("2018-h2", calibration)
    assert len(frame) == planned_rows("2018-h2", calibration)
    default = generate_wave("2018-h2")
    ml = frame["Q1_ml_involvement"].value_counts(normalize=True)
    ml_default = default["Q1_ml_involvement"].value_counts(normalize=True)
    assert (ml - ml_default).abs().max() < 0.02  # the same mix of respondents, resized


def test_cli_writes_a_wave_that_loads(tmp_path, capsys):
    out = tmp_path / "data" / "demo"
    assert main(["demo-data", "--respondents", "1500", "--wave", "2018-h2",
                 "--out", str(out)]) == 0
    assert str(out / "2018-h2.csv.gz") in capsys.readouterr().out
    loaded = load_wave("demo", "2018-h2", data_dir=tmp_path / "data")
    assert loaded.cleaning_log[0].rows_in == 1500
    assert main(["demo-data", "--respondents", "10", "--out", str(out)]) == 2
    assert "at least 100" in capsys.readouterr().err
