"""``survey-report check``: each config file against its schema, each raw file against its codebook.

Each problem is one :class:`Problem`, printed as ``file:line: key: what is wrong, what was
expected``. Schema checks come from the pydantic models in :mod:`survey_analysis.config_models`
(unknown keys get a did-you-mean from :func:`difflib.get_close_matches`); the cross-file rules
(populations, profiles, label targets, wave ids) are here.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from survey_analysis import config_models as cm
from survey_analysis.problems import TODO, ConfigError, Problem, at, did_you_mean
from survey_analysis.project import (
    Project,
    active_project,
    codebook_folder,
    source_files,
    variables_files,
)
from survey_analysis.schema_errors import schema_problems
from survey_analysis.yaml_lines import (
    KeyPath,
    Marked,
    YamlSyntaxError,
    load_marked,
    load_with_extends,
)

__all__ = ["TODO", "ConfigError", "Problem", "check_all", "check_codebook", "check_config",
           "check_sources_file", "check_variables_file", "check_wave_data", "did_you_mean"]


# --- reading config files as marked documents --------------------------------------------------


def read_marked(path: Path, problems: list[Problem]) -> Marked | None:
    try:
        return load_marked(path)
    except YamlSyntaxError as error:
        problems.append(Problem(str(error.path), error.line, "", error.message))
    except OSError as error:
        problems.append(Problem(str(path), None, "", f"cannot be read: {error.strerror}"))
    return None


def check_project_file(project: Project) -> list[Problem]:
    problems: list[Problem] = []
    marked = read_marked(project.config_file, problems)
    if marked is None:
        return problems
    if not isinstance(marked.data, Mapping):
        return [Problem(str(project.config_file), 1, "", "expected a mapping of keys "
                        "(name, default_source, description)")]
    problems += schema_problems(marked, cm.ProjectFile)
    default = marked.data.get("default_source")
    if default and default not in source_files():
        problems.append(at(marked, ("default_source",),
                            f"no source {default!r};{did_you_mean(default, source_files())} "
                            f"expected one of: {', '.join(source_files())}"
                            .replace("; expected", ", expected")))
    return problems


def check_variables_file(path: Path, builtin: Mapping[str, Any] | None = None) -> list[Problem]:
    """A ``variables.yaml``: schema, and a redefined built-in variable must keep its kind."""
    problems: list[Problem] = []
    marked = read_marked(path, problems)
    if marked is None:
        return problems
    if not isinstance(marked.data, Mapping):
        return [Problem(str(path), 1, "", "expected a mapping of variable names")]
    problems += schema_problems(marked, dict[str, cm.VariableSpec])
    for name, spec in marked.data.items():
        if builtin and name in builtin and isinstance(spec, Mapping) \
                and spec.get("kind") != builtin[name].kind:
            problems.append(at(marked, (name, "kind"),
                                    f"{name!r} is a built-in {builtin[name].kind} variable; a "
                                    f"project may add options or values to it, not change its "
                                    f"kind to {spec.get('kind')!r}"))
        if isinstance(spec, Mapping) and spec.get("kind") == "multi" and not spec.get("options") \
                and not (builtin and name in builtin):
            problems.append(at(marked, (name,), "a multi variable needs options, expected "
                                                 "options: {key: label, ...}"))
    return problems


def _variables() -> dict[str, Any]:
    from survey_analysis.variables import canonical_variables

    return canonical_variables()


def _column_owner(column: str, variables: Mapping[str, Any]) -> Any:
    for variable in variables.values():
        if column in variable.columns:
            return variable
    return None


def _all_columns(variables: Mapping[str, Any]) -> list[str]:
    return [c for v in variables.values() for c in v.columns]


def check_sources_file(path: Path, names: Iterable[str] | None = None,
                       todos: bool = True) -> list[Problem]:
    """A ``sources.yaml``: each source's schema, its populations, profiles and cleaning rules
    (and, with ``todos``, values a draft left as TODO: `list` works on a draft, `render` not)."""
    problems: list[Problem] = []
    marked = read_marked(path, problems)
    if marked is None:
        return problems
    if not isinstance(marked.data, Mapping):
        return [Problem(str(path), 1, "", "expected a mapping of source names")]
    try:
        variables = _variables()
    except ConfigError as error:
        return list(error.problems)
    for name in names if names is not None else marked.data:
        spec = marked.data.get(name)
        if not isinstance(spec, Mapping):
            problems.append(at(marked, (name,), "expected a mapping (title, publisher, "
                                                 "licence, ...)"))
            continue
        problems += schema_problems(marked, cm.SourceSpec, (name,))
        problems += _todos(marked, (name,)) if todos else []
        problems += _source_rules(marked, name, spec, variables)
    return problems


def has_todo(value: Any) -> bool:
    """Whether a value a draft left as TODO is anywhere in ``value``."""
    if isinstance(value, Mapping):
        return any(has_todo(v) for v in value.values())
    if isinstance(value, list):
        return any(has_todo(v) for v in value)
    return isinstance(value, str) and value.strip() == TODO


def _todos(marked: Marked, prefix: KeyPath, skip: tuple[str, ...] = ()) -> list[Problem]:
    """Values a draft left as TODO (label targets are reported with their variable instead)."""
    problems = []
    node = marked.data
    for part in prefix:
        node = node[part]
    stack = [(prefix, node)]
    while stack:
        loc, value = stack.pop()
        if isinstance(value, Mapping):
            stack += [((*loc, k), v) for k, v in value.items()
                      if not (len(loc) == len(prefix) and k in skip)]
        elif isinstance(value, list):
            stack += [((*loc, i), v) for i, v in enumerate(value)]
        elif isinstance(value, str) and value.strip() == TODO:
            problems.append(at(marked, loc, f"not filled in yet ({TODO}), expected "
                                             f"{_TODO_EXPECTED.get(str(loc[-1]), 'a value')}"))
    return sorted(problems, key=lambda p: p.line or 0)


_TODO_EXPECTED = {
    "licence": "the terms the data may be published under",
    "title": "the survey's name as readers should see it",
    "publisher": "who ran the survey",
    "timestamp_format": "a strftime format such as '%d/%m/%Y %H:%M', or ISO8601",
}


def _source_rules(marked: Marked, name: str, spec: Mapping, variables: Mapping) -> list[Problem]:
    problems = []
    populations = spec.get("populations") or {}
    for pop, pdef in populations.items() if isinstance(populations, Mapping) else ():
        if not isinstance(pdef, Mapping):
            continue
        loc = (name, "populations", pop)
        problems += _category_in(marked, (*loc, "category_in"), pdef.get("category_in"),
                                 variables)
        for column in (pdef.get("option_selected") or {}):
            if not _is_option_column(column, variables):
                problems.append(at(marked, (*loc, "option_selected", column),
                                    _unknown_column(column, variables, "an option column")))
    default = spec.get("default_population", "all")
    known_pops = list(populations) if populations else ["all"]
    if default not in known_pops:
        problems.append(at(marked, (name, "default_population"),
                            f"no population {default!r};{did_you_mean(default, known_pops)} "
                            f"expected one of: {', '.join(known_pops)}"
                            .replace("; expected", ", expected")))
    for pid, profile in (spec.get("profiles") or {}).items():
        if not isinstance(profile, Mapping):
            continue
        loc = (name, "profiles", pid)
        if not any(k in profile for k in ("indicator", "mean", "all_of")):
            problems.append(at(marked, loc, "a profile needs one of indicator, mean or all_of"))
        if "indicator" in profile:
            problems += _indicator(marked, (*loc, "indicator"), profile["indicator"], variables)
        if "mean" in profile:
            variable = variables.get(profile["mean"])
            if variable is None or variable.kind != "number":
                numbers = [v.name for v in variables.values() if v.kind == "number"]
                problems.append(at(marked, (*loc, "mean"),
                                    f"{profile['mean']!r} is not a number variable;"
                                    f"{did_you_mean(profile['mean'], numbers)} expected one of: "
                                    f"{', '.join(numbers)}".replace("; expected", ", expected")))
        for i, condition in enumerate(profile.get("all_of") or ()):
            if isinstance(condition, Mapping):
                if "indicator" in condition:
                    problems += _indicator(marked, (*loc, "all_of", i, "indicator"),
                                           condition["indicator"], variables)
                problems += _category_in(marked, (*loc, "all_of", i, "category_in"),
                                         condition.get("category_in"), variables)
    cleaning = spec.get("cleaning") or {}
    if isinstance(cleaning, Mapping):
        for i, ignored in enumerate(cleaning.get("blank_ignores") or ()):
            if ignored not in variables:
                problems.append(at(marked, (name, "cleaning", "blank_ignores", i),
                                    _unknown_variable(ignored, variables)))
        for i, rule in enumerate(cleaning.get("inconsistent") or ()):
            if not isinstance(rule, Mapping):
                continue
            loc = (name, "cleaning", "inconsistent", i)
            if "answered" not in rule and "exclusive_option" not in rule:
                problems.append(at(marked, loc, "a rule needs `answered` or `exclusive_option`"))
            if "answered" in rule:
                variable = variables.get(rule["answered"])
                if variable is None or variable.kind != "multi":
                    problems.append(at(marked, (*loc, "answered"),
                                        _unknown_variable(rule["answered"], variables, "multi")))
            problems += _category_in(marked, (*loc, "category_in"), rule.get("category_in"),
                                     variables)
            exclusive = rule.get("exclusive_option")
            if isinstance(exclusive, Mapping):
                problems += _option(marked, (*loc, "exclusive_option"), exclusive, variables)
    return problems


def _unknown_variable(name: Any, variables: Mapping, kind: str | None = None) -> str:
    choices = [v.name for v in variables.values() if kind is None or v.kind == kind]
    what = f"{kind} variable" if kind else "canonical variable"
    return (f"no {what} {name!r};{did_you_mean(name, choices)} expected one of: "
            f"{', '.join(choices)} (or add it to the project's variables.yaml)"
            ).replace("; expected", ", expected")


def _unknown_column(column: Any, variables: Mapping, what: str) -> str:
    columns = [c for c in _all_columns(variables) if _is_option_column(c, variables)
               or (c in variables and variables[c].kind == "boolean")]
    return (f"no canonical column {column!r};{did_you_mean(column, columns)} expected "
            f"{what} such as {', '.join(columns[:6])}, ...").replace("; expected", ", expected")


def _is_option_column(column: str, variables: Mapping) -> bool:
    owner = _column_owner(column, variables)
    return owner is not None and owner.kind == "multi" and column != owner.answered_column


def _indicator(marked: Marked, loc: KeyPath, column: Any, variables: Mapping) -> list[Problem]:
    owner = _column_owner(str(column), variables)
    if owner is None or owner.kind not in ("multi", "boolean"):
        return [at(marked, loc, _unknown_column(column, variables,
                                                 "a yes/no column (an option or boolean)"))]
    return []


def _category_in(marked: Marked, loc: KeyPath, spec: Any, variables: Mapping) -> list[Problem]:
    problems = []
    if not isinstance(spec, Mapping):
        return problems
    for variable_name, values in spec.items():
        variable = variables.get(variable_name)
        if variable is None or variable.kind != "category":
            problems.append(at(marked, (*loc, variable_name),
                                _unknown_variable(variable_name, variables, "category")))
            continue
        if variable.values is None or not isinstance(values, list):
            continue
        for i, value in enumerate(values):
            if value not in variable.values:
                problems.append(at(marked, (*loc, variable_name, i),
                                    f"{value!r} is not a category of {variable_name!r};"
                                    f"{did_you_mean(value, variable.values)} expected one of: "
                                    f"{', '.join(variable.values)}"
                                    .replace("; expected", ", expected")))
    return problems


def _option(marked: Marked, loc: KeyPath, spec: Mapping, variables: Mapping) -> list[Problem]:
    variable = variables.get(spec.get("variable"))
    if variable is None or variable.kind != "multi":
        return [at(marked, (*loc, "variable"),
                    _unknown_variable(spec.get("variable"), variables, "multi"))]
    keys = [k for k, _ in variable.options]
    if spec.get("option") not in keys:
        return [at(marked, (*loc, "option"),
                    f"{variable.name!r} has no option {spec.get('option')!r};"
                    f"{did_you_mean(spec.get('option'), keys)} expected one of: {', '.join(keys)}"
                    .replace("; expected", ", expected"))]
    return []


# --- codebooks ---------------------------------------------------------------------------------


def read_codebook_marked(path: Path, problems: list[Problem]) -> Marked | None:
    try:
        return load_with_extends(path)
    except YamlSyntaxError as error:
        problems.append(Problem(str(error.path), error.line, "", error.message))
    return None


def check_codebook(path: Path, source: str | None = None) -> list[Problem]:
    """One wave's codebook (with its ``extends:`` chain): schema, wave id, variables, labels."""
    problems: list[Problem] = []
    path = Path(path)
    marked = read_codebook_marked(path, problems)
    if marked is None:
        return problems
    if not isinstance(marked.data, Mapping):
        return [Problem(str(path), 1, "", "expected a mapping (source, wave, files, ...)")]
    problems += schema_problems(marked, cm.CodebookSpec)
    data = marked.data
    wave, stem = data.get("wave"), path.stem
    if wave is not None and str(wave) != stem:
        problems.append(at(marked, ("wave",), f"wave {str(wave)!r} differs from the file name "
                                               f"{path.name}, expected wave: {stem!r}"))
    expected_source = source or path.parent.name
    if data.get("source") is not None and str(data["source"]) != expected_source:
        problems.append(at(marked, ("source",),
                            f"source {data['source']!r} differs from the folder "
                            f"{path.parent.name}/, expected source: {expected_source!r}"))
    problems += _todos(marked, (), skip=("variables",))
    try:
        variables = _variables()
    except ConfigError as error:
        return problems + list(error.problems)
    for name, spec in (data.get("variables") or {}).items():
        loc = ("variables", name)
        variable = variables.get(name)
        if variable is None:
            problems.append(at(marked, loc, _unknown_variable(name, variables)))
            continue
        if isinstance(spec, Mapping):
            problems += _question_targets(marked, loc, variable, spec)
    return problems


def _question_targets(marked: Marked, loc: KeyPath, variable: Any, spec: Mapping) -> list[Problem]:
    kind = spec.get("kind")
    problems = []
    if kind == "number":
        if variable.kind != "number":
            return [at(marked, (*loc, "kind"), f"{variable.name!r} is a {variable.kind} "
                                                "variable, expected a kind other than number")]
        for label, value in (spec.get("labels") or {}).items():
            if value == TODO:
                problems.append(at(marked, (*loc, "labels", label),
                                    f"label {label!r} not mapped yet ({TODO}), expected the "
                                    "number it stands for (e.g. a range's midpoint)"))
        return problems
    if variable.kind == "number":
        return [at(marked, (*loc, "kind"), f"{variable.name!r} is a number variable, "
                                            "expected kind: number")]
    if kind == "multi_columns":
        targets = [((*loc, "columns", c, "option"), (e or {}).get("option"))
                   for c, e in (spec.get("columns") or {}).items() if isinstance(e, Mapping)]
    else:
        targets = [((*loc, "labels", k), v) for k, v in (spec.get("labels") or {}).items()]
        targets += [((*loc, "aliases", k), v) for k, v in (spec.get("aliases") or {}).items()]
    for key in [*(spec.get("labels") or {}), *(spec.get("aliases") or {})]:
        if isinstance(key, bool):  # YAML 1.1 reads unquoted Yes/No/On/Off as true/false
            problems.append(at(marked, (*loc, "labels"),
                                f"a label read as {key!r} (an unquoted Yes/No/On/Off), "
                                "expected the label quoted as in the export, e.g. \"Yes\""))
    for target_loc, target in targets:
        label = target_loc[-1] if target_loc[-1] != "option" else target_loc[-2]
        if target == TODO:
            problems.append(at(marked, target_loc,
                                f"label {label!r} not mapped yet ({TODO}), expected "
                                f"{_expected_target(variable)}"))
            continue
        if target is None:
            continue
        if variable.kind == "multi":
            keys = [k for k, _ in variable.options]
            if str(target) not in keys:
                problems.append(at(marked, target_loc,
                                    f"{variable.name!r} has no option {target!r};"
                                    f"{did_you_mean(target, keys)} expected one of: "
                                    f"{', '.join(keys)}, or null".replace("; expected",
                                                                          ", expected")))
        elif variable.kind == "boolean" and not isinstance(target, bool):
            problems.append(at(marked, target_loc, f"{variable.name!r} is boolean, got "
                                                    f"{target!r}, expected true, false or null"))
        elif (variable.kind == "category" and variable.values is not None
              and target not in variable.values):
            problems.append(at(marked, target_loc,
                                f"{target!r} is not a category of {variable.name!r};"
                                f"{did_you_mean(target, variable.values)} expected one of: "
                                f"{', '.join(variable.values)}, or null"
                                .replace("; expected", ", expected")))
    return problems


def _expected_target(variable: Any) -> str:
    if variable.kind == "multi":
        return "one of the options " + ", ".join(k for k, _ in variable.options) + ", or null"
    if variable.kind == "boolean":
        return "true, false or null"
    if variable.values is not None:
        return "one of " + ", ".join(variable.values) + ", or null"
    return "the canonical value (text), or null"


# --- raw files ---------------------------------------------------------------------------------


def check_wave_data(source: str, wave: str, data_dir: str | os.PathLike | None = None
                    ) -> list[Problem]:
    """A wave's raw files against its codebook: files found, columns, labels, dates, numbers."""
    from survey_analysis.codebook import CodebookError, _map_question
    from survey_analysis.sources import SourceError, get_source, read_wave_files
    from survey_analysis.timestamps import TimestampError, parse_timestamps

    src = get_source(source)
    codebook = src.codebook(wave)
    path = Path(codebook.path)
    marked = load_with_extends(path)
    try:
        raw, files = read_wave_files(src, wave, data_dir)
    except (SourceError, CodebookError) as error:
        first, *rest = str(error).splitlines()
        return [at(marked, ("files", 0, "name"), first + (" " + rest[-1] if rest else ""))]
    data_file = str(files[0].path) if files else str(path)
    skip = int(codebook.read.get("question_rows", 0))
    problems = []
    for column_key, column in codebook.columns.items():
        if column and column not in raw.columns:
            problems.append(at(marked, ("columns", column_key),
                                f"column {column!r} is not in {data_file}; expected one of its "
                                f"columns:{did_you_mean(column, raw.columns)} "
                                f"{', '.join(list(raw.columns)[:8])}, ..."))
    variables = _variables()
    for name, question in codebook.questions.items():
        missing = [c for c in question.raw_columns if c not in raw.columns]
        if missing:
            key = "column" if question.kind != "multi_columns" else "columns"
            problems.append(at(marked, ("variables", name, key),
                                f"column {missing[0]!r} is not in {data_file};"
                                f"{did_you_mean(missing[0], raw.columns)} expected a column of "
                                "the export".replace(";  did", "; did")))
            continue
        _, _, unknown = _map_question(raw, variables[name], question)
        for item in unknown:
            listed = ", ".join(f"{label!r} ({count} rows)"
                               for label, count in list(item.counts.items())[:8])
            more = f" and {len(item.counts) - 8} more" if len(item.counts) > 8 else ""
            key = "labels" if question.kind != "multi_columns" else "columns"
            if (*("variables", name, key),) not in marked.lines:
                key = "column" if question.kind != "multi_columns" else "columns"
            problems.append(at(marked, ("variables", name, key),
                                f"{data_file} column {item.column!r} has answers not in the "
                                f"codebook: {listed}{more}; expected each listed under "
                                f"variables.{name}.{'labels' if key != 'columns' else 'columns'}"
                                " with its canonical value (or null)"))
    stamp_column = codebook.columns.get("submitted_at")
    if stamp_column and stamp_column in raw.columns:
        try:
            parse_timestamps(raw[stamp_column], codebook.read.get("timestamp_format"),
                             where=data_file, column=stamp_column, first_line=2 + skip)
        except TimestampError as error:
            problems.append(at(marked, ("read", "timestamp_format")
                                if "timestamp_format" in codebook.read else ("columns",
                                                                              "submitted_at"),
                                str(error)))
    for column_key in ("duration_seconds", "weight"):
        column = codebook.columns.get(column_key)
        if column and column in raw.columns:
            problems += _numbers(marked, raw[column], column_key, column, data_file, skip)
    return problems


def _numbers(marked: Marked, values: Any, key: str, column: str, data_file: str,
             skip: int) -> list[Problem]:
    import pandas as pd

    text = values.astype("string").str.strip()
    parsed = pd.to_numeric(text, errors="coerce")
    bad = text.notna() & (text != "") & parsed.isna()
    if key == "weight":
        bad |= parsed.notna() & (parsed <= 0)
        bad |= text.isna() | (text == "")
    if not bad.any():
        return []
    rows = [int(i) + 2 + skip for i in bad[bad].index[:3]]
    examples = ", ".join(f"{text[i]!r} (line {row})" for i, row in zip(bad[bad].index[:3], rows,
                                                                      strict=False))
    expected = "a positive number on every row" if key == "weight" else "a number of seconds"
    return [at(marked, ("columns", key),
                f"{data_file} column {column!r}: {int(bad.sum())} values are not numbers "
                f"or out of range, e.g. {examples}; expected {expected}")]


# --- the whole project -------------------------------------------------------------------------


def check_config(project: Project | None = None,
                 sources: Iterable[str] | None = None) -> list[Problem]:
    """Every configuration file the active project (and the built-in sources) is read from;
    with ``sources``, only those sources' entries and codebooks (what a render reads)."""
    from survey_analysis.variables import builtin_variables

    project = project if project is not None else active_project()
    problems: list[Problem] = []
    if project is not None:
        problems += check_project_file(project)
    builtin = builtin_variables()
    variable_problems = [p for path in variables_files() for p in check_variables_file(
        path, builtin if path != variables_files()[0] else None)]
    if variable_problems:
        return problems + variable_problems  # the rest is judged against the variables
    chosen = [n for n in source_files() if sources is None or n in set(sources)]
    by_file: dict[Path, list[str]] = {}
    for name in chosen:
        by_file.setdefault(source_files()[name], []).append(name)
    if project is not None and project.sources_file.is_file() and sources is None:
        by_file.setdefault(project.sources_file, [])  # even when it defines nothing readable
    for path, names in by_file.items():
        problems += check_sources_file(path, names or None)
    for name in chosen:
        folder = codebook_folder(name)
        if not folder.is_dir():
            problems.append(Problem(str(folder), None, name,
                                    f"source {name!r} has no codebooks folder, expected "
                                    f"{folder}/<wave>.yaml"))
            continue
        for codebook in sorted(folder.glob("*.yaml")):
            if not codebook.name.startswith("_"):
                problems += check_codebook(codebook, name)
    return problems


def project_sources(project: Project | None) -> list[str]:
    if project is None:
        return []
    return [n for n, p in source_files().items() if p == project.sources_file]


def check_all(sources: Iterable[str] | None = None, waves: Iterable[str] | None = None,
              data_dir: str | os.PathLike | None = None) -> list[Problem]:
    """Config files, then the raw files of ``sources`` (default: the project's own sources)."""
    problems = check_config()
    if problems:
        return problems
    from survey_analysis.sources import get_source

    chosen = list(sources) if sources is not None else project_sources(active_project())
    for name in chosen:
        source = get_source(name)
        for wave in list(waves) if waves else source.waves:
            problems += check_wave_data(name, wave, data_dir)
    return problems


# --- render's preflight ------------------------------------------------------------------------

CHECKED_RECORD = ".config-checked.json"


def _config_digest(source: str) -> str:
    import hashlib
    import json

    from survey_analysis.project import config_stamps
    from survey_analysis.render import fingerprint as fp

    return hashlib.sha256(json.dumps([fp.package_digest(), config_stamps(source)],
                                     default=str).encode()).hexdigest()


def config_recently_passed(reports_dir: Path, source: str) -> bool:
    """Whether ``source``'s config files passed :func:`check_config` as they are now (recorded
    in the reports folder by :func:`record_config_passed`), so a no-op render need not re-read
    them."""
    from survey_analysis.render import fingerprint as fp

    record = fp.read_json(Path(reports_dir) / CHECKED_RECORD)
    return isinstance(record, dict) and record.get(source) == _config_digest(source)


def record_config_passed(reports_dir: Path, source: str) -> None:
    """Check ``source``'s config files and record that they passed (called after pages were
    written, so a no-op render writes nothing)."""
    from survey_analysis.render import fingerprint as fp

    if config_recently_passed(reports_dir, source) or check_config(sources=[source]):
        return
    path = Path(reports_dir) / CHECKED_RECORD
    record = fp.read_json(path)
    record = record if isinstance(record, dict) else {}
    fp.write_json_atomic(path, {**record, source: _config_digest(source)})
