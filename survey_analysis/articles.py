"""Articles: a notebook plus a little data (``<name>.yaml`` beside ``<name>.ipynb``).

The article file declares what the site needs to know without running the notebook::

    title: "TensorFlow vs PyTorch"              # the article's name on the index
    summary: Which framework do developers use? # one line on the index
    requires: [frameworks]                      # rendered for every source that asks these
    sources: [demo, kaggle]                     # or: exactly these sources
    headline: [share.either, ratio.tensorflow_to_pytorch]   # figures on the index and trends
    questions: {share.: frameworks, ratio.: frameworks}     # result-id prefix -> variable, so
                                                # the trends page takes breaks from the question
    trends:
      figures: [share.tensorflow, share.pytorch]  # changes tested across waves (one family)
      charts: [{title: Who uses which, ids: [share.tensorflow, share.pytorch]}]
    claims: framework_battle.claims.yaml        # a published article's claims to check
    cites: "Publisher, “Title”, date"           # the published article the page judges
    editions:                                   # the same article for another population
      data_scientists: {title: employed data scientists, sources: [kaggle],
                        parameters: {population: data_scientists}}

An edition is published beside the article as ``<article>.<edition>`` (its own pages, trends
page and index entry) and rendered with ``--article <article>.<edition>``.

Articles are found in the package's ``notebooks/`` folder and in a project's. Reading this is
light (YAML only), so planning a build never imports the analysis stack.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from survey_analysis.render.fingerprint import PROJECT_ROOT

BUILTIN_NOTEBOOKS = PROJECT_ROOT / "notebooks"
TRENDS_NOTEBOOK = BUILTIN_NOTEBOOKS / "trends.ipynb"
KNOWN_KEYS = {"title", "summary", "sources", "requires", "headline", "questions", "trends",
              "claims", "cites", "editions"}
EDITION_KEYS = {"title", "sources", "parameters"}
NOT_ARTICLES = {"trends"}


class ArticleError(ValueError):
    """An article that cannot be found or whose article file is wrong."""


@dataclass(frozen=True)
class Article:
    """One article: its notebook and what it declares."""

    name: str
    notebook: Path
    title: str
    summary: str = ""
    sources: tuple[str, ...] | None = None
    requires: tuple[str, ...] = ()
    headline: tuple[str, ...] = ()
    questions: Mapping[str, str] = field(default_factory=dict)
    trend_figures: tuple[str, ...] = ()
    trend_charts: tuple[Mapping[str, Any], ...] = ()
    claims: Path | None = None
    cites: str = ""
    spec_file: Path | None = None
    parameters: Mapping[str, Any] = field(default_factory=dict)  # an edition's own parameters
    edition_specs: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)

    def editions(self) -> list[Article]:
        """The article's editions (the same notebook for another population), as articles."""
        out = []
        for key, spec in self.edition_specs.items():
            sources = spec.get("sources")
            out.append(replace(
                self, name=f"{self.name}.{key}",
                title=f"{self.title}: {spec.get('title') or key}",
                sources=tuple(sources) if sources is not None else self.sources,
                parameters=dict(spec.get("parameters") or {}), edition_specs={}))
        return out

    def renders_for(self, source: str) -> bool:
        """Whether the article is rendered for ``source``: named in ``sources``, or (without
        ``sources``) some wave of the source maps every variable the article ``requires``."""
        if self.sources is not None:
            return source in self.sources
        return not self.requires or set(self.requires) <= source_variables(source)

    def question_of(self, result_id: str) -> str | None:
        """The variable a figure depends on (longest matching id prefix)."""
        matches = [p for p in self.questions if result_id.startswith(p)]
        return self.questions[max(matches, key=len)] if matches else None

    def files(self) -> list[Path]:
        """Files the article's pages depend on (hashed into their fingerprints)."""
        return [p for p in (self.notebook, self.spec_file, self.claims) if p is not None]

    def to_record(self) -> dict[str, Any]:
        return {"name": self.name, "title": self.title, "summary": self.summary,
                "headline": list(self.headline), "cites": self.cites}


def _strings(value: Any, where: str, key: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str) or not isinstance(value, Iterable) \
            or not all(isinstance(v, str) for v in value):
        raise ArticleError(f"{where}: {key}: expected a list of strings, got {value!r}")
    return tuple(value)


def load_article(notebook: str | Path) -> Article:
    """The article of ``notebook``, from its ``.yaml`` beside it (defaults when there is none)."""
    import yaml

    notebook = Path(notebook)
    if notebook.suffix != ".ipynb":
        raise ArticleError(f"{notebook}: an article is a .ipynb notebook")
    if not notebook.is_file():
        raise ArticleError(f"{notebook}: no such notebook")
    spec_file = notebook.with_suffix(".yaml")
    spec: dict[str, Any] = {}
    if spec_file.is_file():
        try:
            spec = yaml.safe_load(spec_file.read_text(encoding="utf-8")) or {}
        except yaml.YAMLError as error:
            raise ArticleError(f"{spec_file}: not valid YAML: {error}") from None
        if not isinstance(spec, dict):
            raise ArticleError(f"{spec_file}: expected a mapping of article settings")
        unknown = sorted(set(spec) - KNOWN_KEYS)
        if unknown:
            raise ArticleError(f"{spec_file}: unknown key {unknown[0]!r}; expected one of "
                               f"{', '.join(sorted(KNOWN_KEYS))}")
    where = str(spec_file)
    trends = spec.get("trends") or {}
    if not isinstance(trends, dict):
        raise ArticleError(f"{where}: trends: expected a mapping with figures and charts")
    questions = spec.get("questions") or {}
    if not isinstance(questions, dict):
        raise ArticleError(f"{where}: questions: expected a mapping of id prefix to variable")
    claims = spec.get("claims")
    claims_path = (spec_file.parent / claims) if claims else None
    if claims_path is not None and not claims_path.is_file():
        raise ArticleError(f"{where}: claims: no file {claims_path}")
    headline = _strings(spec.get("headline"), where, "headline")
    charts = tuple(trends.get("charts") or ())
    for chart in charts:
        if not isinstance(chart, dict) or "ids" not in chart:
            raise ArticleError(f"{where}: trends: charts: each chart needs ids (and a title)")
        _strings(chart["ids"], where, "trends: charts: ids")
    sources = spec.get("sources")
    editions = spec.get("editions") or {}
    if not isinstance(editions, dict):
        raise ArticleError(f"{where}: editions: expected a mapping of edition name to settings")
    for key, edition in editions.items():
        if not isinstance(edition, dict) or set(edition) - EDITION_KEYS:
            raise ArticleError(f"{where}: editions: {key}: expected keys "
                               f"{', '.join(sorted(EDITION_KEYS))}")
        if not isinstance(edition.get("parameters") or {}, dict):
            raise ArticleError(f"{where}: editions: {key}: parameters: expected a mapping")
        _strings(edition.get("sources"), where, f"editions: {key}: sources")
    return Article(
        name=notebook.stem, notebook=notebook.resolve(),
        title=str(spec.get("title") or notebook.stem.replace("_", " ").capitalize()),
        summary=str(spec.get("summary") or ""),
        sources=None if sources is None else _strings(sources, where, "sources"),
        requires=_strings(spec.get("requires"), where, "requires"),
        headline=headline, questions={str(k): str(v) for k, v in questions.items()},
        trend_figures=_strings(trends.get("figures"), where, "trends: figures") or headline,
        trend_charts=charts, claims=claims_path.resolve() if claims_path else None,
        cites=str(spec.get("cites") or ""), spec_file=spec_file.resolve() if spec else None,
        edition_specs={str(k): dict(v) for k, v in editions.items()},
    )


def source_variables(source: str) -> set[str]:
    """The variables some wave of ``source`` maps (its codebooks' ``variables:``; YAML only)."""
    from survey_analysis.render import fingerprint as fp
    from survey_analysis.yaml_files import load_yaml_file

    found: set[str] = set()
    for wave in fp.source_waves(source):
        try:
            for path in fp.codebook_chain(source, wave):
                data = load_yaml_file(path)
                if isinstance(data, dict):
                    found |= set(data.get("variables") or {})
        except ValueError:  # a broken codebook is reported where it is read, not here
            continue
    return found


def notebook_dirs(extra: Iterable[Path] = ()) -> list[Path]:
    """Where articles are found: given folders, the active project's ``notebooks/``, then the
    built-in ones (an article of the same name found earlier wins)."""
    from survey_analysis.project import active_project

    dirs = [Path(d) for d in extra]
    project = active_project()
    if project is not None and project.notebooks_dir.is_dir():
        dirs.append(project.notebooks_dir)
    return [*dirs, BUILTIN_NOTEBOOKS]


def list_articles(dirs: Iterable[Path] | None = None) -> dict[str, Article]:
    """Every article by name (a project's article of the same name wins)."""
    found: dict[str, Article] = {}
    for folder in dirs if dirs is not None else notebook_dirs():
        for notebook in sorted(Path(folder).glob("*.ipynb")):
            if notebook.stem in NOT_ARTICLES or notebook.stem.startswith("_") \
                    or notebook.stem in found:
                continue
            article = load_article(notebook)
            found[article.name] = article
            for edition in article.editions():
                found[edition.name] = edition
    return found


def get_article(name: str, dirs: Iterable[Path] | None = None) -> Article:
    articles = list_articles(dirs)
    if name not in articles:
        raise ArticleError(f"unknown article {name!r}; articles: {', '.join(articles) or 'none'}")
    return articles[name]
