"""The site around the articles: the index page linking every source, wave and trends page."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

import jinja2

from survey_analysis.formatting import format_interval
from survey_analysis.render.batch import (
    RenderOutcome,
    git_commit,
    package_version,
    plan_jobs,
    render,
    write_atomic,
)
from survey_analysis.render.html import templates_dir
from survey_analysis.sources import get_source, list_sources, wave_sort_key

HEADLINE_IDS = ("share.either", "share.tensorflow", "share.pytorch", "ratio.tensorflow_to_pytorch")


def _read(path: Path) -> dict[str, Any] | None:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _wave_entry(folder: Path, results_file: Path) -> dict[str, Any]:
    stem = results_file.name.removesuffix(".results.json")
    results = _read(results_file) or {}
    by_id = {r["id"]: r for r in results.get("results", [])}
    headline = []
    for result_id in HEADLINE_IDS:
        record = by_id.get(result_id)
        if record is not None:
            headline.append({"label": record["label"], "text": format_interval(record)})
    inputs = _read(folder / f"{stem}.inputs.json") or {}
    changes = _read(folder / f"{stem}.changes.json") or []
    return {
        "wave": stem,
        "href": f"{folder.name}/{stem}.html",
        "title": results.get("title", stem),
        "population": results.get("population_label", ""),
        "base": by_id.get("share.either", {}).get("n"),
        "headline": headline,
        "inputs": {k: v[:12] for k, v in inputs.get("input_files", {}).items()},
        "failed": (folder / f"{stem}.failed.ipynb").exists(),
        "changes": changes,
    }


def collect_site(reports_dir: Path) -> list[dict[str, Any]]:
    """Every rendered source and wave under ``reports_dir``, for the index."""
    sources = []
    for name in list_sources():
        folder = reports_dir / name
        if not folder.is_dir():
            continue
        waves = sorted(
            (p for p in folder.glob("*.results.json") if not p.name.startswith("trends")),
            key=lambda p: wave_sort_key(p.name.removesuffix(".results.json")),
        )
        if not waves:
            continue
        source = get_source(name)
        sources.append({
            "name": name,
            "title": source.title,
            "licence": source.licence,
            "synthetic": source.synthetic,
            "trends": f"{name}/trends.html" if (folder / "trends.html").exists() else None,
            "waves": [_wave_entry(folder, p) for p in waves],
        })
    return sources


def write_index(reports_dir: Path, context: Mapping[str, Any] | None = None) -> Path:
    """Write ``reports_dir/index.html`` from the results files found there."""
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates_dir() / "site")),
        autoescape=True, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
    )
    css = (templates_dir() / "article" / "article.css").read_text(encoding="utf-8")
    html = environment.get_template("index.html.j2").render(
        sources=collect_site(reports_dir), css=css, package_version=package_version(),
        **dict(context or {}),
    )
    path = reports_dir / "index.html"
    write_atomic(path, html)
    return path


def build_site(
    source: str = "demo",
    waves: Iterable[str] | None = None,
    reports_dir: Path = Path("reports"),
    parameters: Mapping[str, Any] | None = None,
    data_dir: str | None = None,
    force: bool = False,
    jobs: int = 1,
    scheduler: str | None = None,
    on_progress: Callable[[RenderOutcome, int, int], None] | None = None,
) -> list[RenderOutcome]:
    """Render a source's waves, then rewrite the index; failures are returned, not raised."""
    planned = plan_jobs(source, waves, Path(reports_dir), parameters, data_dir, force)
    if scheduler:
        from distributed import Client

        with Client(scheduler) as client:
            outcomes = render(planned, executor=client, on_progress=on_progress)
    else:
        outcomes = render(planned, jobs_in_parallel=jobs, on_progress=on_progress)
    write_index(Path(reports_dir), {"git_commit": git_commit()})
    return outcomes
