"""The canonical respondent variables every source maps to (``codebooks/variables.yaml``)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Literal

import yaml

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


@cache
def canonical_variables() -> dict[str, Variable]:
    """All canonical variables by name, in the registry's order."""
    text = resources.files("survey_analysis.codebooks").joinpath("variables.yaml").read_text()
    registry = yaml.safe_load(text)
    variables = {}
    for name, spec in registry.items():
        options = tuple((str(k), str(v)) for k, v in (spec.get("options") or {}).items())
        values = spec.get("values")
        variables[name] = Variable(
            name=name,
            kind=spec["kind"],
            label=spec["label"],
            prefix=spec.get("prefix", ""),
            options=options,
            values=tuple(values) if values is not None else None,
            unit=spec.get("unit"),
        )
    return variables


def get_variable(name: str) -> Variable:
    variables = canonical_variables()
    if name not in variables:
        raise KeyError(f"unknown canonical variable {name!r}; known: {', '.join(variables)}")
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
