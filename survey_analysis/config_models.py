"""Typed schemas (pydantic v2) of the configuration files: unknown keys are errors.

``survey-project.yaml`` (:class:`ProjectFile`), ``sources.yaml`` (a mapping of
:class:`SourceSpec`), a wave's codebook after its ``extends:`` chain (:class:`CodebookSpec`) and
``variables.yaml`` (a mapping of :class:`VariableSpec`). Cross-file rules (a population value
must be a category of its variable, ...) are in :mod:`survey_analysis.check`.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# --- survey-project.yaml -----------------------------------------------------------------------


class ProjectFile(Strict):
    name: str
    default_source: str | None = None
    description: str = ""


# --- sources.yaml ------------------------------------------------------------------------------


class Duplicates(Strict):
    keep: Literal["first", "last"] = "last"
    checkable: bool = True
    reason: str = ""


class ExclusiveOption(Strict):
    variable: str
    option: str


class InconsistentRule(Strict):
    reason: str
    answered: str | None = None
    category_in: dict[str, list[str]] | None = None
    exclusive_option: ExclusiveOption | None = None


class Cleaning(Strict):
    blank_ignores: list[str] = []
    duplicates: Duplicates | None = None
    min_duration_seconds: float | None = None
    inconsistent: list[InconsistentRule] = []


class Population(Strict):
    label: str
    category_in: dict[str, list[str]] = {}
    option_selected: dict[str, bool] = {}


class Condition(Strict):
    indicator: str | None = None
    category_in: dict[str, list[str]] | None = None


class Profile(Strict):
    label: str
    indicator: str | None = None
    mean: str | None = None
    all_of: list[Condition] | None = None
    unit: str = ""
    caveat: str = ""
    stand_in: bool = False


class SourceSpec(Strict):
    title: str
    publisher: str
    licence: str
    synthetic: bool = False
    get_files: str = ""
    cleaning: Cleaning = Cleaning()
    populations: dict[str, Population] = {}
    default_population: str = "all"
    profiles: dict[str, Profile] = {}
    comparability_note: str = ""
    report_parameters: dict[str, Any] = {}


# --- codebooks ---------------------------------------------------------------------------------


class FileSpec(Strict):
    name: str
    role: Literal["responses", "schema", "other"] = "responses"
    sha256: str | None = None


class ReadSpec(Strict):
    encoding: str = "utf-8"
    question_rows: int = Field(0, ge=0)
    timestamp_format: str | None = None  # strftime format of `columns.submitted_at`, or ISO8601


class FrameColumns(Strict):
    respondent_id: str | None = None
    person_key: str | None = None
    submitted_at: str | None = None
    duration_seconds: str | None = None
    weight: str | None = None


Label = str | int | float | bool | None
# YAML reads an unquoted answer such as `1` or `Yes` as a number or boolean; the mapper compares
# labels as text, so any scalar key is accepted.
LabelKey = str | int | float | bool


class _Question(Strict):
    question: str = ""
    note: str = ""
    base_label: str = ""


class SingleQuestion(_Question):
    kind: Literal["single"]
    column: str
    labels: dict[LabelKey, Label] = {}
    aliases: dict[LabelKey, Label] = {}
    missing_labels: list[LabelKey] = []


class MultiDelimitedQuestion(_Question):
    kind: Literal["multi_delimited"]
    column: str
    delimiter: str = ";"
    labels: dict[LabelKey, Label] = {}


class OptionColumn(Strict):
    label: str | int | float
    option: Label = None


class MultiColumnsQuestion(_Question):
    kind: Literal["multi_columns"]
    columns: dict[str, OptionColumn]


class FreeTextNumbers(Strict):
    min: float
    max: float


class NumberQuestion(_Question):
    kind: Literal["number"]
    column: str
    labels: dict[LabelKey, float] = {}
    missing_labels: list[LabelKey] = []
    free_text_numbers: FreeTextNumbers | None = None


QuestionSpec = Annotated[
    SingleQuestion | MultiDelimitedQuestion | MultiColumnsQuestion | NumberQuestion,
    Field(discriminator="kind"),
]


class PublishedFigure(Strict):
    """A figure the publisher itself printed for this wave, set beside the page's own."""

    result: str
    value: float
    source: str
    population: str | None = None


class CodebookSpec(Strict):
    source: str
    wave: str
    title: str = ""
    files: list[FileSpec] = Field(min_length=1)
    read: ReadSpec = ReadSpec()
    columns: FrameColumns = FrameColumns()
    variables: dict[str, QuestionSpec] = {}
    notes: list[str] = []
    licence: str = ""
    download: str = ""
    get_files: str = ""
    comparability: dict[str, str] = {}
    published: list[PublishedFigure] = []


# --- variables.yaml ----------------------------------------------------------------------------


class VariableSpec(Strict):
    kind: Literal["multi", "category", "number", "boolean"]
    label: str
    prefix: str = ""
    options: dict[str, str] | None = None
    values: list[str] | None = None
    unit: str | None = None
