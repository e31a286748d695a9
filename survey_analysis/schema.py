"""The canonical respondent table's schema (pandera), checked on every load."""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

import pandas as pd

from survey_analysis.variables import canonical_variables

if TYPE_CHECKING:
    import pandera.pandas as pa

# Columns every canonical table has besides the variables, with what a source maps to them.
FRAME_COLUMNS = {
    "respondent_id": "string",
    "person_key": "string",
    "submitted_at": "string",
    "duration_seconds": "Float64",
    "weight": "Float64",
}
_DTYPES = {"category": "string", "number": "Float64", "boolean": "boolean"}


class SchemaError(ValueError):
    """The canonical table breaks its schema; the message names the columns and bad values."""


def respondent_schema() -> pa.DataFrameSchema:
    """The schema for the active variables (a project may add some)."""
    return _schema_for(tuple(canonical_variables().values()))


@cache
def _schema_for(variables: tuple) -> pa.DataFrameSchema:
    # pandera is imported here, not at the top: it takes ~0.3 s, and a table served from the
    # cache (survey_analysis.cache) was validated when it was built.
    import pandera.pandas as pa

    columns = {
        "respondent_id": pa.Column("string", unique=True, nullable=False),
        "person_key": pa.Column("string", nullable=True),
        "submitted_at": pa.Column("string", nullable=True),
        "duration_seconds": pa.Column("Float64", pa.Check.ge(0), nullable=True),
        "weight": pa.Column("Float64", pa.Check.gt(0), nullable=False),
    }
    for variable in variables:
        if variable.kind == "multi":
            for column in variable.columns:
                columns[column] = pa.Column("boolean", nullable=column != variable.answered_column)
            continue
        checks = []
        if variable.kind == "number":
            checks.append(pa.Check.ge(0))
        if variable.kind == "category" and variable.values is not None:
            checks.append(pa.Check.isin(list(variable.values)))
        columns[variable.name] = pa.Column(_DTYPES[variable.kind], checks, nullable=True)
    return pa.DataFrameSchema(columns, strict=True, ordered=False)


def validate_respondents(table: pd.DataFrame, where: str = "") -> pd.DataFrame:
    """Check a canonical table; raise :class:`SchemaError` listing failing columns and values."""
    import pandera.pandas as pa

    try:
        return respondent_schema().validate(table, lazy=True)
    except pa.errors.SchemaErrors as errors:
        cases = errors.failure_cases
        lines = [f"{where or 'canonical table'}: {len(cases)} schema violation(s):"]
        for row in cases.head(20).itertuples():
            lines.append(
                f"  column {row.column!r}: {row.check} failed for value {row.failure_case!r}"
            )
        raise SchemaError("\n".join(lines)) from None
