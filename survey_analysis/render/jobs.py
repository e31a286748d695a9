"""Render jobs: one per article and wave page, one per article's trends page, with their inputs.

A page lives at ``reports/<source>/<article>/<wave>.html``. Planning is data-driven (the sources,
the codebook files and each article's file) and light: it reads YAML and file metadata only, so
an up-to-date build finishes without importing the analysis stack.
"""

from __future__ import annotations

import shlex
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from survey_analysis.render import fingerprint as fp

PROJECT_ROOT = fp.PROJECT_ROOT
WAVE_NOTEBOOK = PROJECT_ROOT / "notebooks" / "framework_battle.ipynb"
TRENDS_NOTEBOOK = PROJECT_ROOT / "notebooks" / "trends.ipynb"
DEFAULT_REPORTS_DIR = PROJECT_ROOT / "reports"
# Machine paths: in the command, not on the page.
HIDDEN_PARAMETERS = {"data_dir", "results_dir", "article"}


# Chosen by the command (--source, --wave, --data-dir) so that they are in the page's name and
# fingerprint; a --set could publish one wave's article under another's name.
FIXED_PARAMETERS = {
    "source": "choose it with --source",
    "wave": "choose it with --wave",
    "data_dir": "use --data-dir, so the files read are hashed into the page's fingerprint",
    "results_dir": "the trends page reads the published results",
    "article": "choose it with --article (or --notebook)",
}
PARAMETER_TYPES: dict[str, tuple[tuple[type, ...], str]] = {
    "confidence_level": ((float, int), "a number between 0 and 1, e.g. 0.9"),
    "min_base": ((int,), "a whole number, e.g. 30"),
    "suppression_floor": ((int,), "a whole number, e.g. 10"),
    "weighted": ((bool,), "true or false"),
    "share_method": ((str,), "a method name, e.g. wilson"),
    "population": ((str, type(None)), "a population name or null"),
}


@dataclass(frozen=True)
class RenderJob:
    """One page to render: a notebook, its parameters, where the page goes."""

    source: str
    wave: str
    notebook: Path
    parameters: Mapping[str, Any]
    reports_dir: Path
    data_dir: str | None = None
    force: bool = False
    name: str = ""
    kind: str = "wave"  # "wave" or "trends"
    overrides: tuple[tuple[str, Any], ...] = ()
    links: tuple[tuple[str, str], ...] = ()
    article: str = "framework_battle"
    draft: bool = False  # rendered with --notebook: the command names the notebook's path
    extra_files: tuple[Path, ...] = ()  # the article's own files (its data, claims)
    headline: tuple[str, ...] = ()

    @property
    def folder(self) -> Path:
        return Path(self.reports_dir) / self.source / self.article

    @property
    def stem(self) -> Path:
        return self.folder / (self.name or self.wave)

    def _file(self, suffix: str) -> Path:
        return self.stem.with_name(self.stem.name + suffix)

    @property
    def html(self) -> Path:
        return self._file(".html")

    @property
    def results(self) -> Path:
        return self._file(".results.json")

    @property
    def executed(self) -> Path:
        return self._file(".ipynb")

    @property
    def failed_notebook(self) -> Path:
        return self._file(".failed.ipynb")

    @property
    def fingerprint_file(self) -> Path:
        return self._file(".inputs.json")

    @property
    def changes_file(self) -> Path:
        return self._file(".changes.json")

    @property
    def label(self) -> str:
        return f"{self.source} {self.article} {self.stem.name}"

    def command(self) -> str:
        """The one command that re-renders this page (no machine-specific absolute paths)."""
        parts = ["survey-report", "render", "--source", self.source]
        if self.draft:
            parts += ["--notebook", _portable(self.notebook)]
        else:
            parts += ["--article", self.article]
        if self.kind == "wave":
            parts += ["--wave", self.wave]
        if self.data_dir:
            parts += ["--data-dir", _portable(self.data_dir, "DATA_DIR")]
        if Path(self.reports_dir).resolve() != default_reports_dir().resolve():
            parts += ["--reports-dir", _portable(self.reports_dir, "REPORTS_DIR")]
        for name, value in self.overrides:
            parts += ["--set", f"{name}={_yaml_scalar(value)}"]
        return shlex.join(parts)

    def shown_parameters(self) -> dict[str, Any]:
        return {k: v for k, v in self.parameters.items() if k not in HIDDEN_PARAMETERS}


def _portable(path: str | Path, placeholder: str = "NOTEBOOK") -> str:
    """A path as the reader can use it: relative to the working folder, or a placeholder for a
    local absolute path (which names someone's machine, not the page's inputs)."""
    path = Path(path)
    if not path.is_absolute():
        return str(path)
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return placeholder


def default_reports_dir() -> Path:
    """The active project's reports/ folder, else the checkout's."""
    from survey_analysis.project import active_project

    project = active_project()
    return project.reports_dir if project is not None else DEFAULT_REPORTS_DIR


def _yaml_scalar(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


@dataclass(frozen=True)
class RenderFailure:
    """A page that did not render: which, where it failed (cell index and source), the error."""

    source: str
    wave: str
    message: str
    cell_index: int | None = None
    ename: str | None = None
    failed_notebook: str | None = None
    cell_source: str = ""

    def __str__(self) -> str:
        where = ""
        if self.cell_index is not None:
            first = self.cell_source.strip().splitlines()[0] if self.cell_source.strip() else ""
            where = f" (cell {self.cell_index}" + (f": {first!r}" if first else "") + ")"
        return f"{self.source} {self.wave}{where}: {self.message}"


@dataclass(frozen=True)
class RenderOutcome:
    job: RenderJob
    status: str  # "rendered", "skipped" or "failed"
    seconds: float = 0.0
    failure: RenderFailure | None = None
    changes: Sequence[Mapping[str, Any]] = field(default_factory=tuple)


def plan_jobs(
    source: str,
    waves: Iterable[str] | None = None,
    reports_dir: Path = DEFAULT_REPORTS_DIR,
    parameters: Mapping[str, Any] | None = None,
    data_dir: str | None = None,
    force: bool = False,
    notebook: Path = WAVE_NOTEBOOK,
    trends: bool = False,
    draft: bool = False,
    article: Any = None,
) -> list[RenderJob]:
    """One job per wave of ``source`` (all its waves by default) for the article ``notebook``
    (or ``article``, e.g. an edition); wave pages link the article's trends page when
    ``trends`` is set (the caller renders it)."""
    from survey_analysis.articles import load_article

    article = article or load_article(notebook)
    spec = fp.source_spec(source)
    known = fp.source_waves(source)
    chosen = list(waves) if waves else list(known)
    unknown = [w for w in chosen if w not in known]
    if unknown:
        raise ValueError(f"source {source!r} has no wave {unknown[0]!r}; waves: "
                         f"{', '.join(known)}")
    if data_dir and not Path(data_dir).is_dir():
        raise ValueError(f"--data-dir {data_dir} is not a folder")
    overrides = tuple(sorted(dict(parameters or {}).items()))
    base = {**dict(spec.get("report_parameters") or {}), **dict(article.parameters),
            **dict(overrides)}
    check_report_parameters(source, spec, base)
    check_declared(article.notebook, base)
    links = ((("trends.html", f"{article.title}: trends across waves"),)
             if trends and len(known) > 1 else ())
    jobs = []
    for wave in chosen:
        params = {"source": source, "wave": wave, **base}
        if data_dir:
            params["data_dir"] = str(Path(data_dir).resolve())
        jobs.append(RenderJob(source, wave, article.notebook, params, Path(reports_dir),
                              data_dir, force, overrides=overrides, links=links,
                              article=article.name, draft=draft,
                              extra_files=tuple(f for f in article.files()
                                                if f != article.notebook),
                              headline=article.headline))
    return jobs


def declared_parameters(notebook: Path) -> list[str]:
    """The names a notebook's cell tagged ``parameters`` assigns (read without a kernel)."""
    import ast
    import json

    try:
        cells = json.loads(Path(notebook).read_text(encoding="utf-8")).get("cells", [])
    except (OSError, ValueError) as error:
        raise ValueError(f"{notebook}: not a readable notebook ({error})") from None
    for cell in cells:
        if "parameters" in (cell.get("metadata") or {}).get("tags", []):
            source = "".join(cell.get("source", ""))
            try:
                tree = ast.parse(source)
            except SyntaxError as error:
                raise ValueError(f"{notebook}: the parameters cell is not valid Python "
                                 f"(line {error.lineno}: {error.msg})") from None
            names = []
            for node in tree.body:
                targets = [node.target] if isinstance(node, ast.AnnAssign) else \
                    getattr(node, "targets", [])
                names += [t.id for t in targets if isinstance(t, ast.Name)]
            return names
    raise ValueError(f"{notebook}: no cell tagged 'parameters'")


def check_declared(notebook: Path, parameters: Mapping[str, Any]) -> None:
    """Refuse a parameter the notebook does not declare, before any wave starts."""
    import difflib

    declared = declared_parameters(notebook)
    unknown = [name for name in parameters if name not in declared]
    if unknown:
        close = difflib.get_close_matches(unknown[0], declared, n=1)
        hint = f"; did you mean {close[0]}?" if close else ""
        raise ValueError(f"{Path(notebook).name}: unknown parameter(s) {', '.join(unknown)}; "
                         f"the parameters cell declares {', '.join(declared)}{hint}")


def check_report_parameters(source: str, spec: Mapping[str, Any],
                            parameters: Mapping[str, Any]) -> None:
    """Refuse values an article would reject, before any kernel starts (same rules, same words)."""
    fixed = sorted(set(parameters) & FIXED_PARAMETERS.keys())
    if fixed:
        raise ValueError(f"parameter {fixed[0]} cannot be set: " + FIXED_PARAMETERS[fixed[0]])
    for name, value in parameters.items():
        expected = PARAMETER_TYPES.get(name)
        if expected and not (isinstance(value, expected[0]) and not (
                isinstance(value, bool) and bool not in expected[0])):
            raise ValueError(f"parameter {name} must be {expected[1]}, got {value!r}")
    if "population" in parameters and parameters["population"] is not None:
        populations = spec.get("populations") or {}
        if parameters["population"] not in populations:
            raise ValueError(f"source {source!r} has no population {parameters['population']!r}; "
                             f"populations: {', '.join(populations)}")
    keys = {"confidence_level": "level", "share_method": "share_method", "min_base": "min_base",
            "suppression_floor": "suppression_floor", "weighted": "weighted",
            "base_policy": "base_policy", "multiplicity": "multiplicity"}
    given = {keys[k]: v for k, v in parameters.items() if k in keys}
    if given:
        from survey_analysis.analysis import Settings  # loads the statistics: only when needed

        try:
            Settings(**given)
        except TypeError as error:
            raise ValueError(str(error)) from None


def plan_trends_job(
    source: str, reports_dir: Path = DEFAULT_REPORTS_DIR, force: bool = False,
    notebook: Path = TRENDS_NOTEBOOK, article: Any = WAVE_NOTEBOOK, draft: bool = False,
) -> RenderJob:
    """The trends page of an article (a notebook path, or an article such as an edition):
    ``reports/<source>/<article>/trends.html`` from its waves' results."""
    from survey_analysis.articles import Article, load_article

    spec = article if isinstance(article, Article) else load_article(article)
    folder = (Path(reports_dir) / source / spec.name).resolve()
    # A draft is found by its path; an article (or edition) by its name.
    params = {"source": source, "article": str(spec.notebook) if draft else spec.name,
              "results_dir": str(folder)}
    return RenderJob(source, "trends", Path(notebook), params, Path(reports_dir), None, force,
                     name="trends", kind="trends", article=spec.name, draft=draft,
                     extra_files=tuple(spec.files()), headline=spec.headline)


def wave_results_files(folder: Path) -> list[Path]:
    """The published ``<wave>.results.json`` files of one source's folder (not the trends')."""
    return sorted(p for p in Path(folder).glob("*.results.json")
                  if not p.name.startswith("trends."))


def page_options(job: RenderJob) -> dict[str, Any]:
    """What the renderer adds around the notebook that changes the page."""
    return {"links": [list(link) for link in job.links], "command": job.command(),
            "headline": list(job.headline)}


def current_fingerprint(job: RenderJob) -> tuple[dict[str, Any], list[Path]]:
    """The job's fingerprint and the files hashed into it (slow path: hashes every input)."""
    hashed: list[Path] = [job.notebook, *job.extra_files]
    if job.kind == "trends":
        folder = Path(job.parameters["results_dir"])
        results = wave_results_files(folder)
        hashed += results
        waves = [p.name.removesuffix(".results.json") for p in results]
        inputs = {p.name: fp.sha256_file(p) for p in results}
    else:
        from survey_analysis.sources import get_source, locate_file

        source = get_source(job.source)
        codebook = source.codebook(job.wave)
        located = {f.name: locate_file(source, job.wave, f, job.data_dir) for f in codebook.files}
        hashed += list(located.values())
        inputs = {name: fp.sha256_file(path) for name, path in located.items()}
        waves = [job.wave]
    codebooks = {}
    for wave in waves:
        for path in fp.codebook_chain(job.source, wave):
            codebooks[fp.codebook_label(path)] = fp.sha256_file(path)
            hashed.append(path)
    project = fp.project_files()  # a project's sources.yaml, variables.yaml, project file
    hashed += list(project.values())
    current = {
        "notebook": fp.sha256_file(job.notebook),
        "article_files": {p.name: fp.sha256_file(p) for p in job.extra_files},
        "parameters": dict(job.parameters),
        "page": page_options(job),
        "input_files": inputs,
        "codebooks": codebooks,
        "project_files": {name: fp.sha256_file(path) for name, path in project.items()},
        "package_version": fp.package_version(),
        "package_digest": fp.package_digest(),
    }
    return fp.normalise(current), sorted(set(hashed))


def quick_up_to_date(job: RenderJob) -> bool:
    """Whether the published page is current, judged from file metadata alone (fast path).

    True only when the recorded parameters, page options and package match and no recorded input
    changed size or modification time. False means "check properly", not "stale".
    """
    if job.force or not (job.html.exists() and job.results.exists()):
        return False
    record = fp.read_json(job.fingerprint_file)
    if not isinstance(record, dict) or "fingerprint" not in record:
        return False
    recorded = record["fingerprint"]
    if (recorded.get("parameters") != fp.normalise(dict(job.parameters))
            or recorded.get("page") != fp.normalise(page_options(job))
            or recorded.get("package_version") != fp.package_version()
            or recorded.get("package_digest") != fp.package_digest()
            or record.get("env") != fp.survey_env()):
        return False
    if job.kind == "trends":
        names = sorted(p.name for p in wave_results_files(Path(job.parameters["results_dir"])))
        if names != sorted(recorded.get("input_files", {})):
            return False
    if not fp.files_unchanged(record.get("files") or {}):
        return False
    from survey_analysis.render.pageset import intact

    return intact(job.fingerprint_file.parent, record)  # its files are the ones published
