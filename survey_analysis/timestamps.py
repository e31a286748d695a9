"""Submission times read with the format a codebook declares (``read.timestamp_format``).

A format is a :func:`datetime.strptime` pattern (``%d/%m/%Y %H:%M``) or ``ISO8601`` (the default);
a value that does not fit is refused with its line, never guessed: a dd/mm/yyyy export read as
mm/dd/yyyy would silently reorder submissions, and with them which duplicate is kept.
"""

from __future__ import annotations

import pandas as pd

ISO8601 = "ISO8601"


class TimestampError(ValueError):
    """Times that do not fit the declared format; names the file, column, lines and values."""


def parse_timestamps(values: pd.Series, timestamp_format: str | None = None, where: str = "",
                     column: str = "", first_line: int = 2) -> pd.Series:
    """``values`` parsed with ``timestamp_format`` (blank stays missing, anything else must fit).

    ``first_line`` is the file line of the first value, so errors point at the raw file's line.
    """
    fmt = timestamp_format or ISO8601
    text = values.astype("string").str.strip()
    blank = text.isna() | (text == "")
    parsed = pd.to_datetime(text.where(~blank), format=fmt, errors="coerce")
    bad = ~blank & parsed.isna()
    if bad.any():
        positions = [i for i, flag in enumerate(bad.to_numpy()) if flag]
        examples = ", ".join(f"{text.iloc[i]!r} (line {first_line + i})" for i in positions[:3])
        hint = ("declare the export's format as read.timestamp_format in the codebook, e.g. "
                "'%d/%m/%Y %H:%M' for 31/12/2024 17:05" if timestamp_format is None
                else f"expected every value in the format {fmt!r}")
        raise TimestampError(
            f"{where or 'raw file'} column {column or values.name!r}: {len(positions)} "
            f"submission times do not parse as {fmt}, e.g. {examples}; {hint}")
    return parsed


def to_iso(values: pd.Series, timestamp_format: str | None = None, where: str = "",
           column: str = "", first_line: int = 2) -> pd.Series:
    """The times as ISO 8601 text (``2024-12-31T17:05:00``), which sorts in time order."""
    parsed = parse_timestamps(values, timestamp_format, where, column, first_line)
    text = parsed.dt.strftime("%Y-%m-%dT%H:%M:%S")
    return text.astype("string").where(parsed.notna(), pd.NA).reset_index(drop=True)
