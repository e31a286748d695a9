"""The canonical respondent variables every source maps to (``codebooks/variables.yaml``, plus a
project's own ``variables.yaml``)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import TypeAdapter, ValidationError

VariableKind = Literal["multi", "category", "number", "boolean"]


@dataclass(frozen=True, slots=True)
class Variable:
    """One canonical variable: its kind, label and (for ``multi``) option columns."""

    name: str
    kind: VariableKind
    label: str
    prefix: str = ""
    options: tuple[tuple[str, str], ...] = ()
    values: tuple[str, ...] | None = None
    unit: str | None = None

    @property
    def columns(self) -> tuple[str, ...]:
        """The canonical table columns this variable fills."""
        if self.kind == "multi":
            return (*(self.option_column(key) for key, _ in self.options), self.answered_column)
        return (self.name,)

    @property
    def answered_column(self) -> str:
        return f"{self.name}_answered"

    def option_column(self, option: str) -> str:
        keys = [key for key, _ in self.options]
        if option not in keys:
            raise KeyError(
                f"variable {self.name!r} has no option {option!r}; options are {', '.join(keys)}"
            )
        return f"{self.prefix}{option}"

    def option_label(self, option: str) -> str:
        return dict(self.options)[option]


def canonical_variables() -> dict[str, Variable]:
    """All canonical variables by name: the built-in registry, then the active project's
    ``variables.yaml`` (new variables, and options or values added to built-in ones)."""
    from survey_analysis.project import _stamp, variables_files

    return _variables_from(tuple(_stamp(path) for path in variables_files()))


def builtin_variables() -> dict[str, Variable]:
    """The package's own canonical variables (no project)."""
    from survey_analysis.project import _stamp, variables_files

    return _variables_from((_stamp(variables_files()[0]),))


@cache
def _variables_from(stamps: tuple[tuple, ...]) -> dict[str, Variable]:
    merged: dict[str, dict] = {}
    for stamp in stamps:
        registry = _read_registry(Path(stamp[0]))
        for name, spec in registry.items():
            if name in merged:
                base = merged[name]
                if spec.get("options"):
                    base["options"] = {**(base.get("options") or {}), **spec["options"]}
                if spec.get("values") is not None and base.get("values") is not None:
                    base["values"] = [*base["values"],
                                      *(v for v in spec["values"] if v not in base["values"])]
                continue
            merged[name] = dict(spec)
    variables = {}
    for name, spec in merged.items():
        options = tuple((str(k), str(v)) for k, v in (spec.get("options") or {}).items())
        values = spec.get("values")
        variables[name] = Variable(
            name=name,
            kind=spec["kind"],
            label=spec["label"],
            prefix=spec.get("prefix", "") or (f"{name}_" if spec["kind"] == "multi" else ""),
            options=options,
            values=tuple(str(v) for v in values) if values is not None else None,
            unit=spec.get("unit"),
        )
    return variables


def _read_registry(path: Path) -> dict:
    """A variables file, checked against its schema (problems name file, line and key)."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    from survey_analysis import config_models as cm

    try:
        if not isinstance(data, dict):
            raise TypeError
        TypeAdapter(dict[str, cm.VariableSpec]).validate_python(data)
    except (ValidationError, TypeError):
        from survey_analysis.check import ConfigError, check_variables_file

        raise ConfigError(check_variables_file(path)) from None
    return data


def get_variable(name: str) -> Variable:
    variables = canonical_variables()
    if name not in variables:
        from survey_analysis.check import did_you_mean

        raise KeyError(f"unknown canonical variable {name!r};{did_you_mean(name, variables)} "
                       f"known: {', '.join(variables)} (a project adds its own in variables.yaml)")
    return variables[name]


def column_label(column: str) -> str:
    """A reader-facing label for a canonical column (an option column gets its option's label)."""
    for variable in canonical_variables().values():
        if variable.kind == "multi":
            for key, label in variable.options:
                if variable.option_column(key) == column:
                    return label
            if column == variable.answered_column:
                return f"Answered: {variable.label}"
        elif column == variable.name:
            return variable.label
    return column


def variable_of_column(column: str) -> Variable | None:
    """The canonical variable a table column belongs to (an option column's multi variable)."""
    for variable in canonical_variables().values():
        if column in variable.columns:
            return variable
    return None
