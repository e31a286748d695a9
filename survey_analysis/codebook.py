"""Codebooks: which raw column and answer label means which canonical variable, per source and wave.

A codebook is a YAML data file (``codebooks/<source>/<wave>.yaml``); this module reads it and
applies it to a raw export. Every answer label present in the raw data must be mapped: an unknown
label raises :class:`CodebookError` listing the labels, their counts and the entry to add.

Question kinds (``kind:`` of an entry under ``variables:``):

``single``          one column, one label per respondent; ``labels`` maps label -> canonical value
                    (a category value, ``true``/``false`` for a boolean variable, an option key
                    for a ``multi`` variable, or ``null`` for an answer with no canonical meaning).
``multi_delimited`` one column holding the selected labels joined by ``delimiter``.
``multi_columns``   one column per option holding the option's label when selected (Kaggle style);
                    ``columns`` maps column -> ``{label, option}``.
``number``          one column of range labels mapped to documented numbers (midpoints); optional
                    ``free_text_numbers: {min, max}`` parses answers such as "about 4 years".

A multi question may fill a ``boolean`` variable: true when any option mapped to ``true`` is chosen.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml
from pydantic import TypeAdapter, ValidationError

from survey_analysis.check import ConfigError, has_todo
from survey_analysis.config_models import CodebookSpec
from survey_analysis.project import _stamp, codebook_folder
from survey_analysis.variables import Variable, canonical_variables, get_variable

QUESTION_KINDS = ("single", "multi_delimited", "multi_columns", "number")
_NUMBER_TEXT = re.compile(
    r"^\s*(?:about|approx(?:imately)?\.?|around|~)?\s*(-?\d+(?:\.\d+)?)\s*"
    r"(?:\+|years?|yrs?\.?|y)?\s*$",
    re.IGNORECASE,
)


class CodebookError(ValueError):
    """A raw export does not fit its codebook (unknown label, missing column, bad entry)."""


@dataclass(frozen=True, slots=True)
class InputFile:
    """A raw file a wave is read from, with its published checksum when one is known."""

    name: str
    role: str = "responses"
    sha256: str | None = None


@dataclass(frozen=True, slots=True)
class Question:
    """One codebook entry: how a canonical variable is read from the raw export."""

    variable: str
    kind: str
    spec: Mapping[str, Any]
    question: str = ""
    note: str = ""

    @property
    def raw_columns(self) -> tuple[str, ...]:
        if self.kind == "multi_columns":
            return tuple(self.spec["columns"])
        return (self.spec["column"],)


@dataclass(frozen=True, slots=True)
class Recode:
    """Answers changed while mapping (aliases, parsed free text, out-of-range, refusals)."""

    variable: str
    column: str
    action: str
    count: int
    examples: tuple[str, ...] = ()


@dataclass(frozen=True)
class Codebook:
    """A wave's codebook, read from its YAML file."""

    source: str
    wave: str
    title: str
    files: tuple[InputFile, ...]
    read: Mapping[str, Any]
    columns: Mapping[str, str]
    questions: Mapping[str, Question]
    notes: tuple[str, ...] = ()
    path: str = ""
    extra: Mapping[str, Any] = field(default_factory=dict)

    @property
    def not_asked(self) -> tuple[str, ...]:
        """Canonical variables this wave did not ask."""
        return tuple(name for name in canonical_variables() if name not in self.questions)

    def question_text(self, variable: str) -> str:
        question = self.questions.get(variable)
        return question.question if question else ""


def codebook_path(source: str, wave: str) -> Path:
    """``<codebooks>/<source>/<wave>.yaml``: the project's folder for a project source."""
    return codebook_folder(source) / f"{wave}.yaml"


def available_waves(source: str) -> tuple[str, ...]:
    """Waves of a source that have a codebook, sorted."""
    folder = codebook_folder(source)
    if not folder.is_dir():
        return ()
    return tuple(sorted(
        p.name.removesuffix(".yaml")
        for p in folder.iterdir()
        if p.name.endswith(".yaml") and not p.name.startswith("_")
    ))


class CodebookConfigError(CodebookError, ConfigError):
    """A codebook file that breaks its schema; each problem names file, line and key."""


def load_codebook(source: str, wave: str) -> Codebook:
    """Read and check the codebook of one wave."""
    path = codebook_path(source, wave)
    if not path.exists():
        known = ", ".join(available_waves(source)) or "none"
        raise CodebookError(
            f"no codebook for source {source!r} wave {wave!r} (looked for {path}); "
            f"waves with a codebook: {known}"
        )
    from survey_analysis.variables import canonical_variables

    # Keyed on the file's stamp and the variables in force, so an edited file is read again.
    return _load_codebook(str(path), _stamp(path), tuple(canonical_variables()))


@cache
def _load_codebook(path_text: str, _file_stamp: tuple, _variables: tuple) -> Codebook:
    path = Path(path_text)
    data = _read_with_extends(path)
    try:
        TypeAdapter(CodebookSpec).validate_python(data)
        if str(data.get("wave")) != path.stem or has_todo(data.get("variables")):
            raise CodebookError("wave differs from file name, or a label is still TODO")
        codebook = parse_codebook(data, path=str(path))
    except (ValidationError, CodebookError) as error:
        from survey_analysis.check import check_codebook

        problems = check_codebook(path)
        if problems:
            raise CodebookConfigError(problems) from None
        raise error from None
    return codebook


def _read_with_extends(path: Path) -> dict[str, Any]:
    """Read a codebook; ``extends: other.yaml`` starts from another file in the same folder.

    Mappings are merged key by key (the wave's file wins), so waves that share most of their
    questions state only what differs.
    """
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    base_name = data.pop("extends", None)
    if base_name is None:
        return data
    return _merge(_read_with_extends(path.parent / base_name), data)


def _merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def parse_codebook(data: Mapping[str, Any], path: str = "<codebook>") -> Codebook:
    """Build a :class:`Codebook` from its YAML mapping, checking every entry."""
    questions = {}
    for variable_name, spec in (data.get("variables") or {}).items():
        try:
            variable = get_variable(variable_name)
        except KeyError as error:
            raise CodebookError(f"{path}: {error.args[0]}") from None
        kind = spec.get("kind")
        if kind not in QUESTION_KINDS:
            raise CodebookError(
                f"{path}: variable {variable_name!r} has kind {kind!r}; "
                f"expected one of {', '.join(QUESTION_KINDS)}"
            )
        _check_targets(variable, kind, spec, path)
        questions[variable_name] = Question(
            variable=variable_name,
            kind=kind,
            spec=spec,
            question=str(spec.get("question", "")),
            note=str(spec.get("note", "")),
        )
    files = tuple(
        InputFile(name=f["name"], role=f.get("role", "responses"), sha256=f.get("sha256"))
        for f in data.get("files", [])
    )
    known_keys = {"source", "wave", "title", "files", "read", "columns", "variables", "notes"}
    return Codebook(
        source=str(data["source"]),
        wave=str(data["wave"]),
        title=str(data.get("title", "")),
        files=files,
        read=data.get("read") or {},
        columns=data.get("columns") or {},
        questions=questions,
        notes=tuple(data.get("notes") or ()),
        path=path,
        extra={k: v for k, v in data.items() if k not in known_keys},
    )


def _check_targets(variable: Variable, kind: str, spec: Mapping[str, Any], path: str) -> None:
    if kind == "multi_columns":
        targets = [entry.get("option") for entry in spec["columns"].values()]
    elif kind == "number":
        targets = []
        if variable.kind != "number":
            raise CodebookError(f"{path}: {variable.name!r} is {variable.kind}, not a number")
    else:
        targets = list((spec.get("labels") or {}).values())
    for target in targets:
        if target is None:
            continue
        if variable.kind == "multi":
            try:
                variable.option_column(str(target))
            except KeyError as error:
                raise CodebookError(f"{path}: {error.args[0]}") from None
        elif variable.kind == "boolean":
            if not isinstance(target, bool):
                raise CodebookError(
                    f"{path}: {variable.name!r} is boolean; label target {target!r} "
                    "must be true, false or null"
                )
        elif (variable.kind == "category" and variable.values is not None
              and target not in variable.values):
            raise CodebookError(
                f"{path}: {variable.name!r} has no value {target!r}; "
                f"allowed: {', '.join(variable.values)}"
            )


# --- applying a codebook ------------------------------------------------------------------------


@dataclass
class _Unknown:
    column: str
    variable: str
    counts: dict[str, int]


def _blank(series: pd.Series) -> pd.Series:
    text = series.astype("string")
    return text.isna() | (text.str.strip() == "")


def apply_codebook(raw: pd.DataFrame, codebook: Codebook, file: str = "") -> tuple[
    pd.DataFrame, list[Recode]
]:
    """Map a raw export to the canonical respondent table.

    Returns the table (one row per raw row, index reset) and the recodes made on the way. Every
    canonical variable is present; those the wave did not ask are entirely missing. Raises
    :class:`CodebookError` naming the file, column, unknown labels with counts and the entry to add.
    """
    where = file or codebook.path
    needed = [c for q in codebook.questions.values() for c in q.raw_columns]
    needed += [c for c in codebook.columns.values() if c]
    missing = [c for c in needed if c not in raw.columns]
    if missing:
        raise CodebookError(
            f"{where}: columns named in codebook {codebook.path} are missing from the file: "
            f"{', '.join(map(repr, missing))}"
        )
    raw = raw.reset_index(drop=True)
    out: dict[str, pd.Series] = {}
    recodes: list[Recode] = []
    unknown: list[_Unknown] = []
    for name, variable in canonical_variables().items():
        question = codebook.questions.get(name)
        if question is None:
            out.update(_not_asked(variable, len(raw)))
            continue
        columns, rec, unk = _map_question(raw, variable, question)
        out.update(columns)
        recodes.extend(rec)
        unknown.extend(unk)
    if unknown:
        raise CodebookError(_unknown_message(where, codebook, unknown))
    table = pd.DataFrame(out, index=raw.index)
    return table, recodes


def _unknown_message(where: str, codebook: Codebook, unknown: list[_Unknown]) -> str:
    lines = [f"{where}: answer labels not in codebook {codebook.path}:"]
    for item in unknown:
        listed = ", ".join(f"{label!r} ({count} rows)" for label, count in item.counts.items())
        lines.append(f"  column {item.column!r} (variable {item.variable!r}): {listed}")
        example = next(iter(item.counts))
        lines.append(
            f"    add under variables.{item.variable}: the label {example!r} mapped to its "
            "canonical value (or null if it has none)"
        )
    return "\n".join(lines)


def _not_asked(variable: Variable, n: int) -> dict[str, pd.Series]:
    if variable.kind == "multi":
        columns = {c: pd.Series(pd.NA, index=range(n), dtype="boolean") for c in variable.columns}
        columns[variable.answered_column] = pd.Series(False, index=range(n), dtype="boolean")
        return columns
    return {variable.name: _empty(variable, n)}


def _empty(variable: Variable, n: int) -> pd.Series:
    dtype = {"category": "string", "number": "Float64", "boolean": "boolean"}[variable.kind]
    return pd.Series(pd.NA, index=range(n), dtype=dtype)


def _map_single(raw: pd.DataFrame, variable: Variable, question: Question):
    spec = question.spec
    column = spec["column"]
    values = raw[column]
    blank = _blank(values)
    text = values.astype("string").str.strip()
    labels = {str(k).strip(): v for k, v in (spec.get("labels") or {}).items()}
    aliases = {str(k).strip().casefold(): v for k, v in (spec.get("aliases") or {}).items()}
    missing_labels = {str(m).strip().casefold() for m in spec.get("missing_labels") or ()}
    exact = text.map(lambda s: s in labels if s is not pd.NA else False).astype(bool)
    folded = text.str.casefold()
    via_alias = ~exact & ~blank & folded.isin(list(aliases)).fillna(False).astype(bool)
    refused = ~exact & ~blank & ~via_alias & folded.isin(list(missing_labels)).fillna(False)
    refused = refused.astype(bool)
    unknown_mask = ~blank & ~exact & ~via_alias & ~refused
    recodes, unknown = [], []
    if unknown_mask.any():
        counts = text[unknown_mask].value_counts().to_dict()
        unknown.append(_Unknown(column, variable.name, {str(k): int(v) for k, v in counts.items()}))
    target = pd.Series([None] * len(raw), index=raw.index, dtype=object)
    target[exact] = text[exact].map(labels)
    target[via_alias] = folded[via_alias].map(aliases)
    if via_alias.any():
        recodes.append(
            _recode(variable, column, "alias mapped to a listed answer", text[via_alias])
        )
    if refused.any():
        recodes.append(_recode(variable, column, "refusal set to missing", text[refused]))
    offered = {v for v in (*labels.values(), *aliases.values()) if v is not None}
    columns = _targets_to_columns(variable, target, answered=~blank & ~refused, offered=offered)
    return columns, recodes, unknown


def _targets_to_columns(variable: Variable, target: pd.Series, answered: pd.Series,
                        offered: set | None = None):
    n = len(target)
    answered = answered.astype(bool).to_numpy()
    if variable.kind == "multi":
        columns = {}
        for key, _ in variable.options:
            if offered is not None and key not in offered:
                # An option no label maps to was not offered in this wave: missing, not False.
                columns[variable.option_column(key)] = pd.Series(pd.NA, index=range(n),
                                                                 dtype="boolean")
                continue
            col = pd.Series((target == key).to_numpy(), dtype="boolean")
            col[~answered] = pd.NA
            columns[variable.option_column(key)] = col
        columns[variable.answered_column] = pd.Series(answered, dtype="boolean")
        return columns
    if variable.kind == "boolean":
        result = pd.Series(pd.NA, index=range(n), dtype="boolean")
        mask = target.notna().to_numpy()
        result[mask] = target[mask].astype(bool).to_numpy()
        return {variable.name: result}
    result = pd.Series(target.to_numpy(), dtype="string")
    return {variable.name: result}


def _selected_sets(raw: pd.DataFrame, question: Question) -> tuple[list[list[str]], pd.Series]:
    spec = question.spec
    if question.kind == "multi_delimited":
        column = raw[spec["column"]]
        blank = _blank(column)
        delimiter = spec.get("delimiter", ";")
        selections = [
            [] if is_blank
            else [part.strip() for part in str(cell).split(delimiter) if part.strip()]
            for cell, is_blank in zip(column.tolist(), blank.tolist(), strict=True)
        ]
        return selections, ~blank
    selections = [[] for _ in range(len(raw))]
    answered = pd.Series(False, index=raw.index)
    for col in spec["columns"]:
        present = ~_blank(raw[col])
        answered |= present
        values = raw[col].tolist()  # positional access in the loop is the slow part otherwise
        for i in np.flatnonzero(present.to_numpy()):
            selections[i].append(str(values[i]).strip())
    return selections, answered


def _map_multi(raw: pd.DataFrame, variable: Variable, question: Question):
    spec = question.spec
    if question.kind == "multi_delimited":
        labels = {str(k).strip(): v for k, v in (spec.get("labels") or {}).items()}
        column_names = [spec["column"]]
    else:
        labels = {}
        column_names = list(spec["columns"])
        for entry in spec["columns"].values():
            labels[str(entry["label"]).strip()] = entry.get("option")
    selections, answered = _selected_sets(raw, question)
    unknown_counts: dict[str, int] = {}
    for chosen in selections:
        for label in chosen:
            if label not in labels:
                unknown_counts[label] = unknown_counts.get(label, 0) + 1
    if question.kind == "multi_columns":
        # A label in another column than its own is as unknown as a new label.
        for col, entry in spec["columns"].items():
            present = raw[col][~_blank(raw[col])].astype("string").str.strip()
            wrong = present[present != str(entry["label"]).strip()]
            for label, count in wrong.value_counts().items():
                unknown_counts[f"{label} (in {col})"] = int(count)
    unknown = []
    if unknown_counts:
        unknown.append(_Unknown("/".join(column_names[:3]) + ("/..." if len(column_names) > 3
                                                              else ""),
                                variable.name, unknown_counts))
    answered_np = answered.to_numpy().astype(bool)
    n = len(raw)
    if variable.kind == "boolean":
        any_true = np.array([any(labels.get(lab) is True for lab in chosen)
                             for chosen in selections], dtype=bool)
        result = pd.Series(any_true, dtype="boolean")
        result[~answered_np] = pd.NA
        return {variable.name: result}, [], unknown
    offered = {v for v in labels.values() if v is not None}
    columns = {}
    for key, _ in variable.options:
        column = variable.option_column(key)
        if key not in offered:
            columns[column] = pd.Series(pd.NA, index=range(n), dtype="boolean")
            continue
        chosen_key = np.array([any(labels.get(lab) == key for lab in chosen)
                               for chosen in selections], dtype=bool)
        col = pd.Series(chosen_key, dtype="boolean")
        col[~answered_np] = pd.NA
        columns[column] = col
    columns[variable.answered_column] = pd.Series(answered_np, dtype="boolean")
    return columns, [], unknown


def _map_number(raw: pd.DataFrame, variable: Variable, question: Question):
    spec = question.spec
    column = spec["column"]
    values = raw[column]
    blank = _blank(values)
    text = values.astype("string").str.strip()
    labels = {str(k).strip(): float(v) for k, v in (spec.get("labels") or {}).items()}
    missing_labels = {str(m).strip().casefold() for m in spec.get("missing_labels") or ()}
    free = spec.get("free_text_numbers")
    result = np.full(len(raw), np.nan)
    unknown_counts: dict[str, int] = {}
    parsed, out_of_range, refused = [], [], []
    for i, (cell, is_blank) in enumerate(zip(text.tolist(), blank.tolist(), strict=True)):
        if is_blank:
            continue
        if cell in labels:
            result[i] = labels[cell]
            continue
        if cell.casefold() in missing_labels:
            refused.append(cell)
            continue
        match = _NUMBER_TEXT.match(cell) if free else None
        if match is None:
            unknown_counts[cell] = unknown_counts.get(cell, 0) + 1
            continue
        number = float(match.group(1))
        if free["min"] <= number <= free["max"]:
            result[i] = number
            parsed.append(cell)
        else:
            out_of_range.append(cell)
    recodes = []
    if parsed:
        recodes.append(_recode(variable, column, "free-text number parsed", pd.Series(parsed)))
    if out_of_range:
        recodes.append(_recode(
            variable, column,
            f"out of range (outside {free['min']}-{free['max']}) set to missing",
            pd.Series(out_of_range),
        ))
    if refused:
        recodes.append(_recode(variable, column, "refusal set to missing", pd.Series(refused)))
    unknown = [_Unknown(column, variable.name, unknown_counts)] if unknown_counts else []
    series = pd.Series(result, dtype="Float64")
    return {variable.name: series}, recodes, unknown


def _recode(variable: Variable, column: str, action: str, values: pd.Series) -> Recode:
    examples = tuple(str(v) for v in pd.unique(values.astype(str))[:5])
    return Recode(variable.name, column, action, len(values), examples)


def _map_question(raw: pd.DataFrame, variable: Variable, question: Question):
    if question.kind == "number":
        return _map_number(raw, variable, question)
    if question.kind == "single":
        return _map_single(raw, variable, question)
    return _map_multi(raw, variable, question)

