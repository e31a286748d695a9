"""Hostile text from codebooks, config, parameters and the command line never runs on a page:
escaped where printed, sanitized where it is Markdown or HTML, and blocked by the page's
Content-Security-Policy in any case. Checked in the HTML and in headless Chromium."""

from __future__ import annotations

import json
import re
import shlex
import shutil
from dataclasses import replace
from pathlib import Path

import nbformat
import pytest
from bs4 import BeautifulSoup
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from survey_analysis import plots, tables
from survey_analysis.escaping import (
    CONTENT_SECURITY_POLICY,
    escape_markdown_text,
    html_escape,
    sanitize_fragment,
)
from survey_analysis.render.html import export_html
from survey_analysis.render.jobs import RenderJob
from survey_analysis.render.site import write_index
from tests.conftest import REPO_ROOT, demo_wave
from tests.framework import framework
from tests.robustness.conftest import DEMO_DATA

ARTICLE = Path("demo") / "framework_battle"  # one article's pages


def payload(field: str) -> str:
    """Breaks out of an attribute and of text, in three ways, each marking ``field`` if run."""
    return (f'{field}"\'><img src=x onerror="window.__pwned=\'{field}\'">'
            f"<script>window.__pwned='{field}'</script>"
            f"<svg onload=\"window.__pwned='{field}'\"></svg>")


def live_markup(html: str) -> list[str]:
    """Everything in a page that could run or fetch: script, handlers, javascript: links,
    frames, objects, forms, refreshes, images from anywhere but data:."""
    soup = BeautifulSoup(html, "html.parser")
    found = [f"<{t.name}>" for t in soup.find_all(["script", "iframe", "object", "embed", "form",
                                                      "base", "svg", "math", "link"])]
    for tag in soup.find_all(True):
        for name, value in tag.attrs.items():
            text = " ".join(value) if isinstance(value, list) else str(value)
            if name.lower().startswith("on"):
                found.append(f"<{tag.name} {name}=>")
            if name in ("href", "src", "action", "formaction", "srcdoc") and re.match(
                    r"\s*(javascript|vbscript|data:text)", text, re.I):
                found.append(f"<{tag.name} {name}={text[:30]}>")
            if tag.name == "img" and name == "src" and not text.startswith("data:image/"):
                found.append(f"<img src={text[:30]}>")
        if tag.name == "meta" and str(tag.get("http-equiv", "")).lower() == "refresh":
            found.append("<meta refresh>")
    return found


# ---------------------------------------------------------------- escaping helpers, unit cases

@pytest.mark.parametrize(("text", "expected"), [
    ("<script>alert(1)</script>", "&lt;script&gt;alert\\(1\\)&lt;/script&gt;"),
    ("[click](javascript:alert(1))", "\\[click\\]\\(javascript\\:alert\\(1\\)\\)"),
    ("# heading\n- item", "\\# heading \\- item"),
    ("**bold** _it_ `code`", "\\*\\*bold\\*\\* \\_it\\_ \\`code\\`"),
    ('a "quoted" & \'single\'', "a &quot;quoted&quot; &amp; &#x27;single&#x27;"),
    ("TensorFlow 2.0", "TensorFlow 2\\.0"),
])
def test_escape_markdown_text_shows_the_text_as_typed(text, expected):
    escaped = escape_markdown_text(text)
    assert escaped == expected
    from nbconvert.filters.markdown import markdown2html

    rendered = markdown2html(escaped)
    assert BeautifulSoup(rendered, "html.parser").get_text().strip() == " ".join(text.split())
    assert live_markup(rendered) == []


def test_html_escape_covers_text_and_quoted_attributes():
    assert html_escape('"><b a=\'x\'>&') == "&quot;&gt;&lt;b a=&#x27;x&#x27;&gt;&amp;"
    assert html_escape(None) == ""


@pytest.mark.parametrize("fragment", [
    '<img src=x onerror=alert(1)>', "<script>alert(1)</script>",
    '<a href="javascript:alert(1)">x</a>',
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>', '<svg onload=alert(1)></svg>',
    '<meta http-equiv="refresh" content="0;url=https://example.org">',
    '<form action="https://example.org"><button>go</button></form>',
    '<a href="data:text/html,<script>alert(1)</script>">x</a>', '<img src="https://example.org/t.png">',
    '<style>body{background:url(https://example.org/t)}</style>', '<object data="x.swf"></object>',
    '<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>',  # mutation XSS
    '<div style="background:url(https://example.org/t)">x</div>',
], ids=lambda f: re.sub(r"\W+", "-", f)[:40])
def test_sanitize_fragment_leaves_nothing_live(fragment):
    cleaned = sanitize_fragment(fragment)
    assert live_markup(cleaned) == [], cleaned
    assert "style" not in cleaned.lower() or "&lt;style" in cleaned.lower()


def test_sanitize_fragment_keeps_the_pages_own_markup():
    chart = ('<figure class="chart"><img src="data:image/png;base64,iVBORw0KGgo=" alt="a &amp; b">'
             "<figcaption>Base: n = 30</figcaption></figure>")
    table = ('<table class="figures"><caption>c</caption><thead><tr><th>x</th></tr></thead>'
             '<tbody><tr><td colspan="2">1</td></tr></tbody></table>')
    link = '<a href="#methods">Methods</a> <a href="trends.html">Trends</a>'
    for fragment in (chart, table, link):
        assert sanitize_fragment(fragment) == fragment


# ------------------------------------------------ pages built from hostile config, in-process

# Every field is escaped where it is printed, in Markdown as in HTML.
MARKDOWN_ONLY: set[str] = set()
FIELDS = ["codebook-title", "question", "note", "notes", "profile-label", "caveat",
          "population-label", "licence", "source-title", "base-label"]


def hostile_wave():
    """The demo wave with a payload in every text a codebook or sources.yaml gives a page."""
    wave = demo_wave("2018-h2")
    source = wave.source
    profiles = {pid: {**spec, "label": spec["label"] + payload("profile-label"),
                      "caveat": payload("caveat")}
                for pid, spec in source.extra.get("profiles", {}).items()}
    source = replace(source, title=payload("source-title"), licence=payload("licence"),
                     populations={k: {**v, "label": payload("population-label")}
                                  for k, v in source.populations.items()},
                     extra={**source.extra, "profiles": profiles})
    questions = {
        name: replace(q, question=payload("question"), note=payload("note"),
                      spec={**q.spec, "base_label": payload("base-label")}
                      if name == "frameworks" else q.spec)
        for name, q in wave.codebook.questions.items()}
    codebook = replace(wave.codebook, title=payload("codebook-title"),
                       notes=(payload("notes"),), questions=questions)
    return replace(wave, source=source, codebook=codebook,
                   population_label=payload("population-label"))


def article_notebook(survey) -> nbformat.NotebookNode:
    """The framework article's outputs, made by the same public calls its cells make."""
    from survey_analysis import methods, render_prose

    def md(text):
        return new_output("display_data", data={"text/markdown": text})

    def html(text):
        return new_output("display_data", data={"text/html": text})

    a = framework(survey)
    split, profiles, robust = a.split_, a.profiles_, a.robust_
    prose = render_prose(
        "Of the {{ a.n | count }} {{ data.population_label }} who {{ a.base_label }}, "
        "{{ split.either | value_ci }} use TensorFlow or PyTorch; {{ times(split.ratio, "
        "'TensorFlow', 'PyTorch') }}.\n{% for c in profiles %}\n- *{{ c.measure.label }}*: "
        "{{ compare(c.difference, 'TensorFlow users', 'PyTorch users') }}{% endfor %}",
        {"a": a, "data": survey, "split": split, "profiles": profiles})
    outputs = [md(prose),
               html(plots.shares_chart(split.results()[:6], title="Who uses which",
                                       base_text=f"n = {a.n:,} who {a.base_label}")
                    ._repr_html_()),
               md(methods.question_note(a)), md(methods.publisher_figures(a))]
    overlap = plots.overlap_chart(split, base_text=a.base_label)
    if overlap is not None:
        outputs.append(html(overlap._repr_html_()))
    forest = plots.forest_plot([profiles, robust])
    outputs += [html(tables.to_html(tables.comparison_table(profiles), caption="profiles")),
                html(forest._repr_html_()),
                html(tables.to_html(tables.claims_table(a.checks), caption="claims")),
                html(tables.to_html(tables.figures_table(split.results()), caption="figures")),
                md(methods.methods_text(a)), md(methods.caveats_text(a.measures.values())),
                html(tables.to_html(tables.measures_table(survey, a.measures.values()),
                                    caption="measures")),
                html(tables.to_html(tables.cleaning_table(survey), caption="cleaning")),
                md(methods.attribution(a))]
    nb = new_notebook()
    nb.cells = [new_markdown_cell("## The headline"), new_code_cell("", outputs=outputs)]
    return nb


def hostile_context(data_dir: str) -> dict:
    job = RenderJob("demo", "2018-h2", REPO_ROOT / "notebooks" / "framework_battle.ipynb",
                    {}, REPO_ROOT / "reports", data_dir=data_dir,
                    overrides=(("share_method", payload("set-value")),))
    return {
        "source": "demo", "source_title": payload("source-title"), "wave": "2018-h2",
        "licence": payload("licence"), "synthetic": True,
        "parameters": {"population": payload("parameter")}, "package_version": "0",
        "package_digest": "0", "git_commit": "0", "git_date": payload("git-date"),
        "command": job.command(), "index_href": "../index.html",
        "input_files": [{"name": payload("input-file"), "sha256": "0" * 64, "verified": None}],
        "codebooks": [(payload("codebook-file"), "0" * 64)],
        "links": [{"href": "javascript:window.__pwned='link-href'", "text": payload("link")}],
    }


@pytest.fixture(scope="module")
def hostile_pages(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("hostile-pages")
    survey = hostile_wave()
    nb = article_notebook(survey)
    title = f"TensorFlow vs PyTorch: {survey.title}"  # as the notebook does: it holds the
    page = export_html(nb, title, {**hostile_context(payload("data-dir")), "title": title})
    (folder / "article.html").write_text(page, encoding="utf-8")
    raw = new_notebook()
    raw.cells = [new_code_cell("", outputs=[
        new_output("display_data", data={"text/markdown": payload("markdown-output")
                                         + " [x](javascript:window.__pwned='md-link')"}),
        new_output("display_data", data={"text/html": payload("html-output")
                                         + "<iframe srcdoc=\"<script>parent.__pwned='frame'"
                                           "</script>\"></iframe>"}),
    ])]
    (folder / "outputs.html").write_text(
        export_html(raw, "outputs", {**hostile_context("d"), "title": "outputs"}),
        encoding="utf-8")
    return {"article": folder / "article.html", "outputs": folder / "outputs.html"}


@pytest.mark.parametrize("field", [*FIELDS, "data-dir", "set-value", "parameter",
                                   "git-date", "input-file", "codebook-file", "link"])
def test_every_hostile_field_shows_as_text_on_the_article(hostile_pages, field):
    html = hostile_pages["article"].read_text(encoding="utf-8")
    assert live_markup(html) == []
    text = BeautifulSoup(html, "html.parser").get_text()
    if field == "data-dir":  # in the Re-render command, quoted for the shell
        assert shlex.quote(payload(field)) in text, field
    elif field == "set-value":
        assert shlex.quote(f"share_method={payload(field)}") in text, field
    elif field in MARKDOWN_ONLY:  # sanitized: its words stay, its markup is gone
        assert field in text and "window.__pwned" in text, field
    else:  # escaped: shown exactly as typed
        assert payload(field) in text, field


def test_hostile_notebook_outputs_are_sanitized(hostile_pages):
    html = hostile_pages["outputs"].read_text(encoding="utf-8")
    assert live_markup(html) == []
    assert "javascript:" not in html.split("<body", 1)[1].split("Re-render", 1)[0]


def test_every_page_carries_the_content_security_policy(hostile_pages, good_site):
    pages = [*hostile_pages.values(), good_site / "index.html", *sorted(
        (good_site / "demo" / "framework_battle").glob("*.html"))]
    for path in pages:
        head = path.read_text(encoding="utf-8").split("<body", 1)[0]
        meta = BeautifulSoup(head, "html.parser").find(
            "meta", attrs={"http-equiv": "Content-Security-Policy"})
        assert meta is not None and meta["content"] == CONTENT_SECURITY_POLICY, path
        assert "<script" not in head and "<link" not in head, path


def test_hostile_results_do_not_reach_the_index_as_markup(site):
    results_file = site / ARTICLE / "2018-h1.results.json"
    results = json.loads(results_file.read_text())
    results.update(title=payload("index-title"), population_label=payload("index-population"),
                   base_label=payload("index-base"))
    results["results"][0]["label"] = payload("index-label")
    results_file.write_text(json.dumps(results))
    html = write_index(site, force=True).read_text(encoding="utf-8")
    assert live_markup(html) == []
    for field in ("index-title", "index-population", "index-base", "index-label"):
        assert f"{field}\"'><img" in BeautifulSoup(html, "html.parser").get_text(), field


def _payload_ran(browser, path: Path, bypass_csp: bool) -> tuple[list[str], list[str]]:
    context = browser.new_context(bypass_csp=bypass_csp)
    page = context.new_page()
    dialogs, errors = [], []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.route("**/*", lambda r: r.continue_() if r.request.url.startswith(("file:", "data:"))
               else (errors.append(f"request {r.request.url}"), r.abort()))
    page.goto(path.as_uri(), wait_until="load")
    for link in page.locator("a").all():  # a javascript: link runs only when followed
        href = link.get_attribute("href") or ""
        if href.lower().startswith("javascript"):
            link.click()
    ran = page.evaluate("() => window.__pwned || (window.frames.length ? 'frame' : null)")
    context.close()
    return ([ran] if ran else []) + dialogs, errors


@pytest.mark.browser
@pytest.mark.slow
def test_no_payload_runs_in_chromium_even_without_the_policy(browser, hostile_pages, site):
    results_file = site / ARTICLE / "2018-h1.results.json"
    results = json.loads(results_file.read_text())
    results["title"] = payload("index-title")
    results_file.write_text(json.dumps(results))
    index = write_index(site, force=True)
    for path in [*hostile_pages.values(), index]:
        for bypass in (True, False):  # escaping alone, then escaping and the policy
            ran, errors = _payload_ran(browser, path, bypass)
            assert ran == [], f"{path.name} (policy {'off' if bypass else 'on'}) ran {ran}"
            assert not [e for e in errors if e.startswith("request")], errors


@pytest.mark.browser
@pytest.mark.slow
def test_the_policy_alone_stops_a_script_that_slipped_through(browser, tmp_path, good_site):
    page = (good_site / ARTICLE / "2018-h1.html").read_text(encoding="utf-8")
    slipped = tmp_path / "slipped.html"
    slipped.write_text(page.replace("</main>", "<script>window.__pwned='slipped'</script>"
                                    "<img src=x onerror=\"window.__pwned='img'\"></main>"))
    ran, _ = _payload_ran(browser, slipped, bypass_csp=True)
    assert ran and ran[0] in {"slipped", "img"}  # without the policy it runs: the test bites
    ran, _ = _payload_ran(browser, slipped, bypass_csp=False)
    assert ran == []


@pytest.mark.browser
@pytest.mark.slow
def test_the_good_pages_break_no_rule_of_their_policy(browser, good_site):
    for path in [good_site / "index.html", good_site / ARTICLE / "2018-h2.html",
                 good_site / ARTICLE / "trends.html"]:
        _, errors = _payload_ran(browser, path, bypass_csp=False)
        assert errors == [], f"{path.name}: {errors}"


@pytest.mark.slow
@pytest.mark.browser
def test_a_hostile_data_dir_path_renders_as_text(browser, site, tmp_path, run_cli,
                                                  monkeypatch):
    """The issue's reproduction: the Re-render line printed --data-dir unescaped. A path under
    the working folder is printed relative to it, quoted for the shell and escaped; an absolute
    path elsewhere names someone's machine, so the line says DATA_DIR instead."""
    name = "x\"><img src=x onerror=\"window.__pwned='path'\">"
    data = tmp_path / name
    (data / "demo").mkdir(parents=True)
    shutil.copy(DEMO_DATA / "2018-h1.csv.gz", data / "demo" / "2018-h1.csv.gz")
    monkeypatch.chdir(tmp_path)
    code, err = run_cli("render", "--wave", "2018-h1", "--reports-dir", site, "--data-dir", name)
    assert code == 0, err
    page = site / ARTICLE / "2018-h1.html"
    html = page.read_text(encoding="utf-8")
    assert live_markup(html) == []
    assert f"--data-dir {shlex.quote(name)}" in BeautifulSoup(html, "html.parser").get_text()
    assert str(tmp_path) not in html  # no local absolute path on a page
    assert _payload_ran(browser, page, bypass_csp=True)[0] == []
