"""Submission times: read with the declared format, refused when they do not fit."""

from __future__ import annotations

import pandas as pd
import pytest

from survey_analysis.cleaning import drop_duplicate_submissions
from survey_analysis.timestamps import TimestampError, parse_timestamps, to_iso


def test_declared_day_first_format_is_read_day_first():
    iso = to_iso(pd.Series(["03/02/2024 10:00", "02/03/2024 09:00", ""]), "%d/%m/%Y %H:%M")
    assert iso.tolist()[:2] == ["2024-02-03T10:00:00", "2024-03-02T09:00:00"]
    assert iso.isna().tolist() == [False, False, True]


def test_values_that_do_not_fit_are_refused_with_their_line():
    values = pd.Series(["2024-01-05 10:00", "31/01/2024 10:00", "2024-01-07 11:00"])
    with pytest.raises(TimestampError, match=r"export.csv column 'when': 1 submission times "
                                             r"do not parse as ISO8601, e\.g\. '31/01/2024 "
                                             r"10:00' \(line 4\)"):
        parse_timestamps(values, where="export.csv", column="when", first_line=3)


def test_duplicate_rule_orders_by_time_not_text():
    table = pd.DataFrame({
        "person_key": pd.Series(["a", "a", "b"], dtype="string"),
        # as text " 23:00" sorts before "T08:00" (space before T): the rule must compare times
        "submitted_at": pd.Series(["2024-09-30 23:00:00", "2024-09-30T08:00:00",
                                   None], dtype="string"),
        "id": [1, 2, 3],
    })
    kept, entry = drop_duplicate_submissions(table)
    assert kept["id"].tolist() == [1, 3] and entry.rows_dropped == 1
    first, _ = drop_duplicate_submissions(table, keep="first")
    assert first["id"].tolist() == [2, 3]


def test_duplicate_rule_refuses_times_it_cannot_order():
    table = pd.DataFrame({"person_key": pd.Series(["a", "a"], dtype="string"),
                          "submitted_at": pd.Series(["03/02/2024", "02/03/2024"],
                                                    dtype="string")})
    with pytest.raises(TimestampError, match="do not parse as ISO8601"):
        drop_duplicate_submissions(table)
