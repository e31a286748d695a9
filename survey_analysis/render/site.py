"""The site: render articles' wave pages and trends pages, then the index linking every page."""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import logging
import re
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from survey_analysis.escaping import CONTENT_SECURITY_POLICY
from survey_analysis.render import fingerprint as fp
from survey_analysis.render import pageset
from survey_analysis.render.batch import render
from survey_analysis.render.jobs import (
    DEFAULT_REPORTS_DIR,
    RenderOutcome,
    plan_jobs,
    plan_trends_job,
    wave_results_files,
)
from survey_analysis.render.kernels import KernelPool
from survey_analysis.render.progress import Progress

logger = logging.getLogger(__name__)
SCHEDULER_TIMEOUT_SECONDS = 10
LOCK_GRACE_SECONDS = 2.0
INDEX_DIGEST = re.compile(r'<meta name="survey-index-inputs" content="([0-9a-f]+)">')


class BuildLocked(RuntimeError):
    """Another build is publishing into the same reports folder."""


@contextlib.contextmanager
def build_lock(reports_dir: Path) -> Iterator[None]:
    """Hold ``reports_dir/.render.lock`` for the build; then remove temporary files that a killed
    build left behind (only a build holding the lock writes into the folder)."""
    reports_dir.mkdir(parents=True, exist_ok=True)
    with (reports_dir / ".render.lock").open("a") as handle:
        # A build that was just killed holds the lock until its process has exited: a moment's
        # grace, then refuse.
        deadline = time.monotonic() + LOCK_GRACE_SECONDS
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise BuildLocked(f"another survey-report render is publishing into "
                                      f"{reports_dir}; wait for it to finish") from None
                time.sleep(0.1)
        # A build killed while switching a page's files: finish that switch first.
        pageset.recover(reports_dir)
        for stale in reports_dir.glob("**/.*.tmp"):
            stale.unlink(missing_ok=True)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def build_site(
    source: str = "demo",
    waves: Iterable[str] | None = None,
    reports_dir: Path = DEFAULT_REPORTS_DIR,
    parameters: Mapping[str, Any] | None = None,
    data_dir: str | None = None,
    force: bool = False,
    jobs: int = 1,
    scheduler: str | None = None,
    executor: Any | None = None,
    on_progress: Callable[[Progress], None] | None = None,
    trends: bool = True,
    articles: Iterable[str] | None = None,
    notebook: str | Path | None = None,
) -> list[RenderOutcome]:
    """Render articles' waves of a source, then their trends pages, then the index.

    ``articles`` names articles (default: every article rendered for ``source``); ``notebook``
    renders one notebook kept anywhere instead (an analyst's draft). Failures are returned, not
    raised. ``scheduler`` runs the pages on a Dask cluster at that address; ``executor`` takes
    any ``concurrent.futures``-style executor instead.
    """
    from survey_analysis.articles import get_article, list_articles, load_article

    reports_dir = Path(reports_dir)
    fp.source_spec(source)  # an unknown source is named before anything else
    if notebook is not None:
        chosen_articles = [load_article(notebook)]
    elif articles:
        chosen_articles = [get_article(name) for name in articles]
    else:
        chosen_articles = [a for a in list_articles().values() if a.renders_for(source)]
    if not chosen_articles:
        raise ValueError(f"no article is rendered for source {source!r}")
    planned, trend_jobs = [], []
    chosen = set(waves) if waves else set(fp.source_waves(source))
    for article in chosen_articles:
        # A trends page needs two waves: those published already plus those about to be.
        folder = reports_dir / source / article.name
        published = {p.name.removesuffix(".results.json")
                     for p in folder.glob("*.results.json")} - {"trends"}
        with_trends = trends and len(published | chosen) >= 2
        planned += plan_jobs(source, waves, reports_dir, parameters, data_dir, force,
                             notebook=article.notebook, trends=with_trends,
                             draft=notebook is not None, article=article)
        if with_trends:
            trend_jobs.append(plan_trends_job(source, reports_dir, force, article=article,
                                              draft=notebook is not None))
    progress = Progress(total=len(planned) + len(trend_jobs))
    with (build_lock(reports_dir), _executor(scheduler, executor) as pool,
          KernelPool(jobs) if jobs >= 2 else contextlib.nullcontext() as kernels):
        # The trends pages' kernels start while the last wave pages run (when jobs >= 2).
        outcomes = render(planned, pool, jobs, on_progress, progress=progress, kernels=kernels,
                          upcoming=trend_jobs)
        if trend_jobs:
            outcomes += render(trend_jobs, pool, jobs, on_progress, progress=progress,
                               kernels=kernels)
        write_index(reports_dir)
        if any(o.status == "rendered" for o in outcomes):  # lets the next no-op skip re-checking
            from survey_analysis.check import record_config_passed

            record_config_passed(reports_dir, source)
    return outcomes


@contextlib.contextmanager
def _executor(scheduler: str | None, executor: Any | None) -> Iterator[Any | None]:
    if not scheduler:
        yield executor
        return
    from distributed import Client

    try:
        client = Client(scheduler, timeout=SCHEDULER_TIMEOUT_SECONDS)
    except (OSError, TimeoutError, ValueError, TypeError) as error:
        raise ValueError(f"cannot reach the Dask scheduler at {scheduler} within "
                         f"{SCHEDULER_TIMEOUT_SECONDS} s ({type(error).__name__}: {error})"
                         ) from None
    with client:
        yield client


def _read(path: Path) -> Any:
    return fp.read_json(path)


def _rendered(record: Any) -> dict[str, Any]:
    return dict(record.get("rendered") or {}) if isinstance(record, dict) else {}


def _change_text(change: Mapping[str, Any]) -> str:
    from survey_analysis.formatting import format_value

    kind, unit = change.get("kind") or "", change.get("unit") or ""
    text = (f"{change.get('label')}: {format_value(change.get('old'), kind, unit)} → "
            f"{format_value(change.get('new'), kind, unit)}")
    if change.get("significance_flipped"):
        verdict = {True: "significant", False: "no clear difference", None: "none"}
        text += (f" (verdict flipped: {verdict[change.get('old_significant')]} → "
                 f"{verdict[change.get('new_significant')]})")
    return text


def _page_entry(folder: Path, stem: str) -> dict[str, Any]:
    from survey_analysis.formatting import format_interval

    results = _read(folder / f"{stem}.results.json") or {}
    by_id = {r["id"]: r for r in results.get("results", [])}
    record = _read(folder / f"{stem}.inputs.json")
    finger = record.get("fingerprint", {}) if isinstance(record, dict) else {}
    changes = _read(folder / f"{stem}.changes.json") or {}
    headline = list((finger.get("page") or {}).get("headline") or results.get("headline") or [])
    first = next((by_id[i] for i in headline if i in by_id and by_id[i].get("n")), {})
    return {
        "wave": stem,
        "href": f"{folder.parent.name}/{folder.name}/{stem}.html",
        "title": results.get("title", stem),
        "population": results.get("population_label", ""),
        "base_label": results.get("base_label", ""),
        # The first headline figure with a base (e.g. 2017 Kaggle asked about TensorFlow only).
        "base": first.get("n"),
        "headline": [{"label": by_id[i]["label"], "text": format_interval(by_id[i])}
                     for i in headline if i in by_id],
        # The checksum a reader can verify: of the file as published (uncompressed), as on the page.
        "inputs": ({f["name"]: f["sha256"][:12] for f in results["input_files"]}
                   if results.get("input_files")
                   else {k: v[:12] for k, v in sorted(finger.get("input_files", {}).items())}),
        "rendered": _rendered(record),
        "failed": (folder / f"{stem}.failed.ipynb").exists(),
        "changes": [_change_text(c) for c in changes.get("changes", [])],
        "changed_by": changes.get("current", {}),
    }


def collect_site(reports_dir: Path) -> list[dict[str, Any]]:
    """Every rendered source, article, wave and trends page under ``reports_dir``, for the index:
    real sources first, synthetic ones after."""
    from survey_analysis.articles import list_articles
    from survey_analysis.sources import get_source, list_sources, wave_sort_key

    known = list_articles()
    sources = []
    for name in list_sources():
        source_dir = reports_dir / name
        if not source_dir.is_dir():
            continue
        source = get_source(name)
        articles = []
        for folder in sorted(p for p in source_dir.iterdir() if p.is_dir()):
            stems = sorted((p.name.removesuffix(".results.json")
                            for p in wave_results_files(folder)), key=wave_sort_key)
            if not stems:
                continue
            spec = known.get(folder.name)
            trends = (_page_entry(folder, "trends") if (folder / "trends.html").exists()
                      else None)
            waves = [_page_entry(folder, stem) for stem in stems]
            articles.append({
                "name": folder.name,
                "title": spec.title if spec else waves[-1]["title"],
                "summary": spec.summary if spec else "",
                "trends": trends, "waves": waves,
            })
        if not articles:
            continue
        sources.append({
            "name": name, "title": source.title, "licence": source.licence,
            "comparability": str(source.extra.get("comparability_note", "")).strip(),
            "synthetic": source.synthetic, "articles": articles,
        })
    return sorted(sources, key=lambda s: s["synthetic"])


def index_inputs_digest(reports_dir: Path) -> str:
    """A digest of everything the index shows, so an unchanged site keeps its index untouched."""
    digest = hashlib.sha256(fp.package_digest().encode())
    for path in sorted(reports_dir.glob("*/*/*")):
        name = path.name
        if name.endswith((".results.json", ".inputs.json", ".changes.json")):
            record = _read(path)
            if isinstance(record, dict):
                record.pop("files", None)  # refreshed file metadata does not change the index
                record.pop("published", None)  # nor do the published files' times
            digest.update(f"{path.relative_to(reports_dir)}\0".encode())
            digest.update(repr(record).encode())
        elif name.endswith((".failed.ipynb", ".html")):
            digest.update(f"{path.relative_to(reports_dir)}\0".encode())
    return digest.hexdigest()


def write_index(reports_dir: Path, force: bool = False) -> Path:
    """Write ``reports_dir/index.html`` from the files published there (unless unchanged)."""
    reports_dir = Path(reports_dir)
    path = reports_dir / "index.html"
    digest = index_inputs_digest(reports_dir)
    if not force and path.exists():
        found = INDEX_DIGEST.search(path.read_text(encoding="utf-8"))
        if found and found.group(1) == digest:
            return path
    import jinja2

    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(fp.templates_dir() / "site")),
        autoescape=True, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
    )
    css = (fp.templates_dir() / "article" / "article.css").read_text(encoding="utf-8")
    html = environment.get_template("index.html.j2").render(
        sources=collect_site(reports_dir), css=css, package_version=fp.package_version(),
        inputs_digest=digest, content_security_policy=CONTENT_SECURITY_POLICY,
    )
    fp.write_atomic(path, html)
    return path
