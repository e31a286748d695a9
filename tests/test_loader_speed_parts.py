"""The fast loader's parts: the pyarrow CSV reader and the per-distinct-answer codebook mapping.

Each is checked against plain pandas or a row-by-row reference written here, so speed did not
change what is read or how answers map.
"""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from survey_analysis.codebook import apply_codebook, parse_codebook
from survey_analysis.sources import SourceError, parse_csv


def _book(read: dict | None = None, variables: dict | None = None):
    return parse_codebook({"source": "t", "wave": "w", "read": read or {},
                           "variables": variables or {}}, path="t/w.yaml")


def _pandas(content: bytes, encoding: str = "utf-8") -> pd.DataFrame:
    return pd.read_csv(io.BytesIO(content), dtype=str, keep_default_na=False, na_values=[""],
                       encoding=encoding)


TRICKY = (
    '\ufeffid,"Q1, with comma",Q2,Q3\n'
    '1,"multi\nline",  padded  ,""\n'
    '2,,"quote ""inside""",x\n'
    '3,NA,None,\n'
).encode()


def test_reads_like_pandas_with_text_columns_and_missing_cells():
    frame = parse_csv(TRICKY, _book(), Path("f.csv"))
    expected = _pandas(TRICKY)
    assert list(frame.columns) == list(expected.columns) == ["id", "Q1, with comma", "Q2", "Q3"]
    assert all(str(dtype) == "string" for dtype in frame.dtypes)
    for column in frame.columns:  # "NA" and "None" stay text; only empty cells are missing
        assert frame[column].tolist() == expected[column].astype("string").tolist(), column
    assert frame["Q2"].tolist() == ["  padded  ", 'quote "inside"', "None"]  # spaces kept


def test_only_requested_columns_are_returned_and_question_rows_skipped():
    content = b'a,b,c\n"What is a?\nand b?",question b,question c\n1,2,3\n4,5,6\n'
    frame = parse_csv(content, _book({"question_rows": 1}), Path("f.csv"), ["c", "a", "gone"])
    assert list(frame.columns) == ["c", "a"]  # in the order asked; one not in the file is left
    assert frame.to_dict("list") == {"a": ["1", "4"], "c": ["3", "6"]}


def test_repeated_header_names_are_an_error_naming_their_positions():
    # pandas would rename them q.1, q.2 and a codebook would read whichever it names (issue 10).
    content = b"q,q,r,q\n1,2,3,4\n"
    assert list(_pandas(content).columns) == ["q", "q.1", "r", "q.2"]
    with pytest.raises(SourceError, match=r"f.csv: column named more than once: 'q' at "
                                          r"positions 1, 2, 4"):
        parse_csv(content, _book(), Path("f.csv"))


def test_iso_8859_1_file_is_decoded():
    content = "country,n\nCôte d'Ivoire,1\n".encode("iso-8859-1")
    frame = parse_csv(content, _book({"encoding": "ISO-8859-1"}), Path("f.csv"))
    assert frame["country"].tolist() == ["Côte d'Ivoire"]


def test_invalid_utf8_names_file_byte_and_setting():
    content = "country\nCôte\n".encode("iso-8859-1")
    with pytest.raises(SourceError) as error:
        parse_csv(content, _book(), Path("/data/f.csv"))
    message = str(error.value)
    assert message.startswith("/data/f.csv: not valid utf-8 at byte 9")
    assert "read.encoding" in message and "t/w.yaml" in message


def test_unknown_encoding_names_the_codebook_setting():
    with pytest.raises(SourceError, match=r"^t/w\.yaml: read\.encoding 'latin-9000'"):
        parse_csv(b"a\n1\n", _book({"encoding": "latin-9000"}), Path("f.csv"))


def test_ragged_row_names_the_file():
    expected = (r"^/data/f\.csv: not a readable CSV file: record 3 \(counting the header as 1\) "
                r"has 3 fields, the header 2")
    with pytest.raises(SourceError, match=expected):
        parse_csv(b"a,b\n1,2\n3,4,5\n", _book(), Path("/data/f.csv"))


# --- mapping: per distinct answer == row by row ------------------------------------------------

LANGUAGE = {"kind": "single", "column": "lang", "labels": {"Python": "python", "R": "r",
                                                           "Other": "other"},
            "aliases": {"py": "python"}, "missing_labels": ["Prefer not to say"]}
FRAMEWORKS = {"kind": "multi_delimited", "column": "fw", "delimiter": ";",
              "labels": {"TensorFlow": "tensorflow", "PyTorch": "pytorch", "None": "none",
                         "Theano": None}}
CELLS = st.sampled_from(["Python", " Python ", "R", "Other", "PY", "py ", "prefer not to say",
                         "", "   ", None])
FW_CELLS = st.lists(st.sampled_from(["TensorFlow", " PyTorch", "None", "Theano", ""]),
                    max_size=3).map(";".join) | st.none()


def _single_reference(cell):
    """Row-by-row rule of a single question: (value, answered)."""
    if cell is None or not cell.strip():
        return None, False
    text = cell.strip()
    if text in LANGUAGE["labels"]:
        return LANGUAGE["labels"][text], True
    if text.casefold() in LANGUAGE["aliases"]:
        return LANGUAGE["aliases"][text.casefold()], True
    assert text.casefold() == "prefer not to say"
    return None, False


@settings(max_examples=30, deadline=None)
@given(st.lists(CELLS, min_size=1, max_size=40))
def test_single_question_maps_like_row_by_row(cells):
    table, recodes = apply_codebook(pd.DataFrame({"lang": cells}),
                                    _book(variables={"primary_language": LANGUAGE}))
    expected = [_single_reference(c)[0] for c in cells]
    assert [None if pd.isna(v) else v for v in table["primary_language"]] == expected
    counts = {r.action: r.count for r in recodes}
    aliases = sum(1 for c in cells if c and c.strip().casefold() == "py")
    refusals = sum(1 for c in cells if c and c.strip().casefold() == "prefer not to say")
    assert counts.get("alias mapped to a listed answer", 0) == aliases
    assert counts.get("refusal set to missing", 0) == refusals


@settings(max_examples=30, deadline=None)
@given(st.lists(FW_CELLS, min_size=1, max_size=40))
def test_multi_select_maps_like_row_by_row(cells):
    table, _ = apply_codebook(pd.DataFrame({"fw": cells}),
                              _book(variables={"frameworks": FRAMEWORKS}))
    for i, cell in enumerate(cells):
        parts = [p.strip() for p in (cell or "").split(";") if p.strip()]
        answered = bool(cell and cell.strip())
        assert bool(table["frameworks_answered"][i]) is answered
        for option, label in (("tensorflow", "TensorFlow"), ("pytorch", "PyTorch")):
            value = table[f"framework_{option}"][i]
            assert (pd.isna(value) if not answered else bool(value) is (label in parts)), cell
