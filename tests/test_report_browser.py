"""The HTML reports in a real browser: headless Chromium (the Debian package), driven by playwright.

Each report (a throw-away section, every section notebook in notebooks/, and the index) is built
into a tmp folder from the synthetic cohort and opened from disk with every request recorded:
it must load without a console error, every image must render, no code cell may be visible,
and it must make no request other than file:// and data: (a report e-mailed to co-authors is
opened offline and must not contact a CDN). playwright only drives /usr/bin/chromium; it never
downloads a browser.
"""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
import os
from pathlib import Path

import pytest

from lmlib import config
from lmlib.report.settings import section_names
from test_report_pipeline import CODE_MARKER, make_notebook, run_report

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
SECTION_NOTEBOOKS = [config.NOTEBOOKS_DIR / f"{name}.ipynb" for name in section_names(config.NOTEBOOKS_DIR)]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="headless Chromium is not installed at /usr/bin/chromium "
                       "(Debian: apt-get install chromium; .ci/run installs it when it can)"),
]

VISIBLE_CODE = """() => {
  const selector = ['.jp-CodeCell .jp-InputArea', '.jp-CodeCell .jp-Cell-inputWrapper', '.jp-InputArea-editor',
                    '.jp-InputPrompt', '.jp-OutputPrompt', '.cm-editor'].join(', ');
  return Array.from(document.querySelectorAll(selector))
    .filter(e => e.getClientRects().length > 0 && getComputedStyle(e).visibility !== 'hidden')
    .map(e => e.className);
}"""
IMAGES = """() => Array.from(document.images).map(i => ({src: i.src.slice(0, 60), complete: i.complete,
                                                     width: i.naturalWidth, height: i.naturalHeight}))"""


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    """name -> built HTML: a throw-away section, each section notebook, and the index."""
    out = tmp_path_factory.mktemp("browser") / "reports"
    source = make_notebook(out.parent / "00_throwaway.ipynb")

    def one(notebook):
        html = out / f"{notebook.stem}.html"
        return notebook.stem, (html, run_report("section", notebook, html, "--data", config.SYNTHETIC_COHORT,
                                                "--data-cut", "2018-12-31", "--lang", "en", "--decimals", "1",
                                                "--output-dir", out))

    with ThreadPoolExecutor(max_workers=max(1, min(4, os.cpu_count() or 1))) as pool:  # separate processes
        built = dict(pool.map(one, [source, *SECTION_NOTEBOOKS]))
    ok = [p for p in [source, *SECTION_NOTEBOOKS] if built[p.stem][1].returncode == 0]
    index = out / "index.html"
    result = run_report("index", index, *ok, "--data", config.SYNTHETIC_COHORT, "--data-cut", "2018-12-31")
    built["index"] = (index, result)
    return built


def open_report(browser, html: Path) -> dict:
    """Open ``html`` from disk; return what the page did: console errors, page errors, every
    request that was not file:// or data: (aborted, so the test never waits on a network),
    images, and visible code elements."""
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    page = context.new_page()
    seen = {"console": [], "errors": [], "outside": [], "requests": []}
    page.on("console", lambda m: seen["console"].append(f"{m.type}: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: seen["errors"].append(str(e)))
    page.on("request", lambda r: seen["requests"].append(r.url[:120]))

    def route(r):
        url = r.request.url
        if url.startswith(("file://", "data:")):
            r.continue_()
        else:
            seen["outside"].append(url)
            r.abort()

    context.route("**/*", route)
    try:
        page.goto(html.as_uri(), wait_until="load")
        page.wait_for_load_state("networkidle")
        seen["images"] = page.evaluate(IMAGES)
        seen["visible_code"] = page.evaluate(VISIBLE_CODE)
        seen["text"] = page.evaluate("() => document.body.innerText")
        seen["title"] = page.title()
    finally:
        context.close()
    outside = {u for u in seen["requests"] if not u.startswith(("file://", "data:"))}
    seen["outside"] = sorted(outside | set(seen["outside"]))
    return seen


NAMES = ["00_throwaway", *(p.stem for p in SECTION_NOTEBOOKS), "index"]


@pytest.mark.parametrize("name", NAMES)
def test_a_report_opens_offline_in_chromium_without_errors_with_images_and_without_code(browser, reports, name):
    html, result = reports[name]
    assert result.returncode == 0, f"building {name} failed:\n{result.stderr}"
    seen = open_report(browser, html)
    assert seen["outside"] == [], "the report asked for an outside resource"
    assert seen["console"] == [] and seen["errors"] == []
    broken = [i for i in seen["images"] if not (i["complete"] and i["width"] > 0)]
    assert broken == []
    assert seen["visible_code"] == []
    assert CODE_MARKER not in seen["text"] and "show_colophon(" not in seen["text"]
    assert seen["title"]
    if name == "00_throwaway":
        assert len(seen["images"]) == 1, "the throw-away section's figure is there"
    if name != "index":
        assert "SYNTHETIC DATA" in seen["text"]


def test_the_index_links_every_built_section(browser, reports):
    html, result = reports["index"]
    assert result.returncode == 0, result.stderr
    text = html.read_text(encoding="utf-8")
    for name in NAMES[:-1]:
        if reports[name][1].returncode == 0:
            assert f'href="{name}.html"' in text
    seen = open_report(browser, html)
    assert "32" in seen["text"] and "December 2018" in seen["text"] and "synthetic_lm_cohort.csv" in seen["text"]
