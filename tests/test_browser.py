"""Every published page in headless Chromium with the network blocked: no request leaves the page,
no console error, text on the page, no horizontal overflow at phone width, chart text legible on a
phone, and no serious or critical axe-core violation at 390 and 1280 px. Screenshots are saved in
tests/artifacts/."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import real_data_dir
from tests.rendered_site import shared_site

pytestmark = [pytest.mark.browser, pytest.mark.slow]
ARTIFACTS = Path(__file__).parent / "artifacts"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture(scope="session")
def chromium() -> str:
    """Debian's chromium, installed with apt-get when missing."""
    path = shutil.which("chromium")
    if path is None:  # a fresh machine may have no package lists yet
        subprocess.run(["apt-get", "update"], check=True, capture_output=True)
        subprocess.run(["apt-get", "install", "-y", "--no-install-recommends", "chromium"],
                       check=True, capture_output=True)
        path = shutil.which("chromium")
    assert path, "chromium is not installed and could not be installed"
    return path


@pytest.fixture(scope="module")
def browser(chromium):
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=[
            "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync"])
        yield browser
        browser.close()


AXE_VERSION = "4.10.2"
CHART_TEXT_PX = 13  # plots.setup(): every chart's text is drawn 13 px high at natural size


@pytest.fixture(scope="session")
def axe_source() -> str:
    """axe-core from the npm registry, installed once into tests/artifacts/ (gitignored)."""
    target = ARTIFACTS / "axe"
    script = target / "node_modules" / "axe-core" / "axe.min.js"
    if not script.is_file():
        if shutil.which("npm") is None:
            subprocess.run(["apt-get", "update"], check=True, capture_output=True)
            subprocess.run(["apt-get", "install", "-y", "--no-install-recommends", "npm"],
                           check=True, capture_output=True)
        target.mkdir(parents=True, exist_ok=True)
        subprocess.run(["npm", "install", "--prefix", str(target), "--no-audit", "--no-fund",
                        f"axe-core@{AXE_VERSION}"], check=True, capture_output=True)
    return script.read_text()


EXPECTED_PAGES = {"demo": 6, "kaggle": 22}  # index, then per article: every wave, trends


@pytest.fixture(scope="module", params=["demo", "kaggle"])
def site(request, tmp_path_factory):
    if request.param == "kaggle":
        data = real_data_dir()
        if data is None:
            pytest.skip("the Kaggle files are not here (../shared/data or $SURVEY_DATA_DIR)")
        return request.param, shared_site(tmp_path_factory, "kaggle", data)
    return request.param, shared_site(tmp_path_factory, "demo")


def _pages(site: tuple[str, Path]) -> list[Path]:
    source, reports = site
    return [reports / "index.html", *sorted((reports / source).rglob("*.html"))]


def open_offline(browser, page_path: Path, viewport: dict) -> tuple[object, list[str], list[str]]:
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    left, errors = [], []

    def route(request_route):
        url = request_route.request.url
        if url.startswith(("file://", "data:")):
            request_route.continue_()
        else:
            left.append(url)
            request_route.abort()

    page.route("**/*", route)
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(page_path.as_uri(), wait_until="load")
    page.wait_for_load_state("networkidle")
    return page, left, errors


def test_every_page_loads_offline_without_errors(browser, site):
    ARTIFACTS.mkdir(exist_ok=True)
    pages = _pages(site)
    assert len(pages) == EXPECTED_PAGES[site[0]]
    for path in pages:
        page, left, errors = open_offline(browser, path, DESKTOP)
        name = f"{site[0]}-{path.stem}"
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=False)
        assert left == [], f"{path.name} requested other hosts: {left}"
        assert errors == [], f"{path.name} console errors: {errors}"
        assert len(page.inner_text("body").strip()) > 200, f"{path.name} looks blank"
        assert page.locator("h1").count() == 1
        images = page.locator("img")
        for i in range(images.count()):
            assert images.nth(i).evaluate("img => img.complete && img.naturalWidth > 0")
        page.context.close()


def test_every_page_fits_a_phone_screen(browser, site):
    ARTIFACTS.mkdir(exist_ok=True)
    for path in _pages(site):
        page, _, _ = open_offline(browser, path, PHONE)
        overflow = page.evaluate(
            "() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
        if path.stem in ("2018-h2", "2021", "trends"):
            page.screenshot(path=str(ARTIFACTS / f"phone-{site[0]}-{path.stem}.png"))
        assert overflow <= 1, f"{path.name} overflows a 390 px screen by {overflow} px"
        page.context.close()


def _serious_violations(browser, path: Path, viewport: dict, axe_source: str) -> list[str]:
    # The pages forbid scripts (CSP); the checker alone is let in, through the test browser.
    context = browser.new_context(viewport=viewport, bypass_csp=True)
    page = context.new_page()
    page.goto(path.as_uri(), wait_until="load")
    page.evaluate(axe_source)
    found = page.evaluate("""async () => {
        const r = await axe.run(document, {resultTypes: ['violations']});
        return r.violations.filter(v => ['serious', 'critical'].includes(v.impact))
            .map(v => v.id + ': ' + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', '));
    }""")
    context.close()
    return found


def test_no_serious_accessibility_violation_at_phone_and_desktop_width(browser, site, axe_source,
                                                                      tmp_path):
    bad = tmp_path / "bad.html"  # the checker itself works: it finds what it must
    bad.write_text('<!DOCTYPE html><html lang="en"><title>x</title><img src="data:,">')
    assert any(v.startswith("image-alt") for v in
               _serious_violations(browser, bad, DESKTOP, axe_source))
    for path in _pages(site):
        for viewport in (PHONE, DESKTOP):
            found = _serious_violations(browser, path, viewport, axe_source)
            assert found == [], f"{path.name} at {viewport['width']} px: {found}"


def test_chart_text_is_legible_on_a_phone(browser, site):
    for path in _pages(site):
        page, _, _ = open_offline(browser, path, PHONE)
        scales = page.evaluate("""() => [...document.querySelectorAll('figure.chart img')]
            .map(img => img.getBoundingClientRect().width / img.naturalWidth)""")
        for scale in scales:
            text_px = CHART_TEXT_PX * scale
            assert text_px >= 9, f"{path.name}: chart text shown {text_px:.1f} px high"
        page.context.close()
