"""``survey-report init``: a working example project, and a codebook drafted from an export.

``init DIR`` writes ``survey-project.yaml``, an example source (``sources.yaml``, one codebook, a
project variable ``seniority`` in ``variables.yaml`` and one small seeded wave of SYNTHETIC data)
and a README. ``init DIR --from-csv EXPORT`` copies the export into the project and drafts its
codebook: every column with a guessed kind and every distinct label of each categorical column
mapped to ``TODO``, which ``survey-report check`` reports until it is replaced.
"""

from __future__ import annotations

import io
import re
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from survey_analysis.check import TODO
from survey_analysis.project import PROJECT_FILE

EXAMPLE_SOURCE = "example"
EXAMPLE_WAVE = "2024-h1"
EXAMPLE_TIMESTAMP_FORMAT = "%d/%m/%Y %H:%M"


class InitError(ValueError):
    """A project that cannot be written (it exists, or the export cannot be read)."""


# --- the example project -----------------------------------------------------------------------

PROJECT_YAML = """\
# A survey-report project. `survey-report` finds this file in the current folder or a parent
# (or use --project DIR). Sources: sources.yaml; codebooks: codebooks/<source>/<wave>.yaml;
# extra canonical variables: variables.yaml; raw exports: data/<source>/; pages: reports/.
name: {name}
default_source: {source}
"""

SOURCES_YAML = f"""\
# This project's survey sources. The built-in sources (demo, kaggle) stay available; a source
# named here with the same name replaces the built-in one. `survey-report check` validates this.
{EXAMPLE_SOURCE}:
  title: Example team survey (synthetic)
  publisher: survey-report init
  synthetic: true
  licence: >-
    Synthetic example data written by `survey-report init`; no real person answered. Replace
    with your own source's licence.
  get_files: The example wave is written by `survey-report init` into data/{EXAMPLE_SOURCE}/.
  cleaning:
    duplicates: {{keep: last}}  # one submission per person_key, latest submitted_at
    min_duration_seconds: 60
  populations:
    ml_ds:
      label: respondents involved in data science or machine learning
      category_in: {{ml_involvement: [main_job, part_of_job, studies_or_hobby]}}
    seniors:
      label: senior respondents
      category_in: {{seniority: [senior]}}
    all:
      label: all respondents
  default_population: ml_ds
  profiles:
    production:
      label: Use machine learning in production
      indicator: activity_production
    senior:
      label: Senior developers
      all_of:
        - {{category_in: {{seniority: [senior]}}}}
"""

VARIABLES_YAML = """\
# Canonical variables this project adds to the built-in ones (survey_analysis/codebooks/
# variables.yaml). A built-in variable named here keeps its kind and gains the options or values.
seniority:
  kind: category
  label: Seniority
  values: [junior, mid, senior]
"""

CODEBOOK_YAML = f"""\
# How the example export's columns and answers map to canonical variables.
source: {EXAMPLE_SOURCE}
wave: "{EXAMPLE_WAVE}"
title: Example team survey, first half of 2024 (synthetic)
files:
  - name: {EXAMPLE_WAVE}.csv
read:
  encoding: utf-8
  timestamp_format: "{EXAMPLE_TIMESTAMP_FORMAT}"  # the export writes day/month/year
columns:
  respondent_id: ResponseId
  person_key: Email hash
  submitted_at: Submitted
  duration_seconds: Seconds taken
variables:
  ml_involvement:
    kind: single
    column: Do you work with machine learning?
    question: Do you work with machine learning?
    labels:
      "Yes, it is my main job": main_job
      "Yes, part of my job": part_of_job
      "Only in my studies or as a hobby": studies_or_hobby
      "No": none
  frameworks:
    kind: multi_delimited
    column: Frameworks used
    question: Which machine-learning frameworks have you used?
    delimiter: ";"
    labels:
      TensorFlow: tensorflow
      PyTorch: pytorch
      scikit-learn: sklearn
      JAX: jax
      None: none
  activities:
    kind: multi_delimited
    column: Where do you use ML?
    question: Where do you use ML?
    delimiter: ";"
    labels:
      In production: production
      Research: research
      Prototyping: prototyping
  seniority:
    kind: single
    column: Level
    question: What is your level?
    labels:
      Junior: junior
      Mid-level: mid
      Senior: senior
"""

README = f"""\
# {{name}}

A [survey-report] project. Everything the tool reads lives in this folder; nothing is written
inside the installed package.

| path | what it holds |
|---|---|
| `{PROJECT_FILE}` | the project's name and default source |
| `sources.yaml` | each source: title, publisher, licence, cleaning, populations, profiles |
| `variables.yaml` | canonical variables the project adds (here: `seniority`) |
| `codebooks/<source>/<wave>.yaml` | which raw column and answer means which variable |
| `data/<source>/` | the raw exports |
| `notebooks/` | the project's own articles |
| `reports/` | the published pages (generated) |

```sh
survey-report check      # every config file and raw file; prints file:line: key: problem
survey-report list       # sources, waves, whether their files are found
survey-report render     # pages into reports/<source>/
survey-report init . --from-csv export.csv --source mysurvey --wave 2024-h2
```

The `{EXAMPLE_SOURCE}` source is SYNTHETIC: a seeded example written by `survey-report init`.
"""


def _write(path: Path, text: str, written: list[Path]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    written.append(path)


def init_project(root: str | Path, name: str | None = None) -> list[Path]:
    """Write a working example project into ``root`` (refused if it is a project already)."""
    root = Path(root).expanduser().resolve()
    if (root / PROJECT_FILE).exists():
        raise InitError(f"{root / PROJECT_FILE} exists already; init writes a new project "
                        "(use --from-csv to add a source to it)")
    name = name or root.name
    written: list[Path] = []
    _write(root / PROJECT_FILE, PROJECT_YAML.format(name=name, source=EXAMPLE_SOURCE), written)
    _write(root / "sources.yaml", SOURCES_YAML, written)
    _write(root / "variables.yaml", VARIABLES_YAML, written)
    _write(root / "codebooks" / EXAMPLE_SOURCE / f"{EXAMPLE_WAVE}.yaml", CODEBOOK_YAML, written)
    _write(root / "data" / EXAMPLE_SOURCE / f"{EXAMPLE_WAVE}.csv", example_export(), written)
    _write(root / "README.md", README.replace("{name}", name), written)
    _write(root / ".gitignore", "reports/\n", written)
    (root / "notebooks").mkdir(exist_ok=True)
    return written


def example_export(n: int = 240, seed: int = 2024) -> str:
    """A small SYNTHETIC export shaped like a survey tool's: day-first times, a repeat submitter.

    A pure function of ``n`` and ``seed``.
    """
    rng = np.random.default_rng(seed)
    involvement = rng.choice(["Yes, it is my main job", "Yes, part of my job",
                              "Only in my studies or as a hobby", "No"], n, p=[.3, .35, .2, .15])
    tools = ["TensorFlow", "PyTorch", "scikit-learn", "JAX"]
    uses = np.array([[rng.random() < p for p in (.5, .45, .6, .1)] for _ in range(n)])
    frameworks = [";".join(t for t, on in zip(tools, row, strict=True) if on) or "None"
                  for row in uses]
    places = ["In production", "Research", "Prototyping"]
    activity = [";".join(p for p in places if rng.random() < .4) for _ in range(n)]
    ml = involvement != "No"
    start = pd.Timestamp("2024-01-08 09:00")
    times = [start + pd.Timedelta(minutes=int(m)) for m in np.sort(rng.integers(0, 60 * 24 * 60,
                                                                                n))]
    frame = pd.DataFrame({
        "ResponseId": [f"R{i + 1:04d}" for i in range(n)],
        "Email hash": [f"{rng.integers(16 ** 11, 16 ** 12):012x}" for _ in range(n)],
        "Submitted": [t.strftime(EXAMPLE_TIMESTAMP_FORMAT) for t in times],
        "Seconds taken": rng.integers(40, 900, n),
        "Do you work with machine learning?": involvement,
        "Frameworks used": np.where(ml, frameworks, ""),
        "Where do you use ML?": np.where(ml, activity, ""),
        "Level": rng.choice(["Junior", "Mid-level", "Senior"], n, p=[.3, .4, .3]),
        "Comments": rng.choice(["", "", "", "Great survey", "Too long", "More on MLOps please"],
                               n),
    })
    # The same person twice: on 03/02 and later on 02/03 (2 March), which a month-first reading
    # would put first. The rule keeps the later, 2 March, submission.
    repeat = frame.iloc[[5]].copy()
    repeat["ResponseId"] = f"R{n + 1:04d}"
    frame.loc[5, "Submitted"] = "03/02/2024 10:00"
    repeat["Submitted"] = "02/03/2024 10:00"
    repeat["Level"] = "Senior"
    frame = pd.concat([frame, repeat], ignore_index=True)
    return frame.to_csv(index=False)


# --- drafting a codebook from an export --------------------------------------------------------

_DATE_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d",
                 "%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%d/%m/%Y",
                 "%m/%d/%Y %H:%M:%S", "%m/%d/%Y %H:%M", "%m/%d/%Y",
                 "%d.%m.%Y %H:%M:%S", "%d.%m.%Y %H:%M", "%d.%m.%Y")
_RANGE = re.compile(r"\d\s*(-|–|to)\s*\d|\d\s*\+|less than|more than|under|over|fewer than",
                    re.IGNORECASE)
_ID_NAME = re.compile(r"(^|[\s_])(id|uuid|token|key|hash)($|[\s_])|respondent|response",
                      re.IGNORECASE)
MAX_CATEGORIES = 40


@dataclass(frozen=True, slots=True)
class ColumnGuess:
    """What a raw column seems to hold, from its answers."""

    column: str
    kind: str  # single, multi, number, range, date, free text, id, empty
    labels: tuple[str, ...] = ()
    delimiter: str | None = None
    timestamp_format: str | None = None
    note: str = ""


def guess_column(column: str, values: pd.Series) -> ColumnGuess:
    """Guess a column's kind from its non-blank answers (rules in the order tried)."""
    text = values.astype("string").str.strip()
    text = text[text.notna() & (text != "")]
    if text.empty:
        return ColumnGuess(column, "empty", note="no answers in this export")
    distinct = pd.unique(text)
    formats = [f for f in _DATE_FORMATS
               if pd.to_datetime(text, format=f, errors="coerce").notna().all()]
    if formats:
        note = ""
        if len({f[:5] for f in formats if "/" in f}) > 1:
            note = ("both day-first and month-first read every value: confirm "
                    "read.timestamp_format")
            return ColumnGuess(column, "date", timestamp_format=TODO,
                               note=note + f" (e.g. {formats[0]!r} or {formats[-1]!r})")
        return ColumnGuess(column, "date", timestamp_format=formats[0])
    numbers = pd.to_numeric(text, errors="coerce")
    unique_share = len(distinct) / len(text)
    if _ID_NAME.search(column) and unique_share > 0.9 and len(text) > 1:
        return ColumnGuess(column, "id")
    if numbers.notna().all():
        return ColumnGuess(column, "number",
                           note=f"from {numbers.min():g} to {numbers.max():g}")
    for delimiter in (";", "|", ","):
        joined = text[text.str.contains(delimiter, regex=False)]
        if len(joined) < max(2, 0.1 * len(text)):
            continue
        parts = pd.unique(pd.Series([p.strip() for cell in text for p in cell.split(delimiter)
                                     if p.strip()]))
        if len(parts) <= MAX_CATEGORIES and len(parts) < len(distinct):
            return ColumnGuess(column, "multi", tuple(sorted(parts)), delimiter=delimiter)
    labels = tuple(sorted(distinct))
    repeats = len(distinct) < len(text)
    ranged = sum(bool(_RANGE.search(str(label))) for label in labels)
    if repeats and len(labels) <= MAX_CATEGORIES and ranged >= max(2, len(labels) / 2):
        return ColumnGuess(column, "range", labels)
    if repeats and len(labels) <= MAX_CATEGORIES and unique_share <= 0.6:
        return ColumnGuess(column, "single", labels)
    if unique_share == 1 and len(text) >= 20 and not text.str.contains(r"\s").any():
        return ColumnGuess(column, "id")
    return ColumnGuess(column, "free text", note=f"{len(distinct)} distinct answers")


def _slug(text: str) -> str:
    slug = re.sub(r"[^0-9a-z]+", "_", text.lower()).strip("_")
    return ("q_" + slug if slug[:1].isdigit() else slug) or "column"


def _q(value: str) -> str:
    """A YAML scalar, quoted when plain style would change its meaning."""
    return yaml.safe_dump(value, default_style=None, width=10_000).strip().removesuffix("...") \
        .strip()


def read_export(path: Path) -> pd.DataFrame:
    try:
        data = path.read_bytes()
        if path.suffix == ".gz":
            import gzip

            data = gzip.decompress(data)
        return pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False, na_values=[""])
    except (OSError, UnicodeDecodeError, pd.errors.ParserError, EOFError) as error:
        raise InitError(f"{path}: cannot be read as a CSV export: {error}") from None


def draft_codebook(export: pd.DataFrame, source: str, wave: str, file_name: str,
                   known_variables: Sequence[str] = ()) -> tuple[str, str, list[ColumnGuess]]:
    """The draft codebook text, the draft project variables text, and the guesses made."""
    guesses = [guess_column(c, export[c]) for c in export.columns]
    frame: dict[str, str] = {}
    timestamp_format = None
    for guess in guesses:
        lower = guess.column.lower()
        if guess.kind == "id" and "respondent_id" not in frame and re.search(r"resp|^id", lower):
            frame["respondent_id"] = guess.column
        elif guess.kind == "id" and "person_key" not in frame:
            frame["person_key"] = guess.column
        elif guess.kind == "date" and "submitted_at" not in frame:
            frame["submitted_at"] = guess.column
            timestamp_format = guess.timestamp_format
        elif guess.kind == "number" and re.search(r"duration|seconds|time taken", lower) \
                and "duration_seconds" not in frame:
            frame["duration_seconds"] = guess.column
        elif guess.kind == "number" and "weight" in lower and "weight" not in frame:
            frame["weight"] = guess.column
    mapped_frame = set(frame.values())
    lines = [
        f"# Draft codebook of {file_name}, written by `survey-report init --from-csv`.",
        "# Every column of the export is below, with the kind guessed from its answers. To do:",
        "# - rename an entry under variables: to a built-in canonical variable where one fits",
        "#   (`survey-report check` lists them), or keep it as this project's own variable",
        "#   (drafted in variables.yaml);",
        f"# - replace every {TODO} with the canonical value (or null for an answer with none).",
        "# `survey-report check` reports each TODO left as file:line: key.",
        f"source: {_q(source)}",
        f"wave: {_q(str(wave))}",
        f"title: {_q(f'{source} {wave}')}",
        "files:",
        f"  - name: {_q(file_name)}",
        "read:",
        "  encoding: utf-8",
    ]
    if timestamp_format:
        lines.append(f"  timestamp_format: {_q(timestamp_format)}")
    if frame:
        lines.append("columns:")
        lines += [f"  {key}: {_q(column)}" for key, column in frame.items()]
    lines.append("variables:")
    variables_lines = [
        f"# Variables drafted from {file_name} by `survey-report init --from-csv`: keep those",
        "# that are this project's own, delete those you map to a built-in variable instead.",
    ]
    unmapped: list[str] = []
    used = set(known_variables)
    for guess in guesses:
        if guess.column in mapped_frame:
            continue
        name = _slug(guess.column)
        while name in used:
            name += "_2"
        if guess.kind in ("single", "multi", "range", "number"):
            used.add(name)
        if guess.kind in ("single", "range"):
            kind = "single" if guess.kind == "single" else "number"
            lines += [f"  {name}:  # {guess.kind}, {len(guess.labels)} labels",
                      f"    kind: {kind}", f"    column: {_q(guess.column)}",
                      f"    question: {_q(guess.column)}", "    labels:"]
            lines += [f"      {_q(label)}: {TODO}" for label in guess.labels]
            canonical_kind = "category" if kind == "single" else "number"
            variables_lines += [f"{name}:", f"  kind: {canonical_kind}",
                                f"  label: {_q(guess.column)}"]
            if kind == "single":
                variables_lines.append("  values: null  # or list the canonical values")
        elif guess.kind == "multi":
            lines += [f"  {name}:  # multi, delimiter {guess.delimiter!r}, "
                      f"{len(guess.labels)} options",
                      "    kind: multi_delimited", f"    column: {_q(guess.column)}",
                      f"    question: {_q(guess.column)}",
                      f"    delimiter: {_q(guess.delimiter or ';')}", "    labels:"]
            lines += [f"      {_q(label)}: {TODO}" for label in guess.labels]
            options = {}
            for label in guess.labels:
                key = _slug(label)
                while key in options:
                    key += "_2"
                options[key] = label
            variables_lines += [f"{name}:", "  kind: multi", f"  label: {_q(guess.column)}",
                                f"  prefix: {name}_", "  options:"]
            variables_lines += [f"    {key}: {_q(label)}" for key, label in options.items()]
        elif guess.kind == "number":
            low, high = guess.note.removeprefix("from ").split(" to ")
            lines += [f"  {name}:  # number, {guess.note}", "    kind: number",
                      f"    column: {_q(guess.column)}", f"    question: {_q(guess.column)}",
                      f"    free_text_numbers: {{min: {low}, max: {high}}}"]
            variables_lines += [f"{name}:", "  kind: number", f"  label: {_q(guess.column)}"]
        else:
            unmapped.append(f"#   {guess.column}: {guess.kind}"
                            + (f" ({guess.note})" if guess.note else ""))
    if lines[-1] == "variables:":
        lines[-1] = "variables: {}"
    if unmapped or frame:
        lines.append("# Columns not mapped to a variable (no canonical kind holds them):")
        lines += unmapped
        lines += [f"#   {column}: {next(g.kind for g in guesses if g.column == column)}, "
                  f"read as columns.{key}" for key, column in frame.items()]
    for guess in guesses:
        if guess.kind == "date" and guess.note:
            lines.append(f"# {TODO} read.timestamp_format: {guess.column}: {guess.note}")
    return "\n".join(lines) + "\n", "\n".join(variables_lines) + "\n", guesses


def draft_source_entry(source: str, has_duplicate_key: bool) -> str:
    lines = [
        f"{source}:",
        f"  title: {TODO}  # the survey's name, as readers should see it",
        f"  publisher: {TODO}  # who ran the survey",
        f"  licence: {TODO}  # the terms the data may be published under",
        "  cleaning:",
    ]
    lines.append("    duplicates: {keep: last}" if has_duplicate_key else
                 "    duplicates: {checkable: false, reason: the export has no respondent key}")
    lines += ["  populations:", "    all:", "      label: all respondents",
              "  default_population: all"]
    return "\n".join(lines) + "\n"


def init_from_csv(root: str | Path, export: str | Path, source: str | None = None,
                  wave: str | None = None) -> list[Path]:
    """Add ``export`` as a wave of a new source of the project at ``root`` (made if missing)."""
    from survey_analysis.variables import builtin_variables

    root = Path(root).expanduser().resolve()
    export = Path(export).expanduser().resolve()
    if not export.is_file():
        raise InitError(f"--from-csv {export}: no such file")
    frame = read_export(export)
    wave = wave or export.name.split(".")[0]
    source = source or _slug(export.name.split(".")[0]) or "mysurvey"
    if not re.fullmatch(r"[a-z][a-z0-9_-]*", source):
        raise InitError(f"--source {source!r}: expected lower-case letters, digits, - or _")
    codebook = root / "codebooks" / source / f"{wave}.yaml"
    if codebook.exists():
        raise InitError(f"{codebook} exists already; delete it to draft it again")
    written: list[Path] = []
    if not (root / PROJECT_FILE).exists():
        _write(root / PROJECT_FILE, PROJECT_YAML.format(name=root.name, source=source), written)
        _write(root / "README.md", README.replace("{name}", root.name), written)
        _write(root / ".gitignore", "reports/\n", written)
    file_name = f"{wave}{''.join(export.suffixes) or '.csv'}"
    target = root / "data" / source / file_name
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.resolve() != export:
        shutil.copyfile(export, target)
        written.append(target)
    sources_file = root / "sources.yaml"
    existing = yaml.safe_load(sources_file.read_text(encoding="utf-8")) \
        if sources_file.exists() else None
    known = list(builtin_variables())
    variables_file = root / "variables.yaml"
    if variables_file.exists():
        known += list(yaml.safe_load(variables_file.read_text(encoding="utf-8")) or {})
    text, variables_text, guesses = draft_codebook(frame, source, wave, file_name, known)
    _write(codebook, text, written)
    if not (isinstance(existing, dict) and source in existing):
        has_key = any(g.kind == "id" for g in guesses) and any(g.kind == "date" for g in guesses)
        old = sources_file.read_text(encoding="utf-8") if sources_file.exists() else ""
        _write(sources_file, old + ("\n" if old and not old.endswith("\n") else "")
               + draft_source_entry(source, has_key), written)
    if variables_text.count("\n") > 2:
        old = variables_file.read_text(encoding="utf-8") if variables_file.exists() else ""
        _write(variables_file, old + ("\n" if old else "") + variables_text, written)
    return written
