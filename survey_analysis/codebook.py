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
from pydantic import TypeAdapter, ValidationError

from survey_analysis.check import ConfigError, has_todo
from survey_analysis.config_models import CodebookSpec
from survey_analysis.project import _stamp, codebook_folder
from survey_analysis.variables import Variable, canonical_variables, get_variable
from survey_analysis.yaml_files import load_yaml_file
from survey_analysis.yaml_lines import merge as _merge

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


def _read_with_extends(path: Path, seen: tuple[Path, ...] = ()) -> dict[str, Any]:
    """Read a codebook; ``extends: other.yaml`` starts from another file in the same folder.

    Mappings are merged key by key (the wave's file wins), so waves that share most of their
    questions state only what differs.
    """
    if path in seen:
        raise CodebookError(f"{seen[-1]}: extends {path.name}, which extends it back: "
                            + " -> ".join(p.name for p in (*seen, path)))
    if seen and not path.is_file():
        raise CodebookError(f"{seen[-1]}: extends {path.name}, which does not exist "
                            f"(looked for {path})")
    try:
        data = load_yaml_file(path) or {}
    except ValueError as error:
        raise CodebookError(str(error)) from None
    if not isinstance(data, dict):
        raise CodebookError(f"{path}: expected a mapping of codebook keys, got "
                            f"{type(data).__name__}")
    base_name = data.pop("extends", None)
    if base_name is None:
        return data
    return _merge(_read_with_extends(path.parent / str(base_name), (*seen, path)), data)


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


@dataclass(frozen=True, slots=True)
class _Factor:
    """A raw column as codes into its distinct answers, so mapping runs once per distinct answer
    and one ``take`` spreads the result to every row (no per-row Python).

    ``labels`` are the distinct answers, stripped, in order of first appearance; ``codes[i]`` is
    row i's label or -1 when the cell is blank (missing or only spaces).
    """

    codes: np.ndarray
    labels: tuple[str, ...]
    counts: np.ndarray

    def spread(self, per_label, fill) -> np.ndarray:
        """Row values from one value per label (``fill`` for blank rows)."""
        values = np.asarray([*per_label, fill])
        return values[self.codes]

    @property
    def present(self) -> np.ndarray:
        return self.codes >= 0


def _factor(series: pd.Series) -> _Factor:
    # pyarrow strips and dictionary-encodes the whole column; Python sees only distinct answers.
    codes, uniques = pd.factorize(series.astype("string").str.strip(), use_na_sentinel=True)
    labels = list(uniques.tolist())
    if "" in labels:  # cells of spaces only are blank, like missing ones
        blank = labels.index("")
        codes = np.where(codes == blank, -1, np.where(codes > blank, codes - 1, codes))
        del labels[blank]
    counts = np.bincount(codes[codes >= 0], minlength=len(labels))
    return _Factor(codes, tuple(labels), counts)


def _split_cells(labels: tuple[str, ...], delimiter: str) -> tuple[np.ndarray, np.ndarray,
                                                                   list[str]]:
    """The non-blank parts of delimited cells, vectorised: for each part the index of its cell
    and of its distinct text, and the distinct texts in order of first appearance."""
    import pyarrow as pa
    import pyarrow.compute as pc

    lists = pc.split_pattern(pa.array(labels, type=pa.string()), pattern=delimiter)
    owner = pc.list_parent_indices(lists).to_numpy()
    parts = pc.utf8_trim_whitespace(pc.list_flatten(lists))
    kept = pc.not_equal(parts, "")
    encoded = pc.dictionary_encode(parts.filter(kept))
    return (owner[kept.to_numpy(zero_copy_only=False)], encoded.indices.to_numpy(),
            encoded.dictionary.to_pylist())


def _counted(labels: list[str], counts: list[int]) -> dict[str, int]:
    """Label counts, most frequent first (ties in order of first appearance)."""
    totals: dict[str, int] = {}
    for label, count in zip(labels, counts, strict=True):
        totals[label] = totals.get(label, 0) + int(count)
    return dict(sorted(totals.items(), key=lambda item: -item[1]))


def _recode_of(variable: Variable, column: str, action: str, factor: _Factor,
               chosen: list[bool]) -> Recode | None:
    labels = [label for label, pick in zip(factor.labels, chosen, strict=True) if pick]
    if not labels:
        return None
    count = int(factor.counts[np.asarray(chosen, dtype=bool)].sum())
    return Recode(variable.name, column, action, count, tuple(labels[:5]))


def _map_single(raw: pd.DataFrame, variable: Variable, question: Question):
    spec = question.spec
    column = spec["column"]
    factor = _factor(raw[column])
    labels = {str(k).strip(): v for k, v in (spec.get("labels") or {}).items()}
    aliases = {str(k).strip().casefold(): v for k, v in (spec.get("aliases") or {}).items()}
    missing_labels = {str(m).strip().casefold() for m in spec.get("missing_labels") or ()}
    targets, via_alias, refused, unknown_labels = [], [], [], []
    for label in factor.labels:
        folded = label.casefold()
        exact, alias = label in labels, label not in labels and folded in aliases
        refusal = not exact and not alias and folded in missing_labels
        targets.append(labels[label] if exact else aliases[folded] if alias else None)
        via_alias.append(alias)
        refused.append(refusal)
        unknown_labels.append(not (exact or alias or refusal))
    unknown = []
    if any(unknown_labels):
        picked = [i for i, bad in enumerate(unknown_labels) if bad]
        unknown.append(_Unknown(column, variable.name, _counted(
            [factor.labels[i] for i in picked], [factor.counts[i] for i in picked])))
    recodes = [r for r in (
        _recode_of(variable, column, "alias mapped to a listed answer", factor, via_alias),
        _recode_of(variable, column, "refusal set to missing", factor, refused),
    ) if r is not None]
    answered = factor.spread([not r for r in refused], False)
    offered = {v for v in (*labels.values(), *aliases.values()) if v is not None}
    columns = _targets_to_columns(variable, factor, targets, answered, offered)
    return columns, recodes, unknown


def _booleans(values: np.ndarray, missing: np.ndarray) -> pd.Series:
    return pd.Series(pd.arrays.BooleanArray(values.astype(bool), missing.astype(bool)))


def _targets_to_columns(variable: Variable, factor: _Factor, targets: list, answered: np.ndarray,
                        offered: set):
    n = len(factor.codes)
    if variable.kind == "multi":
        columns = {}
        for key, _ in variable.options:
            if key not in offered:
                # An option no label maps to was not offered in this wave: missing, not False.
                columns[variable.option_column(key)] = pd.Series(pd.NA, index=range(n),
                                                                 dtype="boolean")
                continue
            chosen = factor.spread([t == key for t in targets], False)
            columns[variable.option_column(key)] = _booleans(chosen, ~answered)
        columns[variable.answered_column] = _booleans(answered, np.zeros(n, dtype=bool))
        return columns
    if variable.kind == "boolean":
        value = factor.spread([bool(t) if t is not None else False for t in targets], False)
        known = factor.spread([t is not None for t in targets], False)
        return {variable.name: _booleans(value, ~known)}
    values = np.array([*(None if t is None else str(t) for t in targets), None], dtype=object)
    return {variable.name: pd.Series(pd.array(values[factor.codes], dtype="string"))}


def _map_multi(raw: pd.DataFrame, variable: Variable, question: Question):
    spec = question.spec
    n = len(raw)
    answered = np.zeros(n, dtype=bool)
    unknown_counts: dict[str, int] = {}
    # chosen[target]: rows that selected an answer mapped to that target (option key or bool)
    chosen: dict[Any, np.ndarray] = {}

    def select(factor: _Factor, per_label: dict[Any, np.ndarray]) -> None:
        """Add the rows whose answer maps to each target (``per_label``: a mask over labels)."""
        for target, picked in per_label.items():
            rows = factor.spread(picked, False)
            chosen[target] = chosen[target] | rows if target in chosen else rows

    if question.kind == "multi_delimited":
        labels = {str(k).strip(): v for k, v in (spec.get("labels") or {}).items()}
        column_names = [spec["column"]]
        factor = _factor(raw[spec["column"]])
        owner, part_codes, parts = _split_cells(factor.labels, spec.get("delimiter", ";"))
        rows_per_part = np.bincount(part_codes, weights=factor.counts[owner],
                                    minlength=len(parts))
        per_label: dict[Any, np.ndarray] = {}
        for j, part in enumerate(parts):
            if part not in labels:
                unknown_counts[part] = int(rows_per_part[j])
            elif labels[part] is not None:
                mask = per_label.setdefault(labels[part], np.zeros(len(factor.labels), bool))
                mask[owner[part_codes == j]] = True
        answered |= factor.present
        select(factor, per_label)
    else:
        column_names = list(spec["columns"])
        labels = {str(e["label"]).strip(): e.get("option") for e in spec["columns"].values()}
        wrong: dict[str, int] = {}
        for col, entry in spec["columns"].items():
            factor = _factor(raw[col])
            answered |= factor.present
            own = str(entry["label"]).strip()
            per_label = {}
            for i, (label, count) in enumerate(zip(factor.labels, factor.counts, strict=True)):
                if label not in labels:
                    unknown_counts[label] = unknown_counts.get(label, 0) + int(count)
                elif labels[label] is not None:
                    mask = per_label.setdefault(labels[label], np.zeros(len(factor.labels), bool))
                    mask[i] = True
                if label != own:  # a label in another column than its own is unknown too
                    wrong[f"{label} (in {col})"] = int(count)
            select(factor, per_label)
        unknown_counts.update(wrong)
    unknown = []
    if unknown_counts:
        unknown.append(_Unknown("/".join(column_names[:3]) + ("/..." if len(column_names) > 3
                                                              else ""),
                                variable.name, unknown_counts))
    none = np.zeros(n, dtype=bool)
    if variable.kind == "boolean":
        return {variable.name: _booleans(chosen.get(True, none), ~answered)}, [], unknown
    offered = {v for v in labels.values() if v is not None}
    columns = {}
    for key, _ in variable.options:
        column = variable.option_column(key)
        if key not in offered:
            columns[column] = pd.Series(pd.NA, index=range(n), dtype="boolean")
            continue
        columns[column] = _booleans(chosen.get(key, none), ~answered)
    columns[variable.answered_column] = _booleans(answered, none)
    return columns, [], unknown


def _map_number(raw: pd.DataFrame, variable: Variable, question: Question):
    spec = question.spec
    column = spec["column"]
    factor = _factor(raw[column])
    labels = {str(k).strip(): float(v) for k, v in (spec.get("labels") or {}).items()}
    missing_labels = {str(m).strip().casefold() for m in spec.get("missing_labels") or ()}
    free = spec.get("free_text_numbers")
    numbers, parsed, out_of_range, refused, unknown_labels = [], [], [], [], []
    for label in factor.labels:
        number, kind = np.nan, "label"
        if label in labels:
            number = labels[label]
        elif label.casefold() in missing_labels:
            kind = "refused"
        elif (match := _NUMBER_TEXT.match(label) if free else None) is None:
            kind = "unknown"
        elif free["min"] <= float(match.group(1)) <= free["max"]:
            number, kind = float(match.group(1)), "parsed"
        else:
            kind = "out of range"
        numbers.append(number)
        parsed.append(kind == "parsed")
        out_of_range.append(kind == "out of range")
        refused.append(kind == "refused")
        unknown_labels.append(kind == "unknown")
    recodes = [r for r in (
        _recode_of(variable, column, "free-text number parsed", factor, parsed),
        _recode_of(variable, column,
                   f"out of range (outside {free['min']}-{free['max']}) set to missing"
                   if free else "", factor, out_of_range),
        _recode_of(variable, column, "refusal set to missing", factor, refused),
    ) if r is not None]
    unknown = []
    if any(unknown_labels):
        picked = [i for i, bad in enumerate(unknown_labels) if bad]
        unknown.append(_Unknown(column, variable.name, _counted(
            [factor.labels[i] for i in picked], [factor.counts[i] for i in picked])))
    result = factor.spread(np.asarray(numbers, dtype=float), np.nan).astype(float)
    return {variable.name: pd.Series(result, dtype="Float64")}, recodes, unknown


def _map_question(raw: pd.DataFrame, variable: Variable, question: Question):
    if question.kind == "number":
        return _map_number(raw, variable, question)
    if question.kind == "single":
        return _map_single(raw, variable, question)
    return _map_multi(raw, variable, question)
