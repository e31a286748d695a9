"""Publishing an executed notebook as a reader's HTML page (no code, no CDN, images embedded)."""

from __future__ import annotations

import copy
import html
import re
import threading
from collections.abc import Mapping
from functools import cache
from typing import Any

import nbformat
from nbconvert import HTMLExporter
from nbconvert.preprocessors import Preprocessor, TagRemovePreprocessor

from survey_analysis.escaping import CONTENT_SECURITY_POLICY, safe_href, sanitize_fragment
from survey_analysis.render.fingerprint import templates_dir
from survey_analysis.results import RESULTS_MIMETYPE

TEMPLATE_NAME = "article"
REMOVED_CELL_TAGS = {"remove-cell", "parameters", "injected-parameters"}


class ReaderOutputs(Preprocessor):
    """Keep only what a reader should see: drop stderr, warnings, results data and empty cells."""

    def preprocess(self, nb, resources):
        cells = []
        for cell in nb.cells:
            if cell.cell_type == "code":
                cell.outputs = [o for o in cell.outputs if _for_readers(o)]
                if not cell.outputs:
                    continue
            cells.append(cell)
        nb.cells = cells
        return nb, resources


def _for_readers(output: Mapping[str, Any]) -> bool:
    if output.get("output_type") == "stream" and output.get("name") == "stderr":
        return False
    if output.get("output_type") == "error":
        return False
    data = output.get("data", {})
    return not (data and set(data) <= {RESULTS_MIMETYPE})


def extract_results(nb: nbformat.NotebookNode) -> dict[str, Any] | None:
    """The results a notebook published with ``ResultSet.publish()`` (the last such output)."""
    found = None
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if RESULTS_MIMETYPE in data:
                found = data[RESULTS_MIMETYPE]
    return copy.deepcopy(dict(found)) if found is not None else None


_HEADING = re.compile(r"<h2 id=\"([^\"]+)\">(.*?)(?:<a class=\"anchor-link\".*?</a>)?</h2>", re.S)


def table_of_contents(page: str) -> list[tuple[str, str]]:
    """(anchor, title) of every level-2 heading in the page, in order."""
    # The contents list escapes the titles again, so entities are decoded here (once, not twice).
    return [(html.unescape(anchor), html.unescape(re.sub(r"<[^>]+>", "", title)).strip())
            for anchor, title in _HEADING.findall(page)]


# A contents entry the first pass renders in place of the real list (see export_html).
_TOC_MARK = "survey-analysis-contents-placeholder"
_EXPORT_LOCK = threading.RLock()
_PREPARED = threading.Event()


@cache
def _exporter() -> HTMLExporter:
    """One exporter per process: its compiled templates are reused by every page."""
    exporter = HTMLExporter(
        template_name=TEMPLATE_NAME,
        extra_template_basedirs=[str(templates_dir())],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        filters={"sanitize_fragment": sanitize_fragment, "safe_href": safe_href},
    )
    exporter.register_preprocessor(
        TagRemovePreprocessor(remove_cell_tags=REMOVED_CELL_TAGS), enabled=True
    )
    exporter.register_preprocessor(ReaderOutputs(), enabled=True)
    return exporter


def prepare_exporter(page: Mapping[str, Any]) -> None:
    """Build the exporter and compile its templates now, by converting an empty notebook with
    ``page`` (about 0.3 s of CPU, once per process; later calls return at once): e.g. while a
    page's kernel is still starting, rather than after its last cell."""
    with _EXPORT_LOCK:
        if not _PREPARED.is_set():
            export_html(nbformat.v4.new_notebook(), "", page)
            _PREPARED.set()


def export_html(nb: nbformat.NotebookNode, title: str, page: Mapping[str, Any]) -> str:
    """Render an executed notebook as a self-contained article page.

    ``page`` holds what the template shows around the notebook: provenance, links, captions. The
    template escapes every value of ``page``, sanitizes every HTML and Markdown output, and gives
    the page a Content-Security-Policy that allows no script and no network. The contents list
    comes from the rendered headings, so the page is rendered with a placeholder entry that is
    then replaced by the (escaped) list: one conversion, not two.
    """
    page = {**page, "content_security_policy": CONTENT_SECURITY_POLICY}
    # nbconvert copies the notebook before preprocessing: only the metadata needs a copy here.
    nb = nbformat.from_dict({**nb, "metadata": {**nb.metadata, "title": title}})
    with _EXPORT_LOCK:  # one exporter, shared by the pages' threads
        exporter = _exporter()
        body, _ = exporter.from_notebook_node(
            nb, resources={"page": dict(page), "toc": [(_TOC_MARK, _TOC_MARK)]})
        placeholder = f'<li><a href="#{_TOC_MARK}">{_TOC_MARK}</a></li>'
        toc = table_of_contents(body.replace(placeholder, ""))
        if body.count(placeholder) != 1 or not toc:  # no headings (or no contents list)
            body, _ = exporter.from_notebook_node(nb, resources={"page": dict(page), "toc": toc})
            return body
    items = "".join(f'<li><a href="#{html.escape(anchor)}">{html.escape(text)}</a></li>'
                    for anchor, text in toc)
    return body.replace(placeholder, items)
